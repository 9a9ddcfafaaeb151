// storage::Engine: the only door to RocksDB (DESIGN "The seams").
//
// One database, four column families: `items` (rows of every table), `indexes` (entries of
// every secondary index), `streams` (stream records) and `meta` (catalog, statistics,
// counters); key layouts in keys.h.
//
// Writes go through one writer thread (DESIGN decision 2): it applies units in submission
// order against the latest state (so conditions and multi-item units need no locks); the
// committed groups share one fsync (group commit). A write that changes an item of a table
// with a stream appends its stream record to the same WriteBatch (DESIGN decision 1): after any
// crash, every change has its record and every record its change. A unit's callback runs once
// its batch is durable, and readers see only durable data (a RocksDB snapshot taken at the
// last durable commit). Secondary index entries are written in the item's batch too, so an
// index never shows a state its table never had.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/types.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Env;
class Cache;
class WriteBatch;
class Snapshot;
}  // namespace rocksdb

namespace eddy::storage {

enum class Durability {
  kSync,      // acknowledged means on disk (fsync per commit group)
  kAsync,     // acknowledged means in the OS page cache (survives a process crash, not power loss)
  kInMemory,  // no files at all; everything is lost on close
};

struct EngineOptions {
  std::string path;  // ignored for kInMemory
  Durability durability = Durability::kSync;
  uint32_t stream_shards = 1;                        // shards per new stream
  int64_t stream_retention_ms = 24LL * 3600 * 1000;  // records older than this are trimmed
  const Clock* clock = &SystemClock::instance();
  // Memory budget: RocksDB's defaults (64 MB memtables per column family, 8 MB cache) are
  // tuned for servers; these keep a local Eddy small (see bench/ for RSS figures).
  size_t write_buffer_bytes = 16 << 20;
  size_t block_cache_bytes = 32 << 20;
  size_t max_group_units = 1024;  // most units committed by one WriteBatch
  // How often the background thread trims expired stream records and rolls shards over; 0 =
  // never (tests call trim_streams() and roll_over_shards() themselves).
  int64_t trim_interval_ms = 60'000;
  // Open shards older than this are closed and each continued by one child shard, as DynamoDB
  // rolls shards over (reference §1.5); 0 = never.
  int64_t shard_rollover_ms = 4LL * 3600 * 1000;
  // Items an index backfill reads per step. Each step is one write unit of the pipeline, so
  // foreground writes queued meanwhile go between steps.
  size_t backfill_step_items = 100;
  // Items a backfill reads per second at most (0: as fast as the writer takes its steps).
  size_t backfill_items_per_second = 0;
  // DynamoDB's limit on an item collection of a table with local secondary indexes: the items
  // of one partition key value and their local index entries.
  uint64_t item_collection_limit_bytes = 10ULL << 30;
};

class Engine {
 public:
  // Opens (creating if needed) the database. kCorruption when `path` holds data that is not an
  // Eddy database of a format this build reads; kIoError when the disk refuses.
  static Result<std::unique_ptr<Engine>> open(EngineOptions options);
  ~Engine();  // completes every submitted unit, then closes the database

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- catalog ----
  // kAlreadyExists if a table of that name exists.
  Result<TableDescription> create_table(TableSpec spec);
  // kNotFound if there is no such table.
  Result<TableDescription> describe_table(std::string_view name) const;
  // The table's key schema alone: what every item operation needs, without copying the whole
  // description (a profile of GetItem found that copy to be a third of its allocations).
  Result<model::KeySchema> key_schema(std::string_view name) const;
  std::vector<std::string> list_tables() const;  // ascending
  // Removes the table and its items; its stream (if any) is disabled and stays readable
  // until retention trims it. Returns the description as it was.
  Result<TableDescription> delete_table(std::string_view name);
  // Enables (a new stream, with a new label) or disables the table's stream. The API layer
  // validates transitions (already enabled, view type change, ...).
  Result<TableDescription> update_stream(std::string_view table, StreamSpecification spec);
  // Replaces the uninterpreted properties of a table (billing mode, tags, ...).
  Result<TableDescription> update_properties(std::string_view table,
                                             std::map<std::string, std::string> properties);
  // Adds a global secondary index to a table: CREATING, filled from the table's items in the
  // background while writes go on (writes maintain it meanwhile), then ACTIVE. The table's
  // attribute definitions gain the index key's. kAlreadyExists if the table has an index of
  // that name, kThrottled while another index is backfilled. The API layer checks everything
  // else (limits, definitions).
  Result<TableDescription> create_index(std::string_view table, IndexSpec spec);
  // Removes an index and its entries; the description returned shows it DELETING. Attribute
  // definitions no key uses any more go with it. kNotFound if there is no such index.
  Result<TableDescription> delete_index(std::string_view table, std::string_view index);

  // ---- reads (each on a consistent snapshot of committed data) ----
  // `key` must be exactly the table's primary key. nullopt when absent.
  Result<std::optional<model::Item>> get_item(std::string_view table, const model::Item& key) const;
  // Several items read at one snapshot (TransactGetItems); kNotFound or kValidation fails all.
  struct ItemKey {
    std::string table;
    model::Item key;
  };
  Result<std::vector<std::optional<model::Item>>> get_items(const std::vector<ItemKey>& keys) const;
  // On an index (request.index), kValidation names an unknown one ("The table does not have the
  // specified index") and kValidation refuses an index that is not ACTIVE yet.
  Result<Page> query(const QueryRequest& request) const;
  Result<Page> scan(const ScanRequest& request) const;

  // ---- writes ----
  using WriteCallback = std::function<void(WriteResult)>;
  // Queues `unit`; `done` runs on the writer thread when the unit has committed (or failed):
  // keep it short. After close has begun, `done` gets kShuttingDown at once.
  void submit(WriteUnit unit, WriteCallback done);
  // submit() and wait.
  WriteResult write(WriteUnit unit);

  // ---- streams ----
  std::vector<StreamInfo> list_streams() const;  // ascending id, enabled and disabled
  Result<StreamInfo> describe_stream(uint32_t stream_id) const;
  // Up to `limit` records of one shard with sequence >= `from_sequence`, in order, and
  // whether they are the last of a closed shard. kTrimmed when `from_sequence` is below the
  // shard's trim horizon.
  Result<ShardRead> read_shard(uint32_t stream_id, uint32_t shard_index, uint64_t from_sequence,
                               size_t limit) const;
  // The last sequence number issued (0 before the first record).
  uint64_t last_sequence() const { return last_sequence_.load(std::memory_order_acquire); }
  // Deletes records older than the retention period; returns how many were deleted.
  Result<uint64_t> trim_streams();
  // Closes the open shards of every enabled stream whose shards are older than
  // shard_rollover_ms (or all of them, with `force`), each continued by a child shard that names
  // it as parent. All open shards of a stream roll together, so an item's records keep going
  // to one shard at a time and a consumer that reads parents first sees them in order. Returns
  // how many shards were closed.
  Result<size_t> roll_over_shards(bool force = false);

  // Called on the writer thread after each commit that appended stream records, once per
  // (stream, shard) touched, with the last sequence number written there. This is the push
  // signal of DESIGN decision 3. Listeners must not block.
  using CommitListener =
      std::function<void(uint32_t stream_id, uint32_t shard_index, uint64_t last_sequence)>;
  void add_commit_listener(CommitListener listener);

  // ---- state of the layers above (event source mappings, their checkpoints) ----
  // Small values kept in the meta column family under "state/", beside the catalog and never
  // touching items, so they bypass the item pipeline. Durable when the call returns, as the
  // engine's durability says (kSync: on disk). One call's changes land together or not at all.
  struct StateChange {
    std::string key;
    std::optional<std::string> value;  // nullopt deletes the key
  };
  Status write_state(const std::vector<StateChange>& changes);
  Result<std::optional<std::string>> read_state(std::string_view key) const;
  // Every (key, value) whose key starts with `prefix`, in key order.
  Result<std::vector<std::pair<std::string, std::string>>> list_state(
      std::string_view prefix) const;

  const EngineOptions& options() const { return options_; }

  // Counters since open, for /metrics and benchmarks.
  struct Metrics {
    uint64_t commit_groups = 0;     // WriteBatches committed by the writer
    uint64_t syncs = 0;             // commit rounds that synced the WAL (kSync only)
    uint64_t committed_units = 0;   // units acknowledged OK
    uint64_t failed_units = 0;      // units that failed (conditions, validation, I/O)
    uint64_t stream_records = 0;    // records appended
    uint64_t backfilled_items = 0;  // items read by index backfills
  };
  Metrics metrics() const;

 private:
  struct Counters;
  struct IndexState;
  struct TableState;
  struct BackfillStep;
  struct Pending;
  struct GroupState;
  struct PendingRow;
  // A RocksDB snapshot, released when the last holder lets go.
  using Snapshot = std::shared_ptr<const rocksdb::Snapshot>;
  Snapshot take_snapshot() const;
  void publish_snapshot(Snapshot snapshot);
  // What readers read: everything durable, nothing that is not yet.
  Snapshot durable_snapshot() const;

  explicit Engine(EngineOptions options);
  Status open_database();
  Status load_catalog();
  void writer_loop();
  void committer_loop();
  void apply_group(std::unique_ptr<GroupState> group);
  void apply_unit(WriteUnit& unit, GroupState& group, WriteResult& result);
  // Writes the changes of one item write to the table's indexes into the group's batch.
  void maintain_indexes(TableState& table, const std::string& row_key, ItemWriteResult& write,
                        GroupState& group);
  void apply_backfill(const BackfillStep& step, GroupState& group, WriteResult& result);
  // The size of an item collection (meta key "coll/..."), as the writer has it.
  Result<uint64_t> collection_size(const std::string& key);
  void backfill_loop();
  // Backfills every index that is CREATING, one step at a time, until done or stopping.
  void run_backfills();
  Status finish_backfill(uint32_t table_id, uint32_t index_id);
  // The description as persisted: the table's with its indexes'.
  TableDescription table_record(const TableState& state) const;
  void write_round(std::vector<std::unique_ptr<GroupState>>& round);
  void record_outcome(GroupState& group);
  void completer_loop();
  void complete_group(GroupState& group);
  void resync_after_failure();
  void drain_pipeline();
  Result<ItemPtr> read_current(const std::string& row_key, const GroupState& group) const;
  std::shared_ptr<TableState> find_table(std::string_view name) const;
  StreamInfo new_stream(const TableDescription& table, StreamViewType view_type, uint32_t id);
  Status commit_catalog(rocksdb::WriteBatch& batch);
  void housekeeping_loop();
  uint32_t allocate_id();
  TableDescription describe(const TableState& state) const;
  // What a read of a table or of one of its indexes needs, resolved under the catalog lock.
  struct ReadTarget {
    uint32_t table_id = 0;
    model::KeySchema table_schema;
    std::optional<IndexDescription> index;  // nullopt: the table
    uint32_t id() const { return index ? index->id : table_id; }
    const model::KeySchema& schema() const { return index ? index->key_schema : table_schema; }
  };
  Result<ReadTarget> read_target(std::string_view table, std::string_view index) const;

 public:
  // One index of a table with the table's key schema, without copying the whole description:
  // kNotFound for an unknown table, kValidation for an unknown index (DynamoDB's messages).
  struct IndexOfTable {
    uint32_t table_id = 0;  // internal
    model::KeySchema table_schema;
    IndexDescription index;
  };
  Result<IndexOfTable> describe_index(std::string_view table, std::string_view index) const;

 private:
  Result<std::string> start_key(const ReadTarget& target, const model::Item& key) const;
  Result<Page> read_range(const ReadTarget& target, std::string lower, std::string upper,
                          bool forward, size_t limit, size_t max_bytes,
                          bool fetch_table_items) const;

  EngineOptions options_;
  std::unique_ptr<rocksdb::Env> env_;  // the in-memory Env for kInMemory
  std::shared_ptr<rocksdb::Cache> cache_;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* items_ = nullptr;
  rocksdb::ColumnFamilyHandle* indexes_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* default_ = nullptr;

  // Catalog: tables by name and streams by id. Readers and the writer hold it shared;
  // catalog changes hold it exclusively (they are rare and brief).
  mutable std::shared_mutex catalog_mu_;
  std::map<std::string, std::shared_ptr<TableState>, std::less<>> tables_;
  std::map<uint32_t, StreamInfo> streams_by_id_;
  uint32_t next_id_ = 1;

  std::atomic<uint64_t> last_sequence_{0};
  std::atomic<uint64_t> commit_groups_{0}, syncs_{0}, committed_units_{0}, failed_units_{0},
      stream_records_{0}, backfilled_items_{0};

  // The pipeline: submit() -> queue_ -> writer (applies a group against the latest state,
  // committed or not) -> commit_queue_ -> committer (writes the groups' WriteBatches, unsynced,
  // and takes a snapshot) -> complete_queue_ -> completer (one WAL sync for everything queued,
  // publishes the snapshot to readers, then callbacks and listeners). While the completer waits
  // for the disk, the committer writes the next round and the writer applies the next groups.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread writer_;

  std::mutex commit_mu_;
  std::condition_variable commit_cv_;
  static constexpr size_t kMaxQueuedGroups = 8;
  std::deque<std::unique_ptr<GroupState>> commit_queue_;
  size_t in_flight_groups_ = 0;  // applied and not yet completed
  bool writer_done_ = false;     // no more groups will come
  std::thread committer_;

  std::mutex complete_mu_;
  std::condition_variable complete_cv_;
  std::deque<std::unique_ptr<GroupState>> complete_queue_;
  bool committer_done_ = false;
  std::thread completer_;

  // Rows of applied, uncommitted groups, newest value per row.
  mutable std::mutex pending_rows_mu_;
  std::unordered_map<std::string, PendingRow> pending_rows_;

  // Writer-owned: the last sequence number and group id issued, and the generation. A failed
  // commit fails every group applied on top of it; the writer then drains the pipeline,
  // re-reads the committed state and starts a new generation.
  uint64_t applied_sequence_ = 0;
  uint64_t next_group_id_ = 1;
  // Item collection sizes the writer has read or changed, newest first (committed or not).
  std::unordered_map<std::string, uint64_t> collections_;
  uint64_t generation_ = 0;
  std::atomic<uint64_t> failed_generation_{UINT64_MAX};
  // A WAL sync failed: rows in the memtable may not be on disk. No more writes are taken.
  std::atomic<bool> broken_{false};

  // Readers see the database as of the last durable commit (RocksDB shows a write as soon as
  // it is in the memtable, before the WAL sync that makes it durable).
  mutable std::mutex snapshot_mu_;
  Snapshot durable_snapshot_;

  std::thread housekeeper_;
  std::condition_variable housekeeping_cv_;  // with queue_mu_ and stopping_

  // Index backfills: one thread, woken (with queue_mu_) when an index is added.
  std::thread backfiller_;
  std::condition_variable backfill_cv_;
  bool backfill_requested_ = false;  // with queue_mu_

  std::mutex listeners_mu_;
  std::vector<CommitListener> listeners_;
};

}  // namespace eddy::storage
