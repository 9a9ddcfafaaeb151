// esm::Mapping: one running event source mapping. A supervisor thread starts one poller per
// shard whose parent is finished (parents before children, so an item's records arrive in
// order across shard rollovers); each poller is a loop over the three seams: read records
// from the source, hand them to a BatchProcessor (the sink, with Lambda's error handling), and
// save the position in the checkpoint store.
//
// Push, not poll (DESIGN decision 3): notify() (a commit on the stream) wakes the pollers at
// once; only the batching window decides how long to gather. A one-second tick is kept only to
// notice shards that close, which no commit announces.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "common/clock.h"
#include "esm/batch.h"
#include "esm/checkpoint.h"
#include "esm/destination.h"
#include "esm/filter.h"
#include "esm/mapping_config.h"
#include "esm/metrics.h"
#include "esm/sink.h"
#include "esm/source.h"
#include "esm/window.h"

namespace eddy::esm {

struct MappingDeps {
  RecordSource& source;
  FunctionSink& sink;
  CheckpointStore& checkpoints;
  const Clock& clock;
  std::string region;
};

struct MappingTarget {
  uint32_t stream_id = 0;
  std::string stream_arn;
  storage::StreamViewType view_type = storage::StreamViewType::kNewImage;
  std::string function_arn;
};

class Mapping {
 public:
  Mapping(MappingConfig config, MappingTarget target, MappingDeps deps, FilterCriteria filters,
          std::unique_ptr<FailureDestination> destination, std::shared_ptr<MappingMetrics> metrics);
  ~Mapping();  // stop()

  void start();
  // Stops the pollers and waits for them; an invocation in flight is waited for (its result
  // is not checkpointed: at least once).
  void stop();
  // A record was committed on the stream.
  void notify();
  // Every shard of a disabled stream has been read to its end (its table was deleted).
  bool drained() const;

  const MappingConfig& config() const { return config_; }
  uint32_t stream_id() const { return target_.stream_id; }

 private:
  class StopAwarePause;
  void supervise();
  void poll(storage::ShardInfo shard);
  // Waits until a commit arrives after `generation`, until `deadline_ms`, or until stopping.
  // Returns false when stopping.
  bool wait_for_commit(uint64_t generation, int64_t timeout_ms);
  Result<uint64_t> start_position(const storage::ShardInfo& shard);
  bool save(const storage::ShardInfo& shard, uint64_t next);
  bool deliver(const storage::ShardInfo& shard, std::vector<Delivery> deliveries);
  // Tumbling windows (window.h): the open window of a shard and its state.
  struct TumblingState {
    std::optional<Window> window;
    std::string state = "{}";
  };
  bool deliver_to_window(const storage::ShardInfo& shard, TumblingState& tumbling,
                         const std::vector<Delivery>& deliveries);
  // The final invocation of the open window (if any), then the position saved and the state
  // dropped. False when the mapping stopped first.
  bool close_window(const storage::ShardInfo& shard, TumblingState& tumbling, uint64_t next,
                    bool terminated_early);

  const MappingConfig config_;
  const MappingTarget target_;
  MappingDeps deps_;
  const FilterCriteria filters_;
  const std::unique_ptr<FailureDestination> destination_;
  const std::shared_ptr<MappingMetrics> metrics_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // commits, finished pollers, stop
  uint64_t generation_ = 0;     // commits seen
  bool stopping_ = false;
  bool drained_ = false;
  std::set<uint32_t> done_;                  // shards read to their end
  std::map<uint32_t, std::thread> pollers_;  // by shard index
  std::set<uint32_t> finished_;              // pollers that returned, to be joined
  std::thread supervisor_;
};

}  // namespace eddy::esm
