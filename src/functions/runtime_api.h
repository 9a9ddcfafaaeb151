// The Lambda Runtime API (version 2018-06-01) between an execution environment and the process
// it runs, seen from the functions layer. ProcessFunction (process_function.h) implements the
// backend: it hands invocations to `next` and takes their results. The HTTP side lives in the
// http layer (http/runtime_api_server.h) with the rest of Eddy's HTTP code; cli/ passes it in
// as a RuntimeApiListen, so this layer stays free of sockets and Boost.Beast.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace eddy::functions {

// Lambda's synchronous payload limit, for events and responses alike.
inline constexpr size_t kMaxPayloadBytes = 6 * 1024 * 1024;

// What GET /runtime/invocation/next answers with (body and Lambda-Runtime-* headers).
struct NextInvocation {
  std::string request_id;
  std::string event;
  int64_t deadline_ms = 0;  // epoch ms
  std::string function_arn;
  std::string trace_id;  // X-Ray header value, Root=...;Parent=...;Sampled=0
};

// An answer to a POST: the HTTP status and its JSON body.
struct RuntimeApiReply {
  int status = 202;
  std::string body;
};

class RuntimeApiBackend {
 public:
  virtual ~RuntimeApiBackend() = default;
  // GET /runtime/invocation/next: blocks until an invocation is handed to this environment
  // (a long poll without a timeout), or returns nullopt when the environment is closing.
  virtual std::optional<NextInvocation> next() = 0;
  // POST /runtime/invocation/{id}/response.
  virtual RuntimeApiReply response(std::string_view request_id, std::string body) = 0;
  // The same with a body over kMaxPayloadBytes (the server does not keep it): 413.
  virtual RuntimeApiReply response_too_large(std::string_view request_id) = 0;
  // POST /runtime/invocation/{id}/error; `error_type` is Lambda-Runtime-Function-Error-Type.
  virtual RuntimeApiReply error(std::string_view request_id, std::string_view error_type,
                                std::string body) = 0;
  // POST /runtime/init/error.
  virtual RuntimeApiReply init_error(std::string_view error_type, std::string body) = 0;
};

// One environment's endpoint on a loopback port. Destroying it closes the listening socket
// and every connection, and waits for its threads; the backend must outlive it.
class RuntimeApiEndpoint {
 public:
  virtual ~RuntimeApiEndpoint() = default;
  virtual uint16_t port() const = 0;
};

// Opens an endpoint on 127.0.0.1 (a free port) serving `backend`.
using RuntimeApiListen =
    std::function<Result<std::unique_ptr<RuntimeApiEndpoint>>(RuntimeApiBackend& backend)>;

}  // namespace eddy::functions
