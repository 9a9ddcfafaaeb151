// `eddy serve`: the flags and the server's life (open the engine, listen, serve, drain, close).
#pragma once

#include <optional>
#include <string>

namespace eddy::cli {

struct ServeOptions {
  std::string listen = "127.0.0.1:8000";
  std::string data_dir = "./eddy-data";
  bool in_memory = false;
  std::string durability = "sync";
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  bool no_stack = false;
  std::optional<std::string> credentials_file;
  unsigned threads = 0;
  std::string idle_timeout = "60s";              // keep-alive connections idle this long are closed
  std::string stream_retention = "24h";          // stream records older than this are trimmed
  uint32_t stream_shards = 1;                    // open shards per stream
  std::string shard_rollover = "4h";             // open shards older than this roll over
  std::string ttl_interval = "1m";               // how often expired items are looked for
  uint32_t ttl_deletes_per_second = 1000;        // the sweeper's pace (0: unlimited)
  uint32_t backfill_items_per_second = 20000;    // an index backfill's pace (0: unlimited)
  uint64_t item_collection_limit = 10ULL << 30;  // bytes; DynamoDB's 10 GB (lower: for tests)
  // A stack file to deploy (tables, functions, event sources).
  std::optional<std::string> stack_file;
  // Invocations of one function at once unless it reserves its own (0: 2 x cores).
  unsigned function_concurrency = 0;
  // Tests only: shard iterators expire after this instead of AWS's 15 minutes.
  std::optional<std::string> test_iterator_lifetime;
  // Tests only: the smallest MaximumRecordAgeInSeconds accepted, instead of Lambda's 60 s.
  std::optional<std::string> test_min_record_age;
};

// Runs the server until SIGINT or SIGTERM. Returns the process exit code.
int serve(const ServeOptions& options);

}  // namespace eddy::cli
