// Table settings shared by CreateTable and UpdateTable: billing mode, provisioned throughput,
// stream specification and tags, read from the request with DynamoDB's checks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/dynamodb/common.h"

namespace eddy::api::dynamodb {

struct Throughput {
  int64_t read = 0;
  int64_t write = 0;
};
// ProvisionedThroughput {ReadCapacityUnits, WriteCapacityUnits}, each >= 1.
Result<std::optional<Throughput>> read_throughput(const Json& request, ConstraintErrors& errors);
// BillingMode: PROVISIONED | PAY_PER_REQUEST.
Result<std::optional<std::string>> read_billing_mode(const Json& request, ConstraintErrors& errors);
// StreamSpecification {StreamEnabled, StreamViewType}.
Result<std::optional<storage::StreamSpecification>> read_stream_specification(
    const Json& request, ConstraintErrors& errors);

struct Tag {
  std::string key;
  std::string value;
};
// A Tags list [{Key, Value}] (member `member`), checked as TagResource checks it.
Result<std::optional<std::vector<Tag>>> read_tags(const Json& request, std::string_view member);
std::vector<Tag> tags_from_property(const std::string& json);
std::string tags_to_property(const std::vector<Tag>& tags);

}  // namespace eddy::api::dynamodb

namespace eddy::api::dynamodb {

// The table named by the request's ResourceArn (TagResource, UntagResource,
// ListTagsOfResource), with their messages.
Result<storage::TableDescription> table_of_resource(const Json& request, Context& context);
// Replaces the table's tags.
Status save_tags(Context& context, storage::TableDescription table, const std::vector<Tag>& tags);

}  // namespace eddy::api::dynamodb
