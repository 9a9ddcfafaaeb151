// DynamoDB JSON <-> AttributeValue.
//
// DynamoDB's wire format for a value is a one-member object naming the type:
// {"S": "text"}, {"N": "1.5"}, {"B": "<base64>"}, {"BOOL": true}, {"NULL": true},
// {"M": {...}}, {"L": [...]}, {"SS": [...]}, {"NS": [...]}, {"BS": [...]}.
// Decoding validates as DynamoDB does and fails with Code::kValidation and DynamoDB's message.
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/status.h"
#include "model/attribute_value.h"

namespace eddy::model {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Strings with their length (text may hold NULs), as every JSON writer of Eddy writes them.
inline void write_string(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}
inline void write_key(JsonWriter& writer, std::string_view text) {
  writer.Key(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

Result<AttributeValue> decode_attribute_value(const rapidjson::Value& json);
// An object of attribute name -> AttributeValue JSON (an Item, a Key, ExpressionAttributeValues).
Result<Item> decode_item(const rapidjson::Value& json);

void encode_attribute_value(const AttributeValue& value, JsonWriter& writer);
void encode_item(const Item& item, JsonWriter& writer);

// Convenience wrappers over whole JSON texts (tests, tools).
Result<Item> item_from_json(std::string_view json_text);
std::string item_to_json(const Item& item);
Result<AttributeValue> attribute_value_from_json(std::string_view json_text);
std::string attribute_value_to_json(const AttributeValue& value);

}  // namespace eddy::model
