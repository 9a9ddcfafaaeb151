// Properties of the parsers that golden files cannot show: hostile input is rejected with an
// error, never a crash or a stack overflow.
#include "expr/parser.h"

#include <gtest/gtest.h>

#include <random>

#include "expr/printer.h"

namespace eddy::expr {
namespace {

TEST(Parser, DeepNestingIsAnErrorNotAStackOverflow) {
  for (int depth : {kMaxNesting + 1, 2000}) {
    const std::string parens = std::string(depth, '(') + "a = :v" + std::string(depth, ')');
    auto result = parse_condition(parens, ExpressionKind::kCondition);
    ASSERT_FALSE(result.is_ok());
    EXPECT_EQ(result.status().code(), Code::kValidation);
    std::string nots;
    for (int i = 0; i < depth; ++i)
      nots += "NOT ";
    EXPECT_FALSE(parse_condition(nots + "a = :v", ExpressionKind::kCondition).is_ok());
    std::string calls = "SET a = ";
    for (int i = 0; i < depth; ++i)
      calls += "if_not_exists(a, ";
    calls += ":v" + std::string(depth, ')');
    EXPECT_FALSE(parse_update(calls).is_ok());
  }
  // Within the limits, nesting is fine: 100 levels, each with its own operator.
  std::string ok = "a = :v";
  for (int i = 0; i < 100; ++i)
    ok = "(a = :v AND " + ok + ")";
  EXPECT_TRUE(parse_condition(ok, ExpressionKind::kCondition).is_ok());
  // Directly nested pairs are DynamoDB's "redundant parentheses", at any depth.
  auto redundant = parse_condition("((a = :v))", ExpressionKind::kCondition);
  EXPECT_EQ(redundant.status().message(),
            "Invalid ConditionExpression: The expression has redundant parentheses;");
}

TEST(Parser, ExpressionsOver4KBAreRejected) {
  std::string long_expression = "a = :v";
  while (long_expression.size() <= kMaxExpressionBytes)
    long_expression += " OR a = :v";
  auto result = parse_condition(long_expression, ExpressionKind::kFilter);
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(
      result.status().message().rfind("Invalid FilterExpression: Expression size has exceeded", 0),
      0u)
      << result.status().message();
}

TEST(Parser, RandomInputNeverCrashesAndParsedTreesPrint) {
  static const char* kPieces[] = {"a",
                                  "#n",
                                  ":v",
                                  "(",
                                  ")",
                                  "[",
                                  "]",
                                  "0",
                                  ",",
                                  ".",
                                  "=",
                                  "<>",
                                  "<",
                                  "<=",
                                  ">",
                                  ">=",
                                  "+",
                                  "-",
                                  "AND",
                                  "OR",
                                  "NOT",
                                  "BETWEEN",
                                  "IN",
                                  "SET",
                                  "REMOVE",
                                  "ADD",
                                  "DELETE",
                                  "size",
                                  "attribute_exists",
                                  "if_not_exists",
                                  " ",
                                  "\xC3\xA9"};
  std::mt19937 rng(42);
  std::uniform_int_distribution<size_t> piece(0, std::size(kPieces) - 1), length(0, 25);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (size_t n = length(rng); n > 0; --n) {
      text += kPieces[piece(rng)];
      text += ' ';
    }
    auto condition = parse_condition(text, ExpressionKind::kCondition);
    auto update = parse_update(text);
    auto projection = parse_projection(text);
    for (const Status* s : {&condition.status(), &update.status(), &projection.status()}) {
      EXPECT_TRUE(s->is_ok() || s->code() == Code::kValidation) << text;
    }
    if (condition) {
      ++parsed;
      EXPECT_FALSE(to_string(*condition).empty());
    }
  }
  EXPECT_GT(parsed, 0);  // the generator does reach valid expressions
}

}  // namespace
}  // namespace eddy::expr
