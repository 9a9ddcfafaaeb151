// DescribeTimeToLive:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTimeToLive.html
#include "api/dynamodb/operations.h"
#include "api/dynamodb/time_to_live.h"

namespace eddy::api::dynamodb {

namespace {

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto name, read_table_name(request));
  EDDY_ASSIGN_OR_RETURN(auto table, find_table(context, name, /*name_in_message=*/true));
  const TtlSetting setting = read_ttl_setting(table.properties);
  const std::string_view status =
      ttl_status(setting, context.clock.now_ms(), context.settings.ttl_interval_ms);

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("TimeToLiveDescription");
  writer.StartObject();
  writer.Key("TimeToLiveStatus");
  write_string(writer, status);
  // A table whose Time to Live is off has no attribute to name.
  if (status != "DISABLED") {
    writer.Key("AttributeName");
    write_string(writer, setting.attribute);
  }
  writer.EndObject();
  writer.EndObject();
  return finish(buffer);
}

}  // namespace

void describe_time_to_live(const Json& request, Context& context, Reply reply) {
  answer(reply, run(request, context));
}

}  // namespace eddy::api::dynamodb
