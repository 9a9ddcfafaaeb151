// Little helpers for Eddy's persisted binary formats (items, stream records, catalog).
//
// Written by hand because the formats are tiny and must stay byte-for-byte stable: a
// serialisation library (protobuf, flatbuffers) would add a schema compiler and its own
// versioning for a few dozen lines. Integers in keys are big-endian so that byte order is
// numeric order; lengths inside values are LEB128 varints.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eddy::storage {

inline void put_u8(std::string& out, uint8_t v) {
  out.push_back(static_cast<char>(v));
}

inline void put_u32_be(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>(v >> shift));
}

inline void put_u64_be(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>(v >> shift));
}

inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline void put_bytes(std::string& out, std::string_view bytes) {
  put_varint(out, bytes.size());
  out.append(bytes);
}

inline uint32_t read_u32_be(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

inline uint64_t read_u64_be(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

// Reads from the front of a byte string; every getter returns false (and leaves the output
// unspecified) when the input is too short or malformed, so corrupt data never reads out of
// bounds.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool done() const { return in_.empty(); }
  std::string_view rest() const { return in_; }

  bool u8(uint8_t& v) {
    if (in_.empty()) return false;
    v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool u32_be(uint32_t& v) {
    if (in_.size() < 4) return false;
    v = read_u32_be(in_);
    in_.remove_prefix(4);
    return true;
  }
  bool u64_be(uint64_t& v) {
    if (in_.size() < 8) return false;
    v = read_u64_be(in_);
    in_.remove_prefix(8);
    return true;
  }
  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return false;
      uint8_t byte = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      v |= uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  bool bytes(std::string_view& v) {
    uint64_t n;
    if (!varint(n) || n > in_.size()) return false;
    v = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool bytes(std::string& v) {
    std::string_view view;
    if (!bytes(view)) return false;
    v.assign(view);
    return true;
  }

 private:
  std::string_view in_;
};

}  // namespace eddy::storage
