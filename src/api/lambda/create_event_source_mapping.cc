// CreateEventSourceMapping:
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
// POST /2015-03-31/event-source-mappings/ -> 202 with the mapping in State "Creating"; its
// pollers start moments later (reference §2.1). Sources are DynamoDB stream ARNs; the
// on-failure destination is file:<path> or table:<name> (Eddy's stand-ins for SQS and SNS).
#include <fmt/format.h>

#include "api/lambda/lambda_common.h"

namespace eddy::api::lambda {

namespace {

Result<std::string> run(const Request& request, Context& context) {
  rapidjson::Document body;
  EDDY_RETURN_IF_ERROR(parse_request(request.body, body));
  EDDY_ASSIGN_OR_RETURN(auto function, get_string(body, "FunctionName"));
  EDDY_ASSIGN_OR_RETURN(auto source, get_string(body, "EventSourceArn"));
  EDDY_ASSIGN_OR_RETURN(auto position, get_string(body, "StartingPosition"));
  if (!function) {
    return Status::validation(
        "1 validation error detected: Value null at 'functionName' failed to satisfy "
        "constraint: Member must not be null");
  }
  if (!source) {
    return Status::validation("Unrecognized event source, must be a DynamoDB stream ARN");
  }
  esm::MappingConfig config;
  EDDY_ASSIGN_OR_RETURN(config.function_name, find_function(context, *function));
  config.event_source_arn = *source;
  if (!position) {
    return Status::validation(
        "1 validation error detected: StartingPosition is required "
        "for a DynamoDB stream event source");
  }
  if (*position == "TRIM_HORIZON") {
    config.starting_position = esm::StartingPosition::kTrimHorizon;
  } else if (*position == "LATEST") {
    config.starting_position = esm::StartingPosition::kLatest;
  } else {
    // AT_TIMESTAMP is Kinesis's and MSK's, not DynamoDB's (reference §2.2).
    return Status::validation(fmt::format(
        "Unsupported starting position {} for a DynamoDB stream: use TRIM_HORIZON or LATEST",
        *position));
  }
  EDDY_RETURN_IF_ERROR(read_mapping_settings(body, config));
  config.last_modified_ms = context.clock.now_ms();
  EDDY_ASSIGN_OR_RETURN(auto mapping, context.mappings.create(std::move(config)));
  return mapping_json(mapping);
}

}  // namespace

void create_event_source_mapping(const Request& request, Context& context, Reply reply) {
  auto body = run(request, context);
  if (!body.is_ok()) return reply(error_response(from_status(body.status())));
  reply(json_response(202, std::move(*body)));
}

}  // namespace eddy::api::lambda
