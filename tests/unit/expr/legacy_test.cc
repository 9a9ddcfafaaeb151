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
