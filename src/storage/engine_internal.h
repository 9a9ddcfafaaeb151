// Engine's private types, shared by its implementation files (engine.cc: open and catalog;
// reads.cc: get, query, scan; commit_pipeline.cc: the writer; stream_log.cc: streams).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/engine.h"

namespace eddy::storage {

// Item count and size of a table or an index, persisted under "stats/" id.
struct Engine::Counters {
  uint32_t id = 0;  // of the table or index
  // Committed figures, changed by the completer after each commit.
  std::atomic<uint64_t> item_count{0};
  std::atomic<uint64_t> size_bytes{0};
  // The same figures including groups applied but not yet committed: owned by the writer.
  uint64_t applied_item_count = 0;
  uint64_t applied_size_bytes = 0;
  void load(uint64_t items, uint64_t bytes) {
    item_count = applied_item_count = items;
    size_bytes = applied_size_bytes = bytes;
  }
};

struct Engine::IndexState {
  // Changed only under the exclusive catalog lock.
  IndexDescription description;
  Counters counters;
  // While the index is backfilled: the items row key up to which the backfill has filled it
  // ("" before the first step). The writer maintains the index for rows up to here only; the
  // backfill fills the rest from the items as they are when it reaches them, so each row is
  // indexed once, from its current version. Owned by the writer.
  std::string backfilled_to;
};

struct Engine::TableState {
  // Fixed at creation: safe to read without the catalog lock.
  uint32_t id = 0;
  model::KeySchema key_schema;
  // Changed only under the exclusive catalog lock. Its `indexes` stays empty: the indexes'
  // descriptions live in `indexes` below (table_record() joins them).
  TableDescription description;
  std::vector<std::shared_ptr<IndexState>> indexes;
  Counters counters;
  // Local indexes exist only from creation on, so this is fixed too.
  bool has_local_index = false;
};

// A step of an index backfill: applied by the writer, alone in its group.
struct Engine::BackfillStep {
  uint32_t table_id = 0;
  uint32_t index_id = 0;
  size_t limit = 0;          // items read per step
  bool* finished = nullptr;  // set when the step reached the end of the table
};

struct Engine::Pending {
  WriteUnit unit;
  WriteCallback done;
  WriteResult result;
  std::optional<BackfillStep> backfill;
};

// One group of units, applied by the writer and handed to the committer.
struct Engine::GroupState {
  uint64_t id = 0;
  uint64_t generation = 0;  // see Engine::generation_
  Status status;            // of the commit: set by the committer, then the completer
  std::shared_ptr<const rocksdb::Snapshot> snapshot;  // taken after this group's round
  std::vector<Pending> units;
  rocksdb::WriteBatch batch;
  // Rows written by this group (null = deleted): what later units and groups must see
  // until the commit makes them visible in RocksDB.
  std::unordered_map<std::string, ItemPtr> overlay;
  uint64_t first_sequence = 0;  // last sequence number issued before this group
  uint64_t sequence = 0;        // last sequence number issued so far
  struct StatsDelta {
    int64_t items = 0;
    int64_t bytes = 0;
  };
  std::map<Counters*, StatsDelta> stats;
  // (stream id, shard index) -> last sequence written there, for the commit listeners.
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> touched_shards;
};

// A row written by a group that is applied but not yet committed.
struct Engine::PendingRow {
  uint64_t group_id;
  ItemPtr item;  // null: deleted
};

inline Status from_rocksdb(const rocksdb::Status& s) {
  if (s.ok()) return Status::ok();
  if (s.IsCorruption()) return Status::corruption(s.ToString());
  if (s.IsNotFound()) return Status::not_found(s.ToString());
  if (s.IsIOError() || s.IsNoSpace()) return Status::io_error(s.ToString());
  return Status::internal(s.ToString());
}

// DynamoDB's message for an unknown table.
inline Status table_not_found() {
  return Status::not_found("Requested resource not found");
}

}  // namespace eddy::storage
