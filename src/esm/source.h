// esm::RecordSource: where a mapping reads its stream's records (DESIGN "The seams": the shard
// reader). The wake-up half of the seam, a commit waking the pollers of its stream, is the
// engine's commit listener, dispatched by the MappingManager.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "storage/engine.h"

namespace eddy::esm {

class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // The stream's shards and status; kNotFound once the stream has expired.
  virtual Result<storage::StreamInfo> describe(uint32_t stream_id) const = 0;
  // Up to `limit` records of one shard from `from` on, in order, and whether they end a
  // closed shard; kTrimmed when `from` is below the shard's trim horizon.
  virtual Result<storage::ShardRead> read(uint32_t stream_id, uint32_t shard, uint64_t from,
                                          size_t limit) const = 0;
  // The last sequence number issued anywhere: where LATEST starts.
  virtual uint64_t last_sequence() const = 0;
};

class EngineSource final : public RecordSource {
 public:
  explicit EngineSource(const storage::Engine& engine) : engine_(engine) {}
  Result<storage::StreamInfo> describe(uint32_t stream_id) const override {
    return engine_.describe_stream(stream_id);
  }
  Result<storage::ShardRead> read(uint32_t stream_id, uint32_t shard, uint64_t from,
                                  size_t limit) const override {
    return engine_.read_shard(stream_id, shard, from, limit);
  }
  uint64_t last_sequence() const override { return engine_.last_sequence(); }

 private:
  const storage::Engine& engine_;
};

}  // namespace eddy::esm
