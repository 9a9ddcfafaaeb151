// Pieces that several DynamoDB operations share: request members with the same meaning in every
// operation (TableName, Key, ExpressionAttributeNames/Values, ReturnValues,
// ReturnConsumedCapacity), capacity units, and the TableDescription.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/dynamodb/operation.h"
#include "expr/ast.h"
#include "expr/legacy.h"
#include "expr/parser.h"
#include "expr/resolver.h"
#include "model/json_codec.h"
#include "storage/types.h"

namespace eddy::api::dynamodb {

// AWS's constraint errors, collected and reported together:
// "2 validation errors detected: Value 'ab' at 'tableName' failed to satisfy constraint: ...;
// Value ...".
class ConstraintErrors {
 public:
  // `value` as AWS quotes it: the text itself, or "null".
  void add(std::string_view value, std::string_view member, std::string_view constraint);
  void add_null(std::string_view member) { add_raw("null", member, "Member must not be null"); }
  bool empty() const { return errors_.empty(); }
  // Adds `other`'s errors after these (to report members in the order AWS does).
  void append(const ConstraintErrors& other) {
    errors_.insert(errors_.end(), other.errors_.begin(), other.errors_.end());
  }
  Status status() const;  // OK when there are none

 private:
  void add_raw(std::string value, std::string_view member, std::string_view constraint);
  std::vector<std::string> errors_;
};

// TableName: length 3-255, [a-zA-Z0-9_.-]+. `member` is the constraint path ("tableName").
void check_table_name(const std::optional<std::string>& name, std::string_view member,
                      ConstraintErrors& errors);
// A required TableName member, checked. CreateTable, DescribeTable and DeleteTable report a bad
// length with their own message (docs/research/dynamodb-api.md §2).
enum class TableNameCheck { kItemOperation, kTableOperation };
// With `collected`, a bad pattern is added there (to be reported with the request's other
// constraint errors) instead of failing at once.
Result<std::string> read_table_name(const Json& request,
                                    TableNameCheck check = TableNameCheck::kItemOperation,
                                    ConstraintErrors* collected = nullptr);

// The key schema of an item operation's table, or ResourceNotFoundException.
Result<model::KeySchema> find_key_schema(Context& context, std::string_view name);

// The table, or ResourceNotFoundException: "Requested resource not found" for item operations,
// with ": Table: <name> not found" for table operations (`name_in_message`).
Result<storage::TableDescription> find_table(Context& context, std::string_view name,
                                             bool name_in_message = false);

std::string table_arn(const Context& context, std::string_view table);
// The table name in a table ARN of this region and account; kValidation otherwise.
Result<std::string> table_from_arn(const Context& context, std::string_view arn);

// ExpressionAttributeNames and ExpressionAttributeValues, checked as DynamoDB checks them
// before any expression: not empty, valid placeholders, valid values.
Result<expr::Bindings> read_bindings(const Json& request);
// `names` and `values` of a request that uses no expression at all: DynamoDB refuses them.
// `expressions` lists the expression members the operation has, for the message.
Status refuse_unused_bindings(const Json& request, std::string_view expressions);

// Parses (through the cache) and resolves one expression; nullptr when `text` is not given.
Result<std::shared_ptr<const expr::Condition>> compile_condition(
    Context& context, const std::optional<std::string>& text, expr::ExpressionKind kind,
    expr::Bindings& bindings);
Result<std::shared_ptr<const expr::Update>> compile_update(Context& context,
                                                           const std::optional<std::string>& text,
                                                           expr::Bindings& bindings);
Result<std::shared_ptr<const expr::Projection>> compile_projection(
    Context& context, const std::optional<std::string>& text, expr::Bindings& bindings);

// The members of `request` among `names` that are present, in the order of `names` (for the
// "expression and non-expression parameters" check).
std::vector<std::string> present_members(const Json& request,
                                         std::initializer_list<const char*> names);
// A legacy condition map (Expected, QueryFilter, ScanFilter, KeyConditions); nullopt if absent.
Result<std::optional<std::vector<expr::LegacyCondition>>> read_legacy_conditions(
    const Json& request, std::string_view member);
// A write's condition: ConditionExpression, or Expected with ConditionalOperator (null: none).
Result<std::shared_ptr<const expr::Condition>> read_write_condition(Context& context,
                                                                    const Json& request,
                                                                    expr::Bindings& bindings);

// The engine's condition for a compiled ConditionExpression (null: no condition).
storage::ConditionFn condition_fn(std::shared_ptr<const expr::Condition> condition);

// A Key member decoded and checked against the schema (exactly the key attributes).
Result<model::Item> read_key(const Json& request, std::string_view member,
                             const model::KeySchema& schema);
// An AttributeValue map member (Item, ExclusiveStartKey, ...); nullopt when absent.
Result<std::optional<model::Item>> read_item(const Json& request, std::string_view member);

enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };
// ReturnValues: `allowed` are the values the operation accepts; others get DynamoDB's message.
Result<ReturnValues> read_return_values(const Json& request,
                                        std::initializer_list<ReturnValues> allowed);
// ReturnValuesOnConditionCheckFailure: true for ALL_OLD.
Result<bool> read_return_old_on_condition_failure(const Json& request);

// ---- consumed capacity ----
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
enum class CapacityDetail { kNone, kTotal, kIndexes };
Result<CapacityDetail> read_capacity_detail(const Json& request);
// Read units for `bytes` read: one per 4 KB (at least one), half when eventually consistent.
double read_units(size_t bytes, bool consistent);
// Write units for an item of `bytes`: one per 1 KB, at least one.
double write_units(size_t bytes);

struct IndexCapacity {
  std::string index;
  bool global = true;
  double read_units = 0;
  double write_units = 0;
};
struct ConsumedCapacity {
  std::string table;
  // The table's own units (the "Table" arm); the total adds the indexes'.
  double read_units = 0;
  double write_units = 0;
  std::vector<IndexCapacity> indexes;  // only indexes that were read or written
};
// Adds what one item write cost its indexes (index writes are charged on the index entry, one
// unit per 1 KB each, times `factor`: 2 in a transaction as for the table).
void add_index_write_units(ConsumedCapacity& consumed, const storage::ItemWriteResult& result,
                           double factor = 1);
// Writes "ConsumedCapacity": {...} (one table) when `detail` asks for it.
void write_consumed_capacity(JsonWriter& writer, CapacityDetail detail,
                             const ConsumedCapacity& consumed);
// Writes one ConsumedCapacity object (for the arrays of batch and transaction operations).
void write_capacity_object(JsonWriter& writer, CapacityDetail detail,
                           const ConsumedCapacity& consumed);

// ---- table descriptions ----
// Uninterpreted table properties the API keeps in the catalog (storage::TableSpec::properties).
namespace property {
inline constexpr const char* kBillingMode = "billing_mode";  // PROVISIONED | PAY_PER_REQUEST
inline constexpr const char* kReadCapacity = "read_capacity";
inline constexpr const char* kWriteCapacity = "write_capacity";
inline constexpr const char* kTableId = "table_id";
inline constexpr const char* kTags = "tags";  // JSON [{"Key":..,"Value":..}]
inline constexpr const char* kDeletionProtection = "deletion_protection";  // "true" | "false"
inline constexpr const char* kTableClass = "table_class";
}  // namespace property

// A KeySchema array: [{"AttributeName": .., "KeyType": "HASH"}, {.., "RANGE"}].
void write_key_schema(JsonWriter& writer, const model::KeySchema& schema);

// "ProvisionedThroughput": {NumberOfDecreasesToday, ReadCapacityUnits, WriteCapacityUnits} of a
// table or a global index (0 and 0 on demand).
void write_provisioned_throughput(JsonWriter& writer, int64_t read, int64_t write);

// A "Limit" constraint: 1 to `max`.
void check_limit(const std::optional<int64_t>& limit, int64_t max, ConstraintErrors& errors);

// A TableDescription object as DescribeTable, CreateTable, UpdateTable and DeleteTable return
// it, with the given TableStatus.
void write_table_description(JsonWriter& writer, const storage::TableDescription& table,
                             const Context& context, std::string_view status);

// An item, or an item projected when `projection` is given.
void write_item(JsonWriter& writer, const model::Item& item,
                const expr::Projection* projection = nullptr);

// The finished JSON of a writer's buffer.
inline std::string finish(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Replies with the error of a non-OK Status.
inline void fail(Reply& reply, const Status& status) {
  reply(ApiError::from_status(status));
}

// Replies with a response body, or with the error that prevented it.
inline void answer(Reply& reply, Result<std::string> response) {
  if (!response) return fail(reply, response.status());
  reply(std::move(*response));
}

// {"<member>": TableDescription}: the response of CreateTable, DescribeTable, UpdateTable and
// DeleteTable, with the TableStatus each reports.
std::string table_description_response(std::string_view member,
                                       const storage::TableDescription& table,
                                       const Context& context, std::string_view status);

// RequestItems of BatchGetItem and BatchWriteItem: required, not empty.
Result<const Json*> read_request_items(const Json& request);

// TransactItems of TransactGetItems and TransactWriteItems: required, 1 to 100 actions.
Result<const Json*> read_transact_items(const Json& request);

}  // namespace eddy::api::dynamodb
