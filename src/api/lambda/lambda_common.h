// What the Lambda operations share: errors in Lambda's REST form, function name resolution,
// and the JSON of functions and mappings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/json.h"
#include "api/lambda/operation.h"

namespace eddy::api::lambda {

// A Lambda error (plain names, no namespace prefix): e.g. ("ResourceNotFoundException", 404).
ApiError error(std::string_view type, std::string message, int http_status);
// Lambda's error for a Status from a lower layer: kValidation -> ValidationException for a
// constraint message ("1 validation error detected: ...") else InvalidParameterValueException,
// kNotFound -> ResourceNotFoundException 404, kAlreadyExists -> ResourceConflictException
// 409, kThrottled -> TooManyRequestsException 429, kSerialization ->
// InvalidRequestContentException, anything else ServiceException 500.
ApiError from_status(const Status& status);
// x-amzn-ErrorType with the name, and {"Type":"User"|"Service","message":...}.
Response error_response(const ApiError& error);
Response json_response(int status, std::string body);

// The MaxItems query parameter of a List operation: `fallback` when absent, 1-10000, else
// InvalidParameterValueException.
Result<int64_t> read_max_items(const Request& request, int64_t fallback);

// A function named by name, by ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<q>])
// or by partial ARN (<account>:function:<name>): the name, or nullopt when it is none of them
// or names another region or account.
std::optional<std::string> function_name_of(const Context& context, std::string_view text);
// The function's name or ResourceNotFoundException ("Function not found: <arn>").
Result<std::string> find_function(const Context& context, std::string_view text);

void write_function_configuration(JsonWriter& writer, const Context& context,
                                  const functions::FunctionConfig& config);
void write_mapping(JsonWriter& writer, const esm::MappingView& mapping);
std::string mapping_json(const esm::MappingView& mapping);

// The settings members of CreateEventSourceMapping and UpdateEventSourceMapping, applied to
// `config`; kValidation or kSerialization for a bad member.
Status read_mapping_settings(const Json& body, esm::MappingConfig& config);

}  // namespace eddy::api::lambda
