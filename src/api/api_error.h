// ApiError: one AWS error as the client sees it (DESIGN decision 5).
//
// Every layer below api/ returns Status values; api/ turns them into ApiError, and exactly one
// function, ApiError::body(), writes the JSON envelope `{"__type": "<prefix>#<Name>",
// "message": "..."}` that AWS's JSON protocols use. The prefixes are DynamoDB's: service errors
// carry the service's namespace, validation errors the Coral validator's, and protocol and
// authentication errors the Coral service framework's
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace eddy::api {

struct ApiError {
  int http_status = 400;
  std::string type;  // the whole __type, prefix included
  std::string message;
  // Further members of the error object, as JSON text without braces (e.g. `"Item":{...}` for
  // ConditionalCheckFailedException), or empty.
  std::string extra_members;
  // SerializationException and TransactionCanceledException spell their message member
  // "Message", as DynamoDB sends them (docs/research/dynamodb-api.md §3).
  bool capitalized_message = false;

  // The name after '#', e.g. "ValidationException".
  std::string_view name() const;
  // The error as the response body.
  std::string body() const;

  // ---- DynamoDB service errors (com.amazonaws.dynamodb.v20120810#) ----
  static ApiError service(std::string_view name, std::string message, int http_status = 400);
  static ApiError resource_not_found(std::string message);
  static ApiError resource_in_use(std::string message);
  static ApiError conditional_check_failed(std::string extra_members = {});
  static ApiError internal(std::string message);  // InternalServerError, HTTP 500

  // ---- validation (com.amazon.coral.validate#) ----
  static ApiError validation(std::string message);

  // ---- protocol and authentication (com.amazon.coral.service#) ----
  static ApiError coral(std::string_view name, std::string message, int http_status = 400);
  static ApiError serialization(std::string message);
  static ApiError unknown_operation();

  // The AWS error for a Status from a lower layer (which must not be OK).
  static ApiError from_status(const Status& status);
};

}  // namespace eddy::api
