// GetFunction: https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
// GET /2015-03-31/functions/{FunctionName}: the configuration, where the code lives (nowhere
// to download here: built-in functions are part of the binary), and the reserved concurrency.
#include "api/lambda/lambda_common.h"

namespace eddy::api::lambda {

void get_function(const Request& request, Context& context, Reply reply) {
  auto name = find_function(context, request.path_params.at(0));
  if (!name.is_ok()) return reply(error_response(from_status(name.status())));
  auto config = context.runtime.config(*name);
  if (!config) return reply(error_response(from_status(Status::not_found("Function not found"))));
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Configuration");
  write_function_configuration(writer, context, *config);
  writer.Key("Code");
  writer.StartObject();
  writer.Key("RepositoryType");
  writer.String("Eddy");
  writer.Key("Location");
  write_string(writer, config->handler);
  writer.EndObject();
  if (config->reserved_concurrency) {
    writer.Key("Concurrency");
    writer.StartObject();
    writer.Key("ReservedConcurrentExecutions");
    writer.Uint(*config->reserved_concurrency);
    writer.EndObject();
  }
  writer.Key("Tags");
  writer.StartObject();
  writer.EndObject();
  writer.EndObject();
  reply(json_response(200, std::string(buffer.GetString(), buffer.GetSize())));
}

}  // namespace eddy::api::lambda
