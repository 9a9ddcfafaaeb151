// The Time to Live sweeper: a background thread that, once per interval, reads every table
// whose Time to Live is on and deletes the items that have expired (time_to_live.h).
//
// Each delete is conditional on the item still being expired when it commits (a write that
// moved the expiry meanwhile wins) and is marked as Time to Live's, so its stream record is a
// REMOVE with userIdentity {type: Service, principalId: dynamodb.amazonaws.com}. Deletes go to
// the commit pipeline a page at a time (at most `page_items` in flight) and at a bounded rate,
// so foreground writes interleave with them rather than queue behind a table's expiries. A crash
// loses nothing: a delete committed is durable, the next pass deletes what is left.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "common/status.h"
#include "storage/engine.h"

namespace eddy::api::dynamodb {

struct TtlSweeperOptions {
  int64_t interval_ms = 60'000;  // eddy serve --ttl-interval
  size_t page_items = 100;       // items read, and deletes in flight, at a time
  // A pass deletes at most this many items a second (0: no limit), so that a table with many
  // expired items does not take the commit pipeline from foreground writes (bench/ttl:
  // unpaced, 20,000 deletes a second cost PutItem a quarter of its throughput and half again
  // of its p99). DynamoDB itself takes up to days.
  uint32_t max_deletes_per_second = 1000;
};

class TtlSweeper {
 public:
  TtlSweeper(storage::Engine& engine, TtlSweeperOptions options);
  ~TtlSweeper();  // stops the thread, after the page in progress

  void start();  // a pass every interval, the first one interval from now

  // One pass over every table with Time to Live on. Returns the items deleted.
  Result<uint64_t> sweep_once();

  uint64_t deleted_total() const { return deleted_total_.load(std::memory_order_relaxed); }

 private:
  void loop();
  Result<uint64_t> sweep_table(const storage::TableDescription& table, const std::string& attribute,
                               int64_t now_ms);

  storage::Engine& engine_;
  const TtlSweeperOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<uint64_t> deleted_total_{0};
};

}  // namespace eddy::api::dynamodb
