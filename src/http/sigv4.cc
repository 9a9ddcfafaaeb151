#include "http/sigv4.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "common/random.h"

namespace eddy::http {

using sigv4::find_header;
using sigv4::kAlgorithm;
using sigv4::signature;
using sigv4::split;
using sigv4::strings_to_sign;
using sigv4::trim;

namespace {

api::ApiError coral(std::string_view name, std::string message) {
  return api::ApiError::coral(name, std::move(message));
}

// Compares without leaking where the first difference is.
bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i)
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace

Result<Credentials> Credentials::parse(std::string_view text) {
  Credentials credentials;
  size_t line_number = 0;
  for (auto line : split(text, '\n')) {
    ++line_number;
    line = trim(line);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::istringstream fields{std::string(line)};
    std::string key, secret, extra;
    fields >> key >> secret >> extra;
    if (key.empty() || secret.empty() || !extra.empty()) {
      // The line itself is not shown: it may hold a secret.
      return Status::validation(fmt::format(
          "credentials line {}: expected ACCESS_KEY_ID SECRET_ACCESS_KEY", line_number));
    }
    credentials.add(std::move(key), std::move(secret));
  }
  if (credentials.size() == 0) return Status::validation("credentials: no key pairs");
  return credentials;
}

Result<Credentials> Credentials::load(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Status::io_error("cannot read credentials file " + path);
  std::stringstream text;
  text << file.rdbuf();
  return parse(text.str());
}

void Credentials::add(std::string access_key_id, std::string secret) {
  secrets_[std::move(access_key_id)] = std::move(secret);
}

const std::string* Credentials::secret(std::string_view access_key_id) const {
  auto it = secrets_.find(access_key_id);
  return it == secrets_.end() ? nullptr : &it->second;
}

std::optional<std::pair<std::string, std::string>> Credentials::first() const {
  if (secrets_.empty()) return std::nullopt;
  return *secrets_.begin();
}

std::optional<api::ApiError> verify_sigv4(const SignedRequest& request,
                                          const Credentials& credentials, int64_t now_ms) {
  const std::string* authorization = find_header(request, "authorization");
  if (!authorization || authorization->rfind("AWS4-", 0) != 0) {
    return coral("MissingAuthenticationTokenException", "Request is missing Authentication Token");
  }
  // "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
  std::string_view header = *authorization;
  auto space = header.find(' ');
  std::string_view algorithm = header.substr(0, space);
  std::string_view parameters = space == std::string_view::npos ? "" : header.substr(space + 1);
  std::string_view credential, signed_headers_text, provided_signature;
  for (auto part : split(parameters, ',')) {
    part = trim(part);
    auto equals = part.find('=');
    if (equals == std::string_view::npos) continue;
    auto name = part.substr(0, equals);
    auto value = part.substr(equals + 1);
    if (name == "Credential") credential = value;
    if (name == "SignedHeaders") signed_headers_text = value;
    if (name == "Signature") provided_signature = value;
  }
  const std::string* amz_date = find_header(request, "x-amz-date");
  if (!amz_date) amz_date = find_header(request, "date");
  std::string incomplete;
  if (credential.empty()) incomplete += "Authorization header requires 'Credential' parameter. ";
  if (provided_signature.empty())
    incomplete += "Authorization header requires 'Signature' parameter. ";
  if (signed_headers_text.empty()) {
    incomplete += "Authorization header requires 'SignedHeaders' parameter. ";
  }
  if (!amz_date) {
    incomplete +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!incomplete.empty()) {
    return coral("IncompleteSignatureException", incomplete + "Authorization=" + *authorization);
  }
  auto request_ms = parse_amz_date(*amz_date);
  if (!request_ms) {
    return coral("IncompleteSignatureException",
                 fmt::format("Date must be in ISO-8601 'basic format'. Got '{}'. See "
                             "http://en.wikipedia.org/wiki/ISO_8601",
                             *amz_date));
  }
  if (*request_ms < now_ms - kMaxClockSkewMs) {
    return coral(
        "InvalidSignatureException",
        fmt::format("Signature expired: {} is now earlier than {} ({} - 15 min.)", *amz_date,
                    format_amz_date(now_ms - kMaxClockSkewMs), format_amz_date(now_ms)));
  }
  if (*request_ms > now_ms + kMaxClockSkewMs) {
    return coral(
        "InvalidSignatureException",
        fmt::format("Signature not yet current: {} is still later than {} ({} + 15 min.)",
                    *amz_date, format_amz_date(now_ms + kMaxClockSkewMs), format_amz_date(now_ms)));
  }
  std::vector<std::string_view> signed_headers = split(signed_headers_text, ';');
  if (std::find(signed_headers.begin(), signed_headers.end(), "host") == signed_headers.end()) {
    return coral("InvalidSignatureException",
                 "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (algorithm != kAlgorithm) {
    return coral("IncompleteSignatureException",
                 fmt::format("Unsupported AWS 'algorithm': '{}' (only AWS4-HMAC-SHA256 for now). ",
                             algorithm));
  }
  auto scope_parts = split(credential, '/');
  if (scope_parts.size() != 5) {
    return coral("IncompleteSignatureException",
                 fmt::format("Credential must have exactly 5 slash-delimited elements, e.g. "
                             "keyid/date/region/service/term, got '{}'",
                             credential));
  }
  const std::string_view key_id = scope_parts[0], date = scope_parts[1], region = scope_parts[2],
                         service = scope_parts[3], terminator = scope_parts[4];
  if (terminator != "aws4_request") {
    return coral("InvalidSignatureException",
                 fmt::format("Credential should be scoped with a valid terminator: 'aws4_request', "
                             "not '{}'.",
                             terminator));
  }
  if (date != std::string_view(*amz_date).substr(0, 8)) {
    return coral("InvalidSignatureException",
                 fmt::format("Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                             "version of date from HTTP: '{}' != '{}', from '{}'.",
                             date, amz_date->substr(0, 8), *amz_date));
  }
  const std::string* secret = credentials.secret(key_id);
  if (!secret) {
    return coral("UnrecognizedClientException",
                 "The security token included in the request is invalid.");
  }
  const std::string scope = fmt::format("{}/{}/{}/aws4_request", date, region, service);
  auto [canonical, to_sign] = strings_to_sign(request, signed_headers, *amz_date, scope);
  if (!constant_time_equal(signature(*secret, date, region, service, to_sign),
                           provided_signature)) {
    return coral("InvalidSignatureException",
                 fmt::format("The request signature we calculated does not match the signature "
                             "you provided. Check your AWS Secret Access Key and signing method. "
                             "Consult the service documentation for details.\n\nThe Canonical "
                             "String for this request should have been\n'{}'\n\nThe "
                             "String-to-Sign should have been\n'{}'\n",
                             canonical, to_sign));
  }
  return std::nullopt;
}

}  // namespace eddy::http
