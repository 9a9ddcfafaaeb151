// client::DynamoDb: how functions reach tables (DESIGN "The seams"). A handler calls DynamoDB
// operations by name with their request JSON and gets the response JSON or the error as AWS
// reports it, so the same handler logic can run in-process, against Eddy over HTTP, or
// against DynamoDB itself.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "api/api_error.h"
#include "api/dynamodb/operation.h"

namespace eddy::client {

// The response body, or the error (name, message, HTTP status) as DynamoDB reports it.
using Response = std::variant<std::string, api::ApiError>;

class DynamoDb {
 public:
  virtual ~DynamoDb() = default;
  // Runs `operation` ("PutItem") with `request` (its JSON) and waits for the answer. Blocking:
  // call it from a function's invocation thread, never from a server thread.
  virtual Response call(std::string_view operation, const std::string& request) = 0;
};

// The in-process client: the same code path as a request over HTTP, without the HTTP.
class InProcessDynamoDb final : public DynamoDb {
 public:
  explicit InProcessDynamoDb(api::dynamodb::Context& context) : context_(context) {}
  Response call(std::string_view operation, const std::string& request) override;

 private:
  api::dynamodb::Context& context_;
};

}  // namespace eddy::client
