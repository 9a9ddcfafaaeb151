// GetRecords:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html Up to
// Limit (1-1000) records or 1 MB of a shard from the iterator's position; the record JSON of
// reference §1.3. NextShardIterator is left out only once a closed shard is read to its end.
#include <fmt/format.h>

#include "api/dynamodb/common.h"
#include "api/streams/streams_common.h"
#include "model/json_codec.h"
#include "storage/stream_ids.h"
#include "streams/record_json.h"

namespace eddy::api::streams {

namespace {

constexpr int64_t kMaxLimit = 1000;
constexpr size_t kMaxResponseBytes = 1 << 20;

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto iterator, get_string(request, "ShardIterator"));
  EDDY_ASSIGN_OR_RETURN(auto limit, get_integer(request, "Limit"));
  dynamodb::ConstraintErrors errors;
  if (!iterator) {
    errors.add_null("shardIterator");
  } else if (iterator->empty() || iterator->size() > 2048) {
    errors.add(*iterator, "shardIterator", "Member must have length between 1 and 2048");
  }
  dynamodb::check_limit(limit, kMaxLimit, errors);
  EDDY_RETURN_IF_ERROR(errors.status());
  EDDY_ASSIGN_OR_RETURN(auto position, decode_iterator(context, *iterator));
  const int64_t now = context.clock.now_ms();
  if (now - position.issued_ms > context.iterator_lifetime_ms) {
    return Status::expired(
        fmt::format("Iterator expired. The iterator was created at time {} while right "
                    "now it is {} which is further in the future than the tolerated "
                    "delay of {} milliseconds.",
                    position.issued_ms, now, context.iterator_lifetime_ms));
  }
  auto stream = context.engine.describe_stream(position.stream_id);
  if (!stream || position.shard_index >= stream->shards.size()) {
    return Status::not_found(
        "Requested resource not found: the iterator's stream or shard no "
        "longer exists");
  }
  EDDY_ASSIGN_OR_RETURN(
      auto read,
      context.engine.read_shard(position.stream_id, position.shard_index, position.next_sequence,
                                static_cast<size_t>(limit.value_or(kMaxLimit))));

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Records");
  writer.StartArray();
  uint64_t next = position.next_sequence;
  size_t written = 0;
  for (const auto& record : read.records) {
    // 1 MB at most, but always at least one record, so a consumer always moves on.
    if (buffer.GetSize() > kMaxResponseBytes && written > 0) break;
    eddy::streams::write_stream_record(writer, record, stream->view_type, context.settings.region);
    next = record.sequence + 1;
    ++written;
  }
  writer.EndArray();
  const bool shard_done = read.end_of_shard && written == read.records.size();
  if (!shard_done) {
    IteratorPosition following = position;
    following.next_sequence = next;
    following.issued_ms = now;
    writer.Key("NextShardIterator");
    write_string(writer, encode_iterator(context, following));
  }
  writer.EndObject();
  return dynamodb::finish(buffer);
}

}  // namespace

void get_records(const Json& request, Context& context, Reply reply) {
  dynamodb::answer(reply, run(request, context));
}

}  // namespace eddy::api::streams
