// Persisted forms of the catalog: table descriptions, table statistics and stream metadata,
// stored in the `meta` column family. Formats documented in catalog_format.cc.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/types.h"

namespace eddy::storage {

// Stream and statistics records.
inline constexpr uint8_t kCatalogFormatVersion = 1;
// Table records: 2 added the secondary indexes, 3 dropped the index's backfilling byte (it is
// derived from CREATING); versions 1 and 2 are still read.
inline constexpr uint8_t kTableRecordVersion = 3;

std::string serialize_table(const TableDescription& table);
Result<TableDescription> deserialize_table(std::string_view bytes);

std::string serialize_stream(const StreamInfo& stream);
Result<StreamInfo> deserialize_stream(std::string_view bytes);

struct TableStats {
  uint64_t item_count = 0;
  uint64_t size_bytes = 0;
};
std::string serialize_stats(const TableStats& stats);
Result<TableStats> deserialize_stats(std::string_view bytes);

}  // namespace eddy::storage
