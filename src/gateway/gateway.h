// gateway::Gateway: REST routes in front of functions, as an API Gateway REST API with the
// Lambda proxy integration (reference §4). A request becomes the proxy event, the function's
// proxy response becomes the HTTP response; a function error or a malformed response is
// 502 {"message": "Internal server error"}; an invocation Lambda would reject (throttled, no
// such function) is 500 with the same body; a body over 6 MB (Lambda's synchronous payload
// limit) is 413. No sockets here: http/ hands requests in.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "functions/runtime.h"
#include "gateway/routes.h"

namespace eddy::gateway {

struct HttpRequest {
  std::string_view method;
  std::string_view target;  // path and query, as sent
  const std::vector<std::pair<std::string_view, std::string_view>>* headers = nullptr;
  const std::string* body = nullptr;
  std::string_view source_ip = "127.0.0.1";
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using Respond = std::function<void(HttpResponse)>;

struct GatewayOptions {
  std::string account_id = "000000000000";
  std::string api_id = "eddylocal";
  // How long a request may wait for a free function slot (API Gateway's integration timeout).
  int64_t max_wait_ms = 29'000;
  const Clock* clock = &SystemClock::instance();
};

inline constexpr size_t kMaxProxyBodyBytes = 6 * 1024 * 1024;

class Gateway {
 public:
  Gateway(functions::Runtime& runtime, RouteTable routes, GatewayOptions options);

  // Serves the request when a route matches it (then `respond` is called once, from any
  // thread); false otherwise (the caller answers as an unrouted REST API does).
  bool handle(const HttpRequest& request, Respond respond);

  const RouteTable& routes() const { return routes_; }

 private:
  functions::Runtime& runtime_;
  RouteTable routes_;
  GatewayOptions options_;
};

// The proxy event for a matched request (reference §4).
std::string build_proxy_event(const HttpRequest& request, const RouteMatch& match,
                              std::string_view stage, const GatewayOptions& options,
                              std::string_view request_id, int64_t now_ms);

// The HTTP response a proxy response describes; kValidation when it is malformed (not an
// object, statusCode not an integer, body not a string, headers not strings).
Result<HttpResponse> read_proxy_response(std::string_view result);

}  // namespace eddy::gateway
