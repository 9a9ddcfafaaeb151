// Crash test (issue: the foundation): a child process writes in sync mode from several
// threads and is SIGKILLed at random moments, 20 times. After each kill the database is
// reopened and checked against the child's log of acknowledged writes:
//  - every acknowledged write is present (the item holds the last acknowledged value, or the
//    value of the one write that was in flight on that thread when it died);
//  - the stream holds exactly one record per applied change, in order per item, each with the
//    right event name and images; no record without its change (no-op updates, deletes of
//    missing items and unapplied in-flight writes have none);
//  - the table's global index on v holds exactly one entry per item, with its current value.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "storage/engine.h"

namespace eddy::storage {
namespace {

using model::Item;

struct ExpectedRecord {
  EventName event;
  std::optional<std::string> old_v, new_v;
};

// The model of what the database must hold, built from the logs.
struct Model {
  std::map<std::string, std::optional<std::string>> state;  // key -> v (nullopt: absent)
  std::map<std::string, std::vector<ExpectedRecord>> records;

  // The state after applying `op` to `before`.
  static std::optional<std::string> after(char op, const std::optional<std::string>& before,
                                          const std::string& value) {
    switch (op) {
      case 'P':
      case 'U':
        return value;
      case 'N':
        return before;
      default:
        return std::nullopt;  // D
    }
  }
  void apply(char op, const std::string& key, const std::string& value) {
    auto before = state[key];
    auto next = after(op, before, value);
    if (before == next) return;  // no change, no record
    EventName event = !before ? EventName::kInsert
                      : !next ? EventName::kRemove
                              : EventName::kModify;
    records[key].push_back({event, before, next});
    state[key] = next;
  }
};

struct Intent {
  char op;
  std::string key, value;
};

std::optional<std::string> v_of(const std::optional<Item>& item) {
  if (!item) return std::nullopt;
  return item->at("v").as<std::string>();
}

class CrashTest : public ::testing::Test {
 protected:
  std::filesystem::path dir_ =
      std::filesystem::temp_directory_path() / ("eddy-crash-" + std::to_string(::getpid()));
  void TearDown() override { std::filesystem::remove_all(dir_); }
};

TEST_F(CrashTest, AcknowledgedWritesAndTheirRecordsSurviveKill9) {
  constexpr int kRuns = 20, kThreads = 6;
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  const std::string db = (dir_ / "db").string();
  std::mt19937 random(std::random_device{}());
  Model model;
  uint64_t total_acked = 0;

  for (int run = 0; run < kRuns; ++run) {
    const std::string log = (dir_ / ("log-" + std::to_string(run))).string();
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::execl(EDDY_CRASH_WRITER, EDDY_CRASH_WRITER, db.c_str(), log.c_str(),
              std::to_string(run).c_str(), std::to_string(kThreads).c_str(), nullptr);
      ::_exit(127);
    }
    // Let it get going (its log grows), then kill it at a random moment.
    for (int waited = 0; waited < 10'000; waited += 5) {
      std::error_code ec;
      if (std::filesystem::exists(log, ec) && std::filesystem::file_size(log, ec) > 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 300));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer exited by itself: status " << status;

    // Replay the log: acknowledged writes for sure, then each thread's last intent if it had
    // no acknowledgement (it may or may not have been applied).
    std::map<int, Intent> open_intent;
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string kind;
      int thread;
      fields >> kind >> thread;
      if (kind == "I") {
        Intent intent;
        fields >> intent.op >> intent.key >> intent.value;
        open_intent[thread] = intent;
      } else if (kind == "A") {
        auto it = open_intent.find(thread);
        ASSERT_NE(it, open_intent.end()) << "ack without intent: " << line;
        model.apply(it->second.op, it->second.key, it->second.value);
        open_intent.erase(it);
        ++total_acked;
      }
    }

    EngineOptions options;
    options.path = db;
    options.trim_interval_ms = 0;
    auto opened = Engine::open(options);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    auto engine = std::move(opened).value();

    for (const auto& [thread, intent] : open_intent) {
      auto actual = engine->get_item("t", Item{{"id", intent.key}});
      ASSERT_TRUE(actual.is_ok());
      auto before = model.state[intent.key];
      auto applied = Model::after(intent.op, before, intent.value);
      if (v_of(*actual) == applied) {
        model.apply(intent.op, intent.key, intent.value);
      } else {
        ASSERT_EQ(v_of(*actual), before) << "key " << intent.key << " holds neither its "
                                         << "acknowledged value nor its in-flight one";
      }
    }

    // Every key holds what the model says.
    for (const auto& [key, v] : model.state) {
      auto actual = engine->get_item("t", Item{{"id", key}});
      ASSERT_TRUE(actual.is_ok());
      ASSERT_EQ(v_of(*actual), v) << "run " << run << " key " << key;
    }

    // The stream holds exactly the model's records, in order per key.
    auto table = std::move(engine->describe_table("t")).value();
    auto stream = std::move(engine->describe_stream(*table.latest_stream_id)).value();
    std::map<std::string, std::vector<StreamRecord>> actual_records;
    size_t record_count = 0;
    for (const auto& shard : stream.shards) {
      auto records = engine->read_shard(stream.id, shard.index, 0, SIZE_MAX);
      ASSERT_TRUE(records.is_ok());
      for (auto& record : records->records) {
        ++record_count;
        actual_records[record.keys.at("id").as<std::string>()].push_back(std::move(record));
      }
    }
    size_t expected_count = 0;
    for (const auto& [key, expected] : model.records) {
      expected_count += expected.size();
      const auto& actual = actual_records[key];
      ASSERT_EQ(actual.size(), expected.size()) << "run " << run << " key " << key;
      for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(actual[i].event, expected[i].event) << key << " #" << i;
        EXPECT_EQ(v_of(actual[i].old_image), expected[i].old_v) << key << " #" << i;
        EXPECT_EQ(v_of(actual[i].new_image), expected[i].new_v) << key << " #" << i;
        if (i > 0) {
          EXPECT_LT(actual[i - 1].sequence, actual[i].sequence);
        }
      }
    }
    ASSERT_EQ(record_count, expected_count) << "records without a change";
    uint64_t present = 0;
    for (const auto& [key, v] : model.state)
      present += v ? 1 : 0;
    EXPECT_EQ(table.item_count, present);

    // The index holds exactly the items, as they are.
    std::map<std::string, std::string> expected_index, actual_index;
    for (const auto& [key, v] : model.state) {
      if (v) expected_index[key] = *v;
    }
    ScanRequest scan;
    scan.table = "t";
    scan.index = "by-v";
    auto entries = engine->scan(scan);
    ASSERT_TRUE(entries.is_ok()) << entries.status().to_string();
    ASSERT_FALSE(entries->last_evaluated_key);
    for (const auto& entry : entries->items) {
      ASSERT_TRUE(actual_index.emplace(entry.at("id").as<std::string>(), *v_of(entry)).second)
          << "two entries for one item";
    }
    ASSERT_EQ(actual_index, expected_index) << "run " << run;
    EXPECT_EQ(table.find_index("by-v")->item_count, present);
  }
  // The test only proves something if the writer got work done.
  EXPECT_GT(total_acked, 1000u);
  std::printf("crash test: %llu acknowledged writes over %d kills\n",
              static_cast<unsigned long long>(total_acked), kRuns);
}

}  // namespace
}  // namespace eddy::storage
