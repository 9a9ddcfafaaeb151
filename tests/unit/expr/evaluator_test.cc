// What golden files do not show: the key-attribute rule and the attributes an update touched.
#include "expr/evaluator.h"

#include <gtest/gtest.h>

#include "expr/parser.h"
#include "expr/resolver.h"

namespace eddy::expr {
namespace {

using model::AttributeValue;
using model::Item;

Update resolved_update(std::string_view text, Bindings bindings) {
  auto parsed = parse_update(text);
  EXPECT_TRUE(parsed.is_ok()) << parsed.status().message();
  auto resolved = resolve_update(*parsed, bindings);
  EXPECT_TRUE(resolved.is_ok()) << resolved.status().message();
  return *resolved;
}

TEST(Evaluator, KeyAttributesCannotBeUpdated) {
  model::KeySchema schema{{"pk", model::KeyType::S}, model::KeyAttribute{"sk", model::KeyType::N}};
  Bindings b;
  b.values = {{":v", AttributeValue("x")}};
  EXPECT_TRUE(check_key_not_updated(resolved_update("SET a = :v", b), schema).is_ok());
  // Through a #name too: the check runs on the resolved names.
  Bindings named = b;
  named.names = {{"#k", "sk"}};
  EXPECT_EQ(
      check_key_not_updated(resolved_update("SET a = :v REMOVE #k.x", named), schema).message(),
      "One or more parameter values were invalid: Cannot update attribute sk. This "
      "attribute is part of the key");
  EXPECT_EQ(check_key_not_updated(resolved_update("SET pk = :v", b), schema).message(),
            "One or more parameter values were invalid: Cannot update attribute pk. This "
            "attribute is part of the key");
}

TEST(Evaluator, UpdateReportsTheTopLevelAttributesItTouched) {
  Bindings b;
  b.values = {{":v", AttributeValue("x")}, {":n", AttributeValue(model::Number::from_int64(1))}};
  const Update update = resolved_update("SET a.b = :v, c = :v REMOVE d ADD n :n", b);
  const Item item{{"a", AttributeValue(model::Map{})}, {"d", AttributeValue("old")}};
  auto outcome = apply_update(update, &item, Item{});
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().message();
  EXPECT_EQ(outcome->touched, (std::set<std::string>{"a", "c", "d", "n"}));
}

}  // namespace
}  // namespace eddy::expr
