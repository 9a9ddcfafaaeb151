#include "api/dynamodb/item_reads.h"

#include <algorithm>
#include <set>
#include <variant>

#include <fmt/format.h>

#include "api/dynamodb/indexes.h"
#include "expr/evaluator.h"
#include "storage/indexes.h"

namespace eddy::api::dynamodb {

Result<ItemReadRequest> read_item_read_request(const Json& request) {
  ItemReadRequest read;
  EDDY_ASSIGN_OR_RETURN(read.table, read_table_name(request));
  EDDY_ASSIGN_OR_RETURN(auto limit, get_integer(request, "Limit"));
  if (limit) {
    if (*limit < 1) {
      ConstraintErrors errors;
      errors.add(std::to_string(*limit), "limit",
                 "Member must have value greater than or equal to 1");
      return errors.status();
    }
    read.limit = static_cast<size_t>(*limit);
  }
  EDDY_ASSIGN_OR_RETURN(auto consistent, get_bool(request, "ConsistentRead"));
  read.consistent = consistent.value_or(false);
  EDDY_ASSIGN_OR_RETURN(read.capacity, read_capacity_detail(request));
  EDDY_ASSIGN_OR_RETURN(read.exclusive_start_key, read_item(request, "ExclusiveStartKey"));
  EDDY_ASSIGN_OR_RETURN(read.index, get_string(request, "IndexName"));
  if (read.index) {
    ConstraintErrors errors;
    if (read.index->size() < 3) {
      errors.add(*read.index, "indexName", "Member must have length greater than or equal to 3");
    } else if (read.index->size() > 255) {
      errors.add(*read.index, "indexName", "Member must have length less than or equal to 255");
    }
    EDDY_RETURN_IF_ERROR(errors.status());
  }
  EDDY_ASSIGN_OR_RETURN(read.select, get_string(request, "Select"));
  return read;
}

Status check_select(const Json& request, bool has_projection) {
  EDDY_ASSIGN_OR_RETURN(auto select, get_string(request, "Select"));
  const bool on_index = find_member(request, "IndexName") != nullptr;
  if (!select) return {};
  if (*select != "ALL_ATTRIBUTES" && *select != "ALL_PROJECTED_ATTRIBUTES" &&
      *select != "SPECIFIC_ATTRIBUTES" && *select != "COUNT") {
    ConstraintErrors errors;
    errors.add(*select, "select",
               "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, "
               "ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
    return errors.status();
  }
  const bool has_expression = find_member(request, "ProjectionExpression") != nullptr;
  if (*select == "ALL_PROJECTED_ATTRIBUTES" && !on_index) {
    return Status::validation(
        "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  if (*select == "SPECIFIC_ATTRIBUTES") {
    if (!has_projection) {
      return Status::validation(
          "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
          "SPECIFIC_ATTRIBUTES");
    }
    return {};
  }
  if (has_projection) {
    const std::string what = *select == "COUNT" ? "only the Count" : *select;
    return Status::validation(std::string("Cannot specify the ") +
                              (has_expression ? "ProjectionExpression" : "AttributesToGet") +
                              " when choosing to get " + what);
  }
  return {};
}

Status read_filter_and_projection(const Json& request, Context& context, expr::Bindings& bindings,
                                  std::string_view legacy_member, ItemReadRequest& read) {
  EDDY_ASSIGN_OR_RETURN(auto filter_text, get_string(request, "FilterExpression"));
  EDDY_ASSIGN_OR_RETURN(read.filter, compile_condition(context, filter_text,
                                                       expr::ExpressionKind::kFilter, bindings));
  EDDY_ASSIGN_OR_RETURN(auto projection_text, get_string(request, "ProjectionExpression"));
  EDDY_ASSIGN_OR_RETURN(read.projection, compile_projection(context, projection_text, bindings));

  EDDY_ASSIGN_OR_RETURN(auto legacy, read_legacy_conditions(request, legacy_member));
  EDDY_ASSIGN_OR_RETURN(auto conditional_operator, get_string(request, "ConditionalOperator"));
  if (legacy) {
    auto kind = legacy_member == "QueryFilter" ? expr::LegacyConditionKind::kQueryFilter
                                               : expr::LegacyConditionKind::kScanFilter;
    EDDY_ASSIGN_OR_RETURN(auto lowered,
                          expr::lower_conditions(*legacy, conditional_operator, kind));
    if (lowered) read.filter = std::make_shared<expr::Condition>(std::move(*lowered));
  } else if (conditional_operator) {
    return Status::validation(
        "ConditionalOperator cannot be used without Expected or QueryFilter or ScanFilter");
  }
  EDDY_ASSIGN_OR_RETURN(auto attributes_to_get, get_string_list(request, "AttributesToGet"));
  if (attributes_to_get) {
    read.projection =
        std::make_shared<expr::Projection>(expr::lower_attributes_to_get(*attributes_to_get));
  }
  EDDY_ASSIGN_OR_RETURN(auto select, get_string(request, "Select"));
  read.count_only = select && *select == "COUNT";
  Status selected = check_select(request, read.projection != nullptr);
  // Query reports these inside the "1 validation error detected" envelope; Scan does not
  // (docs/research/dynamodb-api.md §1.5).
  if (!selected.is_ok() && legacy_member == "QueryFilter" &&
      selected.message().find("validation error") == std::string::npos) {
    return Status::validation("1 validation error detected: " + selected.message());
  }
  return selected;
}

namespace {

// The first top-level attribute named by an operand or condition that is in `keys`.
const std::string* find_key_attribute(const expr::Operand& operand,
                                      const std::vector<std::string>& keys);

const std::string* find_key_attribute(const expr::Condition& condition,
                                      const std::vector<std::string>& keys) {
  auto in_operands = [&](const std::vector<expr::Operand>& operands) -> const std::string* {
    for (const auto& operand : operands) {
      if (auto* name = find_key_attribute(operand, keys)) return name;
    }
    return nullptr;
  };
  return std::visit(
      [&](const auto& node) -> const std::string* {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, expr::Comparison>) {
          return in_operands({node.lhs, node.rhs});
        } else if constexpr (std::is_same_v<T, expr::Between>) {
          return in_operands({node.value, node.low, node.high});
        } else if constexpr (std::is_same_v<T, expr::In>) {
          if (auto* name = find_key_attribute(node.value, keys)) return name;
          return in_operands(node.candidates);
        } else if constexpr (std::is_same_v<T, expr::ConditionFunction>) {
          return in_operands(node.args);
        } else if constexpr (std::is_same_v<T, expr::Not>) {
          return find_key_attribute(*node.operand, keys);
        } else {  // And, Or
          if (auto* name = find_key_attribute(*node.lhs, keys)) return name;
          return find_key_attribute(*node.rhs, keys);
        }
      },
      condition.v);
}

const std::string* find_key_attribute(const expr::Operand& operand,
                                      const std::vector<std::string>& keys) {
  if (const auto* path = std::get_if<expr::Path>(&operand.v)) {
    if (path->elements.empty()) return nullptr;
    auto it = std::find(keys.begin(), keys.end(), path->elements.front().name);
    return it == keys.end() ? nullptr : &*it;
  }
  if (const auto* call = std::get_if<expr::FunctionCall>(&operand.v)) {
    for (const auto& arg : call->args) {
      if (auto* name = find_key_attribute(arg, keys)) return name;
    }
  }
  if (const auto* arithmetic = std::get_if<expr::Arithmetic>(&operand.v)) {
    if (auto* name = find_key_attribute(*arithmetic->lhs, keys)) return name;
    return find_key_attribute(*arithmetic->rhs, keys);
  }
  return nullptr;
}

}  // namespace

Status resolve_read_target(Context& context, ItemReadRequest& read) {
  if (!read.index) {
    EDDY_ASSIGN_OR_RETURN(read.key_schema, find_key_schema(context, read.table));
    read.table_key_schema = read.key_schema;
    return {};
  }
  EDDY_ASSIGN_OR_RETURN(auto found, context.engine.describe_index(read.table, *read.index));
  storage::IndexDescription& index = found.index;
  read.table_key_schema = found.table_schema;
  if (read.consistent && index.kind == storage::IndexKind::kGlobal) {
    return Status::validation("Consistent reads are not supported on global secondary indexes");
  }
  read.key_schema = index.key_schema;
  if (index.projection != storage::ProjectionType::kAll) {
    auto is_projected = [&](const std::string& name) {
      return storage::projects(index, found.table_schema, name);
    };
    const bool global = index.kind == storage::IndexKind::kGlobal;
    if (read.select == "ALL_ATTRIBUTES") {
      if (global) {
        return Status::validation(
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
            "supported for global secondary index " +
            index.name + " because its projection type is not ALL");
      }
      read.fetch_table_items = true;  // a local index fetches from the table
    }
    if (read.projection) {
      std::vector<std::string> missing;
      for (const auto& path : read.projection->paths) {
        const std::string& name = path.elements.front().name;
        if (!is_projected(name) && std::find(missing.begin(), missing.end(), name) == missing.end())
          missing.push_back(name);
      }
      if (!missing.empty() && global) {
        return Status::validation(fmt::format(
            "One or more parameter values were invalid: Global secondary index {} does not "
            "project [{}]",
            index.name, fmt::join(missing, ", ")));
      }
      if (!missing.empty()) read.fetch_table_items = true;
    }
  }
  read.index_description = std::move(index);
  return {};
}

Status check_start_key(const ItemReadRequest& read) {
  if (!read.exclusive_start_key) return {};
  const model::KeySchema& schema = read.table_key_schema;
  if (read.index_description) {
    // The index key and the table key, exactly (docs/research/secondary-indexes-aws.md §5.5).
    std::set<std::string> names{schema.partition.name, read.key_schema.partition.name};
    if (schema.sort) names.insert(schema.sort->name);
    if (read.key_schema.sort) names.insert(read.key_schema.sort->name);
    const model::Item& key = *read.exclusive_start_key;
    if (key.size() != names.size() ||
        !std::all_of(names.begin(), names.end(), [&](const auto& n) { return key.contains(n); })) {
      return Status::validation("The provided starting key is invalid");
    }
    if (!model::validate_item_key(key, schema).is_ok()) {
      return Status::validation(
          "The provided starting key is invalid: The provided key element does not match the "
          "schema");
    }
    if (!model::validate_item_key(*read.exclusive_start_key, read.key_schema).is_ok()) {
      return Status::validation("The provided key element does not match the schema");
    }
    return {};
  }
  Status valid = model::validate_key(*read.exclusive_start_key, schema);
  if (valid.is_ok()) return {};
  return Status::validation("The provided starting key is invalid: " + valid.message());
}

Status check_filter_avoids_keys(const expr::Condition& filter, const model::KeySchema& schema) {
  std::vector<std::string> keys{schema.partition.name};
  if (schema.sort) keys.push_back(schema.sort->name);
  if (const std::string* name = find_key_attribute(filter, keys)) {
    return Status::validation(
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: " +
        *name);
  }
  return {};
}

std::string item_read_response(const storage::Page& page, const ItemReadRequest& read) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  size_t count = 0;
  if (!read.count_only) {
    writer.Key("Items");
    writer.StartArray();
  }
  for (const auto& item : page.items) {
    if (read.filter && !expr::evaluate(*read.filter, &item)) continue;
    ++count;
    if (!read.count_only) write_item(writer, item, read.projection.get());
  }
  if (!read.count_only) writer.EndArray();
  writer.Key("Count");
  writer.Uint64(count);
  writer.Key("ScannedCount");
  writer.Uint64(page.items.size());
  if (page.last_evaluated_key) {
    writer.Key("LastEvaluatedKey");
    model::encode_item(*page.last_evaluated_key, writer);
  }
  // A Query or Scan is charged for everything it read, filtered or not, rounded up once.
  // On an index, the index is charged; the Table arm stays 0.
  ConsumedCapacity consumed{.table = read.table};
  const double units = read_units(page.bytes_read, read.consistent);
  if (read.index_description) {
    consumed.indexes.push_back({read.index_description->name,
                                read.index_description->kind == storage::IndexKind::kGlobal, units,
                                0});
  } else {
    consumed.read_units = units;
  }
  write_consumed_capacity(writer, read.capacity, consumed);
  writer.EndObject();
  return finish(buffer);
}

}  // namespace eddy::api::dynamodb
