// DynamoDB's reserved words: names that may not appear bare in an expression and must be written
// through an ExpressionAttributeNames placeholder (#n) instead.
#pragma once

#include <string_view>

namespace eddy::expr {

// True when `word` (any case) is one of DynamoDB's reserved words.
bool is_reserved_word(std::string_view word);

}  // namespace eddy::expr
