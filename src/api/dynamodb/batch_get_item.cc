// BatchGetItem:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
//
// All keys are read at one snapshot. A response stops growing at 16 MB, as DynamoDB's does; the
// keys not read then come back in UnprocessedKeys for the client to ask again.
#include <fmt/format.h>

#include <set>

#include "api/dynamodb/operations.h"
#include "model/key_encoding.h"

namespace eddy::api::dynamodb {

namespace {

constexpr size_t kMaxKeys = 100;
constexpr size_t kMaxResponseBytes = 16 << 20;

struct TableRead {
  std::string table;
  std::shared_ptr<const expr::Projection> projection;
  bool consistent = false;
  std::vector<model::Item> keys;
  // The table's request entry minus Keys, echoed in UnprocessedKeys.
  std::optional<std::string> projection_text;
  std::vector<std::pair<std::string, std::string>> names;
  std::optional<std::vector<std::string>> attributes_to_get;
};

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(const Json* request_items, read_request_items(request));
  EDDY_ASSIGN_OR_RETURN(auto capacity, read_capacity_detail(request));

  std::vector<TableRead> reads;
  size_t total = 0;
  for (const auto& entry : request_items->GetObject()) {
    TableRead read;
    read.table.assign(entry.name.GetString(), entry.name.GetStringLength());
    ConstraintErrors errors;
    check_table_name(read.table, "requestItems.key", errors);
    EDDY_RETURN_IF_ERROR(errors.status());
    EDDY_RETURN_IF_ERROR(expect_object(entry.value, "RequestItems"));
    const Json& spec = entry.value;
    EDDY_ASSIGN_OR_RETURN(const Json* keys, get_array(spec, "Keys"));
    if (!keys || keys->Size() == 0) {
      ConstraintErrors key_errors;
      key_errors.add_null(fmt::format("requestItems.{}.member.keys", read.table));
      return key_errors.status();
    }
    total += keys->Size();
    if (total > kMaxKeys) {
      return Status::validation("Too many items requested for the BatchGetItem call");
    }
    EDDY_ASSIGN_OR_RETURN(auto consistent, get_bool(spec, "ConsistentRead"));
    read.consistent = consistent.value_or(false);
    EDDY_RETURN_IF_ERROR(expr::check_not_mixed(present_members(spec, {"AttributesToGet"}),
                                               present_members(spec, {"ProjectionExpression"})));
    EDDY_ASSIGN_OR_RETURN(read.projection_text, get_string(spec, "ProjectionExpression"));
    if (!read.projection_text) {
      EDDY_RETURN_IF_ERROR(refuse_unused_bindings(spec, "ProjectionExpression is null"));
    }
    EDDY_ASSIGN_OR_RETURN(auto bindings, read_bindings(spec));
    for (const auto& [key, value] : bindings.names)
      read.names.emplace_back(key, value);
    EDDY_ASSIGN_OR_RETURN(read.projection,
                          compile_projection(context, read.projection_text, bindings));
    EDDY_RETURN_IF_ERROR(expr::check_unused(bindings));
    EDDY_ASSIGN_OR_RETURN(read.attributes_to_get, get_string_list(spec, "AttributesToGet"));
    if (read.attributes_to_get) {
      std::set<std::string> seen;
      for (const auto& name : *read.attributes_to_get) {
        if (!seen.insert(name).second) {
          return Status::validation(
              "One or more parameter values were invalid: Duplicate value in attribute name: " +
              name);
        }
      }
      read.projection = std::make_shared<expr::Projection>(
          expr::lower_attributes_to_get(*read.attributes_to_get));
    }
    for (const auto& key_json : keys->GetArray()) {
      EDDY_RETURN_IF_ERROR(expect_object(key_json, "Keys"));
      EDDY_ASSIGN_OR_RETURN(auto key, model::decode_item(key_json));
      read.keys.push_back(std::move(key));
    }
    reads.push_back(std::move(read));
  }

  // Table existence first, then each key against its schema, then duplicates.
  std::vector<storage::Engine::ItemKey> item_keys;
  for (const auto& read : reads) {
    EDDY_ASSIGN_OR_RETURN(const model::KeySchema key_schema, find_key_schema(context, read.table));
    std::set<std::string> seen;
    for (const auto& key : read.keys) {
      EDDY_RETURN_IF_ERROR(model::validate_key(key, key_schema));
      std::string identity;
      model::append_key_encoding(key.at(key_schema.partition.name), identity);
      if (key_schema.sort) {
        model::append_key_encoding(key.at(key_schema.sort->name), identity);
      }
      if (!seen.insert(std::move(identity)).second) {
        return Status::validation("Provided list of item keys contains duplicates");
      }
      item_keys.push_back({read.table, key});
    }
  }
  EDDY_ASSIGN_OR_RETURN(auto items, context.engine.get_items(item_keys));

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Responses");
  writer.StartObject();
  size_t next = 0;
  std::vector<std::pair<const TableRead*, std::vector<const model::Item*>>> unprocessed;
  std::vector<ConsumedCapacity> consumed;
  for (const auto& read : reads) {
    write_key(writer, read.table);
    writer.StartArray();
    ConsumedCapacity table_capacity{.table = read.table};
    std::vector<const model::Item*> left;
    for (const auto& key : read.keys) {
      const auto& item = items[next++];
      if (buffer.GetSize() > kMaxResponseBytes) {
        left.push_back(&key);
        continue;
      }
      table_capacity.read_units += read_units(item ? model::item_size(*item) : 0, read.consistent);
      if (item) write_item(writer, *item, read.projection.get());
    }
    writer.EndArray();
    consumed.push_back(std::move(table_capacity));
    if (!left.empty()) unprocessed.emplace_back(&read, std::move(left));
  }
  writer.EndObject();
  writer.Key("UnprocessedKeys");
  writer.StartObject();
  for (const auto& [read, keys] : unprocessed) {
    write_key(writer, read->table);
    writer.StartObject();
    writer.Key("Keys");
    writer.StartArray();
    for (const model::Item* key : keys)
      model::encode_item(*key, writer);
    writer.EndArray();
    if (read->consistent) {
      writer.Key("ConsistentRead");
      writer.Bool(true);
    }
    if (read->projection_text) {
      writer.Key("ProjectionExpression");
      write_string(writer, *read->projection_text);
    }
    if (!read->names.empty()) {
      writer.Key("ExpressionAttributeNames");
      writer.StartObject();
      for (const auto& [name, value] : read->names) {
        write_key(writer, name);
        write_string(writer, value);
      }
      writer.EndObject();
    }
    if (read->attributes_to_get) {
      writer.Key("AttributesToGet");
      writer.StartArray();
      for (const auto& name : *read->attributes_to_get)
        write_string(writer, name);
      writer.EndArray();
    }
    writer.EndObject();
  }
  writer.EndObject();
  if (capacity != CapacityDetail::kNone) {
    writer.Key("ConsumedCapacity");
    writer.StartArray();
    for (const auto& table_capacity : consumed) {
      write_capacity_object(writer, capacity, table_capacity);
    }
    writer.EndArray();
  }
  writer.EndObject();
  return finish(buffer);
}

}  // namespace

void batch_get_item(const Json& request, Context& context, Reply reply) {
  answer(reply, run(request, context));
}

}  // namespace eddy::api::dynamodb
