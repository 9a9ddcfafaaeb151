// A table's primary key: a partition (HASH) key and an optional sort (RANGE) key, each an
// attribute of type S, N or B.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "model/attribute_value.h"

namespace eddy::model {

// Never reorder: persisted in the catalog. Values match Type for S, N, B.
enum class KeyType : uint8_t { S = 0, N = 1, B = 2 };

const char* key_type_name(KeyType type);  // "S", "N", "B"

// The value type of a key type (their S, N and B values are equal), and whether `value` has it.
inline Type value_type(KeyType type) {
  return static_cast<Type>(type);
}
inline bool has_key_type(const AttributeValue& value, KeyType type) {
  return value.type() == value_type(type);
}

struct KeyAttribute {
  std::string name;
  KeyType type = KeyType::S;
  bool operator==(const KeyAttribute&) const = default;
};

struct KeySchema {
  KeyAttribute partition;
  std::optional<KeyAttribute> sort;
  bool operator==(const KeySchema&) const = default;
};

// DynamoDB's key limits
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
inline constexpr size_t kMaxPartitionKeyBytes = 2048;
inline constexpr size_t kMaxSortKeyBytes = 1024;
// 400 KB, counted as DynamoDB counts item size.
inline constexpr size_t kMaxItemBytes = 400 * 1024;

// A Query's condition on the sort key: what a KeyConditionExpression compiles to (expr/) and
// what the engine turns into a key range (storage/).
struct SortKeyCondition {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };
  Op op = Op::kEq;
  AttributeValue value;
  AttributeValue upper;  // kBetween only
};

// Checks one key attribute of `item` (or of a key given alone): present, of the schema's type,
// non-empty, within the size limit. Messages as DynamoDB's ValidationException.
Status validate_key_attribute(const Item& item, const KeyAttribute& attr, bool is_partition);

// Checks that `item` carries a valid primary key for `schema` (it may hold other attributes).
Status validate_item_key(const Item& item, const KeySchema& schema);

// Checks that `key` is exactly a primary key for `schema`: its attributes and nothing else
// ("The provided key element does not match the schema").
Status validate_key(const Item& key, const KeySchema& schema);

// The key attributes of `item` (which must satisfy validate_item_key).
Item extract_key(const Item& item, const KeySchema& schema);

// DynamoDB's item size: attribute names plus values, by the rules of
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
size_t item_size(const Item& item);
size_t attribute_value_size(const AttributeValue& value);

// validate_item_key plus the 400 KB limit: what every written item must pass.
Status validate_item(const Item& item, const KeySchema& schema);

}  // namespace eddy::model
