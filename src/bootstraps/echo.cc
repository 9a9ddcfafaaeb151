// A bootstrap that answers each event with itself: the C++ side of the warm-invocation
// benchmark (bench/functions/run.py), next to the built-in test.echo and a Node handler.
#include "lambda/runtime.h"

int main() {
  return eddy::lambda::run(
      [](const std::string& event, const eddy::functions::InvocationContext&) { return event; });
}
