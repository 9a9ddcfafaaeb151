// An event source mapping's settings, with Lambda's names, defaults, ranges and validation
// (reference §2.2,
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html), and the
// persisted form they are kept in across restarts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace eddy::esm {

enum class StartingPosition { kTrimHorizon, kLatest };

struct MappingConfig {
  std::string uuid;
  std::string function_name;  // resolved from a name or an ARN
  std::string event_source_arn;
  StartingPosition starting_position = StartingPosition::kTrimHorizon;
  uint32_t batch_size = 100;
  int64_t max_batching_window_ms = 0;
  uint32_t parallelization_factor = 1;
  int64_t max_retry_attempts = -1;  // -1: until the record expires
  int64_t max_record_age_ms = -1;   // -1: until the record expires
  bool bisect_on_error = false;
  bool report_batch_item_failures = false;
  int64_t tumbling_window_ms = 0;
  std::string on_failure;            // "", "file:<path>" or "table:<name>"
  std::vector<std::string> filters;  // EventBridge pattern texts, OR-ed
  bool enabled = true;
  int64_t last_modified_ms = 0;
  std::string state_transition_reason = "User action";
};

// Lambda's limits (reference §2.2).
inline constexpr uint32_t kMaxBatchSize = 10'000;
inline constexpr int64_t kMaxBatchingWindowSeconds = 300;
inline constexpr uint32_t kMaxParallelizationFactor = 10;
inline constexpr int64_t kMaxRetryAttempts = 10'000;
inline constexpr int64_t kMinRecordAgeSeconds = 60;
inline constexpr int64_t kMaxRecordAgeSeconds = 604'800;
inline constexpr int64_t kMaxTumblingWindowSeconds = 900;
inline constexpr size_t kMaxFilters = 5;

// Test-only relaxation of the time minimums (eddy serve --test-short-record-age): end-to-end
// tests of age-based discards cannot wait a minute. Normal validation stays Lambda's.
struct ValidationOptions {
  int64_t min_record_age_seconds = kMinRecordAgeSeconds;
};

// kValidation with Lambda's message for the first setting out of range; the filters and the
// on-failure destination are checked by their own parsers.
Status validate(const MappingConfig& config, const ValidationOptions& options = {});

// The persisted form (JSON with a version member; never reorder or rename members).
std::string to_persisted(const MappingConfig& config);
Result<MappingConfig> from_persisted(std::string_view text);

}  // namespace eddy::esm
