// The DynamoDB operations through api::dynamodb::handle, on an in-memory engine: the request
// and response JSON exactly as a client sends and reads it. (tests/compat/ drives the same
// operations with real clients over HTTP; these run under the sanitizers too.)
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <future>

#include "api/dynamodb/operation.h"
#include "storage/engine.h"
#include "unit/support/in_memory_engine.h"

namespace eddy::api::dynamodb {
namespace {

struct Answer {
  bool ok = false;
  std::string body;
  std::string error_name;
  rapidjson::Document json;
};

class DynamoDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = testing::in_memory_engine();
    context_ = std::make_unique<Context>(*engine_, Settings{});
  }

  Answer call(std::string_view operation, std::string_view body) {
    std::promise<Outcome> promise;
    handle(std::string("DynamoDB_20120810.") + std::string(operation), std::string(body), *context_,
           [&](Outcome outcome) { promise.set_value(std::move(outcome)); });
    Outcome outcome = promise.get_future().get();
    Answer answer;
    if (auto* text = std::get_if<std::string>(&outcome)) {
      answer.ok = true;
      answer.body = std::move(*text);
    } else {
      const auto& error = std::get<ApiError>(outcome);
      answer.body = error.body();
      answer.error_name = std::string(error.name());
    }
    if (!answer.body.empty()) answer.json.Parse(answer.body.data(), answer.body.size());
    return answer;
  }

  Answer ok(std::string_view operation, std::string_view body) {
    Answer answer = call(operation, body);
    EXPECT_TRUE(answer.ok) << operation << " " << body << " -> " << answer.body;
    return answer;
  }

  std::string error(std::string_view operation, std::string_view body) {
    Answer answer = call(operation, body);
    EXPECT_FALSE(answer.ok) << operation << " " << body << " -> " << answer.body;
    return answer.error_name + ": " + message(answer);
  }

  static std::string message(const Answer& answer) {
    for (const char* key : {"message", "Message"}) {
      if (answer.json.IsObject() && answer.json.HasMember(key)) return answer.json[key].GetString();
    }
    return {};
  }

  void create_notes(bool with_sort = false, bool stream = false) {
    std::string body =
        with_sort
            ? R"({"TableName":"notes","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST")"
            : R"({"TableName":"notes","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST")";
    if (stream)
      body +=
          R"(,"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"})";
    body += "}";
    ok("CreateTable", body);
  }

  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<Context> context_;
};

TEST_F(DynamoDbTest, CreateTableValidatesLikeDynamoDb) {
  EXPECT_EQ(error("CreateTable", R"({"TableName":"abc;"})"),
            "ValidationException: 3 validation errors detected: Value 'abc;' at 'tableName' failed "
            "to satisfy constraint: Member must satisfy regular expression pattern: "
            "[a-zA-Z0-9_.-]+; Value null at 'attributeDefinitions' failed to satisfy constraint: "
            "Member must not be null; Value null at 'keySchema' failed to satisfy constraint: "
            "Member must not be null");
  EXPECT_EQ(error("CreateTable", R"({"TableName":"ab"})"),
            "ValidationException: TableName must be at least 3 characters long and at most 255 "
            "characters long");
  EXPECT_EQ(
      error(
          "CreateTable",
          R"({"TableName":"abc","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}]})"),
      "ValidationException: One or more parameter values were invalid: ReadCapacityUnits and "
      "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
  EXPECT_EQ(
      error(
          "CreateTable",
          R"({"TableName":"abc","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"b","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"})"),
      "ValidationException: One or more parameter values were invalid: Some index key "
      "attributes are not defined in AttributeDefinitions. Keys: [a], AttributeDefinitions: "
      "[b]");
  EXPECT_EQ(engine_->list_tables().size(), 0u);  // nothing was created by a bad request
}

TEST_F(DynamoDbTest, TableLifecycle) {
  auto created = ok(
      "CreateTable",
      R"({"TableName":"notes","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":7},"Tags":[{"Key":"team","Value":"eddy"}]})");
  const auto& description = created.json["TableDescription"];
  EXPECT_STREQ(description["TableStatus"].GetString(), "CREATING");
  EXPECT_STREQ(description["TableArn"].GetString(),
               "arn:aws:dynamodb:us-east-1:000000000000:table/notes");
  EXPECT_EQ(description["ProvisionedThroughput"]["WriteCapacityUnits"].GetInt(), 7);
  EXPECT_EQ(
      error(
          "CreateTable",
          R"({"TableName":"notes","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"})"),
      "ResourceInUseException: Table already exists: notes");

  auto described = ok("DescribeTable", R"({"TableName":"notes"})");
  EXPECT_STREQ(described.json["Table"]["TableStatus"].GetString(), "ACTIVE");
  auto tags = ok("ListTagsOfResource",
                 R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/notes"})");
  EXPECT_EQ(tags.body, R"({"Tags":[{"Key":"team","Value":"eddy"}]})");

  auto updated = ok(
      "UpdateTable",
      R"({"TableName":"notes","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}})");
  EXPECT_TRUE(updated.json["TableDescription"].HasMember("LatestStreamArn"));
  EXPECT_NE(
      error(
          "UpdateTable",
          R"({"TableName":"notes","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}})")
          .find("already has an enabled stream"),
      std::string::npos);

  for (const char* name : {"more1", "more2"}) {
    ok("CreateTable",
       std::string(R"({"TableName":")") + name +
           R"(","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"})");
  }
  EXPECT_EQ(ok("ListTables", R"({"Limit":2})").body,
            R"({"TableNames":["more1","more2"],"LastEvaluatedTableName":"more2"})");
  EXPECT_EQ(ok("ListTables", R"({"ExclusiveStartTableName":"more2"})").body,
            R"({"TableNames":["notes"]})");

  auto deleted = ok("DeleteTable", R"({"TableName":"notes"})");
  EXPECT_STREQ(deleted.json["TableDescription"]["TableStatus"].GetString(), "DELETING");
  EXPECT_EQ(error("DescribeTable", R"({"TableName":"notes"})"),
            "ResourceNotFoundException: Requested resource not found: Table: notes not found");
}

TEST_F(DynamoDbTest, PutGetDeleteWithReturnValuesAndConditions) {
  create_notes();
  EXPECT_EQ(ok("PutItem", R"({"TableName":"notes","Item":{"pk":{"S":"a"},"n":{"N":"1"}}})").body,
            "{}");
  EXPECT_EQ(
      ok("PutItem",
         R"({"TableName":"notes","Item":{"pk":{"S":"a"},"n":{"N":"2"}},"ReturnValues":"ALL_OLD"})")
          .body,
      R"({"Attributes":{"n":{"N":"1"},"pk":{"S":"a"}}})");
  EXPECT_EQ(
      error("PutItem", R"({"TableName":"notes","Item":{"pk":{"S":"a"}},"ReturnValues":"ALL_NEW"})"),
      "ValidationException: ReturnValues can only be ALL_OLD or NONE");

  auto failed = call(
      "PutItem",
      R"J({"TableName":"notes","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"})J");
  ASSERT_FALSE(failed.ok);
  EXPECT_EQ(
      failed.body,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed","Item":{"n":{"N":"2"},"pk":{"S":"a"}}})");

  EXPECT_EQ(
      ok("GetItem", R"({"TableName":"notes","Key":{"pk":{"S":"a"}},"ProjectionExpression":"n"})")
          .body,
      R"({"Item":{"n":{"N":"2"}}})");
  EXPECT_EQ(ok("GetItem", R"({"TableName":"notes","Key":{"pk":{"S":"zz"}}})").body, "{}");
  EXPECT_EQ(error("GetItem", R"({"TableName":"notes","Key":{"pk":{"N":"1"}}})"),
            "ValidationException: The provided key element does not match the schema");
  EXPECT_EQ(error("GetItem", R"({"TableName":"nothere","Key":{"pk":{"S":"a"}}})"),
            "ResourceNotFoundException: Requested resource not found");

  EXPECT_EQ(
      ok("DeleteItem",
         R"({"TableName":"notes","Key":{"pk":{"S":"a"}},"ConditionExpression":"n = :two","ExpressionAttributeValues":{":two":{"N":"2"}},"ReturnValues":"ALL_OLD","ReturnConsumedCapacity":"TOTAL"})")
          .body,
      R"({"Attributes":{"n":{"N":"2"},"pk":{"S":"a"}},"ConsumedCapacity":{"TableName":"notes","CapacityUnits":1.0}})");
  EXPECT_EQ(
      ok("GetItem",
         R"({"TableName":"notes","Key":{"pk":{"S":"a"}},"ConsistentRead":true,"ReturnConsumedCapacity":"TOTAL"})")
          .body,
      R"({"ConsumedCapacity":{"TableName":"notes","CapacityUnits":1.0}})");
}

TEST_F(DynamoDbTest, UpdateItemReturnsUpdatedPathsNested) {
  create_notes();
  ok("PutItem",
     R"({"TableName":"notes","Item":{"pk":{"S":"u"},"a":{"M":{"b":{"S":"dog"},"c":{"L":[{"N":"1"},{"N":"2"}]}}},"keep":{"S":"x"}}})");
  EXPECT_EQ(
      ok("UpdateItem",
         R"({"TableName":"notes","Key":{"pk":{"S":"u"}},"UpdateExpression":"SET a.b = :v, #n = if_not_exists(#n, :zero) + :one","ExpressionAttributeNames":{"#n":"count"},"ExpressionAttributeValues":{":v":{"S":"cat"},":zero":{"N":"0"},":one":{"N":"1"}},"ReturnValues":"UPDATED_OLD"})")
          .body,
      R"({"Attributes":{"a":{"M":{"b":{"S":"dog"}}}}})");
  EXPECT_EQ(
      ok("UpdateItem",
         R"({"TableName":"notes","Key":{"pk":{"S":"u"}},"UpdateExpression":"ADD #n :one REMOVE keep","ExpressionAttributeNames":{"#n":"count"},"ExpressionAttributeValues":{":one":{"N":"1"}},"ReturnValues":"UPDATED_NEW"})")
          .body,
      R"({"Attributes":{"count":{"N":"2"}}})");
  EXPECT_EQ(
      ok("UpdateItem",
         R"({"TableName":"notes","Key":{"pk":{"S":"new"}},"AttributeUpdates":{"tags":{"Action":"ADD","Value":{"SS":["x"]}}},"ReturnValues":"ALL_NEW"})")
          .body,
      R"({"Attributes":{"pk":{"S":"new"},"tags":{"SS":["x"]}}})");
  EXPECT_EQ(
      error(
          "UpdateItem",
          R"({"TableName":"notes","Key":{"pk":{"S":"u"}},"UpdateExpression":"SET pk = :v","ExpressionAttributeValues":{":v":{"S":"z"}}})"),
      "ValidationException: One or more parameter values were invalid: Cannot update "
      "attribute pk. This attribute is part of the key");
  EXPECT_EQ(
      error(
          "UpdateItem",
          R"({"TableName":"notes","Key":{"pk":{"S":"u"}},"UpdateExpression":"SET x = :v","ExpressionAttributeValues":{":v":{"S":"z"},":unused":{"S":"z"}}})"),
      "ValidationException: Value provided in ExpressionAttributeValues unused in "
      "expressions: keys: {:unused}");
}

TEST_F(DynamoDbTest, QueryPagesWithLimitAndDirection) {
  create_notes(/*with_sort=*/true);
  for (int i = 1; i <= 5; ++i) {
    ok("PutItem", R"({"TableName":"notes","Item":{"pk":{"S":"p"},"sk":{"N":")" + std::to_string(i) +
                      R"("},"odd":{"BOOL":)" + (i % 2 ? "true" : "false") + "}}}");
  }
  ok("PutItem", R"({"TableName":"notes","Item":{"pk":{"S":"other"},"sk":{"N":"1"}}})");
  auto first = ok(
      "Query",
      R"({"TableName":"notes","KeyConditionExpression":"pk = :p AND sk > :one","ExpressionAttributeValues":{":p":{"S":"p"},":one":{"N":"1"}},"Limit":2,"ScanIndexForward":false})");
  EXPECT_EQ(
      first.body,
      R"({"Items":[{"odd":{"BOOL":true},"pk":{"S":"p"},"sk":{"N":"5"}},{"odd":{"BOOL":false},"pk":{"S":"p"},"sk":{"N":"4"}}],"Count":2,"ScannedCount":2,"LastEvaluatedKey":{"pk":{"S":"p"},"sk":{"N":"4"}}})");
  auto rest = ok(
      "Query",
      R"({"TableName":"notes","KeyConditionExpression":"pk = :p AND sk > :one","ScanIndexForward":false,"ExclusiveStartKey":{"pk":{"S":"p"},"sk":{"N":"4"}},"FilterExpression":"odd = :t","ExpressionAttributeValues":{":p":{"S":"p"},":one":{"N":"1"},":t":{"BOOL":true}},"Select":"COUNT"})");
  EXPECT_EQ(rest.body, R"({"Count":1,"ScannedCount":2})");
  EXPECT_EQ(
      error(
          "Query",
          R"({"TableName":"notes","KeyConditionExpression":"pk = :p","FilterExpression":"odd = :t OR size(sk) > :one","ExpressionAttributeValues":{":p":{"S":"p"},":t":{"BOOL":true},":one":{"N":"1"}}})"),
      "ValidationException: Filter Expression can only contain non-primary key attributes: "
      "Primary key attribute: sk");
  EXPECT_EQ(error("Query", R"({"TableName":"notes"})"),
            "ValidationException: Either the KeyConditions or KeyConditionExpression parameter "
            "must be specified in the request.");
  EXPECT_EQ(
      error(
          "Query",
          R"({"TableName":"notes","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}},"Select":"COUNT","ProjectionExpression":"sk"})"),
      "ValidationException: 1 validation error detected: Cannot specify the "
      "ProjectionExpression when choosing to get only the Count");
  EXPECT_EQ(error("Scan", R"({"TableName":"notes","Segment":1})"),
            "ValidationException: The TotalSegments parameter is required but was not present in "
            "the request when Segment parameter is present");
  // Two segments cover every item once.
  auto s0 = ok("Scan", R"({"TableName":"notes","Segment":0,"TotalSegments":2,"Select":"COUNT"})");
  auto s1 = ok("Scan", R"({"TableName":"notes","Segment":1,"TotalSegments":2,"Select":"COUNT"})");
  EXPECT_EQ(s0.json["Count"].GetInt() + s1.json["Count"].GetInt(), 6);
}

TEST_F(DynamoDbTest, BatchLimitsAndDuplicates) {
  create_notes();
  std::string puts;
  for (int i = 0; i < 26; ++i) {
    if (i) puts += ",";
    puts += R"({"PutRequest":{"Item":{"pk":{"S":"k)" + std::to_string(i) + R"("}}}})";
  }
  EXPECT_NE(error("BatchWriteItem", R"({"RequestItems":{"notes":[)" + puts + "]}}").find("25"),
            std::string::npos);
  EXPECT_EQ(
      error(
          "BatchWriteItem",
          R"({"RequestItems":{"notes":[{"PutRequest":{"Item":{"pk":{"S":"d"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"d"}}}}]}})"),
      "ValidationException: Provided list of item keys contains duplicates");
  EXPECT_EQ(engine_->metrics().committed_units, 0u);  // nothing written by refused batches

  EXPECT_EQ(
      ok("BatchWriteItem",
         R"({"RequestItems":{"notes":[{"PutRequest":{"Item":{"pk":{"S":"a"},"v":{"N":"1"}}}},{"PutRequest":{"Item":{"pk":{"S":"b"}}}}]},"ReturnConsumedCapacity":"TOTAL"})")
          .body,
      R"({"UnprocessedItems":{},"ConsumedCapacity":[{"TableName":"notes","CapacityUnits":2.0}]})");
  EXPECT_EQ(
      ok("BatchGetItem",
         R"({"RequestItems":{"notes":{"Keys":[{"pk":{"S":"a"}},{"pk":{"S":"missing"}}],"ProjectionExpression":"v"}}})")
          .body,
      R"({"Responses":{"notes":[{"v":{"N":"1"}}]},"UnprocessedKeys":{}})");
}

TEST_F(DynamoDbTest, TransactionsAreAllOrNothingWithReasons) {
  create_notes(/*with_sort=*/false, /*stream=*/true);
  ok("PutItem", R"({"TableName":"notes","Item":{"pk":{"S":"guard"},"open":{"BOOL":false}}})");
  const uint64_t records_before = engine_->metrics().stream_records;
  auto cancelled = call(
      "TransactWriteItems",
      R"({"TransactItems":[{"Put":{"TableName":"notes","Item":{"pk":{"S":"t1"}}}},{"ConditionCheck":{"TableName":"notes","Key":{"pk":{"S":"guard"}},"ConditionExpression":"#o = :t","ExpressionAttributeNames":{"#o":"open"},"ExpressionAttributeValues":{":t":{"BOOL":true}},"ReturnValuesOnConditionCheckFailure":"ALL_OLD"}}]})");
  ASSERT_FALSE(cancelled.ok);
  EXPECT_EQ(
      cancelled.body,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]","CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed","Item":{"open":{"BOOL":false},"pk":{"S":"guard"}}}]})");
  EXPECT_EQ(ok("GetItem", R"({"TableName":"notes","Key":{"pk":{"S":"t1"}}})").body, "{}");
  EXPECT_EQ(engine_->metrics().stream_records, records_before);

  const std::string transaction =
      R"({"ClientRequestToken":"token-1","TransactItems":[{"Put":{"TableName":"notes","Item":{"pk":{"S":"t1"}}}},{"Update":{"TableName":"notes","Key":{"pk":{"S":"guard"}},"UpdateExpression":"SET #o = :t","ExpressionAttributeNames":{"#o":"open"},"ExpressionAttributeValues":{":t":{"BOOL":true}}}}]})";
  ok("TransactWriteItems", transaction);
  EXPECT_EQ(engine_->metrics().stream_records, records_before + 2);  // one per changed item
  ok("TransactWriteItems", transaction);  // the same token: acknowledged, not applied again
  EXPECT_EQ(engine_->metrics().stream_records, records_before + 2);
  EXPECT_EQ(
      error(
          "TransactWriteItems",
          R"({"ClientRequestToken":"token-1","TransactItems":[{"Delete":{"TableName":"notes","Key":{"pk":{"S":"t1"}}}}]})")
          .substr(0, 36),
      "IdempotentParameterMismatchException");
  EXPECT_EQ(
      error(
          "TransactWriteItems",
          R"J({"TransactItems":[{"Delete":{"TableName":"notes","Key":{"pk":{"S":"t1"}}}},{"ConditionCheck":{"TableName":"notes","Key":{"pk":{"S":"t1"}},"ConditionExpression":"attribute_exists(pk)"}}]})J"),
      "ValidationException: Transaction request cannot include multiple operations on one "
      "item");
  EXPECT_EQ(
      ok("TransactGetItems",
         R"({"TransactItems":[{"Get":{"TableName":"notes","Key":{"pk":{"S":"guard"}}}},{"Get":{"TableName":"notes","Key":{"pk":{"S":"none"}}}}]})")
          .body,
      R"({"Responses":[{"Item":{"open":{"BOOL":true},"pk":{"S":"guard"}}},{}]})");
}

TEST_F(DynamoDbTest, WritesThatChangeNothingWriteNoStreamRecord) {
  create_notes(/*with_sort=*/false, /*stream=*/true);
  ok("PutItem", R"({"TableName":"notes","Item":{"pk":{"S":"a"},"v":{"N":"1"}}})");
  const uint64_t records = engine_->metrics().stream_records;
  ok("PutItem", R"({"TableName":"notes","Item":{"pk":{"S":"a"},"v":{"N":"1.0"}}})");
  ok("UpdateItem",
     R"({"TableName":"notes","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":{"N":"1"}}})");
  ok("DeleteItem", R"({"TableName":"notes","Key":{"pk":{"S":"missing"}}})");
  EXPECT_EQ(engine_->metrics().stream_records, records);
}

TEST_F(DynamoDbTest, ItemsOverFourHundredKilobytesAreRefused) {
  create_notes();
  const std::string big(400 * 1024, 'x');
  EXPECT_EQ(error("PutItem",
                  R"({"TableName":"notes","Item":{"pk":{"S":"big"},"v":{"S":")" + big + R"("}}})"),
            "ValidationException: Item size has exceeded the maximum allowed size");
  EXPECT_EQ(ok("GetItem", R"({"TableName":"notes","Key":{"pk":{"S":"big"}}})").body, "{}");
}

}  // namespace
}  // namespace eddy::api::dynamodb
