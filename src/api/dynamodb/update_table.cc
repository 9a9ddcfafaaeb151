// UpdateTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html
// Billing mode, throughput, deletion protection, table class and the stream. Index updates come
// with secondary indexes.
#include <fmt/format.h>

#include "api/dynamodb/operations.h"
#include "api/dynamodb/table_settings.h"

namespace eddy::api::dynamodb {

namespace {

struct UpdateTableRequest {
  std::string table;
  std::map<std::string, std::string> properties;
  std::optional<storage::StreamSpecification> stream;
};

Result<UpdateTableRequest> parse(const Json& request, Context& context) {
  UpdateTableRequest update;
  EDDY_ASSIGN_OR_RETURN(update.table, read_table_name(request));
  ConstraintErrors errors;
  EDDY_ASSIGN_OR_RETURN(auto billing_mode, read_billing_mode(request, errors));
  EDDY_ASSIGN_OR_RETURN(auto throughput, read_throughput(request, errors));
  EDDY_ASSIGN_OR_RETURN(update.stream, read_stream_specification(request, errors));
  EDDY_ASSIGN_OR_RETURN(auto deletion_protection, get_bool(request, "DeletionProtectionEnabled"));
  EDDY_ASSIGN_OR_RETURN(auto table_class, get_string(request, "TableClass"));
  EDDY_RETURN_IF_ERROR(errors.status());
  if (find_member(request, "GlobalSecondaryIndexUpdates") ||
      find_member(request, "ReplicaUpdates")) {
    return Status::validation("Secondary indexes are not supported by this version of Eddy");
  }

  EDDY_ASSIGN_OR_RETURN(auto table, find_table(context, update.table, /*name_in_message=*/true));
  update.properties = table.properties;
  const std::string mode = billing_mode.value_or(update.properties[property::kBillingMode]);
  if (mode == "PAY_PER_REQUEST" && throughput) {
    return Status::validation(
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
        "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  }
  if (mode == "PROVISIONED" && !throughput &&
      update.properties[property::kBillingMode] != "PROVISIONED") {
    return Status::validation(
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must "
        "both be specified when BillingMode is PROVISIONED");
  }
  update.properties[property::kBillingMode] = mode;
  if (mode == "PAY_PER_REQUEST") {
    update.properties.erase(property::kReadCapacity);
    update.properties.erase(property::kWriteCapacity);
  } else if (throughput) {
    update.properties[property::kReadCapacity] = std::to_string(throughput->read);
    update.properties[property::kWriteCapacity] = std::to_string(throughput->write);
  }
  if (deletion_protection) {
    update.properties[property::kDeletionProtection] = *deletion_protection ? "true" : "false";
  }
  if (table_class) update.properties[property::kTableClass] = *table_class;

  // Stream transitions (reference §1.1): enabling an enabled stream, changing its view type
  // in place, or disabling a table without one are errors.
  if (update.stream) {
    if (update.stream->enabled && table.stream.enabled) {
      return Status::validation(fmt::format("Table {} already has an enabled stream: {}",
                                            update.table, table_arn(context, update.table)));
    }
    if (!update.stream->enabled && !table.stream.enabled) {
      return Status::validation("Table does not have a stream enabled");
    }
  }
  if (!billing_mode && !throughput && !update.stream && !deletion_protection && !table_class) {
    return Status::validation(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
  return update;
}

}  // namespace

void update_table(const Json& request, Context& context, Reply reply) {
  auto update = parse(request, context);
  if (!update) return fail(reply, update.status());
  auto table = context.engine.update_properties(update->table, std::move(update->properties));
  if (table && update->stream) table = context.engine.update_stream(update->table, *update->stream);
  if (!table) return fail(reply, table.status());
  reply(table_description_response("TableDescription", *table, context, "UPDATING"));
}

}  // namespace eddy::api::dynamodb
