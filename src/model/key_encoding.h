// Order-preserving, self-delimiting binary encoding of key values (S, N, B).
//
// For two key values a, b of the same KeyType: memcmp order of encode(a), encode(b) equals
// DynamoDB's key order (numbers numerically; strings as UTF-8 bytes and binaries as unsigned
// bytes), and no encoding is a proper prefix of another, so a partition key followed by a sort
// key concatenates into one storage key whose byte order is (partition, sort) order.
// The format is persisted (RocksDB keys); its version is kKeyEncodingVersion, and the details
// are documented at the top of key_encoding.cc.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "model/attribute_value.h"
#include "model/key_schema.h"

namespace eddy::model {

inline constexpr uint32_t kKeyEncodingVersion = 1;

// Appends the encoding of `value`, which must be S, N or B (anything else is a bug: asserts).
void append_key_encoding(const AttributeValue& value, std::string& out);

// Appends the encoding of an S or B value without its terminator: exactly the bytes that the
// encodings of all values beginning with `value` start with (and only theirs), which makes
// DynamoDB's begins_with a range scan.
void append_key_prefix_encoding(const AttributeValue& value, std::string& out);

// Decodes one value of `type` from the front of `in` and advances `in` past it.
// kCorruption when `in` does not start with a valid encoding.
Result<AttributeValue> decode_key_encoding(KeyType type, std::string_view& in);

}  // namespace eddy::model
