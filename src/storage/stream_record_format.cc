// Stream record format, version 1.
//
//   record := version:u8(=1) event:u8 creation_ms:u64be event_id:bytes flags:u8
//             size_bytes:varint keys:item_body [old:item_body] [new:item_body]
//   flags  := bit 0: has old image, bit 1: has new image, bit 2: TTL delete
// `event` is EventName's fixed value; item_body is item_format.cc's. Only the images the
// stream's view type shows are stored (reference §1.3 matrix), so a KEYS_ONLY stream costs
// little more than its keys.
#include "storage/stream_record_format.h"

#include "storage/binary_io.h"
#include "storage/item_format.h"

namespace eddy::storage {

namespace {
constexpr uint8_t kHasOld = 1, kHasNew = 2, kTtl = 4;
}

std::string serialize_stream_record(const StreamRecordHeader& header, const model::Item& keys,
                                    const model::Item* old_image, const model::Item* new_image) {
  std::string out;
  put_u8(out, kStreamRecordFormatVersion);
  put_u8(out, static_cast<uint8_t>(header.event));
  put_u64_be(out, static_cast<uint64_t>(header.creation_ms));
  put_bytes(out, header.event_id);
  put_u8(out,
         (old_image ? kHasOld : 0) | (new_image ? kHasNew : 0) | (header.ttl_delete ? kTtl : 0));
  put_varint(out, header.size_bytes);
  append_item_body(keys, out);
  if (old_image) append_item_body(*old_image, out);
  if (new_image) append_item_body(*new_image, out);
  return out;
}

std::string serialize_stream_record(const StreamRecord& record) {
  return serialize_stream_record(record, record.keys,
                                 record.old_image ? &*record.old_image : nullptr,
                                 record.new_image ? &*record.new_image : nullptr);
}

Result<StreamRecord> deserialize_stream_record(std::string_view bytes) {
  auto corrupt = [] { return Status::corruption("stream record: malformed encoding"); };
  Reader r(bytes);
  StreamRecord record;
  uint8_t version, event, flags;
  uint64_t creation, size;
  if (!r.u8(version) || version != kStreamRecordFormatVersion || !r.u8(event) ||
      event < static_cast<uint8_t>(EventName::kInsert) ||
      event > static_cast<uint8_t>(EventName::kRemove) || !r.u64_be(creation) ||
      !r.bytes(record.event_id) || !r.u8(flags) || !r.varint(size) || size > UINT32_MAX ||
      !read_item_body(r, record.keys)) {
    return corrupt();
  }
  record.event = static_cast<EventName>(event);
  record.creation_ms = static_cast<int64_t>(creation);
  record.size_bytes = static_cast<uint32_t>(size);
  record.ttl_delete = (flags & kTtl) != 0;
  if (flags & kHasOld) {
    if (!read_item_body(r, record.old_image.emplace())) return corrupt();
  }
  if (flags & kHasNew) {
    if (!read_item_body(r, record.new_image.emplace())) return corrupt();
  }
  if (!r.done()) return corrupt();
  return record;
}

}  // namespace eddy::storage
