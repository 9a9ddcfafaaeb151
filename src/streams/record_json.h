// Stream identity and the stream record as JSON: shared by the Streams API (GetRecords) and the
// event source mappings (the Lambda event), so a function sees exactly what a consumer of
// GetRecords sees, plus the eventSourceARN Lambda adds (reference §1.3 and §2.3).
#pragma once

#include <string>
#include <string_view>

#include "model/json_codec.h"
#include "storage/types.h"

namespace eddy::streams {

// arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label> (reference §1.2).
std::string stream_arn(std::string_view region, std::string_view account_id,
                       const storage::StreamInfo& stream);

// One record as GetRecords returns it; with a non-empty `event_source_arn`, as Lambda passes it
// to a function (the extra "eventSourceARN" member, capital "ARN", and Time to Live's
// userIdentity with lower-case member names).
void write_stream_record(model::JsonWriter& writer, const storage::StreamRecord& record,
                         storage::StreamViewType view_type, std::string_view region,
                         std::string_view event_source_arn = {});

}  // namespace eddy::streams
