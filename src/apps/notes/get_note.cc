// get-note: GET /notes/{id} -> 200 and the note (plain JSON), or 404.
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "apps/notes/handlers.h"
#include "apps/notes/notes.h"
#include "apps/notes/proxy.h"

namespace eddy::apps::notes {

std::string get_note(const std::string& event, const functions::InvocationContext& context,
                     client::DynamoDb& tables) {
  const ProxyRequest request = read_proxy_event(event);
  auto id = request.path_parameters.find("id");
  if (id == request.path_parameters.end() || id->second.empty()) {
    return proxy_message(400, "the note's id is missing from the path");
  }
  const auto response =
      *call(tables, "GetItem",
            fmt::format(R"({{"TableName":{},"Key":{{"id":{{"S":{}}}}},"ConsistentRead":true}})",
                        quoted(table_name(context)), quoted(id->second)));
  rapidjson::Document doc;
  doc.Parse(response.c_str(), response.size());
  if (!doc.HasMember("Item")) return proxy_message(404, fmt::format("No note {}", id->second));
  return proxy_response(200, plain_json(doc["Item"]));
}

}  // namespace eddy::apps::notes
