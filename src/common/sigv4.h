// AWS Signature Version 4 signing
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
// the canonical request, the string to sign and the signature, shared by the server's
// verification (http/sigv4.h) and Eddy's own clients (client/http_dynamodb.h).
//
// Written by hand: Debian packages no SigV4 library for C++ (the AWS SDK for C++ is not
// packaged). The primitives (SHA-256, HMAC) come from OpenSSL. Pure functions: no sockets,
// no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eddy::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// What a signature covers.
struct SignedRequest {
  std::string_view method;
  std::string_view target;  // path and query, as sent
  // Header names in lower case; repeated headers appear repeatedly.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
};

// Signs `request` (adds nothing; returns the Authorization header value) with the given key,
// for `x_amz_date` and scope `<date>/<region>/<service>/aws4_request`, covering every header
// of the request.
std::string sign_sigv4(const SignedRequest& request, std::string_view access_key_id,
                       std::string_view secret, std::string_view x_amz_date,
                       std::string_view region, std::string_view service);

// The canonical request and the string to sign for `signed_headers` (sorted, lower case).
std::pair<std::string, std::string> strings_to_sign(
    const SignedRequest& request, const std::vector<std::string_view>& signed_headers,
    std::string_view amz_date, std::string_view scope);
// The hex signature of `to_sign` with the key derived from `secret` for the scope.
std::string signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view to_sign);

std::string sha256_hex(std::string_view data);
std::string format_amz_date(int64_t epoch_ms);                 // YYYYMMDDTHHMMSSZ
std::optional<int64_t> parse_amz_date(std::string_view text);  // epoch ms

// The first value of header `name` (lower case), or null.
const std::string* find_header(const SignedRequest& request, std::string_view name);
// Small text helpers the header formats need.
std::vector<std::string_view> split(std::string_view text, char separator);
std::string_view trim(std::string_view text);  // spaces and tabs at both ends

}  // namespace eddy::sigv4
