// Index entries and the write checks of secondary indexes (indexes.h).
//
// Messages: docs/research/secondary-indexes-aws.md §4.2 (the type mismatch as dynalite's tests
// against DynamoDB and real service logs show it; the empty-value text quoted in many service
// logs). The size limits are the table key's (2048 and 1024 bytes) with its messages.
#include "storage/indexes.h"

#include <algorithm>

#include "model/key_encoding.h"
#include "storage/keys.h"

namespace eddy::storage {

namespace {

// Whether `value` can be the index key attribute `attr`: of its type, not empty, not too large.
bool usable_key(const model::AttributeValue& value, const model::KeyAttribute& attr,
                bool is_partition) {
  if (!model::has_key_type(value, attr.type)) return false;
  size_t size = 0;
  if (value.is<std::string>()) size = value.as<std::string>().size();
  if (value.is<model::Binary>()) size = value.as<model::Binary>().bytes.size();
  if (attr.type != model::KeyType::N && size == 0) return false;
  return size <= (is_partition ? model::kMaxPartitionKeyBytes : model::kMaxSortKeyBytes);
}

const model::AttributeValue* find(const model::Item& item, const std::string& name) {
  auto it = item.find(name);
  return it == item.end() ? nullptr : &it->second;
}

Status check_key(const IndexDescription& index, const model::KeyAttribute& attr, bool is_partition,
                 const model::Item* old_item, const model::Item& item) {
  const model::AttributeValue* value = find(item, attr.name);
  if (value == nullptr) return Status::ok();  // not in the index: sparse
  if (old_item != nullptr) {
    const model::AttributeValue* before = find(*old_item, attr.name);
    if (before != nullptr && *before == *value) return Status::ok();
  }
  if (!model::has_key_type(*value, attr.type)) {
    return Status::validation(
        "One or more parameter values were invalid: Type mismatch for Index Key " + attr.name +
        " Expected: " + model::key_type_name(attr.type) +
        " Actual: " + model::type_name(value->type()) + " IndexName: " + index.name);
  }
  if (!usable_key(*value, attr, is_partition)) {
    const bool empty = (value->is<std::string>() && value->as<std::string>().empty()) ||
                       (value->is<model::Binary>() && value->as<model::Binary>().bytes.empty());
    if (empty) {
      return Status::validation(
          std::string("One or more parameter values are not valid. A value specified for a "
                      "secondary index key is not supported. The AttributeValue for a key "
                      "attribute cannot contain an empty ") +
          (value->is<std::string>() ? "string" : "binary") + " value. IndexName: " + index.name +
          ", IndexKey: " + attr.name);
    }
    return Status::validation(
        is_partition ? "One or more parameter values were invalid: Size of hashkey has exceeded "
                       "the maximum size limit of2048 bytes"
                     : "One or more parameter values were invalid: Aggregated size of all range "
                       "keys has exceeded the size limit of 1024 bytes");
  }
  return Status::ok();
}

}  // namespace

model::Item entry_key_attributes(const model::KeySchema& index_schema,
                                 const model::KeySchema& table_schema, const model::Item& item) {
  model::Item key = model::extract_key(item, table_schema);
  for (const auto& [name, value] : model::extract_key(item, index_schema))
    key.insert_or_assign(name, value);
  return key;
}

bool projects(const IndexDescription& index, const model::KeySchema& table_schema,
              std::string_view attribute) {
  auto is_key = [&](const model::KeySchema& schema) {
    return schema.partition.name == attribute || (schema.sort && schema.sort->name == attribute);
  };
  return index.projection == ProjectionType::kAll || is_key(table_schema) ||
         is_key(index.key_schema) ||
         (index.projection == ProjectionType::kInclude &&
          std::find(index.non_key_attributes.begin(), index.non_key_attributes.end(), attribute) !=
              index.non_key_attributes.end());
}

model::Item project(const IndexDescription& index, const model::KeySchema& table_schema,
                    const model::Item& item) {
  if (index.projection == ProjectionType::kAll) return item;
  model::Item projected = entry_key_attributes(index.key_schema, table_schema, item);
  if (index.projection == ProjectionType::kInclude) {
    for (const auto& name : index.non_key_attributes) {
      if (const auto* value = find(item, name)) projected.insert_or_assign(name, *value);
    }
  }
  return projected;
}

std::string index_entry_key(const IndexDescription& index, const model::KeySchema& table_schema,
                            const model::Item& item) {
  std::string key = partition_prefix(index.id, item.at(index.key_schema.partition.name));
  if (index.key_schema.sort) model::append_key_encoding(item.at(index.key_schema.sort->name), key);
  model::append_key_encoding(item.at(table_schema.partition.name), key);
  if (table_schema.sort) model::append_key_encoding(item.at(table_schema.sort->name), key);
  return key;
}

std::optional<IndexEntry> index_entry(const IndexDescription& index,
                                      const model::KeySchema& table_schema,
                                      const model::Item& item) {
  const auto* partition = find(item, index.key_schema.partition.name);
  if (partition == nullptr || !usable_key(*partition, index.key_schema.partition, true)) {
    return std::nullopt;
  }
  if (const auto& sort = index.key_schema.sort) {
    const auto* value = find(item, sort->name);
    if (value == nullptr || !usable_key(*value, *sort, false)) return std::nullopt;
  }
  return IndexEntry{index_entry_key(index, table_schema, item), project(index, table_schema, item)};
}

Status check_index_keys(const IndexDescription& index, const model::Item* old_item,
                        const model::Item& item) {
  EDDY_RETURN_IF_ERROR(check_key(index, index.key_schema.partition, true, old_item, item));
  if (index.key_schema.sort) {
    EDDY_RETURN_IF_ERROR(check_key(index, *index.key_schema.sort, false, old_item, item));
  }
  return Status::ok();
}

}  // namespace eddy::storage
