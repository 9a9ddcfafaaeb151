// SigV4 verification (http/sigv4): the input is a request as lines: method, target, then
// "name: value" headers, an empty line, and the body. verify_sigv4 must answer every request
// (a known key's valid signature, or one of AWS's errors) without crashing. Half of the inputs
// get a correct signature computed over them, so that the checks past the signature run too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/sigv4.h"

namespace {

constexpr int64_t kNowMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

const eddy::http::Credentials& credentials() {
  static const auto parsed = eddy::http::Credentials::parse("AKIDFUZZ secret-of-the-fuzzer\n");
  return *parsed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool sign = data[0] & 1;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  auto next_line = [&]() {
    const size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return line;
  };
  eddy::http::SignedRequest request;
  request.method = next_line();
  request.target = next_line();
  while (!rest.empty()) {
    std::string_view line = next_line();
    if (line.empty()) break;
    const size_t colon = line.find(':');
    std::string name(line.substr(0, colon));
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value(colon == std::string_view::npos ? std::string_view()
                                                      : line.substr(colon + 1));
    request.headers.emplace_back(std::move(name), std::move(value));
  }
  request.body = rest;
  if (sign) {
    const std::string date = eddy::http::format_amz_date(kNowMs);
    request.headers.emplace_back("x-amz-date", date);
    const std::string authorization = eddy::http::sign_sigv4(
        request, "AKIDFUZZ", "secret-of-the-fuzzer", date, "us-east-1", "dynamodb");
    request.headers.emplace_back("authorization", authorization);
  }
  // A request signed here may still be refused (say, a second x-amz-date header from the
  // input): only a crash, a leak or a sanitizer report is a bug.
  (void)eddy::http::verify_sigv4(request, credentials(), kNowMs);
  return 0;
}
