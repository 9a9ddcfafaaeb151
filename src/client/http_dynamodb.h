// client::HttpDynamoDb: DynamoDB's JSON protocol over HTTP or HTTPS, signed with SigV4, against
// Eddy or DynamoDB itself. What a function built as a standalone executable (a `bootstrap`)
// uses to reach its tables; configured like the AWS SDKs, from the environment.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/dynamodb.h"
#include "client/http_connection.h"
#include "common/clock.h"

namespace eddy::client {

struct HttpDynamoDbOptions {
  Url endpoint;
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // sent as X-Amz-Security-Token when not empty
  HttpOptions http;
  const Clock* clock = &SystemClock::instance();
};

class HttpDynamoDb final : public DynamoDb {
 public:
  explicit HttpDynamoDb(HttpDynamoDbOptions options) : options_(std::move(options)) {}

  // As the AWS SDKs read it: AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL, else
  // https://dynamodb.<region>.amazonaws.com; AWS_REGION, else AWS_DEFAULT_REGION;
  // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. kValidation when something
  // needed is missing.
  static Result<HttpDynamoDbOptions> options_from_environment();

  // Thread-safe: each call takes a kept-alive connection of its own from a pool. A failure to
  // reach the endpoint is reported as DynamoDB's InternalServerError-like error (HTTP 0, type
  // "eddy#ConnectionError").
  Response call(std::string_view operation, const std::string& request) override;

 private:
  const HttpDynamoDbOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<HttpConnection>> idle_;
};

}  // namespace eddy::client
