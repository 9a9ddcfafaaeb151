// DescribeTable:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html
#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

void describe_table(const Json& request, Context& context, Reply reply) {
  auto name = read_table_name(request, TableNameCheck::kTableOperation);
  if (!name) return fail(reply, name.status());
  auto table = find_table(context, *name, /*name_in_message=*/true);
  if (!table) return fail(reply, table.status());
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Table");
  write_table_description(writer, *table, context, "ACTIVE");
  writer.EndObject();
  reply(finish(buffer));
}

}  // namespace eddy::api::dynamodb
