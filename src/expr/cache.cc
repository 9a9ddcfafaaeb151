#include "expr/cache.h"

namespace eddy::expr {

template <typename T, typename Parse>
Result<std::shared_ptr<const T>> ExpressionCache::get(ExpressionKind kind, std::string_view text,
                                                      Parse&& parse) {
  std::string key;
  key.reserve(text.size() + 1);
  key += static_cast<char>('0' + static_cast<int>(kind));
  key += text;
  {
    std::lock_guard lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      return std::get<std::shared_ptr<const T>>(it->second->tree);
    }
    ++misses_;
  }
  // Parse outside the lock: a slow parse never holds up hits.
  auto parsed = parse();
  if (!parsed) return parsed.status();
  auto tree = std::make_shared<const T>(std::move(parsed).value());
  std::lock_guard lock(mu_);
  if (index_.contains(key)) return tree;  // another thread got there first
  lru_.push_front(Entry{std::move(key), tree});
  index_.emplace(lru_.front().key, lru_.begin());
  if (lru_.size() > capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  return tree;
}

Result<std::shared_ptr<const Condition>> ExpressionCache::condition(std::string_view text,
                                                                    ExpressionKind kind) {
  return get<Condition>(kind, text, [&] { return parse_condition(text, kind); });
}

Result<std::shared_ptr<const Update>> ExpressionCache::update(std::string_view text) {
  return get<Update>(ExpressionKind::kUpdate, text, [&] { return parse_update(text); });
}

Result<std::shared_ptr<const Projection>> ExpressionCache::projection(std::string_view text) {
  return get<Projection>(ExpressionKind::kProjection, text, [&] { return parse_projection(text); });
}

ExpressionCache::Stats ExpressionCache::stats() const {
  std::lock_guard lock(mu_);
  return {hits_, misses_, lru_.size()};
}

}  // namespace eddy::expr
