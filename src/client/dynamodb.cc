#include "client/dynamodb.h"

#include <future>

namespace eddy::client {

Response InProcessDynamoDb::call(std::string_view operation, const std::string& request) {
  std::promise<Response> answer;
  auto future = answer.get_future();
  api::dynamodb::handle("DynamoDB_20120810." + std::string(operation), request, context_,
                        [&answer](api::dynamodb::Outcome outcome) {
                          if (auto* body = std::get_if<std::string>(&outcome)) {
                            answer.set_value(std::move(*body));
                          } else {
                            answer.set_value(std::get<api::ApiError>(std::move(outcome)));
                          }
                        });
  return future.get();
}

}  // namespace eddy::client
