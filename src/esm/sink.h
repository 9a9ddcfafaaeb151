// esm::FunctionSink: how a mapping invokes its function (DESIGN "The seams"). Synchronous, as
// Lambda invokes a function for a stream batch (reference §2.3).
#pragma once

#include <string>

#include "functions/runtime.h"

namespace eddy::esm {

class FunctionSink {
 public:
  virtual ~FunctionSink() = default;
  // Runs `function` with `event` and waits for it. kThrottled or kNotFound when it could not
  // run (retried without counting as an attempt, reference §2.5 rule 3); otherwise the
  // function's result or error.
  virtual functions::InvokeOutcome invoke(const std::string& function, std::string event) = 0;
};

// Over the function runtime. A mapping waits for a free slot rather than being throttled
// (the functions' concurrency rule): `max_wait_ms` is long.
class RuntimeSink final : public FunctionSink {
 public:
  explicit RuntimeSink(functions::Runtime& runtime, int64_t max_wait_ms = 60'000)
      : runtime_(runtime), max_wait_ms_(max_wait_ms) {}
  functions::InvokeOutcome invoke(const std::string& function, std::string event) override;

 private:
  functions::Runtime& runtime_;
  int64_t max_wait_ms_;
};

}  // namespace eddy::esm
