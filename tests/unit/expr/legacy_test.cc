#include "expr/legacy.h"

#include <gtest/gtest.h>

#include "expr/evaluator.h"
#include "expr/printer.h"
#include "model/json_codec.h"

namespace eddy::expr {
namespace {

using model::AttributeValue;
using model::Item;
using Action = AttributeUpdate::Action;

AttributeValue N(int64_t n) {
  return AttributeValue(model::Number::from_int64(n));
}

// The seed's word-count handler: AttributeUpdates: {wordCount: {Value: 10}} (Action PUT by
// default), applied like SET wordCount = :v.
TEST(Legacy, AttributeUpdatesOfTheSeedHandler) {
  auto update = lower_attribute_updates({{"wordCount", Action::kPut, N(10)}});
  ASSERT_TRUE(update.is_ok());
  EXPECT_EQ(to_string(*update), R"((update (set wordCount {"N":"10"})))");
  const Item note{{"id", AttributeValue("n1")}, {"content", AttributeValue("Lorem ipsum")}};
  auto applied = apply_update(*update, &note, Item{{"id", AttributeValue("n1")}});
  ASSERT_TRUE(applied.is_ok());
  EXPECT_EQ(applied->item.at("wordCount"), N(10));
  EXPECT_EQ(applied->item.at("content"), AttributeValue("Lorem ipsum"));
}

TEST(Legacy, EveryActionLowersToItsExpression) {
  auto update = lower_attribute_updates({
      {"a", Action::kPut, AttributeValue("x")},
      {"n", Action::kAdd, N(1)},
      {"s", Action::kAdd, AttributeValue::string_set({"y"})},
      {"t", Action::kDelete, AttributeValue::string_set({"z"})},
      {"gone", Action::kDelete, std::nullopt},
  });
  ASSERT_TRUE(update.is_ok());
  EXPECT_EQ(to_string(*update),
            R"((update (set a {"S":"x"}) (remove gone) (add n {"N":"1"}) (add s {"SS":["y"]}) )"
            R"((delete t {"SS":["z"]})))");
}

TEST(Legacy, AttributeUpdatesErrors) {
  struct Case {
    AttributeUpdate update;
    const char* message;
  };
  const Case cases[] = {
      {{"a", Action::kPut, std::nullopt},
       "One or more parameter values were invalid: Only DELETE action is allowed when no "
       "attribute value is specified"},
      {{"a", Action::kAdd, std::nullopt},
       "One or more parameter values were invalid: Only DELETE action is allowed when no "
       "attribute value is specified"},
      {{"a", Action::kDelete, N(1)},
       "One or more parameter values were invalid: DELETE action with value is not supported "
       "for the type N"},
      {{"a", Action::kDelete, AttributeValue(model::List{})},
       "One or more parameter values were invalid: DELETE action with value is not supported "
       "for the type L"},
      {{"a", Action::kAdd, AttributeValue("s")},
       "One or more parameter values were invalid: ADD action is not supported for the type S"},
  };
  for (const auto& c : cases) {
    auto update = lower_attribute_updates({c.update});
    ASSERT_FALSE(update.is_ok());
    EXPECT_EQ(update.status().message(), c.message);
  }
}

TEST(Legacy, AttributesToGetAreTopLevelNamesTakenLiterally) {
  const Projection p = lower_attributes_to_get({"a", "b.c", "name"});
  const Item item{{"a", N(1)},
                  {"b.c", N(2)},
                  {"b", AttributeValue(model::Map{{"c", N(3)}})},
                  {"name", N(4)},
                  {"other", N(5)}};
  EXPECT_EQ(project(p, item), (Item{{"a", N(1)}, {"b.c", N(2)}, {"name", N(4)}}));
}

TEST(Legacy, MixingIsRejectedWithDynamoDbsMessage) {
  EXPECT_TRUE(check_not_mixed({"AttributeUpdates"}, {}).is_ok());
  EXPECT_TRUE(check_not_mixed({}, {"UpdateExpression"}).is_ok());
  EXPECT_EQ(
      check_not_mixed({"AttributeUpdates", "Expected"}, {"UpdateExpression", "ConditionExpression"})
          .message(),
      "Can not use both expression and non-expression parameters in the same request: "
      "Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: "
      "{UpdateExpression, ConditionExpression}");
}

}  // namespace
}  // namespace eddy::expr

namespace eddy::expr {
namespace {

using model::AttributeValue;
using model::Item;
using Kind = LegacyConditionKind;

AttributeValue Num(int64_t n) {
  return AttributeValue(model::Number::from_int64(n));
}

LegacyCondition op(std::string attribute, std::string comparison,
                   std::vector<AttributeValue> values = {}) {
  LegacyCondition c;
  c.attribute = std::move(attribute);
  c.comparison_operator = std::move(comparison);
  c.values = std::move(values);
  return c;
}

std::string lowered(const std::vector<LegacyCondition>& conditions, Kind kind,
                    std::optional<std::string> conditional_operator = std::nullopt) {
  auto result = lower_conditions(conditions, conditional_operator, kind);
  if (!result) return "error: " + result.status().message();
  return *result ? to_string(**result) : "none";
}

// Research: docs/research/dynamodb-legacy-conditions.md (sources and confidence there).
TEST(LegacyConditions, OperatorsLowerToExpressions) {
  EXPECT_EQ(lowered({op("a", "EQ", {AttributeValue("x")})}, Kind::kScanFilter),
            R"((= a {"S":"x"}))");
  EXPECT_EQ(lowered({op("a", "NOT_NULL")}, Kind::kScanFilter), "(attribute_exists a)");
  EXPECT_EQ(lowered({op("a", "NULL")}, Kind::kQueryFilter), "(attribute_not_exists a)");
  EXPECT_EQ(lowered({op("a", "BETWEEN", {Num(1), Num(5)})}, Kind::kScanFilter),
            R"((between a {"N":"1"} {"N":"5"}))");
  EXPECT_EQ(lowered({op("a", "IN", {Num(1), Num(2)})}, Kind::kScanFilter),
            R"((in a {"N":"1"} {"N":"2"}))");
  EXPECT_EQ(lowered({op("a", "GT", {Num(1)}), op("b", "BEGINS_WITH", {AttributeValue("p")})},
                    Kind::kScanFilter, "OR"),
            R"((or (> a {"N":"1"}) (begins_with b {"S":"p"})))");
  EXPECT_EQ(lowered({}, Kind::kScanFilter), "none");
}

TEST(LegacyConditions, MissingAttributesFollowDynamoDb) {
  auto ne = *lower_conditions({op("a", "NE", {Num(1)})}, std::nullopt, Kind::kScanFilter);
  auto not_contains = *lower_conditions({op("s", "NOT_CONTAINS", {AttributeValue("x")})},
                                        std::nullopt, Kind::kScanFilter);
  const Item empty;
  const Item with{{"s", AttributeValue::string_set({"y"})}};
  EXPECT_TRUE(evaluate(*ne, &empty));             // NE: true on a missing attribute
  EXPECT_FALSE(evaluate(*not_contains, &empty));  // NOT_CONTAINS: false on a missing one
  EXPECT_TRUE(evaluate(*not_contains, &with));
}

TEST(LegacyConditions, ComparisonOperatorErrors) {
  const std::string p = "error: One or more parameter values were invalid: ";
  EXPECT_EQ(lowered({op("a", "EQ")}, Kind::kScanFilter),
            p + "Invalid number of argument(s) for the EQ ComparisonOperator");
  EXPECT_EQ(lowered({op("a", "NULL", {Num(1)})}, Kind::kScanFilter),
            p + "Invalid number of argument(s) for the NULL ComparisonOperator");
  EXPECT_EQ(lowered({op("a", "BETWEEN", {Num(1)})}, Kind::kScanFilter),
            p + "Invalid number of argument(s) for the BETWEEN ComparisonOperator");
  EXPECT_EQ(lowered({op("a", "LT", {AttributeValue::string_set({"x"})})}, Kind::kScanFilter),
            p + "ComparisonOperator LT is not valid for SS AttributeValue type");
  EXPECT_EQ(lowered({op("a", "CONTAINS", {AttributeValue(model::List{})})}, Kind::kScanFilter),
            p + "ComparisonOperator CONTAINS is not valid for L AttributeValue type");
  EXPECT_EQ(lowered({op("a", "BEGINS_WITH", {Num(1)})}, Kind::kScanFilter),
            p + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type");
  EXPECT_EQ(lowered({op("a", "IN", {AttributeValue("x"), Num(1)})}, Kind::kScanFilter),
            p + "AttributeValues inside AttributeValueList must be of same type");
  EXPECT_EQ(lowered({op("a", "BETWEEN", {Num(5), Num(1)})}, Kind::kScanFilter),
            "error: The BETWEEN condition was provided a range where the lower bound is greater "
            "than the upper bound");
}

TEST(LegacyConditions, ExpectedForms) {
  const std::string p = "error: One or more parameter values were invalid: ";
  LegacyCondition value{"a", std::nullopt, {}, AttributeValue("x"), std::nullopt};
  EXPECT_EQ(lowered({value}, Kind::kExpected), R"((= a {"S":"x"}))");
  LegacyCondition not_exists{"a", std::nullopt, {}, std::nullopt, false};
  EXPECT_EQ(lowered({not_exists}, Kind::kExpected), "(attribute_not_exists a)");
  LegacyCondition value_as_list{"a", "BEGINS_WITH", {}, AttributeValue("x"), std::nullopt};
  EXPECT_EQ(lowered({value_as_list}, Kind::kExpected), R"((begins_with a {"S":"x"}))");

  EXPECT_EQ(lowered({LegacyCondition{"a", std::nullopt, {}, std::nullopt, std::nullopt}},
                    Kind::kExpected),
            p + "Value must be provided when Exists is null for Attribute: a");
  EXPECT_EQ(lowered({LegacyCondition{"a", std::nullopt, {}, std::nullopt, true}}, Kind::kExpected),
            p + "Value must be provided when Exists is true for Attribute: a");
  EXPECT_EQ(lowered({LegacyCondition{"a", std::nullopt, {}, AttributeValue("x"), false}},
                    Kind::kExpected),
            p + "Value cannot be used when Exists is false for Attribute: a");
  EXPECT_EQ(lowered({LegacyCondition{"a", "EQ", {}, AttributeValue("x"), true}}, Kind::kExpected),
            p + "Exists and ComparisonOperator cannot be used together for Attribute: a");
  EXPECT_EQ(lowered({LegacyCondition{"a", "EQ", {Num(1)}, AttributeValue("x"), std::nullopt}},
                    Kind::kExpected),
            p + "Value and AttributeValueList cannot be used together for Attribute: a");
  EXPECT_EQ(lowered({LegacyCondition{"a", std::nullopt, {Num(1)}, std::nullopt, std::nullopt}},
                    Kind::kExpected),
            p + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a");
  EXPECT_EQ(lowered({LegacyCondition{"a", "LT", {}, std::nullopt, std::nullopt}}, Kind::kExpected),
            p + "Value or AttributeValueList must be used with ComparisonOperator: LT for "
                "Attribute: a");
  EXPECT_EQ(lowered({LegacyCondition{"a", "BETWEEN", {}, AttributeValue("x"), std::nullopt}},
                    Kind::kExpected),
            p + "Invalid number of argument(s) for the BETWEEN ComparisonOperator");
}

TEST(LegacyConditions, ConditionalOperatorNeedsTwoOrMore) {
  EXPECT_EQ(lowered({}, Kind::kScanFilter, "AND"),
            "error: ConditionalOperator cannot be used without Filter or Expected");
  EXPECT_EQ(lowered({op("a", "NOT_NULL")}, Kind::kExpected, "OR"),
            "error: ConditionalOperator can only be used when Filter or Expected has two or more "
            "elements");
  EXPECT_EQ(lowered({op("a", "NOT_NULL"), op("b", "NULL")}, Kind::kExpected),
            "(and (attribute_exists a) (attribute_not_exists b))");
}

}  // namespace
}  // namespace eddy::expr

namespace eddy::expr {
namespace {

TEST(LegacyKeyConditions, LowerToTheKeyRangeWithDynamoDbsErrors) {
  model::KeySchema schema;
  schema.partition = {"pk", model::KeyType::S};
  schema.sort = model::KeyAttribute{"sk", model::KeyType::N};
  auto key = [](std::string a, std::string o, std::vector<model::AttributeValue> v) {
    return LegacyCondition{std::move(a), std::move(o), std::move(v), std::nullopt, std::nullopt};
  };
  const model::AttributeValue p("p"), one(model::Number::from_int64(1)),
      nine(model::Number::from_int64(9));
  auto range =
      lower_key_conditions({key("pk", "EQ", {p}), key("sk", "BETWEEN", {one, nine})}, schema);
  ASSERT_TRUE(range.is_ok()) << range.status().message();
  EXPECT_EQ(range->partition, p);
  ASSERT_TRUE(range->sort.has_value());
  EXPECT_EQ(range->sort->op, model::SortKeyCondition::Op::kBetween);
  EXPECT_EQ(range->sort->upper, nine);

  EXPECT_EQ(lower_key_conditions({}, schema).status().message(),
            "Conditions can be of length 1 or 2 only");
  EXPECT_EQ(lower_key_conditions({key("pk", "NE", {p})}, schema).status().message(),
            "Attempted conditional constraint is not an indexable operation");
  EXPECT_EQ(lower_key_conditions({key("pk", "GT", {p})}, schema).status().message(),
            "Query key condition not supported");
  EXPECT_EQ(lower_key_conditions({key("sk", "EQ", {one})}, schema).status().message(),
            "Query condition missed key schema element: pk");
  EXPECT_EQ(lower_key_conditions({key("pk", "EQ", {one})}, schema).status().message(),
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type");
  EXPECT_EQ(lower_key_conditions({key("pk", "EQ", {})}, schema).status().message(),
            "One or more parameter values were invalid: Invalid number of argument(s) for the EQ "
            "ComparisonOperator");
}

}  // namespace
}  // namespace eddy::expr
