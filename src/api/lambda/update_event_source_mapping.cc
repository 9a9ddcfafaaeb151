// UpdateEventSourceMapping:
// https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html
// PUT /2015-03-31/event-source-mappings/{UUID} -> 202, State "Updating". Members left out keep
// their values; the source and starting position cannot change. Enabled=false pauses the
// mapping, true resumes it from its last checkpoint.
#include "api/lambda/lambda_common.h"

namespace eddy::api::lambda {

namespace {

Result<std::string> run(const Request& request, Context& context) {
  rapidjson::Document body;
  EDDY_RETURN_IF_ERROR(parse_request(request.body, body));
  EDDY_ASSIGN_OR_RETURN(auto function, get_string(body, "FunctionName"));
  std::optional<std::string> function_name;
  if (function) {
    EDDY_ASSIGN_OR_RETURN(function_name, find_function(context, *function));
  }
  const int64_t now = context.clock.now_ms();
  EDDY_ASSIGN_OR_RETURN(
      auto mapping,
      context.mappings.update(request.path_params.at(0), [&](esm::MappingConfig& config) {
        if (function_name) config.function_name = *function_name;
        EDDY_RETURN_IF_ERROR(read_mapping_settings(body, config));
        config.last_modified_ms = now;
        config.state_transition_reason = "User action";
        return Status::ok();
      }));
  return mapping_json(mapping);
}

}  // namespace

void update_event_source_mapping(const Request& request, Context& context, Reply reply) {
  auto body = run(request, context);
  if (!body.is_ok()) return reply(error_response(from_status(body.status())));
  reply(json_response(202, std::move(*body)));
}

}  // namespace eddy::api::lambda
