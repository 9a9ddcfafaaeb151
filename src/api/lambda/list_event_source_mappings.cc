// ListEventSourceMappings:
// https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html
// GET /2015-03-31/event-source-mappings/?EventSourceArn=&FunctionName=&Marker=&MaxItems=
// (1-10000, default 100), by UUID, paged with NextMarker (the last UUID returned).
#include "api/lambda/lambda_common.h"

namespace eddy::api::lambda {

void list_event_source_mappings(const Request& request, Context& context, Reply reply) {
  auto query = [&](const char* name) -> std::optional<std::string> {
    auto it = request.query.find(name);
    if (it == request.query.end()) return std::nullopt;
    return it->second;
  };
  auto max_items = read_max_items(request, 100);
  if (!max_items.is_ok()) {
    return reply(
        error_response(error("InvalidParameterValueException", max_items.status().message(), 400)));
  }
  std::optional<std::string> function;
  if (auto text = query("FunctionName")) {
    function = function_name_of(context, *text);
    if (!function) function = *text;  // names nothing: an empty list, as Lambda answers
  }
  const auto source = query("EventSourceArn");
  const std::string marker = query("Marker").value_or("");
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("EventSourceMappings");
  writer.StartArray();
  int64_t count = 0;
  std::string last;
  bool more = false;
  for (const auto& mapping : context.mappings.list()) {
    if (function && mapping.config.function_name != *function) continue;
    if (source && mapping.config.event_source_arn != *source) continue;
    if (!marker.empty() && mapping.config.uuid <= marker) continue;
    if (count == *max_items) {
      more = true;
      break;
    }
    write_mapping(writer, mapping);
    last = mapping.config.uuid;
    ++count;
  }
  writer.EndArray();
  if (more) {
    writer.Key("NextMarker");
    write_string(writer, last);
  }
  writer.EndObject();
  reply(json_response(200, std::string(buffer.GetString(), buffer.GetSize())));
}

}  // namespace eddy::api::lambda
