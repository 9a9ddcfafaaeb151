// The in-process DynamoDB client: what a built-in function uses to reach tables.
#include "api/dynamodb/in_process_client.h"
#include "unit/support/in_memory_engine.h"

#include <gtest/gtest.h>

#include "storage/engine.h"

namespace eddy::api::dynamodb {
namespace {

TEST(InProcessClient, CallsOperationsAndReportsErrorsAsDynamoDbDoes) {
  auto engine = testing::in_memory_engine();
  Context context(*engine, {});
  InProcessClient db(context);

  auto created = db.call(
      "CreateTable",
      R"({"TableName":"notes","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"})");
  ASSERT_TRUE(std::holds_alternative<std::string>(created));
  auto put = db.call("PutItem",
                     R"({"TableName":"notes","Item":{"id":{"S":"n1"},"wordCount":{"N":"10"}}})");
  ASSERT_TRUE(std::holds_alternative<std::string>(put));
  auto got = db.call("GetItem", R"({"TableName":"notes","Key":{"id":{"S":"n1"}}})");
  ASSERT_TRUE(std::holds_alternative<std::string>(got));
  EXPECT_EQ(std::get<std::string>(got), R"({"Item":{"id":{"S":"n1"},"wordCount":{"N":"10"}}})");

  auto conditional = db.call(
      "UpdateItem",
      R"({"TableName":"notes","Key":{"id":{"S":"n1"}},"UpdateExpression":"SET wordCount = :n","ConditionExpression":"wordCount <> :n","ExpressionAttributeValues":{":n":{"N":"10"}}})");
  ASSERT_TRUE(std::holds_alternative<client::Error>(conditional));
  EXPECT_EQ(std::get<client::Error>(conditional).name(), "ConditionalCheckFailedException");

  auto missing = db.call("GetItem", R"({"TableName":"nope","Key":{"id":{"S":"n1"}}})");
  ASSERT_TRUE(std::holds_alternative<client::Error>(missing));
  EXPECT_EQ(std::get<client::Error>(missing).name(), "ResourceNotFoundException");
  EXPECT_EQ(std::get<client::Error>(missing).http_status, 400);
}

}  // namespace
}  // namespace eddy::api::dynamodb
