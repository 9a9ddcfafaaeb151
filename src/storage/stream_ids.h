// Stream identifiers in AWS's formats (reference §1.2), with parse/format round trips.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eddy::storage {

// Sequence numbers are a database-wide counter (so they strictly increase within every shard)
// shown as a 21-digit decimal string: "1" followed by the counter zero-padded to 20 digits.
// Fixed width makes string order equal integer order, and 21 digits is the shortest length
// AWS allows (21-40).
std::string format_sequence_number(uint64_t sequence);
std::optional<uint64_t> parse_sequence_number(std::string_view text);

// "shardId-" + creation time in ms zero-padded to 20 digits + "-" + 8 hex characters
// (e.g. shardId-00000001700000000000-2bac9cd2): 37 characters, within AWS's 28-65, and
// shards created later sort later.
std::string make_shard_id(int64_t creation_ms, uint32_t suffix);
// The creation time in a shard id made by make_shard_id, or nullopt for another format.
std::optional<int64_t> shard_creation_ms(std::string_view shard_id);

// A stream label: creation time as ISO-8601 with milliseconds, no zone
// ("2015-05-11T21:21:33.291").
std::string make_stream_label(int64_t creation_ms);

}  // namespace eddy::storage
