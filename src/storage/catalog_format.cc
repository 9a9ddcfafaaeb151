// Catalog formats (all in the `meta` column family; see keys.h for the keys).
//
//   table  := version:u8(=3) name:bytes id:u32be key_schema
//             defs:varint { name:bytes key_type:u8 }*
//             stream_enabled:u8 view_type:u8 has_stream:u8 [stream_id:u32be]
//             creation_ms:u64be props:varint { key:bytes value:bytes }*
//             indexes:varint { index }*
//             (version 1, written before secondary indexes, ends after props: no indexes)
//   index  := name:bytes id:u32be kind:u8 key_schema projection:u8
//             non_key:varint { name:bytes }* status:u8 [backfilling:u8, version 2 only]
//             props:varint { key:bytes value:bytes }*
//   key_schema := pk_name:bytes pk_type:u8 has_sk:u8 [sk_name:bytes sk_type:u8]
//   stream := version:u8(=1) id:u32be table_name:bytes table_id:u32be label:bytes
//             view_type:u8 status:u8 key_schema creation_ms:u64be
//             shards:varint { index:u32be shard_id:bytes has_parent:u8 [parent:bytes]
//                             start:u64be closed:u8 [end:u64be] trim_horizon:u64be }*
//   stats  := version:u8(=1) item_count:varint size_bytes:varint   (of a table or an index)
// Enum bytes are the fixed values of model::KeyType, StreamViewType, StreamStatus, IndexKind,
// ProjectionType and IndexStatus.
#include "storage/catalog_format.h"

#include "storage/binary_io.h"

namespace eddy::storage {

namespace {

Status corrupt(const char* what) {
  return Status::corruption(std::string("catalog: malformed ") + what);
}

void put_key_schema(std::string& out, const model::KeySchema& schema) {
  put_bytes(out, schema.partition.name);
  put_u8(out, static_cast<uint8_t>(schema.partition.type));
  put_u8(out, schema.sort ? 1 : 0);
  if (schema.sort) {
    put_bytes(out, schema.sort->name);
    put_u8(out, static_cast<uint8_t>(schema.sort->type));
  }
}

bool read_key_type(Reader& r, model::KeyType& type) {
  uint8_t v;
  if (!r.u8(v) || v > static_cast<uint8_t>(model::KeyType::B)) return false;
  type = static_cast<model::KeyType>(v);
  return true;
}

bool read_key_schema(Reader& r, model::KeySchema& schema) {
  uint8_t has_sort;
  if (!r.bytes(schema.partition.name) || !read_key_type(r, schema.partition.type) ||
      !r.u8(has_sort)) {
    return false;
  }
  if (has_sort) {
    schema.sort.emplace();
    if (!r.bytes(schema.sort->name) || !read_key_type(r, schema.sort->type)) return false;
  }
  return true;
}

bool read_view_type(Reader& r, StreamViewType& type) {
  uint8_t v;
  if (!r.u8(v) || v > static_cast<uint8_t>(StreamViewType::kNewAndOldImages)) return false;
  type = static_cast<StreamViewType>(v);
  return true;
}

bool read_version(Reader& r) {
  uint8_t version;
  return r.u8(version) && version == kCatalogFormatVersion;
}

void put_properties(std::string& out, const std::map<std::string, std::string>& properties) {
  put_varint(out, properties.size());
  for (const auto& [key, value] : properties) {
    put_bytes(out, key);
    put_bytes(out, value);
  }
}

bool read_properties(Reader& r, std::map<std::string, std::string>& properties) {
  uint64_t count;
  if (!r.varint(count) || count > r.rest().size()) return false;
  for (uint64_t i = 0; i < count; ++i) {
    std::string key, value;
    if (!r.bytes(key) || !r.bytes(value)) return false;
    properties.emplace(std::move(key), std::move(value));
  }
  return true;
}

// Reads a byte that must be at most `max` into an enum.
template <typename Enum>
bool read_enum(Reader& r, Enum& out, Enum max) {
  uint8_t v;
  if (!r.u8(v) || v > static_cast<uint8_t>(max)) return false;
  out = static_cast<Enum>(v);
  return true;
}

void put_index(std::string& out, const IndexDescription& index) {
  put_bytes(out, index.name);
  put_u32_be(out, index.id);
  put_u8(out, static_cast<uint8_t>(index.kind));
  put_key_schema(out, index.key_schema);
  put_u8(out, static_cast<uint8_t>(index.projection));
  put_varint(out, index.non_key_attributes.size());
  for (const auto& name : index.non_key_attributes)
    put_bytes(out, name);
  put_u8(out, static_cast<uint8_t>(index.status));
  put_properties(out, index.properties);
}

bool read_index(Reader& r, uint8_t version, IndexDescription& index) {
  uint64_t count;
  if (!r.bytes(index.name) || !r.u32_be(index.id) || !read_enum(r, index.kind, IndexKind::kLocal) ||
      !read_key_schema(r, index.key_schema) ||
      !read_enum(r, index.projection, ProjectionType::kAll) || !r.varint(count) ||
      count > r.rest().size()) {
    return false;
  }
  index.non_key_attributes.resize(count);
  for (auto& name : index.non_key_attributes) {
    if (!r.bytes(name)) return false;
  }
  if (!read_enum(r, index.status, IndexStatus::kDeleting)) return false;
  // Version 2 stored whether the index was being filled; that is CREATING, which status holds.
  uint8_t backfilling;
  if (version == 2 && !r.u8(backfilling)) return false;
  return read_properties(r, index.properties);
}

}  // namespace

std::string serialize_table(const TableDescription& t) {
  std::string out;
  put_u8(out, kTableRecordVersion);
  put_bytes(out, t.name);
  put_u32_be(out, t.id);
  put_key_schema(out, t.key_schema);
  put_varint(out, t.attribute_definitions.size());
  for (const auto& def : t.attribute_definitions) {
    put_bytes(out, def.name);
    put_u8(out, static_cast<uint8_t>(def.type));
  }
  put_u8(out, t.stream.enabled ? 1 : 0);
  put_u8(out, static_cast<uint8_t>(t.stream.view_type));
  put_u8(out, t.latest_stream_id ? 1 : 0);
  if (t.latest_stream_id) put_u32_be(out, *t.latest_stream_id);
  put_u64_be(out, static_cast<uint64_t>(t.creation_ms));
  put_properties(out, t.properties);
  put_varint(out, t.indexes.size());
  for (const auto& index : t.indexes)
    put_index(out, index);
  return out;
}

Result<TableDescription> deserialize_table(std::string_view bytes) {
  Reader r(bytes);
  TableDescription t;
  uint64_t count;
  uint8_t version;
  if (!r.u8(version) || version < 1 || version > kTableRecordVersion || !r.bytes(t.name) ||
      !r.u32_be(t.id) || !read_key_schema(r, t.key_schema) || !r.varint(count) ||
      count > r.rest().size()) {
    return corrupt("table");
  }
  t.attribute_definitions.resize(count);
  for (auto& def : t.attribute_definitions) {
    if (!r.bytes(def.name) || !read_key_type(r, def.type)) return corrupt("table");
  }
  uint8_t enabled, has_stream;
  uint64_t creation;
  if (!r.u8(enabled) || !read_view_type(r, t.stream.view_type) || !r.u8(has_stream)) {
    return corrupt("table");
  }
  t.stream.enabled = enabled != 0;
  if (has_stream) {
    uint32_t id;
    if (!r.u32_be(id)) return corrupt("table");
    t.latest_stream_id = id;
  }
  if (!r.u64_be(creation) || !read_properties(r, t.properties)) return corrupt("table");
  t.creation_ms = static_cast<int64_t>(creation);
  if (version >= 2) {
    if (!r.varint(count) || count > r.rest().size()) return corrupt("table");
    t.indexes.resize(count);
    for (auto& index : t.indexes) {
      if (!read_index(r, version, index)) return corrupt("table");
    }
  }
  if (!r.done()) return corrupt("table");
  return t;
}

std::string serialize_stream(const StreamInfo& s) {
  std::string out;
  put_u8(out, kCatalogFormatVersion);
  put_u32_be(out, s.id);
  put_bytes(out, s.table_name);
  put_u32_be(out, s.table_id);
  put_bytes(out, s.label);
  put_u8(out, static_cast<uint8_t>(s.view_type));
  put_u8(out, static_cast<uint8_t>(s.status));
  put_key_schema(out, s.key_schema);
  put_u64_be(out, static_cast<uint64_t>(s.creation_ms));
  put_varint(out, s.shards.size());
  for (const auto& shard : s.shards) {
    put_u32_be(out, shard.index);
    put_bytes(out, shard.shard_id);
    put_u8(out, shard.parent_shard_id ? 1 : 0);
    if (shard.parent_shard_id) put_bytes(out, *shard.parent_shard_id);
    put_u64_be(out, shard.starting_sequence);
    put_u8(out, shard.ending_sequence ? 1 : 0);
    if (shard.ending_sequence) put_u64_be(out, *shard.ending_sequence);
    put_u64_be(out, shard.trim_horizon);
  }
  return out;
}

Result<StreamInfo> deserialize_stream(std::string_view bytes) {
  Reader r(bytes);
  StreamInfo s;
  uint8_t status;
  uint64_t creation, count;
  if (!read_version(r) || !r.u32_be(s.id) || !r.bytes(s.table_name) || !r.u32_be(s.table_id) ||
      !r.bytes(s.label) || !read_view_type(r, s.view_type) || !r.u8(status) ||
      status > static_cast<uint8_t>(StreamStatus::kDisabled) || !read_key_schema(r, s.key_schema) ||
      !r.u64_be(creation) || !r.varint(count) || count > r.rest().size()) {
    return corrupt("stream");
  }
  s.status = static_cast<StreamStatus>(status);
  s.creation_ms = static_cast<int64_t>(creation);
  s.shards.resize(count);
  for (auto& shard : s.shards) {
    uint8_t has_parent, closed;
    if (!r.u32_be(shard.index) || !r.bytes(shard.shard_id) || !r.u8(has_parent)) {
      return corrupt("stream");
    }
    if (has_parent) {
      shard.parent_shard_id.emplace();
      if (!r.bytes(*shard.parent_shard_id)) return corrupt("stream");
    }
    if (!r.u64_be(shard.starting_sequence) || !r.u8(closed)) return corrupt("stream");
    if (closed) {
      uint64_t end;
      if (!r.u64_be(end)) return corrupt("stream");
      shard.ending_sequence = end;
    }
    if (!r.u64_be(shard.trim_horizon)) return corrupt("stream");
  }
  if (!r.done()) return corrupt("stream");
  return s;
}

std::string serialize_stats(const TableStats& stats) {
  std::string out;
  put_u8(out, kCatalogFormatVersion);
  put_varint(out, stats.item_count);
  put_varint(out, stats.size_bytes);
  return out;
}

Result<TableStats> deserialize_stats(std::string_view bytes) {
  Reader r(bytes);
  TableStats stats;
  if (!read_version(r) || !r.varint(stats.item_count) || !r.varint(stats.size_bytes) || !r.done()) {
    return corrupt("table statistics");
  }
  return stats;
}

}  // namespace eddy::storage
