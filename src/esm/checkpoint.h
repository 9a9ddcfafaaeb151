// esm::CheckpointStore: where a mapping keeps its position in each shard (DESIGN "The seams",
// decision 4). A position is the next sequence number to deliver; it is saved only after the
// records before it were delivered or their on-failure record is durable, so a restart, even
// after kill -9, re-delivers (at least once) and never skips.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"
#include "storage/engine.h"

namespace eddy::esm {

class CheckpointStore {
 public:
  virtual ~CheckpointStore() = default;
  virtual Result<std::optional<uint64_t>> load(const std::string& mapping, uint32_t stream_id,
                                               uint32_t shard) = 0;
  // Durable when it returns.
  virtual Status save(const std::string& mapping, uint32_t stream_id, uint32_t shard,
                      uint64_t next_sequence) = 0;
  // Drops every position of a mapping (deleted, or moved to another stream).
  virtual Status forget(const std::string& mapping) = 0;
};

// In the engine's durable state: "esm/checkpoint/<mapping>/<stream:08x><shard:08x>".
class EngineCheckpointStore final : public CheckpointStore {
 public:
  explicit EngineCheckpointStore(storage::Engine& engine) : engine_(engine) {}
  Result<std::optional<uint64_t>> load(const std::string& mapping, uint32_t stream_id,
                                       uint32_t shard) override;
  Status save(const std::string& mapping, uint32_t stream_id, uint32_t shard,
              uint64_t next_sequence) override;
  Status forget(const std::string& mapping) override;

 private:
  storage::Engine& engine_;
};

// For unit tests.
class MemoryCheckpointStore final : public CheckpointStore {
 public:
  Result<std::optional<uint64_t>> load(const std::string& mapping, uint32_t stream_id,
                                       uint32_t shard) override;
  Status save(const std::string& mapping, uint32_t stream_id, uint32_t shard,
              uint64_t next_sequence) override;
  Status forget(const std::string& mapping) override;

 private:
  std::mutex mu_;
  std::map<std::string, uint64_t> positions_;
};

}  // namespace eddy::esm
