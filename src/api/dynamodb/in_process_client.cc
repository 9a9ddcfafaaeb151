#include "api/dynamodb/in_process_client.h"

#include <future>

namespace eddy::api::dynamodb {

client::Response InProcessClient::call(std::string_view operation, const std::string& request) {
  std::promise<client::Response> answer;
  auto future = answer.get_future();
  handle("DynamoDB_20120810." + std::string(operation), request, context_,
         [&answer](Outcome outcome) {
           if (auto* body = std::get_if<std::string>(&outcome)) {
             answer.set_value(std::move(*body));
           } else {
             auto& error = std::get<ApiError>(outcome);
             answer.set_value(
                 client::Error{error.http_status, std::move(error.type), std::move(error.message)});
           }
         });
  return future.get();
}

}  // namespace eddy::api::dynamodb
