// DynamoDB's legacy (pre-expression) parameters, lowered to the same resolved trees the
// expression evaluators take. The API layer decodes the JSON into these plain structs.
//
// AttributeUpdates (UpdateItem; the seed's word-count handler uses it), AttributesToGet
// (GetItem, BatchGetItem, Query, Scan), the ComparisonOperator conditions of Expected,
// QueryFilter and ScanFilter joined by ConditionalOperator, and the rule against mixing
// legacy and expression parameters.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "expr/ast.h"
#include "expr/key_condition.h"
#include "model/attribute_value.h"

namespace eddy::expr {

struct AttributeUpdate {
  enum class Action { kPut, kAdd, kDelete };
  std::string name;
  Action action = Action::kPut;  // DynamoDB's default
  std::optional<model::AttributeValue> value;
};

// The equivalent resolved update (SET / ADD / DELETE / REMOVE of top-level attributes), or
// DynamoDB's validation error for the first bad entry.
Result<Update> lower_attribute_updates(const std::vector<AttributeUpdate>& updates);

// One entry of Expected, QueryFilter or ScanFilter: the ComparisonOperator form
// ({ComparisonOperator, AttributeValueList}) or, in Expected only, the older
// {Value, Exists} form.
struct LegacyCondition {
  std::string attribute;
  std::optional<std::string> comparison_operator;  // "EQ", "NE", ..., as sent
  std::vector<model::AttributeValue> values;       // AttributeValueList
  std::optional<model::AttributeValue> value;      // Expected's Value
  std::optional<bool> exists;                      // Expected's Exists
};

enum class LegacyConditionKind { kExpected, kQueryFilter, kScanFilter };

// The resolved condition equivalent to `conditions` joined by `conditional_operator`
// ("AND", the default, or "OR"); nullopt when there are none.
Result<std::optional<Condition>> lower_conditions(
    const std::vector<LegacyCondition>& conditions,
    const std::optional<std::string>& conditional_operator, LegacyConditionKind kind);

// KeyConditions (Query): the key range, with the same checks as a KeyConditionExpression plus
// KeyConditions' own ("Attempted conditional constraint is not an indexable operation").
Result<KeyRange> lower_key_conditions(const std::vector<LegacyCondition>& conditions,
                                      const model::KeySchema& schema);

// AttributesToGet: top-level names, taken literally (no placeholders, no paths).
Projection lower_attributes_to_get(const std::vector<std::string>& names);

// "Can not use both expression and non-expression parameters in the same request:
// Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"
// when both lists are non-empty (each in the operation's own order); OK otherwise.
Status check_not_mixed(const std::vector<std::string>& non_expression,
                       const std::vector<std::string>& expression);

}  // namespace eddy::expr
