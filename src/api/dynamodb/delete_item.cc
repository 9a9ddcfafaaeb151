// DeleteItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html
#include "api/dynamodb/item_write.h"
#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

Result<ParsedWrite> parse_delete(const Json& request, Context& context) {
  ParsedWrite del;
  EDDY_ASSIGN_OR_RETURN(del.response.table, read_table_name(request));
  EDDY_ASSIGN_OR_RETURN(auto condition, read_put_or_delete_options(request, context, del.response));

  EDDY_ASSIGN_OR_RETURN(const model::KeySchema key_schema,
                        find_key_schema(context, del.response.table));
  del.response.partition_key = key_schema.partition.name;
  storage::ItemWrite write;
  write.table = del.response.table;
  EDDY_ASSIGN_OR_RETURN(write.key, read_key(request, "Key", key_schema));
  write.mutation = storage::Delete{};
  write.condition = condition_fn(std::move(condition));
  del.write = std::move(write);
  return del;
}

void delete_item(const Json& request, Context& context, Reply reply) {
  submit_item_write(context, parse_delete(request, context), std::move(reply));
}

}  // namespace eddy::api::dynamodb
