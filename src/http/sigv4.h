// AWS Signature Version 4 verification
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
//
// Written by hand: no Debian package verifies SigV4 on the server side (the AWS SDK for C++ is
// not packaged, and it only signs). The canonical request and signature come from
// common/sigv4.h, shared with Eddy's clients. Pure functions of the request and the clock, with
// no sockets, so that tests and fuzz targets call them directly. Secrets are never put into
// messages or logs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/api_error.h"
#include "common/sigv4.h"
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

using sigv4::SignedRequest;

// Maximum difference between the request's date and the server's clock.
inline constexpr int64_t kMaxClockSkewMs = 15 * 60 * 1000;

// nullopt when the request is signed by a known key with a valid signature; otherwise the
// error AWS answers (MissingAuthenticationTokenException, IncompleteSignatureException,
// InvalidSignatureException, UnrecognizedClientException), in AWS's check order.
std::optional<api::ApiError> verify_sigv4(const SignedRequest& request,
                                          const Credentials& credentials, int64_t now_ms);

// The signing side lives in common/sigv4.h; these names stay usable here.
using sigv4::format_amz_date;
using sigv4::parse_amz_date;
using sigv4::sha256_hex;
using sigv4::sign_sigv4;

}  // namespace eddy::http
