#include "functions/function.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace eddy::functions {

std::string FunctionError::to_json() const {
  if (!payload.empty()) return payload;
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

FunctionError timeout_error(std::string_view request_id, int64_t timeout_ms) {
  return FunctionError{"Sandbox.Timedout",
                       fmt::format("RequestId: {} Error: Task timed out after {:.2f} seconds",
                                   request_id, timeout_ms / 1000.0)};
}

}  // namespace eddy::functions
