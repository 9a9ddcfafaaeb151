// Engine: opening the database, the catalog, and the background housekeeping.
#include "storage/engine.h"

#include <pthread.h>

#include <filesystem>

#include <rocksdb/cache.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include "common/random.h"
#include "storage/catalog_format.h"
#include "storage/engine_internal.h"
#include "storage/keys.h"
#include "storage/stream_ids.h"

namespace eddy::storage {

namespace {

constexpr const char* kItemsFamily = "items";
constexpr const char* kStreamsFamily = "streams";
constexpr const char* kMetaFamily = "meta";

std::string be32(uint32_t v) {
  std::string out;
  put_u32_be(out, v);
  return out;
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<Engine>> Engine::open(EngineOptions options) {
  if (options.stream_shards == 0) return Status::validation("stream_shards must be at least 1");
  std::unique_ptr<Engine> engine(new Engine(std::move(options)));
  EDDY_RETURN_IF_ERROR(engine->open_database());
  EDDY_RETURN_IF_ERROR(engine->load_catalog());
  engine->applied_sequence_ = engine->last_sequence_.load();
  engine->publish_snapshot(engine->take_snapshot());  // everything recovered is durable
  engine->writer_ = std::thread([e = engine.get()] {
    pthread_setname_np(pthread_self(), "eddy-writer");
    e->writer_loop();
  });
  engine->committer_ = std::thread([e = engine.get()] {
    pthread_setname_np(pthread_self(), "eddy-commit");
    e->committer_loop();
  });
  engine->completer_ = std::thread([e = engine.get()] {
    pthread_setname_np(pthread_self(), "eddy-complete");
    e->completer_loop();
  });
  if (engine->options_.trim_interval_ms > 0) {
    engine->housekeeper_ = std::thread([e = engine.get()] { e->housekeeping_loop(); });
  }
  return engine;
}

Engine::~Engine() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  housekeeping_cv_.notify_all();
  if (writer_.joinable()) writer_.join();        // then the committer finishes what it was handed
  if (committer_.joinable()) committer_.join();  // then the completer acknowledges the rest
  if (completer_.joinable()) completer_.join();
  if (housekeeper_.joinable()) housekeeper_.join();
  durable_snapshot_.reset();
  if (db_ != nullptr) {
    for (auto* handle : {items_, streams_, meta_, default_}) {
      if (handle != nullptr) db_->DestroyColumnFamilyHandle(handle);
    }
    db_->Close();
    delete db_;
  }
}

Status Engine::open_database() {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 3;
  db_options.max_log_file_size = 4 << 20;
  std::string path = options_.path;
  if (options_.durability == Durability::kInMemory) {
    env_.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
    db_options.env = env_.get();
    path = "/eddy-in-memory";
  } else {
    if (path.empty()) return Status::validation("a data directory is required");
    // Refuse a directory that holds something other than an Eddy database: serving wrong
    // data is worse than not starting.
    std::error_code ec;
    bool exists = std::filesystem::exists(path, ec);
    if (!exists && !std::filesystem::create_directories(path, ec) && ec) {
      return Status::io_error("cannot create data directory " + path + ": " + ec.message());
    }
    if (exists && !std::filesystem::is_empty(path, ec)) {
      std::vector<std::string> families;
      auto s = rocksdb::DB::ListColumnFamilies(db_options, path, &families);
      if (!s.ok()) {
        return Status::corruption("data directory " + path +
                                  " is not empty and is not an Eddy database: " + s.ToString());
      }
      for (const char* wanted : {kItemsFamily, kStreamsFamily, kMetaFamily}) {
        if (std::find(families.begin(), families.end(), wanted) == families.end()) {
          return Status::corruption("data directory " + path +
                                    " holds a RocksDB database that is not Eddy's (no '" + wanted +
                                    "' column family)");
        }
      }
    }
  }

  cache_ = rocksdb::NewLRUCache(options_.block_cache_bytes);
  auto family_options = [&](size_t write_buffer, bool bloom) {
    rocksdb::ColumnFamilyOptions cf;
    cf.write_buffer_size = write_buffer;
    cf.max_write_buffer_number = 2;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache_;
    if (bloom) {
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      // A bloom filter over the memtable too: the writer reads every row it writes, and a
      // new item's read is then answered without searching the skip list.
      cf.memtable_whole_key_filtering = true;
      cf.memtable_prefix_bloom_size_ratio = 0.05;
    }
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    return cf;
  };
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, family_options(1 << 20, false)},
      {kItemsFamily, family_options(options_.write_buffer_bytes, true)},
      {kStreamsFamily, family_options(options_.write_buffer_bytes / 2, false)},
      {kMetaFamily, family_options(1 << 20, true)},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  auto s = rocksdb::DB::Open(db_options, path, families, &handles, &db_);
  if (!s.ok()) return Status::io_error("cannot open " + path + ": " + s.ToString());
  default_ = handles[0];
  items_ = handles[1];
  streams_ = handles[2];
  meta_ = handles[3];
  return Status::ok();
}

Status Engine::load_catalog() {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), meta_, kMetaFormat, &value);
  if (s.IsNotFound()) {
    // A new database, unless it already holds tables (then it lost its format marker).
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
    it->SeekToFirst();
    if (it->Valid()) return Status::corruption("data directory has no format marker");
    rocksdb::WriteBatch batch;
    batch.Put(meta_, kMetaFormat, be32(kStorageFormatVersion));
    return commit_catalog(batch);
  }
  if (!s.ok()) return from_rocksdb(s);
  if (value.size() != 4 || read_u32_be(value) != kStorageFormatVersion) {
    return Status::corruption("data directory has storage format " +
                              std::to_string(value.size() == 4 ? read_u32_be(value) : 0) +
                              "; this build reads format " + std::to_string(kStorageFormatVersion));
  }

  if (db_->Get(rocksdb::ReadOptions(), meta_, kMetaSequence, &value).ok() && value.size() == 8) {
    last_sequence_ = read_u64_be(value);
  }
  if (db_->Get(rocksdb::ReadOptions(), meta_, kMetaNextId, &value).ok() && value.size() == 4) {
    next_id_ = read_u32_be(value);
  }

  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
  for (it->Seek(kMetaTablePrefix); it->Valid() && it->key().starts_with(kMetaTablePrefix);
       it->Next()) {
    EDDY_ASSIGN_OR_RETURN(auto description, deserialize_table(it->value().ToStringView()));
    auto state = std::make_shared<TableState>();
    state->id = description.id;
    state->key_schema = description.key_schema;
    std::string stats_value;
    if (db_->Get(rocksdb::ReadOptions(), meta_, meta_key(kMetaStatsPrefix, description.id),
                 &stats_value)
            .ok()) {
      EDDY_ASSIGN_OR_RETURN(auto stats, deserialize_stats(stats_value));
      state->item_count = stats.item_count;
      state->size_bytes = stats.size_bytes;
      state->applied_item_count = stats.item_count;
      state->applied_size_bytes = stats.size_bytes;
    }
    state->description = std::move(description);
    tables_.emplace(state->description.name, std::move(state));
  }
  for (it->Seek(kMetaStreamPrefix); it->Valid() && it->key().starts_with(kMetaStreamPrefix);
       it->Next()) {
    EDDY_ASSIGN_OR_RETURN(auto stream, deserialize_stream(it->value().ToStringView()));
    streams_by_id_.emplace(stream.id, std::move(stream));
  }
  return from_rocksdb(it->status());
}

Status Engine::commit_catalog(rocksdb::WriteBatch& batch) {
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.durability == Durability::kSync;
  return from_rocksdb(db_->Write(write_options, &batch));
}

uint32_t Engine::allocate_id() {
  return next_id_++;
}

std::shared_ptr<Engine::TableState> Engine::find_table(std::string_view name) const {
  std::shared_lock lock(catalog_mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

TableDescription Engine::describe(const TableState& state) const {
  TableDescription description = state.description;
  description.item_count = state.item_count.load(std::memory_order_relaxed);
  description.size_bytes = state.size_bytes.load(std::memory_order_relaxed);
  return description;
}

StreamInfo Engine::new_stream(const TableDescription& table, StreamViewType view_type,
                              uint32_t id) {
  StreamInfo stream;
  stream.id = id;
  stream.table_name = table.name;
  stream.table_id = table.id;
  stream.view_type = view_type;
  stream.status = StreamStatus::kEnabled;
  stream.key_schema = table.key_schema;
  stream.creation_ms = options_.clock->now_ms();
  // Labels identify a stream together with the table name: keep them unique per table even
  // when a stream is disabled and re-enabled within one millisecond.
  if (table.latest_stream_id) {
    auto previous = streams_by_id_.find(*table.latest_stream_id);
    if (previous != streams_by_id_.end() && previous->second.creation_ms >= stream.creation_ms) {
      stream.creation_ms = previous->second.creation_ms + 1;
    }
  }
  stream.label = make_stream_label(stream.creation_ms);
  for (uint32_t i = 0; i < options_.stream_shards; ++i) {
    ShardInfo shard;
    shard.index = i;
    std::string suffix = random_bytes(4);
    shard.shard_id = make_shard_id(stream.creation_ms, read_u32_be(suffix));
    shard.starting_sequence = last_sequence_.load() + 1;
    stream.shards.push_back(std::move(shard));
  }
  return stream;
}

namespace {
// Closes every open shard of `stream` at `last_sequence` and marks it disabled.
void close_stream(StreamInfo& stream, uint64_t last_sequence) {
  stream.status = StreamStatus::kDisabled;
  for (auto& shard : stream.shards) {
    if (!shard.closed()) {
      shard.ending_sequence = std::max(last_sequence, shard.starting_sequence);
    }
  }
}
}  // namespace

Result<TableDescription> Engine::create_table(TableSpec spec) {
  std::unique_lock lock(catalog_mu_);
  drain_pipeline();  // no applied group may refer to the catalog as it was
  if (tables_.contains(spec.name)) {
    return Status::already_exists("Table already exists: " + spec.name);
  }
  auto state = std::make_shared<TableState>();
  TableDescription& d = state->description;
  d.name = spec.name;
  d.id = allocate_id();
  d.key_schema = spec.key_schema;
  d.attribute_definitions = std::move(spec.attribute_definitions);
  d.stream = spec.stream;
  d.creation_ms = options_.clock->now_ms();
  d.properties = std::move(spec.properties);
  state->id = d.id;
  state->key_schema = d.key_schema;

  rocksdb::WriteBatch batch;
  std::optional<StreamInfo> stream;
  if (spec.stream.enabled) {
    stream = new_stream(d, spec.stream.view_type, allocate_id());
    d.latest_stream_id = stream->id;
    batch.Put(meta_, meta_key(kMetaStreamPrefix, stream->id), serialize_stream(*stream));
  }
  batch.Put(meta_, meta_key(kMetaTablePrefix, d.name), serialize_table(d));
  batch.Put(meta_, meta_key(kMetaStatsPrefix, d.id), serialize_stats({}));
  batch.Put(meta_, kMetaNextId, be32(next_id_));
  if (auto s = commit_catalog(batch); !s.is_ok()) {
    next_id_ = d.id;  // nothing was written
    return s;
  }
  if (stream) streams_by_id_.emplace(stream->id, std::move(*stream));
  TableDescription result = describe(*state);
  tables_.emplace(d.name, std::move(state));
  return result;
}

Result<TableDescription> Engine::describe_table(std::string_view name) const {
  std::shared_lock lock(catalog_mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return table_not_found();
  return describe(*it->second);
}

Result<model::KeySchema> Engine::key_schema(std::string_view name) const {
  std::shared_lock lock(catalog_mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return table_not_found();
  return it->second->key_schema;
}

std::vector<std::string> Engine::list_tables() const {
  std::shared_lock lock(catalog_mu_);
  std::vector<std::string> names;
  names.reserve(tables_.size());
  for (const auto& [name, state] : tables_)
    names.push_back(name);
  return names;
}

Result<TableDescription> Engine::delete_table(std::string_view name) {
  std::unique_lock lock(catalog_mu_);
  drain_pipeline();  // no applied group may refer to the catalog as it was
  auto it = tables_.find(name);
  if (it == tables_.end()) return table_not_found();
  TableState& state = *it->second;
  TableDescription result = describe(state);

  rocksdb::WriteBatch batch;
  std::optional<StreamInfo> closed;
  if (state.description.stream.enabled && state.description.latest_stream_id) {
    closed = streams_by_id_.at(*state.description.latest_stream_id);
    close_stream(*closed, last_sequence_.load());
    batch.Put(meta_, meta_key(kMetaStreamPrefix, closed->id), serialize_stream(*closed));
  }
  batch.Delete(meta_, meta_key(kMetaTablePrefix, name));
  batch.Delete(meta_, meta_key(kMetaStatsPrefix, state.id));
  std::string prefix = table_prefix(state.id);
  batch.DeleteRange(items_, prefix, prefix_successor(prefix));
  EDDY_RETURN_IF_ERROR(commit_catalog(batch));
  if (closed) streams_by_id_[closed->id] = std::move(*closed);
  tables_.erase(it);
  return result;
}

Result<TableDescription> Engine::update_stream(std::string_view name, StreamSpecification spec) {
  std::unique_lock lock(catalog_mu_);
  drain_pipeline();  // no applied group may refer to the catalog as it was
  auto it = tables_.find(name);
  if (it == tables_.end()) return table_not_found();
  TableState& state = *it->second;
  TableDescription updated = state.description;

  rocksdb::WriteBatch batch;
  std::optional<StreamInfo> changed;
  uint32_t saved_next_id = next_id_;
  if (spec.enabled) {
    if (updated.stream.enabled) return Status::validation("Table already has an enabled stream");
    changed = new_stream(updated, spec.view_type, allocate_id());
    updated.latest_stream_id = changed->id;
    updated.stream = spec;
    batch.Put(meta_, kMetaNextId, be32(next_id_));
  } else {
    if (!updated.stream.enabled || !updated.latest_stream_id) {
      return Status::validation("Table does not have a stream enabled");
    }
    changed = streams_by_id_.at(*updated.latest_stream_id);
    close_stream(*changed, last_sequence_.load());
    updated.stream.enabled = false;
  }
  batch.Put(meta_, meta_key(kMetaStreamPrefix, changed->id), serialize_stream(*changed));
  batch.Put(meta_, meta_key(kMetaTablePrefix, name), serialize_table(updated));
  if (auto s = commit_catalog(batch); !s.is_ok()) {
    next_id_ = saved_next_id;
    return s;
  }
  streams_by_id_[changed->id] = std::move(*changed);
  state.description = std::move(updated);
  return describe(state);
}

Result<TableDescription> Engine::update_properties(std::string_view name,
                                                   std::map<std::string, std::string> properties) {
  std::unique_lock lock(catalog_mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return table_not_found();
  TableState& state = *it->second;
  TableDescription updated = state.description;
  updated.properties = std::move(properties);
  rocksdb::WriteBatch batch;
  batch.Put(meta_, meta_key(kMetaTablePrefix, name), serialize_table(updated));
  EDDY_RETURN_IF_ERROR(commit_catalog(batch));
  state.description = std::move(updated);
  return describe(state);
}

Result<size_t> Engine::roll_over_shards(bool force) {
  std::unique_lock lock(catalog_mu_);
  const int64_t now = options_.clock->now_ms();
  // Which streams are due, before paying for a drain of the pipeline.
  std::vector<uint32_t> due;
  for (const auto& [id, stream] : streams_by_id_) {
    if (stream.status != StreamStatus::kEnabled) continue;
    for (const auto& shard : stream.shards) {
      if (shard.closed()) continue;
      auto created = shard_creation_ms(shard.shard_id);
      if (force || (options_.shard_rollover_ms > 0 && created &&
                    now - *created >= options_.shard_rollover_ms)) {
        due.push_back(id);
        break;
      }
    }
  }
  if (due.empty()) return size_t{0};
  drain_pipeline();  // every applied record is committed: the ending sequence covers them all
  const uint64_t last = last_sequence_.load();
  rocksdb::WriteBatch batch;
  std::map<uint32_t, StreamInfo> updated;
  size_t closed = 0;
  for (uint32_t id : due) {
    StreamInfo stream = streams_by_id_.at(id);
    const size_t count = stream.shards.size();
    for (size_t i = 0; i < count; ++i) {
      if (stream.shards[i].closed()) continue;
      stream.shards[i].ending_sequence = std::max(last, stream.shards[i].starting_sequence);
      ShardInfo child;
      child.index = static_cast<uint32_t>(stream.shards.size());
      // A child's id sorts after its parent's even within the same millisecond.
      const int64_t created =
          std::max(now, shard_creation_ms(stream.shards[i].shard_id).value_or(0) + 1);
      child.shard_id = make_shard_id(created, read_u32_be(random_bytes(4)));
      child.parent_shard_id = stream.shards[i].shard_id;
      child.starting_sequence = last + 1;
      stream.shards.push_back(std::move(child));
      ++closed;
    }
    batch.Put(meta_, meta_key(kMetaStreamPrefix, id), serialize_stream(stream));
    updated[id] = std::move(stream);
  }
  EDDY_RETURN_IF_ERROR(commit_catalog(batch));
  for (auto& [id, stream] : updated)
    streams_by_id_[id] = std::move(stream);
  return closed;
}

void Engine::housekeeping_loop() {
  std::unique_lock lock(queue_mu_);
  while (!stopping_) {
    housekeeping_cv_.wait_for(lock, std::chrono::milliseconds(options_.trim_interval_ms),
                              [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    (void)trim_streams();  // a failed pass is retried on the next interval
    (void)roll_over_shards();
    lock.lock();
  }
}

}  // namespace eddy::storage
