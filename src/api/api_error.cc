#include "api/api_error.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace eddy::api {

namespace {

constexpr std::string_view kServicePrefix = "com.amazonaws.dynamodb.v20120810#";
constexpr std::string_view kValidatePrefix = "com.amazon.coral.validate#";
constexpr std::string_view kCoralPrefix = "com.amazon.coral.service#";

ApiError make(std::string_view prefix, std::string_view name, std::string message, int status) {
  ApiError error;
  error.http_status = status;
  error.type.reserve(prefix.size() + name.size());
  error.type.append(prefix).append(name);
  error.message = std::move(message);
  return error;
}

}  // namespace

std::string_view ApiError::name() const {
  std::string_view type_view = type;
  auto hash = type_view.rfind('#');
  return hash == std::string_view::npos ? type_view : type_view.substr(hash + 1);
}

std::string ApiError::body() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("__type");
  writer.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
  // DynamoDB sends UnknownOperationException (and a bare SerializationException) without one.
  if (!message.empty()) {
    writer.Key(capitalized_message ? "Message" : "message");
    writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  }
  writer.EndObject();
  std::string body(buffer.GetString(), buffer.GetSize());
  if (!extra_members.empty()) {
    body.pop_back();  // the closing brace
    body.push_back(',');
    body.append(extra_members);
    body.push_back('}');
  }
  return body;
}

ApiError ApiError::service(std::string_view name, std::string message, int http_status) {
  return make(kServicePrefix, name, std::move(message), http_status);
}

ApiError ApiError::resource_not_found(std::string message) {
  return service("ResourceNotFoundException", std::move(message));
}

ApiError ApiError::resource_in_use(std::string message) {
  return service("ResourceInUseException", std::move(message));
}

ApiError ApiError::conditional_check_failed(std::string extra_members) {
  ApiError error = service("ConditionalCheckFailedException", "The conditional request failed");
  error.extra_members = std::move(extra_members);
  return error;
}

ApiError ApiError::internal(std::string message) {
  return service("InternalServerError", std::move(message), 500);
}

ApiError ApiError::validation(std::string message) {
  return make(kValidatePrefix, "ValidationException", std::move(message), 400);
}

ApiError ApiError::coral(std::string_view name, std::string message, int http_status) {
  return make(kCoralPrefix, name, std::move(message), http_status);
}

ApiError ApiError::serialization(std::string message) {
  ApiError error = coral("SerializationException", std::move(message));
  error.capitalized_message = true;  // as DynamoDB spells it for this error
  return error;
}

ApiError ApiError::unknown_operation() {
  // DynamoDB answers an unknown target with an empty message.
  return coral("UnknownOperationException", "");
}

ApiError ApiError::from_status(const Status& status) {
  switch (status.code()) {
    case Code::kValidation:
      return validation(status.message());
    case Code::kSerialization:
      return serialization(status.message());
    case Code::kNotFound:
      return resource_not_found(status.message());
    case Code::kAlreadyExists:
      return resource_in_use(status.message());
    case Code::kConditionFailed:
      return conditional_check_failed();
    case Code::kTrimmed:
      return service("TrimmedDataAccessException", status.message());
    case Code::kExpired:
      return service("ExpiredIteratorException", status.message());
    case Code::kThrottled:
      return service("TooManyRequestsException", status.message(), 429);
    case Code::kCollectionFull:
      return service("ItemCollectionSizeLimitExceededException", status.message());
    case Code::kShuttingDown:
      return service("ServiceUnavailable", status.message(), 503);
    case Code::kIoError:
    case Code::kCorruption:
    case Code::kInternal:
    case Code::kOk:
      break;
  }
  return internal(status.message());
}

}  // namespace eddy::api
