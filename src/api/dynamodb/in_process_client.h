// The in-process DynamoDB client that built-in functions use: the same code path as a request
// over HTTP, without the HTTP.
#pragma once

#include "api/dynamodb/operation.h"
#include "client/dynamodb.h"

namespace eddy::api::dynamodb {

class InProcessClient final : public client::DynamoDb {
 public:
  explicit InProcessClient(Context& context) : context_(context) {}
  client::Response call(std::string_view operation, const std::string& request) override;

 private:
  Context& context_;
};

}  // namespace eddy::api::dynamodb
