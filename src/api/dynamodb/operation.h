// The DynamoDB API: what every operation shares (DESIGN "The seams": api::Operation).
//
// An operation is a function (request JSON, context, reply): it parses and validates the whole
// request first (DESIGN decision 6), then calls the engine, then replies exactly once with the
// response JSON or an ApiError. Operations never see HTTP (the Alternator model); the one table
// from X-Amz-Target's operation name to its function is in operations.cc, and each operation
// lives in its own file.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "api/dynamodb/idempotency.h"
#include "api/json.h"
#include "common/clock.h"
#include "expr/cache.h"
#include "storage/engine.h"

namespace eddy::api::dynamodb {

struct Settings {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  // What DescribeEndpoints answers (host[:port] the server listens on).
  std::string endpoint_address = "127.0.0.1:8000";
  // How often the Time to Live sweeper runs (eddy serve --ttl-interval); a TTL change shows as
  // ENABLING or DISABLING for this long.
  int64_t ttl_interval_ms = 60'000;
};

// What operations share. Thread-safe: operations run concurrently on the server's threads.
struct Context {
  Context(storage::Engine& engine, Settings settings)
      : engine(engine), settings(std::move(settings)), clock(*engine.options().clock) {}

  storage::Engine& engine;
  // Set before the server starts (the endpoint address once the port is bound), then only read.
  Settings settings;
  const Clock& clock;
  expr::ExpressionCache expressions;
  IdempotencyCache transactions;  // TransactWriteItems' ClientRequestToken
};

// The response body (JSON), or the error.
using Outcome = std::variant<std::string, ApiError>;
// Called exactly once per request, from any thread (the engine's completion thread for writes).
using Reply = std::function<void(Outcome)>;
// `request` is valid only during the call: an operation copies what its reply needs.
using Operation = void (*)(const Json& request, Context& context, Reply reply);

// The operation named by X-Amz-Target's suffix ("PutItem"), or nullptr.
Operation find_operation(std::string_view name);
// Every operation's name, for per-operation metrics.
std::vector<std::string_view> operation_names();

// Runs one request: `target` is the whole X-Amz-Target value; `body` the request body.
void handle(std::string_view target, const std::string& body, Context& context, Reply reply);

}  // namespace eddy::api::dynamodb
