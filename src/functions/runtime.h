// functions::Runtime: the deployed functions, and Lambda's limits around every invocation.
//
// - Concurrency: a function runs at most its reserved concurrency (else the server-wide
//   default) at once; further invocations wait in a bounded queue, each for at most the time
//   its caller allows; one that cannot start in time, or finds the queue full, fails with
//   kThrottled (Lambda's TooManyRequestsException, HTTP 429). A mapping passes a long wait and
//   simply waits.
// - Timeout: an invocation past the function's timeout completes with Lambda's timeout error
//   (errorType "Sandbox.Timedout"). A built-in handler cannot be killed, so its thread keeps its
//   concurrency slot until it really returns: the limit stays honest.
// Each invocation runs on a worker thread of its own (workers are kept warm between
// invocations): handlers may block (on the DynamoDB client, or on a runaway loop) without
// stalling the server's threads or each other.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "functions/function.h"

namespace eddy::functions {

struct RuntimeOptions {
  uint32_t default_concurrency = 4;  // eddy serve: --function-concurrency, 2 x cores
  size_t max_queued = 1000;          // waiting invocations per function
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  const Clock* clock = &SystemClock::instance();
};

// kNotFound (no such function) or kThrottled (could not start in time), else the function's
// result or error.
using InvokeOutcome = Result<InvokeResult>;
using InvokeCallback = std::function<void(InvokeOutcome)>;

class Runtime {
 public:
  explicit Runtime(RuntimeOptions options);
  ~Runtime();  // stops the timer; waits (briefly) for running handlers

  // Adds or replaces a function. kValidation for a bad name, timeout or concurrency.
  Status deploy(FunctionConfig config, std::shared_ptr<Function> function);
  std::optional<FunctionConfig> config(std::string_view name) const;
  std::vector<FunctionConfig> list() const;  // by name
  std::string arn(std::string_view name) const;

  // Starts an invocation of `name`; `done` is called exactly once, from any thread.
  // `max_wait_ms`: how long it may wait for a free slot (0: not at all).
  void invoke(std::string_view name, std::string event, int64_t max_wait_ms, InvokeCallback done);

  // Invocations running now, of one function (for tests and metrics).
  uint32_t running(std::string_view name) const;

 private:
  // Shared with the invocation threads, which may outlive the Runtime (a runaway handler).
  struct State;
  std::shared_ptr<State> state_;
  std::thread timer_;
};

}  // namespace eddy::functions
