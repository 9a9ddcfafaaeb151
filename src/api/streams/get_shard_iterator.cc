// GetShardIterator:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html
// Positions (reference §1.6): TRIM_HORIZON the oldest record still kept, LATEST just after the
// newest, AT_/AFTER_SEQUENCE_NUMBER at or right after a record. A SequenceNumber is required by
// the latter two and refused with the former.
#include <fmt/format.h>

#include "api/dynamodb/common.h"
#include "api/streams/streams_common.h"
#include "storage/stream_ids.h"

namespace eddy::api::streams {

namespace {

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto arn, get_string(request, "StreamArn"));
  EDDY_ASSIGN_OR_RETURN(auto shard_id, get_string(request, "ShardId"));
  EDDY_ASSIGN_OR_RETURN(auto type, get_string(request, "ShardIteratorType"));
  EDDY_ASSIGN_OR_RETURN(auto sequence_text, get_string(request, "SequenceNumber"));
  dynamodb::ConstraintErrors errors;
  if (!arn) errors.add_null("streamArn");
  if (!shard_id) errors.add_null("shardId");
  if (!type) {
    errors.add_null("shardIteratorType");
  } else if (*type != "TRIM_HORIZON" && *type != "LATEST" && *type != "AT_SEQUENCE_NUMBER" &&
             *type != "AFTER_SEQUENCE_NUMBER") {
    errors.add(*type, "shardIteratorType",
               "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, "
               "TRIM_HORIZON, LATEST]");
  }
  EDDY_RETURN_IF_ERROR(errors.status());
  const bool by_sequence = *type == "AT_SEQUENCE_NUMBER" || *type == "AFTER_SEQUENCE_NUMBER";
  if (by_sequence && !sequence_text) {
    return Status::validation(
        fmt::format("A SequenceNumber is required for ShardIteratorType {}", *type));
  }
  if (!by_sequence && sequence_text) {
    return Status::validation(
        fmt::format("SequenceNumber is not allowed for ShardIteratorType {}", *type));
  }
  std::optional<uint64_t> sequence;
  if (sequence_text) {
    sequence = storage::parse_sequence_number(*sequence_text);
    if (!sequence) {
      return Status::validation(fmt::format("Invalid SequenceNumber: {}", *sequence_text));
    }
  }

  EDDY_ASSIGN_OR_RETURN(auto stream, find_stream(context, *arn));
  const storage::ShardInfo* shard = find_shard(stream, *shard_id);
  if (!shard) {
    return Status::not_found(fmt::format(
        "Requested resource not found: Shard: {} in Stream: {} not found", *shard_id, *arn));
  }
  IteratorPosition position;
  position.stream_id = stream.id;
  position.shard_index = shard->index;
  position.issued_ms = context.clock.now_ms();
  if (*type == "TRIM_HORIZON") {
    position.next_sequence = std::max(shard->trim_horizon, shard->starting_sequence);
  } else if (*type == "LATEST") {
    // Sequence numbers are database-wide: after the newest record anywhere is after the newest
    // of this shard. A closed shard's LATEST is its end.
    position.next_sequence =
        shard->ending_sequence ? *shard->ending_sequence + 1 : context.engine.last_sequence() + 1;
  } else {
    position.next_sequence = *type == "AT_SEQUENCE_NUMBER" ? *sequence : *sequence + 1;
    if (*sequence < shard->trim_horizon) {
      return Status::trimmed(
          fmt::format("The requested sequence number {} is beyond the trim horizon of shard {}",
                      *sequence_text, *shard_id));
    }
    if (*sequence < shard->starting_sequence ||
        (shard->ending_sequence && *sequence > *shard->ending_sequence)) {
      return Status::validation(fmt::format(
          "Invalid SequenceNumber {} for shard {}: outside the shard's sequence number range",
          *sequence_text, *shard_id));
    }
  }
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("ShardIterator");
  write_string(writer, encode_iterator(context, position));
  writer.EndObject();
  return dynamodb::finish(buffer);
}

}  // namespace

void get_shard_iterator(const Json& request, Context& context, Reply reply) {
  dynamodb::answer(reply, run(request, context));
}

}  // namespace eddy::api::streams
