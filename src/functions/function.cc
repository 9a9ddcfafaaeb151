#include "functions/function.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace eddy::functions {

std::string FunctionError::to_json() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("errorType");
  writer.String(error_type.data(), static_cast<rapidjson::SizeType>(error_type.size()));
  writer.Key("errorMessage");
  writer.String(error_message.data(), static_cast<rapidjson::SizeType>(error_message.size()));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace eddy::functions
