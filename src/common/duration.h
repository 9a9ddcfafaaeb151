// Durations written with a unit, as flags and stack files take them: "250ms", "90s", "5m",
// "24h", "7d". A bare number is refused: the unit is never guessed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace eddy {

// Milliseconds, or kValidation naming the accepted forms.
Result<int64_t> parse_duration_ms(std::string_view text);
// The shortest exact form ("90s", "4h", "250ms").
std::string format_duration_ms(int64_t ms);

}  // namespace eddy
