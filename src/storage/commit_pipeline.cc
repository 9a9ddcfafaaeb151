// The commit pipeline (DESIGN decisions 1 and 2): the writer thread applies queued write units
// in order against the latest state, the committer writes the resulting WriteBatches, and the
// completer makes everything written so far durable with one WAL sync before acknowledging it
// (engine.h has the picture). Stream records go in the same batch as their item changes.
#include <rocksdb/db.h>

#include "common/random.h"
#include "model/key_encoding.h"
#include "storage/catalog_format.h"
#include "storage/engine_internal.h"
#include "storage/indexes.h"
#include "storage/item_format.h"
#include "storage/keys.h"
#include "storage/stream_record_format.h"

namespace eddy::storage {

namespace {

// Which images a record of `view_type` carries (reference §1.3 matrix).
bool shows_old(StreamViewType view_type) {
  return view_type == StreamViewType::kOldImage || view_type == StreamViewType::kNewAndOldImages;
}
bool shows_new(StreamViewType view_type) {
  return view_type == StreamViewType::kNewImage || view_type == StreamViewType::kNewAndOldImages;
}

}  // namespace

void Engine::submit(WriteUnit unit, WriteCallback done) {
  {
    std::lock_guard lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(unit), std::move(done), {}});
      queue_cv_.notify_one();
      return;
    }
  }
  done(WriteResult{Status::shutting_down("the engine is shutting down"), {}});
}

WriteResult Engine::write(WriteUnit unit) {
  std::promise<WriteResult> promise;
  auto future = promise.get_future();
  submit(std::move(unit), [&promise](WriteResult result) { promise.set_value(std::move(result)); });
  return future.get();
}

void Engine::add_commit_listener(CommitListener listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_.push_back(std::move(listener));
}

void Engine::writer_loop() {
  for (;;) {
    {
      // Bound the work applied ahead of the disk (and the memory it holds).
      std::unique_lock lock(commit_mu_);
      commit_cv_.wait(lock, [this] { return commit_queue_.size() < kMaxQueuedGroups; });
    }
    auto group = std::make_unique<GroupState>();
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and every submitted unit has been taken
      // A backfill step goes alone in its group, so that no row of its group is only in the
      // group's overlay (apply_backfill reads RocksDB and pending_rows_).
      while (!queue_.empty() && group->units.size() < options_.max_group_units &&
             !(queue_.front().backfill && !group->units.empty())) {
        const bool backfill = queue_.front().backfill.has_value();
        group->units.push_back(std::move(queue_.front()));
        queue_.pop_front();
        if (backfill) break;
      }
    }
    if (failed_generation_.load(std::memory_order_acquire) == generation_) resync_after_failure();
    apply_group(std::move(group));
  }
  {
    std::lock_guard lock(commit_mu_);
    writer_done_ = true;
  }
  commit_cv_.notify_all();
}

void Engine::committer_loop() {
  for (;;) {
    std::vector<std::unique_ptr<GroupState>> round;
    {
      std::unique_lock lock(commit_mu_);
      commit_cv_.wait(lock, [this] { return writer_done_ || !commit_queue_.empty(); });
      if (commit_queue_.empty()) break;
      while (!commit_queue_.empty()) {
        round.push_back(std::move(commit_queue_.front()));
        commit_queue_.pop_front();
      }
    }
    commit_cv_.notify_all();  // the writer may apply more groups now
    write_round(round);
    {
      // The completer syncs the log and acknowledges, while this thread already writes the
      // next round: memtable inserts overlap with the fdatasync.
      std::lock_guard lock(complete_mu_);
      for (auto& group : round)
        complete_queue_.push_back(std::move(group));
    }
    complete_cv_.notify_one();
  }
  {
    std::lock_guard lock(complete_mu_);
    committer_done_ = true;
  }
  complete_cv_.notify_one();
}

void Engine::write_round(std::vector<std::unique_ptr<GroupState>>& round) {
  for (auto& group : round) {
    if (broken_.load(std::memory_order_acquire)) {
      group->status = Status::io_error(
          "the database could not make its log durable; restart Eddy once the disk is fixed");
    } else if (group->generation == failed_generation_.load(std::memory_order_acquire)) {
      // Applied on top of a group whose commit failed: its reads may have seen rows that
      // never reached the disk.
      group->status =
          Status::io_error("an earlier write of the same moment could not be committed");
    } else if (group->batch.Count() > 0) {
      // Not synced here, and so not yet visible to readers: they read at the durable snapshot.
      group->status = from_rocksdb(db_->Write(rocksdb::WriteOptions(), &group->batch));
    }
    if (!group->status.is_ok()) {
      failed_generation_.store(group->generation, std::memory_order_release);
    }
  }
  // Everything written so far, this round included: what readers may see once it is durable.
  auto snapshot = take_snapshot();
  for (auto& group : round)
    group->snapshot = snapshot;
}

void Engine::completer_loop() {
  for (;;) {
    std::deque<std::unique_ptr<GroupState>> groups;
    {
      std::unique_lock lock(complete_mu_);
      complete_cv_.wait(lock, [this] { return committer_done_ || !complete_queue_.empty(); });
      if (complete_queue_.empty()) return;
      groups.swap(complete_queue_);
    }
    // One fdatasync for every group written since the last one: the group commit.
    bool wrote = false;
    for (const auto& group : groups)
      wrote |= group->status.is_ok() && group->batch.Count() > 0;
    if (wrote && options_.durability == Durability::kSync) {
      Status synced = from_rocksdb(db_->SyncWAL());
      syncs_.fetch_add(1, std::memory_order_relaxed);
      if (!synced.is_ok()) {
        // The rows are in RocksDB's memtable but not on disk: never show them, and take no
        // more writes until a restart replays the log as it really is.
        broken_.store(true, std::memory_order_release);
        for (auto& group : groups) {
          if (group->status.is_ok()) group->status = synced;
          failed_generation_.store(group->generation, std::memory_order_release);
        }
      }
    }
    if (!broken_.load(std::memory_order_acquire)) publish_snapshot(groups.back()->snapshot);
    for (auto& group : groups) {
      record_outcome(*group);
      complete_group(*group);
    }
    {
      std::lock_guard lock(commit_mu_);
      in_flight_groups_ -= groups.size();
    }
    commit_cv_.notify_all();
  }
}

Engine::Snapshot Engine::take_snapshot() const {
  rocksdb::DB* db = db_;
  return Snapshot(db->GetSnapshot(), [db](const rocksdb::Snapshot* s) { db->ReleaseSnapshot(s); });
}

void Engine::publish_snapshot(Snapshot snapshot) {
  std::lock_guard lock(snapshot_mu_);
  durable_snapshot_ = std::move(snapshot);
}

Engine::Snapshot Engine::durable_snapshot() const {
  std::lock_guard lock(snapshot_mu_);
  return durable_snapshot_;
}

void Engine::drain_pipeline() {
  std::unique_lock lock(commit_mu_);
  commit_cv_.wait(lock, [this] { return in_flight_groups_ == 0; });
}

void Engine::resync_after_failure() {
  drain_pipeline();  // every group of the failed generation has been failed
  std::shared_lock catalog(catalog_mu_);
  applied_sequence_ = last_sequence_.load(std::memory_order_acquire);
  auto reset = [](Counters& counters) {
    counters.applied_item_count = counters.item_count.load();
    counters.applied_size_bytes = counters.size_bytes.load();
  };
  for (auto& [name, table] : tables_) {
    reset(table->counters);
    for (auto& index : table->indexes) {
      reset(index->counters);
      // A backfill step of the failed generation may have moved the cursor: go back to the
      // committed one ("" when no step committed).
      if (index->description.backfilling()) {
        std::string cursor;
        const bool found = db_->Get(rocksdb::ReadOptions(), meta_,
                                    meta_key(kMetaBackfillPrefix, index->description.id), &cursor)
                               .ok();
        index->backfilled_to = found ? std::move(cursor) : std::string();
      }
    }
  }
  {
    std::lock_guard lock(pending_rows_mu_);
    pending_rows_.clear();
  }
  collections_.clear();  // sizes of the failed groups included; the database has the rest
  ++generation_;
}

void Engine::apply_group(std::unique_ptr<GroupState> group) {
  // Catalog changes wait for this lock, then for the commit queue to drain: hand the group to
  // the committer before releasing it, so a change never slips in between.
  std::shared_lock catalog(catalog_mu_);
  if (collections_.size() > 100'000) {
    // Once every applied group is committed, the database has every size: forget them.
    drain_pipeline();
    collections_.clear();
  }
  group->id = next_group_id_++;
  group->generation = generation_;
  group->first_sequence = group->sequence = applied_sequence_;
  for (auto& pending : group->units) {
    if (pending.backfill) {
      apply_backfill(*pending.backfill, *group, pending.result);
    } else {
      apply_unit(pending.unit, *group, pending.result);
    }
  }

  if (group->batch.Count() > 0) {
    if (group->sequence != group->first_sequence) {
      std::string value;
      put_u64_be(value, group->sequence);
      group->batch.Put(meta_, kMetaSequence, value);
    }
    for (const auto& [counters, delta] : group->stats) {
      counters->applied_item_count += delta.items;
      counters->applied_size_bytes += delta.bytes;
      group->batch.Put(
          meta_, meta_key(kMetaStatsPrefix, counters->id),
          serialize_stats({counters->applied_item_count, counters->applied_size_bytes}));
    }
  }
  applied_sequence_ = group->sequence;
  if (!group->overlay.empty()) {
    std::lock_guard lock(pending_rows_mu_);
    for (const auto& [row, item] : group->overlay)
      pending_rows_[row] = {group->id, item};
  }
  {
    std::lock_guard lock(commit_mu_);
    ++in_flight_groups_;
    commit_queue_.push_back(std::move(group));
  }
  commit_cv_.notify_all();
}

void Engine::record_outcome(GroupState& group) {
  const Status& status = group.status;
  if (status.is_ok()) {
    last_sequence_.store(group.sequence, std::memory_order_release);
    for (const auto& [counters, delta] : group.stats) {
      counters->item_count.fetch_add(delta.items, std::memory_order_relaxed);
      counters->size_bytes.fetch_add(delta.bytes, std::memory_order_relaxed);
    }
    if (group.batch.Count() > 0) commit_groups_.fetch_add(1, std::memory_order_relaxed);
    stream_records_.fetch_add(group.sequence - group.first_sequence, std::memory_order_relaxed);
  } else {
    // Units that succeeded (even no-ops, which may have read rows of this group or an earlier
    // failed one) fail with the disk's error; nothing of the group is on disk.
    for (auto& pending : group.units) {
      if (pending.result.status.is_ok()) pending.result.status = status;
    }
  }
}

void Engine::complete_group(GroupState& group) {
  if (!group.overlay.empty()) {
    // The rows are in RocksDB's memtable now (or never will be): reads go there.
    std::lock_guard lock(pending_rows_mu_);
    for (const auto& [row, item] : group.overlay) {
      auto it = pending_rows_.find(row);
      if (it != pending_rows_.end() && it->second.group_id == group.id) pending_rows_.erase(it);
    }
  }
  if (group.status.is_ok() && !group.touched_shards.empty()) {
    std::lock_guard lock(listeners_mu_);
    for (const auto& [shard, sequence] : group.touched_shards) {
      for (const auto& listener : listeners_)
        listener(shard.first, shard.second, sequence);
    }
  }
  for (auto& pending : group.units) {
    (pending.result.status.is_ok() ? committed_units_ : failed_units_)
        .fetch_add(1, std::memory_order_relaxed);
    pending.done(std::move(pending.result));
  }
}

Engine::Metrics Engine::metrics() const {
  return {commit_groups_.load(std::memory_order_relaxed),
          syncs_.load(std::memory_order_relaxed),
          committed_units_.load(std::memory_order_relaxed),
          failed_units_.load(std::memory_order_relaxed),
          stream_records_.load(std::memory_order_relaxed),
          backfilled_items_.load(std::memory_order_relaxed)};
}

Result<ItemPtr> Engine::read_current(const std::string& row_key, const GroupState& group) const {
  if (auto it = group.overlay.find(row_key); it != group.overlay.end()) return it->second;
  {
    std::lock_guard lock(pending_rows_mu_);
    if (auto it = pending_rows_.find(row_key); it != pending_rows_.end()) return it->second.item;
  }
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), items_, row_key, &value);
  if (s.IsNotFound()) return ItemPtr();
  if (!s.ok()) return from_rocksdb(s);
  EDDY_ASSIGN_OR_RETURN(auto item, deserialize_item(value));
  return ItemPtr(std::make_shared<const model::Item>(std::move(item)));
}

namespace {
// Semantic equality of two versions of an item (absent == absent).
bool same_item(const ItemPtr& a, const ItemPtr& b) {
  if (a == b) return true;
  return a && b && *a == *b;  // maps compare by name, sets are kept sorted
}
}  // namespace

void Engine::apply_unit(WriteUnit& unit, GroupState& group, WriteResult& result) {
  struct Staged {
    size_t index;  // into unit.writes and result.items
    TableState* table;
    std::string row_key;
    std::string collection_key;  // tables with local indexes
    int64_t collection_delta = 0;
  };
  std::vector<Staged> staged;
  // Item collection growth by earlier writes of this unit.
  std::unordered_map<std::string, int64_t> collection_deltas;
  // Rows changed by earlier writes of this unit: a unit sees its own changes in order.
  std::unordered_map<std::string, ItemPtr> local;
  result.items.resize(unit.writes.size());

  for (size_t i = 0; i < unit.writes.size(); ++i) {
    ItemWrite& write = unit.writes[i];
    ItemWriteResult& out = result.items[i];
    auto fail = [&](Status status) {
      if (result.status.is_ok()) result.status = status;
      out.status = std::move(status);
    };
    auto table_it = tables_.find(write.table);
    if (table_it == tables_.end()) {
      fail(table_not_found());
      continue;
    }
    TableState& table = *table_it->second;
    if (auto s = model::validate_key(write.key, table.key_schema); !s.is_ok()) {
      fail(std::move(s));
      continue;
    }
    std::string row_key = item_key(table.id, table.key_schema, write.key);
    if (auto it = local.find(row_key); it != local.end()) {
      out.old_item = it->second;
    } else {
      auto read = read_current(row_key, group);
      if (!read) {
        fail(read.status());
        continue;
      }
      out.old_item = std::move(read).value();
    }
    const ItemPtr& current = out.old_item;
    if (write.condition) {
      if (auto s = write.condition(current.get()); !s.is_ok()) {
        fail(std::move(s));
        continue;
      }
    }

    ItemPtr next;
    if (auto* put = std::get_if<Put>(&write.mutation)) {
      next = std::make_shared<const model::Item>(std::move(put->item));
    } else if (const auto* update = std::get_if<Update>(&write.mutation)) {
      auto applied = update->apply(current.get());
      if (!applied) {
        fail(applied.status());
        continue;
      }
      if (applied->has_value()) next = std::make_shared<const model::Item>(std::move(**applied));
    } else if (std::holds_alternative<Check>(write.mutation)) {
      next = current;
    }  // Delete: next stays empty
    if (next) {
      if (auto s = model::validate_item(*next, table.key_schema); !s.is_ok()) {
        fail(std::move(s));
        continue;
      }
      if (model::extract_key(*next, table.key_schema) != write.key) {
        fail(
            Status::validation("One or more parameter values were invalid: the item's key "
                               "attributes differ from the key of the write"));
        continue;
      }
      Status index_keys;
      for (const auto& index : table.indexes) {
        index_keys = check_index_keys(index->description, current.get(), *next);
        if (!index_keys.is_ok()) break;
      }
      if (!index_keys.is_ok()) {
        fail(std::move(index_keys));
        continue;
      }
    }
    out.changed = !same_item(current, next);
    out.new_item = std::move(next);
    std::string collection_key;
    int64_t collection_delta = 0;
    if (table.has_local_index) {
      // DynamoDB's 10 GB limit: a write may not grow a collection past it (shrinking is fine).
      collection_key = meta_key(kMetaCollectionPrefix, table.id);
      model::append_key_encoding(write.key.at(table.key_schema.partition.name), collection_key);
      auto size = collection_size(collection_key);
      if (!size) {
        fail(size.status());
        continue;
      }
      auto collection_bytes = [&](const ItemPtr& item) -> int64_t {
        if (!item) return 0;
        size_t bytes = model::item_size(*item);
        for (const auto& index : table.indexes) {
          if (index->description.kind != IndexKind::kLocal) continue;
          if (auto entry = index_entry(index->description, table.key_schema, *item)) {
            bytes += model::item_size(entry->projected);
          }
        }
        return static_cast<int64_t>(bytes);
      };
      if (out.changed)
        collection_delta = collection_bytes(out.new_item) - collection_bytes(current);
      const int64_t before = static_cast<int64_t>(*size) + collection_deltas[collection_key];
      if (collection_delta > 0 &&
          before + collection_delta > static_cast<int64_t>(options_.item_collection_limit_bytes)) {
        fail(Status::collection_full("Collection size exceeded."));
        continue;
      }
      collection_deltas[collection_key] += collection_delta;
      out.collection_bytes = static_cast<uint64_t>(std::max<int64_t>(0, before + collection_delta));
    }
    if (out.changed) {
      local[row_key] = out.new_item;
      staged.push_back(
          {i, &table, std::move(row_key), std::move(collection_key), collection_delta});
    }
  }
  if (!result.status.is_ok()) return;  // all or nothing: a failed unit writes nothing

  // Apply the staged changes in order. Two writes of one unit to the same row both apply, each
  // from its own before-image, and each gets its record.
  for (const Staged& change : staged) {
    TableState& table = *change.table;
    const ItemPtr& old_item = result.items[change.index].old_item;
    const ItemPtr& new_item = result.items[change.index].new_item;
    const size_t old_size = old_item ? model::item_size(*old_item) : 0;
    const size_t new_size = new_item ? model::item_size(*new_item) : 0;

    if (new_item) {
      group.batch.Put(items_, change.row_key, serialize_item(*new_item));
    } else {
      group.batch.Delete(items_, change.row_key);
    }
    group.overlay[change.row_key] = new_item;
    auto& delta = group.stats[&table.counters];
    delta.items += (new_item ? 1 : 0) - (old_item ? 1 : 0);
    delta.bytes += static_cast<int64_t>(new_size) - static_cast<int64_t>(old_size);
    if (!table.indexes.empty()) {
      maintain_indexes(table, change.row_key, result.items[change.index], group);
    }
    if (!change.collection_key.empty() && change.collection_delta != 0) {
      // The size after this write, computed in validation (with this unit's earlier writes).
      const uint64_t updated = *result.items[change.index].collection_bytes;
      collections_[change.collection_key] = updated;
      if (updated == 0) {
        group.batch.Delete(meta_, change.collection_key);
      } else {
        std::string value;
        put_u64_be(value, updated);
        group.batch.Put(meta_, change.collection_key, value);
      }
    }

    const TableDescription& description = table.description;
    if (!description.stream.enabled || !description.latest_stream_id) continue;
    const StreamInfo& stream = streams_by_id_.at(*description.latest_stream_id);
    StreamRecordHeader header;
    header.event = !old_item   ? EventName::kInsert
                   : !new_item ? EventName::kRemove
                               : EventName::kModify;
    header.creation_ms = options_.clock->now_ms();
    header.event_id = to_hex(random_bytes(16));
    header.ttl_delete = unit.writes[change.index].ttl_delete;
    const model::Item keys = model::extract_key(new_item ? *new_item : *old_item, table.key_schema);
    const model::Item* old_image = shows_old(stream.view_type) ? old_item.get() : nullptr;
    const model::Item* new_image = shows_new(stream.view_type) ? new_item.get() : nullptr;
    header.size_bytes = static_cast<uint32_t>(model::item_size(keys) + (old_image ? old_size : 0) +
                                              (new_image ? new_size : 0));

    // The partition key decides the shard: every record of an item lands in one shard, in
    // order. The row key carries the partition hash at bytes 4..8 (keys.h).
    std::vector<const ShardInfo*> open;
    for (const auto& shard : stream.shards) {
      if (!shard.closed()) open.push_back(&shard);
    }
    if (open.empty()) continue;  // unreachable: an enabled stream always has open shards
    const ShardInfo& shard =
        *open[read_u32_be(std::string_view(change.row_key).substr(4)) % open.size()];
    const uint64_t sequence = ++group.sequence;
    group.batch.Put(streams_, stream_record_key(stream.id, shard.index, sequence),
                    serialize_stream_record(header, keys, old_image, new_image));
    group.touched_shards[{stream.id, shard.index}] = sequence;
  }
}

void Engine::maintain_indexes(TableState& table, const std::string& row_key, ItemWriteResult& write,
                              GroupState& group) {
  for (const auto& state : table.indexes) {
    const IndexDescription& index = state->description;
    // Rows the backfill has not reached yet are indexed when it does, from their version then.
    if (index.backfilling() && row_key > state->backfilled_to) continue;
    auto before =
        write.old_item ? index_entry(index, table.key_schema, *write.old_item) : std::nullopt;
    auto after =
        write.new_item ? index_entry(index, table.key_schema, *write.new_item) : std::nullopt;
    if (!before && !after) continue;
    if (before && after && before->key == after->key && before->projected == after->projected) {
      continue;  // nothing the index holds changed: no write, no capacity
    }
    const size_t before_size = before ? model::item_size(before->projected) : 0;
    const size_t after_size = after ? model::item_size(after->projected) : 0;
    IndexWrite report{index.name, index.kind, {}};
    if (before && (!after || before->key != after->key)) {
      group.batch.Delete(indexes_, before->key);
      report.entry_bytes.push_back(before_size);
    }
    if (after) {
      group.batch.Put(indexes_, after->key, serialize_item(after->projected));
      if (before && before->key == after->key) {
        report.entry_bytes.push_back(std::max(before_size, after_size));
      } else {
        report.entry_bytes.push_back(after_size);
      }
    }
    auto& delta = group.stats[&state->counters];
    delta.items += (after ? 1 : 0) - (before ? 1 : 0);
    delta.bytes += static_cast<int64_t>(after_size) - static_cast<int64_t>(before_size);
    write.index_writes.push_back(std::move(report));
  }
}

void Engine::apply_backfill(const BackfillStep& step, GroupState& group, WriteResult& result) {
  TableState* table = nullptr;
  for (auto& [name, state] : tables_) {
    if (state->id == step.table_id) table = state.get();
  }
  IndexState* index = nullptr;
  if (table != nullptr) {
    for (auto& state : table->indexes) {
      if (state->description.id == step.index_id) index = state.get();
    }
  }
  if (index == nullptr || !index->description.backfilling()) {
    *step.finished = true;  // the table or the index went away, or it is done
    return;
  }
  const std::string prefix = table_prefix(table->id);
  const std::string end = prefix_successor(prefix);
  std::string lower = index->backfilled_to.empty() ? prefix : index->backfilled_to + '\0';
  if (lower >= end) {
    *step.finished = true;
    return;
  }
  // The step must see each row as the writer does: committed, or in a group applied but not
  // committed yet (pending_rows_; a step is alone in its group, so it has no overlay). Those
  // rows are listed first: a row that leaves pending_rows_ afterwards is in RocksDB before it
  // leaves, so the iterator opened next sees it. No group is applied meanwhile (this is the
  // writer), so nothing newer can appear.
  std::vector<std::string> pending_keys;
  {
    std::lock_guard lock(pending_rows_mu_);
    for (const auto& [row, pending] : pending_rows_) {
      if (row >= lower && row < end) pending_keys.push_back(row);
    }
  }
  rocksdb::ReadOptions read_options;
  rocksdb::Slice lower_slice(lower), upper_slice(end);
  read_options.iterate_lower_bound = &lower_slice;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, items_));
  std::map<std::string, ItemPtr> rows;  // the step's rows, in key order
  size_t read = 0;
  for (it->SeekToFirst(); it->Valid() && read < step.limit; it->Next(), ++read) {
    auto item = deserialize_item(it->value().ToStringView());
    if (!item) {
      result.status = item.status();
      return;
    }
    rows.emplace(it->key().ToString(), std::make_shared<const model::Item>(std::move(*item)));
  }
  if (auto s = from_rocksdb(it->status()); !s.is_ok()) {
    result.status = s;
    return;
  }
  // Fewer than asked: the table's end. The cursor then covers every row, so the writer
  // maintains the index for all of them until it turns ACTIVE.
  const bool at_end = read < step.limit;
  const std::string covered = at_end ? end : rows.rbegin()->first;
  for (const auto& key : pending_keys) {
    if (key > covered) continue;
    auto current = read_current(key, group);  // the newest version, or null once deleted
    if (!current) {
      result.status = current.status();
      return;
    }
    rows[key] = std::move(current).value();
  }
  auto& delta = group.stats[&index->counters];
  for (const auto& [key, item] : rows) {
    // Items the index cannot hold (a key attribute missing, of another type, empty or too
    // large) are skipped, as DynamoDB's backfill skips them.
    if (!item) continue;
    auto entry = index_entry(index->description, table->key_schema, *item);
    if (!entry) continue;
    group.batch.Put(indexes_, entry->key, serialize_item(entry->projected));
    delta.items += 1;
    delta.bytes += static_cast<int64_t>(model::item_size(entry->projected));
  }
  backfilled_items_.fetch_add(read, std::memory_order_relaxed);
  index->backfilled_to = covered;
  group.batch.Put(meta_, meta_key(kMetaBackfillPrefix, index->description.id),
                  index->backfilled_to);
  *step.finished = at_end;
}

Result<uint64_t> Engine::collection_size(const std::string& key) {
  if (auto it = collections_.find(key); it != collections_.end()) return it->second;
  // Not changed by any group still in flight (those are all in collections_): the database
  // has the newest size.
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), meta_, key, &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return from_rocksdb(s);
  if (value.size() != 8) return Status::corruption("malformed item collection size");
  return read_u64_be(value);
}

}  // namespace eddy::storage
