// The one table from X-Amz-Target's operation name to its function.
#include "api/dynamodb/operations.h"

#include <array>
#include <utility>

namespace eddy::api::dynamodb {

namespace {

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";

constexpr std::array<std::pair<std::string_view, Operation>, 20> kOperations{{
    {"BatchGetItem", batch_get_item},
    {"BatchWriteItem", batch_write_item},
    {"CreateTable", create_table},
    {"DeleteItem", delete_item},
    {"DeleteTable", delete_table},
    {"DescribeEndpoints", describe_endpoints},
    {"DescribeLimits", describe_limits},
    {"DescribeTable", describe_table},
    {"GetItem", get_item},
    {"ListTables", list_tables},
    {"ListTagsOfResource", list_tags_of_resource},
    {"PutItem", put_item},
    {"Query", query},
    {"Scan", scan},
    {"TagResource", tag_resource},
    {"TransactGetItems", transact_get_items},
    {"TransactWriteItems", transact_write_items},
    {"UntagResource", untag_resource},
    {"UpdateItem", update_item},
    {"UpdateTable", update_table},
}};

}  // namespace

Operation find_operation(std::string_view name) {
  for (const auto& [operation_name, operation] : kOperations) {
    if (operation_name == name) return operation;
  }
  return nullptr;
}

void handle(std::string_view target, const std::string& body, Context& context, Reply reply) {
  if (target.substr(0, kTargetPrefix.size()) != kTargetPrefix) {
    return reply(ApiError::unknown_operation());
  }
  Operation operation = find_operation(target.substr(kTargetPrefix.size()));
  if (!operation) return reply(ApiError::unknown_operation());
  // The request lives only for the operation's synchronous part, so its JSON can live in a
  // buffer on this stack: most requests then parse without a heap allocation (RapidJSON's
  // default allocator takes 64 KB from malloc per document, which showed in profiles).
  char buffer[16 << 10];
  rapidjson::MemoryPoolAllocator<> allocator(buffer, sizeof(buffer));
  rapidjson::Document request(&allocator);
  if (Status parsed = parse_request(body, request); !parsed.is_ok()) return fail(reply, parsed);
  operation(request, context, std::move(reply));
}

}  // namespace eddy::api::dynamodb
