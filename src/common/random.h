// Random identifiers (event ids, shard id suffixes, request ids).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eddy {

// n random bytes from a per-thread generator seeded from the kernel (getrandom). Not for secrets.
std::string random_bytes(size_t n);
// A random (version 4) UUID in its usual text form, as AWS's table ids and request ids are.
std::string uuid_v4();
// Lower-case hex of `bytes`.
std::string to_hex(std::string_view bytes);

}  // namespace eddy
