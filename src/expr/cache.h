// A bounded cache of parsed expressions, keyed by kind and text. Applications send the same
// few expressions over and over (the notes stack sends two), and parsing costs about as much
// as decoding the request (bench/README.md): a hit returns the shared, immutable tree.
// Errors are not cached. Thread-safe.
#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "common/status.h"
#include "expr/ast.h"
#include "expr/parser.h"

namespace eddy::expr {

class ExpressionCache {
 public:
  explicit ExpressionCache(size_t capacity = 4096) : capacity_(capacity) {}

  Result<std::shared_ptr<const Condition>> condition(std::string_view text, ExpressionKind kind);
  Result<std::shared_ptr<const Update>> update(std::string_view text);
  Result<std::shared_ptr<const Projection>> projection(std::string_view text);

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t size = 0;
  };
  Stats stats() const;

 private:
  using Tree = std::variant<std::shared_ptr<const Condition>, std::shared_ptr<const Update>,
                            std::shared_ptr<const Projection>>;
  template <typename T, typename Parse>
  Result<std::shared_ptr<const T>> get(ExpressionKind kind, std::string_view text, Parse&& parse);

  struct Entry {
    std::string key;
    Tree tree;
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into lru_ keys
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace eddy::expr
