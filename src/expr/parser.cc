// The grammar, after
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
// and Expressions.UpdateExpressions.html:
//
//   condition := or
//   or        := and { OR and }
//   and       := not { AND not }
//   not       := NOT not | primary                       (precedence: NOT > AND > OR)
//   primary   := '(' condition ')'
//              | function                                 (attribute_exists, contains, ...)
//              | operand comparator operand               (= <> < <= > >=)
//              | operand BETWEEN operand AND operand
//              | operand IN '(' operand { ',' operand } ')'
//   operand   := path | :value | function
//   function  := name '(' operand { ',' operand } ')'
//   path      := name-or-#name { '.' name-or-#name | '[' digits ']' }
//
//   update    := clause { clause }                       (each of SET/REMOVE/ADD/DELETE once)
//   clause    := SET path '=' value { ',' path '=' value }
//              | REMOVE path { ',' path }
//              | ADD path :value { ',' path :value }
//              | DELETE path :value { ',' path :value }
//   value     := operand [ ('+' | '-') operand ]
//
//   projection := path { ',' path }
//
// Keywords are case-insensitive; function names are not.
#include "expr/parser.h"

#include <charconv>
#include <optional>

#include "expr/tokenizer.h"

namespace eddy::expr {

const char* expression_name(ExpressionKind kind) {
  switch (kind) {
    case ExpressionKind::kCondition:
      return "ConditionExpression";
    case ExpressionKind::kFilter:
      return "FilterExpression";
    case ExpressionKind::kKeyCondition:
      return "KeyConditionExpression";
    case ExpressionKind::kUpdate:
      return "UpdateExpression";
    case ExpressionKind::kProjection:
      return "ProjectionExpression";
  }
  return "Expression";
}

namespace {

bool equals_keyword(std::string_view text, std::string_view keyword) {
  if (text.size() != keyword.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != keyword[i]) return false;
  }
  return true;
}

// Words of the grammar itself: never a name, so "a = :v AND OR b" fails at OR.
bool is_grammar_keyword(std::string_view text) {
  for (std::string_view keyword :
       {"AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"}) {
    if (equals_keyword(text, keyword)) return true;
  }
  return false;
}

std::optional<Comparator> comparator_of(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEq:
      return Comparator::kEq;
    case TokenKind::kNe:
      return Comparator::kNe;
    case TokenKind::kLt:
      return Comparator::kLt;
    case TokenKind::kLe:
      return Comparator::kLe;
    case TokenKind::kGt:
      return Comparator::kGt;
    case TokenKind::kGe:
      return Comparator::kGe;
    default:
      return std::nullopt;
  }
}

class Parser {
 public:
  Parser(std::string_view text, ExpressionKind kind)
      : text_(text), kind_(kind), tokens_(tokenize(text)), match_(tokens_.size(), kNoMatch) {
    std::vector<size_t> open;
    for (size_t i = 0; i < tokens_.size(); ++i) {
      if (tokens_[i].kind == TokenKind::kLParen) {
        open.push_back(i);
      } else if (tokens_[i].kind == TokenKind::kRParen && !open.empty()) {
        match_[open.back()] = i;
        match_[i] = open.back();
        open.pop_back();
      }
    }
  }

  // The checks DynamoDB makes on a whole expression once its syntax is right, in its order.
  Status check_whole() const {
    if (operators_ > kMaxOperators) {
      // DynamoDB stops counting at the first operator over the limit.
      return invalid("The expression contains too many operators; operator count: " +
                     std::to_string(kMaxOperators + 1));
    }
    if (has_redundant_parentheses()) return invalid("The expression has redundant parentheses;");
    if (deepest_path_ > kMaxPathDepth) {
      return invalid("The document path has too many nesting levels; nesting levels: " +
                     std::to_string(deepest_path_));
    }
    return Status::ok();
  }

  // Errors that come before parsing: emptiness and length.
  Status check_text() const {
    bool blank = true;
    for (char c : text_)
      blank = blank && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    if (blank) return invalid("The expression can not be empty;");
    if (text_.size() > kMaxExpressionBytes) {
      return invalid("Expression size has exceeded the maximum allowed size; expression size: " +
                     std::to_string(text_.size()));
    }
    return Status::ok();
  }

  Result<Condition> condition(int depth) {
    if (depth > kMaxNesting) return too_deep();
    EDDY_ASSIGN_OR_RETURN(Condition lhs, and_expression(depth));
    while (keyword("OR")) {
      advance();
      ++operators_;
      EDDY_ASSIGN_OR_RETURN(Condition rhs, and_expression(depth));
      lhs = Condition{Or{std::move(lhs), std::move(rhs)}};
    }
    return lhs;
  }

  Result<Update> update() {
    Update update;
    bool seen[4] = {false, false, false, false};
    static constexpr std::string_view kClauses[4] = {"SET", "REMOVE", "ADD", "DELETE"};
    do {
      int clause = -1;
      for (int i = 0; i < 4; ++i) {
        if (keyword(kClauses[i])) clause = i;
      }
      if (clause < 0) return syntax_error();
      if (seen[clause]) {
        return invalid("The \"" + std::string(kClauses[clause]) +
                       "\" section can only be used once in an update expression;");
      }
      seen[clause] = true;
      advance();
      do {
        EDDY_ASSIGN_OR_RETURN(Path path, this->path());
        if (clause == 0) {
          EDDY_RETURN_IF_ERROR(expect(TokenKind::kEq));
          EDDY_ASSIGN_OR_RETURN(Operand value, set_value());
          update.set.push_back({std::move(path), std::move(value)});
        } else if (clause == 1) {
          update.remove.push_back(std::move(path));
        } else {
          // ADD and DELETE take a :value, nothing else ("delete a b" is a syntax error).
          if (current().kind != TokenKind::kValuePlaceholder) return syntax_error();
          Operand value{ValueRef{std::string(current().text)}};
          advance();
          (clause == 2 ? update.add : update.del).push_back({std::move(path), std::move(value)});
        }
      } while (accept(TokenKind::kComma));
    } while (current().kind != TokenKind::kEnd);
    return update;
  }

  Result<Projection> projection() {
    Projection projection;
    do {
      EDDY_ASSIGN_OR_RETURN(Path path, this->path());
      projection.paths.push_back(std::move(path));
    } while (accept(TokenKind::kComma));
    return projection;
  }

  Status expect_end() {
    if (current().kind != TokenKind::kEnd) return syntax_error();
    return Status::ok();
  }

 private:
  static constexpr size_t kNoMatch = static_cast<size_t>(-1);

  // Two grouping pairs directly nested, "((a = :v))" or "a > ((b))", are an error in DynamoDB
  // (one pair is fine). The parentheses of a function call do not group.
  bool has_redundant_parentheses() const {
    for (size_t i = 0; i + 1 < tokens_.size(); ++i) {
      if (tokens_[i].kind != TokenKind::kLParen || match_[i] == kNoMatch) continue;
      const bool call =
          i > 0 && tokens_[i - 1].kind == TokenKind::kName && !is_keyword_token(tokens_[i - 1]);
      if (call) continue;
      if (tokens_[i + 1].kind == TokenKind::kLParen && match_[i + 1] == match_[i] - 1) {
        return true;
      }
    }
    return false;
  }
  static bool is_keyword_token(const Token& token) {
    return token.kind == TokenKind::kName && is_grammar_keyword(token.text);
  }

  const Token& current() const { return tokens_[pos_]; }
  const Token& lookahead(size_t n) const { return tokens_[std::min(pos_ + n, tokens_.size() - 1)]; }
  void advance() {
    if (pos_ + 1 < tokens_.size()) ++pos_;
  }
  bool accept(TokenKind kind) {
    if (current().kind != kind) return false;
    advance();
    return true;
  }
  Status expect(TokenKind kind) { return accept(kind) ? Status::ok() : syntax_error(); }
  bool keyword(std::string_view word) const {
    return current().kind == TokenKind::kName && equals_keyword(current().text, word);
  }

  Status invalid(const std::string& what) const {
    return Status::validation("Invalid " + std::string(expression_name(kind_)) + ": " + what);
  }
  // DynamoDB names the token it stopped at and, "near" it, the source text from the token
  // before through the token after, as written; at the end of the input, the token before
  // alone (docs/research/dynamodb-expressions.md §3, from captures of real DynamoDB).
  Status syntax_error() const {
    const Token& token = current();
    std::string_view near;
    if (token.kind == TokenKind::kEnd) {
      if (pos_ > 0) near = tokens_[pos_ - 1].text;
    } else {
      const size_t begin = pos_ > 0 ? tokens_[pos_ - 1].offset : token.offset;
      const Token& after = tokens_[pos_ + 1];  // tokens_ always ends with kEnd
      const Token& last = after.kind == TokenKind::kEnd ? token : after;
      near = text_.substr(begin, last.offset + last.text.size() - begin);
    }
    return invalid("Syntax error; token: \"" + std::string(token.text) + "\", near: \"" +
                   std::string(near) + "\"");
  }
  // Nesting past kMaxNesting cannot be valid: without redundant parentheses every level of
  // a condition needs an operator, and 300 is the most. Report what DynamoDB reports for such
  // input (redundant parentheses, or too many operators) instead of recursing on.
  Status too_deep() const {
    if (has_redundant_parentheses()) return invalid("The expression has redundant parentheses;");
    return invalid("The expression contains too many operators; operator count: " +
                   std::to_string(kMaxOperators + 1));
  }

  Result<Condition> and_expression(int depth) {
    EDDY_ASSIGN_OR_RETURN(Condition lhs, not_expression(depth));
    while (keyword("AND")) {
      advance();
      ++operators_;
      EDDY_ASSIGN_OR_RETURN(Condition rhs, not_expression(depth));
      lhs = Condition{And{std::move(lhs), std::move(rhs)}};
    }
    return lhs;
  }

  Result<Condition> not_expression(int depth) {
    if (depth > kMaxNesting) return too_deep();
    if (keyword("NOT")) {
      advance();
      ++operators_;
      EDDY_ASSIGN_OR_RETURN(Condition operand, not_expression(depth + 1));
      return Condition{Not{std::move(operand)}};
    }
    return primary(depth);
  }

  // After the parenthesised group opening at the current token, does a comparison follow?
  // Then the group is an operand, "(a) = :v"; otherwise a condition, "(a = :v)".
  bool group_is_operand() const {
    const size_t close = match_[pos_];
    if (close == kNoMatch) return false;
    const Token& after = tokens_[close + 1];
    return comparator_of(after.kind).has_value() ||
           (after.kind == TokenKind::kName &&
            (equals_keyword(after.text, "BETWEEN") || equals_keyword(after.text, "IN")));
  }

  Result<Condition> primary(int depth) {
    if (current().kind == TokenKind::kLParen && !group_is_operand()) {
      advance();
      EDDY_ASSIGN_OR_RETURN(Condition inner, condition(depth + 1));
      EDDY_RETURN_IF_ERROR(expect(TokenKind::kRParen));
      return inner;
    }
    EDDY_ASSIGN_OR_RETURN(Operand lhs, operand(depth));
    if (auto op = comparator_of(current().kind)) {
      advance();
      ++operators_;
      EDDY_ASSIGN_OR_RETURN(Operand rhs, operand(0));
      return Condition{Comparison{*op, std::move(lhs), std::move(rhs)}};
    }
    if (keyword("BETWEEN")) {
      advance();
      ++operators_;
      EDDY_ASSIGN_OR_RETURN(Operand low, operand(0));
      if (!keyword("AND")) return syntax_error();
      advance();
      EDDY_ASSIGN_OR_RETURN(Operand high, operand(0));
      return Condition{Between{std::move(lhs), std::move(low), std::move(high)}};
    }
    if (keyword("IN")) {
      advance();
      ++operators_;
      EDDY_RETURN_IF_ERROR(expect(TokenKind::kLParen));
      In in{std::move(lhs), {}};
      do {
        EDDY_ASSIGN_OR_RETURN(Operand candidate, operand(0));
        in.candidates.push_back(std::move(candidate));
      } while (accept(TokenKind::kComma));
      EDDY_RETURN_IF_ERROR(expect(TokenKind::kRParen));
      return Condition{std::move(in)};
    }
    // A function standing alone is a condition (attribute_exists(a), ...); which functions
    // may stand alone is the resolver's question.
    if (auto* call = std::get_if<FunctionCall>(&lhs.v)) {
      return Condition{ConditionFunction{std::move(call->name), std::move(call->args)}};
    }
    return syntax_error();
  }

  // path | :value | name(args). `depth` bounds nested function calls.
  Result<Operand> operand(int depth) {
    if (depth > kMaxNesting) return too_deep();
    const Token& token = current();
    if (token.kind == TokenKind::kLParen && kind_ != ExpressionKind::kUpdate) {
      // "(a) = :v", "a BETWEEN (:lo) AND (:hi)": an operand may stand in one pair of
      // parentheses in conditions (never in updates or projections).
      advance();
      EDDY_ASSIGN_OR_RETURN(Operand inner, operand(depth + 1));
      EDDY_RETURN_IF_ERROR(expect(TokenKind::kRParen));
      return inner;
    }
    if (token.kind == TokenKind::kValuePlaceholder) {
      advance();
      return Operand{ValueRef{std::string(token.text)}};
    }
    if (token.kind == TokenKind::kName && lookahead(1).kind == TokenKind::kLParen) {
      FunctionCall call{std::string(token.text), {}};
      advance();
      advance();
      do {
        EDDY_ASSIGN_OR_RETURN(Operand arg, operand(depth + 1));
        call.args.push_back(std::move(arg));
      } while (accept(TokenKind::kComma));
      EDDY_RETURN_IF_ERROR(expect(TokenKind::kRParen));
      return Operand{std::move(call)};
    }
    EDDY_ASSIGN_OR_RETURN(Path path, this->path());
    return Operand{std::move(path)};
  }

  Result<Operand> set_value() {
    EDDY_ASSIGN_OR_RETURN(Operand lhs, operand(0));
    if (current().kind == TokenKind::kPlus || current().kind == TokenKind::kMinus) {
      const char op = current().kind == TokenKind::kPlus ? '+' : '-';
      advance();
      EDDY_ASSIGN_OR_RETURN(Operand rhs, operand(0));
      return Operand{Arithmetic{op, std::move(lhs), std::move(rhs)}};
    }
    return lhs;
  }

  Result<Path> path() {
    Path path;
    auto element = [&]() -> Status {
      const Token& token = current();
      if (token.kind != TokenKind::kNamePlaceholder &&
          (token.kind != TokenKind::kName || is_grammar_keyword(token.text))) {
        return syntax_error();
      }
      path.elements.push_back({std::string(token.text), -1});
      advance();
      return Status::ok();
    };
    EDDY_RETURN_IF_ERROR(element());
    for (;;) {
      if (accept(TokenKind::kDot)) {
        EDDY_RETURN_IF_ERROR(element());
      } else if (accept(TokenKind::kLBracket)) {
        const Token& token = current();
        int64_t index = 0;
        if (token.kind != TokenKind::kNumber) return syntax_error();
        auto [end, error] =
            std::from_chars(token.text.data(), token.text.data() + token.text.size(), index);
        if (error != std::errc() || end != token.text.data() + token.text.size()) {
          return invalid("List index is too large; index: " + std::string(token.text));
        }
        advance();
        EDDY_RETURN_IF_ERROR(expect(TokenKind::kRBracket));
        path.elements.push_back({std::string(), index});
      } else {
        deepest_path_ = std::max(deepest_path_, path.elements.size());
        return path;
      }
    }
  }

  std::string_view text_;
  ExpressionKind kind_;
  std::vector<Token> tokens_;
  std::vector<size_t> match_;  // index of the matching parenthesis, or kNoMatch
  size_t pos_ = 0;
  int operators_ = 0;        // comparators, BETWEEN, IN, AND, OR, NOT
  size_t deepest_path_ = 0;  // elements of the longest document path
};

}  // namespace

Result<Condition> parse_condition(std::string_view text, ExpressionKind kind) {
  Parser parser(text, kind);
  EDDY_RETURN_IF_ERROR(parser.check_text());
  EDDY_ASSIGN_OR_RETURN(Condition condition, parser.condition(0));
  EDDY_RETURN_IF_ERROR(parser.expect_end());
  EDDY_RETURN_IF_ERROR(parser.check_whole());
  return condition;
}

Result<Update> parse_update(std::string_view text) {
  Parser parser(text, ExpressionKind::kUpdate);
  EDDY_RETURN_IF_ERROR(parser.check_text());
  EDDY_ASSIGN_OR_RETURN(Update update, parser.update());
  EDDY_RETURN_IF_ERROR(parser.check_whole());
  return update;
}

Result<Projection> parse_projection(std::string_view text) {
  Parser parser(text, ExpressionKind::kProjection);
  EDDY_RETURN_IF_ERROR(parser.check_text());
  EDDY_ASSIGN_OR_RETURN(Projection projection, parser.projection());
  EDDY_RETURN_IF_ERROR(parser.expect_end());
  EDDY_RETURN_IF_ERROR(parser.check_whole());
  return projection;
}

}  // namespace eddy::expr
