#include "api/dynamodb/item_write.h"

#include "expr/evaluator.h"

namespace eddy::api::dynamodb {

double item_write_units(const storage::ItemWriteResult& result) {
  size_t bytes = 0;
  if (result.old_item) bytes = model::item_size(*result.old_item);
  if (result.new_item) bytes = std::max(bytes, model::item_size(*result.new_item));
  return write_units(bytes);
}

expr::Projection updated_paths(const expr::Update& update) {
  expr::Projection projection;
  for (const auto& action : update.set)
    projection.paths.push_back(action.path);
  for (const auto& path : update.remove)
    projection.paths.push_back(path);
  for (const auto& action : update.add)
    projection.paths.push_back(action.path);
  for (const auto& action : update.del)
    projection.paths.push_back(action.path);
  return projection;
}

Result<std::shared_ptr<const expr::Condition>> read_put_or_delete_options(const Json& request,
                                                                          Context& context,
                                                                          WriteResponse& response) {
  EDDY_ASSIGN_OR_RETURN(response.return_values,
                        read_return_values(request, {ReturnValues::kNone, ReturnValues::kAllOld}));
  EDDY_ASSIGN_OR_RETURN(response.old_on_condition_failure,
                        read_return_old_on_condition_failure(request));
  EDDY_ASSIGN_OR_RETURN(response.capacity, read_capacity_detail(request));
  EDDY_RETURN_IF_ERROR(
      expr::check_not_mixed(present_members(request, {"Expected", "ConditionalOperator"}),
                            present_members(request, {"ConditionExpression"})));
  if (!find_member(request, "ConditionExpression")) {
    EDDY_RETURN_IF_ERROR(refuse_unused_bindings(request, "ConditionExpression is null"));
  }
  EDDY_ASSIGN_OR_RETURN(auto bindings, read_bindings(request));
  EDDY_ASSIGN_OR_RETURN(auto condition, read_write_condition(context, request, bindings));
  EDDY_RETURN_IF_ERROR(expr::check_unused(bindings));
  return condition;
}

void submit_item_write(Context& context, Result<ParsedWrite> parsed, Reply reply) {
  if (!parsed) return fail(reply, parsed.status());
  storage::WriteUnit unit;
  unit.writes.push_back(std::move(parsed->write));
  context.engine.submit(std::move(unit), [response = std::move(parsed->response),
                                          reply = std::move(reply)](storage::WriteResult result) {
    reply(write_outcome(result, response));
  });
}

Outcome write_outcome(const storage::WriteResult& result, const WriteResponse& response) {
  const storage::ItemWriteResult* item = result.items.empty() ? nullptr : &result.items.front();
  if (!result.status.is_ok()) {
    if (result.status.code() == Code::kConditionFailed) {
      std::string extra;
      if (response.old_on_condition_failure && item && item->old_item) {
        rapidjson::StringBuffer buffer;
        JsonWriter writer(buffer);
        model::encode_item(*item->old_item, writer);
        extra = "\"Item\":" + finish(buffer);
      }
      return ApiError::conditional_check_failed(std::move(extra));
    }
    return ApiError::from_status(result.status);
  }

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  const model::Item* returned = nullptr;
  const expr::Projection* projection = nullptr;
  switch (response.return_values) {
    case ReturnValues::kNone:
      break;
    case ReturnValues::kAllOld:
      returned = item->old_item.get();
      break;
    case ReturnValues::kAllNew:
      returned = item->new_item.get();
      break;
    case ReturnValues::kUpdatedOld:
      returned = item->old_item.get();
      projection = response.updated_paths.get();
      break;
    case ReturnValues::kUpdatedNew:
      returned = item->new_item.get();
      projection = response.updated_paths.get();
      break;
  }
  if (returned) {
    model::Item attributes = projection ? expr::project(*projection, *returned) : model::Item();
    const model::Item& shown = projection ? attributes : *returned;
    // DynamoDB leaves Attributes out rather than sending an empty map.
    if (!shown.empty()) {
      writer.Key("Attributes");
      model::encode_item(shown, writer);
    }
  }
  ConsumedCapacity consumed{.table = response.table, .write_units = item_write_units(*item)};
  add_index_write_units(consumed, *item);
  write_consumed_capacity(writer, response.capacity, consumed);
  writer.EndObject();
  return finish(buffer);
}

}  // namespace eddy::api::dynamodb
