// TransactGetItems:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
// Every item is read at one snapshot, so the answer is one point in time.
#include <set>

#include "api/dynamodb/operations.h"
#include "model/key_encoding.h"

namespace eddy::api::dynamodb {

namespace {

struct Get {
  std::string table;
  std::shared_ptr<const expr::Projection> projection;
};

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(const Json* actions, read_transact_items(request));
  EDDY_ASSIGN_OR_RETURN(auto capacity, read_capacity_detail(request));

  std::vector<Get> gets;
  std::vector<storage::Engine::ItemKey> keys;
  std::set<std::string> seen;
  for (const auto& element : actions->GetArray()) {
    EDDY_RETURN_IF_ERROR(expect_object(element, "TransactItems"));
    EDDY_ASSIGN_OR_RETURN(const Json* action, get_object(element, "Get"));
    if (!action) {
      ConstraintErrors get_errors;
      get_errors.add_null("transactItems.member.get");
      return get_errors.status();
    }
    Get get;
    EDDY_ASSIGN_OR_RETURN(get.table, read_table_name(*action));
    EDDY_ASSIGN_OR_RETURN(auto projection_text, get_string(*action, "ProjectionExpression"));
    if (!projection_text) {
      EDDY_RETURN_IF_ERROR(refuse_unused_bindings(*action, "ProjectionExpression is null"));
    }
    EDDY_ASSIGN_OR_RETURN(auto bindings, read_bindings(*action));
    EDDY_ASSIGN_OR_RETURN(get.projection, compile_projection(context, projection_text, bindings));
    EDDY_RETURN_IF_ERROR(expr::check_unused(bindings));
    EDDY_ASSIGN_OR_RETURN(const model::KeySchema key_schema, find_key_schema(context, get.table));
    EDDY_ASSIGN_OR_RETURN(auto key, read_key(*action, "Key", key_schema));
    std::string identity = get.table;
    identity.push_back('\0');
    model::append_key_encoding(key.at(key_schema.partition.name), identity);
    if (key_schema.sort) {
      model::append_key_encoding(key.at(key_schema.sort->name), identity);
    }
    if (!seen.insert(std::move(identity)).second) {
      return Status::validation(
          "Transaction request cannot include multiple operations on one item");
    }
    keys.push_back({get.table, std::move(key)});
    gets.push_back(std::move(get));
  }
  EDDY_ASSIGN_OR_RETURN(auto items, context.engine.get_items(keys));

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Responses");
  writer.StartArray();
  std::vector<ConsumedCapacity> consumed;
  for (size_t i = 0; i < items.size(); ++i) {
    writer.StartObject();
    if (items[i]) {
      writer.Key("Item");
      write_item(writer, *items[i], gets[i].projection.get());
    }
    writer.EndObject();
    auto it = std::find_if(consumed.begin(), consumed.end(),
                           [&](const ConsumedCapacity& c) { return c.table == gets[i].table; });
    if (it == consumed.end()) it = consumed.insert(consumed.end(), {.table = gets[i].table});
    // Transactional reads cost twice a strongly consistent read.
    it->read_units += 2 * read_units(items[i] ? model::item_size(*items[i]) : 0, true);
  }
  writer.EndArray();
  if (capacity != CapacityDetail::kNone) {
    writer.Key("ConsumedCapacity");
    writer.StartArray();
    for (const auto& table : consumed)
      write_capacity_object(writer, capacity, table);
    writer.EndArray();
  }
  writer.EndObject();
  return finish(buffer);
}

}  // namespace

void transact_get_items(const Json& request, Context& context, Reply reply) {
  answer(reply, run(request, context));
}

}  // namespace eddy::api::dynamodb
