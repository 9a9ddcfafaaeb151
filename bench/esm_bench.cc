// Event source mappings: latency from a write acknowledged to its record's function
// invocation (p50/p99/p999 at 1k and 10k writes/s), and records/s through one mapping with
// BatchSize 100 and 1000. In process (engine, function runtime, mapping manager; no HTTP), on
// a durable engine (sync, as eddy serve by default), so the figures are the mapping's own.
//
// Baselines measured in the same run, because these machines are noisy:
//   latency:    write acknowledged -> a thread woken by the engine's commit listener (the raw
//               push signal every mapping builds on);
//   throughput: reading the same records with Engine::read_shard, 1000 at a time, invoking
//               nothing.
//
//   ./build/bench/bench_esm [--seconds 3] [--records 200000]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "esm/manager.h"
#include "functions/builtin.h"

using namespace eddy;
using Steady = std::chrono::steady_clock;

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch())
      .count();
}

struct Percentiles {
  double p50, p99, p999, max;
};

Percentiles percentiles(std::vector<int64_t> ns) {
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) {
    return ns[std::min(ns.size() - 1, static_cast<size_t>(q * static_cast<double>(ns.size())))] /
           1000.0;
  };
  return {at(0.50), at(0.99), at(0.999), ns.back() / 1000.0};
}

struct Bench {
  std::filesystem::path dir;
  std::unique_ptr<storage::Engine> engine;
  std::unique_ptr<functions::Runtime> runtime;
  std::unique_ptr<esm::MappingManager> mappings;
  functions::BuiltinRegistry registry;

  // Per item number: when its write was acknowledged, when its function saw it.
  std::vector<std::atomic<int64_t>> acked, invoked;
  std::atomic<size_t> delivered{0};

  explicit Bench(size_t capacity) : acked(capacity), invoked(capacity) {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("eddy-bench-esm-" + std::to_string(rd()));
    storage::EngineOptions options;
    options.path = dir.string();
    options.durability = storage::Durability::kSync;
    options.trim_interval_ms = 0;
    options.shard_rollover_ms = 0;
    engine = std::move(storage::Engine::open(options)).value();
    functions::RuntimeOptions runtime_options;
    runtime_options.default_concurrency = 4;
    runtime = std::make_unique<functions::Runtime>(runtime_options);
    registry.add("bench.stamp", [this](const std::string& event, const auto&) {
      const int64_t t = now_ns();
      rapidjson::Document doc;
      doc.Parse(event.c_str());
      for (const auto& record : doc["Records"].GetArray()) {
        const char* id = record["dynamodb"]["Keys"]["id"]["S"].GetString();
        invoked[std::strtoull(id + 1, nullptr, 10)].store(t, std::memory_order_relaxed);
      }
      delivered.fetch_add(doc["Records"].Size(), std::memory_order_relaxed);
      return std::string("null");
    });
    functions::FunctionConfig config;
    config.name = "stamp";
    config.handler = "builtin:bench.stamp";
    (void)runtime->deploy(
        config, std::make_shared<functions::BuiltinFunction>(registry.find("builtin:bench.stamp")));
    mappings =
        std::make_unique<esm::MappingManager>(*engine, *runtime, nullptr, esm::ManagerOptions{});
    (void)mappings->start();
  }
  ~Bench() {
    mappings.reset();
    runtime.reset();
    engine.reset();
    std::filesystem::remove_all(dir);
  }

  std::string make_table(const std::string& name) {
    storage::TableSpec spec;
    spec.name = name;
    spec.key_schema.partition = {"id", model::KeyType::S};
    spec.attribute_definitions = {{"id", model::KeyType::S}};
    spec.stream = {true, storage::StreamViewType::kNewImage};
    (void)engine->create_table(spec);
    return *mappings->table_stream_arn(name);
  }

  storage::WriteUnit put(const std::string& table, size_t n) {
    model::Item key{{"id", model::AttributeValue("i" + std::to_string(n))}};
    model::Item item = key;
    item.emplace("body", model::AttributeValue(std::string(100, 'x')));
    return storage::WriteUnit{{storage::ItemWrite{table, key, storage::Put{item}, {}, false}}};
  }

  // Submits `count` writes at `rate` per second; `on_ack(n)` when each is acknowledged.
  void paced_writes(const std::string& table, size_t first, size_t count, double rate) {
    const auto start = Steady::now();
    std::atomic<size_t> pending{count};
    for (size_t i = 0; i < count; ++i) {
      std::this_thread::sleep_until(start +
                                    std::chrono::nanoseconds(static_cast<int64_t>(i * 1e9 / rate)));
      const size_t n = first + i;
      engine->submit(put(table, n), [this, n, &pending](storage::WriteResult) {
        acked[n].store(now_ns(), std::memory_order_relaxed);
        pending.fetch_sub(1);
      });
    }
    while (pending.load() > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  size_t records = 200'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--records") == 0) records = std::strtoull(argv[i + 1], nullptr, 10);
  }
  const double rates[] = {1000, 10000};
  size_t capacity = records * 3;
  for (double rate : rates)
    capacity += static_cast<size_t>(rate * seconds) * 2;
  Bench bench(capacity);
  size_t next = 0;

  std::printf("## Write acknowledged -> function invoked (%.0f s per rate)\n\n", seconds);
  std::printf("| rate | what | samples | p50 µs | p99 µs | p99.9 µs | max µs |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (double rate : rates) {
    const size_t count = static_cast<size_t>(rate * seconds);
    // Baseline: the engine's commit listener (called right after the acknowledgements of a
    // commit group) waking a waiting thread: the push signal a mapping builds on. One sample
    // per wake-up: woken minus notified.
    {
      const std::string table = "base" + std::to_string(static_cast<int>(rate));
      bench.make_table(table);
      // The engine keeps its listeners: the state outlives this block, and goes quiet.
      struct Signal {
        std::mutex mu;
        std::condition_variable cv;
        int64_t notified = 0;
        bool stop = false;
      };
      auto signal = std::make_shared<Signal>();
      std::vector<int64_t> latencies;
      bench.engine->add_commit_listener([signal](uint32_t, uint32_t, uint64_t) {
        std::lock_guard lock(signal->mu);
        if (signal->stop) return;
        if (signal->notified == 0) signal->notified = now_ns();
        signal->cv.notify_all();
      });
      std::thread waiter([&] {
        std::unique_lock lock(signal->mu);
        while (!signal->stop) {
          signal->cv.wait(lock, [&] { return signal->stop || signal->notified != 0; });
          if (signal->notified != 0) latencies.push_back(now_ns() - signal->notified);
          signal->notified = 0;
        }
      });
      const size_t first = next;
      bench.paced_writes(table, first, count, rate);
      {
        std::lock_guard lock(signal->mu);
        signal->stop = true;
      }
      signal->cv.notify_all();
      waiter.join();
      next += count;
      auto p = percentiles(latencies);
      std::printf(
          "| %.0f/s | baseline: commit listener wakes a thread | %zu wake-ups | %.0f | %.0f | %.0f "
          "| %.0f |\n",
          rate, latencies.size(), p.p50, p.p99, p.p999, p.max);
    }
    // The mapping.
    {
      const std::string table = "lat" + std::to_string(static_cast<int>(rate));
      esm::MappingConfig config;
      config.function_name = "stamp";
      config.event_source_arn = bench.make_table(table);
      config.starting_position = esm::StartingPosition::kLatest;
      (void)bench.mappings->create(config);
      bench.mappings->wait_idle();
      const size_t first = next;
      const size_t before = bench.delivered.load();
      bench.paced_writes(table, first, count, rate);
      while (bench.delivered.load() < before + count)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      std::vector<int64_t> latencies;
      for (size_t i = 0; i < count; ++i) {
        latencies.push_back(
            std::max<int64_t>(0, bench.invoked[first + i].load() - bench.acked[first + i].load()));
      }
      next += count;
      auto p = percentiles(latencies);
      std::printf("| %.0f/s | mapping: function invoked | %zu | %.0f | %.0f | %.0f | %.0f |\n",
                  rate, count, p.p50, p.p99, p.p999, p.max);
    }
  }

  std::printf("\n## Records/s through one mapping (%zu records already in the stream)\n\n",
              records);
  std::printf(
      "| BatchSize | what | seconds | records/s | ratio to baseline |\n|---|---|---|---|---|\n");
  for (uint32_t batch_size : {100u, 1000u}) {
    const std::string table = "tp" + std::to_string(batch_size);
    const std::string arn = bench.make_table(table);
    const size_t first = next;
    for (size_t done = 0; done < records;) {
      storage::WriteUnit unit;
      for (size_t i = 0; i < 100 && done < records; ++i, ++done)
        unit.writes.push_back(bench.put(table, first + done).writes[0]);
      (void)bench.engine->write(std::move(unit));
    }
    next += records;
    // Baseline: read every record of the stream, 1000 at a time.
    double baseline = 0;
    {
      const auto streams = bench.engine->list_streams();
      const auto& stream = streams.back();
      const auto start = Steady::now();
      size_t read = 0;
      for (const auto& shard : stream.shards) {
        uint64_t from = 0;
        for (;;) {
          auto page = bench.engine->read_shard(stream.id, shard.index, from, 1000);
          if (!page.is_ok() || page->records.empty()) break;
          read += page->records.size();
          from = page->records.back().sequence + 1;
        }
      }
      const double s = std::chrono::duration<double>(Steady::now() - start).count();
      baseline = read / s;
      std::printf("| %u | baseline: read_shard, no invocation | %.2f | %.0f | 1.00 |\n", batch_size,
                  s, baseline);
    }
    esm::MappingConfig config;
    config.function_name = "stamp";
    config.event_source_arn = arn;
    config.batch_size = batch_size;
    const size_t before = bench.delivered.load();
    const auto start = Steady::now();
    (void)bench.mappings->create(config);
    while (bench.delivered.load() < before + records)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    const double s = std::chrono::duration<double>(Steady::now() - start).count();
    std::printf("| %u | mapping: delivered to the function | %.2f | %.0f | %.2f |\n", batch_size, s,
                records / s, records / s / baseline);
  }
  return 0;
}
