// Event source mappings end to end in one process: an engine (in memory, or on disk for the
// restart cases), the function runtime with recording functions, and the MappingManager.
#include "esm/manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "functions/builtin.h"
#include "storage/stream_ids.h"
#include "unit/storage/test_util.h"

namespace eddy::esm {
namespace {

using namespace std::chrono_literals;
using storage::testing::N;
using storage::testing::S;
using storage::testing::TempDir;

// What a recording function saw: (id, version) per record, in delivery order, per invocation.
struct Seen {
  std::string id;
  int64_t version = 0;
  std::string event_name;
  uint64_t sequence = 0;
};

class Recorder {
 public:
  // Fails (a function error) every batch holding an item with poison=true.
  std::string handle(const std::string& event) {
    rapidjson::Document doc;
    doc.Parse(event.c_str());
    std::vector<Seen> batch;
    bool poison = false;
    for (const auto& record : doc["Records"].GetArray()) {
      Seen seen;
      const auto& ddb = record["dynamodb"];
      seen.id = ddb["Keys"]["id"]["S"].GetString();
      seen.event_name = record["eventName"].GetString();
      seen.sequence = *storage::parse_sequence_number(ddb["SequenceNumber"].GetString());
      if (ddb.HasMember("NewImage")) {
        const auto& image = ddb["NewImage"];
        if (image.HasMember("v")) seen.version = std::stoll(image["v"]["N"].GetString());
        if (image.HasMember("poison")) poison = true;
      }
      EXPECT_STREQ(record["eventSource"].GetString(), "aws:dynamodb");
      EXPECT_TRUE(record.HasMember("eventSourceARN"));
      batch.push_back(seen);
    }
    std::lock_guard lock(mu_);
    ++invocations_;
    batch_sizes_.push_back(batch.size());
    if (poison) throw functions::HandlerError("Poison", "a poison record");
    for (auto& seen : batch)
      seen_.push_back(seen);
    return "null";
  }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  size_t invocations() const {
    std::lock_guard lock(mu_);
    return invocations_;
  }
  std::vector<size_t> batch_sizes() const {
    std::lock_guard lock(mu_);
    return batch_sizes_;
  }
  // Waits until at least `n` records were delivered successfully.
  bool wait_for(size_t n, std::chrono::milliseconds timeout = 10s) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (seen().size() >= n) return true;
      std::this_thread::sleep_for(2ms);
    }
    return false;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
  std::vector<size_t> batch_sizes_;
  size_t invocations_ = 0;
};

class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { open(storage::Durability::kInMemory); }
  void TearDown() override { close(); }

  void open(storage::Durability durability) {
    storage::EngineOptions options;
    options.durability = durability;
    options.path = dir_.sub("db");
    options.trim_interval_ms = 0;
    options.shard_rollover_ms = 0;
    auto opened = storage::Engine::open(options);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    engine_ = std::move(opened).value();
    functions::RuntimeOptions runtime_options;
    runtime_options.default_concurrency = 16;
    runtime_ = std::make_unique<functions::Runtime>(runtime_options);
    registry_.add("test.record", [this](const std::string& event, const auto&) {
      return recorder_.handle(event);
    });
    functions::FunctionConfig config;
    config.name = "recorder";
    config.handler = "builtin:test.record";
    ASSERT_TRUE(runtime_
                    ->deploy(config, std::make_shared<functions::BuiltinFunction>(
                                         registry_.find("builtin:test.record")))
                    .is_ok());
    manager_ = std::make_unique<MappingManager>(*engine_, *runtime_, nullptr, ManagerOptions{});
    ASSERT_TRUE(manager_->start().is_ok());
  }

  void close() {
    manager_.reset();
    runtime_.reset();
    engine_.reset();
  }

  std::string create_table(const std::string& name = "orders") {
    auto created = engine_->create_table(
        storage::testing::hash_table(name, storage::StreamViewType::kNewAndOldImages));
    EXPECT_TRUE(created.is_ok());
    return *manager_->table_stream_arn(name);
  }

  void write(const std::string& id, int64_t version, bool poison = false,
             const std::string& table = "orders") {
    model::Item item{{"id", S(id)}, {"v", N(version)}};
    if (poison) item.emplace("poison", model::AttributeValue(true));
    model::Item key{{"id", S(id)}};
    auto result = engine_->write(
        storage::WriteUnit{{storage::testing::put(table, std::move(item), std::move(key))}});
    ASSERT_TRUE(result.status.is_ok()) << result.status.to_string();
  }

  MappingConfig mapping(const std::string& source) {
    MappingConfig config;
    config.function_name = "recorder";
    config.event_source_arn = source;
    return config;
  }

  MappingView create(MappingConfig config) {
    auto created = manager_->create(std::move(config));
    EXPECT_TRUE(created.is_ok()) << created.status().to_string();
    manager_->wait_idle();
    return *created;
  }

  TempDir dir_;
  Recorder recorder_;
  functions::BuiltinRegistry registry_;
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<functions::Runtime> runtime_;
  std::unique_ptr<MappingManager> manager_;
};

TEST_F(ManagerTest, DeliversEveryRecordInOrder) {
  const auto source = create_table();
  auto view = create(mapping(source));
  EXPECT_EQ(view.state, "Creating");
  EXPECT_EQ(manager_->get(view.config.uuid)->state, "Enabled");
  for (int i = 0; i < 50; ++i)
    write("a", i);
  ASSERT_TRUE(recorder_.wait_for(50));
  auto seen = recorder_.seen();
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(seen[i].version, i);
  EXPECT_EQ(seen[0].event_name, "INSERT");
  EXPECT_EQ(seen[1].event_name, "MODIFY");
  write("b", 1);
  ASSERT_TRUE(recorder_.wait_for(51));
  EXPECT_EQ(manager_->get(view.config.uuid)->last_processing_result, "OK");
}

TEST_F(ManagerTest, BatchSizeBoundsEachInvocation) {
  const auto source = create_table();
  for (int i = 0; i < 25; ++i)
    write("k" + std::to_string(i), 1);
  auto config = mapping(source);
  config.batch_size = 10;
  create(config);
  ASSERT_TRUE(recorder_.wait_for(25));
  for (size_t size : recorder_.batch_sizes())
    EXPECT_LE(size, 10u);
  EXPECT_EQ(recorder_.batch_sizes().front(), 10u);  // history is read in full batches
}

TEST_F(ManagerTest, TheBatchingWindowGathersRecordsIntoOneInvocation) {
  const auto source = create_table();
  auto config = mapping(source);
  config.max_batching_window_ms = 2000;  // far longer than the writes take, even under ASan
  create(config);
  for (int i = 0; i < 5; ++i) {
    write("k" + std::to_string(i), i);
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(recorder_.wait_for(5));
  // All written within the first record's window: one batch.
  EXPECT_EQ(recorder_.batch_sizes(), std::vector<size_t>{5});
}

TEST_F(ManagerTest, AFullBatchDoesNotWaitForTheWindow) {
  const auto source = create_table();
  for (int i = 0; i < 4; ++i)
    write("k" + std::to_string(i), i);
  auto config = mapping(source);
  config.max_batching_window_ms = 60'000;
  config.batch_size = 2;
  create(config);
  // Waiting for the 60 s window would outlast wait_for's 10 s.
  ASSERT_TRUE(recorder_.wait_for(4));
  EXPECT_EQ(recorder_.batch_sizes(), (std::vector<size_t>{2, 2}));
}

TEST_F(ManagerTest, APoisonRecordGoesToTheFailureFileAndTheShardMovesOn) {
  const auto source = create_table();
  const std::string failures = dir_.sub("failures.jsonl");
  auto config = mapping(source);
  config.max_retry_attempts = 0;
  config.on_failure = "file:" + failures;
  config.batch_size = 1;
  create(config);
  write("a", 1);
  write("poisoned", 2, /*poison=*/true);
  write("c", 3);
  ASSERT_TRUE(recorder_.wait_for(2));
  auto seen = recorder_.seen();
  EXPECT_EQ(seen[0].id, "a");
  EXPECT_EQ(seen[1].id, "c");
  std::ifstream in(failures);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line))
    lines.push_back(line);
  ASSERT_EQ(lines.size(), 1u);
  rapidjson::Document record;
  record.Parse(lines[0].c_str());
  EXPECT_STREQ(record["requestContext"]["condition"].GetString(), "RetryAttemptsExhausted");
  EXPECT_EQ(record["DDBStreamBatchInfo"]["batchSize"].GetInt(), 1);
  const uint64_t poisoned = *storage::parse_sequence_number(
      record["DDBStreamBatchInfo"]["startSequenceNumber"].GetString());
  EXPECT_GT(poisoned, seen[0].sequence);
  EXPECT_LT(poisoned, seen[1].sequence);
}

TEST_F(ManagerTest, BisectionDeliversAllButThePoisonRecord) {
  const auto source = create_table();
  for (int i = 0; i < 16; ++i)
    write("k" + std::to_string(i), i, /*poison=*/i == 11);
  auto config = mapping(source);
  config.max_retry_attempts = 0;
  config.bisect_on_error = true;
  auto view = create(config);
  ASSERT_TRUE(recorder_.wait_for(15));
  std::this_thread::sleep_for(50ms);
  auto seen = recorder_.seen();
  ASSERT_EQ(seen.size(), 15u);
  for (const auto& s : seen)
    EXPECT_NE(s.id, "k11");
  EXPECT_EQ(manager_->get(view.config.uuid)->metrics->records_discarded, 1u);
}

TEST_F(ManagerTest, FilteredRecordsAreConsumedNotDelivered) {
  const auto source = create_table();
  auto config = mapping(source);
  config.filters = {R"({"eventName":["INSERT"]})"};
  auto view = create(config);
  write("a", 1);
  write("a", 2);  // MODIFY: filtered out
  write("b", 1);
  ASSERT_TRUE(recorder_.wait_for(2));
  std::this_thread::sleep_for(50ms);
  auto seen = recorder_.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].id, "a");
  EXPECT_EQ(seen[1].id, "b");
  EXPECT_EQ(manager_->get(view.config.uuid)->metrics->records_filtered, 1u);
}

TEST_F(ManagerTest, LatestSkipsHistory) {
  const auto source = create_table();
  write("old", 1);
  auto config = mapping(source);
  config.starting_position = StartingPosition::kLatest;
  create(config);
  write("new", 1);
  ASSERT_TRUE(recorder_.wait_for(1));
  std::this_thread::sleep_for(50ms);
  auto seen = recorder_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, "new");
}

TEST_F(ManagerTest, ParallelizationKeepsEachItemsOrder) {
  const auto source = create_table();
  auto config = mapping(source);
  config.parallelization_factor = 10;
  config.batch_size = 100;
  create(config);
  constexpr int kKeys = 20, kVersions = 30;
  for (int v = 0; v < kVersions; ++v) {
    for (int k = 0; k < kKeys; ++k)
      write("key" + std::to_string(k), v);
  }
  ASSERT_TRUE(recorder_.wait_for(kKeys * kVersions));
  std::map<std::string, int64_t> last;
  for (const auto& s : recorder_.seen()) {
    auto it = last.find(s.id);
    if (it != last.end()) {
      EXPECT_EQ(s.version, it->second + 1) << s.id;
    }
    last[s.id] = s.version;
  }
  EXPECT_EQ(last.size(), static_cast<size_t>(kKeys));
}

TEST_F(ManagerTest, ChildShardsFollowTheirParents) {
  const auto source = create_table();
  create(mapping(source));
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 10; ++i)
      write("a", round * 10 + i);
    ASSERT_TRUE(engine_->roll_over_shards(/*force=*/true).is_ok());
  }
  write("a", 30);
  ASSERT_TRUE(recorder_.wait_for(31));
  auto seen = recorder_.seen();
  for (int i = 0; i < 31; ++i)
    EXPECT_EQ(seen[i].version, i);
}

TEST_F(ManagerTest, AShardClosedAfterOtherStreamsWritesStillHandsOverToItsChild) {
  // Sequence numbers are shared by every stream: a shard closes at the newest one anywhere,
  // beyond its own last record.
  const auto source = create_table();
  create_table("others");
  create(mapping(source));
  write("a", 1);
  ASSERT_TRUE(recorder_.wait_for(1));
  for (int i = 0; i < 5; ++i)
    write("o" + std::to_string(i), i, false, "others");
  ASSERT_TRUE(engine_->roll_over_shards(/*force=*/true).is_ok());
  ASSERT_TRUE(engine_->roll_over_shards(/*force=*/true).is_ok());  // an empty shard, too
  write("a", 2);
  ASSERT_TRUE(recorder_.wait_for(2, 5s));
  EXPECT_EQ(recorder_.seen()[1].version, 2);
}

TEST_F(ManagerTest, ConcurrentUpdatesCompose) {
  const auto source = create_table();
  auto view = create(mapping(source));
  std::thread a([&] {
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(manager_
                      ->update(view.config.uuid,
                               [](MappingConfig& c) {
                                 c.batch_size += 1;
                                 return Status::ok();
                               })
                      .is_ok());
    }
  });
  std::thread b([&] {
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(manager_
                      ->update(view.config.uuid,
                               [](MappingConfig& c) {
                                 c.max_retry_attempts += 1;
                                 return Status::ok();
                               })
                      .is_ok());
    }
  });
  a.join();
  b.join();
  auto after = *manager_->get(view.config.uuid);
  EXPECT_EQ(after.config.batch_size, 120u);
  EXPECT_EQ(after.config.max_retry_attempts, 19);  // from -1, 20 increments
}

TEST_F(ManagerTest, ValidationConflictsAndMissingFunctions) {
  const auto source = create_table();
  create(mapping(source));
  auto again = manager_->create(mapping(source));
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  EXPECT_THAT(again.status().message(), ::testing::HasSubstr("already exists"));
  auto config = mapping(source);
  config.function_name = "nope";
  EXPECT_EQ(manager_->create(config).status().code(), Code::kNotFound);
  config = mapping(source);
  config.batch_size = 0;
  EXPECT_EQ(manager_->create(config).status().code(), Code::kValidation);
  config = mapping(source);
  config.on_failure = "arn:aws:sqs:us-east-1:000000000000:q";
  EXPECT_EQ(manager_->create(config).status().code(), Code::kValidation);
  config = mapping(source);
  config.filters = {"not json"};
  EXPECT_EQ(manager_->create(config).status().code(), Code::kValidation);
  config = mapping("arn:aws:dynamodb:us-east-1:000000000000:table/none/stream/x");
  EXPECT_EQ(manager_->create(config).status().code(), Code::kValidation);
  EXPECT_EQ(manager_->get("no-such-uuid").status().code(), Code::kNotFound);
}

TEST_F(ManagerTest, DisablingPausesAndEnablingResumesFromTheCheckpoint) {
  const auto source = create_table();
  auto view = create(mapping(source));
  write("a", 1);
  ASSERT_TRUE(recorder_.wait_for(1));
  ASSERT_TRUE(manager_
                  ->update(view.config.uuid,
                           [](MappingConfig& c) {
                             c.enabled = false;
                             return Status::ok();
                           })
                  .is_ok());
  manager_->wait_idle();
  EXPECT_EQ(manager_->get(view.config.uuid)->state, "Disabled");
  write("a", 2);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(recorder_.seen().size(), 1u);
  ASSERT_TRUE(manager_
                  ->update(view.config.uuid,
                           [](MappingConfig& c) {
                             c.enabled = true;
                             return Status::ok();
                           })
                  .is_ok());
  ASSERT_TRUE(recorder_.wait_for(2));
  auto seen = recorder_.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].version, 2);
}

TEST_F(ManagerTest, DeletingTheTableDisablesItsMappingsWithAReason) {
  const auto source = create_table();
  auto view = create(mapping(source));
  write("a", 1);
  ASSERT_TRUE(recorder_.wait_for(1));
  ASSERT_TRUE(engine_->delete_table("orders").is_ok());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline &&
         manager_->get(view.config.uuid)->state != "Disabled") {
    std::this_thread::sleep_for(20ms);
  }
  auto after = *manager_->get(view.config.uuid);
  EXPECT_EQ(after.state, "Disabled");
  EXPECT_THAT(after.config.state_transition_reason, ::testing::HasSubstr("deleted"));
}

TEST_F(ManagerTest, MappingsAndCheckpointsSurviveARestart) {
  close();
  open(storage::Durability::kSync);
  const auto source = create_table();
  auto view = create(mapping(source));
  for (int i = 0; i < 5; ++i)
    write("a", i);
  ASSERT_TRUE(recorder_.wait_for(5));
  manager_->wait_idle();
  close();
  open(storage::Durability::kSync);
  manager_->wait_idle();
  auto reloaded = manager_->get(view.config.uuid);
  ASSERT_TRUE(reloaded.is_ok());
  EXPECT_EQ(reloaded->state, "Enabled");
  for (int i = 5; i < 10; ++i)
    write("a", i);
  ASSERT_TRUE(recorder_.wait_for(10));
  std::this_thread::sleep_for(50ms);
  auto seen = recorder_.seen();
  // Checkpointed after success: nothing skipped, and nothing delivered twice here.
  ASSERT_EQ(seen.size(), 10u);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(seen[i].version, i);
}

TEST_F(ManagerTest, DeletedMappingsStopAndForgetTheirCheckpoints) {
  const auto source = create_table();
  auto view = create(mapping(source));
  write("a", 1);
  ASSERT_TRUE(recorder_.wait_for(1));
  auto removed = manager_->remove(view.config.uuid);
  ASSERT_TRUE(removed.is_ok());
  EXPECT_EQ(removed->state, "Deleting");
  manager_->wait_idle();
  EXPECT_EQ(manager_->get(view.config.uuid).status().code(), Code::kNotFound);
  auto left = engine_->list_state("esm/");
  ASSERT_TRUE(left.is_ok());
  EXPECT_TRUE(left->empty());
  write("a", 2);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(recorder_.seen().size(), 1u);
}

TEST_F(ManagerTest, TumblingWindowsCarryStateAndEndWithAFinalInvocation) {
  // An aggregate: the state counts records and sums `v`; final invocations are kept.
  struct Finals {
    std::mutex mu;
    std::vector<std::string> events;
  };
  auto finals = std::make_shared<Finals>();
  registry_.add("test.sum", [finals](const std::string& event, const auto&) {
    rapidjson::Document doc;
    doc.Parse(event.c_str());
    int64_t count = doc["state"].HasMember("count") ? doc["state"]["count"].GetInt64() : 0;
    int64_t sum = doc["state"].HasMember("sum") ? doc["state"]["sum"].GetInt64() : 0;
    for (const auto& record : doc["Records"].GetArray()) {
      ++count;
      sum += std::stoll(record["dynamodb"]["NewImage"]["v"]["N"].GetString());
    }
    if (doc["isFinalInvokeForWindow"].GetBool()) {
      std::lock_guard lock(finals->mu);
      finals->events.push_back(event);
    }
    return "{\"state\":{\"count\":" + std::to_string(count) + ",\"sum\":" + std::to_string(sum) +
           "}}";
  });
  functions::FunctionConfig config;
  config.name = "summer";
  config.handler = "builtin:test.sum";
  ASSERT_TRUE(runtime_
                  ->deploy(config, std::make_shared<functions::BuiltinFunction>(
                                       registry_.find("builtin:test.sum")))
                  .is_ok());
  const auto source = create_table();
  auto mapping_config = mapping(source);
  mapping_config.function_name = "summer";
  mapping_config.tumbling_window_ms = 1000;
  mapping_config.batch_size = 3;  // several invocations per window: the state carries over
  create(mapping_config);
  for (int i = 1; i <= 10; ++i)
    write("k" + std::to_string(i), i);
  // Every record lands in one window or the next (the writes may straddle a boundary).
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  int64_t count = 0, sum = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    count = sum = 0;
    {
      std::lock_guard lock(finals->mu);
      for (const auto& event : finals->events) {
        rapidjson::Document doc;
        doc.Parse(event.c_str());
        count += doc["state"]["count"].GetInt64();
        sum += doc["state"]["sum"].GetInt64();
      }
    }
    if (count >= 10) break;
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(count, 10);
  EXPECT_EQ(sum, 55);
  std::lock_guard lock(finals->mu);
  ASSERT_FALSE(finals->events.empty());
  rapidjson::Document first;
  first.Parse(finals->events[0].c_str());
  EXPECT_EQ(first["Records"].Size(), 0u);
  EXPECT_FALSE(first["isWindowTerminatedEarly"].GetBool());
  const std::string start = first["window"]["start"].GetString();
  const std::string end = first["window"]["end"].GetString();
  EXPECT_EQ(start.size(), 20u);  // 2026-11-24T12:00:00Z: whole seconds, 1 s apart
  EXPECT_NE(start, end);
}

TEST_F(ManagerTest, MetricsArePrometheusText) {
  const auto source = create_table();
  create(mapping(source));
  write("a", 1);
  ASSERT_TRUE(recorder_.wait_for(1));
  std::string out;
  manager_->write_metrics(out);
  EXPECT_THAT(out, ::testing::HasSubstr("# TYPE eddy_esm_records_delivered_total counter"));
  EXPECT_THAT(out, ::testing::HasSubstr("function=\"recorder\"} 1\n"));
  EXPECT_THAT(out, ::testing::HasSubstr("eddy_esm_iterator_age_milliseconds{"));
}

}  // namespace
}  // namespace eddy::esm
