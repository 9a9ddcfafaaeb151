// Index definitions and descriptions (indexes.h). The checks run in the order DynamoDB runs
// them, as far as it is known (docs/research/secondary-indexes-aws.md §1.4): the unused
// definitions first, then each local index, their count, each global index, their count.
#include "api/dynamodb/indexes.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "api/dynamodb/table_settings.h"

namespace eddy::api::dynamodb {

namespace {

constexpr char kInvalid[] = "One or more parameter values were invalid: ";

Status invalid(std::string message) {
  return Status::validation(kInvalid + message);
}

// An index definition as the request gave it, before the checks that need the table.
struct RawIndex {
  std::string name;
  std::vector<KeyElement> key;
  bool has_projection = false;
  std::optional<std::string> projection_type;
  std::optional<std::vector<std::string>> non_key;
  std::optional<Throughput> throughput;
};

Result<RawIndex> read_raw_index(const Json& element, const std::string& path,
                                ConstraintErrors& errors) {
  EDDY_RETURN_IF_ERROR(expect_object(element, "SecondaryIndex"));
  RawIndex raw;
  EDDY_ASSIGN_OR_RETURN(auto name, get_string(element, "IndexName"));
  if (!name) {
    errors.add_null(path + ".indexName");
  } else if (name->size() < 3) {
    errors.add(*name, path + ".indexName", "Member must have length greater than or equal to 3");
  } else if (name->size() > 255) {
    errors.add(*name, path + ".indexName", "Member must have length less than or equal to 255");
  } else if (!std::all_of(name->begin(), name->end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
                      c == '-';
             })) {
    errors.add(*name, path + ".indexName",
               "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
  raw.name = name.value_or("");
  EDDY_ASSIGN_OR_RETURN(raw.key, read_key_elements(element, "KeySchema", path + ".keySchema",
                                                   /*max_elements=*/2, errors));
  EDDY_ASSIGN_OR_RETURN(const Json* projection, get_object(element, "Projection"));
  if (!projection) {
    errors.add_null(path + ".projection");
  } else {
    raw.has_projection = true;
    EDDY_ASSIGN_OR_RETURN(raw.projection_type, get_string(*projection, "ProjectionType"));
    if (raw.projection_type && *raw.projection_type != "ALL" && *raw.projection_type != "INCLUDE" &&
        *raw.projection_type != "KEYS_ONLY") {
      errors.add(*raw.projection_type, path + ".projection.projectionType",
                 "Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]");
    }
    EDDY_ASSIGN_OR_RETURN(raw.non_key, get_string_list(*projection, "NonKeyAttributes"));
    if (raw.non_key && raw.non_key->empty()) {
      errors.add("[]", path + ".projection.nonKeyAttributes",
                 "Member must have length greater than or equal to 1");
    } else if (raw.non_key && raw.non_key->size() > 20) {
      errors.add("[...]", path + ".projection.nonKeyAttributes",
                 "Member must have length less than or equal to 20");
    }
  }
  EDDY_ASSIGN_OR_RETURN(raw.throughput, read_throughput(element, errors));
  return raw;
}

std::string join_names(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

// The checks of one index against its table, in DynamoDB's order; the spec when it passes.
// `type_of` gives an attribute's defined type (nullopt: not defined).
template <typename TypeOf>
Result<storage::IndexSpec> check_index(const RawIndex& raw, storage::IndexKind kind,
                                       const model::KeySchema& table_key,
                                       const std::vector<std::string>& definition_names,
                                       TypeOf type_of, bool on_demand) {
  const bool global = kind == storage::IndexKind::kGlobal;
  std::vector<std::string> key_names;
  for (const auto& element : raw.key)
    key_names.push_back(element.name);
  if (std::any_of(raw.key.begin(), raw.key.end(),
                  [&](const KeyElement& e) { return !type_of(e.name); })) {
    return invalid(fmt::format(
        "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], "
        "AttributeDefinitions: [{}]",
        join_names(key_names), join_names(definition_names)));
  }
  if (raw.key.size() == 2 && raw.key[0].name == raw.key[1].name) {
    return Status::validation(
        "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (raw.key[0].type != "HASH") {
    return Status::validation(
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (raw.key.size() == 2 && raw.key[1].type != "RANGE") {
    return Status::validation(
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  if (!global && raw.key.size() < 2) {
    return invalid("Index KeySchema does not have a range key for index: " + raw.name);
  }
  if (!global && raw.key[0].name != table_key.partition.name) {
    return invalid(fmt::format(
        "Index KeySchema does not have the same leading hash key as table KeySchema for index: "
        "{}. index hash key: {}, table hash key: {}",
        raw.name, raw.key[0].name, table_key.partition.name));
  }
  if (!raw.projection_type) return invalid("Unknown ProjectionType: null");
  const std::string& type = *raw.projection_type;
  if (type != "INCLUDE" && raw.non_key) {
    return invalid(fmt::format("ProjectionType is {}, but NonKeyAttributes is specified", type));
  }
  if (type == "INCLUDE" && !raw.non_key) {
    return invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
  }
  if (raw.non_key) {
    std::set<std::string> seen;
    for (const auto& name : *raw.non_key) {
      if (!seen.insert(name).second)
        return invalid("Duplicate element in NonKeyAttributes: " + name);
    }
  }
  if (global && !on_demand && !raw.throughput) {
    return invalid("ProvisionedThroughput is not specified for index: " + raw.name);
  }
  if (global && on_demand && raw.throughput) {
    return invalid(fmt::format(
        "ProvisionedThroughput should not be specified for index: {} when BillingMode is "
        "PAY_PER_REQUEST",
        raw.name));
  }

  storage::IndexSpec spec;
  spec.name = raw.name;
  spec.kind = kind;
  spec.key_schema.partition = {raw.key[0].name, *type_of(raw.key[0].name)};
  if (raw.key.size() == 2) {
    spec.key_schema.sort = model::KeyAttribute{raw.key[1].name, *type_of(raw.key[1].name)};
  }
  spec.projection = type == "ALL"       ? storage::ProjectionType::kAll
                    : type == "INCLUDE" ? storage::ProjectionType::kInclude
                                        : storage::ProjectionType::kKeysOnly;
  if (raw.non_key) spec.non_key_attributes = *raw.non_key;
  if (raw.throughput) {
    spec.properties[property::kReadCapacity] = std::to_string(raw.throughput->read);
    spec.properties[property::kWriteCapacity] = std::to_string(raw.throughput->write);
  }
  return spec;
}

size_t projected_count(const std::vector<storage::IndexSpec>& indexes) {
  size_t count = 0;
  for (const auto& index : indexes)
    count += index.non_key_attributes.size();
  return count;
}

}  // namespace

Result<std::optional<std::vector<storage::AttributeDefinition>>> read_attribute_definitions(
    const Json& request, ConstraintErrors& errors) {
  EDDY_ASSIGN_OR_RETURN(const Json* json, get_array(request, "AttributeDefinitions"));
  if (!json) return std::optional<std::vector<storage::AttributeDefinition>>();
  std::vector<storage::AttributeDefinition> definitions;
  size_t position = 0;
  for (const auto& element : json->GetArray()) {
    ++position;
    EDDY_RETURN_IF_ERROR(expect_object(element, "AttributeDefinitions"));
    EDDY_ASSIGN_OR_RETURN(auto name, get_string(element, "AttributeName"));
    EDDY_ASSIGN_OR_RETURN(auto type, get_string(element, "AttributeType"));
    const std::string path = fmt::format("attributeDefinitions.{}.member", position);
    if (!name) errors.add_null(path + ".attributeName");
    storage::AttributeDefinition definition{name.value_or(""), model::KeyType::S};
    if (!type) {
      errors.add_null(path + ".attributeType");
    } else if (*type == "N") {
      definition.type = model::KeyType::N;
    } else if (*type == "B") {
      definition.type = model::KeyType::B;
    } else if (*type != "S") {
      errors.add(*type, path + ".attributeType", "Member must satisfy enum value set: [B, N, S]");
    }
    definitions.push_back(std::move(definition));
  }
  return std::optional<std::vector<storage::AttributeDefinition>>(std::move(definitions));
}

Result<std::vector<KeyElement>> read_key_elements(const Json& object, std::string_view member,
                                                  std::string_view path, size_t max_elements,
                                                  ConstraintErrors& errors) {
  EDDY_ASSIGN_OR_RETURN(const Json* json, get_array(object, member));
  std::vector<KeyElement> elements;
  if (!json) {
    errors.add_null(path);
    return elements;
  }
  size_t position = 0;
  for (const auto& element : json->GetArray()) {
    ++position;
    EDDY_RETURN_IF_ERROR(expect_object(element, "KeySchema"));
    EDDY_ASSIGN_OR_RETURN(auto name, get_string(element, "AttributeName"));
    EDDY_ASSIGN_OR_RETURN(auto type, get_string(element, "KeyType"));
    const std::string element_path = fmt::format("{}.{}.member", path, position);
    if (!name) errors.add_null(element_path + ".attributeName");
    if (!type) {
      errors.add_null(element_path + ".keyType");
    } else if (*type != "HASH" && *type != "RANGE") {
      errors.add(*type, element_path + ".keyType",
                 "Member must satisfy enum value set: [HASH, RANGE]");
    }
    elements.push_back({name.value_or(""), type.value_or("")});
  }
  if (elements.empty()) {
    errors.add("[]", path, "Member must have length greater than or equal to 1");
  } else if (elements.size() > max_elements) {
    errors.add("[...]", path,
               fmt::format("Member must have length less than or equal to {}", max_elements));
  }
  return elements;
}

Result<CreateTableIndexes> find_create_table_indexes(const Json& request) {
  CreateTableIndexes members;
  EDDY_ASSIGN_OR_RETURN(members.global, get_array(request, "GlobalSecondaryIndexes"));
  EDDY_ASSIGN_OR_RETURN(members.local, get_array(request, "LocalSecondaryIndexes"));
  return members;
}

Result<std::vector<storage::IndexSpec>> read_create_table_indexes(
    const CreateTableIndexes& members, const model::KeySchema& table_key,
    const std::vector<storage::AttributeDefinition>& definitions, bool on_demand,
    ConstraintErrors& errors) {
  std::vector<RawIndex> globals, locals;
  auto read_all = [&](const Json* array, const char* path, std::vector<RawIndex>& out) -> Status {
    if (!array) return Status::ok();
    size_t position = 0;
    for (const auto& element : array->GetArray()) {
      EDDY_ASSIGN_OR_RETURN(
          auto raw, read_raw_index(element, fmt::format("{}.{}.member", path, ++position), errors));
      out.push_back(std::move(raw));
    }
    return Status::ok();
  };
  EDDY_RETURN_IF_ERROR(read_all(members.global, "globalSecondaryIndexes", globals));
  EDDY_RETURN_IF_ERROR(read_all(members.local, "localSecondaryIndexes", locals));
  EDDY_RETURN_IF_ERROR(errors.status());
  if (members.global && globals.empty()) return invalid("List of GlobalSecondaryIndexes is empty");
  if (members.local && locals.empty()) return invalid("List of LocalSecondaryIndexes is empty");

  std::vector<std::string> definition_names;
  for (const auto& definition : definitions)
    definition_names.push_back(definition.name);
  auto type_of = [&](const std::string& name) -> std::optional<model::KeyType> {
    for (const auto& definition : definitions) {
      if (definition.name == name) return definition.type;
    }
    return std::nullopt;
  };

  // AWS reports definitions no key uses before any other index error.
  std::vector<std::string> used{table_key.partition.name};
  if (table_key.sort) used.push_back(table_key.sort->name);
  for (const auto* list : {&locals, &globals}) {
    for (const auto& raw : *list) {
      for (const auto& element : raw.key) {
        if (std::find(used.begin(), used.end(), element.name) == used.end()) {
          used.push_back(element.name);
        }
      }
    }
  }
  for (const auto& name : definition_names) {
    if (std::find(used.begin(), used.end(), name) == used.end()) {
      return invalid(fmt::format(
          "Some AttributeDefinitions are not used. AttributeDefinitions: [{}], keys used: [{}]",
          join_names(definition_names), join_names(used)));
    }
  }

  std::vector<storage::IndexSpec> indexes;
  std::set<std::string> names;
  if (!locals.empty() && !table_key.sort) {
    return invalid(
        "Table KeySchema does not have a range key, which is required when specifying a "
        "LocalSecondaryIndex");
  }
  for (const auto& raw : locals) {
    EDDY_ASSIGN_OR_RETURN(auto spec, check_index(raw, storage::IndexKind::kLocal, table_key,
                                                 definition_names, type_of, on_demand));
    if (!names.insert(spec.name).second) return invalid("Duplicate index name: " + spec.name);
    indexes.push_back(std::move(spec));
  }
  if (locals.size() > kMaxLocalIndexes) {
    return invalid(fmt::format("Number of LocalSecondaryIndexes exceeds per-table limit of {}",
                               kMaxLocalIndexes));
  }
  for (const auto& raw : globals) {
    EDDY_ASSIGN_OR_RETURN(auto spec, check_index(raw, storage::IndexKind::kGlobal, table_key,
                                                 definition_names, type_of, on_demand));
    if (!names.insert(spec.name).second) return invalid("Duplicate index name: " + spec.name);
    indexes.push_back(std::move(spec));
  }
  if (globals.size() > kMaxGlobalIndexes) {
    return invalid(fmt::format("GlobalSecondaryIndex count exceeds the per-table limit of {}",
                               kMaxGlobalIndexes));
  }
  if (projected_count(indexes) > kMaxProjectedAttributes) {
    return invalid(fmt::format("Number of projected attributes in all indexes exceeds limit of {}",
                               kMaxProjectedAttributes));
  }
  // The description lists global indexes first (as DynamoDB's does, in request order).
  std::stable_partition(indexes.begin(), indexes.end(), [](const storage::IndexSpec& index) {
    return index.kind == storage::IndexKind::kGlobal;
  });
  return indexes;
}

Result<storage::IndexSpec> read_index_create(
    const Json& create, const storage::TableDescription& table,
    const std::optional<std::vector<storage::AttributeDefinition>>& definitions, bool on_demand) {
  ConstraintErrors errors;
  EDDY_ASSIGN_OR_RETURN(
      auto raw, read_raw_index(create, "globalSecondaryIndexUpdates.1.member.create", errors));
  EDDY_RETURN_IF_ERROR(errors.status());
  if (table.find_index(raw.name)) {
    return Status::validation("Attempting to create an index which already exists");
  }
  if (!definitions) return invalid("AttributeDefinitions is not specified for index: " + raw.name);
  std::vector<std::string> definition_names;
  for (const auto& definition : *definitions)
    definition_names.push_back(definition.name);
  auto type_of = [&](const std::string& name) -> std::optional<model::KeyType> {
    for (const auto& definition : *definitions) {
      if (definition.name == name) return definition.type;
    }
    return std::nullopt;
  };
  EDDY_ASSIGN_OR_RETURN(auto spec, check_index(raw, storage::IndexKind::kGlobal, table.key_schema,
                                               definition_names, type_of, on_demand));
  // A key attribute keeps the type it has for the table or another index.
  for (const model::KeyAttribute* key :
       {&spec.key_schema.partition, spec.key_schema.sort ? &*spec.key_schema.sort : nullptr}) {
    if (key == nullptr) continue;
    for (const auto& existing : table.attribute_definitions) {
      if (existing.name == key->name && existing.type != key->type) {
        return invalid(fmt::format(
            "Attributes cannot be redefined. Please check that your attribute has the same type "
            "as previously defined. Existing schema: Schema:[SchemaElement: key{{{}:{}:HASH}}] "
            "New schema: Schema:[SchemaElement: key{{{}:{}:HASH}}]",
            existing.name, model::key_type_name(existing.type), key->name,
            model::key_type_name(key->type)));
      }
    }
  }
  std::vector<storage::IndexSpec> all(table.indexes.begin(), table.indexes.end());
  all.push_back(spec);
  if (projected_count(all) > kMaxProjectedAttributes) {
    return invalid(fmt::format("Number of projected attributes in all indexes exceeds limit of {}",
                               kMaxProjectedAttributes));
  }
  return spec;
}

void write_index_descriptions(JsonWriter& writer, const storage::TableDescription& table,
                              const Context& context, bool creating) {
  auto property = [](const storage::IndexDescription& index, const char* name) -> int64_t {
    auto it = index.properties.find(name);
    return it == index.properties.end() ? 0 : std::atoll(it->second.c_str());
  };
  auto write_one = [&](const storage::IndexDescription& index) {
    const bool global = index.kind == storage::IndexKind::kGlobal;
    writer.StartObject();
    writer.Key("IndexName");
    write_string(writer, index.name);
    writer.Key("KeySchema");
    write_key_schema(writer, index.key_schema);
    writer.Key("Projection");
    writer.StartObject();
    writer.Key("ProjectionType");
    writer.String(index.projection == storage::ProjectionType::kAll       ? "ALL"
                  : index.projection == storage::ProjectionType::kInclude ? "INCLUDE"
                                                                          : "KEYS_ONLY");
    if (index.projection == storage::ProjectionType::kInclude) {
      // DynamoDB returns them sorted (docs/research/secondary-indexes-aws.md §2).
      std::vector<std::string> names = index.non_key_attributes;
      std::sort(names.begin(), names.end());
      writer.Key("NonKeyAttributes");
      writer.StartArray();
      for (const auto& name : names)
        write_string(writer, name);
      writer.EndArray();
    }
    writer.EndObject();
    if (global) {
      // A local index has no status of its own: it is the table's.
      writer.Key("IndexStatus");
      writer.String(creating || index.status == storage::IndexStatus::kCreating ? "CREATING"
                    : index.status == storage::IndexStatus::kDeleting           ? "DELETING"
                                                                                : "ACTIVE");
      if (index.backfilling()) {
        writer.Key("Backfilling");
        writer.Bool(true);
      }
      write_provisioned_throughput(writer, property(index, property::kReadCapacity),
                                   property(index, property::kWriteCapacity));
    }
    writer.Key("IndexSizeBytes");
    writer.Uint64(index.size_bytes);
    writer.Key("ItemCount");
    writer.Uint64(index.item_count);
    writer.Key("IndexArn");
    write_string(writer, fmt::format("{}/index/{}", table_arn(context, table.name), index.name));
    writer.EndObject();
  };
  for (auto kind : {storage::IndexKind::kGlobal, storage::IndexKind::kLocal}) {
    if (std::none_of(table.indexes.begin(), table.indexes.end(),
                     [&](const auto& index) { return index.kind == kind; })) {
      continue;
    }
    writer.Key(kind == storage::IndexKind::kGlobal ? "GlobalSecondaryIndexes"
                                                   : "LocalSecondaryIndexes");
    writer.StartArray();
    for (const auto& index : table.indexes) {
      if (index.kind == kind) write_one(index);
    }
    writer.EndArray();
  }
}

}  // namespace eddy::api::dynamodb
