// The routes of Lambda's REST API that Eddy serves, (method, path) -> operation.
#include <fmt/format.h>

#include "api/lambda/lambda_common.h"
#include "common/url.h"

namespace eddy::api::lambda {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    if (slash != 0) parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  return parts;
}

struct Route {
  std::string_view name;
  Operation operation = nullptr;
};

constexpr Route kInvoke{"Invoke", invoke};
constexpr Route kGetFunction{"GetFunction", get_function};
constexpr Route kListFunctions{"ListFunctions", list_functions};
constexpr Route kCreateMapping{"CreateEventSourceMapping", create_event_source_mapping};
constexpr Route kGetMapping{"GetEventSourceMapping", get_event_source_mapping};
constexpr Route kUpdateMapping{"UpdateEventSourceMapping", update_event_source_mapping};
constexpr Route kDeleteMapping{"DeleteEventSourceMapping", delete_event_source_mapping};
constexpr Route kListMappings{"ListEventSourceMappings", list_event_source_mappings};

Route route(std::string_view method, const std::vector<std::string_view>& parts) {
  if (parts.empty()) return {};
  if (parts[0] == "functions") {
    if (parts.size() == 1 && method == "GET") return kListFunctions;
    if (parts.size() == 2 && method == "GET") return kGetFunction;
    if (parts.size() == 3 && parts[2] == "invocations" && method == "POST") return kInvoke;
    return {};
  }
  if (parts[0] == "event-source-mappings") {
    if (parts.size() == 1) {
      if (method == "POST") return kCreateMapping;
      if (method == "GET") return kListMappings;
    } else if (parts.size() == 2) {
      if (method == "GET") return kGetMapping;
      if (method == "PUT") return kUpdateMapping;
      if (method == "DELETE") return kDeleteMapping;
    }
  }
  return {};
}

std::vector<std::string_view> path_parts(std::string_view target) {
  return split_path(target.substr(0, target.find('?')).substr(kPathPrefix.size()));
}

}  // namespace

std::string_view operation_name(std::string_view method, std::string_view target) {
  if (!target.starts_with(kPathPrefix)) return {};
  return route(method, path_parts(target)).name;
}

std::vector<std::string_view> operation_names() {
  std::vector<std::string_view> names;
  for (const Route* r : {&kInvoke, &kGetFunction, &kListFunctions, &kCreateMapping, &kGetMapping,
                         &kUpdateMapping, &kDeleteMapping, &kListMappings})
    names.push_back(r->name);
  return names;
}

bool handle(std::string_view method, std::string_view target, std::string_view invocation_type,
            const std::string& body, Context& context, Reply reply) {
  if (!target.starts_with(kPathPrefix)) return false;
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  const auto parts = path_parts(target);
  Operation operation = route(method, parts).operation;
  if (operation == nullptr) {
    reply(error_response(error("UnknownOperationException",
                               fmt::format("Unknown operation: {} {}", method, path), 404)));
    return true;
  }
  // Lambda's query parameters are single-valued: the last one given wins.
  Request request{method, {}, {}, invocation_type, body};
  for (auto& [name, values] : parse_query(query))
    request.query[name] = std::move(values.back());
  for (size_t i = 1; i < parts.size(); ++i) {
    if (i == 2 && parts[0] == "functions") break;  // "invocations"
    request.path_params.push_back(percent_decode(parts[i]));
  }
  operation(request, context, std::move(reply));
  return true;
}

}  // namespace eddy::api::lambda
