// Recursive-descent parsers for DynamoDB's expression kinds. They check syntax only; names,
// values, function arguments and types are checked by the resolver and the evaluators.
// Errors are Code::kValidation with DynamoDB's wording ("Invalid ConditionExpression: Syntax
// error; token: ...").
#pragma once

#include <string_view>

#include "common/status.h"
#include "expr/ast.h"

namespace eddy::expr {

enum class ExpressionKind { kCondition, kFilter, kKeyCondition, kUpdate, kProjection };

// "ConditionExpression", "FilterExpression", ...: the parameter name DynamoDB's messages use.
const char* expression_name(ExpressionKind kind);

// Longest expression DynamoDB accepts, in bytes (4 KB).
inline constexpr size_t kMaxExpressionBytes = 4096;
// Most operators (comparators, BETWEEN, IN, AND, OR, NOT) in one expression.
inline constexpr int kMaxOperators = 300;
// Most elements in one document path, the top-level name included.
inline constexpr size_t kMaxPathDepth = 32;
// Deepest nesting of parentheses, NOT and function calls the parser follows: past the
// operator limit anyway, and deeper input is an error, never a stack overflow.
inline constexpr int kMaxNesting = 400;

// ConditionExpression, FilterExpression or KeyConditionExpression (per `kind`).
Result<Condition> parse_condition(std::string_view text, ExpressionKind kind);
Result<Update> parse_update(std::string_view text);
Result<Projection> parse_projection(std::string_view text);

}  // namespace eddy::expr
