// ListFunctions: https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html
// GET /2015-03-31/functions/?Marker=&MaxItems= (1-10000, default 50): by name, paged with an
// opaque NextMarker (the last name returned).
#include <fmt/format.h>

#include <charconv>

#include "api/lambda/lambda_common.h"

namespace eddy::api::lambda {

void list_functions(const Request& request, Context& context, Reply reply) {
  int64_t max_items = 50;
  if (auto it = request.query.find("MaxItems"); it != request.query.end()) {
    const auto& text = it->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), max_items);
    if (ec != std::errc() || end != text.data() + text.size() || max_items < 1 ||
        max_items > 10000) {
      return reply(error_response(error(
          "InvalidParameterValueException",
          fmt::format("1 validation error detected: Value '{}' at 'maxItems' failed to satisfy "
                      "constraint: Member must have value between 1 and 10000",
                      text),
          400)));
    }
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
    if (count == max_items) {
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
