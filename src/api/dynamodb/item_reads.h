// What Query and Scan share: Select, Limit, ExclusiveStartKey, the filter and the projection,
// and the response (Items or Count, ScannedCount, LastEvaluatedKey, ConsumedCapacity).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "api/dynamodb/common.h"

namespace eddy::api::dynamodb {

// DynamoDB reads at most 1 MB of items per Query or Scan page, before filtering.
inline constexpr size_t kMaxPageBytes = 1 << 20;

struct ItemReadRequest {
  std::string table;
  std::optional<std::string> index;  // IndexName
  size_t limit = 0;                  // 0: no Limit given
  bool consistent = false;
  bool count_only = false;  // Select COUNT
  CapacityDetail capacity = CapacityDetail::kNone;
  std::optional<model::Item> exclusive_start_key;
  std::shared_ptr<const expr::Condition> filter;
  std::shared_ptr<const expr::Projection> projection;
  std::optional<std::string> select;
  // Resolved by resolve_read_target():
  model::KeySchema table_key_schema;
  model::KeySchema key_schema;  // of the table, or of the index read
  std::optional<storage::IndexDescription> index_description;
  bool fetch_table_items = false;  // a local index asked for attributes it does not project
};

// Reads the members common to Query and Scan, up to (not including) the expressions.
Result<ItemReadRequest> read_item_read_request(const Json& request);

// Resolves Select against the projection once both are known.
Status check_select(const Json& request, bool has_projection);

// FilterExpression (or the legacy filter `legacy_member`, QueryFilter or ScanFilter, with
// ConditionalOperator), ProjectionExpression or AttributesToGet.
Status read_filter_and_projection(const Json& request, Context& context, expr::Bindings& bindings,
                                  std::string_view legacy_member, ItemReadRequest& read);

// The table or index the read goes to: its key schema, and on an index the checks of Select,
// ProjectionExpression and ConsistentRead against what the index projects.
Status resolve_read_target(Context& context, ItemReadRequest& read);

// ExclusiveStartKey, when given, must be a key of the table (on an index: the index key and the
// table key).
Status check_start_key(const ItemReadRequest& read);

// Query's FilterExpression may not name key attributes
// ("Filter Expression can only contain non-primary key attributes: Primary key attribute: pk").
Status check_filter_avoids_keys(const expr::Condition& filter, const model::KeySchema& schema);

// The response for one page of items read.
std::string item_read_response(const storage::Page& page, const ItemReadRequest& read);

}  // namespace eddy::api::dynamodb
