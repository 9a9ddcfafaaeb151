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

namespace eddy::expr {
namespace {

// Random trees over a small vocabulary, printed as DynamoDB text, parse back to themselves.
class TreeGenerator {
 public:
  explicit TreeGenerator(uint32_t seed) : rng_(seed) {}

  Path path() {
    Path p;
    p.elements.push_back({pick({"a", "b", "#n", "#m", "Col_1"}), -1});
    for (int n = pick_int(0, 2); n > 0; --n) {
      if (pick_int(0, 1)) {
        p.elements.push_back({"", pick_int(0, 12)});
      } else {
        p.elements.push_back({pick({"x", "#y", "z9"}), -1});
      }
    }
    return p;
  }
  Operand operand(int depth) {
    switch (pick_int(0, depth > 0 ? 3 : 1)) {
      case 0:
        return Operand{path()};
      case 1:
        return Operand{ValueRef{pick({":v", ":w", ":x_1"})}};
      case 2:
        return Operand{FunctionCall{"size", {Operand{path()}}}};
      default:
        return Operand{FunctionCall{"if_not_exists", {Operand{path()}, operand(depth - 1)}}};
    }
  }
  Condition condition(int depth) {
    const int kind = pick_int(0, depth > 0 ? 7 : 3);
    switch (kind) {
      case 0:
        return Condition{
            Comparison{static_cast<Comparator>(pick_int(0, 5)), operand(0), operand(0)}};
      case 1:
        return Condition{Between{operand(0), operand(0), operand(0)}};
      case 2: {
        In in{operand(0), {}};
        for (int n = pick_int(1, 3); n > 0; --n)
          in.candidates.push_back(operand(0));
        return Condition{std::move(in)};
      }
      case 3:
        return Condition{ConditionFunction{"begins_with", {Operand{path()}, operand(0)}}};
      case 4:
        return Condition{Not{condition(depth - 1)}};
      case 5:
        return Condition{And{condition(depth - 1), condition(depth - 1)}};
      default:
        return Condition{Or{condition(depth - 1), condition(depth - 1)}};
    }
  }
  Update update() {
    Update u;
    for (int n = pick_int(0, 2); n > 0; --n) {
      Operand value = operand(1);
      if (pick_int(0, 2) == 0) {
        value = Operand{Arithmetic{pick_int(0, 1) ? '+' : '-', operand(1), operand(1)}};
      }
      u.set.push_back({path(), std::move(value)});
    }
    for (int n = pick_int(0, 2); n > 0; --n)
      u.remove.push_back(path());
    for (int n = pick_int(0, 1); n > 0; --n)
      u.add.push_back({path(), Operand{ValueRef{":v"}}});
    for (int n = pick_int(0, 1); n > 0; --n)
      u.del.push_back({path(), Operand{ValueRef{":w"}}});
    if (u.set.empty() && u.remove.empty() && u.add.empty() && u.del.empty()) {
      u.remove.push_back(path());
    }
    return u;
  }

 private:
  int pick_int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string pick(std::initializer_list<const char*> options) {
    return *(options.begin() + pick_int(0, static_cast<int>(options.size()) - 1));
  }
  std::mt19937 rng_;
};

TEST(Printer, ConditionsRoundTripThroughTheirText) {
  TreeGenerator generate(7);
  for (int i = 0; i < 3000; ++i) {
    const Condition tree = generate.condition(4);
    const std::string text = to_expression(tree);
    auto parsed = parse_condition(text, ExpressionKind::kCondition);
    ASSERT_TRUE(parsed.is_ok()) << text << " -> " << parsed.status().message();
    EXPECT_EQ(*parsed, tree) << text << "\n  " << to_string(*parsed) << "\n  " << to_string(tree);
  }
}

TEST(Printer, UpdatesAndProjectionsRoundTripThroughTheirText) {
  TreeGenerator generate(11);
  for (int i = 0; i < 2000; ++i) {
    const Update tree = generate.update();
    const std::string text = to_expression(tree);
    auto parsed = parse_update(text);
    ASSERT_TRUE(parsed.is_ok()) << text << " -> " << parsed.status().message();
    EXPECT_EQ(*parsed, tree) << text;

    Projection projection{{generate.path(), generate.path()}};
    auto reparsed = parse_projection(to_expression(projection));
    ASSERT_TRUE(reparsed.is_ok()) << to_expression(projection);
    EXPECT_EQ(*reparsed, projection);
  }
}

}  // namespace
}  // namespace eddy::expr

#include "expr/evaluator.h"
#include "expr/resolver.h"

namespace eddy::expr {
namespace {

model::AttributeValue random_value(std::mt19937& rng, int depth) {
  using model::AttributeValue;
  switch (std::uniform_int_distribution<int>(0, depth > 0 ? 8 : 5)(rng)) {
    case 0:
      return AttributeValue(std::string(rng() % 3, 'x'));
    case 1:
      return AttributeValue(model::Number::from_int64(static_cast<int64_t>(rng() % 7) - 3));
    case 2:
      return AttributeValue::binary(std::string(rng() % 3, '\x01'));
    case 3:
      return AttributeValue(rng() % 2 == 0);
    case 4:
      return AttributeValue(model::Null{});
    case 5:
      return AttributeValue::string_set({"x", std::string(rng() % 2, 'y')});
    case 6: {
      model::List list;
      for (int n = rng() % 4; n > 0; --n)
        list.push_back(random_value(rng, depth - 1));
      return AttributeValue(std::move(list));
    }
    default: {
      model::Map map;
      for (const char* key : {"x", "z9", "y"}) {
        if (rng() % 2) map.emplace(key, random_value(rng, depth - 1));
      }
      return AttributeValue(std::move(map));
    }
  }
}

// Evaluation is total: any resolved condition on any item gives true or false, and any
// update gives a new item or an error, never a crash or a sanitizer report.
TEST(Evaluator, NeverCrashesOnRandomItemsAndExpressions) {
  TreeGenerator generate(5);
  std::mt19937 rng(9);
  int evaluated = 0, updated = 0;
  for (int i = 0; i < 3000; ++i) {
    Bindings bindings;
    bindings.names = {{"#n", "a"}, {"#m", "b"}, {"#y", "x"}};
    bindings.values = {
        {":v", random_value(rng, 2)}, {":w", random_value(rng, 2)}, {":x_1", random_value(rng, 1)}};
    model::Item item;
    for (const char* name : {"a", "b", "Col_1"}) {
      if (rng() % 4) item.emplace(name, random_value(rng, 3));
    }
    auto condition = resolve_condition(generate.condition(3), ExpressionKind::kCondition, bindings);
    if (condition) {
      (void)evaluate(*condition, &item);
      (void)evaluate(*condition, nullptr);
      ++evaluated;
    }
    auto update = resolve_update(generate.update(), bindings);
    if (update) {
      auto result = apply_update(*update, &item, model::Item{{"id", model::AttributeValue("k")}});
      if (result) ++updated;
      (void)apply_update(*update, nullptr, model::Item{{"id", model::AttributeValue("k")}});
    }
  }
  // The generator reaches both outcomes often enough to mean something.
  EXPECT_GT(evaluated, 500);
  EXPECT_GT(updated, 100);
}

}  // namespace
}  // namespace eddy::expr

namespace eddy::expr {
namespace {

TEST(Resolver, InTakesAtMost99ListValues) {
  for (int count : {99, 100}) {
    std::string text = "a IN (";
    Bindings bindings;
    for (int i = 0; i < count; ++i) {
      const std::string key = ":v" + std::to_string(i);
      text += (i ? ", " : "") + key;
      bindings.values.emplace(key, model::AttributeValue(model::Number::from_int64(i)));
    }
    text += ")";
    auto parsed = parse_condition(text, ExpressionKind::kCondition);
    ASSERT_TRUE(parsed.is_ok());
    auto resolved = resolve_condition(*parsed, ExpressionKind::kCondition, bindings);
    if (count == 99) {
      EXPECT_TRUE(resolved.is_ok()) << resolved.status().message();
    } else {
      EXPECT_EQ(resolved.status().message(),
                "Invalid ConditionExpression: The IN operator is provided with too many operands; "
                "number of operands: 101");
    }
  }
}

TEST(Parser, TooManyOperatorsIsReportedAs301) {
  std::string text = "a = :v";
  for (int i = 0; i < 400; ++i)
    text += " OR a = :v";
  ASSERT_LE(text.size(), kMaxExpressionBytes);
  auto result = parse_condition(text, ExpressionKind::kCondition);
  EXPECT_EQ(result.status().message(),
            "Invalid ConditionExpression: The expression contains too many operators; operator "
            "count: 301");
  std::string fits = "a = :v";
  for (int i = 0; i < 149; ++i)
    fits += " OR a = :v";  // 299 operators
  EXPECT_TRUE(parse_condition(fits, ExpressionKind::kCondition).is_ok());
}

}  // namespace
}  // namespace eddy::expr
