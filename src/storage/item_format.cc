// Item format, version 1.
//
//   value    := version:u8(=1) body
//   body     := count:varint { name:bytes attr }*        (names in ascending byte order)
//   attr     := type:u8 payload                          (type = model::Type, fixed values)
//   payload  := S:    bytes                              (UTF-8 text)
//               N:    bytes                              (Number::to_string(), normalised)
//               B:    bytes                              (raw bytes)
//               BOOL: u8 (0 | 1)
//               NULL: (nothing)
//               M:    body
//               L:    count:varint attr*
//               SS|BS: count:varint bytes*               (sorted, no duplicates)
//               NS:   count:varint bytes*                (Number text, numeric order)
//   bytes    := length:varint raw
//
// Numbers are stored as their normalised text: exact, compact enough (~1 byte per digit) and
// re-validated by Number::parse on read, so a corrupt number can never enter the engine.
#include "storage/item_format.h"

#include "storage/binary_io.h"

namespace eddy::storage {

using model::AttributeValue;
using model::Item;
using model::Type;

namespace {

// DynamoDB allows 32 levels of nesting; reading deeper data means it is not ours.
constexpr int kMaxDepth = 64;

void append_attr(const AttributeValue& value, std::string& out) {
  put_u8(out, static_cast<uint8_t>(value.type()));
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          put_bytes(out, v);
        } else if constexpr (std::is_same_v<T, model::Number>) {
          put_bytes(out, v.to_string());
        } else if constexpr (std::is_same_v<T, model::Binary>) {
          put_bytes(out, v.bytes);
        } else if constexpr (std::is_same_v<T, bool>) {
          put_u8(out, v ? 1 : 0);
        } else if constexpr (std::is_same_v<T, model::Null>) {
        } else if constexpr (std::is_same_v<T, model::Map>) {
          append_item_body(v, out);
        } else if constexpr (std::is_same_v<T, model::List>) {
          put_varint(out, v.size());
          for (const auto& element : v)
            append_attr(element, out);
        } else if constexpr (std::is_same_v<T, model::NumberSet>) {
          put_varint(out, v.members.size());
          for (const auto& n : v.members)
            put_bytes(out, n.to_string());
        } else {  // StringSet, BinarySet
          put_varint(out, v.members.size());
          for (const auto& m : v.members)
            put_bytes(out, m);
        }
      },
      value.variant());
}

bool read_strings(Reader& reader, std::vector<std::string>& members) {
  uint64_t count;
  if (!reader.varint(count) || count > reader.rest().size()) return false;
  members.resize(count);
  for (auto& m : members) {
    if (!reader.bytes(m)) return false;
  }
  return true;
}

bool read_attr(Reader& reader, AttributeValue& value, int depth) {
  if (depth > kMaxDepth) return false;
  uint8_t type;
  if (!reader.u8(type)) return false;
  switch (static_cast<Type>(type)) {
    case Type::S: {
      std::string s;
      if (!reader.bytes(s)) return false;
      value = AttributeValue(std::move(s));
      return true;
    }
    case Type::N: {
      std::string_view text;
      if (!reader.bytes(text)) return false;
      auto number = model::Number::parse(text);
      if (!number) return false;
      value = AttributeValue(std::move(number).value());
      return true;
    }
    case Type::B: {
      std::string bytes;
      if (!reader.bytes(bytes)) return false;
      value = AttributeValue(model::Binary{std::move(bytes)});
      return true;
    }
    case Type::BOOL: {
      uint8_t b;
      if (!reader.u8(b) || b > 1) return false;
      value = AttributeValue(b == 1);
      return true;
    }
    case Type::NUL:
      value = AttributeValue(model::Null{});
      return true;
    case Type::M: {
      model::Map map;
      if (!read_item_body(reader, map, depth + 1)) return false;
      value = AttributeValue(std::move(map));
      return true;
    }
    case Type::L: {
      uint64_t count;
      if (!reader.varint(count) || count > reader.rest().size()) return false;
      model::List list(count);
      for (auto& element : list) {
        if (!read_attr(reader, element, depth + 1)) return false;
      }
      value = AttributeValue(std::move(list));
      return true;
    }
    case Type::SS: {
      model::StringSet set;
      if (!read_strings(reader, set.members)) return false;
      value = AttributeValue(std::move(set));
      return true;
    }
    case Type::BS: {
      model::BinarySet set;
      if (!read_strings(reader, set.members)) return false;
      value = AttributeValue(std::move(set));
      return true;
    }
    case Type::NS: {
      std::vector<std::string> texts;
      if (!read_strings(reader, texts)) return false;
      model::NumberSet set;
      set.members.reserve(texts.size());
      for (const auto& text : texts) {
        auto number = model::Number::parse(text);
        if (!number) return false;
        set.members.push_back(std::move(number).value());
      }
      value = AttributeValue(std::move(set));
      return true;
    }
  }
  return false;
}

}  // namespace

void append_item_body(const Item& item, std::string& out) {
  put_varint(out, item.size());
  for (const auto& [name, value] : item) {
    put_bytes(out, name);
    append_attr(value, out);
  }
}

bool read_item_body(Reader& reader, Item& item, int depth) {
  if (depth > kMaxDepth) return false;
  uint64_t count;
  if (!reader.varint(count) || count > reader.rest().size()) return false;
  for (uint64_t i = 0; i < count; ++i) {
    std::string name;
    AttributeValue value;
    if (!reader.bytes(name) || !read_attr(reader, value, depth)) return false;
    // emplace_hint at end keeps decoding linear for the sorted names we write.
    item.emplace_hint(item.end(), std::move(name), std::move(value));
  }
  return true;
}

void serialize_item(const Item& item, std::string& out) {
  put_u8(out, kItemFormatVersion);
  append_item_body(item, out);
}

std::string serialize_item(const Item& item) {
  std::string out;
  serialize_item(item, out);
  return out;
}

Result<Item> deserialize_item(std::string_view bytes) {
  Reader reader(bytes);
  uint8_t version;
  if (!reader.u8(version) || version != kItemFormatVersion) {
    return Status::corruption("item: unknown format version");
  }
  Item item;
  if (!read_item_body(reader, item, 0) || !reader.done()) {
    return Status::corruption("item: malformed encoding");
  }
  return item;
}

}  // namespace eddy::storage
