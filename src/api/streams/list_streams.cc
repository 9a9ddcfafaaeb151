// ListStreams:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_ListStreams.html
// Enabled and disabled streams alike, until retention has removed their records (reference
// §1.6), oldest first.
#include "api/dynamodb/common.h"
#include "api/streams/streams_common.h"

namespace eddy::api::streams {

namespace {

constexpr int64_t kMaxLimit = 100;

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto table, get_string(request, "TableName"));
  EDDY_ASSIGN_OR_RETURN(auto limit, get_integer(request, "Limit"));
  EDDY_ASSIGN_OR_RETURN(auto start_arn, get_string(request, "ExclusiveStartStreamArn"));
  dynamodb::ConstraintErrors errors;
  if (table) dynamodb::check_table_name(table, "tableName", errors);
  dynamodb::check_limit(limit, kMaxLimit, errors);
  if (start_arn && (start_arn->size() < 37 || start_arn->size() > 1024)) {
    errors.add(*start_arn, "exclusiveStartStreamArn",
               "Member must have length greater than or equal to 37");
  }
  EDDY_RETURN_IF_ERROR(errors.status());
  std::optional<uint32_t> after_id;
  if (start_arn) {
    auto start = find_stream(context, *start_arn);
    if (!start) {
      if (start.status().code() != Code::kNotFound) return start.status();
      return Status::validation("Invalid ExclusiveStartStreamArn: " + *start_arn);
    }
    after_id = start->id;
  }

  const size_t page = static_cast<size_t>(limit.value_or(kMaxLimit));
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Streams");
  writer.StartArray();
  size_t written = 0;
  std::optional<std::string> last_arn;
  bool more = false;
  for (const auto& stream : context.engine.list_streams()) {
    if (after_id && stream.id <= *after_id) continue;
    if (table && stream.table_name != *table) continue;
    if (written == page) {
      more = true;
      break;
    }
    const std::string arn = stream_arn(context, stream);
    writer.StartObject();
    writer.Key("StreamArn");
    write_string(writer, arn);
    writer.Key("TableName");
    write_string(writer, stream.table_name);
    writer.Key("StreamLabel");
    write_string(writer, stream.label);
    writer.EndObject();
    ++written;
    last_arn = arn;
  }
  writer.EndArray();
  if (more) {
    writer.Key("LastEvaluatedStreamArn");
    write_string(writer, *last_arn);
  }
  writer.EndObject();
  return dynamodb::finish(buffer);
}

}  // namespace

void list_streams(const Json& request, Context& context, Reply reply) {
  dynamodb::answer(reply, run(request, context));
}

}  // namespace eddy::api::streams
