#include "api/json.h"

#include <fmt/format.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "model/json_parse.h"

namespace eddy::api {

namespace {

const char* json_type_name(const Json& value) {
  // The names AWS's deserializer uses in its SerializationException messages.
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "NULL_VALUE";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "BOOLEAN_VALUE";
    case rapidjson::kObjectType:
      return "START_OBJECT";
    case rapidjson::kArrayType:
      return "START_ARRAY";
    case rapidjson::kStringType:
      return "STRING_VALUE";
    case rapidjson::kNumberType:
      return "NUMBER_VALUE";
  }
  return "VALUE";
}

Status wrong_type(const Json& value, std::string_view /*name*/, std::string_view expected) {
  return Status::serialization(
      fmt::format("{} cannot be converted to {}", json_type_name(value), expected));
}

// The deepest bracket nesting of a JSON text (brackets inside strings do not count). Strings
// are skipped with memchr: they are most of a request's bytes.
size_t nesting_depth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const char c = *p++;
    if (c == '"') {
      for (;;) {  // to the closing quote: one not preceded by an odd number of backslashes
        const char* quote = static_cast<const char*>(std::memchr(p, '"', end - p));
        if (!quote) return deepest;  // unterminated: the parser reports it
        size_t backslashes = 0;
        for (const char* q = quote; q > p && q[-1] == '\\'; --q)
          ++backslashes;
        p = quote + 1;
        if (backslashes % 2 == 0) break;
      }
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Status parse_request(const std::string& body, rapidjson::Document& document) {
  // Whatever reads the document later (the codec, a digest of it) may recurse over it, so very
  // deep documents are refused up front. The bound leaves room for DynamoDB's own limit of 32
  // nested attribute levels (two JSON levels each), which the codec reports with its message.
  if (nesting_depth(body) > kMaxJsonDepth) {
    return Status::serialization(
        fmt::format("JSON nesting deeper than {} levels is not supported", kMaxJsonDepth));
  }
  // An empty body is an empty request, as AWS treats it.
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    document.SetObject();
    return {};
  }
  // Iterative parsing: a body of a million nested brackets must not exhaust the stack (the
  // recursive parser crashed on 200,000). Depth limits are the codec's, with DynamoDB's message.
  // Parsed as a NUL-terminated string: RapidJSON's SSE2 string scanning works on that stream
  // only. A NUL inside the body would end the text early, so such a body is refused.
  if (std::memchr(body.data(), '\0', body.size()) != nullptr) {
    return Status::serialization("Request bodies may not contain NUL bytes");
  }
  // The SSE2 scanner loads aligned 16-byte blocks, up to 15 bytes past the terminating NUL:
  // harmless for the page, but outside the string's allocation unless it has that much spare
  // capacity (AddressSanitizer reported it). Copying a short body is cheaper than the scan saves.
  constexpr size_t kSimdPadding = 16;
  // Strings must be Unicode (model/json_parse.h).
  rapidjson::ParseResult parsed;
  if (body.capacity() - body.size() >= kSimdPadding) {
    parsed = model::parse_terminated_json(body.c_str(), document);
  } else {
    std::string padded;
    padded.reserve(body.size() + kSimdPadding);
    padded.assign(body);
    parsed = model::parse_terminated_json(padded.c_str(), document);
  }
  if (parsed.IsError()) {
    return Status::serialization(fmt::format("Malformed JSON at offset {}: {}", parsed.Offset(),
                                             rapidjson::GetParseError_En(parsed.Code())));
  }
  if (!document.IsObject()) {
    return Status::serialization("Start of structure or map expected, found " +
                                 std::string(json_type_name(document)));
  }
  return {};
}

const Json* find_member(const Json& object, std::string_view name) {
  auto it = object.FindMember(rapidjson::Value(
      rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

Result<std::optional<std::string>> get_string(const Json& object, std::string_view name) {
  const Json* value = find_member(object, name);
  if (!value) return std::optional<std::string>();
  if (!value->IsString()) return wrong_type(*value, name, "String");
  return std::optional<std::string>(std::string(value->GetString(), value->GetStringLength()));
}

Result<std::optional<int64_t>> get_integer(const Json& object, std::string_view name) {
  const Json* value = find_member(object, name);
  if (!value) return std::optional<int64_t>();
  if (value->IsInt64()) return std::optional<int64_t>(value->GetInt64());
  if (value->IsUint64()) return std::optional<int64_t>(INT64_MAX);  // beyond any limit
  if (value->IsDouble()) {
    double d = value->GetDouble();
    if (std::trunc(d) == d && std::fabs(d) < 9.2e18) return std::optional<int64_t>(int64_t(d));
  }
  return wrong_type(*value, name, "Integer");
}

Result<std::optional<bool>> get_bool(const Json& object, std::string_view name) {
  const Json* value = find_member(object, name);
  if (!value) return std::optional<bool>();
  if (!value->IsBool()) return wrong_type(*value, name, "Boolean");
  return std::optional<bool>(value->GetBool());
}

Result<const Json*> get_object(const Json& object, std::string_view name) {
  const Json* value = find_member(object, name);
  if (value && !value->IsObject()) return wrong_type(*value, name, "a structure or map");
  return value;
}

Result<const Json*> get_array(const Json& object, std::string_view name) {
  const Json* value = find_member(object, name);
  if (value && !value->IsArray()) return wrong_type(*value, name, "a list");
  return value;
}

Result<std::optional<std::vector<std::string>>> get_string_list(const Json& object,
                                                                std::string_view name) {
  EDDY_ASSIGN_OR_RETURN(const Json* array, get_array(object, name));
  if (!array) return std::optional<std::vector<std::string>>();
  std::vector<std::string> strings;
  strings.reserve(array->Size());
  for (const auto& element : array->GetArray()) {
    EDDY_RETURN_IF_ERROR(expect_string(element, name));
    strings.emplace_back(element.GetString(), element.GetStringLength());
  }
  return std::optional<std::vector<std::string>>(std::move(strings));
}

Result<std::optional<std::vector<std::pair<std::string, std::string>>>> get_string_map(
    const Json& object, std::string_view name) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EDDY_ASSIGN_OR_RETURN(const Json* map, get_object(object, name));
  if (!map) return std::optional<Pairs>();
  Pairs pairs;
  for (const auto& member : map->GetObject()) {
    EDDY_RETURN_IF_ERROR(expect_string(member.value, name));
    pairs.emplace_back(std::string(member.name.GetString(), member.name.GetStringLength()),
                       std::string(member.value.GetString(), member.value.GetStringLength()));
  }
  return std::optional<Pairs>(std::move(pairs));
}

Status expect_object(const Json& value, std::string_view what) {
  if (!value.IsObject()) return wrong_type(value, what, "a structure or map");
  return {};
}

Status expect_string(const Json& value, std::string_view what) {
  if (!value.IsString()) return wrong_type(value, what, "String");
  return {};
}

}  // namespace eddy::api
