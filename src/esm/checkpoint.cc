#include "esm/checkpoint.h"

#include <charconv>

#include <fmt/format.h>

namespace eddy::esm {

namespace {

std::string mapping_prefix(const std::string& mapping) {
  return fmt::format("esm/checkpoint/{}/", mapping);
}

std::string position_key(const std::string& mapping, uint32_t stream_id, uint32_t shard) {
  return fmt::format("{}{:08x}{:08x}", mapping_prefix(mapping), stream_id, shard);
}

}  // namespace

Result<std::optional<uint64_t>> EngineCheckpointStore::load(const std::string& mapping,
                                                            uint32_t stream_id, uint32_t shard) {
  EDDY_ASSIGN_OR_RETURN(auto value, engine_.read_state(position_key(mapping, stream_id, shard)));
  if (!value) return std::optional<uint64_t>();
  uint64_t next = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), next);
  if (error != std::errc() || end != value->data() + value->size()) {
    return Status::corruption(fmt::format("unreadable checkpoint of mapping {}", mapping));
  }
  return std::optional<uint64_t>(next);
}

Status EngineCheckpointStore::save(const std::string& mapping, uint32_t stream_id, uint32_t shard,
                                   uint64_t next_sequence) {
  return engine_.write_state(
      {{position_key(mapping, stream_id, shard), std::to_string(next_sequence)}});
}

Status EngineCheckpointStore::forget(const std::string& mapping) {
  EDDY_ASSIGN_OR_RETURN(auto entries, engine_.list_state(mapping_prefix(mapping)));
  std::vector<storage::Engine::StateChange> changes;
  for (auto& [key, value] : entries)
    changes.push_back({key, std::nullopt});
  if (changes.empty()) return Status::ok();
  return engine_.write_state(changes);
}

Result<std::optional<uint64_t>> MemoryCheckpointStore::load(const std::string& mapping,
                                                            uint32_t stream_id, uint32_t shard) {
  std::lock_guard lock(mu_);
  auto it = positions_.find(position_key(mapping, stream_id, shard));
  if (it == positions_.end()) return std::optional<uint64_t>();
  return std::optional<uint64_t>(it->second);
}

Status MemoryCheckpointStore::save(const std::string& mapping, uint32_t stream_id, uint32_t shard,
                                   uint64_t next_sequence) {
  std::lock_guard lock(mu_);
  positions_[position_key(mapping, stream_id, shard)] = next_sequence;
  return Status::ok();
}

Status MemoryCheckpointStore::forget(const std::string& mapping) {
  std::lock_guard lock(mu_);
  const std::string prefix = mapping_prefix(mapping);
  std::erase_if(positions_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
  return Status::ok();
}

}  // namespace eddy::esm
