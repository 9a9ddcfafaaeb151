// The HTTP/1.1 server: Boost.Beast over Asio, one coroutine per connection, keep-alive, a
// thread per core. This file pair is the only one that includes Beast (it is slow to compile);
// everything a request means is in router.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/router.h"

namespace eddy::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // 0: any free port
  unsigned threads = 0;  // 0: one per core
  // DynamoDB's request size limit; a larger body is answered 413 and the connection closed.
  size_t body_limit = 16 << 20;
  size_t header_limit = 64 << 10;
  // A keep-alive connection waiting for its next request is closed after this long.
  std::chrono::milliseconds idle_timeout{60'000};
  // Reading a request once it began, and writing its response, must finish within this.
  std::chrono::milliseconds request_timeout{60'000};
  // Open connections at most; 0: three quarters of the file descriptor limit (RLIMIT_NOFILE),
  // so that a flood of connections leaves descriptors for the database and the functions. A
  // connection over the limit takes the place of the one idle the longest, or is closed when
  // every connection is busy.
  size_t max_connections = 0;
};

class Server {
 public:
  Server(Router& router, ServerOptions options);
  ~Server();

  // Binds and listens. Returns the address bound ("127.0.0.1:8000"), which tells the port
  // chosen for port 0.
  Result<std::string> listen();
  // Serves until stop() or, when `handle_signals`, SIGINT or SIGTERM: then stops accepting,
  // lets the requests in flight finish, closes idle connections, and returns.
  void run(bool handle_signals);
  // Thread-safe; may be called before run().
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eddy::http
