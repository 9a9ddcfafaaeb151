// UpdateTimeToLive:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
// The setting takes effect at the sweeper's next pass (api/dynamodb/ttl_sweeper.h); until then
// DescribeTimeToLive says ENABLING or DISABLING. DynamoDB also refuses a second change within
// an hour ("Time to live has been modified multiple times within a fixed interval"); Eddy does
// not, so that tests can turn it off and on again.
#include <fmt/format.h>

#include "api/dynamodb/operations.h"
#include "api/dynamodb/time_to_live.h"

namespace eddy::api::dynamodb {

namespace {

constexpr size_t kMaxAttributeName = 255;

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto name, read_table_name(request));
  EDDY_ASSIGN_OR_RETURN(const Json* specification, get_object(request, "TimeToLiveSpecification"));
  ConstraintErrors errors;
  std::optional<bool> enabled;
  std::optional<std::string> attribute;
  if (!specification) {
    errors.add_null("timeToLiveSpecification");
  } else {
    EDDY_ASSIGN_OR_RETURN(enabled, get_bool(*specification, "Enabled"));
    EDDY_ASSIGN_OR_RETURN(attribute, get_string(*specification, "AttributeName"));
    if (!attribute) {
      errors.add_null("timeToLiveSpecification.attributeName");
    } else if (attribute->empty()) {
      errors.add(*attribute, "timeToLiveSpecification.attributeName",
                 "Member must have length greater than or equal to 1");
    } else if (attribute->size() > kMaxAttributeName) {
      errors.add(*attribute, "timeToLiveSpecification.attributeName",
                 "Member must have length less than or equal to 255");
    }
    if (!enabled) errors.add_null("timeToLiveSpecification.enabled");
  }
  EDDY_RETURN_IF_ERROR(errors.status());

  EDDY_ASSIGN_OR_RETURN(auto table, find_table(context, name, /*name_in_message=*/true));
  TtlSetting setting = read_ttl_setting(table.properties);
  if (setting.enabled && setting.attribute != *attribute) {
    return Status::validation(
        fmt::format("TimeToLive is active on a different AttributeName: current value is {}",
                    setting.attribute));
  }
  if (setting.enabled == *enabled) {
    return Status::validation(*enabled ? "TimeToLive is already enabled"
                                       : "TimeToLive is already disabled");
  }
  setting.attribute = *attribute;
  setting.enabled = *enabled;
  setting.changed_ms = context.clock.now_ms();
  write_ttl_setting(table.properties, setting);
  EDDY_RETURN_IF_ERROR(
      context.engine.update_properties(name, std::move(table.properties)).status());

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("TimeToLiveSpecification");
  writer.StartObject();
  writer.Key("Enabled");
  writer.Bool(setting.enabled);
  writer.Key("AttributeName");
  write_string(writer, setting.attribute);
  writer.EndObject();
  writer.EndObject();
  return finish(buffer);
}

}  // namespace

void update_time_to_live(const Json& request, Context& context, Reply reply) {
  answer(reply, run(request, context));
}

}  // namespace eddy::api::dynamodb
