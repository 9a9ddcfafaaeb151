// ListFunctions: https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html
// GET /2015-03-31/functions/?Marker=&MaxItems= (1-10000, default 50): by name, paged with an
// opaque NextMarker (the last name returned).
#include "api/lambda/lambda_common.h"

namespace eddy::api::lambda {

void list_functions(const Request& request, Context& context, Reply reply) {
  auto max_items = read_max_items(request, 50);
  if (!max_items.is_ok()) {
    return reply(
        error_response(error("InvalidParameterValueException", max_items.status().message(), 400)));
  }
  std::string marker;
  if (auto it = request.query.find("Marker"); it != request.query.end()) marker = it->second;
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Functions");
  writer.StartArray();
  int64_t count = 0;
  std::string last;
  bool more = false;
  for (const auto& config : context.runtime.list()) {
    if (!marker.empty() && config.name <= marker) continue;
    if (count == *max_items) {
      more = true;
      break;
    }
    write_function_configuration(writer, context, config);
    last = config.name;
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
