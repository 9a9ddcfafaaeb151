// The HTTP request path without sockets: one request in, one response out (the Beast examples'
// `handle(request) -> response`, made asynchronous because writes complete on the engine's
// thread). Routing: `GET /health`, `GET /metrics`; `POST /` with X-Amz-Target to the AWS JSON
// APIs and /2015-03-31/ to Lambda's REST API (SigV4 checked first when credentials are
// configured). server.cc owns the sockets; tests and fuzz
// targets call Router directly.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/dynamodb/operation.h"
#include "api/lambda/operation.h"
#include "api/streams/operation.h"
#include "common/clock.h"
#include "gateway/gateway.h"
#include "http/sigv4.h"

namespace eddy::http {

// A request as the server read it. Method, target and headers are views into the server's
// buffers, valid until the response is sent (copying them was a sixth of GetItem's
// allocations); the body is owned.
struct Request {
  std::string_view method;
  std::string_view target;  // path and query, as sent
  // Names as sent: HTTP header names are case-insensitive, and header() compares them so.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string body;

  // The value of the header named `lower_name` (given in lower case), or nullopt.
  std::optional<std::string_view> header(std::string_view lower_name) const;
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
  // Lambda's API under /2015-03-31/ (functions and event source mappings); absent: not served.
  api::lambda::Context* lambda = nullptr;
  // The stack's REST routes (API Gateway proxy integration); absent: none.
  gateway::Gateway* gateway = nullptr;
  // Appends Prometheus text for GET /metrics; absent: /metrics is not served.
  std::function<void(std::string&)> metrics;
};

class Router {
 public:
  Router(api::dynamodb::Context& dynamodb, api::streams::Context& streams, RouterOptions options);

  void handle(const Request& request, Respond respond);

  // An AWS JSON 1.0 response: Content-Type, x-amzn-RequestId and x-amz-crc32 (the CRC32 of
  // the exact body bytes, which boto3 verifies).
  static Response aws_json(int status, std::string body);
  // The response for an API error.
  static Response aws_error(const api::ApiError& error);

  // Requests and error responses (status >= 400) by API and operation, as Prometheus text.
  void write_metrics(std::string& out) const;

 private:
  void handle_aws_json(const Request& request, Respond respond);
  // The SigV4 error of a request when credentials are configured, else nullopt.
  std::optional<api::ApiError> check_signature(const Request& request) const;

  // One per known operation, created with the Router and never changed after, so that
  // counting takes no lock (an atomic increment).
  struct Counter {
    std::string_view api;
    std::string_view operation;
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> errors{0};
  };
  using Counters = std::unordered_map<std::string_view, std::unique_ptr<Counter>>;
  void add_counters(Counters& counters, std::string_view api,
                    const std::vector<std::string_view>& names);
  // The operation's counter, else the API's "unknown" one.
  static Counter* find_counter(const Counters& counters, std::string_view operation);
  static void count(Counter* counter, int status) {
    counter->requests.fetch_add(1, std::memory_order_relaxed);
    if (status >= 400) counter->errors.fetch_add(1, std::memory_order_relaxed);
  }

  api::dynamodb::Context& dynamodb_;
  api::streams::Context& streams_;
  RouterOptions options_;
  Counters dynamodb_counters_, streams_counters_, lambda_counters_, other_counters_;
};

}  // namespace eddy::http
