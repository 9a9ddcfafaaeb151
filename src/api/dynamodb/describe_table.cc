// DescribeTable:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html
#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

void describe_table(const Json& request, Context& context, Reply reply) {
  auto name = read_table_name(request, TableNameCheck::kTableOperation);
  if (!name) return fail(reply, name.status());
  auto table = find_table(context, *name, /*name_in_message=*/true);
  if (!table) return fail(reply, table.status());
  reply(table_description_response("Table", *table, context, "ACTIVE"));
}

}  // namespace eddy::api::dynamodb
