// KeyConditionExpression -> the key range a Query reads: the partition key's value and at most
// one condition on the sort key. Shape and schema errors are DynamoDB's
// (docs/research/dynamodb-expressions.md §9), checked on a resolved expression.
#pragma once

#include <optional>

#include "common/status.h"
#include "expr/ast.h"
#include "model/attribute_value.h"
#include "model/key_schema.h"

namespace eddy::expr {

struct KeyRange {
  model::AttributeValue partition;
  std::optional<model::SortKeyCondition> sort;
};

// `condition` must be resolved (names and values substituted).
Result<KeyRange> compile_key_condition(const Condition& condition, const model::KeySchema& schema);

}  // namespace eddy::expr
