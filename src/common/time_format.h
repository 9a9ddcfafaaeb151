// Timestamps as AWS writes them in JSON (UTC, ISO 8601).
#pragma once

#include <cstdint>
#include <string>

namespace eddy {

// "2019-11-14T00:13:49.717Z"
std::string format_iso8601_ms(int64_t epoch_ms);
// "2019-11-14T00:13:49Z"
std::string format_iso8601_s(int64_t epoch_ms);

}  // namespace eddy
