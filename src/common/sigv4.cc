#include "common/sigv4.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>

#include "common/random.h"

namespace eddy::sigv4 {

namespace {

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string uri_encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string uri_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string trim_and_collapse(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!query.empty()) {
    for (auto part : split(query, '&')) {
      if (part.empty()) continue;
      auto equals = part.find('=');
      std::string key = uri_encode(uri_decode(part.substr(0, equals)), false);
      std::string value = equals == std::string_view::npos
                              ? ""
                              : uri_encode(uri_decode(part.substr(equals + 1)), false);
      pairs.emplace_back(std::move(key), std::move(value));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += key + "=" + value;
  }
  return out;
}

}  // namespace

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

const std::string* find_header(const SignedRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

// The canonical request and the string to sign for `signed_headers`, per the SigV4 spec.
std::pair<std::string, std::string> strings_to_sign(
    const SignedRequest& request, const std::vector<std::string_view>& signed_headers,
    std::string_view amz_date, std::string_view scope) {
  std::string_view target = request.target;
  auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query = question == std::string_view::npos ? "" : target.substr(question + 1);
  if (path.empty()) path = "/";

  std::string canonical;
  canonical.append(request.method).push_back('\n');
  // Services other than S3 encode the path as sent once more (the SDKs' "double encoding").
  canonical.append(uri_encode(path, true)).push_back('\n');
  canonical.append(canonical_query(query)).push_back('\n');
  for (auto name : signed_headers) {
    std::string joined;
    for (const auto& [key, value] : request.headers) {
      if (key != name) continue;
      if (!joined.empty()) joined.push_back(',');
      joined += trim_and_collapse(value);
    }
    canonical.append(name).push_back(':');
    canonical.append(joined).push_back('\n');
  }
  canonical.push_back('\n');
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i) canonical.push_back(';');
    canonical.append(signed_headers[i]);
  }
  canonical.push_back('\n');
  const std::string* payload_hash = find_header(request, "x-amz-content-sha256");
  canonical.append(payload_hash && *payload_hash != "UNSIGNED-PAYLOAD" ? *payload_hash
                                                                       : sha256_hex(request.body));

  std::string to_sign =
      fmt::format("{}\n{}\n{}\n{}", kAlgorithm, amz_date, scope, sha256_hex(canonical));
  return {std::move(canonical), std::move(to_sign)};
}

std::string signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view to_sign) {
  std::string key = hmac(std::string("AWS4").append(secret), date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, "aws4_request");
  return to_hex(hmac(key, to_sign));
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string format_amz_date(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

std::optional<int64_t> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  auto number = [&](size_t at, size_t length) {
    int value = 0;
    for (size_t i = at; i < at + length; ++i)
      value = value * 10 + (text[i] - '0');
    return value;
  };
  std::tm tm{};
  tm.tm_year = number(0, 4) - 1900;
  tm.tm_mon = number(4, 2) - 1;
  tm.tm_mday = number(6, 2);
  tm.tm_hour = number(9, 2);
  tm.tm_min = number(11, 2);
  tm.tm_sec = number(13, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::string sign_sigv4(const SignedRequest& request, std::string_view access_key_id,
                       std::string_view secret, std::string_view x_amz_date,
                       std::string_view region, std::string_view service) {
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers) {
    if (name != "authorization" && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string_view> views(names.begin(), names.end());
  const std::string_view date = x_amz_date.substr(0, 8);
  const std::string scope = fmt::format("{}/{}/{}/aws4_request", date, region, service);
  auto [canonical, to_sign] = strings_to_sign(request, views, x_amz_date, scope);
  return fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", kAlgorithm,
                     access_key_id, scope, fmt::join(names, ";"),
                     signature(secret, date, region, service, to_sign));
}

}  // namespace eddy::sigv4
