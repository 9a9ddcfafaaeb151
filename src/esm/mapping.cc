#include "esm/mapping.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>

#include "esm/processor.h"
#include "esm/window.h"
#include "model/json_codec.h"
#include "streams/record_json.h"

namespace eddy::esm {

namespace {

constexpr int64_t kTickMs = 1000;
// A window is closed this long after its end by the clock: a record created just before the
// end may still be committing.
constexpr int64_t kWindowGraceMs = 100;

}  // namespace

class Mapping::StopAwarePause final : public Pause {
 public:
  explicit StopAwarePause(Mapping& mapping) : mapping_(mapping) {}
  bool wait_ms(int64_t ms) override {
    std::unique_lock lock(mapping_.mu_);
    mapping_.cv_.wait_for(lock, std::chrono::milliseconds(ms),
                          [this] { return mapping_.stopping_; });
    return !mapping_.stopping_;
  }

 private:
  Mapping& mapping_;
};

Mapping::Mapping(MappingConfig config, MappingTarget target, MappingDeps deps,
                 FilterCriteria filters, std::unique_ptr<FailureDestination> destination,
                 std::shared_ptr<MappingMetrics> metrics)
    : config_(std::move(config)),
      target_(std::move(target)),
      deps_(std::move(deps)),
      filters_(std::move(filters)),
      destination_(std::move(destination)),
      metrics_(std::move(metrics)) {}

Mapping::~Mapping() {
  stop();
}

void Mapping::start() {
  supervisor_ = std::thread([this] { supervise(); });
}

void Mapping::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (supervisor_.joinable()) supervisor_.join();
}

void Mapping::notify() {
  {
    std::lock_guard lock(mu_);
    ++generation_;
  }
  cv_.notify_all();
}

bool Mapping::drained() const {
  std::lock_guard lock(mu_);
  return drained_;
}

bool Mapping::wait_for_commit(uint64_t generation, int64_t timeout_ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(timeout_ms, 0)),
               [&] { return stopping_ || generation_ != generation; });
  return !stopping_;
}

void Mapping::supervise() {
  for (;;) {
    std::unique_lock lock(mu_);
    for (uint32_t index : finished_) {
      auto it = pollers_.find(index);
      if (it != pollers_.end()) {
        it->second.join();
        pollers_.erase(it);
      }
    }
    finished_.clear();
    if (stopping_) break;
    lock.unlock();

    auto stream = deps_.source.describe(target_.stream_id);
    lock.lock();
    if (!stream.is_ok()) {
      // The stream expired with its records: nothing is left to read.
      drained_ = true;
    } else {
      bool all_done = true;
      for (const auto& shard : stream->shards) {
        if (done_.contains(shard.index)) continue;
        all_done = false;
        if (pollers_.contains(shard.index)) continue;
        if (shard.parent_shard_id) {
          // A parent still listed and not finished holds its children back.
          bool parent_pending = false;
          for (const auto& other : stream->shards) {
            if (other.shard_id == *shard.parent_shard_id && !done_.contains(other.index)) {
              parent_pending = true;
            }
          }
          if (parent_pending) continue;
        }
        pollers_.emplace(shard.index, std::thread([this, shard] { poll(shard); }));
      }
      drained_ = all_done && stream->status == storage::StreamStatus::kDisabled;
    }
    cv_.wait_for(lock, std::chrono::milliseconds(kTickMs),
                 [this] { return stopping_ || !finished_.empty(); });
  }
  // Stopping: every poller sees stopping_ and returns.
  std::map<uint32_t, std::thread> pollers;
  {
    std::lock_guard lock(mu_);
    pollers.swap(pollers_);
  }
  for (auto& [index, thread] : pollers)
    thread.join();
}

Result<uint64_t> Mapping::start_position(const storage::ShardInfo& shard) {
  EDDY_ASSIGN_OR_RETURN(auto saved,
                        deps_.checkpoints.load(config_.uuid, target_.stream_id, shard.index));
  if (saved) return *saved;
  // No position yet: LATEST positions were saved when the mapping was created, so a shard
  // without one is a child shard born later, read from its start either way.
  return std::max(shard.starting_sequence, shard.trim_horizon);
}

bool Mapping::save(const storage::ShardInfo& shard, uint64_t next) {
  StopAwarePause pause(*this);
  for (int64_t attempt = 1;; ++attempt) {
    if (deps_.checkpoints.save(config_.uuid, target_.stream_id, shard.index, next).is_ok()) {
      return true;
    }
    if (!pause.wait_ms(retry_backoff_ms(attempt))) return false;
  }
}

void Mapping::poll(storage::ShardInfo shard) {
  auto finish = [&](bool done) {
    std::lock_guard lock(mu_);
    if (done) done_.insert(shard.index);
    finished_.insert(shard.index);
    cv_.notify_all();
  };
  StopAwarePause pause(*this);
  uint64_t position = 0;
  for (int64_t attempt = 1;; ++attempt) {
    auto start = start_position(shard);
    if (start.is_ok()) {
      position = *start;
      break;
    }
    if (!pause.wait_ms(retry_backoff_ms(attempt))) return finish(false);
  }

  const size_t batch_size = config_.batch_size;
  const bool windowed = config_.tumbling_window_ms > 0;
  TumblingState tumbling;
  auto window_due = [&] {
    return tumbling.window && deps_.clock.now_ms() >= tumbling.window->end_ms + kWindowGraceMs;
  };
  for (;;) {
    uint64_t generation;
    bool stopping;
    {
      std::lock_guard lock(mu_);
      stopping = stopping_;
      generation = generation_;
    }
    if (stopping) return finish(false);  // finish() takes the lock itself
    auto read = deps_.source.read(target_.stream_id, shard.index, position, batch_size);
    if (!read.is_ok()) {
      if (read.status().code() == Code::kTrimmed) {
        // Records expired unread (retention): continue from the oldest one left.
        auto stream = deps_.source.describe(target_.stream_id);
        if (stream.is_ok() && shard.index < stream->shards.size()) {
          position = std::max(position, stream->shards[shard.index].trim_horizon);
          continue;
        }
      }
      if (read.status().code() == Code::kNotFound) return finish(true);
      if (!pause.wait_ms(kTickMs)) return finish(false);
      continue;
    }
    if (read->records.empty()) {
      // A window ends with its time, or with its shard (reference §2.8 rule 4).
      if ((read->end_of_shard && tumbling.window) || window_due()) {
        if (!close_window(shard, tumbling, position, false)) return finish(false);
      }
      if (read->end_of_shard) return finish(true);
      // A shard closes without a commit to announce it: the tick reads again.
      int64_t wait_ms = kTickMs;
      if (tumbling.window) {
        wait_ms = std::clamp<int64_t>(
            tumbling.window->end_ms + kWindowGraceMs - deps_.clock.now_ms(), 1, kTickMs);
      }
      if (!wait_for_commit(generation, wait_ms)) return finish(false);
      continue;
    }
    if (config_.max_batching_window_ms > 0 && read->records.size() < batch_size &&
        !read->end_of_shard) {
      // Gather until the batch is full or the window ends (reference §2.4 rule 2).
      const auto deadline = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(config_.max_batching_window_ms);
      while (read->records.size() < batch_size && !read->end_of_shard) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) break;
        {
          std::lock_guard lock(mu_);
          generation = generation_;
        }
        auto more = deps_.source.read(target_.stream_id, shard.index, position, batch_size);
        if (more.is_ok() && (more->records.size() > read->records.size() || more->end_of_shard)) {
          read = std::move(more);
          continue;
        }
        if (!wait_for_commit(generation, left)) return finish(false);
      }
    }
    std::vector<storage::StreamRecord>& records = read->records;

    bool window_full = false;
    if (windowed) {
      // Only the current window's records go into this batch (by creation time).
      if (!tumbling.window) {
        tumbling.window = window_of(records.front().creation_ms, config_.tumbling_window_ms);
      }
      size_t in_window = 0;
      while (in_window < records.size() &&
             records[in_window].creation_ms < tumbling.window->end_ms) {
        ++in_window;
      }
      if (in_window == 0) {
        if (!close_window(shard, tumbling, position, false)) return finish(false);
        continue;
      }
      window_full = in_window < records.size();
      records.resize(in_window);
    }

    // Lambda's IteratorAge: the batch's read time minus its last record's write time.
    metrics_->iterator_age_ms.store(deps_.clock.now_ms() - records.back().creation_ms,
                                    std::memory_order_relaxed);
    std::vector<Delivery> deliveries;
    deliveries.reserve(records.size());
    size_t event_bytes = kEventOverheadBytes;
    uint64_t next = position;
    for (const auto& record : records) {
      rapidjson::StringBuffer buffer;
      model::JsonWriter writer(buffer);
      streams::write_stream_record(writer, record, target_.view_type, deps_.region,
                                   target_.stream_arn);
      std::string json(buffer.GetString(), buffer.GetSize());
      // The batch ends before the record that would take it past 6 MB (never empty). The
      // window then still has records to read: it is not full yet.
      if (event_bytes + json.size() + 1 > kMaxEventBytes && next != position) {
        window_full = false;
        break;
      }
      event_bytes += json.size() + 1;
      next = record.sequence + 1;
      if (!filters_.empty() && !filters_.matches_json(json)) {
        // Filtered out: consumed, never sent nor retried (reference §2.9 rule 4).
        metrics_->records_filtered.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      Delivery delivery{record.sequence, record.creation_ms, std::move(json), {}};
      if (config_.parallelization_factor > 1) {
        rapidjson::StringBuffer keys;
        model::JsonWriter key_writer(keys);
        model::encode_item(record.keys, key_writer);
        delivery.key.assign(keys.GetString(), keys.GetSize());
      }
      deliveries.push_back(std::move(delivery));
    }
    if (windowed) {
      // The position is saved only when the window closes: a restart replays the window.
      if (!deliveries.empty() && !deliver_to_window(shard, tumbling, deliveries)) {
        return finish(false);
      }
      position = next;
      const bool too_big = tumbling.state.size() > kMaxWindowStateBytes;
      if ((window_full || too_big) && !close_window(shard, tumbling, position, too_big)) {
        return finish(false);
      }
      continue;
    }
    if (!deliveries.empty() && !deliver(shard, std::move(deliveries))) return finish(false);
    if (!save(shard, next)) return finish(false);
    position = next;
  }
}

bool Mapping::deliver_to_window(const storage::ShardInfo& shard, TumblingState& tumbling,
                                const std::vector<Delivery>& deliveries) {
  ProcessorSettings settings{config_.function_name,      target_.function_arn,
                             target_.stream_arn,         shard.shard_id,
                             config_.max_retry_attempts, config_.max_record_age_ms,
                             config_.bisect_on_error,    config_.report_batch_item_failures};
  EventShape shape;
  shape.build = [&](std::span<const Delivery> part) {
    return build_window_event(
        part, {*tumbling.window, tumbling.state, shard.shard_id, target_.stream_arn});
  };
  // Every response carries the new state; one without it is a failed invocation.
  shape.accept = [&](const std::string& result) {
    auto state = read_window_state(result);
    if (!state) return false;
    tumbling.state = std::move(*state);
    return true;
  };
  StopAwarePause pause(*this);
  BatchProcessor processor(settings, deps_.sink, destination_.get(), deps_.clock, pause, *metrics_,
                           std::move(shape));
  return processor.run(deliveries);
}

bool Mapping::close_window(const storage::ShardInfo& shard, TumblingState& tumbling, uint64_t next,
                           bool terminated_early) {
  if (tumbling.window) {
    // The final invocation gets the window's state; until it succeeds the shard waits
    // (reference §2.8 rule 3).
    StopAwarePause pause(*this);
    const std::string event =
        build_window_event({}, {*tumbling.window, tumbling.state, shard.shard_id,
                                target_.stream_arn, /*final=*/true, terminated_early});
    for (int64_t attempt = 1;; ++attempt) {
      metrics_->in_flight.fetch_add(1, std::memory_order_relaxed);
      auto outcome = deps_.sink.invoke(config_.function_name, event);
      metrics_->in_flight.fetch_sub(1, std::memory_order_relaxed);
      if (outcome.is_ok()) {
        const auto* result = std::get_if<std::string>(&*outcome);
        if (result != nullptr && read_window_state(*result)) {
          metrics_->batches_delivered.fetch_add(1, std::memory_order_relaxed);
          metrics_->last_result.store(1, std::memory_order_relaxed);
          break;
        }
        metrics_->function_errors.fetch_add(1, std::memory_order_relaxed);
        metrics_->last_result.store(2, std::memory_order_relaxed);
      }
      if (!pause.wait_ms(retry_backoff_ms(attempt))) return false;
    }
  }
  tumbling.window.reset();
  tumbling.state = "{}";
  return save(shard, next);
}

bool Mapping::deliver(const storage::ShardInfo& shard, std::vector<Delivery> deliveries) {
  ProcessorSettings settings{config_.function_name,      target_.function_arn,
                             target_.stream_arn,         shard.shard_id,
                             config_.max_retry_attempts, config_.max_record_age_ms,
                             config_.bisect_on_error,    config_.report_batch_item_failures};
  StopAwarePause pause(*this);
  const uint32_t lanes = config_.parallelization_factor;
  if (lanes <= 1) {
    BatchProcessor processor(settings, deps_.sink, destination_.get(), deps_.clock, pause,
                             *metrics_);
    return processor.run(deliveries);
  }
  // ParallelizationFactor: up to N batches of one shard at once, each item's records in one
  // lane and in order (reference §2.4 rule 6).
  std::vector<std::vector<Delivery>> split(lanes);
  for (auto& delivery : deliveries) {
    const size_t lane = std::hash<std::string>{}(delivery.key) % lanes;
    split[lane].push_back(std::move(delivery));
  }
  std::vector<std::thread> threads;
  std::vector<char> ok(lanes, 1);
  for (uint32_t lane = 0; lane < lanes; ++lane) {
    if (split[lane].empty()) continue;
    threads.emplace_back([&, lane] {
      BatchProcessor processor(settings, deps_.sink, destination_.get(), deps_.clock, pause,
                               *metrics_);
      ok[lane] = processor.run(split[lane]) ? 1 : 0;
    });
  }
  for (auto& thread : threads)
    thread.join();
  return std::all_of(ok.begin(), ok.end(), [](char c) { return c != 0; });
}

}  // namespace eddy::esm
