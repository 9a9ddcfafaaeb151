// Engine streams: listing, reading a shard, and trimming records past retention.
#include <set>

#include <rocksdb/iterator.h>

#include "storage/catalog_format.h"
#include "storage/engine_internal.h"
#include "storage/keys.h"
#include "storage/stream_record_format.h"

namespace eddy::storage {

std::vector<StreamInfo> Engine::list_streams() const {
  std::shared_lock lock(catalog_mu_);
  std::vector<StreamInfo> streams;
  streams.reserve(streams_by_id_.size());
  for (const auto& [id, stream] : streams_by_id_)
    streams.push_back(stream);
  return streams;
}

Result<StreamInfo> Engine::describe_stream(uint32_t stream_id) const {
  std::shared_lock lock(catalog_mu_);
  auto it = streams_by_id_.find(stream_id);
  if (it == streams_by_id_.end()) return Status::not_found("Requested resource not found");
  return it->second;
}

Result<ShardRead> Engine::read_shard(uint32_t stream_id, uint32_t shard_index,
                                     uint64_t from_sequence, size_t limit) const {
  // Closed before the snapshot is taken: a shard closes only after the pipeline drained, so
  // every record it will ever hold is already in the snapshot.
  bool closed = false;
  {
    std::shared_lock lock(catalog_mu_);
    auto it = streams_by_id_.find(stream_id);
    if (it == streams_by_id_.end() || shard_index >= it->second.shards.size()) {
      return Status::not_found("Requested resource not found");
    }
    if (from_sequence < it->second.shards[shard_index].trim_horizon) {
      return Status::trimmed(
          "The operation attempted to read past the oldest stream record in "
          "a shard.");
    }
    closed = it->second.shards[shard_index].closed();
  }
  ShardRead read;
  std::vector<StreamRecord>& records = read.records;
  const std::string lower = stream_record_key(stream_id, shard_index, from_sequence);
  const std::string upper = prefix_successor(shard_prefix(stream_id, shard_index));
  const Snapshot snapshot = durable_snapshot();  // a record is readable once it is durable
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.get();
  rocksdb::Slice upper_slice(upper);
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, streams_));
  for (it->Seek(lower); it->Valid() && records.size() < limit; it->Next()) {
    EDDY_ASSIGN_OR_RETURN(auto record, deserialize_stream_record(it->value().ToStringView()));
    record.sequence = read_u64_be(it->key().ToStringView().substr(8));
    record.shard_index = shard_index;
    records.push_back(std::move(record));
  }
  EDDY_RETURN_IF_ERROR(from_rocksdb(it->status()));
  read.end_of_shard = closed && !it->Valid();
  return read;
}

Result<uint64_t> Engine::trim_streams() {
  const int64_t cutoff = options_.clock->now_ms() - options_.stream_retention_ms;
  // Find, per shard, the first record young enough to keep, without holding the catalog lock:
  // records below the cut-off are never written again, so the writer can go on meanwhile.
  struct Cut {
    uint32_t stream_id;
    uint32_t shard_index;
    uint64_t keep_from;  // first sequence number kept
    uint64_t count;
  };
  std::vector<Cut> cuts;
  std::set<std::pair<uint32_t, uint32_t>> empty_shards;
  std::vector<uint32_t> expired;
  for (const StreamInfo& stream : list_streams()) {
    for (const ShardInfo& shard : stream.shards) {
      const std::string prefix = shard_prefix(stream.id, shard.index);
      const std::string upper = prefix_successor(prefix);
      rocksdb::ReadOptions read_options;
      rocksdb::Slice upper_slice(upper);
      read_options.iterate_upper_bound = &upper_slice;
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, streams_));
      Cut cut{stream.id, shard.index, 0, 0};
      for (it->Seek(prefix); it->Valid(); it->Next()) {
        // A record's value starts with version:u8 event:u8 creation_ms:u64be
        // (stream_record_format.cc): read the time without decoding the images.
        auto value = it->value().ToStringView();
        if (value.size() < 10) return Status::corruption("stream record: malformed encoding");
        if (static_cast<int64_t>(read_u64_be(value.substr(2))) >= cutoff) break;
        cut.keep_from = read_u64_be(it->key().ToStringView().substr(8)) + 1;
        ++cut.count;
      }
      EDDY_RETURN_IF_ERROR(from_rocksdb(it->status()));
      if (cut.count > 0) cuts.push_back(cut);
      if (!it->Valid()) empty_shards.insert({stream.id, shard.index});  // nothing left to keep
    }
    // A disabled stream expires once it is older than the retention period and none of its
    // records are left: it is then no longer listed (reference §1.1: streams are never deleted,
    // they expire).
    bool all_empty = true;
    for (const ShardInfo& shard : stream.shards) {
      all_empty = all_empty && empty_shards.count({stream.id, shard.index}) > 0;
    }
    if (stream.status == StreamStatus::kDisabled && stream.creation_ms < cutoff && all_empty) {
      expired.push_back(stream.id);
    }
  }
  if (cuts.empty() && expired.empty()) return uint64_t{0};

  std::unique_lock lock(catalog_mu_);
  rocksdb::WriteBatch batch;
  std::map<uint32_t, StreamInfo> updated;
  uint64_t trimmed = 0;
  for (const Cut& cut : cuts) {
    auto it = streams_by_id_.find(cut.stream_id);
    if (it == streams_by_id_.end()) continue;
    StreamInfo& stream = updated.try_emplace(cut.stream_id, it->second).first->second;
    ShardInfo& shard = stream.shards[cut.shard_index];
    if (cut.keep_from <= shard.trim_horizon) continue;
    batch.DeleteRange(streams_, shard_prefix(cut.stream_id, cut.shard_index),
                      stream_record_key(cut.stream_id, cut.shard_index, cut.keep_from));
    shard.trim_horizon = cut.keep_from;
    trimmed += cut.count;
  }
  for (uint32_t id : expired) {
    // Only a stream no write can reach: disabled streams are never enabled again.
    auto it = streams_by_id_.find(id);
    if (it == streams_by_id_.end() || it->second.status != StreamStatus::kDisabled) continue;
    updated.erase(id);
    batch.Delete(meta_, meta_key(kMetaStreamPrefix, id));
  }
  for (const auto& [id, stream] : updated) {
    batch.Put(meta_, meta_key(kMetaStreamPrefix, id), serialize_stream(stream));
  }
  EDDY_RETURN_IF_ERROR(commit_catalog(batch));
  for (auto& [id, stream] : updated)
    streams_by_id_[id] = std::move(stream);
  for (uint32_t id : expired)
    streams_by_id_.erase(id);
  return trimmed;
}

}  // namespace eddy::storage
