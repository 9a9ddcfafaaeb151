// A batch as Lambda sends it to a function for a stream (reference §2.3), and the function's
// partial batch response read back (reference §2.7).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace eddy::esm {

// One record on its way to the function.
struct Delivery {
  uint64_t sequence = 0;
  int64_t creation_ms = 0;
  std::string json;  // the record as the function sees it, eventSourceARN included
  std::string key;   // the item's key, encoded: records of one key stay in one lane, in order
};

// Lambda's limit on a synchronous invocation's payload: a batch is cut before it.
inline constexpr size_t kMaxEventBytes = 6 * 1024 * 1024;
// {"Records":[ and ]} around the records, and the commas between them.
inline constexpr size_t kEventOverheadBytes = 14;

// {"Records":[<record>,...]}
std::string build_event(std::span<const Delivery> records);

struct BatchResponse {
  enum class Kind { kSuccess, kFailure, kPartial };
  Kind kind = Kind::kSuccess;
  size_t first_failed = 0;  // kPartial: the index of the lowest failed record
};

// What a function's result says about `records` when the mapping reports batch item
// failures: success for an empty or null list or response; failure for a malformed response
// or an identifier that is empty, null, misnamed or not in the batch; otherwise partial, from
// the lowest failed sequence number on.
BatchResponse read_batch_response(std::string_view response, std::span<const Delivery> records);

}  // namespace eddy::esm
