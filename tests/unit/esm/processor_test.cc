// BatchProcessor: Lambda's retry, bisection, partial batch responses and on-failure records
// (reference §2.5-2.7), against a scripted function and a fake clock.
#include "esm/processor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <functional>
#include <set>

#include "esm/batch.h"
#include "storage/stream_ids.h"

namespace eddy::esm {
namespace {

using ::testing::ElementsAre;

std::vector<Delivery> make_records(size_t n, int64_t creation_ms = 1'700'000'000'000) {
  std::vector<Delivery> records;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t sequence = 100 + i;
    records.push_back({sequence,
                       creation_ms,
                       R"({"dynamodb":{"SequenceNumber":")" +
                           storage::format_sequence_number(sequence) + R"("}})",
                       {}});
  }
  return records;
}

// The sequence numbers of an event's records.
std::vector<uint64_t> sequences_of(const std::string& event) {
  rapidjson::Document doc;
  doc.Parse(event.data(), event.size());
  std::vector<uint64_t> out;
  for (const auto& record : doc["Records"].GetArray()) {
    out.push_back(
        *storage::parse_sequence_number(record["dynamodb"]["SequenceNumber"].GetString()));
  }
  return out;
}

class ScriptedSink final : public FunctionSink {
 public:
  using Script = std::function<functions::InvokeOutcome(const std::vector<uint64_t>&)>;
  explicit ScriptedSink(Script script) : script_(std::move(script)) {}
  functions::InvokeOutcome invoke(const std::string&, std::string event) override {
    calls.push_back(sequences_of(event));
    return script_(calls.back());
  }
  std::vector<std::vector<uint64_t>> calls;

 private:
  Script script_;
};

class FakePause final : public Pause {
 public:
  explicit FakePause(FakeClock& clock) : clock_(clock) {}
  bool wait_ms(int64_t ms) override {
    waits.push_back(ms);
    clock_.advance_ms(ms);
    return true;
  }
  std::vector<int64_t> waits;

 private:
  FakeClock& clock_;
};

class MemoryDestination final : public FailureDestination {
 public:
  Status send(const std::string& record_json) override {
    if (fail_next > 0) {
      --fail_next;
      return Status::io_error("disk full");
    }
    records.push_back(record_json);
    return Status::ok();
  }
  std::vector<std::string> records;
  int fail_next = 0;
};

functions::InvokeOutcome ok(std::string body = "null") {
  return functions::InvokeResult(std::move(body));
}
functions::InvokeOutcome error() {
  return functions::InvokeResult(functions::FunctionError{"Error", "boom"});
}

struct Fixture {
  explicit Fixture(ScriptedSink::Script script, ProcessorSettings settings = {})
      : sink(std::move(script)), pause(clock) {
    settings.function = "f";
    settings.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:f";
    settings.stream_arn = "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x";
    settings.shard_id = "shardId-1";
    processor.emplace(settings, sink, &destination, clock, pause, metrics);
  }
  FakeClock clock{1'700'000'000'000};
  ScriptedSink sink;
  FakePause pause;
  MemoryDestination destination;
  MappingMetrics metrics;
  std::optional<BatchProcessor> processor;
};

TEST(BatchProcessor, SuccessDeliversOnceAndCounts) {
  Fixture f([](const auto&) { return ok(); });
  auto records = make_records(3);
  ASSERT_TRUE(f.processor->run(records));
  ASSERT_EQ(f.sink.calls.size(), 1u);
  EXPECT_THAT(f.sink.calls[0], ElementsAre(100, 101, 102));
  EXPECT_EQ(f.metrics.records_delivered, 3u);
  EXPECT_EQ(f.metrics.batches_delivered, 1u);
  EXPECT_TRUE(f.destination.records.empty());
}

// Table-driven: MaximumRetryAttempts -> invocations of an always-failing batch.
TEST(BatchProcessor, RetryAttemptsBoundInvocations) {
  for (int64_t attempts : {0, 1, 2, 5}) {
    ProcessorSettings settings;
    settings.max_retry_attempts = attempts;
    Fixture f([](const auto&) { return error(); }, settings);
    auto records = make_records(4);
    ASSERT_TRUE(f.processor->run(records));
    EXPECT_EQ(f.sink.calls.size(), static_cast<size_t>(attempts + 1)) << attempts;
    EXPECT_EQ(f.metrics.retries, static_cast<uint64_t>(attempts));
    EXPECT_EQ(f.metrics.records_discarded, 4u);
    ASSERT_EQ(f.destination.records.size(), 1u);
    rapidjson::Document record;
    record.Parse(f.destination.records[0].c_str());
    EXPECT_STREQ(record["requestContext"]["condition"].GetString(), "RetryAttemptsExhausted");
    EXPECT_EQ(record["requestContext"]["approximateInvokeCount"].GetInt64(), attempts + 1);
    EXPECT_EQ(record["DDBStreamBatchInfo"]["batchSize"].GetInt(), 4);
    EXPECT_EQ(*storage::parse_sequence_number(
                  record["DDBStreamBatchInfo"]["startSequenceNumber"].GetString()),
              100u);
    EXPECT_EQ(*storage::parse_sequence_number(
                  record["DDBStreamBatchInfo"]["endSequenceNumber"].GetString()),
              103u);
    EXPECT_STREQ(record["responseContext"]["functionError"].GetString(), "Unhandled");
    EXPECT_STREQ(record["DDBStreamBatchInfo"]["shardId"].GetString(), "shardId-1");
  }
}

TEST(BatchProcessor, RetriesBackOffBoundedAndSucceed) {
  int failures = 3;
  ProcessorSettings settings;  // -1: retry until it works
  Fixture f([&](const auto&) { return failures-- > 0 ? error() : ok(); }, settings);
  auto records = make_records(2);
  ASSERT_TRUE(f.processor->run(records));
  EXPECT_EQ(f.sink.calls.size(), 4u);
  EXPECT_THAT(f.pause.waits, ElementsAre(100, 200, 400));
  EXPECT_EQ(f.metrics.records_delivered, 2u);
  EXPECT_TRUE(f.destination.records.empty());
  EXPECT_EQ(retry_backoff_ms(100), 5000);
}

TEST(BatchProcessor, BisectionIsolatesThePoisonRecord) {
  ProcessorSettings settings;
  settings.max_retry_attempts = 0;
  settings.bisect_on_error = true;
  std::set<uint64_t> delivered;
  Fixture f(
      [&](const std::vector<uint64_t>& batch) {
        for (uint64_t s : batch)
          if (s == 105) return error();
        delivered.insert(batch.begin(), batch.end());
        return ok();
      },
      settings);
  auto records = make_records(8);
  ASSERT_TRUE(f.processor->run(records));
  EXPECT_EQ(delivered.size(), 7u);
  EXPECT_FALSE(delivered.contains(105));
  ASSERT_EQ(f.destination.records.size(), 1u);
  rapidjson::Document record;
  record.Parse(f.destination.records[0].c_str());
  EXPECT_EQ(record["DDBStreamBatchInfo"]["batchSize"].GetInt(), 1);
  EXPECT_EQ(*storage::parse_sequence_number(
                record["DDBStreamBatchInfo"]["startSequenceNumber"].GetString()),
            105u);
  EXPECT_EQ(f.metrics.retries, 0u);  // splitting uses no attempt
  EXPECT_EQ(f.metrics.bisections, 3u);
  // Order is kept: halves go left to right.
  EXPECT_THAT(f.sink.calls.back(), ElementsAre(106, 107));
}

TEST(BatchProcessor, PartialResponseRetriesFromTheLowestFailure) {
  ProcessorSettings settings;
  settings.report_batch_item_failures = true;
  int calls = 0;
  Fixture f(
      [&](const std::vector<uint64_t>&) {
        if (calls++ == 0) {
          return ok(R"({"batchItemFailures":[{"itemIdentifier":")" +
                    storage::format_sequence_number(104) + R"("},{"itemIdentifier":")" +
                    storage::format_sequence_number(102) + R"("}]})");
        }
        return ok(R"({"batchItemFailures":[]})");
      },
      settings);
  auto records = make_records(6);
  ASSERT_TRUE(f.processor->run(records));
  ASSERT_EQ(f.sink.calls.size(), 2u);
  EXPECT_THAT(f.sink.calls[1], ElementsAre(102, 103, 104, 105));
}

TEST(BatchProcessor, MalformedPartialResponseFailsTheWholeBatch) {
  ProcessorSettings settings;
  settings.report_batch_item_failures = true;
  settings.max_retry_attempts = 1;
  Fixture f([&](const auto&) { return ok(R"({"batchItemFailures":[{"itemIdentifier":""}]})"); },
            settings);
  auto records = make_records(3);
  ASSERT_TRUE(f.processor->run(records));
  ASSERT_EQ(f.sink.calls.size(), 2u);
  EXPECT_THAT(f.sink.calls[1], ElementsAre(100, 101, 102));
  EXPECT_EQ(f.metrics.records_discarded, 3u);
}

TEST(BatchProcessor, PartialResponsesAreIgnoredUnlessEnabled) {
  Fixture f([&](const auto&) { return ok(R"({"batchItemFailures":[{"itemIdentifier":"1"}]})"); });
  auto records = make_records(2);
  ASSERT_TRUE(f.processor->run(records));
  EXPECT_EQ(f.sink.calls.size(), 1u);
  EXPECT_EQ(f.metrics.records_delivered, 2u);
}

TEST(BatchProcessor, OldRecordsAreDiscardedWithRecordAgeExceeded) {
  ProcessorSettings settings;
  settings.max_record_age_ms = 60'000;
  Fixture f([&](const auto&) { return error(); }, settings);
  auto records = make_records(2, f.clock.now_ms());
  ASSERT_TRUE(f.processor->run(records));
  // Retries go on (backing off, 100 ms ... 5 s) until the oldest record is a minute old.
  EXPECT_GT(f.sink.calls.size(), 10u);
  ASSERT_EQ(f.destination.records.size(), 1u);
  rapidjson::Document record;
  record.Parse(f.destination.records[0].c_str());
  EXPECT_STREQ(record["requestContext"]["condition"].GetString(), "RecordAgeExceeded");
  EXPECT_EQ(static_cast<size_t>(record["requestContext"]["approximateInvokeCount"].GetInt64()),
            f.sink.calls.size());
}

TEST(BatchProcessor, ThrottlesAreRetriedWithoutUsingAttempts) {
  ProcessorSettings settings;
  settings.max_retry_attempts = 0;
  int throttles = 3;
  Fixture f(
      [&](const auto&) -> functions::InvokeOutcome {
        if (throttles-- > 0) return Status::throttled("Rate exceeded");
        return ok();
      },
      settings);
  auto records = make_records(1);
  ASSERT_TRUE(f.processor->run(records));
  EXPECT_EQ(f.metrics.throttles, 3u);
  EXPECT_EQ(f.metrics.records_delivered, 1u);
  EXPECT_TRUE(f.destination.records.empty());
}

TEST(BatchProcessor, TheShardWaitsUntilTheFailureRecordIsDurable) {
  ProcessorSettings settings;
  settings.max_retry_attempts = 0;
  Fixture f([&](const auto&) { return error(); }, settings);
  f.destination.fail_next = 2;
  auto records = make_records(1);
  ASSERT_TRUE(f.processor->run(records));
  EXPECT_EQ(f.destination.records.size(), 1u);
  EXPECT_EQ(f.pause.waits.size(), 2u);
}

TEST(BatchProcessor, AShapeBuildsTheEventAndCanRefuseAResult) {
  ProcessorSettings settings;
  settings.max_retry_attempts = 1;
  int calls = 0;
  Fixture f([&](const auto&) { return ok(++calls == 1 ? "{}" : R"({"state":{}})"); }, settings);
  std::vector<std::string> built;
  EventShape shape;
  shape.build = [&](std::span<const Delivery> part) {
    built.push_back(build_event(part));
    return built.back();
  };
  shape.accept = [](const std::string& result) {
    return result.find("state") != std::string::npos;
  };
  BatchProcessor processor({"f", "arn", "s", "shard", 1, -1, false, false}, f.sink, &f.destination,
                           f.clock, f.pause, f.metrics, shape);
  auto records = make_records(2);
  ASSERT_TRUE(processor.run(records));
  EXPECT_EQ(built.size(), 2u);  // the first result was refused: one retry
  EXPECT_EQ(f.metrics.function_errors, 1u);
  EXPECT_EQ(f.metrics.records_delivered, 2u);
  EXPECT_TRUE(f.destination.records.empty());
}

TEST(BatchResponse, ReadsLambdasShapes) {
  auto records = make_records(3);
  using Kind = BatchResponse::Kind;
  EXPECT_EQ(read_batch_response("", records).kind, Kind::kSuccess);
  EXPECT_EQ(read_batch_response("null", records).kind, Kind::kSuccess);
  EXPECT_EQ(read_batch_response(R"({"batchItemFailures":null})", records).kind, Kind::kSuccess);
  EXPECT_EQ(read_batch_response(R"({"batchItemFailures":[]})", records).kind, Kind::kSuccess);
  EXPECT_EQ(read_batch_response(R"({"other":1})", records).kind, Kind::kSuccess);
  EXPECT_EQ(read_batch_response("{not json", records).kind, Kind::kFailure);
  EXPECT_EQ(read_batch_response(R"({"batchItemFailures":[{"itemIdentifier":null}]})", records).kind,
            Kind::kFailure);
  EXPECT_EQ(read_batch_response(R"({"batchItemFailures":[{"id":"101"}]})", records).kind,
            Kind::kFailure);
  // Not in the batch: treated as a complete failure (reference §2.7 rule 5).
  EXPECT_EQ(
      read_batch_response(R"({"batchItemFailures":[{"itemIdentifier":"999"}]})", records).kind,
      Kind::kFailure);
  auto partial = read_batch_response(R"({"batchItemFailures":[{"itemIdentifier":")" +
                                         storage::format_sequence_number(102) + R"("}]})",
                                     records);
  EXPECT_EQ(partial.kind, Kind::kPartial);
  EXPECT_EQ(partial.first_failed, 2u);
}

TEST(BatchEvent, IsLambdasRecordsEnvelope) {
  auto records = make_records(2);
  EXPECT_EQ(sequences_of(build_event(records)), (std::vector<uint64_t>{100, 101}));
  EXPECT_EQ(build_event({}), R"({"Records":[]})");
}

}  // namespace
}  // namespace eddy::esm
