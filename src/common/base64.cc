#include "common/base64.h"

#include <openssl/evp.h>

#include <algorithm>

namespace eddy {

namespace {

bool base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  // EVP_EncodeBlock takes an int length: whole 3-byte groups, well below INT_MAX.
  constexpr size_t kChunk = size_t{3} << 28;
  size_t written = 0;
  for (size_t at = 0; at < bytes.size(); at += kChunk) {
    const size_t n = std::min(kChunk, bytes.size() - at);
    written += static_cast<size_t>(EVP_EncodeBlock(
        reinterpret_cast<unsigned char*>(text.data() + written),
        reinterpret_cast<const unsigned char*>(bytes.data() + at), static_cast<int>(n)));
  }
  text.resize(written);
  return text;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t pads = 0;
  while (pads < 2 && pads < text.size() && text[text.size() - 1 - pads] == '=')
    ++pads;
  if (!std::all_of(text.begin(), text.end() - static_cast<std::ptrdiff_t>(pads), base64_char)) {
    return std::nullopt;
  }
  std::string bytes(text.size() / 4 * 3, '\0');
  constexpr size_t kChunk = size_t{4} << 28;  // whole quanta, well below INT_MAX
  size_t written = 0;
  for (size_t at = 0; at < text.size(); at += kChunk) {
    const size_t n = std::min(kChunk, text.size() - at);
    const int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data() + written),
                                        reinterpret_cast<const unsigned char*>(text.data() + at),
                                        static_cast<int>(n));
    if (decoded < 0) return std::nullopt;
    written += static_cast<size_t>(decoded);
  }
  // EVP_DecodeBlock decodes the padding too, as zero bytes, and counts them.
  bytes.resize(written - pads);
  return bytes;
}

std::string base64url_encode(std::string_view bytes) {
  std::string text = base64_encode(bytes);
  while (!text.empty() && text.back() == '=')
    text.pop_back();
  for (char& c : text)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  return text;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string padded(text);
  for (char& c : padded) {
    if (c == '+' || c == '/' || c == '=') return std::nullopt;  // not the URL alphabet
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (padded.size() % 4 != 0)
    padded += '=';
  return base64_decode(padded);
}

}  // namespace eddy
