// The engine's vocabulary: table descriptions, streams, shards, stream records, and the write
// units submitted to the commit pipeline.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "model/attribute_value.h"
#include "model/key_schema.h"

namespace eddy::storage {

// Never reorder: persisted.
enum class StreamViewType : uint8_t {
  kKeysOnly = 0,
  kNewImage = 1,
  kOldImage = 2,
  kNewAndOldImages = 3,
};
const char* stream_view_type_name(StreamViewType type);  // "KEYS_ONLY", ...
std::optional<StreamViewType> parse_stream_view_type(std::string_view name);

struct StreamSpecification {
  bool enabled = false;
  StreamViewType view_type = StreamViewType::kNewAndOldImages;
  bool operator==(const StreamSpecification&) const = default;
};

struct AttributeDefinition {
  std::string name;
  model::KeyType type = model::KeyType::S;
  bool operator==(const AttributeDefinition&) const = default;
};

// ---- secondary indexes ----

// Never reorder: persisted.
enum class IndexKind : uint8_t { kGlobal = 0, kLocal = 1 };
// Never reorder: persisted.
enum class ProjectionType : uint8_t { kKeysOnly = 0, kInclude = 1, kAll = 2 };
// Never reorder: persisted.
enum class IndexStatus : uint8_t { kCreating = 0, kActive = 1, kDeleting = 2 };

// What an index is: the API layer validates it (names, limits, definitions).
struct IndexSpec {
  std::string name;
  IndexKind kind = IndexKind::kGlobal;
  // A local index's partition key is the table's.
  model::KeySchema key_schema;
  ProjectionType projection = ProjectionType::kAll;
  std::vector<std::string> non_key_attributes;  // kInclude only, in the order given
  // Settings the engine keeps but does not interpret (a GSI's provisioned throughput).
  std::map<std::string, std::string> properties;
  bool operator==(const IndexSpec&) const = default;
};

struct IndexDescription : IndexSpec {
  uint32_t id = 0;  // internal; never reused, as table ids are not
  // ACTIVE, or CREATING while it is filled from the table's items: only an index added to an
  // existing table is (one created with its table starts ACTIVE: the table is empty). An
  // engine's index is never DELETING: delete_index removes it in one catalog batch, and only
  // the description it returns says DELETING.
  IndexStatus status = IndexStatus::kActive;
  bool backfilling() const { return status == IndexStatus::kCreating; }
  // Live figures (not persisted with the description; kept by the writer).
  uint64_t item_count = 0;
  uint64_t size_bytes = 0;
};

// What CreateTable asks for.
struct TableSpec {
  std::string name;
  model::KeySchema key_schema;
  std::vector<AttributeDefinition> attribute_definitions;
  StreamSpecification stream;
  std::vector<IndexSpec> indexes;
  // Settings the engine keeps but does not interpret (billing mode, throughput, tags, ...):
  // the API layer owns their meaning.
  std::map<std::string, std::string> properties;
};

struct TableDescription {
  std::string name;
  uint32_t id = 0;  // internal; never reused, so a re-created table never sees old rows
  model::KeySchema key_schema;
  std::vector<AttributeDefinition> attribute_definitions;
  StreamSpecification stream;
  std::optional<uint32_t> latest_stream_id;  // the newest stream, enabled or not
  int64_t creation_ms = 0;
  std::map<std::string, std::string> properties;
  std::vector<IndexDescription> indexes;  // in the order they were created
  const IndexDescription* find_index(std::string_view index_name) const;
  // Live figures (not persisted with the description; kept by the writer).
  uint64_t item_count = 0;
  uint64_t size_bytes = 0;
};

// ---- streams ----

// Never reorder: persisted.
enum class StreamStatus : uint8_t { kEnabled = 0, kDisabled = 1 };
// Never reorder: persisted.
enum class EventName : uint8_t { kInsert = 1, kModify = 2, kRemove = 3 };
const char* event_name(EventName name);  // "INSERT", "MODIFY", "REMOVE"

struct ShardInfo {
  uint32_t index = 0;    // position in the stream's shard list; part of record keys
  std::string shard_id;  // AWS's format: shardId-<20 digits>-<8 hex>
  std::optional<std::string> parent_shard_id;
  uint64_t starting_sequence = 0;
  std::optional<uint64_t> ending_sequence;  // set when the shard is closed
  // Records with a smaller sequence number have been trimmed (0: nothing trimmed yet).
  uint64_t trim_horizon = 0;
  bool closed() const { return ending_sequence.has_value(); }
};

struct StreamInfo {
  uint32_t id = 0;
  std::string table_name;
  uint32_t table_id = 0;
  std::string label;  // ISO-8601 with milliseconds, no zone (reference §1.2)
  StreamViewType view_type = StreamViewType::kNewAndOldImages;
  StreamStatus status = StreamStatus::kEnabled;
  model::KeySchema key_schema;
  int64_t creation_ms = 0;
  std::vector<ShardInfo> shards;
};

struct StreamRecordHeader {
  EventName event = EventName::kInsert;
  int64_t creation_ms = 0;  // exact; the API rounds it down to seconds
  std::string event_id;     // 32 lower-case hex characters
  bool ttl_delete = false;  // REMOVE by Time to Live: the record carries userIdentity
  uint32_t size_bytes = 0;
};

struct StreamRecord : StreamRecordHeader {
  uint64_t sequence = 0;
  uint32_t shard_index = 0;
  model::Item keys;
  std::optional<model::Item> old_image;
  std::optional<model::Item> new_image;
};

// What one read of a shard returns.
struct ShardRead {
  std::vector<StreamRecord> records;
  // The shard is closed and no record follows these: a reader is done with it. (A closed
  // shard's ending sequence number is the newest one anywhere when it closed, so a reader
  // cannot tell the end from sequence numbers alone.)
  bool end_of_shard = false;
};

// ---- writes ----

// One version of an item, shared rather than copied between the writer's overlays, results
// and stream records. Null means absent.
using ItemPtr = std::shared_ptr<const model::Item>;

// The current item (null when absent) -> a Status: OK to proceed, kConditionFailed to reject
// the whole unit, anything else to fail it.
using ConditionFn = std::function<Status(const model::Item* current)>;
// The current item (null when absent) -> the new item (nullopt deletes it). Must be pure.
using UpdateFn = std::function<Result<std::optional<model::Item>>(const model::Item* current)>;

struct Put {
  model::Item item;
};
struct Delete {};
struct Update {
  UpdateFn apply;
};
struct Check {};  // a condition only (TransactWriteItems' ConditionCheck)

struct ItemWrite {
  std::string table;
  model::Item key;  // exactly the primary key attributes
  std::variant<Put, Delete, Update, Check> mutation;
  ConditionFn condition;    // optional
  bool ttl_delete = false;  // a Delete done by Time to Live (marks its stream record)
};

// One or more item writes that commit together or not at all (a transaction is one unit).
struct WriteUnit {
  std::vector<ItemWrite> writes;
};

// What one item write did to one secondary index, for ReturnConsumedCapacity INDEXES: the
// sizes of the index entries written (a new entry, a removed one, or both when the index key
// moved; one, sized on the larger, when only projected attributes changed). Indexes the write
// did not touch are absent.
struct IndexWrite {
  std::string index;
  IndexKind kind = IndexKind::kGlobal;
  std::vector<size_t> entry_bytes;
};

struct ItemWriteResult {
  Status status;     // OK, or why this write failed (kConditionFailed, kValidation, ...)
  ItemPtr old_item;  // the item before the write (also when its condition failed)
  ItemPtr new_item;
  bool changed = false;  // false for no-op writes: no row written, no stream record
  std::vector<IndexWrite> index_writes;
  // On a table with local secondary indexes: the size of the item's collection (the items of
  // its partition key and their local index entries) after the write.
  std::optional<uint64_t> collection_bytes;
};

struct WriteResult {
  // OK when the unit committed durably (per the engine's durability mode). Otherwise the first
  // failing write's status; `items` then tells each write's own outcome (for
  // TransactionCanceledException's CancellationReasons) and nothing was written.
  Status status;
  std::vector<ItemWriteResult> items;
};

// ---- reads ----

using SortKeyCondition = model::SortKeyCondition;

struct QueryRequest {
  std::string table;
  std::string index;  // empty: the table itself
  // On a local index: each item is read from the table (at the same snapshot) in place of its
  // projection, as DynamoDB fetches attributes an LSI does not project.
  bool fetch_table_items = false;
  model::AttributeValue partition_value;
  std::optional<SortKeyCondition> sort_condition;
  bool forward = true;
  size_t limit = 0;      // items; 0 = no limit
  size_t max_bytes = 0;  // stop after reading this much item data (DynamoDB: 1 MB); 0 = none
  std::optional<model::Item> exclusive_start_key;
};

struct ScanRequest {
  std::string table;
  std::string index;               // empty: the table itself
  bool fetch_table_items = false;  // as in QueryRequest
  size_t limit = 0;
  size_t max_bytes = 0;
  std::optional<model::Item> exclusive_start_key;
  uint32_t segment = 0;
  uint32_t total_segments = 1;
};

struct Page {
  std::vector<model::Item> items;
  // The key of the last item returned when the read stopped early (limit or max_bytes); on an
  // index, its index key and its table key.
  std::optional<model::Item> last_evaluated_key;
  size_t bytes_read = 0;
};

}  // namespace eddy::storage
