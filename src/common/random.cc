#include "common/random.h"

#include <random>

namespace eddy {

std::string random_bytes(size_t n) {
  thread_local std::mt19937_64 generator{(uint64_t{std::random_device{}()} << 32) ^
                                         std::random_device{}()};
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t word = generator();
    for (size_t j = i; j < n && j < i + 8; ++j, word >>= 8)
      out[j] = static_cast<char>(word);
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

std::string uuid_v4() {
  std::string bytes = random_bytes(16);
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex = to_hex(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace eddy
