// GetEventSourceMapping:
// https://docs.aws.amazon.com/lambda/latest/api/API_GetEventSourceMapping.html
// GET /2015-03-31/event-source-mappings/{UUID}
#include "api/lambda/lambda_common.h"

namespace eddy::api::lambda {

void get_event_source_mapping(const Request& request, Context& context, Reply reply) {
  auto mapping = context.mappings.get(request.path_params.at(0));
  if (!mapping.is_ok()) return reply(error_response(from_status(mapping.status())));
  reply(json_response(200, mapping_json(*mapping)));
}

}  // namespace eddy::api::lambda
