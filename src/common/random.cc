#include "common/random.h"

#include <sys/random.h>

#include <chrono>
#include <cstdint>
#include <random>

namespace eddy {

namespace {

// The seed comes from the kernel (getrandom(2), glibc 2.25) rather than std::random_device:
// GCC 12's static libstdc++ implements that with arc4random, which needs glibc 2.36, and the
// bootstrap executables must run on glibc 2.34 (src/bootstraps/CMakeLists.txt).
uint64_t seed() {
  uint64_t value = 0;
  if (::getrandom(&value, sizeof value, 0) != static_cast<ssize_t>(sizeof value)) {
    value = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
            reinterpret_cast<uintptr_t>(&value);
  }
  return value;
}

}  // namespace

std::string random_bytes(size_t n) {
  thread_local std::mt19937_64 generator{seed()};
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
