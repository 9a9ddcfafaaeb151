// Engine state: durable key-value pairs for the layers above (Engine::write_state).
#include <rocksdb/iterator.h>
#include <rocksdb/write_batch.h>

#include "storage/engine_internal.h"
#include "storage/keys.h"

namespace eddy::storage {

Status Engine::write_state(const std::vector<StateChange>& changes) {
  rocksdb::WriteBatch batch;
  for (const auto& change : changes) {
    const std::string key = meta_key(kMetaStatePrefix, change.key);
    if (change.value) {
      batch.Put(meta_, key, *change.value);
    } else {
      batch.Delete(meta_, key);
    }
  }
  return commit_catalog(batch);
}

Result<std::optional<std::string>> Engine::read_state(std::string_view key) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), meta_, meta_key(kMetaStatePrefix, key), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  EDDY_RETURN_IF_ERROR(from_rocksdb(status));
  return std::optional<std::string>(std::move(value));
}

Result<std::vector<std::pair<std::string, std::string>>> Engine::list_state(
    std::string_view prefix) const {
  const std::string lower = meta_key(kMetaStatePrefix, prefix);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
  std::vector<std::pair<std::string, std::string>> entries;
  for (it->Seek(lower); it->Valid() && it->key().starts_with(lower); it->Next()) {
    entries.emplace_back(it->key().ToString().substr(kMetaStatePrefix.size()),
                         it->value().ToString());
  }
  EDDY_RETURN_IF_ERROR(from_rocksdb(it->status()));
  return entries;
}

}  // namespace eddy::storage
