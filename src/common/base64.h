// Base64 (RFC 4648), on OpenSSL's block coder: DynamoDB's B values, shard iterators, proxy
// bodies and page tokens all use it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eddy {

std::string base64_encode(std::string_view bytes);
// nullopt unless `text` is base64 with its padding (length a multiple of 4).
std::optional<std::string> base64_decode(std::string_view text);

// The URL-safe alphabet ('-' and '_'), without padding: for tokens in query strings.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace eddy
