// Engine reads: get, query and scan. Each reads committed data through one RocksDB iterator
// (or Get), which sees a consistent snapshot.
#include <rocksdb/iterator.h>

#include "model/key_encoding.h"
#include "storage/engine_internal.h"
#include "storage/indexes.h"
#include "storage/item_format.h"
#include "storage/keys.h"

namespace eddy::storage {

namespace {

std::string successor_of_key(std::string key) {
  // The smallest key greater than `key` itself (not than its extensions).
  key.push_back('\0');
  return key;
}

}  // namespace

Result<std::optional<model::Item>> Engine::get_item(std::string_view table,
                                                    const model::Item& key) const {
  std::string row_key;
  {
    auto state = find_table(table);
    if (!state) return table_not_found();
    EDDY_RETURN_IF_ERROR(model::validate_key(key, state->key_schema));
    row_key = item_key(state->id, state->key_schema, key);
  }
  const Snapshot snapshot = durable_snapshot();
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.get();
  rocksdb::PinnableSlice value;
  auto s = db_->Get(read_options, items_, row_key, &value);
  if (s.IsNotFound()) return std::optional<model::Item>();
  if (!s.ok()) return from_rocksdb(s);
  EDDY_ASSIGN_OR_RETURN(auto item, deserialize_item(value.ToStringView()));
  return std::optional<model::Item>(std::move(item));
}

Result<std::vector<std::optional<model::Item>>> Engine::get_items(
    const std::vector<ItemKey>& keys) const {
  // Resolve every table first: an unknown table or a wrong key fails the whole read.
  std::vector<std::string> row_keys;
  row_keys.reserve(keys.size());
  for (const auto& [table, key] : keys) {
    auto state = find_table(table);
    if (!state) return table_not_found();
    EDDY_RETURN_IF_ERROR(model::validate_key(key, state->key_schema));
    row_keys.push_back(item_key(state->id, state->key_schema, key));
  }
  // One durable snapshot for all of them: acknowledged writes only, and one point in time.
  const Snapshot snapshot = durable_snapshot();
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.get();
  std::vector<std::optional<model::Item>> items;
  items.reserve(keys.size());
  std::string value;
  for (const auto& row_key : row_keys) {
    auto s = db_->Get(read_options, items_, row_key, &value);
    if (s.IsNotFound()) {
      items.emplace_back();
      continue;
    }
    if (!s.ok()) return from_rocksdb(s);
    EDDY_ASSIGN_OR_RETURN(auto item, deserialize_item(value));
    items.emplace_back(std::move(item));
  }
  return items;
}

Result<Engine::ReadTarget> Engine::read_target(std::string_view table,
                                               std::string_view index) const {
  ReadTarget target;
  if (index.empty()) {
    auto state = find_table(table);
    if (!state) return table_not_found();
    target.table_id = state->id;
    target.table_schema = state->key_schema;
    return target;
  }
  EDDY_ASSIGN_OR_RETURN(auto found, describe_index(table, index));
  if (found.index.status != IndexStatus::kActive) {
    // DynamoDB: "You can't query or scan the index until it is ACTIVE" (its error text for
    // trying is not documented).
    return Status::validation("Cannot read from backfilling global secondary index: " +
                              std::string(index));
  }
  target.table_id = found.table_id;
  target.table_schema = std::move(found.table_schema);
  target.index = std::move(found.index);
  return target;
}

Result<Engine::IndexOfTable> Engine::describe_index(std::string_view table,
                                                    std::string_view index) const {
  std::shared_lock lock(catalog_mu_);
  auto it = tables_.find(table);
  if (it == tables_.end()) return table_not_found();
  for (const auto& state : it->second->indexes) {
    if (state->description.name == index) {
      return IndexOfTable{it->second->id, it->second->key_schema, state->description};
    }
  }
  return Status::validation("The table does not have the specified index: " + std::string(index));
}

Result<std::string> Engine::start_key(const ReadTarget& target, const model::Item& key) const {
  if (!target.index) {
    EDDY_RETURN_IF_ERROR(model::validate_key(key, target.table_schema));
    return item_key(target.table_id, target.table_schema, key);
  }
  // An index's start key is its index key and its table key, exactly (API_Query.html).
  EDDY_RETURN_IF_ERROR(model::validate_item_key(key, target.table_schema));
  EDDY_RETURN_IF_ERROR(model::validate_item_key(key, target.index->key_schema));
  if (entry_key_attributes(target.index->key_schema, target.table_schema, key).size() != key.size())
    return Status::validation("The provided starting key is invalid");
  return index_entry_key(*target.index, target.table_schema, key);
}

Result<Page> Engine::query(const QueryRequest& request) const {
  EDDY_ASSIGN_OR_RETURN(const ReadTarget target, read_target(request.table, request.index));
  const model::KeySchema& schema = target.schema();
  if (!model::has_key_type(request.partition_value, schema.partition.type)) {
    return Status::validation(
        "One or more parameter values were invalid: Condition parameter "
        "type does not match schema type");
  }
  const std::string prefix = partition_prefix(target.id(), request.partition_value);
  std::string lower = prefix;
  std::string upper = prefix_successor(prefix);

  if (const auto& condition = request.sort_condition) {
    if (!schema.sort) return Status::validation("Query key condition not supported");
    if (!model::has_key_type(condition->value, schema.sort->type) ||
        (condition->op == SortKeyCondition::Op::kBetween &&
         !model::has_key_type(condition->upper, schema.sort->type))) {
      return Status::validation(
          "One or more parameter values were invalid: Condition parameter "
          "type does not match schema type");
    }
    auto bound = [&](const model::AttributeValue& v) {
      std::string key = prefix;
      model::append_key_encoding(v, key);
      return key;
    };
    using Op = SortKeyCondition::Op;
    // "Past every row with this sort key value": on a table that is the row itself, on an
    // index every entry of that index key (each followed by its table key). No encoding is a
    // prefix of another (key_encoding.h), so the prefix successor is right for both.
    switch (condition->op) {
      case Op::kEq:
        lower = bound(condition->value);
        upper = prefix_successor(lower);
        break;
      case Op::kLt:
        upper = bound(condition->value);
        break;
      case Op::kLe:
        upper = prefix_successor(bound(condition->value));
        break;
      case Op::kGt:
        lower = prefix_successor(bound(condition->value));
        break;
      case Op::kGe:
        lower = bound(condition->value);
        break;
      case Op::kBetween:
        lower = bound(condition->value);
        upper = prefix_successor(bound(condition->upper));
        break;
      case Op::kBeginsWith: {
        if (schema.sort->type == model::KeyType::N) {
          return Status::validation(
              "Invalid KeyConditionExpression: Incorrect operand type for "
              "operator or function; operator or function: begins_with, "
              "operand type: N");
        }
        lower = prefix;
        model::append_key_prefix_encoding(condition->value, lower);
        upper = prefix_successor(lower);
        break;
      }
    }
  }

  if (request.exclusive_start_key) {
    EDDY_ASSIGN_OR_RETURN(std::string start, start_key(target, *request.exclusive_start_key));
    if (request.forward) {
      lower = std::max(lower, successor_of_key(start));
    } else {
      upper = std::min(upper, start);
    }
  }
  return read_range(target, std::move(lower), std::move(upper), request.forward, request.limit,
                    request.max_bytes, request.fetch_table_items);
}

Result<Page> Engine::scan(const ScanRequest& request) const {
  EDDY_ASSIGN_OR_RETURN(const ReadTarget target, read_target(request.table, request.index));
  if (request.total_segments == 0 || request.segment >= request.total_segments) {
    return Status::validation("Segment must be less than TotalSegments");
  }
  // Segment s covers the partition hashes [s * 2^32 / T, (s + 1) * 2^32 / T).
  const uint64_t low_hash = (uint64_t{request.segment} << 32) / request.total_segments;
  const uint64_t high_hash = (uint64_t{request.segment + 1} << 32) / request.total_segments;
  const std::string prefix = table_prefix(target.id());
  std::string lower = prefix;
  put_u32_be(lower, static_cast<uint32_t>(low_hash));
  std::string upper = prefix;
  if (high_hash > UINT32_MAX) {
    upper = prefix_successor(prefix);
  } else {
    put_u32_be(upper, static_cast<uint32_t>(high_hash));
  }
  if (request.exclusive_start_key) {
    EDDY_ASSIGN_OR_RETURN(std::string start, start_key(target, *request.exclusive_start_key));
    lower = std::max(lower, successor_of_key(start));
  }
  return read_range(target, std::move(lower), std::move(upper), true, request.limit,
                    request.max_bytes, request.fetch_table_items);
}

Result<Page> Engine::read_range(const ReadTarget& target, std::string lower, std::string upper,
                                bool forward, size_t limit, size_t max_bytes,
                                bool fetch_table_items) const {
  Page page;
  if (!upper.empty() && lower >= upper) return page;
  const Snapshot snapshot = durable_snapshot();
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.get();
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  read_options.iterate_lower_bound = &lower_slice;
  if (!upper.empty()) read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, target.index ? indexes_ : items_));
  // The key of an item read: its table key, and on an index its index key too.
  auto key_of = [&](const model::Item& item) {
    return target.index ? entry_key_attributes(target.index->key_schema, target.table_schema, item)
                        : model::extract_key(item, target.table_schema);
  };
  forward ? it->SeekToFirst() : it->SeekToLast();
  for (; it->Valid(); forward ? it->Next() : it->Prev()) {
    EDDY_ASSIGN_OR_RETURN(auto item, deserialize_item(it->value().ToStringView()));
    page.bytes_read += model::item_size(item);
    if (fetch_table_items && target.index) {
      // The whole item, from the table, at the same snapshot as the entry.
      rocksdb::ReadOptions get_options;
      get_options.snapshot = snapshot.get();
      rocksdb::PinnableSlice value;
      auto s = db_->Get(get_options, items_, item_key(target.table_id, target.table_schema, item),
                        &value);
      if (!s.ok())
        return s.IsNotFound() ? Status::internal("index entry without item") : from_rocksdb(s);
      EDDY_ASSIGN_OR_RETURN(item, deserialize_item(value.ToStringView()));
      page.bytes_read += model::item_size(item);
    }
    page.items.push_back(std::move(item));
    // DynamoDB stops at Limit items or once 1 MB has been read, and then returns the last
    // key it read as LastEvaluatedKey, whether or not more items follow.
    if ((limit != 0 && page.items.size() >= limit) ||
        (max_bytes != 0 && page.bytes_read >= max_bytes)) {
      // A fetched table item holds the index key too: the entry exists, at this snapshot.
      page.last_evaluated_key = key_of(page.items.back());
      break;
    }
  }
  EDDY_RETURN_IF_ERROR(from_rocksdb(it->status()));
  return page;
}

}  // namespace eddy::storage
