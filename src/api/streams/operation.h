// The DynamoDB Streams API (X-Amz-Target DynamoDBStreams_20120810.<Operation>), reference §1.6:
// ListStreams, DescribeStream, GetShardIterator, GetRecords, one file each, over the engine's
// stream log. Same shape as api/dynamodb: (request JSON, context, reply), one table of
// operations in operations.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/dynamodb/operation.h"

namespace eddy::api::streams {

using dynamodb::Outcome;
using dynamodb::Reply;

struct Context {
  Context(storage::Engine& engine, const dynamodb::Settings& settings, std::string iterator_key)
      : engine(engine),
        settings(settings),
        clock(*engine.options().clock),
        iterator_key(std::move(iterator_key)) {}

  storage::Engine& engine;
  const dynamodb::Settings& settings;  // region and account, shared with the DynamoDB API
  const Clock& clock;
  // The secret that makes shard iterators tamper-evident (an HMAC key).
  const std::string iterator_key;
  // AWS's iterator lifetime. Only tests shorten it (eddy serve's --test-iterator-lifetime).
  int64_t iterator_lifetime_ms = 15 * 60 * 1000;
};

using Operation = void (*)(const Json& request, Context& context, Reply reply);

// The operation named by X-Amz-Target's suffix, or nullptr.
Operation find_operation(std::string_view name);
// Every operation's name, for per-operation metrics.
std::vector<std::string_view> operation_names();

// Runs one request: `target` is the whole X-Amz-Target value.
void handle(std::string_view target, const std::string& body, Context& context, Reply reply);

}  // namespace eddy::api::streams
