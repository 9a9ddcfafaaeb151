// Reading an AWS JSON request and writing its response.
//
// AWS's JSON protocols reject a member of the wrong JSON type before any validation, with a
// SerializationException; these accessors do that check, so an operation reads its request with
// one call per member and sees only well-typed values. An absent member and a JSON null are
// both "not given", as in AWS's deserializers.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/json_codec.h"

namespace eddy::api {

using Json = rapidjson::Value;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline constexpr size_t kMaxJsonDepth = 256;

// Parses a request body into `document`; kSerialization when it is not a JSON object or nests
// deeper than kMaxJsonDepth.
Status parse_request(const std::string& body, rapidjson::Document& document);

// The member `name` of `object`, or nullptr when absent or null.
const Json* find_member(const Json& object, std::string_view name);

Result<std::optional<std::string>> get_string(const Json& object, std::string_view name);
Result<std::optional<int64_t>> get_integer(const Json& object, std::string_view name);
Result<std::optional<bool>> get_bool(const Json& object, std::string_view name);
// nullptr when absent; kSerialization when not an object (resp. array).
Result<const Json*> get_object(const Json& object, std::string_view name);
Result<const Json*> get_array(const Json& object, std::string_view name);
// An array member of strings.
Result<std::optional<std::vector<std::string>>> get_string_list(const Json& object,
                                                                std::string_view name);
// A map member of strings (ExpressionAttributeNames).
Result<std::optional<std::vector<std::pair<std::string, std::string>>>> get_string_map(
    const Json& object, std::string_view name);

// Checks that an array element or map value has the expected JSON type.
Status expect_object(const Json& value, std::string_view what);
Status expect_string(const Json& value, std::string_view what);

using model::write_key;
using model::write_string;

}  // namespace eddy::api
