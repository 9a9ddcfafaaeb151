// Query: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
#include "api/dynamodb/item_reads.h"
#include "api/dynamodb/operations.h"
#include "expr/key_condition.h"

namespace eddy::api::dynamodb {

namespace {

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto read, read_item_read_request(request));
  EDDY_ASSIGN_OR_RETURN(auto forward, get_bool(request, "ScanIndexForward"));
  EDDY_RETURN_IF_ERROR(expr::check_not_mixed(
      present_members(request,
                      {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"}),
      present_members(request,
                      {"ProjectionExpression", "FilterExpression", "KeyConditionExpression"})));
  EDDY_ASSIGN_OR_RETURN(auto key_text, get_string(request, "KeyConditionExpression"));
  EDDY_ASSIGN_OR_RETURN(auto key_conditions, read_legacy_conditions(request, "KeyConditions"));
  if (!key_text && !key_conditions) {
    return Status::validation(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
        "request.");
  }
  if (!key_text && !find_member(request, "FilterExpression") &&
      !find_member(request, "ProjectionExpression")) {
    EDDY_RETURN_IF_ERROR(
        refuse_unused_bindings(request, "FilterExpression and KeyConditionExpression are null"));
  }
  EDDY_ASSIGN_OR_RETURN(auto bindings, read_bindings(request));
  EDDY_ASSIGN_OR_RETURN(
      auto key_condition,
      compile_condition(context, key_text, expr::ExpressionKind::kKeyCondition, bindings));
  EDDY_RETURN_IF_ERROR(read_filter_and_projection(request, context, bindings, "QueryFilter", read));
  EDDY_RETURN_IF_ERROR(expr::check_unused(bindings));

  EDDY_RETURN_IF_ERROR(resolve_read_target(context, read));
  const model::KeySchema& key_schema = read.key_schema;
  // QueryFilter may name key attributes; FilterExpression may not.
  if (read.filter && find_member(request, "FilterExpression")) {
    EDDY_RETURN_IF_ERROR(check_filter_avoids_keys(*read.filter, key_schema));
  }
  expr::KeyRange range;
  if (key_condition) {
    EDDY_ASSIGN_OR_RETURN(range, expr::compile_key_condition(*key_condition, key_schema));
  } else {
    EDDY_ASSIGN_OR_RETURN(range, expr::lower_key_conditions(*key_conditions, key_schema));
  }
  EDDY_RETURN_IF_ERROR(check_start_key(read));
  if (read.exclusive_start_key) {
    if (!(read.exclusive_start_key->at(key_schema.partition.name) == range.partition)) {
      return Status::validation(
          "The provided starting key is outside query boundaries based on provided conditions");
    }
  }

  storage::QueryRequest query;
  query.table = read.table;
  query.index = read.index.value_or("");
  query.fetch_table_items = read.fetch_table_items;
  query.partition_value = std::move(range.partition);
  query.sort_condition = std::move(range.sort);
  query.forward = forward.value_or(true);
  query.limit = read.limit;
  query.max_bytes = kMaxPageBytes;
  query.exclusive_start_key = read.exclusive_start_key;
  EDDY_ASSIGN_OR_RETURN(auto page, context.engine.query(query));
  return item_read_response(page, read);
}

}  // namespace

void query(const Json& request, Context& context, Reply reply) {
  answer(reply, run(request, context));
}

}  // namespace eddy::api::dynamodb
