// Evaluators over resolved expression trees (after resolve_*: no placeholders left).
//
// Pure functions of (item, expression): conditions and filters give true or false and never
// fail on the item's data (a missing attribute or a type mismatch makes a comparison false,
// as in DynamoDB); an update gives the new item or DynamoDB's run-time error; a projection
// gives the selected parts of an item. Semantics: docs/research/dynamodb-expressions.md §7.3
// and §10.4.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "common/status.h"
#include "expr/ast.h"
#include "model/attribute_value.h"
#include "model/key_schema.h"

namespace eddy::expr {

// The value at `path` in `item`, or nullptr when any step is missing or of another type.
const model::AttributeValue* find(const model::Item& item, const Path& path);

// `item` is null when there is no item (a condition on a missing item).
bool evaluate(const Condition& condition, const model::Item* item);

// UpdateItem: rejects actions on key attributes, as DynamoDB does before reading the item
// ("Cannot update attribute id. This attribute is part of the key").
Status check_key_not_updated(const Update& update, const model::KeySchema& schema);

struct UpdateOutcome {
  model::Item item;
  // Top-level attributes the update touched, for ReturnValues UPDATED_OLD / UPDATED_NEW.
  std::set<std::string> touched;
};

// Applies `update` to `current` (null: the item does not exist yet and starts as `key`).
// All values are read from the item as it was before the update. Errors are DynamoDB's
// (Code::kValidation), e.g. "The provided expression refers to an attribute that does not
// exist in the item".
Result<UpdateOutcome> apply_update(const Update& update, const model::Item* current,
                                   const model::Item& key);

// The parts of `item` that `projection` names, nested as in the item (list elements keep
// their order and lose the gaps).
model::Item project(const Projection& projection, const model::Item& item);

}  // namespace eddy::expr
