// Helpers shared by the storage tests: temporary directories and item builders.
#pragma once

#include <filesystem>
#include <random>
#include <string>

#include "model/attribute_value.h"
#include "storage/engine.h"

namespace eddy::storage::testing {

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("eddy-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }
  std::string sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline model::AttributeValue S(std::string s) {
  return model::AttributeValue(std::move(s));
}
inline model::AttributeValue N(int64_t n) {
  return model::AttributeValue(model::Number::from_int64(n));
}

inline TableSpec hash_table(std::string name, std::optional<StreamViewType> stream = {}) {
  TableSpec spec;
  spec.name = std::move(name);
  spec.key_schema.partition = {"id", model::KeyType::S};
  spec.attribute_definitions = {{"id", model::KeyType::S}};
  if (stream) spec.stream = {true, *stream};
  return spec;
}

inline TableSpec range_table(std::string name) {
  TableSpec spec;
  spec.name = std::move(name);
  spec.key_schema.partition = {"pk", model::KeyType::S};
  spec.key_schema.sort = model::KeyAttribute{"sk", model::KeyType::N};
  spec.attribute_definitions = {{"pk", model::KeyType::S}, {"sk", model::KeyType::N}};
  return spec;
}

inline ItemWrite put(std::string table, model::Item item, model::Item key) {
  return ItemWrite{std::move(table), std::move(key), Put{std::move(item)}, {}, false};
}

inline ItemWrite del(std::string table, model::Item key) {
  return ItemWrite{std::move(table), std::move(key), Delete{}, {}, false};
}

inline ItemWrite update(std::string table, model::Item key, UpdateFn fn) {
  return ItemWrite{std::move(table), std::move(key), Update{std::move(fn)}, {}, false};
}

inline WriteUnit unit(ItemWrite write) {
  WriteUnit u;
  u.writes.push_back(std::move(write));
  return u;
}

}  // namespace eddy::storage::testing
