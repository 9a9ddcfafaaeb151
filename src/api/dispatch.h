// Running one AWS JSON request: check the X-Amz-Target prefix, find the operation in a
// protocol's table, parse the body, call the operation. Shared by api/dynamodb and api/streams.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/api_error.h"
#include "api/json.h"

namespace eddy::api {

// The operation named `name` in a protocol's table of (name, operation) pairs, or nullptr.
template <typename Table>
auto find_in(const Table& table, std::string_view name) -> decltype(table[0].second) {
  for (const auto& [operation_name, operation] : table) {
    if (operation_name == name) return operation;
  }
  return nullptr;
}

// The names in a protocol's table, in table order (for per-operation metrics).
template <typename Table>
std::vector<std::string_view> names_in(const Table& table) {
  std::vector<std::string_view> names;
  for (const auto& [operation_name, operation] : table)
    names.push_back(operation_name);
  return names;
}

// `find` maps an operation name to its function (nullptr when unknown); `reply` is called
// exactly once, with an error here or by the operation.
template <typename Operation, typename Context, typename Reply>
void dispatch(std::string_view target, std::string_view prefix, Operation (*find)(std::string_view),
              const std::string& body, Context& context, Reply reply) {
  if (target.substr(0, prefix.size()) != prefix) return reply(ApiError::unknown_operation());
  Operation operation = find(target.substr(prefix.size()));
  if (!operation) return reply(ApiError::unknown_operation());
  // The request lives only for the operation's synchronous part, so its JSON can live in a
  // buffer on this stack: most requests then parse without a heap allocation (RapidJSON's
  // default allocator takes 64 KB from malloc per document, which showed in profiles).
  char buffer[16 << 10];
  rapidjson::MemoryPoolAllocator<> allocator(buffer, sizeof(buffer));
  rapidjson::Document request(&allocator);
  if (Status parsed = parse_request(body, request); !parsed.is_ok()) {
    return reply(ApiError::from_status(parsed));
  }
  operation(request, context, std::move(reply));
}

}  // namespace eddy::api
