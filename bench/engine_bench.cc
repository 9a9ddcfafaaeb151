// Engine write throughput against the disk's own fsync rate, and read/write latencies.
//
//   bench_engine [--dir DIR] [--seconds S] [--writers N]
//
// Prints, all measured in this one run on the same disk:
//  - the raw fdatasync rate (4 KiB appends + fdatasync, one thread): the ceiling for a store
//    that syncs every write on its own;
//  - PutItem-like engine writes (unique ids, ~400-byte items, sync durability) with 1, 16 and
//    64 concurrent writers: ops/s and the ratio to the fdatasync rate (group commit at work);
//  - put, get and query latency percentiles with one client;
//  - the process's RSS after the steady runs, and its peak.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "storage/engine.h"

using namespace eddy;
using namespace eddy::storage;
using Steady = std::chrono::steady_clock;
using model::AttributeValue;
using model::Item;

namespace {

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

double fdatasync_rate(const std::string& dir, double seconds) {
  const std::string path = dir + "/fsync-probe";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 0;
  std::string block(4096, 'x');
  uint64_t n = 0;
  auto start = Steady::now();
  while (seconds_since(start) < seconds) {
    if (::write(fd, block.data(), block.size()) < 0 || ::fdatasync(fd) != 0) break;
    ++n;
  }
  double rate = n / seconds_since(start);
  ::close(fd);
  std::filesystem::remove(path);
  return rate;
}

Item note(const std::string& id) {
  // ~400 bytes, like a note: title, content, a count.
  return Item{{"id", AttributeValue(id)},
              {"title", AttributeValue(std::string("A note about benchmarks"))},
              {"content", AttributeValue(std::string(340, 'w'))},
              {"wordCount", AttributeValue(model::Number::from_int64(57))}};
}

WriteUnit put_unit(const std::string& table, const std::string& id) {
  WriteUnit unit;
  unit.writes.push_back(
      ItemWrite{table, Item{{"id", AttributeValue(id)}}, Put{note(id)}, {}, false});
  return unit;
}

double write_rate(Engine& engine, const std::string& table, int writers, double seconds) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0};
  std::vector<std::thread> threads;
  auto start = Steady::now();
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (uint64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        auto result = engine.write(put_unit(table, fmt::format("w{}-{}-{}", writers, w, i)));
        if (!result.status.is_ok()) std::abort();
        done.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads)
    t.join();
  return done.load() / seconds_since(start);
}

// N writes kept in flight by two client threads, the way the server drives the engine: each
// completion callback hands its slot back, and a client thread submits that slot's next write.
// (One blocked OS thread per writer, as write_rate does, mostly measures the scheduler.)
double async_write_rate(Engine& engine, const std::string& table, int in_flight, double seconds) {
  std::mutex mu;
  std::condition_variable cv;
  int free_slots = in_flight;  // writes that may be submitted now
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0}, outstanding{0};
  std::vector<std::thread> clients;
  auto start = Steady::now();
  for (int c = 0; c < 2; ++c) {
    clients.emplace_back([&, c] {
      uint64_t i = 0;
      for (;;) {
        int slots;
        {
          // Like an event loop: take every slot freed since the last wake-up.
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return stop.load() || free_slots > 0; });
          if (stop.load()) return;
          slots = free_slots;
          free_slots = 0;
        }
        for (int s = 0; s < slots; ++s, ++i) {
          outstanding.fetch_add(1);
          engine.submit(put_unit(table, fmt::format("a{}-{}-{}", in_flight, c, i)),
                        [&](WriteResult result) {
                          if (!result.status.is_ok()) std::abort();
                          done.fetch_add(1, std::memory_order_relaxed);
                          {
                            std::lock_guard lock(mu);
                            ++free_slots;
                          }
                          outstanding.fetch_sub(1);
                          cv.notify_one();
                        });
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  cv.notify_all();
  for (auto& t : clients)
    t.join();
  while (outstanding.load() != 0)
    std::this_thread::yield();
  return done.load() / seconds_since(start);
}

// The engine's own ceiling: one thread submits `count` writes without waiting, then waits for
// all of them. Groups grow as large as the writer allows; no per-write wake-ups of clients.
double flood_write_rate(Engine& engine, const std::string& table, int count) {
  std::mutex mu;
  std::condition_variable cv;
  int remaining = count;
  auto start = Steady::now();
  for (int i = 0; i < count; ++i) {
    engine.submit(put_unit(table, fmt::format("f{}", i)), [&](WriteResult result) {
      if (!result.status.is_ok()) std::abort();
      std::lock_guard lock(mu);
      if (--remaining == 0) cv.notify_one();
    });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return remaining == 0; });
  return count / seconds_since(start);
}

double current_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

struct Percentiles {
  double p50, p99, p999;
};
Percentiles percentiles(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))];
  };
  return {at(0.50), at(0.99), at(0.999)};
}

template <typename F>
Percentiles time_each(int n, F&& f) {
  std::vector<double> us;
  us.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto start = Steady::now();
    f(i);
    us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - start).count());
  }
  return percentiles(std::move(us));
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::filesystem::temp_directory_path() / "eddy-bench";
  double seconds = 3;
  std::vector<int> writer_counts = {1, 16, 64};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--seconds") seconds = std::stod(argv[i + 1]);
    if (flag == "--writers") writer_counts = {std::stoi(argv[i + 1])};
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  const double fsync = fdatasync_rate(dir, seconds);
  std::printf("disk: %s\n", dir.c_str());
  std::printf("%-40s %9.0f ops/s\n", "fdatasync (4 KiB, 1 thread)", fsync);

  EngineOptions options;
  options.path = dir + "/db";
  options.durability = Durability::kSync;
  auto engine = std::move(Engine::open(options)).value();
  TableSpec spec;
  spec.name = "notes";
  spec.key_schema.partition = {"id", model::KeyType::S};
  spec.stream = {true, StreamViewType::kNewImage};
  if (!engine->create_table(spec)) return 1;

  auto measure = [&](const std::string& label, auto&& run) {
    const auto before = engine->metrics();
    rusage cpu_before{}, cpu_after{};
    ::getrusage(RUSAGE_SELF, &cpu_before);
    double rate = run();
    ::getrusage(RUSAGE_SELF, &cpu_after);
    const auto after = engine->metrics();
    const double units = after.committed_units - before.committed_units;
    const double syncs = after.syncs - before.syncs;
    auto cpu_s = [](const rusage& u) {
      return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
             (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    };
    std::printf("%-40s %9.0f ops/s %6.1fx fdatasync  (%6.1f writes/sync, %5.1f us CPU/op)\n",
                label.c_str(), rate, rate / fsync, units / std::max(syncs, 1.0),
                (cpu_s(cpu_after) - cpu_s(cpu_before)) * 1e6 / std::max(units, 1.0));
  };
  for (int writers : writer_counts) {
    measure("engine put, sync, " + std::to_string(writers) + " in flight",
            [&] { return async_write_rate(*engine, "notes", writers, seconds); });
  }
  const double steady_rss = current_rss_mb();
  measure("engine put, sync, 100k submitted at once",
          [&] { return flood_write_rate(*engine, "notes", 100'000); });
  for (int writers : writer_counts) {
    measure("  same, " + std::to_string(writers) + " blocked threads",
            [&] { return write_rate(*engine, "notes", writers, seconds); });
  }

  TableSpec range;
  range.name = "events";
  range.key_schema.partition = {"pk", model::KeyType::S};
  range.key_schema.sort = model::KeyAttribute{"sk", model::KeyType::N};
  if (!engine->create_table(range)) return 1;
  for (int i = 0; i < 10000; ++i) {
    Item key{{"pk", AttributeValue(fmt::format("p{}", i % 100))},
             {"sk", AttributeValue(model::Number::from_int64(i))}};
    Item item = key;
    item["payload"] = AttributeValue(std::string(300, 'p'));
    WriteUnit unit;
    unit.writes.push_back(ItemWrite{"events", key, Put{item}, {}, false});
    if (!engine->write(std::move(unit)).status.is_ok()) return 1;
  }

  const int n = 5000;
  auto put = time_each(n, [&](int i) {
    if (!engine->write(put_unit("notes", fmt::format("lat-{}", i))).status.is_ok()) std::abort();
  });
  auto get = time_each(n * 10, [&](int i) {
    auto r = engine->get_item("notes", Item{{"id", AttributeValue(fmt::format("lat-{}", i % n))}});
    if (!r || !r->has_value()) std::abort();
  });
  auto query = time_each(n, [&](int i) {
    QueryRequest q;
    q.table = "events";
    q.partition_value = AttributeValue(fmt::format("p{}", i % 100));
    q.limit = 20;
    auto r = engine->query(q);
    if (!r || r->items.size() != 20) std::abort();
  });
  std::printf("%-34s p50 %8.1f us  p99 %8.1f us  p99.9 %8.1f us\n", "put latency (sync, 1 client)",
              put.p50, put.p99, put.p999);
  std::printf("%-34s p50 %8.1f us  p99 %8.1f us  p99.9 %8.1f us\n", "get latency", get.p50, get.p99,
              get.p999);
  std::printf("%-34s p50 %8.1f us  p99 %8.1f us  p99.9 %8.1f us\n", "query latency (20 items)",
              query.p50, query.p99, query.p999);

  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  std::printf("%-34s %12.1f MB\n", "RSS after the in-flight runs", steady_rss);
  std::printf("%-34s %12.1f MB  (holds 100k queued writes)\n", "peak RSS",
              usage.ru_maxrss / 1024.0);
  engine.reset();
  std::filesystem::remove_all(dir);
}
