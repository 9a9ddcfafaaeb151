// The resolver: checks a parsed expression against DynamoDB's rules that need no item
// (function names and their use, reserved words, placeholders, operand counts, the types of
// :values, overlapping update paths) and substitutes #name and :value placeholders, recording
// which were used so that unused ones can be rejected. Checks run in DynamoDB's order, so that
// an expression with several faults reports the one DynamoDB reports
// (docs/research/dynamodb-expressions.md §1).
#pragma once

#include <map>
#include <set>
#include <string>

#include "common/status.h"
#include "expr/ast.h"
#include "expr/parser.h"
#include "model/attribute_value.h"

namespace eddy::expr {

// One request's ExpressionAttributeNames and ExpressionAttributeValues, shared by all of its
// expressions, and what those expressions used.
struct Bindings {
  std::map<std::string, std::string, std::less<>> names;
  std::map<std::string, model::AttributeValue, std::less<>> values;
  std::set<std::string, std::less<>> used_names;
  std::set<std::string, std::less<>> used_values;
};

// Checks the placeholder keys' syntax ("#" or ":" then [A-Za-z0-9_]+).
Status check_binding_keys(const Bindings& bindings);

Result<Condition> resolve_condition(const Condition& condition, ExpressionKind kind,
                                    Bindings& bindings);
Result<Update> resolve_update(const Update& update, Bindings& bindings);
Result<Projection> resolve_projection(const Projection& projection, Bindings& bindings);

// After every expression of a request was resolved: names never used, then values never used.
Status check_unused(const Bindings& bindings);

}  // namespace eddy::expr
