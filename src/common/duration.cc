#include "common/duration.h"

#include <fmt/format.h>

#include <limits>

namespace eddy {

namespace {

struct Unit {
  std::string_view suffix;
  int64_t ms;
};
// Longest suffixes first, so "ms" is not read as "m" followed by junk.
constexpr Unit kUnits[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};

}  // namespace

Result<int64_t> parse_duration_ms(std::string_view text) {
  auto invalid = [&] {
    return Status::validation(fmt::format(
        "invalid duration '{}': write a whole number with a unit (ms, s, m, h, d), e.g. 90s",
        text));
  };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  if (digits == 0 || digits > 12) return invalid();
  const std::string_view suffix = text.substr(digits);
  for (const auto& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    int64_t value = 0;
    for (size_t i = 0; i < digits; ++i)
      value = value * 10 + (text[i] - '0');
    if (value > std::numeric_limits<int64_t>::max() / unit.ms) return invalid();
    return value * unit.ms;
  }
  return invalid();
}

std::string format_duration_ms(int64_t ms) {
  for (auto it = std::rbegin(kUnits); it != std::rend(kUnits); ++it) {
    if (ms != 0 && ms % it->ms == 0) return fmt::format("{}{}", ms / it->ms, it->suffix);
  }
  return fmt::format("{}ms", ms);
}

}  // namespace eddy
