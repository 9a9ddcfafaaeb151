// Secondary indexes in the engine: which entry an item has in an index (if any), what that entry
// holds, and the checks a written item must pass for the table's indexes.
//
// An index entry is a row of the `indexes` column family (keys.h): its key orders entries by
// index key, then by table key, and its value is the item as the index projects it, serialized
// with item_format.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "model/attribute_value.h"
#include "model/key_schema.h"
#include "storage/types.h"

namespace eddy::storage {

struct IndexEntry {
  std::string key;
  model::Item projected;
};

// The attributes of `item` that identify its entry: the table key and the index key (what an
// index read's LastEvaluatedKey and ExclusiveStartKey hold).
model::Item entry_key_attributes(const model::KeySchema& index_schema,
                                 const model::KeySchema& table_schema, const model::Item& item);

// Whether `index` holds `attribute` of its items: both keys, INCLUDE's list, or (ALL) any.
bool projects(const IndexDescription& index, const model::KeySchema& table_schema,
              std::string_view attribute);

// `item` as `index` projects it: the table key, the index key and (INCLUDE) the listed
// attributes it has, or (ALL) everything.
model::Item project(const IndexDescription& index, const model::KeySchema& table_schema,
                    const model::Item& item);

// The entry of `item` in `index`, or nullopt when the item is not in the index: it lacks an
// index key attribute (sparse indexes), or that attribute is of the wrong type, empty or too
// large (what the backfill skips, as DynamoDB's does).
std::optional<IndexEntry> index_entry(const IndexDescription& index,
                                      const model::KeySchema& table_schema,
                                      const model::Item& item);

// The key of the entry of `item` (which has every key attribute, valid) in `index`.
std::string index_entry_key(const IndexDescription& index, const model::KeySchema& table_schema,
                            const model::Item& item);

// The checks DynamoDB makes on a written item's index key attributes, with its messages. An
// attribute whose value the write did not change (the same in `old_item`) is not checked
// again: an item written before its index existed may keep a value the index skipped.
Status check_index_keys(const IndexDescription& index, const model::Item* old_item,
                        const model::Item& item);

}  // namespace eddy::storage
