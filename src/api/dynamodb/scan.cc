// Scan: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html
#include <fmt/format.h>

#include "api/dynamodb/item_reads.h"
#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

namespace {

constexpr int64_t kMaxTotalSegments = 1'000'000;

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto read, read_item_read_request(request));
  EDDY_ASSIGN_OR_RETURN(auto segment, get_integer(request, "Segment"));
  EDDY_ASSIGN_OR_RETURN(auto total_segments, get_integer(request, "TotalSegments"));
  ConstraintErrors errors;
  if (segment && *segment < 0) {
    errors.add(std::to_string(*segment), "segment",
               "Member must have value greater than or equal to 0");
  } else if (segment && *segment >= kMaxTotalSegments) {
    errors.add(std::to_string(*segment), "segment",
               "Member must have value less than or equal to 999999");
  }
  if (total_segments && *total_segments < 1) {
    errors.add(std::to_string(*total_segments), "totalSegments",
               "Member must have value greater than or equal to 1");
  } else if (total_segments && *total_segments > kMaxTotalSegments) {
    errors.add(std::to_string(*total_segments), "totalSegments",
               "Member must have value less than or equal to 1000000");
  }
  EDDY_RETURN_IF_ERROR(errors.status());
  if (segment && !total_segments) {
    return Status::validation(
        "The TotalSegments parameter is required but was not present in the request when "
        "Segment parameter is present");
  }
  if (total_segments && !segment) {
    return Status::validation(
        "The Segment parameter is required but was not present in the request when parameter "
        "TotalSegments is present");
  }
  if (segment && *segment >= *total_segments) {
    return Status::validation(fmt::format(
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: {} is not less than TotalSegments: {}",
        *segment, *total_segments));
  }

  EDDY_RETURN_IF_ERROR(expr::check_not_mixed(
      present_members(request, {"AttributesToGet", "ScanFilter", "ConditionalOperator"}),
      present_members(request, {"ProjectionExpression", "FilterExpression"})));
  if (!find_member(request, "FilterExpression") && !find_member(request, "ProjectionExpression")) {
    EDDY_RETURN_IF_ERROR(refuse_unused_bindings(request, "FilterExpression is null"));
  }
  EDDY_ASSIGN_OR_RETURN(auto bindings, read_bindings(request));
  EDDY_RETURN_IF_ERROR(read_filter_and_projection(request, context, bindings, "ScanFilter", read));
  EDDY_RETURN_IF_ERROR(expr::check_unused(bindings));

  EDDY_RETURN_IF_ERROR(resolve_read_target(context, read));
  EDDY_RETURN_IF_ERROR(check_start_key(read));
  storage::ScanRequest scan;
  scan.table = read.table;
  scan.index = read.index.value_or("");
  scan.fetch_table_items = read.fetch_table_items;
  scan.limit = read.limit;
  scan.max_bytes = kMaxPageBytes;
  scan.exclusive_start_key = read.exclusive_start_key;
  scan.segment = static_cast<uint32_t>(segment.value_or(0));
  scan.total_segments = static_cast<uint32_t>(total_segments.value_or(1));
  EDDY_ASSIGN_OR_RETURN(auto page, context.engine.scan(scan));
  return item_read_response(page, read);
}

}  // namespace

void scan(const Json& request, Context& context, Reply reply) {
  answer(reply, run(request, context));
}

}  // namespace eddy::api::dynamodb
