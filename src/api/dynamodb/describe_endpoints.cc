// DescribeEndpoints:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeEndpoints.html
// One endpoint, this server's own address, so a client doing endpoint discovery stays here.
#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

void describe_endpoints(const Json&, Context& context, Reply reply) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Endpoints");
  writer.StartArray();
  writer.StartObject();
  writer.Key("Address");
  write_string(writer, context.settings.endpoint_address);
  writer.Key("CachePeriodInMinutes");
  writer.Int(1440);
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  reply(finish(buffer));
}

}  // namespace eddy::api::dynamodb
