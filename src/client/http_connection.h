// client::HttpConnection: one keep-alive HTTP/1.1 connection to one origin, over TCP or TLS
// (OpenSSL, certificate and host name verified), blocking, every step within the timeout. It
// reconnects when the server has closed an idle connection. Not thread-safe: one caller at a
// time (HttpDynamoDb keeps a pool).
//
// Boost.Beast, in this one file pair of the client layer (it is slow to compile). Used by
// Eddy's DynamoDB client and by the C++ Runtime API client (lambda/runtime.h), so both build
// into static executables that need nothing on the machine but glibc.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace eddy::client {

// http://host[:port][/base] or https://...
struct Url {
  bool https = false;
  std::string host;
  uint16_t port = 80;
  std::string base_path;  // "" or "/prefix", without a trailing slash

  static Result<Url> parse(std::string_view text);
  // The Host header: host, with the port unless it is the scheme's default.
  std::string host_header() const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  Headers headers;  // names in lower case
  std::string body;
  const std::string* header(std::string_view lower_case_name) const;
};

struct HttpOptions {
  // Connecting, the TLS handshake, sending the request and reading the response must each
  // finish within this; 0: wait for ever (the Runtime API's GET /next has no timeout).
  int64_t timeout_ms = 30'000;
};

class HttpConnection {
 public:
  HttpConnection(Url url, HttpOptions options = {});
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request (Host and Content-Length are added) and reads the response. kIoError
  // when the connection fails (after one reconnect when a kept-alive connection had closed).
  Result<HttpResponse> request(std::string_view method, std::string_view target,
                               const Headers& headers, std::string_view body);

  const Url& url() const { return url_; }

 private:
  struct Transport;
  Status connect();
  Url url_;
  HttpOptions options_;
  std::unique_ptr<Transport> transport_;
};

}  // namespace eddy::client
