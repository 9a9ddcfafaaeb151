// Key validation and item size (see key_schema.h).
//
// Sources for the messages (cited again where used):
//  [dynalite-db]  architect/dynalite db/index.js: validateItem, validateKey, validateKeyPiece,
//                 checkKeySize (its tests run against real DynamoDB with REMOTE=1);
//  [dynalite-put] architect/dynalite test/putItem.js: "Missing the key b in the item",
//                 "...cannot contain an empty string value. Key: a", "...empty binary value.
//                 Key: b", the hash/range key size messages;
//  [moto]         getmoto/moto moto/dynamodb/responses.py (the empty-key message) and
//                 moto/dynamodb/limits.py (2048/1024 bytes, "<= not <");
//  [aws-sizes]
//  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
//                 ("DynamoDB item sizes and formats").
#include "model/key_schema.h"

#include <string>
#include <string_view>

namespace eddy::model {
namespace {

constexpr char kInvalidPrefix[] = "One or more parameter values were invalid: ";
// The current service words the empty-key error differently from the others ("are not
// valid", no "invalid:"); older texts said "An AttributeValue may not contain an empty
// string". [dynalite-put], [moto], and conformance suites captured against real DynamoDB in
// 2026 agree on this one.
constexpr char kEmptyKeyPrefix[] =
    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
    "contain an empty ";
// [dynalite-db] checkKeySize, [dynalite-put]; "of2048" (no space) is the service's.
constexpr char kHashKeyTooLarge[] =
    "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
    "limit of2048 bytes";
constexpr char kRangeKeyTooLarge[] =
    "One or more parameter values were invalid: Aggregated size of all range keys has exceeded "
    "the size limit of 1024 bytes";
// [dynalite-db] validateKey / validateKeyPiece: wrong count, missing or mistyped attribute.
constexpr char kKeyDoesNotMatch[] = "The provided key element does not match the schema";
// architect/dynalite validations/putItem.js; also quoted from the service in many client
// issues (a 400 KB item).
constexpr char kItemTooLarge[] = "Item size has exceeded the maximum allowed size";

// The value checks shared by items and keys: not empty, within the size limit. Numbers are
// at most 38 digits, far below either limit, so only S and B are measured, in bytes
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html:
// partition key values up to 2048 bytes, sort key values up to 1024 bytes; [moto] limits.py:
// "<= not <").
Status check_key_value(const AttributeValue& value, const KeyAttribute& attr, bool is_partition) {
  size_t size = 0;
  if (value.is<std::string>()) {
    size = value.as<std::string>().size();
    if (size == 0)
      return Status::validation(kEmptyKeyPrefix + std::string("string value. Key: ") + attr.name);
  } else if (value.is<Binary>()) {
    size = value.as<Binary>().bytes.size();
    if (size == 0)
      return Status::validation(kEmptyKeyPrefix + std::string("binary value. Key: ") + attr.name);
  }
  if (is_partition && size > kMaxPartitionKeyBytes) return Status::validation(kHashKeyTooLarge);
  if (!is_partition && size > kMaxSortKeyBytes) return Status::validation(kRangeKeyTooLarge);
  return Status::ok();
}

// Checks one key attribute of a Key parameter, where every mismatch is the one message.
Status check_key_piece(const Item& key, const KeyAttribute& attr, bool is_partition) {
  const auto it = key.find(attr.name);
  if (it == key.end() || it->second.type() != value_type(attr.type)) {
    return Status::validation(kKeyDoesNotMatch);
  }
  return check_key_value(it->second, attr, is_partition);
}

size_t map_size(const Map& map) {
  // [aws-sizes]: a map element counts its name, its value and one byte.
  size_t size = 3;
  for (const auto& [name, value] : map)
    size += name.size() + 1 + attribute_value_size(value);
  return size;
}

}  // namespace

const char* key_type_name(KeyType type) {
  switch (type) {
    case KeyType::S:
      return "S";
    case KeyType::N:
      return "N";
    case KeyType::B:
      return "B";
  }
  return "?";
}

Status validate_key_attribute(const Item& item, const KeyAttribute& attr, bool is_partition) {
  const auto it = item.find(attr.name);
  if (it == item.end()) {
    // [dynalite-db] validateItem, [dynalite-put].
    return Status::validation(std::string(kInvalidPrefix) + "Missing the key " + attr.name +
                              " in the item");
  }
  const Type actual = it->second.type();
  if (actual != value_type(attr.type)) {
    // [dynalite-db] validateItem.
    return Status::validation(std::string(kInvalidPrefix) + "Type mismatch for key " + attr.name +
                              " expected: " + key_type_name(attr.type) +
                              " actual: " + type_name(actual));
  }
  return check_key_value(it->second, attr, is_partition);
}

Status validate_item_key(const Item& item, const KeySchema& schema) {
  EDDY_RETURN_IF_ERROR(validate_key_attribute(item, schema.partition, true));
  if (schema.sort) EDDY_RETURN_IF_ERROR(validate_key_attribute(item, *schema.sort, false));
  return Status::ok();
}

Status validate_key(const Item& key, const KeySchema& schema) {
  // [dynalite-db] validateKey: the attribute count is checked first, so an extra attribute is
  // reported the same way as a missing one.
  if (key.size() != (schema.sort ? 2u : 1u)) return Status::validation(kKeyDoesNotMatch);
  EDDY_RETURN_IF_ERROR(check_key_piece(key, schema.partition, true));
  if (schema.sort) EDDY_RETURN_IF_ERROR(check_key_piece(key, *schema.sort, false));
  return Status::ok();
}

Item extract_key(const Item& item, const KeySchema& schema) {
  Item key;
  if (auto it = item.find(schema.partition.name); it != item.end()) key.insert(*it);
  if (schema.sort) {
    if (auto it = item.find(schema.sort->name); it != item.end()) key.insert(*it);
  }
  return key;
}

size_t attribute_value_size(const AttributeValue& value) {
  // The rules of [aws-sizes]: strings count their UTF-8 bytes (std::string holds UTF-8),
  // binaries their raw bytes, numbers 1 byte per two significant digits plus 1
  // (Number::size_bytes), BOOL and NULL 1 byte, a List or Map 3 bytes plus 1 byte and the size
  // of each element. The page gives no rule for sets; like architect/dynalite db/index.js
  // (valSize) we count the sum of their members.
  switch (value.type()) {
    case Type::S:
      return value.as<std::string>().size();
    case Type::N:
      return value.as<Number>().size_bytes();
    case Type::B:
      return value.as<Binary>().bytes.size();
    case Type::BOOL:
    case Type::NUL:
      return 1;
    case Type::M:
      return map_size(value.as<Map>());
    case Type::L: {
      size_t size = 3;
      for (const auto& element : value.as<List>())
        size += 1 + attribute_value_size(element);
      return size;
    }
    case Type::SS: {
      size_t size = 0;
      for (const auto& s : value.as<StringSet>().members)
        size += s.size();
      return size;
    }
    case Type::NS: {
      size_t size = 0;
      for (const auto& n : value.as<NumberSet>().members)
        size += n.size_bytes();
      return size;
    }
    case Type::BS: {
      size_t size = 0;
      for (const auto& b : value.as<BinarySet>().members)
        size += b.size();
      return size;
    }
  }
  return 0;
}

size_t item_size(const Item& item) {
  // [aws-sizes]: "the sum of the lengths of its attribute names and values"; no per-attribute
  // overhead at the top level.
  size_t size = 0;
  for (const auto& [name, value] : item)
    size += name.size() + attribute_value_size(value);
  return size;
}

Status validate_item(const Item& item, const KeySchema& schema) {
  // The size is checked first, as in architect/dynalite, where it is part of the request
  // validation that runs before the key is looked at (validations/putItem.js).
  if (item_size(item) > kMaxItemBytes) return Status::validation(kItemTooLarge);
  return validate_item_key(item, schema);
}

}  // namespace eddy::model
