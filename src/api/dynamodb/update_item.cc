// UpdateItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
#include "api/dynamodb/item_write.h"
#include "api/dynamodb/operations.h"
#include "expr/evaluator.h"

namespace eddy::api::dynamodb {

namespace {

// AttributeUpdates: {"name": {"Action": "PUT"|"ADD"|"DELETE", "Value": AV}}.
Result<std::optional<std::vector<expr::AttributeUpdate>>> read_attribute_updates(
    const Json& request) {
  using Updates = std::vector<expr::AttributeUpdate>;
  EDDY_ASSIGN_OR_RETURN(const Json* map, get_object(request, "AttributeUpdates"));
  if (!map) return std::optional<Updates>();
  Updates updates;
  for (const auto& entry : map->GetObject()) {
    EDDY_RETURN_IF_ERROR(expect_object(entry.value, "AttributeUpdates"));
    expr::AttributeUpdate update;
    update.name.assign(entry.name.GetString(), entry.name.GetStringLength());
    EDDY_ASSIGN_OR_RETURN(auto action, get_string(entry.value, "Action"));
    if (action) {
      if (*action == "PUT") {
        update.action = expr::AttributeUpdate::Action::kPut;
      } else if (*action == "ADD") {
        update.action = expr::AttributeUpdate::Action::kAdd;
      } else if (*action == "DELETE") {
        update.action = expr::AttributeUpdate::Action::kDelete;
      } else {
        ConstraintErrors errors;
        errors.add(*action, "attributeUpdates." + update.name + ".member.action",
                   "Member must satisfy enum value set: [ADD, PUT, DELETE]");
        return errors.status();
      }
    }
    if (const Json* value = find_member(entry.value, "Value")) {
      EDDY_ASSIGN_OR_RETURN(auto decoded, model::decode_attribute_value(*value));
      update.value = std::move(decoded);
    }
    updates.push_back(std::move(update));
  }
  return std::optional<Updates>(std::move(updates));
}

}  // namespace

Result<ParsedWrite> parse_update(const Json& request, Context& context) {
  ParsedWrite upd;
  EDDY_ASSIGN_OR_RETURN(upd.response.table, read_table_name(request));
  EDDY_ASSIGN_OR_RETURN(
      upd.response.return_values,
      read_return_values(request,
                         {ReturnValues::kNone, ReturnValues::kAllOld, ReturnValues::kUpdatedOld,
                          ReturnValues::kAllNew, ReturnValues::kUpdatedNew}));
  EDDY_ASSIGN_OR_RETURN(upd.response.old_on_condition_failure,
                        read_return_old_on_condition_failure(request));
  EDDY_ASSIGN_OR_RETURN(upd.response.capacity, read_capacity_detail(request));
  EDDY_ASSIGN_OR_RETURN(upd.response.collection_metrics, read_collection_metrics(request));

  EDDY_RETURN_IF_ERROR(expr::check_not_mixed(
      present_members(request, {"AttributeUpdates", "Expected", "ConditionalOperator"}),
      present_members(request, {"UpdateExpression", "ConditionExpression"})));
  EDDY_ASSIGN_OR_RETURN(auto update_text, get_string(request, "UpdateExpression"));
  if (!update_text && !find_member(request, "ConditionExpression")) {
    EDDY_RETURN_IF_ERROR(
        refuse_unused_bindings(request, "UpdateExpression and ConditionExpression are null"));
  }
  EDDY_ASSIGN_OR_RETURN(auto bindings, read_bindings(request));
  EDDY_ASSIGN_OR_RETURN(auto update, compile_update(context, update_text, bindings));
  EDDY_ASSIGN_OR_RETURN(auto condition, read_write_condition(context, request, bindings));
  EDDY_RETURN_IF_ERROR(expr::check_unused(bindings));
  if (!update) {
    EDDY_ASSIGN_OR_RETURN(auto attribute_updates, read_attribute_updates(request));
    expr::Update lowered;
    if (attribute_updates) {
      EDDY_ASSIGN_OR_RETURN(lowered, expr::lower_attribute_updates(*attribute_updates));
    }
    update = std::make_shared<expr::Update>(std::move(lowered));
  }

  EDDY_ASSIGN_OR_RETURN(const model::KeySchema key_schema,
                        find_key_schema(context, upd.response.table));
  upd.response.partition_key = key_schema.partition.name;
  storage::ItemWrite write;
  write.table = upd.response.table;
  EDDY_ASSIGN_OR_RETURN(write.key, read_key(request, "Key", key_schema));
  EDDY_RETURN_IF_ERROR(expr::check_key_not_updated(*update, key_schema));
  if (upd.response.return_values == ReturnValues::kUpdatedOld ||
      upd.response.return_values == ReturnValues::kUpdatedNew) {
    upd.response.updated_paths = std::make_shared<expr::Projection>(updated_paths(*update));
  }
  // Pure: (current item, request) -> new item (DESIGN decision 6).
  write.mutation =
      storage::Update{[update, key = write.key, schema = key_schema](
                          const model::Item* current) -> Result<std::optional<model::Item>> {
        EDDY_ASSIGN_OR_RETURN(auto outcome, expr::apply_update(*update, current, key));
        if (model::item_size(outcome.item) > model::kMaxItemBytes) {
          return Status::validation("Item size to update has exceeded the maximum allowed size");
        }
        EDDY_RETURN_IF_ERROR(model::validate_item(outcome.item, schema));
        return std::optional<model::Item>(std::move(outcome.item));
      }};
  write.condition = condition_fn(std::move(condition));
  upd.write = std::move(write);
  return upd;
}

void update_item(const Json& request, Context& context, Reply reply) {
  submit_item_write(context, parse_update(request, context), std::move(reply));
}

}  // namespace eddy::api::dynamodb
