// The HTTP request path without sockets: one request in, one response out (the Beast examples'
// `handle(request) -> response`, made asynchronous because writes complete on the engine's
// thread). Routing: `GET /health`; `POST /` with X-Amz-Target to the AWS JSON APIs (SigV4
// checked first when credentials are configured). server.cc owns the sockets; tests and fuzz
// targets call Router directly.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/dynamodb/operation.h"
#include "common/clock.h"
#include "http/sigv4.h"

namespace eddy::http {

struct Request {
  std::string method;
  std::string target;                                        // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;

  const std::string* header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Called exactly once, from any thread.
using Respond = std::function<void(Response)>;

struct RouterOptions {
  // When set, every AWS API request must carry a valid SigV4 signature by one of these keys.
  std::optional<Credentials> credentials;
  const Clock* clock = &SystemClock::instance();
};

class Router {
 public:
  Router(api::dynamodb::Context& dynamodb, RouterOptions options);

  void handle(const Request& request, Respond respond);

  // An AWS JSON 1.0 response: Content-Type, x-amzn-RequestId and x-amz-crc32 (the CRC32 of
  // the exact body bytes, which boto3 verifies).
  static Response aws_json(int status, std::string body);
  // The response for an API error.
  static Response aws_error(const api::ApiError& error);

 private:
  void handle_aws_json(const Request& request, Respond respond);

  api::dynamodb::Context& dynamodb_;
  RouterOptions options_;
};

}  // namespace eddy::http
