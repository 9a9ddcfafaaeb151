// Tumbling windows (reference §2.8): a mapping with TumblingWindowInSeconds groups a shard's
// records into fixed windows of their creation time and carries a state from one invocation
// to the next within a window. Each event gains the window, the state, the shard id and two
// flags; each response must return the new state (else the invocation counts as failed). At the
// window's end a final invocation (isFinalInvokeForWindow) gets the state; only after it
// succeeds is the shard's position saved and the state dropped, so after a restart a window is
// replayed from its start with an empty state and reaches the same result.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "esm/batch.h"

namespace eddy::esm {

struct Window {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
};

// Lambda's limit on a window's state: beyond it the window ends early.
inline constexpr size_t kMaxWindowStateBytes = 1024 * 1024;

// The window holding `creation_ms`: windows are aligned to multiples of their length since the
// epoch (AWS does not document the alignment; this is what its examples show: 17:00-17:05).
Window window_of(int64_t creation_ms, int64_t length_ms);

struct WindowEvent {
  Window window;
  std::string_view state;  // a JSON object
  std::string_view shard_id;
  std::string_view stream_arn;
  bool final = false;
  bool terminated_early = false;
};

// {"Records":[...],"window":{"start":...,"end":...},"state":{...},"shardId":...,
//  "eventSourceARN":...,"isFinalInvokeForWindow":...,"isWindowTerminatedEarly":...}
std::string build_window_event(std::span<const Delivery> records, const WindowEvent& event);

// The "state" object of a function's response, as JSON text; nullopt when there is none (the
// invocation then counts as failed).
std::optional<std::string> read_window_state(std::string_view response);

}  // namespace eddy::esm
