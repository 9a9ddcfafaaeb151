// DescribeStream:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_DescribeStream.html
#include "api/dynamodb/common.h"
#include "api/streams/streams_common.h"
#include "storage/stream_ids.h"

namespace eddy::api::streams {

namespace {

constexpr int64_t kMaxLimit = 100;

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto arn, get_string(request, "StreamArn"));
  EDDY_ASSIGN_OR_RETURN(auto limit, get_integer(request, "Limit"));
  EDDY_ASSIGN_OR_RETURN(auto start_shard, get_string(request, "ExclusiveStartShardId"));
  dynamodb::ConstraintErrors errors;
  if (!arn) errors.add_null("streamArn");
  dynamodb::check_limit(limit, kMaxLimit, errors);
  EDDY_RETURN_IF_ERROR(errors.status());
  EDDY_ASSIGN_OR_RETURN(auto stream, find_stream(context, *arn));

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("StreamDescription");
  writer.StartObject();
  writer.Key("StreamArn");
  write_string(writer, *arn);
  writer.Key("StreamLabel");
  write_string(writer, stream.label);
  writer.Key("StreamStatus");
  writer.String(stream.status == storage::StreamStatus::kEnabled ? "ENABLED" : "DISABLED");
  writer.Key("StreamViewType");
  writer.String(storage::stream_view_type_name(stream.view_type));
  writer.Key("CreationRequestDateTime");
  writer.Double(static_cast<double>(stream.creation_ms) / 1000.0);
  writer.Key("TableName");
  write_string(writer, stream.table_name);
  writer.Key("KeySchema");
  dynamodb::write_key_schema(writer, stream.key_schema);

  // Shards in id order (ids sort by creation time, reference §1.2), paged after
  // ExclusiveStartShardId.
  std::vector<const storage::ShardInfo*> shards;
  for (const auto& shard : stream.shards)
    shards.push_back(&shard);
  std::sort(shards.begin(), shards.end(),
            [](const auto* a, const auto* b) { return a->shard_id < b->shard_id; });
  const size_t page = static_cast<size_t>(limit.value_or(kMaxLimit));
  writer.Key("Shards");
  writer.StartArray();
  size_t written = 0;
  const storage::ShardInfo* last = nullptr;
  bool more = false;
  for (const auto* shard : shards) {
    if (start_shard && shard->shard_id <= *start_shard) continue;
    if (written == page) {
      more = true;
      break;
    }
    writer.StartObject();
    writer.Key("ShardId");
    write_string(writer, shard->shard_id);
    if (shard->parent_shard_id) {
      writer.Key("ParentShardId");
      write_string(writer, *shard->parent_shard_id);
    }
    writer.Key("SequenceNumberRange");
    writer.StartObject();
    writer.Key("StartingSequenceNumber");
    write_string(writer, storage::format_sequence_number(shard->starting_sequence));
    if (shard->ending_sequence) {
      writer.Key("EndingSequenceNumber");
      write_string(writer, storage::format_sequence_number(*shard->ending_sequence));
    }
    writer.EndObject();
    writer.EndObject();
    ++written;
    last = shard;
  }
  writer.EndArray();
  if (more) {
    writer.Key("LastEvaluatedShardId");
    write_string(writer, last->shard_id);
  }
  writer.EndObject();
  writer.EndObject();
  return dynamodb::finish(buffer);
}

}  // namespace

void describe_stream(const Json& request, Context& context, Reply reply) {
  dynamodb::answer(reply, run(request, context));
}

}  // namespace eddy::api::streams
