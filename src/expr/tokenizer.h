// Splits an expression into tokens. Keywords (AND, OR, NOT, BETWEEN, IN, SET, REMOVE, ADD,
// DELETE) are plain names here: the parser recognises them, case-insensitively, by position.
#pragma once

#include <string_view>
#include <vector>

namespace eddy::expr {

enum class TokenKind {
  kName,              // attribute name, keyword or function name
  kNamePlaceholder,   // #name
  kValuePlaceholder,  // :value
  kNumber,            // digits, as in a list index
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kInvalid,  // a character that starts no token
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // a view into the expression; "<EOF>" for kEnd
  size_t offset = 0;      // where it starts in the expression
};

// The tokens of `expression`, always ending with one kEnd token. A character that starts no
// token becomes a kInvalid token of its own and tokenizing goes on: syntax errors quote the
// token after the offending one.
std::vector<Token> tokenize(std::string_view expression);

}  // namespace eddy::expr
