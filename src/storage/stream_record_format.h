// The persisted form of a stream record (the value of a row in the `streams` column family).
// Format documented in stream_record_format.cc.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/types.h"

namespace eddy::storage {

inline constexpr uint8_t kStreamRecordFormatVersion = 1;

// The record's sequence number and shard live in its key, not its value.
std::string serialize_stream_record(const StreamRecordHeader& header, const model::Item& keys,
                                    const model::Item* old_image, const model::Item* new_image);
std::string serialize_stream_record(const StreamRecord& record);
Result<StreamRecord> deserialize_stream_record(std::string_view bytes);

}  // namespace eddy::storage
