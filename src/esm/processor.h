// esm::BatchProcessor: Lambda's error handling for one batch of one shard (reference §2.5-2.7).
//
// The batch is retried whole until it succeeds, its retry attempts are used up, or its oldest
// record is older than the maximum record age; meanwhile its shard waits (order). Bisection
// splits a failed batch in two without using an attempt; a partial batch response keeps the
// records before the lowest failure and retries the rest. At a limit the failing records are
// discarded: their on-failure record must be durable before the shard moves on. Retries back
// off, bounded, instead of spinning. Invocations that could not run (throttled, no function)
// are retried without counting.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "common/clock.h"
#include "esm/batch.h"
#include "esm/destination.h"
#include "esm/metrics.h"
#include "esm/sink.h"

namespace eddy::esm {

// How a poller sleeps: returns false, at once, when the mapping is stopping.
class Pause {
 public:
  virtual ~Pause() = default;
  virtual bool wait_ms(int64_t ms) = 0;
};

struct ProcessorSettings {
  std::string function;
  std::string function_arn;
  std::string stream_arn;
  std::string shard_id;
  int64_t max_retry_attempts = -1;
  int64_t max_record_age_ms = -1;
  bool bisect_on_error = false;
  bool report_batch_item_failures = false;
};

// How a batch becomes an event and what its result must hold: Lambda's stream event and any
// result by default. Tumbling windows add the window and the state to the event and need the
// new state in every result.
struct EventShape {
  std::function<std::string(std::span<const Delivery>)> build;  // null: build_event
  // Called with each successful invocation's result; false makes it a failed invocation.
  std::function<bool(const std::string& result)> accept;
};

// The backoff before retry `attempt` (1, 2, ...): 100 ms doubling, at most 5 s.
int64_t retry_backoff_ms(int64_t attempt);

class BatchProcessor {
 public:
  // `destination` may be null (no on-failure destination: discarded records are only counted).
  BatchProcessor(ProcessorSettings settings, FunctionSink& sink, FailureDestination* destination,
                 const Clock& clock, Pause& pause, MappingMetrics& metrics)
      : settings_(std::move(settings)),
        sink_(sink),
        destination_(destination),
        clock_(clock),
        pause_(pause),
        metrics_(metrics) {}
  BatchProcessor(ProcessorSettings settings, FunctionSink& sink, FailureDestination* destination,
                 const Clock& clock, Pause& pause, MappingMetrics& metrics, EventShape shape)
      : BatchProcessor(std::move(settings), sink, destination, clock, pause, metrics) {
    shape_ = std::move(shape);
  }

  // Delivers `records` (in sequence order) until every record has been delivered or
  // discarded: true. False when the mapping stopped first (nothing may be checkpointed then).
  bool run(std::span<const Delivery> records);

 private:
  enum class Condition { kRetryAttemptsExhausted, kRecordAgeExceeded };
  bool discard(std::span<const Delivery> records, Condition condition, int64_t invocations);
  std::string failure_record(std::span<const Delivery> records, Condition condition,
                             int64_t invocations) const;

  ProcessorSettings settings_;
  FunctionSink& sink_;
  FailureDestination* destination_;
  const Clock& clock_;
  Pause& pause_;
  MappingMetrics& metrics_;
  EventShape shape_;
};

}  // namespace eddy::esm
