// DeleteTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html
#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

void delete_table(const Json& request, Context& context, Reply reply) {
  auto name = read_table_name(request, TableNameCheck::kTableOperation);
  if (!name) return fail(reply, name.status());
  auto table = find_table(context, *name, /*name_in_message=*/true);
  if (!table) return fail(reply, table.status());
  auto protection = table->properties.find(property::kDeletionProtection);
  if (protection != table->properties.end() && protection->second == "true") {
    return fail(
        reply, Status::validation("Resource cannot be deleted as it is currently protected against "
                                  "deletion. Disable deletion protection first."));
  }
  for (const auto& index : table->indexes) {
    if (index.status != storage::IndexStatus::kActive) {
      return reply(ApiError::resource_in_use(
          "Attempt to change a resource which is still in use: Cannot delete table while indexes "
          "are being created, updated, or deleted."));
    }
  }
  auto deleted = context.engine.delete_table(*name);
  if (!deleted) {
    if (deleted.status().code() == Code::kNotFound) {
      return fail(
          reply, Status::not_found("Requested resource not found: Table: " + *name + " not found"));
    }
    return fail(reply, deleted.status());
  }
  reply(table_description_response("TableDescription", *deleted, context, "DELETING"));
}

}  // namespace eddy::api::dynamodb
