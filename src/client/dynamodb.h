// client::DynamoDb: how functions reach tables (DESIGN "The seams"). A handler calls DynamoDB
// operations by name with their request JSON and gets the response JSON or the error as AWS
// reports it, so the same handler logic runs in-process (api/dynamodb/in_process_client.h),
// against Eddy or DynamoDB itself over HTTP (client/http_dynamodb.h).
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace eddy::client {

// An error as DynamoDB reports it.
struct Error {
  int http_status = 400;
  std::string type;  // the whole __type, e.g. com.amazonaws.dynamodb.v20120810#...
  std::string message;
  // The name after '#', e.g. "ConditionalCheckFailedException".
  std::string_view name() const {
    const auto hash = type.rfind('#');
    return hash == std::string::npos ? std::string_view(type)
                                     : std::string_view(type).substr(hash + 1);
  }
};

// The response body, or the error.
using Response = std::variant<std::string, Error>;

class DynamoDb {
 public:
  virtual ~DynamoDb() = default;
  // Runs `operation` ("PutItem") with `request` (its JSON) and waits for the answer. Blocking:
  // call it from a function's invocation thread, never from a server thread.
  virtual Response call(std::string_view operation, const std::string& request) = 0;
};

}  // namespace eddy::client
