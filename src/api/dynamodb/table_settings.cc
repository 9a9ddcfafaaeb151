#include "api/dynamodb/table_settings.h"

#include <fmt/format.h>

namespace eddy::api::dynamodb {

Result<std::optional<Throughput>> read_throughput(const Json& request, ConstraintErrors& errors) {
  EDDY_ASSIGN_OR_RETURN(const Json* json, get_object(request, "ProvisionedThroughput"));
  if (!json) return std::optional<Throughput>();
  EDDY_ASSIGN_OR_RETURN(auto read, get_integer(*json, "ReadCapacityUnits"));
  EDDY_ASSIGN_OR_RETURN(auto write, get_integer(*json, "WriteCapacityUnits"));
  auto check = [&](const std::optional<int64_t>& units, const char* member) {
    if (!units) {
      errors.add_null(fmt::format("provisionedThroughput.{}", member));
    } else if (*units < 1) {
      errors.add(std::to_string(*units), fmt::format("provisionedThroughput.{}", member),
                 "Member must have value greater than or equal to 1");
    }
  };
  check(read, "readCapacityUnits");
  check(write, "writeCapacityUnits");
  return std::optional<Throughput>(Throughput{read.value_or(0), write.value_or(0)});
}

Result<std::optional<std::string>> read_billing_mode(const Json& request,
                                                     ConstraintErrors& errors) {
  EDDY_ASSIGN_OR_RETURN(auto mode, get_string(request, "BillingMode"));
  if (mode && *mode != "PROVISIONED" && *mode != "PAY_PER_REQUEST") {
    errors.add(*mode, "billingMode",
               "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
  }
  return mode;
}

Result<std::optional<storage::StreamSpecification>> read_stream_specification(
    const Json& request, ConstraintErrors& errors) {
  EDDY_ASSIGN_OR_RETURN(const Json* json, get_object(request, "StreamSpecification"));
  if (!json) return std::optional<storage::StreamSpecification>();
  EDDY_ASSIGN_OR_RETURN(auto enabled, get_bool(*json, "StreamEnabled"));
  EDDY_ASSIGN_OR_RETURN(auto view_type, get_string(*json, "StreamViewType"));
  storage::StreamSpecification spec;
  if (!enabled) {
    errors.add_null("streamSpecification.streamEnabled");
    return std::optional<storage::StreamSpecification>();
  }
  spec.enabled = *enabled;
  if (view_type) {
    auto parsed = storage::parse_stream_view_type(*view_type);
    if (!parsed) {
      errors.add(*view_type, "streamSpecification.streamViewType",
                 "Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, "
                 "KEYS_ONLY]");
      return std::optional<storage::StreamSpecification>();
    }
    spec.view_type = *parsed;
  } else if (spec.enabled) {
    return Status::validation(
        "StreamSpecification: StreamViewType is required when StreamEnabled is true");
  }
  return std::optional<storage::StreamSpecification>(spec);
}

Result<std::optional<std::vector<Tag>>> read_tags(const Json& request, std::string_view member) {
  EDDY_ASSIGN_OR_RETURN(const Json* list, get_array(request, member));
  if (!list) return std::optional<std::vector<Tag>>();
  std::vector<Tag> tags;
  ConstraintErrors errors;
  size_t position = 0;
  for (const auto& element : list->GetArray()) {
    ++position;
    EDDY_RETURN_IF_ERROR(expect_object(element, member));
    EDDY_ASSIGN_OR_RETURN(auto key, get_string(element, "Key"));
    EDDY_ASSIGN_OR_RETURN(auto value, get_string(element, "Value"));
    if (!key) errors.add_null(fmt::format("tags.{}.member.key", position));
    if (!value) errors.add_null(fmt::format("tags.{}.member.value", position));
    if (key && (key->empty() || key->size() > 128)) {
      errors.add(*key, fmt::format("tags.{}.member.key", position),
                 "Member must have length between 1 and 128");
    }
    if (value && value->size() > 256) {
      errors.add(*value, fmt::format("tags.{}.member.value", position),
                 "Member must have length less than or equal to 256");
    }
    if (key && value) tags.push_back({std::move(*key), std::move(*value)});
  }
  EDDY_RETURN_IF_ERROR(errors.status());
  return std::optional<std::vector<Tag>>(std::move(tags));
}

std::vector<Tag> tags_from_property(const std::string& json) {
  std::vector<Tag> tags;
  if (json.empty()) return tags;
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsArray()) return tags;
  for (const auto& element : document.GetArray()) {
    if (!element.IsArray() || element.Size() != 2) continue;
    tags.push_back({element[0].GetString(), element[1].GetString()});
  }
  return tags;
}

std::string tags_to_property(const std::vector<Tag>& tags) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartArray();
  for (const auto& tag : tags) {
    writer.StartArray();
    write_string(writer, tag.key);
    write_string(writer, tag.value);
    writer.EndArray();
  }
  writer.EndArray();
  return finish(buffer);
}

}  // namespace eddy::api::dynamodb

namespace eddy::api::dynamodb {

Status save_tags(Context& context, storage::TableDescription table, const std::vector<Tag>& tags) {
  table.properties[property::kTags] = tags_to_property(tags);
  return context.engine.update_properties(table.name, std::move(table.properties)).status();
}

Result<storage::TableDescription> table_of_resource(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto arn, get_string(request, "ResourceArn"));
  if (!arn) return Status::validation("Invalid TableArn");
  EDDY_ASSIGN_OR_RETURN(auto name, table_from_arn(context, *arn));
  auto table = context.engine.describe_table(name);
  if (!table && table.status().code() == Code::kNotFound) {
    // Sic: DynamoDB's message spells it "ResourcArn".
    return Status::not_found(
        fmt::format("Requested resource not found: ResourcArn: {} not found", *arn));
  }
  return table;
}

}  // namespace eddy::api::dynamodb
