// The DynamoDB Streams operations through api::streams::handle, over tables written through
// api::dynamodb::handle, on an in-memory engine with a fake clock.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <future>

#include "api/dynamodb/operation.h"
#include "api/streams/operation.h"
#include "storage/engine.h"
#include "unit/support/in_memory_engine.h"

namespace eddy::api {
namespace {

struct Answer {
  bool ok = false;
  std::string body;
  std::string error_name;
  rapidjson::Document json;
};

class StreamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = testing::in_memory_engine(&clock_);
    dynamodb_ = std::make_unique<dynamodb::Context>(*engine_, dynamodb::Settings{});
    streams_ = std::make_unique<streams::Context>(*engine_, dynamodb_->settings, "test-key");
  }

  template <typename Handle, typename Context>
  Answer run(Handle handle, const char* prefix, Context& context, std::string_view operation,
             std::string body) {
    std::promise<dynamodb::Outcome> promise;
    handle(std::string(prefix) + std::string(operation), body, context,
           [&](dynamodb::Outcome outcome) { promise.set_value(std::move(outcome)); });
    auto outcome = promise.get_future().get();
    Answer answer;
    if (auto* text = std::get_if<std::string>(&outcome)) {
      answer.ok = true;
      answer.body = std::move(*text);
    } else {
      answer.body = std::get<ApiError>(outcome).body();
      answer.error_name = std::string(std::get<ApiError>(outcome).name());
    }
    answer.json.Parse(answer.body.data(), answer.body.size());
    return answer;
  }

  Answer db(std::string_view operation, std::string body) {
    auto answer =
        run(dynamodb::handle, "DynamoDB_20120810.", *dynamodb_, operation, std::move(body));
    EXPECT_TRUE(answer.ok) << operation << " -> " << answer.body;
    return answer;
  }
  Answer streams(std::string_view operation, std::string body) {
    return run(streams::handle, "DynamoDBStreams_20120810.", *streams_, operation, std::move(body));
  }

  std::string create_table(const char* view_type) {
    auto created = db(
        "CreateTable",
        std::string(
            R"({"TableName":"notes","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamEnabled":true,"StreamViewType":")") +
            view_type + R"("}})");
    return created.json["TableDescription"]["LatestStreamArn"].GetString();
  }

  std::string iterator(const std::string& arn, const std::string& shard, const char* type,
                       const std::string& extra = "") {
    auto answer =
        streams("GetShardIterator", R"({"StreamArn":")" + arn + R"(","ShardId":")" + shard +
                                        R"(","ShardIteratorType":")" + type + "\"" + extra + "}");
    EXPECT_TRUE(answer.ok) << answer.body;
    return answer.ok ? answer.json["ShardIterator"].GetString() : "";
  }

  std::string first_shard(const std::string& arn) {
    auto described = streams("DescribeStream", R"({"StreamArn":")" + arn + "\"}");
    EXPECT_TRUE(described.ok) << described.body;
    return described.json["StreamDescription"]["Shards"][0]["ShardId"].GetString();
  }

  FakeClock clock_{1'700'000'000'123};
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<dynamodb::Context> dynamodb_;
  std::unique_ptr<streams::Context> streams_;
};

TEST_F(StreamsTest, RecordsFollowTheViewTypeAndWritesThatChangeNothingHaveNone) {
  const std::string arn = create_table("NEW_AND_OLD_IMAGES");
  db("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"n1"},"text":{"S":"hello"}}})");
  db("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"n1"},"text":{"S":"hello"}}})");  // no-op
  db("UpdateItem",
     R"({"TableName":"notes","Key":{"id":{"S":"n1"}},"UpdateExpression":"SET #t = :t","ExpressionAttributeNames":{"#t":"text"},"ExpressionAttributeValues":{":t":{"S":"hello world"}}})");
  db("DeleteItem", R"({"TableName":"notes","Key":{"id":{"S":"n1"}}})");
  db("DeleteItem", R"({"TableName":"notes","Key":{"id":{"S":"n1"}}})");  // no-op

  auto records = streams("GetRecords", R"({"ShardIterator":")" +
                                           iterator(arn, first_shard(arn), "TRIM_HORIZON") + "\"}");
  ASSERT_TRUE(records.ok) << records.body;
  const auto& list = records.json["Records"];
  ASSERT_EQ(list.Size(), 3u);
  EXPECT_STREQ(list[0]["eventName"].GetString(), "INSERT");
  EXPECT_STREQ(list[1]["eventName"].GetString(), "MODIFY");
  EXPECT_STREQ(list[2]["eventName"].GetString(), "REMOVE");
  const auto& modify = list[1];
  EXPECT_STREQ(modify["eventVersion"].GetString(), "1.1");
  EXPECT_STREQ(modify["eventSource"].GetString(), "aws:dynamodb");
  EXPECT_STREQ(modify["awsRegion"].GetString(), "us-east-1");
  EXPECT_EQ(std::string(modify["eventID"].GetString()).size(), 32u);
  EXPECT_STREQ(modify["dynamodb"]["OldImage"]["text"]["S"].GetString(), "hello");
  EXPECT_STREQ(modify["dynamodb"]["NewImage"]["text"]["S"].GetString(), "hello world");
  EXPECT_STREQ(modify["dynamodb"]["Keys"]["id"]["S"].GetString(), "n1");
  EXPECT_EQ(modify["dynamodb"]["ApproximateCreationDateTime"].GetDouble(), 1'700'000'000.0);
  EXPECT_STREQ(modify["dynamodb"]["StreamViewType"].GetString(), "NEW_AND_OLD_IMAGES");
  EXPECT_GT(modify["dynamodb"]["SizeBytes"].GetInt(), 0);
  EXPECT_FALSE(list[0]["dynamodb"].HasMember("OldImage"));
  EXPECT_FALSE(list[2]["dynamodb"].HasMember("NewImage"));
  EXPECT_LT(std::string(list[0]["dynamodb"]["SequenceNumber"].GetString()),
            std::string(list[1]["dynamodb"]["SequenceNumber"].GetString()));
  ASSERT_TRUE(records.json.HasMember("NextShardIterator"));  // the shard is open

  // The next iterator starts after the last record: nothing new, and no re-delivery.
  auto again =
      streams("GetRecords", R"({"ShardIterator":")" +
                                std::string(records.json["NextShardIterator"].GetString()) + "\"}");
  ASSERT_TRUE(again.ok);
  EXPECT_EQ(again.json["Records"].Size(), 0u);
}

TEST_F(StreamsTest, KeysOnlyStreamsCarryNoImages) {
  const std::string arn = create_table("KEYS_ONLY");
  db("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"k"},"v":{"N":"1"}}})");
  auto records = streams("GetRecords", R"({"ShardIterator":")" +
                                           iterator(arn, first_shard(arn), "TRIM_HORIZON") + "\"}");
  ASSERT_EQ(records.json["Records"].Size(), 1u);
  const auto& change = records.json["Records"][0]["dynamodb"];
  EXPECT_FALSE(change.HasMember("NewImage"));
  EXPECT_FALSE(change.HasMember("OldImage"));
  EXPECT_STREQ(change["Keys"]["id"]["S"].GetString(), "k");
}

TEST_F(StreamsTest, IteratorPositionsAndTheirErrors) {
  const std::string arn = create_table("NEW_IMAGE");
  const std::string shard = first_shard(arn);
  db("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"a"}}})");
  const std::string latest = iterator(arn, shard, "LATEST");
  db("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"b"}}})");
  auto after_latest = streams("GetRecords", R"({"ShardIterator":")" + latest + "\"}");
  ASSERT_EQ(after_latest.json["Records"].Size(), 1u);
  EXPECT_STREQ(after_latest.json["Records"][0]["dynamodb"]["Keys"]["id"]["S"].GetString(), "b");
  const std::string b_sequence =
      after_latest.json["Records"][0]["dynamodb"]["SequenceNumber"].GetString();

  auto at = streams("GetRecords", R"({"ShardIterator":")" +
                                      iterator(arn, shard, "AT_SEQUENCE_NUMBER",
                                               R"(,"SequenceNumber":")" + b_sequence + "\"") +
                                      "\"}");
  ASSERT_EQ(at.json["Records"].Size(), 1u);
  auto after = streams("GetRecords", R"({"ShardIterator":")" +
                                         iterator(arn, shard, "AFTER_SEQUENCE_NUMBER",
                                                  R"(,"SequenceNumber":")" + b_sequence + "\"") +
                                         "\"}");
  EXPECT_EQ(after.json["Records"].Size(), 0u);

  auto missing_sequence =
      streams("GetShardIterator", R"({"StreamArn":")" + arn + R"(","ShardId":")" + shard +
                                      R"(","ShardIteratorType":"AT_SEQUENCE_NUMBER"})");
  EXPECT_EQ(missing_sequence.error_name, "ValidationException");
  auto refused_sequence =
      streams("GetShardIterator", R"({"StreamArn":")" + arn + R"(","ShardId":")" + shard +
                                      R"(","ShardIteratorType":"LATEST","SequenceNumber":")" +
                                      b_sequence + "\"}");
  EXPECT_EQ(refused_sequence.error_name, "ValidationException");
  auto unknown_shard = streams(
      "GetShardIterator",
      R"({"StreamArn":")" + arn +
          R"(","ShardId":"shardId-00000000000000000000-00000000","ShardIteratorType":"LATEST"})");
  EXPECT_EQ(unknown_shard.error_name, "ResourceNotFoundException");
  auto bad_limit = streams("GetRecords", R"({"ShardIterator":")" + latest + R"(","Limit":1001})");
  EXPECT_EQ(bad_limit.error_name, "ValidationException");
}

TEST_F(StreamsTest, IteratorsAreTamperEvidentAndExpire) {
  const std::string arn = create_table("NEW_IMAGE");
  std::string it = iterator(arn, first_shard(arn), "TRIM_HORIZON");
  std::string edited = it;
  edited[10] = edited[10] == 'A' ? 'B' : 'A';
  auto forged = streams("GetRecords", R"({"ShardIterator":")" + edited + "\"}");
  EXPECT_EQ(forged.error_name, "ValidationException");
  EXPECT_EQ(streams("GetRecords", R"({"ShardIterator":"not-an-iterator"})").error_name,
            "ValidationException");

  clock_.advance_ms(15 * 60 * 1000 + 1);
  auto expired = streams("GetRecords", R"({"ShardIterator":")" + it + "\"}");
  EXPECT_EQ(expired.error_name, "ExpiredIteratorException");
}

TEST_F(StreamsTest, DisablingClosesTheShardAndKeepsTheStreamListed) {
  const std::string arn = create_table("NEW_IMAGE");
  const std::string shard = first_shard(arn);
  db("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"a"}}})");
  db("UpdateTable", R"({"TableName":"notes","StreamSpecification":{"StreamEnabled":false}})");
  clock_.advance_ms(1000);
  auto enabled = db(
      "UpdateTable",
      R"({"TableName":"notes","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}})");
  const std::string second = enabled.json["TableDescription"]["LatestStreamArn"].GetString();
  EXPECT_NE(second, arn);

  auto listed = streams("ListStreams", R"({"TableName":"notes"})");
  ASSERT_TRUE(listed.ok) << listed.body;
  ASSERT_EQ(listed.json["Streams"].Size(), 2u);
  EXPECT_EQ(listed.json["Streams"][0]["StreamArn"].GetString(), arn);
  auto page = streams("ListStreams", R"({"Limit":1})");
  EXPECT_EQ(page.json["Streams"].Size(), 1u);
  EXPECT_EQ(page.json["LastEvaluatedStreamArn"].GetString(), arn);
  auto rest = streams("ListStreams", R"({"ExclusiveStartStreamArn":")" + arn + "\"}");
  ASSERT_EQ(rest.json["Streams"].Size(), 1u);
  EXPECT_EQ(rest.json["Streams"][0]["StreamArn"].GetString(), second);

  auto described = streams("DescribeStream", R"({"StreamArn":")" + arn + "\"}");
  const auto& description = described.json["StreamDescription"];
  EXPECT_STREQ(description["StreamStatus"].GetString(), "DISABLED");
  EXPECT_TRUE(description["Shards"][0]["SequenceNumberRange"].HasMember("EndingSequenceNumber"));

  // The closed shard is read to its end: then there is no NextShardIterator.
  auto records =
      streams("GetRecords", R"({"ShardIterator":")" + iterator(arn, shard, "TRIM_HORIZON") + "\"}");
  ASSERT_TRUE(records.ok) << records.body;
  EXPECT_EQ(records.json["Records"].Size(), 1u);
  EXPECT_FALSE(records.json.HasMember("NextShardIterator"));

  EXPECT_EQ(
      streams(
          "DescribeStream",
          R"({"StreamArn":"arn:aws:dynamodb:us-east-1:000000000000:table/notes/stream/2001-01-01T00:00:00.000"})")
          .error_name,
      "ResourceNotFoundException");
  EXPECT_EQ(streams("DescribeStream", R"({"StreamArn":"nonsense"})").error_name,
            "ValidationException");
}

TEST_F(StreamsTest, RolloverClosesShardsAndConsumersFollowingLineageReadInOrder) {
  const std::string arn = create_table("NEW_IMAGE");
  db("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"x"},"v":{"N":"1"}}})");
  clock_.advance_ms(10);
  auto rolled = engine_->roll_over_shards(/*force=*/true);
  ASSERT_TRUE(rolled);
  EXPECT_EQ(*rolled, 1u);
  db("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"x"},"v":{"N":"2"}}})");

  auto described = streams("DescribeStream", R"({"StreamArn":")" + arn + "\"}");
  const auto& shards = described.json["StreamDescription"]["Shards"];
  ASSERT_EQ(shards.Size(), 2u);
  const std::string parent = shards[0]["ShardId"].GetString();
  EXPECT_STREQ(shards[1]["ParentShardId"].GetString(), parent.c_str());
  EXPECT_TRUE(shards[0]["SequenceNumberRange"].HasMember("EndingSequenceNumber"));
  EXPECT_FALSE(shards[1]["SequenceNumberRange"].HasMember("EndingSequenceNumber"));
  auto page = streams("DescribeStream", R"({"StreamArn":")" + arn + R"(","Limit":1})");
  EXPECT_EQ(page.json["StreamDescription"]["Shards"].Size(), 1u);
  EXPECT_EQ(page.json["StreamDescription"]["LastEvaluatedShardId"].GetString(), parent);
  auto rest = streams("DescribeStream", R"({"StreamArn":")" + arn +
                                            R"(","ExclusiveStartShardId":")" + parent + "\"}");
  EXPECT_EQ(rest.json["StreamDescription"]["Shards"].Size(), 1u);
  EXPECT_FALSE(rest.json["StreamDescription"].HasMember("LastEvaluatedShardId"));

  // Parent first, to its end (no NextShardIterator), then the child.
  std::vector<std::string> values;
  for (rapidjson::SizeType i = 0; i < shards.Size(); ++i) {
    std::string it = iterator(arn, shards[i]["ShardId"].GetString(), "TRIM_HORIZON");
    for (int calls = 0; !it.empty() && calls < 10; ++calls) {
      auto page = streams("GetRecords", R"({"ShardIterator":")" + it + "\"}");
      ASSERT_TRUE(page.ok) << page.body;
      for (const auto& record : page.json["Records"].GetArray()) {
        values.push_back(record["dynamodb"]["NewImage"]["v"]["N"].GetString());
      }
      if (page.json["Records"].Size() == 0) break;
      it = page.json.HasMember("NextShardIterator") ? page.json["NextShardIterator"].GetString()
                                                    : "";
    }
  }
  EXPECT_EQ(values, (std::vector<std::string>{"1", "2"}));
  // Not due: nothing rolls.
  EXPECT_EQ(*engine_->roll_over_shards(), 0u);
}

TEST_F(StreamsTest, AClosedShardEndsAfterItsLastRecordWhateverOtherStreamsWrote) {
  // Sequence numbers are shared by every stream: a shard closes at the newest one anywhere,
  // beyond its own last record. Its end must still show (no NextShardIterator).
  const std::string arn = create_table("NEW_IMAGE");
  db("CreateTable",
     R"({"TableName":"others","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],)"
     R"("AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],)"
     R"("BillingMode":"PAY_PER_REQUEST",)"
     R"("StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}})");
  db("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"x"}}})");
  db("PutItem", R"({"TableName":"others","Item":{"id":{"S":"y"}}})");
  clock_.advance_ms(10);
  ASSERT_TRUE(engine_->roll_over_shards(/*force=*/true).is_ok());
  clock_.advance_ms(10);
  ASSERT_TRUE(engine_->roll_over_shards(/*force=*/true).is_ok());  // the middle shard: empty
  auto described = streams("DescribeStream", R"({"StreamArn":")" + arn + "\"}");
  const auto& shards = described.json["StreamDescription"]["Shards"];
  ASSERT_EQ(shards.Size(), 3u);

  auto first = streams("GetRecords",
                       R"({"ShardIterator":")" +
                           iterator(arn, shards[0]["ShardId"].GetString(), "TRIM_HORIZON") + "\"}");
  ASSERT_TRUE(first.ok) << first.body;
  EXPECT_EQ(first.json["Records"].Size(), 1u);
  EXPECT_FALSE(first.json.HasMember("NextShardIterator")) << first.body;

  auto empty = streams("GetRecords",
                       R"({"ShardIterator":")" +
                           iterator(arn, shards[1]["ShardId"].GetString(), "TRIM_HORIZON") + "\"}");
  ASSERT_TRUE(empty.ok) << empty.body;
  EXPECT_EQ(empty.json["Records"].Size(), 0u);
  EXPECT_FALSE(empty.json.HasMember("NextShardIterator")) << empty.body;

  // The open child goes on.
  auto open = streams("GetRecords",
                      R"({"ShardIterator":")" +
                          iterator(arn, shards[2]["ShardId"].GetString(), "TRIM_HORIZON") + "\"}");
  EXPECT_TRUE(open.json.HasMember("NextShardIterator"));
}

TEST_F(StreamsTest, ADisabledStreamExpiresWithItsRecords) {
  const std::string arn = create_table("NEW_IMAGE");
  db("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"a"}}})");
  db("UpdateTable", R"({"TableName":"notes","StreamSpecification":{"StreamEnabled":false}})");
  clock_.advance_ms(12LL * 3600 * 1000);
  ASSERT_TRUE(engine_->trim_streams());
  // Within retention: still listed and readable.
  EXPECT_EQ(streams("ListStreams", "{}").json["Streams"].Size(), 1u);
  EXPECT_TRUE(streams("DescribeStream", R"({"StreamArn":")" + arn + "\"}").ok);

  clock_.advance_ms(13LL * 3600 * 1000);
  auto trimmed = engine_->trim_streams();
  ASSERT_TRUE(trimmed);
  EXPECT_EQ(*trimmed, 1u);
  EXPECT_EQ(streams("ListStreams", "{}").json["Streams"].Size(), 0u);
  EXPECT_EQ(streams("DescribeStream", R"({"StreamArn":")" + arn + "\"}").error_name,
            "ResourceNotFoundException");
  // The table no longer names it.
  auto table = db("DescribeTable", R"({"TableName":"notes"})");
  EXPECT_FALSE(table.json["Table"].HasMember("LatestStreamArn"));
}

TEST_F(StreamsTest, AnEnabledStreamNeverExpires) {
  const std::string arn = create_table("NEW_IMAGE");
  clock_.advance_ms(48LL * 3600 * 1000);
  ASSERT_TRUE(engine_->trim_streams());
  EXPECT_EQ(streams("ListStreams", "{}").json["Streams"].Size(), 1u);
}

}  // namespace
}  // namespace eddy::api
