// GetItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html
#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

namespace {

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto table_name, read_table_name(request));
  EDDY_ASSIGN_OR_RETURN(auto consistent, get_bool(request, "ConsistentRead"));
  EDDY_ASSIGN_OR_RETURN(auto capacity, read_capacity_detail(request));
  EDDY_RETURN_IF_ERROR(expr::check_not_mixed(present_members(request, {"AttributesToGet"}),
                                             present_members(request, {"ProjectionExpression"})));
  EDDY_ASSIGN_OR_RETURN(auto projection_text, get_string(request, "ProjectionExpression"));
  if (!projection_text) {
    EDDY_RETURN_IF_ERROR(refuse_unused_bindings(request, "ProjectionExpression is null"));
  }
  EDDY_ASSIGN_OR_RETURN(auto bindings, read_bindings(request));
  EDDY_ASSIGN_OR_RETURN(auto projection, compile_projection(context, projection_text, bindings));
  EDDY_RETURN_IF_ERROR(expr::check_unused(bindings));
  EDDY_ASSIGN_OR_RETURN(auto attributes_to_get, get_string_list(request, "AttributesToGet"));
  if (attributes_to_get) {
    projection =
        std::make_shared<expr::Projection>(expr::lower_attributes_to_get(*attributes_to_get));
  }

  EDDY_ASSIGN_OR_RETURN(const model::KeySchema key_schema, find_key_schema(context, table_name));
  EDDY_ASSIGN_OR_RETURN(auto key, read_key(request, "Key", key_schema));
  EDDY_ASSIGN_OR_RETURN(auto item, context.engine.get_item(table_name, key));

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  if (item) {
    writer.Key("Item");
    write_item(writer, *item, projection.get());
  }
  const size_t bytes = item ? model::item_size(*item) : 0;
  write_consumed_capacity(
      writer, capacity,
      {.table = table_name, .read_units = read_units(bytes, consistent.value_or(false))});
  writer.EndObject();
  return finish(buffer);
}

}  // namespace

void get_item(const Json& request, Context& context, Reply reply) {
  answer(reply, run(request, context));
}

}  // namespace eddy::api::dynamodb
