// Event source mapping filter patterns (esm/filter): the input is a pattern and a record, split
// at the first NUL byte. Parsing a pattern and matching any record against it must not crash,
// hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "esm/filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string pattern(input.substr(0, split));
  const std::string_view record =
      split == std::string_view::npos ? std::string_view("{}") : input.substr(split + 1);
  auto criteria = eddy::esm::FilterCriteria::parse({pattern});
  if (criteria) (void)criteria->matches_json(record);
  return 0;
}
