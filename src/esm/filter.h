// FilterCriteria of a Lambda event source mapping: which stream records reach the function.
//
// The patterns are EventBridge event patterns, applied by Lambda to each DynamoDB stream record
// as a JSON object (eventName, userIdentity, dynamodb.Keys/NewImage/OldImage, ...):
//   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
//   https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
//
// Departures from EventBridge, kept deliberately:
// - An exact number matches any numerically equal JSON number (EventBridge compares the text,
//   so 300 != 300.0): the record arrives already parsed, and its number text is gone.
// - equals-ignore-case folds ASCII letters only.
// - cidr and $or are not supported; they are refused when the mapping is created rather than
//   silently matching nothing.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace eddy::esm {

namespace detail {
struct PatternNode;  // an object level of a compiled pattern; defined in filter.cc
}  // namespace detail

// One compiled EventBridge pattern.
class FilterPattern {
 public:
  // Patterns longer than this are refused, as Lambda does.
  static constexpr size_t kMaxPatternBytes = 4096;
  // Object nesting of a pattern, counting the pattern itself as 1.
  static constexpr int kMaxDepth = 32;

  // kValidation naming the problem and the offending key when `pattern_json` is not JSON, not an
  // object, or not a valid pattern. A key given twice in one object: the last one wins.
  static Result<FilterPattern> parse(std::string_view pattern_json);

  // `event` is one stream record as a JSON object.
  bool matches(const rapidjson::Value& event) const;

 private:
  explicit FilterPattern(std::shared_ptr<const detail::PatternNode> root)
      : root_(std::move(root)) {}
  // Shared, not copied: a compiled pattern never changes, and mappings are copied when described.
  std::shared_ptr<const detail::PatternNode> root_;
};

// Lambda's FilterCriteria: up to kMaxPatterns patterns, OR-ed. Empty criteria match everything.
class FilterCriteria {
 public:
  static constexpr size_t kMaxPatterns = 5;

  FilterCriteria() = default;  // no filter: every record passes

  // kValidation for more than kMaxPatterns patterns or for any invalid one (naming its index).
  static Result<FilterCriteria> parse(const std::vector<std::string>& patterns);

  bool empty() const { return compiled_.empty(); }
  bool matches(const rapidjson::Value& event) const;
  // Parses `record_json` then matches it; a record that is not JSON matches nothing.
  bool matches_json(std::string_view record_json) const;
  // The texts as given, for describing the mapping.
  const std::vector<std::string>& patterns() const { return texts_; }

 private:
  std::vector<std::string> texts_;
  std::vector<FilterPattern> compiled_;
};

}  // namespace eddy::esm
