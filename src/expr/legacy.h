// DynamoDB's legacy (pre-expression) parameters, lowered to the same resolved trees the
// expression evaluators take. The API layer decodes the JSON into these plain structs.
//
// Built so far: AttributeUpdates (UpdateItem; the seed's word-count handler uses it),
// AttributesToGet (GetItem, BatchGetItem, Query, Scan), and the rule against mixing legacy
// and expression parameters. Expected, KeyConditions, QueryFilter, ScanFilter and
// ConditionalOperator (ComparisonOperator conditions) come next.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "expr/ast.h"
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

// AttributesToGet: top-level names, taken literally (no placeholders, no paths).
Projection lower_attributes_to_get(const std::vector<std::string>& names);

// "Can not use both expression and non-expression parameters in the same request:
// Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"
// when both lists are non-empty (each in the operation's own order); OK otherwise.
Status check_not_mixed(const std::vector<std::string>& non_expression,
                       const std::vector<std::string>& expression);

}  // namespace eddy::expr
