// TransactWriteItems' ClientRequestToken: a retried transaction with the same token and the
// same request within 10 minutes is acknowledged without being applied again; the same token
// with a different request is IdempotentParameterMismatchException
// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
//
// Kept in memory: the window is 10 minutes and a restart is a new window, which is what a
// client retrying after a lost response needs.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace eddy::api::dynamodb {

class IdempotencyCache {
 public:
  static constexpr int64_t kWindowMs = 10 * 60 * 1000;

  enum class Lookup { kNew, kInFlight, kDone, kMismatch };
  struct Entry {
    std::string request_digest;
    std::optional<std::string> response;  // set once the first request committed
    int64_t created_ms = 0;
  };

  // Looks `token` up; when new, records it as in flight for `digest`. kDone fills `response`.
  Lookup begin(const std::string& token, const std::string& digest, int64_t now_ms,
               std::string* response);
  // The first request finished: `response` on success, or nullopt to forget the token (a failed
  // transaction may be retried and applied).
  void finish(const std::string& token, std::optional<std::string> response);

 private:
  void expire(int64_t now_ms);

  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace eddy::api::dynamodb
