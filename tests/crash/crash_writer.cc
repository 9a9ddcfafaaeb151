// The child of the crash test: writes to an Eddy database from several threads until it is
// SIGKILLed, logging each write's intent before submitting it and its acknowledgement after.
//
//   crash_writer <db_path> <log_path> <run> <threads>
//
// Log lines (one write(2) each, O_APPEND, so lines from threads never interleave and survive
// the kill in the page cache):  I <thread> <op> <key> <value>   then   A <thread>
// op: P = put {id, v}; U = update setting v (creates if absent); N = update that changes
// nothing; D = delete. Each thread owns its keys, so per-key order is the thread's order.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/engine.h"

using eddy::Result;
using eddy::Status;
using eddy::model::AttributeValue;
using eddy::model::Item;
namespace storage = eddy::storage;

namespace {

void log_line(int fd, const std::string& line) {
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: crash_writer <db_path> <log_path> <run> <threads>\n");
    return 2;
  }
  const std::string run = argv[3];
  const int threads = std::stoi(argv[4]);
  storage::EngineOptions options;
  options.path = argv[1];
  options.durability = storage::Durability::kSync;
  options.stream_shards = 2;
  auto opened = storage::Engine::open(options);
  if (!opened) {
    std::fprintf(stderr, "open: %s\n", opened.status().to_string().c_str());
    return 1;
  }
  auto engine = std::move(opened).value();
  if (engine->list_tables().empty()) {
    storage::TableSpec spec;
    spec.name = "t";
    spec.key_schema.partition = {"id", eddy::model::KeyType::S};
    spec.stream = {true, storage::StreamViewType::kNewAndOldImages};
    // A global index on v: its entries are written in the items' batches and must survive
    // every kill exactly as the items do.
    storage::IndexSpec index;
    index.name = "by-v";
    index.key_schema.partition = {"v", eddy::model::KeyType::S};
    spec.indexes.push_back(index);
    if (!engine->create_table(spec)) return 1;
  }
  const int fd = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return 1;

  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 random(std::random_device{}());
      for (uint64_t n = 0;; ++n) {
        const std::string id = "t" + std::to_string(t) + "-k" + std::to_string(random() % 8);
        const std::string value = run + "." + std::to_string(t) + "." + std::to_string(n);
        const char op = "PUND"[random() % 4];
        Item key{{"id", AttributeValue(id)}};
        storage::ItemWrite write{"t", key, storage::Delete{}, {}, false};
        switch (op) {
          case 'P':
            write.mutation =
                storage::Put{Item{{"id", AttributeValue(id)}, {"v", AttributeValue(value)}}};
            break;
          case 'U':
            write.mutation = storage::Update{[id, value](const Item* current) {
              Item next = current ? *current : Item{{"id", AttributeValue(id)}};
              next["v"] = AttributeValue(value);
              return Result<std::optional<Item>>(std::optional<Item>(next));
            }};
            break;
          case 'N':
            write.mutation = storage::Update{[](const Item* current) {
              return Result<std::optional<Item>>(current ? std::optional<Item>(*current)
                                                         : std::nullopt);
            }};
            break;
          default:
            break;
        }
        log_line(fd, "I " + std::to_string(t) + " " + op + " " + id + " " + value + "\n");
        storage::WriteUnit unit;
        unit.writes.push_back(std::move(write));
        auto result = engine->write(std::move(unit));
        if (!result.status.is_ok()) {
          std::fprintf(stderr, "write: %s\n", result.status.to_string().c_str());
          std::abort();
        }
        log_line(fd, "A " + std::to_string(t) + "\n");
      }
    });
  }
  for (auto& worker : workers)
    worker.join();
}
