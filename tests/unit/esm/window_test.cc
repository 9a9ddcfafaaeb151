// Tumbling windows: alignment, the event's shape, and reading the state back.
#include "esm/window.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace eddy::esm {
namespace {

TEST(TumblingWindow, WindowsAreAlignedToTheirLength) {
  // 2020-07-30T17:03:10Z with 5-minute windows -> 17:00:00 to 17:05:00, as AWS's example.
  const int64_t t = 1596128590000;
  const Window w = window_of(t, 300'000);
  EXPECT_EQ(w.start_ms, 1596128400000);
  EXPECT_EQ(w.end_ms, 1596128700000);
  EXPECT_EQ(window_of(w.start_ms, 300'000).start_ms, w.start_ms);  // a start is its own window
  EXPECT_EQ(window_of(w.end_ms, 300'000).start_ms, w.end_ms);      // an end is the next one's
}

TEST(TumblingWindow, TheEventCarriesTheWindowTheStateAndTheFlags) {
  std::vector<Delivery> records = {{7, 0, R"({"eventName":"INSERT"})", {}}};
  const std::string text = build_window_event(
      records, {{1596128400000, 1596128700000}, R"({"1":282})", "shardId-1", "arn:s", true, false});
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError()) << text;
  EXPECT_EQ(doc["Records"].Size(), 1u);
  EXPECT_STREQ(doc["Records"][0]["eventName"].GetString(), "INSERT");
  EXPECT_STREQ(doc["window"]["start"].GetString(), "2020-07-30T17:00:00Z");
  EXPECT_STREQ(doc["window"]["end"].GetString(), "2020-07-30T17:05:00Z");
  EXPECT_EQ(doc["state"]["1"].GetInt(), 282);
  EXPECT_STREQ(doc["shardId"].GetString(), "shardId-1");
  EXPECT_STREQ(doc["eventSourceARN"].GetString(), "arn:s");
  EXPECT_TRUE(doc["isFinalInvokeForWindow"].GetBool());
  EXPECT_FALSE(doc["isWindowTerminatedEarly"].GetBool());

  const std::string empty = build_window_event({}, {{0, 1000}, "", "s\"1", "a", false, true});
  doc.Parse(empty.c_str());
  ASSERT_FALSE(doc.HasParseError()) << empty;
  EXPECT_EQ(doc["Records"].Size(), 0u);
  EXPECT_TRUE(doc["state"].IsObject());
  EXPECT_STREQ(doc["shardId"].GetString(), "s\"1");  // escaped
  EXPECT_TRUE(doc["isWindowTerminatedEarly"].GetBool());
}

TEST(TumblingWindow, EveryResponseMustCarryAStateObject) {
  EXPECT_EQ(read_window_state(R"({"state":{"1":282,"2":715},"batchItemFailures":[]})"),
            R"({"1":282,"2":715})");
  EXPECT_EQ(read_window_state(R"({"state":{}})"), "{}");
  EXPECT_FALSE(read_window_state("null"));
  EXPECT_FALSE(read_window_state(R"({"batchItemFailures":[]})"));
  EXPECT_FALSE(read_window_state(R"({"state":"text"})"));
  EXPECT_FALSE(read_window_state("{not json"));
}

}  // namespace
}  // namespace eddy::esm
