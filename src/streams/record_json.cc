#include "streams/record_json.h"
#include "model/json_codec.h"

#include <algorithm>

#include <fmt/format.h>

#include "storage/stream_ids.h"

namespace eddy::streams {

namespace {}  // namespace

std::string stream_arn(std::string_view region, std::string_view account_id,
                       const storage::StreamInfo& stream) {
  return fmt::format("arn:aws:dynamodb:{}:{}:table/{}/stream/{}", region, account_id,
                     stream.table_name, stream.label);
}

void write_stream_record(model::JsonWriter& writer, const storage::StreamRecord& record,
                         storage::StreamViewType view_type, std::string_view region,
                         std::string_view event_source_arn) {
  writer.StartObject();
  writer.Key("eventID");
  model::write_string(writer, record.event_id);
  writer.Key("eventName");
  writer.String(storage::event_name(record.event));
  writer.Key("eventVersion");
  writer.String("1.1");
  writer.Key("eventSource");
  writer.String("aws:dynamodb");
  writer.Key("awsRegion");
  model::write_string(writer, region);
  writer.Key("dynamodb");
  writer.StartObject();
  // Rounded down to the second, written as a JSON number (reference §1.3).
  writer.Key("ApproximateCreationDateTime");
  writer.Double(static_cast<double>(record.creation_ms / 1000));
  writer.Key("Keys");
  model::encode_item(record.keys, writer);
  if (record.new_image) {
    writer.Key("NewImage");
    model::encode_item(*record.new_image, writer);
  }
  if (record.old_image) {
    writer.Key("OldImage");
    model::encode_item(*record.old_image, writer);
  }
  writer.Key("SequenceNumber");
  model::write_string(writer, storage::format_sequence_number(record.sequence));
  writer.Key("SizeBytes");
  writer.Uint(std::max<uint32_t>(record.size_bytes, 1));
  writer.Key("StreamViewType");
  writer.String(storage::stream_view_type_name(view_type));
  writer.EndObject();
  if (record.ttl_delete) {
    // The Streams API's Identity shape spells its members PrincipalId and Type (API
    // reference, "Identity"); Lambda's event, and so the filters on it, spell them
    // principalId and type (the TTL filter example of the Lambda and DynamoDB guides).
    const bool lambda_event = !event_source_arn.empty();
    writer.Key("userIdentity");
    writer.StartObject();
    writer.Key(lambda_event ? "type" : "Type");
    writer.String("Service");
    writer.Key(lambda_event ? "principalId" : "PrincipalId");
    writer.String("dynamodb.amazonaws.com");
    writer.EndObject();
  }
  if (!event_source_arn.empty()) {
    writer.Key("eventSourceARN");
    model::write_string(writer, event_source_arn);
  }
  writer.EndObject();
}

}  // namespace eddy::streams
