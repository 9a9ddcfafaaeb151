// DeleteItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html
#include "api/dynamodb/item_write.h"
#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

Result<ParsedWrite> parse_delete(const Json& request, Context& context) {
  ParsedWrite del;
  EDDY_ASSIGN_OR_RETURN(del.response.table, read_table_name(request));
  EDDY_ASSIGN_OR_RETURN(
      del.response.return_values,
      read_return_values(request, "DeleteItem", {ReturnValues::kNone, ReturnValues::kAllOld}));
  EDDY_ASSIGN_OR_RETURN(del.response.old_on_condition_failure,
                        read_return_old_on_condition_failure(request));
  EDDY_ASSIGN_OR_RETURN(del.response.capacity, read_capacity_detail(request));

  EDDY_RETURN_IF_ERROR(
      expr::check_not_mixed(present_members(request, {"Expected", "ConditionalOperator"}),
                            present_members(request, {"ConditionExpression"})));
  if (!find_member(request, "ConditionExpression")) {
    EDDY_RETURN_IF_ERROR(refuse_unused_bindings(request, "ConditionExpression is null"));
  }
  EDDY_ASSIGN_OR_RETURN(auto bindings, read_bindings(request));
  EDDY_ASSIGN_OR_RETURN(auto condition, read_write_condition(context, request, bindings));
  EDDY_RETURN_IF_ERROR(expr::check_unused(bindings));

  EDDY_ASSIGN_OR_RETURN(const model::KeySchema key_schema,
                        find_key_schema(context, del.response.table));
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
