// delete-note: DELETE /notes/{id} -> 204, or 404 when there is no such note.
#include <fmt/format.h>

#include "apps/notes/handlers.h"
#include "apps/notes/notes.h"
#include "apps/notes/proxy.h"

namespace eddy::apps::notes {

std::string delete_note(const std::string& event, const functions::InvocationContext& context,
                        client::DynamoDb& tables) {
  const ProxyRequest request = read_proxy_event(event);
  auto id = request.path_parameters.find("id");
  if (id == request.path_parameters.end() || id->second.empty()) {
    return proxy_message(400, "the note's id is missing from the path");
  }
  auto deleted = call(tables, "DeleteItem",
                      fmt::format(R"({{"TableName":{},"Key":{{"id":{{"S":{}}}}},)"
                                  R"j("ConditionExpression":"attribute_exists(id)"}})j",
                                  quoted(table_name(context)), quoted(id->second)),
                      "ConditionalCheckFailedException");
  if (!deleted) return proxy_message(404, fmt::format("No note {}", id->second));
  return proxy_response(204, "");
}

}  // namespace eddy::apps::notes
