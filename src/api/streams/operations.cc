// The one table from X-Amz-Target's operation name to its function, for DynamoDB Streams.
#include <array>
#include <utility>

#include "api/dispatch.h"
#include "api/dynamodb/common.h"
#include "api/streams/operation.h"

namespace eddy::api::streams {

void list_streams(const Json& request, Context& context, Reply reply);
void describe_stream(const Json& request, Context& context, Reply reply);
void get_shard_iterator(const Json& request, Context& context, Reply reply);
void get_records(const Json& request, Context& context, Reply reply);

namespace {

constexpr std::string_view kTargetPrefix = "DynamoDBStreams_20120810.";

constexpr std::array<std::pair<std::string_view, Operation>, 4> kOperations{{
    {"DescribeStream", describe_stream},
    {"GetRecords", get_records},
    {"GetShardIterator", get_shard_iterator},
    {"ListStreams", list_streams},
}};

}  // namespace

Operation find_operation(std::string_view name) {
  return find_in(kOperations, name);
}

std::vector<std::string_view> operation_names() {
  return names_in(kOperations);
}

void handle(std::string_view target, const std::string& body, Context& context, Reply reply) {
  dispatch(target, kTargetPrefix, find_operation, body, context, std::move(reply));
}

}  // namespace eddy::api::streams
