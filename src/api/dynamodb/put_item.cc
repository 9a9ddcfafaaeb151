// PutItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
#include "api/dynamodb/item_write.h"
#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

Result<ParsedWrite> parse_put(const Json& request, Context& context) {
  ParsedWrite put;
  EDDY_ASSIGN_OR_RETURN(put.response.table, read_table_name(request));
  EDDY_ASSIGN_OR_RETURN(auto item, read_item(request, "Item"));
  if (!item) {
    ConstraintErrors errors;
    errors.add_null("item");
    return errors.status();
  }
  EDDY_ASSIGN_OR_RETURN(auto condition, read_put_or_delete_options(request, context, put.response));

  EDDY_ASSIGN_OR_RETURN(const model::KeySchema key_schema,
                        find_key_schema(context, put.response.table));
  put.response.partition_key = key_schema.partition.name;
  EDDY_RETURN_IF_ERROR(model::validate_item(*item, key_schema));
  storage::ItemWrite write;
  write.table = put.response.table;
  write.key = model::extract_key(*item, key_schema);
  write.mutation = storage::Put{std::move(*item)};
  write.condition = condition_fn(std::move(condition));
  put.write = std::move(write);
  return put;
}

void put_item(const Json& request, Context& context, Reply reply) {
  submit_item_write(context, parse_put(request, context), std::move(reply));
}

}  // namespace eddy::api::dynamodb
