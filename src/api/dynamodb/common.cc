#include "api/dynamodb/common.h"

#include <fmt/format.h>

#include <cmath>

#include "api/dynamodb/indexes.h"
#include "expr/evaluator.h"
#include "model/key_schema.h"

namespace eddy::api::dynamodb {

namespace {

bool is_table_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

const char* return_values_name(ReturnValues value) {
  switch (value) {
    case ReturnValues::kNone:
      return "NONE";
    case ReturnValues::kAllOld:
      return "ALL_OLD";
    case ReturnValues::kUpdatedOld:
      return "UPDATED_OLD";
    case ReturnValues::kAllNew:
      return "ALL_NEW";
    case ReturnValues::kUpdatedNew:
      return "UPDATED_NEW";
  }
  return "NONE";
}

}  // namespace

void ConstraintErrors::add(std::string_view value, std::string_view member,
                           std::string_view constraint) {
  add_raw(fmt::format("'{}'", value), member, constraint);
}

void ConstraintErrors::add_raw(std::string value, std::string_view member,
                               std::string_view constraint) {
  errors_.push_back(
      fmt::format("Value {} at '{}' failed to satisfy constraint: {}", value, member, constraint));
}

Status ConstraintErrors::status() const {
  if (errors_.empty()) return {};
  return Status::validation(fmt::format("{} validation error{} detected: {}", errors_.size(),
                                        errors_.size() == 1 ? "" : "s", fmt::join(errors_, "; ")));
}

void check_table_name(const std::optional<std::string>& name, std::string_view member,
                      ConstraintErrors& errors) {
  if (!name) {
    errors.add_null(member);
    return;
  }
  bool valid_chars = !name->empty();
  for (char c : *name)
    valid_chars = valid_chars && is_table_name_char(c);
  if (!valid_chars) {
    errors.add(*name, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
  if (name->size() < 3) {
    errors.add(*name, member, "Member must have length greater than or equal to 3");
  } else if (name->size() > 255) {
    errors.add(*name, member, "Member must have length less than or equal to 255");
  }
}

Result<std::string> read_table_name(const Json& request, TableNameCheck check,
                                    ConstraintErrors* collected) {
  EDDY_ASSIGN_OR_RETURN(auto name, get_string(request, "TableName"));
  if (!name) {
    return Status::validation(
        "The parameter 'TableName' is required but was not present in the request");
  }
  if (check == TableNameCheck::kTableOperation && (name->size() < 3 || name->size() > 255)) {
    return Status::validation(
        "TableName must be at least 3 characters long and at most 255 characters long");
  }
  if (collected) {
    check_table_name(name, "tableName", *collected);
    return std::move(*name);
  }
  ConstraintErrors errors;
  check_table_name(name, "tableName", errors);
  EDDY_RETURN_IF_ERROR(errors.status());
  return std::move(*name);
}

Result<model::KeySchema> find_key_schema(Context& context, std::string_view name) {
  auto schema = context.engine.key_schema(name);
  if (!schema && schema.status().code() == Code::kNotFound) {
    return Status::not_found("Requested resource not found");
  }
  return schema;
}

Result<storage::TableDescription> find_table(Context& context, std::string_view name,
                                             bool name_in_message) {
  auto table = context.engine.describe_table(name);
  if (!table && table.status().code() == Code::kNotFound) {
    if (name_in_message) {
      return Status::not_found(
          fmt::format("Requested resource not found: Table: {} not found", name));
    }
    return Status::not_found("Requested resource not found");
  }
  return table;
}

std::string table_arn(const Context& context, std::string_view table) {
  return fmt::format("arn:aws:dynamodb:{}:{}:table/{}", context.settings.region,
                     context.settings.account_id, table);
}

Result<std::string> table_from_arn(const Context& context, std::string_view arn) {
  const std::string prefix = table_arn(context, "");
  if (arn.substr(0, prefix.size()) != prefix || arn.size() == prefix.size() ||
      arn.find('/', prefix.size()) != std::string_view::npos) {
    return Status::validation(
        fmt::format("Invalid TableArn: Invalid ResourceArn provided as input {}", arn));
  }
  return std::string(arn.substr(prefix.size()));
}

Result<expr::Bindings> read_bindings(const Json& request) {
  expr::Bindings bindings;
  EDDY_ASSIGN_OR_RETURN(auto names, get_string_map(request, "ExpressionAttributeNames"));
  if (names) {
    if (names->empty()) return Status::validation("ExpressionAttributeNames must not be empty");
    for (auto& [key, value] : *names)
      bindings.names.emplace(std::move(key), std::move(value));
  }
  EDDY_ASSIGN_OR_RETURN(const Json* values, get_object(request, "ExpressionAttributeValues"));
  if (values) {
    if (values->MemberCount() == 0) {
      return Status::validation("ExpressionAttributeValues must not be empty");
    }
    EDDY_RETURN_IF_ERROR(expr::check_binding_keys(bindings));
    for (const auto& member : values->GetObject()) {
      std::string key(member.name.GetString(), member.name.GetStringLength());
      EDDY_ASSIGN_OR_RETURN(auto value, model::decode_attribute_value(member.value));
      bindings.values.emplace(std::move(key), std::move(value));
    }
  }
  EDDY_RETURN_IF_ERROR(expr::check_binding_keys(bindings));
  return bindings;
}

Status refuse_unused_bindings(const Json& request, std::string_view expressions) {
  if (find_member(request, "ExpressionAttributeNames")) {
    return Status::validation(
        "ExpressionAttributeNames can only be specified when using expressions");
  }
  if (find_member(request, "ExpressionAttributeValues")) {
    return Status::validation(fmt::format(
        "ExpressionAttributeValues can only be specified when using expressions: {}", expressions));
  }
  return {};
}

Result<std::shared_ptr<const expr::Condition>> compile_condition(
    Context& context, const std::optional<std::string>& text, expr::ExpressionKind kind,
    expr::Bindings& bindings) {
  if (!text) return std::shared_ptr<const expr::Condition>();
  EDDY_ASSIGN_OR_RETURN(auto parsed, context.expressions.condition(*text, kind));
  EDDY_ASSIGN_OR_RETURN(auto resolved, expr::resolve_condition(*parsed, kind, bindings));
  return std::shared_ptr<const expr::Condition>(
      std::make_shared<expr::Condition>(std::move(resolved)));
}

Result<std::shared_ptr<const expr::Update>> compile_update(Context& context,
                                                           const std::optional<std::string>& text,
                                                           expr::Bindings& bindings) {
  if (!text) return std::shared_ptr<const expr::Update>();
  EDDY_ASSIGN_OR_RETURN(auto parsed, context.expressions.update(*text));
  EDDY_ASSIGN_OR_RETURN(auto resolved, expr::resolve_update(*parsed, bindings));
  return std::shared_ptr<const expr::Update>(std::make_shared<expr::Update>(std::move(resolved)));
}

Result<std::shared_ptr<const expr::Projection>> compile_projection(
    Context& context, const std::optional<std::string>& text, expr::Bindings& bindings) {
  if (!text) return std::shared_ptr<const expr::Projection>();
  EDDY_ASSIGN_OR_RETURN(auto parsed, context.expressions.projection(*text));
  EDDY_ASSIGN_OR_RETURN(auto resolved, expr::resolve_projection(*parsed, bindings));
  return std::shared_ptr<const expr::Projection>(
      std::make_shared<expr::Projection>(std::move(resolved)));
}

std::vector<std::string> present_members(const Json& request,
                                         std::initializer_list<const char*> names) {
  std::vector<std::string> present;
  for (const char* name : names) {
    if (find_member(request, name)) present.emplace_back(name);
  }
  return present;
}

Result<std::optional<std::vector<expr::LegacyCondition>>> read_legacy_conditions(
    const Json& request, std::string_view member) {
  using Conditions = std::vector<expr::LegacyCondition>;
  EDDY_ASSIGN_OR_RETURN(const Json* map, get_object(request, member));
  if (!map) return std::optional<Conditions>();
  Conditions conditions;
  for (const auto& entry : map->GetObject()) {
    EDDY_RETURN_IF_ERROR(expect_object(entry.value, member));
    expr::LegacyCondition condition;
    condition.attribute.assign(entry.name.GetString(), entry.name.GetStringLength());
    EDDY_ASSIGN_OR_RETURN(condition.comparison_operator,
                          get_string(entry.value, "ComparisonOperator"));
    EDDY_ASSIGN_OR_RETURN(condition.exists, get_bool(entry.value, "Exists"));
    if (const Json* value = find_member(entry.value, "Value")) {
      EDDY_ASSIGN_OR_RETURN(auto decoded, model::decode_attribute_value(*value));
      condition.value = std::move(decoded);
    }
    EDDY_ASSIGN_OR_RETURN(const Json* list, get_array(entry.value, "AttributeValueList"));
    if (list) {
      for (const auto& element : list->GetArray()) {
        EDDY_ASSIGN_OR_RETURN(auto decoded, model::decode_attribute_value(element));
        condition.values.push_back(std::move(decoded));
      }
    }
    conditions.push_back(std::move(condition));
  }
  return std::optional<Conditions>(std::move(conditions));
}

Result<std::shared_ptr<const expr::Condition>> read_write_condition(Context& context,
                                                                    const Json& request,
                                                                    expr::Bindings& bindings) {
  EDDY_ASSIGN_OR_RETURN(auto text, get_string(request, "ConditionExpression"));
  if (text) return compile_condition(context, text, expr::ExpressionKind::kCondition, bindings);
  EDDY_ASSIGN_OR_RETURN(auto expected, read_legacy_conditions(request, "Expected"));
  EDDY_ASSIGN_OR_RETURN(auto conditional_operator, get_string(request, "ConditionalOperator"));
  if (!expected) {
    if (conditional_operator) {
      return Status::validation(
          "ConditionalOperator cannot be used without Expected or QueryFilter or ScanFilter");
    }
    return std::shared_ptr<const expr::Condition>();
  }
  EDDY_ASSIGN_OR_RETURN(auto lowered, expr::lower_conditions(*expected, conditional_operator,
                                                             expr::LegacyConditionKind::kExpected));
  if (!lowered) return std::shared_ptr<const expr::Condition>();
  return std::shared_ptr<const expr::Condition>(
      std::make_shared<expr::Condition>(std::move(*lowered)));
}

storage::ConditionFn condition_fn(std::shared_ptr<const expr::Condition> condition) {
  if (!condition) return {};
  return [condition = std::move(condition)](const model::Item* current) -> Status {
    if (expr::evaluate(*condition, current)) return {};
    return Status::condition_failed("The conditional request failed");
  };
}

Result<std::optional<model::Item>> read_item(const Json& request, std::string_view member) {
  EDDY_ASSIGN_OR_RETURN(const Json* json, get_object(request, member));
  if (!json) return std::optional<model::Item>();
  EDDY_ASSIGN_OR_RETURN(auto item, model::decode_item(*json));
  return std::optional<model::Item>(std::move(item));
}

Result<model::Item> read_key(const Json& request, std::string_view member,
                             const model::KeySchema& schema) {
  EDDY_ASSIGN_OR_RETURN(auto key, read_item(request, member));
  if (!key) {
    ConstraintErrors errors;
    errors.add_null(member == "Key" ? "key" : member);
    return errors.status();
  }
  EDDY_RETURN_IF_ERROR(model::validate_key(*key, schema));
  return std::move(*key);
}

Result<ReturnValues> read_return_values(const Json& request,
                                        std::initializer_list<ReturnValues> allowed) {
  EDDY_ASSIGN_OR_RETURN(auto text, get_string(request, "ReturnValues"));
  if (!text) return ReturnValues::kNone;
  std::optional<ReturnValues> value;
  for (auto candidate : {ReturnValues::kNone, ReturnValues::kAllOld, ReturnValues::kUpdatedOld,
                         ReturnValues::kAllNew, ReturnValues::kUpdatedNew}) {
    if (*text == return_values_name(candidate)) value = candidate;
  }
  if (!value) {
    ConstraintErrors errors;
    errors.add(*text, "returnValues",
               "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, "
               "UPDATED_NEW]");
    return errors.status();
  }
  for (auto candidate : allowed) {
    if (candidate == *value) return *value;
  }
  return Status::validation("ReturnValues can only be ALL_OLD or NONE");
}

Result<bool> read_return_old_on_condition_failure(const Json& request) {
  EDDY_ASSIGN_OR_RETURN(auto text, get_string(request, "ReturnValuesOnConditionCheckFailure"));
  if (!text || *text == "NONE") return false;
  if (*text == "ALL_OLD") return true;
  ConstraintErrors errors;
  errors.add(*text, "returnValuesOnConditionCheckFailure",
             "Member must satisfy enum value set: [ALL_OLD, NONE]");
  return errors.status();
}

Result<CapacityDetail> read_capacity_detail(const Json& request) {
  EDDY_ASSIGN_OR_RETURN(auto text, get_string(request, "ReturnConsumedCapacity"));
  if (!text || *text == "NONE") return CapacityDetail::kNone;
  if (*text == "TOTAL") return CapacityDetail::kTotal;
  if (*text == "INDEXES") return CapacityDetail::kIndexes;
  ConstraintErrors errors;
  errors.add(*text, "returnConsumedCapacity",
             "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]");
  return errors.status();
}

double read_units(size_t bytes, bool consistent) {
  double units = std::max<double>(1, std::ceil(static_cast<double>(bytes) / 4096.0));
  return consistent ? units : units / 2;
}

double write_units(size_t bytes) {
  return std::max<double>(1, std::ceil(static_cast<double>(bytes) / 1024.0));
}

void add_index_write_units(ConsumedCapacity& consumed, const storage::ItemWriteResult& result,
                           double factor) {
  for (const auto& write : result.index_writes) {
    auto it = std::find_if(consumed.indexes.begin(), consumed.indexes.end(),
                           [&](const IndexCapacity& c) { return c.index == write.index; });
    if (it == consumed.indexes.end()) {
      it = consumed.indexes.insert(
          consumed.indexes.end(),
          IndexCapacity{write.index, write.kind == storage::IndexKind::kGlobal, 0, 0});
    }
    for (size_t bytes : write.entry_bytes)
      it->write_units += factor * write_units(bytes);
  }
}

void write_capacity_object(JsonWriter& writer, CapacityDetail detail,
                           const ConsumedCapacity& consumed) {
  double total_read = consumed.read_units, total_write = consumed.write_units;
  for (const auto& index : consumed.indexes) {
    total_read += index.read_units;
    total_write += index.write_units;
  }
  // The read/write split appears with INDEXES (docs/research/dynamodb-api.md §4.1).
  auto write_units_of = [&](double read, double write) {
    writer.StartObject();
    writer.Key("CapacityUnits");
    writer.Double(read + write);
    if (read > 0) {
      writer.Key("ReadCapacityUnits");
      writer.Double(read);
    }
    if (write > 0) {
      writer.Key("WriteCapacityUnits");
      writer.Double(write);
    }
    writer.EndObject();
  };
  writer.StartObject();
  writer.Key("TableName");
  write_string(writer, consumed.table);
  writer.Key("CapacityUnits");
  writer.Double(total_read + total_write);
  if (detail == CapacityDetail::kIndexes) {
    if (total_read > 0) {
      writer.Key("ReadCapacityUnits");
      writer.Double(total_read);
    }
    if (total_write > 0) {
      writer.Key("WriteCapacityUnits");
      writer.Double(total_write);
    }
    writer.Key("Table");
    write_units_of(consumed.read_units, consumed.write_units);
    for (bool global : {false, true}) {
      bool any = false;
      for (const auto& index : consumed.indexes) {
        if (index.global != global) continue;
        if (!any) {
          writer.Key(global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
          writer.StartObject();
          any = true;
        }
        write_key(writer, index.index);
        write_units_of(index.read_units, index.write_units);
      }
      if (any) writer.EndObject();
    }
  }
  writer.EndObject();
}

void write_consumed_capacity(JsonWriter& writer, CapacityDetail detail,
                             const ConsumedCapacity& consumed) {
  if (detail == CapacityDetail::kNone) return;
  writer.Key("ConsumedCapacity");
  write_capacity_object(writer, detail, consumed);
}

void write_key_schema(JsonWriter& writer, const model::KeySchema& schema) {
  writer.StartArray();
  auto key_element = [&](const model::KeyAttribute& attribute, const char* type) {
    writer.StartObject();
    writer.Key("AttributeName");
    write_string(writer, attribute.name);
    writer.Key("KeyType");
    writer.String(type);
    writer.EndObject();
  };
  key_element(schema.partition, "HASH");
  if (schema.sort) key_element(*schema.sort, "RANGE");
  writer.EndArray();
}

void check_limit(const std::optional<int64_t>& limit, int64_t max, ConstraintErrors& errors) {
  if (limit && *limit < 1) {
    errors.add(std::to_string(*limit), "limit",
               "Member must have value greater than or equal to 1");
  } else if (limit && *limit > max) {
    errors.add(std::to_string(*limit), "limit",
               fmt::format("Member must have value less than or equal to {}", max));
  }
}

void write_provisioned_throughput(JsonWriter& writer, int64_t read, int64_t write) {
  writer.Key("ProvisionedThroughput");
  writer.StartObject();
  writer.Key("NumberOfDecreasesToday");
  writer.Int(0);
  writer.Key("ReadCapacityUnits");
  writer.Int64(read);
  writer.Key("WriteCapacityUnits");
  writer.Int64(write);
  writer.EndObject();
}

void write_table_description(JsonWriter& writer, const storage::TableDescription& table,
                             const Context& context, std::string_view status) {
  auto property = [&](const char* name) -> std::string {
    auto it = table.properties.find(name);
    return it == table.properties.end() ? std::string() : it->second;
  };
  writer.StartObject();
  writer.Key("TableName");
  write_string(writer, table.name);
  writer.Key("TableArn");
  write_string(writer, table_arn(context, table.name));
  if (auto id = property(property::kTableId); !id.empty()) {
    writer.Key("TableId");
    write_string(writer, id);
  }
  writer.Key("TableStatus");
  write_string(writer, status);
  writer.Key("CreationDateTime");
  writer.Double(static_cast<double>(table.creation_ms) / 1000.0);

  writer.Key("AttributeDefinitions");
  writer.StartArray();
  for (const auto& definition : table.attribute_definitions) {
    writer.StartObject();
    writer.Key("AttributeName");
    write_string(writer, definition.name);
    writer.Key("AttributeType");
    writer.String(model::key_type_name(definition.type));
    writer.EndObject();
  }
  writer.EndArray();

  writer.Key("KeySchema");
  write_key_schema(writer, table.key_schema);
  write_index_descriptions(writer, table, context, status == "CREATING");

  const std::string billing_mode = property(property::kBillingMode);
  const bool on_demand = billing_mode == "PAY_PER_REQUEST";
  write_provisioned_throughput(
      writer, on_demand ? 0 : std::atoll(property(property::kReadCapacity).c_str()),
      on_demand ? 0 : std::atoll(property(property::kWriteCapacity).c_str()));
  if (!billing_mode.empty()) {
    writer.Key("BillingModeSummary");
    writer.StartObject();
    writer.Key("BillingMode");
    write_string(writer, billing_mode);
    writer.Key("LastUpdateToPayPerRequestDateTime");
    writer.Double(static_cast<double>(table.creation_ms) / 1000.0);
    writer.EndObject();
  }

  writer.Key("TableSizeBytes");
  writer.Uint64(table.size_bytes);
  writer.Key("ItemCount");
  writer.Uint64(table.item_count);
  writer.Key("DeletionProtectionEnabled");
  writer.Bool(property(property::kDeletionProtection) == "true");
  if (auto table_class = property(property::kTableClass); !table_class.empty()) {
    writer.Key("TableClassSummary");
    writer.StartObject();
    writer.Key("TableClass");
    write_string(writer, table_class);
    writer.EndObject();
  }

  if (table.stream.enabled) {
    writer.Key("StreamSpecification");
    writer.StartObject();
    writer.Key("StreamEnabled");
    writer.Bool(true);
    writer.Key("StreamViewType");
    writer.String(storage::stream_view_type_name(table.stream.view_type));
    writer.EndObject();
  }
  if (table.latest_stream_id) {
    auto stream = context.engine.describe_stream(*table.latest_stream_id);
    if (stream) {
      writer.Key("LatestStreamLabel");
      write_string(writer, stream->label);
      writer.Key("LatestStreamArn");
      write_string(writer,
                   fmt::format("{}/stream/{}", table_arn(context, table.name), stream->label));
    }
  }
  writer.EndObject();
}

std::string table_description_response(std::string_view member,
                                       const storage::TableDescription& table,
                                       const Context& context, std::string_view status) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  write_key(writer, member);
  write_table_description(writer, table, context, status);
  writer.EndObject();
  return finish(buffer);
}

Result<const Json*> read_request_items(const Json& request) {
  EDDY_ASSIGN_OR_RETURN(const Json* items, get_object(request, "RequestItems"));
  ConstraintErrors errors;
  if (!items) {
    errors.add_null("requestItems");
  } else if (items->MemberCount() == 0) {
    errors.add("{}", "requestItems", "Member must have length greater than or equal to 1");
  }
  EDDY_RETURN_IF_ERROR(errors.status());
  return items;
}

Result<const Json*> read_transact_items(const Json& request) {
  constexpr size_t kMaxActions = 100;
  EDDY_ASSIGN_OR_RETURN(const Json* actions, get_array(request, "TransactItems"));
  ConstraintErrors errors;
  if (!actions) {
    errors.add_null("transactItems");
  } else if (actions->Size() == 0) {
    errors.add("[]", "transactItems", "Member must have length greater than or equal to 1");
  } else if (actions->Size() > kMaxActions) {
    errors.add("[...]", "transactItems", "Member must have length less than or equal to 100");
  }
  EDDY_RETURN_IF_ERROR(errors.status());
  return actions;
}

void write_item(JsonWriter& writer, const model::Item& item, const expr::Projection* projection) {
  if (projection) {
    model::encode_item(expr::project(*projection, item), writer);
  } else {
    model::encode_item(item, writer);
  }
}

}  // namespace eddy::api::dynamodb
