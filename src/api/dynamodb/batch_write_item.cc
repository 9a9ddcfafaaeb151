// BatchWriteItem:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
//
// The puts and deletes of one request are committed as one engine unit: DynamoDB promises less
// (each write on its own), and one unit gives one commit and one reply. Nothing a batch does can
// fail one write alone once the request is validated (no conditions), so UnprocessedItems is
// always empty: a failure of the disk fails the whole request.
#include <fmt/format.h>

#include <set>

#include "api/dynamodb/item_write.h"
#include "api/dynamodb/operations.h"
#include "model/key_encoding.h"

namespace eddy::api::dynamodb {

namespace {

constexpr size_t kMaxWrites = 25;

struct TableWrites {
  std::string table;
  size_t count = 0;
  ConsumedCapacity consumed;
  std::string partition_key;
};

struct BatchWrite {
  storage::WriteUnit unit;
  std::vector<size_t> table_of_write;  // index into `tables`
  std::vector<TableWrites> tables;
  CapacityDetail capacity = CapacityDetail::kNone;
  bool collection_metrics = false;  // ReturnItemCollectionMetrics SIZE
};

Result<BatchWrite> parse(const Json& request, Context& context) {
  BatchWrite batch;
  EDDY_ASSIGN_OR_RETURN(const Json* request_items, read_request_items(request));
  EDDY_ASSIGN_OR_RETURN(batch.capacity, read_capacity_detail(request));
  EDDY_ASSIGN_OR_RETURN(batch.collection_metrics, read_collection_metrics(request));
  size_t total = 0;
  for (const auto& entry : request_items->GetObject()) {
    std::optional<std::string> name(std::in_place, entry.name.GetString(),
                                    entry.name.GetStringLength());
    ConstraintErrors errors;
    check_table_name(name, "requestItems.key", errors);
    EDDY_RETURN_IF_ERROR(errors.status());
    if (!entry.value.IsArray()) return Status::serialization("RequestItems values must be lists");
    if (entry.value.Size() == 0 || entry.value.Size() > kMaxWrites) {
      return Status::validation(fmt::format(
          "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map "
          "value must satisfy constraint: [Member must have length less than or equal to 25, "
          "Member must have length greater than or equal to 1]"));
    }
    total += entry.value.Size();
  }
  if (total > kMaxWrites) {
    return Status::validation("Too many items requested for the BatchWriteItem call");
  }

  std::set<std::string> seen_keys;  // table id + encoded key
  for (const auto& entry : request_items->GetObject()) {
    const std::string name(entry.name.GetString(), entry.name.GetStringLength());
    EDDY_ASSIGN_OR_RETURN(const model::KeySchema key_schema, find_key_schema(context, name));
    batch.tables.push_back({name, 0, ConsumedCapacity{.table = name}, key_schema.partition.name});
    for (const auto& element : entry.value.GetArray()) {
      EDDY_RETURN_IF_ERROR(expect_object(element, "RequestItems"));
      EDDY_ASSIGN_OR_RETURN(const Json* put, get_object(element, "PutRequest"));
      EDDY_ASSIGN_OR_RETURN(const Json* del, get_object(element, "DeleteRequest"));
      if ((put != nullptr) == (del != nullptr)) {
        return Status::validation(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
            "the supported datatypes");
      }
      storage::ItemWrite write;
      write.table = name;
      if (put) {
        EDDY_ASSIGN_OR_RETURN(auto item, read_item(*put, "Item"));
        if (!item) return Status::validation("The provided key element does not match the schema");
        if (!model::validate_item_key(*item, key_schema).is_ok()) {
          return Status::validation("The provided key element does not match the schema");
        }
        EDDY_RETURN_IF_ERROR(model::validate_item(*item, key_schema));
        write.key = model::extract_key(*item, key_schema);
        write.mutation = storage::Put{std::move(*item)};
      } else {
        EDDY_ASSIGN_OR_RETURN(write.key, read_key(*del, "Key", key_schema));
        write.mutation = storage::Delete{};
      }
      std::string identity = name;
      identity.push_back('\0');
      model::append_key_encoding(write.key.at(key_schema.partition.name), identity);
      if (key_schema.sort) {
        model::append_key_encoding(write.key.at(key_schema.sort->name), identity);
      }
      if (!seen_keys.insert(std::move(identity)).second) {
        return Status::validation("Provided list of item keys contains duplicates");
      }
      batch.table_of_write.push_back(batch.tables.size() - 1);
      batch.unit.writes.push_back(std::move(write));
    }
  }
  return batch;
}

}  // namespace

void batch_write_item(const Json& request, Context& context, Reply reply) {
  auto batch = parse(request, context);
  if (!batch) return fail(reply, batch.status());
  auto shared = std::make_shared<BatchWrite>(std::move(*batch));
  storage::WriteUnit unit = std::move(shared->unit);
  context.engine.submit(
      std::move(unit), [shared, reply = std::move(reply)](storage::WriteResult result) {
        if (!result.status.is_ok()) return reply(ApiError::from_status(result.status));
        for (size_t i = 0; i < result.items.size(); ++i) {
          ConsumedCapacity& consumed = shared->tables[shared->table_of_write[i]].consumed;
          consumed.write_units += item_write_units(result.items[i]);
          add_index_write_units(consumed, result.items[i]);
        }
        rapidjson::StringBuffer buffer;
        JsonWriter writer(buffer);
        writer.StartObject();
        writer.Key("UnprocessedItems");
        writer.StartObject();
        writer.EndObject();
        if (shared->capacity != CapacityDetail::kNone) {
          writer.Key("ConsumedCapacity");
          writer.StartArray();
          for (const auto& table : shared->tables) {
            write_capacity_object(writer, shared->capacity, table.consumed);
          }
          writer.EndArray();
        }
        if (shared->collection_metrics) {
          std::vector<std::string> tables, partition_keys;
          for (size_t i = 0; i < result.items.size(); ++i) {
            const TableWrites& table = shared->tables[shared->table_of_write[i]];
            tables.push_back(table.table);
            partition_keys.push_back(table.partition_key);
          }
          write_collection_metrics_map(writer, tables, partition_keys, result);
        }
        writer.EndObject();
        reply(finish(buffer));
      });
}

}  // namespace eddy::api::dynamodb
