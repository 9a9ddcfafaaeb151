// functions::Function: invoke(event JSON, context) -> result JSON | FunctionError (DESIGN "The
// seams"). Built-in C++ handlers (builtin.h) and, later, Runtime API processes are the two
// implementations; the Runtime (runtime.h) adds Lambda's concurrency limits and timeouts around
// any of them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/clock.h"

namespace eddy::functions {

// What a stack file or the control plane declares.
struct FunctionConfig {
  std::string name;
  std::string handler;  // "builtin:notes.word-count", or a Runtime API handler name
  std::map<std::string, std::string> environment;
  int64_t timeout_ms = 3000;  // Lambda's default; at most 900 s
  std::optional<uint32_t> reserved_concurrency;
  uint32_t memory_size_mb = 128;  // reported to the function (AWS_LAMBDA_FUNCTION_MEMORY_SIZE)
  // Runtime API functions only (empty for built-ins): the code directory (LAMBDA_TASK_ROOT and
  // the working directory) and the command that speaks the Runtime API.
  std::string code_dir;
  std::vector<std::string> command;
};

inline constexpr int64_t kMaxTimeoutMs = 900'000;

// What a handler knows about its invocation (Lambda's context object).
struct InvocationContext {
  std::string request_id;
  std::string function_name;
  std::string function_arn;  // arn:aws:lambda:<region>:<account>:function:<name>
  int64_t deadline_ms = 0;   // epoch ms
  const std::map<std::string, std::string>* environment = nullptr;
  const Clock* clock = &SystemClock::instance();

  int64_t remaining_ms() const { return deadline_ms - clock->now_ms(); }
};

// A failed invocation as Lambda reports it: {"errorType": ..., "errorMessage": ...}.
struct FunctionError {
  std::string error_type;
  std::string error_message;
  // The error object exactly as a Runtime API process posted it (with its "trace" or
  // "stackTrace"), when it posted a JSON object; to_json() then returns it unchanged, as
  // Lambda's Invoke does.
  std::string payload;
  bool operator==(const FunctionError&) const = default;
  std::string to_json() const;
};

// Lambda's timeout error ("Sandbox.Timedout"), the same from whoever notices the deadline.
FunctionError timeout_error(std::string_view request_id, int64_t timeout_ms);

// The result payload (JSON text), or the function's error.
using InvokeResult = std::variant<std::string, FunctionError>;
using InvokeDone = std::function<void(InvokeResult)>;

class Function {
 public:
  virtual ~Function() = default;
  // Runs one invocation. `done` is called exactly once, from any thread. Implementations do not
  // enforce the deadline: the Runtime does.
  virtual void invoke(std::string event, const InvocationContext& context, InvokeDone done) = 0;
};

}  // namespace eddy::functions
