// CreateTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
// Checks and messages in DynamoDB's order (docs/research/dynamodb-api.md §1.1).
#include <fmt/format.h>

#include "api/dynamodb/indexes.h"
#include "api/dynamodb/operations.h"
#include "api/dynamodb/table_settings.h"
#include "common/random.h"

namespace eddy::api::dynamodb {

namespace {

Result<storage::TableSpec> parse(const Json& request) {
  storage::TableSpec spec;
  ConstraintErrors errors;
  EDDY_ASSIGN_OR_RETURN(spec.name,
                        read_table_name(request, TableNameCheck::kTableOperation, &errors));

  // AWS reports a missing AttributeDefinitions first, and its members' errors after the key
  // schema's.
  ConstraintErrors definition_errors;
  EDDY_ASSIGN_OR_RETURN(auto definitions, read_attribute_definitions(request, definition_errors));
  if (!definitions) errors.add_null("attributeDefinitions");
  EDDY_ASSIGN_OR_RETURN(
      const std::vector<KeyElement> key_elements,
      read_key_elements(request, "KeySchema", "keySchema", /*max_elements=*/2, errors));
  errors.append(definition_errors);
  if (definitions) spec.attribute_definitions = std::move(*definitions);
  EDDY_ASSIGN_OR_RETURN(auto billing_mode, read_billing_mode(request, errors));
  EDDY_ASSIGN_OR_RETURN(auto throughput, read_throughput(request, errors));
  EDDY_ASSIGN_OR_RETURN(auto stream, read_stream_specification(request, errors));
  EDDY_RETURN_IF_ERROR(errors.status());

  // Billing checks come before the key schema's (docs/research/dynamodb-api.md §1.1).
  const std::string mode = billing_mode.value_or("PROVISIONED");
  if (mode == "PROVISIONED" && !throughput) {
    return Status::validation(
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must "
        "both be specified when BillingMode is PROVISIONED");
  }
  if (mode == "PAY_PER_REQUEST" && throughput) {
    return Status::validation(
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
        "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  }
  constexpr int64_t kMaxUnits = 1'000'000'000'000;
  if (throughput && throughput->read > kMaxUnits) {
    return Status::validation(
        fmt::format("Given value {} for ReadCapacityUnits is out of bounds", throughput->read));
  }
  if (throughput && throughput->write > kMaxUnits) {
    return Status::validation(
        fmt::format("Given value {} for WriteCapacityUnits is out of bounds", throughput->write));
  }

  auto definition_of = [&](const std::string& name) -> const storage::AttributeDefinition* {
    for (const auto& definition : spec.attribute_definitions) {
      if (definition.name == name) return &definition;
    }
    return nullptr;
  };
  if (key_elements.size() == 2 &&
      (!definition_of(key_elements[0].name) || !definition_of(key_elements[1].name))) {
    return Status::validation("Invalid KeySchema: Some index key attribute have no definition");
  }
  if (key_elements.size() == 1 && !definition_of(key_elements[0].name)) {
    std::vector<std::string> names;
    for (const auto& definition : spec.attribute_definitions)
      names.push_back(definition.name);
    return Status::validation(fmt::format(
        "One or more parameter values were invalid: Some index key attributes are not defined in "
        "AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
        key_elements[0].name, fmt::join(names, ", ")));
  }
  if (key_elements.size() == 2 && key_elements[0].name == key_elements[1].name) {
    return Status::validation(
        "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (key_elements[0].type != "HASH") {
    return Status::validation(
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (key_elements.size() == 2 && key_elements[1].type != "RANGE") {
    return Status::validation(
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  for (size_t i = 0; i < spec.attribute_definitions.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (spec.attribute_definitions[i].name == spec.attribute_definitions[j].name) {
        return Status::validation("Attribute Name is duplicated: " +
                                  spec.attribute_definitions[i].name);
      }
    }
  }
  spec.key_schema.partition.name = key_elements[0].name;
  spec.key_schema.partition.type = definition_of(key_elements[0].name)->type;
  if (key_elements.size() == 2) {
    model::KeyAttribute sort;
    sort.name = key_elements[1].name;
    sort.type = definition_of(key_elements[1].name)->type;
    spec.key_schema.sort = std::move(sort);
  }
  EDDY_ASSIGN_OR_RETURN(auto index_members, find_create_table_indexes(request));
  if (!index_members.global && !index_members.local) {
    if (spec.attribute_definitions.size() != key_elements.size()) {
      return Status::validation(
          "One or more parameter values were invalid: Number of attributes in KeySchema does not "
          "exactly match number of attributes defined in AttributeDefinitions");
    }
  } else {
    ConstraintErrors index_errors;
    EDDY_ASSIGN_OR_RETURN(
        spec.indexes,
        read_create_table_indexes(index_members, spec.key_schema, spec.attribute_definitions,
                                  mode == "PAY_PER_REQUEST", index_errors));
  }
  if (stream) spec.stream = *stream;

  EDDY_ASSIGN_OR_RETURN(auto tags, read_tags(request, "Tags"));
  EDDY_ASSIGN_OR_RETURN(auto deletion_protection, get_bool(request, "DeletionProtectionEnabled"));
  EDDY_ASSIGN_OR_RETURN(auto table_class, get_string(request, "TableClass"));
  if (table_class && *table_class != "STANDARD" && *table_class != "STANDARD_INFREQUENT_ACCESS") {
    ConstraintErrors class_errors;
    class_errors.add(*table_class, "tableClass",
                     "Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]");
    return class_errors.status();
  }

  spec.properties[property::kBillingMode] = mode;
  if (throughput) {
    spec.properties[property::kReadCapacity] = std::to_string(throughput->read);
    spec.properties[property::kWriteCapacity] = std::to_string(throughput->write);
  }
  spec.properties[property::kTableId] = uuid_v4();
  if (tags && !tags->empty()) spec.properties[property::kTags] = tags_to_property(*tags);
  spec.properties[property::kDeletionProtection] =
      deletion_protection.value_or(false) ? "true" : "false";
  if (table_class) spec.properties[property::kTableClass] = *table_class;
  return spec;
}

}  // namespace

void create_table(const Json& request, Context& context, Reply reply) {
  auto spec = parse(request);
  if (!spec) return fail(reply, spec.status());
  auto table = context.engine.create_table(std::move(*spec));
  if (!table) return fail(reply, table.status());
  // DynamoDB answers CREATING; Eddy's table is usable at once, and DescribeTable says ACTIVE.
  reply(table_description_response("TableDescription", *table, context, "CREATING"));
}

}  // namespace eddy::api::dynamodb
