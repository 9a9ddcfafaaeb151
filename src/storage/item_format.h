// The persisted form of an item (the value of a row in the `items` column family, and the
// images inside stream records). Format documented in item_format.cc.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "model/attribute_value.h"
#include "storage/binary_io.h"

namespace eddy::storage {

inline constexpr uint8_t kItemFormatVersion = 1;

// Appends the versioned encoding of `item`.
void serialize_item(const model::Item& item, std::string& out);
std::string serialize_item(const model::Item& item);

// Decodes a whole value written by serialize_item; kCorruption if it is anything else.
Result<model::Item> deserialize_item(std::string_view bytes);

// Unversioned parts, for formats that embed items (stream records carry their own version).
void append_item_body(const model::Item& item, std::string& out);
bool read_item_body(Reader& reader, model::Item& item, int depth = 0);

}  // namespace eddy::storage
