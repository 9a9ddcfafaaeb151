// Stack files (stack/parse, on yaml-cpp): any text in, a stack or an error with file:line out.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stack/stack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  eddy::stack::ParseOptions options;
  options.base_dir = "/nonexistent";  // `code:` directories are looked up, never found
  (void)eddy::stack::parse_stack(text, "fuzz.yaml", options);
  return 0;
}
