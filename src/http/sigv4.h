// AWS Signature Version 4 verification
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
//
// Written by hand: no Debian package verifies SigV4 on the server side (the AWS SDK for C++ is
// not packaged, and it only signs). The primitives (SHA-256, HMAC) come from OpenSSL. Pure
// functions of the request and the clock, with no sockets, so that tests and fuzz targets call
// them directly. Secrets are never put into messages or logs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/api_error.h"
#include "common/status.h"

namespace eddy::http {

// Access key id -> secret access key.
class Credentials {
 public:
  // One `ACCESS_KEY_ID SECRET_ACCESS_KEY` pair per line, whitespace-separated; blank lines and
  // lines starting with '#' are ignored. kValidation (with the line number) on a malformed line.
  static Result<Credentials> parse(std::string_view text);
  static Result<Credentials> load(const std::string& path);

  void add(std::string access_key_id, std::string secret);
  const std::string* secret(std::string_view access_key_id) const;
  size_t size() const { return secrets_.size(); }
  // The first pair (for functions that must sign their own calls), or nullopt when empty.
  std::optional<std::pair<std::string, std::string>> first() const;

 private:
  std::map<std::string, std::string, std::less<>> secrets_;
};

// What a signature covers.
struct SignedRequest {
  std::string_view method;
  std::string_view target;  // path and query, as sent
  // Header names in lower case; repeated headers appear repeatedly.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
};

// Maximum difference between the request's date and the server's clock.
inline constexpr int64_t kMaxClockSkewMs = 15 * 60 * 1000;

// nullopt when the request is signed by a known key with a valid signature; otherwise the
// error AWS answers (MissingAuthenticationTokenException, IncompleteSignatureException,
// InvalidSignatureException, UnrecognizedClientException), in AWS's check order.
std::optional<api::ApiError> verify_sigv4(const SignedRequest& request,
                                          const Credentials& credentials, int64_t now_ms);

// Signs `request` (adds nothing; returns the Authorization header value) with the given key,
// for `x_amz_date` and scope `<date>/<region>/<service>/aws4_request`. Used by tests and by
// Eddy's own clients.
std::string sign_sigv4(const SignedRequest& request, std::string_view access_key_id,
                       std::string_view secret, std::string_view x_amz_date,
                       std::string_view region, std::string_view service);

// Helpers exposed for tests.
std::string sha256_hex(std::string_view data);
std::string format_amz_date(int64_t epoch_ms);                 // YYYYMMDDTHHMMSSZ
std::optional<int64_t> parse_amz_date(std::string_view text);  // epoch ms

}  // namespace eddy::http
