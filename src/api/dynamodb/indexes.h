// Secondary indexes in the DynamoDB API: reading and checking index definitions (CreateTable's
// GlobalSecondaryIndexes and LocalSecondaryIndexes, UpdateTable's GSI Create), writing their
// descriptions. AWS's behaviour and messages, with sources:
// docs/research/secondary-indexes-aws.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/dynamodb/common.h"
#include "storage/types.h"

namespace eddy::api::dynamodb {

// DynamoDB's per-table limits (API_CreateTable.html).
inline constexpr size_t kMaxGlobalIndexes = 20;
inline constexpr size_t kMaxLocalIndexes = 5;
inline constexpr size_t kMaxProjectedAttributes = 100;  // INCLUDE's, summed over all indexes

// One element of a KeySchema as the request gave it.
struct KeyElement {
  std::string name;
  std::string type;  // HASH | RANGE (anything else was reported as a constraint error)
};

// Reads the AttributeDefinitions member (nullopt when absent); constraint errors go to `errors`.
Result<std::optional<std::vector<storage::AttributeDefinition>>> read_attribute_definitions(
    const Json& request, ConstraintErrors& errors);

// Reads a KeySchema array member; constraint errors go to `errors` under `path`.
Result<std::vector<KeyElement>> read_key_elements(const Json& object, std::string_view member,
                                                  std::string_view path, size_t max_elements,
                                                  ConstraintErrors& errors);

// CreateTable's GlobalSecondaryIndexes and LocalSecondaryIndexes, checked against the table's
// key schema, the request's AttributeDefinitions and billing mode, in DynamoDB's order. The
// constraint errors of their members go to `errors`; the rest are returned.
struct CreateTableIndexes {
  const Json* global = nullptr;  // the members, when present
  const Json* local = nullptr;
};
Result<CreateTableIndexes> find_create_table_indexes(const Json& request);
Result<std::vector<storage::IndexSpec>> read_create_table_indexes(
    const CreateTableIndexes& members, const model::KeySchema& table_key,
    const std::vector<storage::AttributeDefinition>& definitions, bool on_demand,
    ConstraintErrors& errors);

// UpdateTable's GlobalSecondaryIndexUpdates[].Create, checked against the table and the
// request's AttributeDefinitions (which UpdateTable sends as a delta).
Result<storage::IndexSpec> read_index_create(
    const Json& create, const storage::TableDescription& table,
    const std::optional<std::vector<storage::AttributeDefinition>>& definitions, bool on_demand);

// Writes GlobalSecondaryIndexes and LocalSecondaryIndexes of a TableDescription (nothing when
// the table has none). `creating`: the table is reported CREATING, and its indexes with it.
void write_index_descriptions(JsonWriter& writer, const storage::TableDescription& table,
                              const Context& context, bool creating);

}  // namespace eddy::api::dynamodb
