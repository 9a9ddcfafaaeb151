// What the Streams operations share: stream ARNs, shard iterators, and finding a stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/streams/operation.h"
#include "storage/types.h"

namespace eddy::api::streams {

// arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label> (reference §1.2).
std::string stream_arn(const Context& context, const storage::StreamInfo& stream);

// The stream an ARN names: kValidation when it is not a stream ARN of this region and
// account, kNotFound (ResourceNotFoundException's message) when no such stream exists.
Result<storage::StreamInfo> find_stream(Context& context, std::string_view arn);

// A position in one shard: what a shard iterator stands for.
struct IteratorPosition {
  uint32_t stream_id = 0;
  uint32_t shard_index = 0;
  uint64_t next_sequence = 0;  // the first sequence number to read
  int64_t issued_ms = 0;
};

// Opaque and tamper-evident: the position, then an HMAC-SHA256 of it under the context's key,
// in base64. Anything edited or forged fails to decode.
std::string encode_iterator(const Context& context, const IteratorPosition& position);
// kValidation ("Invalid ShardIterator") when `text` is not an iterator this server issued.
Result<IteratorPosition> decode_iterator(const Context& context, std::string_view text);

// The shard with this id, or nullptr.
const storage::ShardInfo* find_shard(const storage::StreamInfo& stream, std::string_view shard_id);

}  // namespace eddy::api::streams
