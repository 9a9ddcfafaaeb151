// word-count's handler against a real table (in-process client, in-memory engine): the right
// count is written once, a stale record never overwrites a newer count, every record of a
// batch is handled, and failures are reported per record.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "api/dynamodb/in_process_client.h"
#include "apps/notes/notes.h"
#include "storage/engine.h"
#include "unit/support/in_memory_engine.h"

namespace eddy::apps::notes {
namespace {

class WordCountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = testing::in_memory_engine();
    context_ = std::make_unique<api::dynamodb::Context>(*engine_, api::dynamodb::Settings{});
    tables_ = std::make_unique<api::dynamodb::InProcessClient>(*context_);
    register_notes_functions(registry_, *tables_);
    call("CreateTable",
         R"({"TableName":"notes","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],)"
         R"("AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],)"
         R"("BillingMode":"PAY_PER_REQUEST"})");
  }

  std::string call(std::string_view operation, const std::string& request) {
    auto response = tables_->call(operation, request);
    EXPECT_TRUE(std::holds_alternative<std::string>(response)) << request;
    return std::holds_alternative<std::string>(response) ? std::get<std::string>(response) : "";
  }

  // One stream record of the notes table (NEW_IMAGE) as the mapping delivers it.
  static std::string record(const std::string& event_name, const std::string& id,
                            const std::string& content, const std::string& sequence,
                            const std::string& word_count = "") {
    std::string image = R"({"id":{"S":")" + id + R"("},"content":{"S":")" + content + R"("}})";
    if (!word_count.empty()) {
      image.pop_back();
      image += R"(,"wordCount":{"N":")" + word_count + R"("}})";
    }
    return R"({"eventName":")" + event_name + R"(","dynamodb":{"Keys":{"id":{"S":")" + id +
           R"("}},"NewImage":)" + image + R"(,"SequenceNumber":")" + sequence + R"("}})";
  }

  std::string run(const std::vector<std::string>& records, const std::string& table = "notes") {
    std::string event = R"({"Records":[)";
    for (size_t i = 0; i < records.size(); ++i)
      event += (i ? "," : "") + records[i];
    event += "]}";
    std::map<std::string, std::string> environment{{"TABLE_NAME", table}};
    functions::InvocationContext context;
    context.environment = &environment;
    return (*registry_.find("builtin:notes.word-count"))(event, context);
  }

  std::string item(const std::string& id) {
    return call("GetItem", R"({"TableName":"notes","Key":{"id":{"S":")" + id + R"("}}})");
  }

  void put(const std::string& id, const std::string& content) {
    call("PutItem", R"({"TableName":"notes","Item":{"id":{"S":")" + id + R"("},"content":{"S":")" +
                        content + R"("}}})");
  }

  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<api::dynamodb::Context> context_;
  std::unique_ptr<api::dynamodb::InProcessClient> tables_;
  functions::BuiltinRegistry registry_;
};

TEST_F(WordCountTest, CountsEveryRecordOfTheBatchAndSkipsOthers) {
  put("a", "one two");
  put("b", "three words here");
  put("c", "x");
  const auto result =
      run({record("INSERT", "a", "one two", "1"),
           record("REMOVE", "zzz", "gone", "2"),  // not counted, not the end
           record("MODIFY", "b", "three words here", "3"), record("INSERT", "c", "x", "4")});
  EXPECT_EQ(result, R"({"batchItemFailures":[]})");
  EXPECT_NE(item("a").find(R"("wordCount":{"N":"2"})"), std::string::npos) << item("a");
  EXPECT_NE(item("b").find(R"("wordCount":{"N":"3"})"), std::string::npos) << item("b");
  EXPECT_NE(item("c").find(R"("wordCount":{"N":"1"})"), std::string::npos) << item("c");
}

TEST_F(WordCountTest, ARightCountIsNotWrittenAgain) {
  put("a", "one two");
  run({record("INSERT", "a", "one two", "1")});
  const uint64_t writes = engine_->metrics().committed_units;
  // Its own write comes back as a MODIFY with the right count: nothing more is written.
  run({record("MODIFY", "a", "one two", "2", "2")});
  EXPECT_EQ(engine_->metrics().committed_units, writes);
}

TEST_F(WordCountTest, AStaleRecordNeverOverwritesTheCountOfNewerContent) {
  put("a", "now four words here");
  run({record("MODIFY", "a", "now four words here", "2")});
  // An older record (the content before) arrives late, e.g. redelivered after a restart.
  const auto result = run({record("INSERT", "a", "old", "1")});
  EXPECT_EQ(result, R"({"batchItemFailures":[]})");  // stale, not failed
  EXPECT_NE(item("a").find(R"("wordCount":{"N":"4"})"), std::string::npos) << item("a");
}

TEST_F(WordCountTest, AMalformedEventIsAFunctionErrorNotACrash) {
  std::map<std::string, std::string> environment{{"TABLE_NAME", "notes"}};
  functions::InvocationContext context;
  context.environment = &environment;
  const auto& handler = *registry_.find("builtin:notes.word-count");
  for (const char* event :
       {R"({"Records":[1]})", R"({"Records":[{}]})",
        R"({"Records":[{"eventName":5,"dynamodb":[]}]})", R"({"Records":{}})", "[]", "nope"}) {
    EXPECT_THROW(handler(event, context), functions::HandlerError) << event;
  }
  // Records without a NewImage or content are skipped, not failed.
  EXPECT_EQ(handler(R"({"Records":[{"eventName":"MODIFY","dynamodb":{"SequenceNumber":"1",)"
                    R"("NewImage":{"id":{"N":"1"}}}}]})",
                    context),
            R"({"batchItemFailures":[]})");
}

TEST_F(WordCountTest, FailedWritesAreReportedPerRecord) {
  const auto result =
      run({record("INSERT", "a", "one", "7"), record("INSERT", "b", "two", "8")}, "no-such-table");
  rapidjson::Document doc;
  doc.Parse(result.c_str());
  ASSERT_TRUE(doc.HasMember("batchItemFailures")) << result;
  ASSERT_EQ(doc["batchItemFailures"].Size(), 2u);
  EXPECT_STREQ(doc["batchItemFailures"][0]["itemIdentifier"].GetString(), "7");
  EXPECT_STREQ(doc["batchItemFailures"][1]["itemIdentifier"].GetString(), "8");
}

}  // namespace
}  // namespace eddy::apps::notes
