#include "esm/sink.h"

#include <future>

namespace eddy::esm {

functions::InvokeOutcome RuntimeSink::invoke(const std::string& function, std::string event) {
  std::promise<functions::InvokeOutcome> promise;
  auto future = promise.get_future();
  runtime_.invoke(
      function, std::move(event), max_wait_ms_,
      [&promise](functions::InvokeOutcome outcome) { promise.set_value(std::move(outcome)); });
  return future.get();
}

}  // namespace eddy::esm
