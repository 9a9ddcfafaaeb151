// The response of a single-item write (PutItem, UpdateItem, DeleteItem) from the engine's
// result: ReturnValues, ConsumedCapacity, and ConditionalCheckFailedException with the item
// when ReturnValuesOnConditionCheckFailure asks for it.
#pragma once

#include <memory>
#include <string>

#include "api/dynamodb/common.h"

namespace eddy::api::dynamodb {

struct WriteResponse {
  std::string table;
  ReturnValues return_values = ReturnValues::kNone;
  bool old_on_condition_failure = false;
  CapacityDetail capacity = CapacityDetail::kNone;
  bool collection_metrics = false;  // ReturnItemCollectionMetrics SIZE
  std::string partition_key;        // the table's partition key attribute
  // UPDATED_OLD / UPDATED_NEW: the paths the update wrote.
  std::shared_ptr<const expr::Projection> updated_paths;
};

// A single-item write, parsed and validated: what PutItem, UpdateItem and DeleteItem submit,
// and what TransactWriteItems gathers into one unit.
struct ParsedWrite {
  storage::ItemWrite write;
  WriteResponse response;
};
// What PutItem and DeleteItem read alike: ReturnValues (NONE or ALL_OLD),
// ReturnValuesOnConditionCheckFailure, ReturnConsumedCapacity into `response`, and the condition
// (ConditionExpression or Expected), with the bindings checked. The table name must be set.
Result<std::shared_ptr<const expr::Condition>> read_put_or_delete_options(const Json& request,
                                                                          Context& context,
                                                                          WriteResponse& response);

Result<ParsedWrite> parse_put(const Json& request, Context& context);
Result<ParsedWrite> parse_update(const Json& request, Context& context);
Result<ParsedWrite> parse_delete(const Json& request, Context& context);

// Submits one parsed write and replies with write_outcome().
void submit_item_write(Context& context, Result<ParsedWrite> parsed, Reply reply);

Outcome write_outcome(const storage::WriteResult& result, const WriteResponse& response);

// ReturnItemCollectionMetrics: SIZE (true) or NONE.
Result<bool> read_collection_metrics(const Json& request);
// One ItemCollectionMetrics object: {"ItemCollectionKey": {<partition key>: ..},
// "SizeEstimateRangeGB": [low, high]}, or nothing when the write's table has no local index
// (DynamoDB then omits it).
void write_collection_metrics(JsonWriter& writer, const std::string& partition_key,
                              const storage::ItemWriteResult& result);
// "ItemCollectionMetrics": {<table>: [...]} of BatchWriteItem and TransactWriteItems, for the
// writes whose tables have a local index; `partition_keys[i]` is write i's table's.
void write_collection_metrics_map(JsonWriter& writer, const std::vector<std::string>& tables,
                                  const std::vector<std::string>& partition_keys,
                                  const storage::WriteResult& result);

// Write capacity of one item write: the larger of the old and the new item, per 1 KB.
double item_write_units(const storage::ItemWriteResult& result);

// The paths an update writes (SET, REMOVE, ADD and DELETE targets), as a projection.
expr::Projection updated_paths(const expr::Update& update);

}  // namespace eddy::api::dynamodb
