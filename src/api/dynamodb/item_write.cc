#include "api/dynamodb/item_write.h"

#include <algorithm>
#include <cmath>

#include "expr/evaluator.h"

namespace eddy::api::dynamodb {

double item_write_units(const storage::ItemWriteResult& result) {
  size_t bytes = 0;
  if (result.old_item) bytes = model::item_size(*result.old_item);
  if (result.new_item) bytes = std::max(bytes, model::item_size(*result.new_item));
  return write_units(bytes);
}

Result<bool> read_collection_metrics(const Json& request) {
  EDDY_ASSIGN_OR_RETURN(auto value, get_string(request, "ReturnItemCollectionMetrics"));
  if (value && *value != "SIZE" && *value != "NONE") {
    ConstraintErrors errors;
    errors.add(*value, "returnItemCollectionMetrics",
               "Member must satisfy enum value set: [SIZE, NONE]");
    return errors.status();
  }
  return value && *value == "SIZE";
}

void write_collection_metrics(JsonWriter& writer, const std::string& partition_key,
                              const storage::ItemWriteResult& result) {
  const storage::ItemPtr& item = result.new_item ? result.new_item : result.old_item;
  writer.StartObject();
  writer.Key("ItemCollectionKey");
  writer.StartObject();
  if (item && item->contains(partition_key)) {
    write_key(writer, partition_key);
    model::encode_attribute_value(item->at(partition_key), writer);
  }
  writer.EndObject();
  // DynamoDB gives a range, in GB: [0.0, 1.0] for a small collection (API_ItemCollectionMetrics:
  // "an estimate of the size, in gigabytes"); how the bounds grow is not documented, so Eddy
  // reports the whole gigabytes below and above the size it keeps exactly.
  const double low = std::floor(static_cast<double>(result.collection_bytes.value_or(0)) /
                                static_cast<double>(1ULL << 30));
  writer.Key("SizeEstimateRangeGB");
  writer.StartArray();
  writer.Double(low);
  writer.Double(low + 1);
  writer.EndArray();
  writer.EndObject();
}

void write_collection_metrics_map(JsonWriter& writer, const std::vector<std::string>& tables,
                                  const std::vector<std::string>& partition_keys,
                                  const storage::WriteResult& result) {
  std::vector<std::string> order;  // tables, first write first
  for (size_t i = 0; i < result.items.size(); ++i) {
    if (result.items[i].collection_bytes &&
        std::find(order.begin(), order.end(), tables[i]) == order.end()) {
      order.push_back(tables[i]);
    }
  }
  writer.Key("ItemCollectionMetrics");
  writer.StartObject();
  for (const auto& table : order) {
    write_key(writer, table);
    writer.StartArray();
    for (size_t i = 0; i < result.items.size(); ++i) {
      if (tables[i] == table && result.items[i].collection_bytes) {
        write_collection_metrics(writer, partition_keys[i], result.items[i]);
      }
    }
    writer.EndArray();
  }
  writer.EndObject();
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
  EDDY_ASSIGN_OR_RETURN(response.collection_metrics, read_collection_metrics(request));
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
  if (response.collection_metrics && item->collection_bytes) {
    writer.Key("ItemCollectionMetrics");
    write_collection_metrics(writer, response.partition_key, *item);
  }
  writer.EndObject();
  return finish(buffer);
}

}  // namespace eddy::api::dynamodb
