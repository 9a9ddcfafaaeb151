// UpdateTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html
// Billing mode, throughput, deletion protection, table class, the stream, and global secondary
// indexes created or deleted (docs/research/secondary-indexes-aws.md §3 has AWS's rules).
#include <fmt/format.h>

#include "api/dynamodb/indexes.h"
#include "api/dynamodb/operations.h"
#include "api/dynamodb/table_settings.h"

namespace eddy::api::dynamodb {

namespace {

struct IndexChange {
  std::string name;
  std::optional<storage::IndexSpec> create;  // nullopt: delete
};

struct UpdateTableRequest {
  std::string table;
  std::map<std::string, std::string> properties;
  bool properties_changed = false;
  std::optional<storage::StreamSpecification> stream;
  std::vector<IndexChange> index_changes;
};

constexpr char kInvalid[] = "One or more parameter values were invalid: ";

// GlobalSecondaryIndexUpdates: the shape of each action and the index each creates. Checks
// that are not ValidationExceptions (limits, a missing index) come in update_table().
Result<std::vector<IndexChange>> read_index_changes(const Json& request, const Json& updates,
                                                    const storage::TableDescription& table,
                                                    bool on_demand, bool other_changes) {
  std::vector<IndexChange> changes;
  if (updates.Empty()) {
    if (!other_changes) return changes;  // reported as "At least one of ... is required"
    return Status::validation(std::string(kInvalid) +
                              "List of GlobalSecondaryIndexUpdates is empty");
  }
  ConstraintErrors errors;
  EDDY_ASSIGN_OR_RETURN(auto definitions, read_attribute_definitions(request, errors));
  EDDY_RETURN_IF_ERROR(errors.status());
  for (const auto& update : updates.GetArray()) {
    EDDY_RETURN_IF_ERROR(expect_object(update, "GlobalSecondaryIndexUpdate"));
    const Json* create = find_member(update, "Create");
    const Json* remove = find_member(update, "Delete");
    const Json* modify = find_member(update, "Update");
    const int actions = (create ? 1 : 0) + (remove ? 1 : 0) + (modify ? 1 : 0);
    if (actions == 0) {
      return Status::validation(std::string(kInvalid) +
                                "One of GlobalSecondaryIndexUpdate.Update, "
                                "GlobalSecondaryIndexUpdate.Create, "
                                "GlobalSecondaryIndexUpdate.Delete must not be null");
    }
    if (actions > 1) {
      return Status::validation(
          std::string(kInvalid) +
          "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate "
          "object");
    }
    const Json& action = create ? *create : remove ? *remove : *modify;
    EDDY_RETURN_IF_ERROR(expect_object(action, "GlobalSecondaryIndexUpdate"));
    EDDY_ASSIGN_OR_RETURN(auto name, get_string(action, "IndexName"));
    if (!name) {
      ConstraintErrors errors;
      errors.add_null("globalSecondaryIndexUpdates.1.member.indexName");
      return errors.status();
    }
    for (const auto& change : changes) {
      if (change.name == *name) {
        return Status::validation(
            std::string(kInvalid) +
            "Only one global secondary index update per index is allowed simultaneously. Index: " +
            *name);
      }
    }
    if (modify) {
      // Eddy does not throttle, so a GSI's provisioned throughput has nothing to change.
      return Status::validation(
          "Updating a global secondary index's provisioned throughput is not supported by Eddy "
          "(it does not throttle); only Create and Delete are");
    }
    IndexChange change;
    change.name = *name;
    if (create) {
      EDDY_ASSIGN_OR_RETURN(change.create,
                            read_index_create(action, table, definitions, on_demand));
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

Result<UpdateTableRequest> parse(const Json& request, Context& context) {
  UpdateTableRequest update;
  EDDY_ASSIGN_OR_RETURN(update.table, read_table_name(request));
  ConstraintErrors errors;
  EDDY_ASSIGN_OR_RETURN(auto billing_mode, read_billing_mode(request, errors));
  EDDY_ASSIGN_OR_RETURN(auto throughput, read_throughput(request, errors));
  EDDY_ASSIGN_OR_RETURN(update.stream, read_stream_specification(request, errors));
  EDDY_ASSIGN_OR_RETURN(auto deletion_protection, get_bool(request, "DeletionProtectionEnabled"));
  EDDY_ASSIGN_OR_RETURN(auto table_class, get_string(request, "TableClass"));
  EDDY_ASSIGN_OR_RETURN(const Json* index_updates,
                        get_array(request, "GlobalSecondaryIndexUpdates"));
  EDDY_RETURN_IF_ERROR(errors.status());
  if (find_member(request, "ReplicaUpdates")) {
    return Status::validation("Global tables (ReplicaUpdates) are not supported by Eddy");
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
  const bool other_changes =
      billing_mode || throughput || update.stream || deletion_protection || table_class;
  update.properties_changed = other_changes;
  if (index_updates) {
    EDDY_ASSIGN_OR_RETURN(update.index_changes,
                          read_index_changes(request, *index_updates, table,
                                             mode == "PAY_PER_REQUEST", other_changes));
    if (!update.index_changes.empty() && update.stream) {
      return Status::validation(std::string(kInvalid) +
                                "You cannot create or delete index while changing stream status");
    }
    if (!update.index_changes.empty() && throughput) {
      return Status::validation(std::string(kInvalid) +
                                "You cannot create or delete index while updating table IOPS");
    }
  }
  if (!other_changes && update.index_changes.empty()) {
    return Status::validation(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
  return update;
}

// The index changes DynamoDB refuses with other exceptions than ValidationException; nullopt
// when they may go ahead.
std::optional<ApiError> refuse_index_changes(const std::vector<IndexChange>& changes,
                                             const storage::TableDescription& table) {
  const ApiError one_at_a_time = ApiError::service(
      "LimitExceededException",
      "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously "
      "per table");
  if (changes.size() > 1) return one_at_a_time;
  for (const auto& change : changes) {
    for (const auto& index : table.indexes) {
      // Deleting the index being created is allowed (during its backfill, on AWS).
      if (index.status != storage::IndexStatus::kActive && index.name != change.name) {
        return one_at_a_time;
      }
    }
    if (change.create) {
      size_t globals = 0;
      for (const auto& index : table.indexes)
        globals += index.kind == storage::IndexKind::kGlobal ? 1 : 0;
      if (globals >= kMaxGlobalIndexes) {
        return ApiError::service(
            "LimitExceededException",
            fmt::format("Subscriber limit exceeded: Number of global secondary indexes exceeds "
                        "per-table limit of {}",
                        kMaxGlobalIndexes));
      }
      continue;
    }
    const storage::IndexDescription* index = table.find_index(change.name);
    if (index == nullptr) {
      return ApiError::resource_not_found(fmt::format(
          "Requested resource not found: Index {} for table {}", change.name, table.name));
    }
    if (index->kind != storage::IndexKind::kGlobal) {
      return ApiError::validation("Cannot delete an index that is not a GlobalSecondaryIndex: " +
                                  change.name);
    }
  }
  return std::nullopt;
}

}  // namespace

void update_table(const Json& request, Context& context, Reply reply) {
  auto update = parse(request, context);
  if (!update) return fail(reply, update.status());
  if (!update->index_changes.empty()) {
    auto table = find_table(context, update->table, /*name_in_message=*/true);
    if (!table) return fail(reply, table.status());
    if (auto refused = refuse_index_changes(update->index_changes, *table)) {
      return reply(std::move(*refused));
    }
  }
  Result<storage::TableDescription> table = context.engine.describe_table(update->table);
  if (update->properties_changed) {
    table = context.engine.update_properties(update->table, std::move(update->properties));
  }
  if (table && update->stream) table = context.engine.update_stream(update->table, *update->stream);
  for (auto& change : update->index_changes) {
    if (!table) break;
    table = change.create ? context.engine.create_index(update->table, std::move(*change.create))
                          : context.engine.delete_index(update->table, change.name);
  }
  if (!table && table.status().code() == Code::kThrottled) {
    // Another UpdateTable started an index between our check and this change.
    return reply(ApiError::service("LimitExceededException", table.status().message()));
  }
  if (!table) return fail(reply, table.status());
  reply(table_description_response("TableDescription", *table, context, "UPDATING"));
}

}  // namespace eddy::api::dynamodb
