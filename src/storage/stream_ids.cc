#include "storage/stream_ids.h"

#include <charconv>
#include <ctime>

#include <fmt/format.h>

namespace eddy::storage {

std::string format_sequence_number(uint64_t sequence) {
  return fmt::format("1{:020}", sequence);
}

std::optional<uint64_t> parse_sequence_number(std::string_view text) {
  if (text.size() != 21 || text[0] != '1') return std::nullopt;
  uint64_t value = 0;
  auto digits = text.substr(1);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::string make_shard_id(int64_t creation_ms, uint32_t suffix) {
  return fmt::format("shardId-{:020}-{:08x}", creation_ms, suffix);
}

std::optional<int64_t> shard_creation_ms(std::string_view shard_id) {
  constexpr std::string_view kPrefix = "shardId-";
  if (shard_id.size() != kPrefix.size() + 20 + 1 + 8 ||
      shard_id.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  int64_t ms = 0;
  for (char c : shard_id.substr(kPrefix.size(), 20)) {
    if (c < '0' || c > '9') return std::nullopt;
    ms = ms * 10 + (c - '0');
  }
  return ms;
}

std::string make_stream_label(int64_t creation_ms) {
  std::time_t seconds = creation_ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     creation_ms % 1000);
}

}  // namespace eddy::storage
