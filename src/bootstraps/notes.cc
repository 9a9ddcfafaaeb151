// The notes functions (src/apps/notes) as a Lambda `bootstrap` executable: the same handlers
// `eddy serve` runs built in, here run by the Runtime API loop (lambda/runtime.h) and reaching
// their table over HTTP (client/http_dynamodb.h). _HANDLER picks the function: put-note,
// list-notes, get-note, delete-note or word-count (a "notes." prefix is allowed), so one
// executable serves each function of the stack, on Eddy or on AWS Lambda (docs/functions.md).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "apps/notes/notes.h"
#include "client/http_dynamodb.h"
#include "lambda/runtime.h"

int main() {
  using namespace eddy;
  auto options = client::HttpDynamoDb::options_from_environment();
  if (!options) {
    lambda::report_init_error("Runtime.ConfigurationError", options.status().message());
    std::fprintf(stderr, "%s\n", options.status().message().c_str());
    return 1;
  }
  client::HttpDynamoDb tables(std::move(*options));
  functions::BuiltinRegistry registry;
  apps::notes::register_notes_functions(registry, tables);

  const char* configured = std::getenv("_HANDLER");
  std::string name = configured ? configured : "";
  if (name.rfind("notes.", 0) != 0) name = "notes." + name;
  auto handler = registry.find(name);
  if (!handler) {
    const std::string message = "no notes function '" + std::string(configured ? configured : "") +
                                "'; _HANDLER must be one of put-note, list-notes, get-note, "
                                "delete-note, word-count";
    lambda::report_init_error("Runtime.HandlerNotFound", message);
    std::fprintf(stderr, "%s\n", message.c_str());
    return 1;
  }
  return lambda::run(*handler);
}
