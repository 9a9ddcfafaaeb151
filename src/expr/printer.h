// Prints expression trees as S-expressions, one canonical text per tree: what the golden tests
// compare, and what the printer round-trip property re-parses.
//
//   (and (= a.b[1] :v) (not (attribute_exists #n)))
//   (update (set a (+ a :one)) (remove b[0]) (add c :n) (delete d :s))
//   (projection a b.c)
//
// Names that are not plain identifiers (after resolution they may hold any character) are
// printed in double quotes with \" and \\ escaped; resolved values as DynamoDB JSON.
#pragma once

#include <string>

#include "expr/ast.h"

namespace eddy::expr {

std::string to_string(const Path& path);
std::string to_string(const Operand& operand);
std::string to_string(const Condition& condition);
std::string to_string(const Update& update);
std::string to_string(const Projection& projection);

// The same trees written back as DynamoDB expression text, with parentheses only where
// precedence needs them: parse(to_expression(t)) == t for every parsed (unresolved) tree.
std::string to_expression(const Condition& condition);
std::string to_expression(const Update& update);
std::string to_expression(const Projection& projection);

}  // namespace eddy::expr
