#include "api/dynamodb/idempotency.h"

namespace eddy::api::dynamodb {

IdempotencyCache::Lookup IdempotencyCache::begin(const std::string& token,
                                                 const std::string& digest, int64_t now_ms,
                                                 std::string* response) {
  std::lock_guard lock(mu_);
  expire(now_ms);
  auto [it, inserted] = entries_.try_emplace(token);
  if (inserted) {
    it->second.request_digest = digest;
    it->second.created_ms = now_ms;
    return Lookup::kNew;
  }
  if (it->second.request_digest != digest) return Lookup::kMismatch;
  if (!it->second.response) return Lookup::kInFlight;
  *response = *it->second.response;
  return Lookup::kDone;
}

void IdempotencyCache::finish(const std::string& token, std::optional<std::string> response) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(token);
  if (it == entries_.end()) return;
  if (response) {
    it->second.response = std::move(response);
  } else {
    entries_.erase(it);
  }
}

void IdempotencyCache::expire(int64_t now_ms) {
  // Tokens are few (one per transaction that sent one); a linear sweep is enough.
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now_ms - it->second.created_ms > kWindowMs) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace eddy::api::dynamodb
