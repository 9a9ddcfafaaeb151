// What a mapping counts, for GET /metrics (Prometheus) and the control plane's
// LastProcessingResult. Updated by the mapping's pollers, read by anyone.
#pragma once

#include <atomic>
#include <cstdint>

namespace eddy::esm {

struct MappingMetrics {
  std::atomic<uint64_t> records_delivered{0};  // records of successful invocations
  std::atomic<uint64_t> batches_delivered{0};  // successful invocations
  std::atomic<uint64_t> function_errors{0};    // invocations that failed (error, timeout, partial)
  std::atomic<uint64_t> retries{0};            // re-invocations that used a retry attempt
  std::atomic<uint64_t> throttles{0};          // invocations that could not run (not counted)
  std::atomic<uint64_t> bisections{0};
  std::atomic<uint64_t> records_discarded{0};
  std::atomic<uint64_t> records_filtered{0};
  std::atomic<uint64_t> on_failure_sent{0};  // on-failure records made durable
  std::atomic<int64_t> in_flight{0};         // invocations running now
  std::atomic<int64_t> iterator_age_ms{-1};  // of the last batch read (reference §2.4 rule 5)
  // 0: nothing processed yet, 1: the last invocation succeeded, 2: it failed.
  std::atomic<int> last_result{0};
};

}  // namespace eddy::esm
