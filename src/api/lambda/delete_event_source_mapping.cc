// DeleteEventSourceMapping:
// https://docs.aws.amazon.com/lambda/latest/api/API_DeleteEventSourceMapping.html
// DELETE /2015-03-31/event-source-mappings/{UUID} -> 202, State "Deleting"; its checkpoints go
// with it.
#include "api/lambda/lambda_common.h"

namespace eddy::api::lambda {

void delete_event_source_mapping(const Request& request, Context& context, Reply reply) {
  auto mapping = context.mappings.remove(request.path_params.at(0));
  if (!mapping.is_ok()) return reply(error_response(from_status(mapping.status())));
  reply(json_response(202, mapping_json(*mapping)));
}

}  // namespace eddy::api::lambda
