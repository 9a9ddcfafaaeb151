#include "storage/keys.h"

#include <zlib.h>

#include "model/key_encoding.h"

namespace eddy::storage {

std::string table_prefix(uint32_t table_id) {
  std::string key;
  put_u32_be(key, table_id);
  return key;
}

std::string partition_prefix(uint32_t table_id, const model::AttributeValue& partition_value) {
  std::string encoded;
  model::append_key_encoding(partition_value, encoded);
  auto hash = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(encoded.data()), static_cast<uInt>(encoded.size())));
  std::string key;
  key.reserve(8 + encoded.size());
  put_u32_be(key, table_id);
  put_u32_be(key, hash);
  key += encoded;
  return key;
}

std::string item_key(uint32_t table_id, const model::KeySchema& schema, const model::Item& item) {
  std::string key = partition_prefix(table_id, item.at(schema.partition.name));
  if (schema.sort) model::append_key_encoding(item.at(schema.sort->name), key);
  return key;
}

std::string stream_record_key(uint32_t stream_id, uint32_t shard_index, uint64_t sequence) {
  std::string key;
  key.reserve(16);
  put_u32_be(key, stream_id);
  put_u32_be(key, shard_index);
  put_u64_be(key, sequence);
  return key;
}

std::string shard_prefix(uint32_t stream_id, uint32_t shard_index) {
  std::string key;
  put_u32_be(key, stream_id);
  put_u32_be(key, shard_index);
  return key;
}

std::string prefix_successor(std::string prefix) {
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last != 0xFF) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

}  // namespace eddy::storage
