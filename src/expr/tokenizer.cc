// Written by hand: the token set is tiny and fixed, and a generator (flex, re2c) would add a
// build step for thirty lines.
#include "expr/tokenizer.h"

namespace eddy::expr {

namespace {

// A bare name starts with a letter ("_a" is a syntax error in DynamoDB: Alternator's
// test_update_expression_name_token); placeholders may start with any of [A-Za-z0-9_].
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_name_char(char c) {
  return is_name_start(c) || is_digit(c) || c == '_';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> tokens;
  size_t i = 0;
  auto emit = [&](TokenKind kind, size_t start, size_t end) {
    tokens.push_back({kind, s.substr(start, end - start), start});
    i = end;
  };
  while (i < s.size()) {
    const char c = s[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    const size_t start = i;
    if (is_name_start(c)) {
      size_t end = i + 1;
      while (end < s.size() && is_name_char(s[end]))
        ++end;
      emit(TokenKind::kName, start, end);
    } else if (is_digit(c)) {
      size_t end = i + 1;
      while (end < s.size() && is_digit(s[end]))
        ++end;
      emit(TokenKind::kNumber, start, end);
    } else if (c == '#' || c == ':') {
      size_t end = i + 1;
      while (end < s.size() && is_name_char(s[end]))
        ++end;
      emit(end == i + 1 ? TokenKind::kInvalid
           : c == '#'   ? TokenKind::kNamePlaceholder
                        : TokenKind::kValuePlaceholder,
           start, end);
    } else {
      const char next = i + 1 < s.size() ? s[i + 1] : '\0';
      switch (c) {
        case '(':
          emit(TokenKind::kLParen, start, i + 1);
          break;
        case ')':
          emit(TokenKind::kRParen, start, i + 1);
          break;
        case '[':
          emit(TokenKind::kLBracket, start, i + 1);
          break;
        case ']':
          emit(TokenKind::kRBracket, start, i + 1);
          break;
        case ',':
          emit(TokenKind::kComma, start, i + 1);
          break;
        case '.':
          emit(TokenKind::kDot, start, i + 1);
          break;
        case '=':
          emit(TokenKind::kEq, start, i + 1);
          break;
        case '+':
          emit(TokenKind::kPlus, start, i + 1);
          break;
        case '-':
          emit(TokenKind::kMinus, start, i + 1);
          break;
        case '<':
          if (next == '>') {
            emit(TokenKind::kNe, start, i + 2);
          } else if (next == '=') {
            emit(TokenKind::kLe, start, i + 2);
          } else {
            emit(TokenKind::kLt, start, i + 1);
          }
          break;
        case '>':
          if (next == '=') {
            emit(TokenKind::kGe, start, i + 2);
          } else {
            emit(TokenKind::kGt, start, i + 1);
          }
          break;
        default: {
          // Report a whole UTF-8 character, not a piece of it.
          size_t end = i + 1;
          while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
            ++end;
          emit(TokenKind::kInvalid, start, end);
          break;
        }
      }
    }
  }
  tokens.push_back({TokenKind::kEnd, "<EOF>", s.size()});
  return tokens;
}

}  // namespace eddy::expr
