// The one table from X-Amz-Target's operation name to its function.
#include "api/dynamodb/operations.h"
#include "api/dispatch.h"

#include <array>
#include <utility>

namespace eddy::api::dynamodb {

namespace {

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";

constexpr std::array<std::pair<std::string_view, Operation>, 22> kOperations{{
    {"BatchGetItem", batch_get_item},
    {"BatchWriteItem", batch_write_item},
    {"CreateTable", create_table},
    {"DeleteItem", delete_item},
    {"DeleteTable", delete_table},
    {"DescribeEndpoints", describe_endpoints},
    {"DescribeLimits", describe_limits},
    {"DescribeTable", describe_table},
    {"DescribeTimeToLive", describe_time_to_live},
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
    {"UpdateTimeToLive", update_time_to_live},
}};

}  // namespace

Operation find_operation(std::string_view name) {
  return find_in(kOperations, name);
}

std::vector<std::string_view> operation_names() {
  return names_in(kOperations);
}

void handle(std::string_view target, const std::string& body, Context& context, Reply reply) {
  dispatch(target, kTargetPrefix, find_operation, body, context, std::move(reply));
}

}  // namespace eddy::api::dynamodb
