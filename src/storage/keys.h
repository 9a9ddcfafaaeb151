// RocksDB key layouts, one column family each (format version kStorageFormatVersion).
//
// items:   table_id:u32be  partition_hash:u32be  enc(partition key)  [enc(sort key)]
//          enc() is model/key_encoding (order-preserving, self-delimiting). partition_hash is
//          zlib's crc32 of enc(partition key): it spreads partitions over the key space as
//          DynamoDB's hashing does, so Scan order is not key order (as in DynamoDB) and Scan
//          segments are contiguous hash ranges; all rows of a partition are adjacent and in
//          sort-key order, so Query is one range read.
// indexes: index_id:u32be  partition_hash:u32be  enc(index partition key)  [enc(index sort key)]
//          enc(table partition key)  [enc(table sort key)]  -> the item as the index projects it
//          (item_format). partition_hash is as in items, over the index partition key, so an
//          index Query is one range read and index Scan segments are hash ranges; the table key
//          makes entries with equal index keys distinct and orders them (DynamoDB leaves that
//          order unspecified). A local index's partition key is the table's.
// streams: stream_id:u32be  shard_index:u32be  sequence:u64be  -> stream record
// meta:    "format"                     -> version:u32be (kStorageFormatVersion)
//          "seq"                        -> last sequence number issued:u64be
//          "next_id"                    -> next table/stream id:u32be
//          "table/" name                -> table description (catalog_format.cc)
//          "stats/" id:u32be            -> statistics of a table or an index
//          "backfill/" index_id:u32be   -> the row key (in items) up to which a new index has
//                                          been filled from its table
//          "coll/" table_id:u32be enc(partition key) -> u64be: the size of an item collection
//                                          (tables with local secondary indexes only)
//          "stream/" stream_id:u32be    -> stream metadata
//          "state/" key                 -> a value owned by a layer above (Engine::write_state)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/attribute_value.h"
#include "model/key_schema.h"
#include "storage/binary_io.h"

namespace eddy::storage {

// Version 2: the layouts above, item_format v1, stream_record_format v1, catalog_format v1
// (table records v2), model key encoding v1. Version 1 had no `indexes` column family and no
// "backfill/" keys; Engine::open upgrades it in place (nothing else changed), and builds that
// read only version 1 refuse a version 2 directory rather than miss its indexes.
inline constexpr uint32_t kStorageFormatVersion = 2;

inline constexpr std::string_view kMetaFormat = "format";
inline constexpr std::string_view kMetaSequence = "seq";
inline constexpr std::string_view kMetaNextId = "next_id";
inline constexpr std::string_view kMetaTablePrefix = "table/";
inline constexpr std::string_view kMetaStatsPrefix = "stats/";
inline constexpr std::string_view kMetaStreamPrefix = "stream/";
inline constexpr std::string_view kMetaStatePrefix = "state/";
inline constexpr std::string_view kMetaBackfillPrefix = "backfill/";
inline constexpr std::string_view kMetaCollectionPrefix = "coll/";

// id + partition hash + enc(partition key): the prefix of every row of one partition, of a
// table (`id` a table id) or of an index (an index id).
std::string partition_prefix(uint32_t table_id, const model::AttributeValue& partition_value);
// The full row key of `item` (which carries valid key attributes).
std::string item_key(uint32_t table_id, const model::KeySchema& schema, const model::Item& item);
std::string table_prefix(uint32_t table_id);

std::string stream_record_key(uint32_t stream_id, uint32_t shard_index, uint64_t sequence);
std::string shard_prefix(uint32_t stream_id, uint32_t shard_index);

inline std::string meta_key(std::string_view prefix, std::string_view name) {
  return std::string(prefix) + std::string(name);
}
inline std::string meta_key(std::string_view prefix, uint32_t id) {
  std::string key(prefix);
  put_u32_be(key, id);
  return key;
}

// The smallest key greater than every key starting with `prefix` ("" when there is none).
std::string prefix_successor(std::string prefix);

}  // namespace eddy::storage
