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
#include "storage/indexes.h"
#include "storage/info_log.h"
#include "storage/item_format.h"
#include "storage/keys.h"
#include "storage/stream_ids.h"

namespace eddy::storage {

namespace {

constexpr const char* kItemsFamily = "items";
constexpr const char* kIndexesFamily = "indexes";
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
  // Indexes still CREATING when the engine last stopped resume from their last cursor.
  engine->backfill_requested_ = true;
  engine->backfiller_ = std::thread([e = engine.get()] {
    pthread_setname_np(pthread_self(), "eddy-backfill");
    e->backfill_loop();
  });
  return engine;
}

Engine::~Engine() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  housekeeping_cv_.notify_all();
  backfill_cv_.notify_all();
  if (backfiller_.joinable()) backfiller_.join();  // its last step completes before the writer
  if (writer_.joinable()) writer_.join();          // then the committer finishes what it was handed
  if (committer_.joinable()) committer_.join();    // then the completer acknowledges the rest
  if (completer_.joinable()) completer_.join();
  if (housekeeper_.joinable()) housekeeper_.join();
  durable_snapshot_.reset();
  if (db_ != nullptr) {
    for (auto* handle : {items_, indexes_, streams_, meta_, default_}) {
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
  // The LOG file is written by InfoLog (info_log.h), rotated at this size; keep_log_file_num
  // still has RocksDB remove old logs of its own naming.
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
        // With RocksDB's own files there, the database is damaged or incomplete (a lost or
        // garbled CURRENT or MANIFEST): say so, rather than call it someone else's directory.
        const bool rocksdb_files = std::filesystem::exists(path + "/CURRENT", ec) ||
                                   std::filesystem::exists(path + "/IDENTITY", ec);
        return Status::corruption(
            "data directory " + path +
            (rocksdb_files ? " holds a database that cannot be read (damaged or incomplete): "
                           : " is not empty and is not an Eddy database: ") +
            s.ToString());
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

  if (options_.durability != Durability::kInMemory) {
    db_options.info_log = std::make_shared<InfoLog>(path, db_options.max_log_file_size);
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
      // Created on first open by a build with indexes (create_missing_column_families).
      {kIndexesFamily, family_options(options_.write_buffer_bytes / 2, false)},
      {kStreamsFamily, family_options(options_.write_buffer_bytes / 2, false)},
      {kMetaFamily, family_options(1 << 20, true)},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  auto s = rocksdb::DB::Open(db_options, path, families, &handles, &db_);
  if (!s.ok()) return Status::io_error("cannot open " + path + ": " + s.ToString());
  default_ = handles[0];
  items_ = handles[1];
  indexes_ = handles[2];
  streams_ = handles[3];
  meta_ = handles[4];
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
  const uint32_t format = value.size() == 4 ? read_u32_be(value) : 0;
  if (format != kStorageFormatVersion && format != 1) {
    return Status::corruption("data directory has storage format " + std::to_string(format) +
                              "; this build reads formats 1 to " +
                              std::to_string(kStorageFormatVersion));
  }
  if (format == 1) {
    // Version 2 only added what a version 1 directory has none of (keys.h): mark it, so that
    // a build that reads only version 1 refuses it once it may hold indexes.
    rocksdb::WriteBatch batch;
    batch.Put(meta_, kMetaFormat, be32(kStorageFormatVersion));
    EDDY_RETURN_IF_ERROR(commit_catalog(batch));
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
    auto load_stats = [&](Counters& counters, uint32_t id) -> Status {
      counters.id = id;
      std::string stats_value;
      if (db_->Get(rocksdb::ReadOptions(), meta_, meta_key(kMetaStatsPrefix, id), &stats_value)
              .ok()) {
        EDDY_ASSIGN_OR_RETURN(auto stats, deserialize_stats(stats_value));
        counters.load(stats.item_count, stats.size_bytes);
      }
      return Status::ok();
    };
    EDDY_RETURN_IF_ERROR(load_stats(state->counters, description.id));
    for (auto& index : description.indexes) {
      auto index_state = std::make_shared<IndexState>();
      EDDY_RETURN_IF_ERROR(load_stats(index_state->counters, index.id));
      if (index.backfilling()) {
        std::string cursor;
        if (db_->Get(rocksdb::ReadOptions(), meta_, meta_key(kMetaBackfillPrefix, index.id),
                     &cursor)
                .ok()) {
          index_state->backfilled_to = std::move(cursor);
        }
      }
      state->has_local_index |= index.kind == IndexKind::kLocal;
      index_state->description = std::move(index);
      state->indexes.push_back(std::move(index_state));
    }
    description.indexes.clear();
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

TableDescription Engine::table_record(const TableState& state) const {
  TableDescription description = state.description;
  for (const auto& index : state.indexes)
    description.indexes.push_back(index->description);
  return description;
}

TableDescription Engine::describe(const TableState& state) const {
  TableDescription description = table_record(state);
  description.item_count = state.counters.item_count.load(std::memory_order_relaxed);
  description.size_bytes = state.counters.size_bytes.load(std::memory_order_relaxed);
  for (size_t i = 0; i < state.indexes.size(); ++i) {
    const Counters& counters = state.indexes[i]->counters;
    description.indexes[i].item_count = counters.item_count.load(std::memory_order_relaxed);
    description.indexes[i].size_bytes = counters.size_bytes.load(std::memory_order_relaxed);
  }
  return description;
}

const IndexDescription* TableDescription::find_index(std::string_view index_name) const {
  for (const auto& index : indexes) {
    if (index.name == index_name) return &index;
  }
  return nullptr;
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
  state->counters.id = d.id;
  // The table is empty: its indexes are complete, ACTIVE, from the start.
  for (auto& index_spec : spec.indexes) {
    auto index = std::make_shared<IndexState>();
    static_cast<IndexSpec&>(index->description) = std::move(index_spec);
    index->description.id = allocate_id();
    index->description.status = IndexStatus::kActive;
    index->counters.id = index->description.id;
    state->has_local_index |= index->description.kind == IndexKind::kLocal;
    state->indexes.push_back(std::move(index));
  }

  rocksdb::WriteBatch batch;
  std::optional<StreamInfo> stream;
  if (spec.stream.enabled) {
    stream = new_stream(d, spec.stream.view_type, allocate_id());
    d.latest_stream_id = stream->id;
    batch.Put(meta_, meta_key(kMetaStreamPrefix, stream->id), serialize_stream(*stream));
  }
  batch.Put(meta_, meta_key(kMetaTablePrefix, d.name), serialize_table(table_record(*state)));
  batch.Put(meta_, meta_key(kMetaStatsPrefix, d.id), serialize_stats({}));
  for (const auto& index : state->indexes)
    batch.Put(meta_, meta_key(kMetaStatsPrefix, index->description.id), serialize_stats({}));
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
  prefix = meta_key(kMetaCollectionPrefix, state.id);
  batch.DeleteRange(meta_, prefix, prefix_successor(prefix));
  collections_.clear();  // writer-owned, but the writer waits for the catalog lock we hold
  for (const auto& index : state.indexes) {
    const uint32_t id = index->description.id;
    batch.Delete(meta_, meta_key(kMetaStatsPrefix, id));
    batch.Delete(meta_, meta_key(kMetaBackfillPrefix, id));
    prefix = table_prefix(id);
    batch.DeleteRange(indexes_, prefix, prefix_successor(prefix));
  }
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
  {
    TableDescription record = table_record(state);
    record.stream = updated.stream;
    record.latest_stream_id = updated.latest_stream_id;
    batch.Put(meta_, meta_key(kMetaTablePrefix, name), serialize_table(record));
  }
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
  {
    TableDescription record = table_record(state);
    record.properties = updated.properties;
    batch.Put(meta_, meta_key(kMetaTablePrefix, name), serialize_table(record));
  }
  EDDY_RETURN_IF_ERROR(commit_catalog(batch));
  state.description = std::move(updated);
  return describe(state);
}

namespace {
void add_definition(std::vector<AttributeDefinition>& definitions, const model::KeyAttribute& key) {
  for (const auto& definition : definitions) {
    if (definition.name == key.name) return;
  }
  definitions.push_back({key.name, key.type});
}
}  // namespace

Result<TableDescription> Engine::create_index(std::string_view name, IndexSpec spec) {
  std::unique_lock lock(catalog_mu_);
  drain_pipeline();  // every write applied from now on sees the new index
  auto it = tables_.find(name);
  if (it == tables_.end()) return table_not_found();
  TableState& state = *it->second;
  for (const auto& index : state.indexes) {
    if (index->description.name == spec.name) {
      return Status::already_exists("Attempting to create an index which already exists");
    }
    // The API layer refuses this too; here it holds against two concurrent requests.
    if (index->description.backfilling()) {
      return Status::throttled(
          "Subscriber limit exceeded: Only 1 online index can be created or deleted "
          "simultaneously per table");
    }
  }
  auto index = std::make_shared<IndexState>();
  static_cast<IndexSpec&>(index->description) = std::move(spec);
  const uint32_t saved_next_id = next_id_;
  index->description.id = allocate_id();
  index->description.status = IndexStatus::kCreating;
  index->counters.id = index->description.id;
  TableDescription updated = state.description;
  add_definition(updated.attribute_definitions, index->description.key_schema.partition);
  if (const auto& sort = index->description.key_schema.sort) {
    add_definition(updated.attribute_definitions, *sort);
  }

  TableDescription record = table_record(state);
  record.attribute_definitions = updated.attribute_definitions;
  record.indexes.push_back(index->description);
  rocksdb::WriteBatch batch;
  batch.Put(meta_, meta_key(kMetaTablePrefix, name), serialize_table(record));
  batch.Put(meta_, meta_key(kMetaStatsPrefix, index->description.id), serialize_stats({}));
  batch.Put(meta_, kMetaNextId, be32(next_id_));
  if (auto s = commit_catalog(batch); !s.is_ok()) {
    next_id_ = saved_next_id;
    return s;
  }
  state.description = std::move(updated);
  state.indexes.push_back(std::move(index));
  {
    std::lock_guard queue(queue_mu_);
    backfill_requested_ = true;
  }
  backfill_cv_.notify_all();
  return describe(state);
}

Result<TableDescription> Engine::delete_index(std::string_view name, std::string_view index_name) {
  std::unique_lock lock(catalog_mu_);
  drain_pipeline();  // no applied group still writes the index's entries
  auto it = tables_.find(name);
  if (it == tables_.end()) return table_not_found();
  TableState& state = *it->second;
  auto found = std::find_if(state.indexes.begin(), state.indexes.end(), [&](const auto& index) {
    return index->description.name == index_name;
  });
  if (found == state.indexes.end()) return Status::not_found("no such index");
  TableDescription result = describe(state);
  for (auto& index : result.indexes) {
    if (index.name == index_name) index.status = IndexStatus::kDeleting;
  }

  // Definitions that no remaining key uses go with the index.
  TableDescription updated = state.description;
  std::vector<AttributeDefinition> used;
  for (const auto& definition : updated.attribute_definitions) {
    auto uses = [&](const model::KeySchema& schema) {
      return schema.partition.name == definition.name ||
             (schema.sort && schema.sort->name == definition.name);
    };
    bool in_use = uses(updated.key_schema);
    for (const auto& index : state.indexes) {
      if (index != *found && uses(index->description.key_schema)) in_use = true;
    }
    if (in_use) used.push_back(definition);
  }
  updated.attribute_definitions = std::move(used);

  const uint32_t id = (*found)->description.id;
  TableDescription record = table_record(state);
  record.attribute_definitions = updated.attribute_definitions;
  std::erase_if(record.indexes, [&](const auto& index) { return index.id == id; });
  rocksdb::WriteBatch batch;
  batch.Put(meta_, meta_key(kMetaTablePrefix, name), serialize_table(record));
  batch.Delete(meta_, meta_key(kMetaStatsPrefix, id));
  batch.Delete(meta_, meta_key(kMetaBackfillPrefix, id));
  const std::string prefix = table_prefix(id);
  batch.DeleteRange(indexes_, prefix, prefix_successor(prefix));
  EDDY_RETURN_IF_ERROR(commit_catalog(batch));
  state.description = std::move(updated);
  state.indexes.erase(found);
  return result;
}

Status Engine::finish_backfill(uint32_t table_id, uint32_t index_id) {
  std::unique_lock lock(catalog_mu_);
  drain_pipeline();
  for (auto& [name, state] : tables_) {
    if (state->id != table_id) continue;
    for (auto& index : state->indexes) {
      if (index->description.id != index_id || !index->description.backfilling()) continue;
      TableDescription record = table_record(*state);
      for (auto& described : record.indexes) {
        if (described.id == index_id) described.status = IndexStatus::kActive;
      }
      rocksdb::WriteBatch batch;
      batch.Put(meta_, meta_key(kMetaTablePrefix, name), serialize_table(record));
      batch.Delete(meta_, meta_key(kMetaBackfillPrefix, index_id));
      EDDY_RETURN_IF_ERROR(commit_catalog(batch));
      index->description.status = IndexStatus::kActive;
      return Status::ok();
    }
  }
  return Status::ok();  // the index or its table went away meanwhile
}

void Engine::backfill_loop() {
  std::unique_lock lock(queue_mu_);
  while (!stopping_) {
    backfill_cv_.wait(lock, [this] { return stopping_ || backfill_requested_; });
    if (stopping_) break;
    backfill_requested_ = false;
    lock.unlock();
    run_backfills();
    lock.lock();
  }
}

void Engine::run_backfills() {
  for (;;) {
    // The next index to fill, if any.
    uint32_t table_id = 0, index_id = 0;
    {
      std::shared_lock lock(catalog_mu_);
      for (const auto& [name, state] : tables_) {
        for (const auto& index : state->indexes) {
          if (index->description.backfilling() && index_id == 0) {
            table_id = state->id;
            index_id = index->description.id;
          }
        }
      }
    }
    if (index_id == 0) return;
    bool finished = false;
    int failures = 0;
    auto next_step = std::chrono::steady_clock::now();
    while (!finished) {
      if (options_.backfill_items_per_second > 0) {
        // The pace: each step may start only when the previous one's items are "paid for".
        std::unique_lock lock(queue_mu_);
        if (backfill_cv_.wait_until(lock, next_step, [this] { return stopping_; })) return;
        next_step += std::chrono::microseconds(options_.backfill_step_items * 1'000'000 /
                                               options_.backfill_items_per_second);
        next_step = std::max(next_step, std::chrono::steady_clock::now() -
                                            std::chrono::seconds(1));  // no burst after a stall
      }
      std::promise<WriteResult> promise;
      auto future = promise.get_future();
      {
        std::lock_guard lock(queue_mu_);
        if (stopping_) return;  // resumed from the last committed step on the next open
        Pending pending{{}, [&promise](WriteResult r) { promise.set_value(std::move(r)); }, {}};
        pending.backfill =
            BackfillStep{table_id, index_id, options_.backfill_step_items, &finished};
        queue_.push_back(std::move(pending));
      }
      queue_cv_.notify_one();
      WriteResult result = future.get();
      if (!result.status.is_ok()) {
        finished = false;
        if (result.status.code() == Code::kShuttingDown || ++failures > 100) return;
        std::unique_lock lock(queue_mu_);  // a failed commit: try again shortly
        backfill_cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; });
      }
    }
    if (!finish_backfill(table_id, index_id).is_ok()) return;  // retried on the next open
  }
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
