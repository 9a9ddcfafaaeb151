// Registers the notes functions under their handler names.
#include "apps/notes/notes.h"
#include "apps/notes/handlers.h"

namespace eddy::apps::notes {

void register_notes_functions(functions::BuiltinRegistry& registry, client::DynamoDb& tables) {
  using Handler =
      std::string (*)(const std::string&, const functions::InvocationContext&, client::DynamoDb&);
  const std::pair<const char*, Handler> handlers[] = {
      {"notes.put-note", put_note},     {"notes.list-notes", list_notes},
      {"notes.get-note", get_note},     {"notes.delete-note", delete_note},
      {"notes.word-count", word_count},
  };
  for (const auto& [name, handler] : handlers) {
    registry.add(name, [handler, &tables](const std::string& event,
                                          const functions::InvocationContext& context) {
      return handler(event, context, tables);
    });
  }
}

}  // namespace eddy::apps::notes
