#include "stack/deploy.h"

#include <fmt/format.h>

namespace eddy::stack {

namespace {

std::string describe_key(const model::KeySchema& schema) {
  auto type = [](model::KeyType t) {
    return t == model::KeyType::S ? "S" : t == model::KeyType::N ? "N" : "B";
  };
  std::string out = fmt::format("{} {}", schema.partition.name, type(schema.partition.type));
  if (schema.sort) out += fmt::format(", {} {}", schema.sort->name, type(schema.sort->type));
  return out;
}

std::string stream_text(const storage::StreamSpecification& stream) {
  return stream.enabled ? storage::stream_view_type_name(stream.view_type) : "none";
}

// The settings of a mapping that a stack file controls, written as the file writes them.
std::vector<std::string> differences(const esm::MappingConfig& a, const esm::MappingConfig& b) {
  std::vector<std::string> out;
  auto compare = [&](const char* name, auto x, auto y) {
    if (x != y) out.push_back(fmt::format("{} {} -> {}", name, x, y));
  };
  compare("batchSize", a.batch_size, b.batch_size);
  compare("maxBatchingWindow(ms)", a.max_batching_window_ms, b.max_batching_window_ms);
  compare("retryAttempts", a.max_retry_attempts, b.max_retry_attempts);
  compare("maxRecordAge(ms)", a.max_record_age_ms, b.max_record_age_ms);
  compare("bisectBatchOnError", a.bisect_on_error, b.bisect_on_error);
  compare("parallelizationFactor", a.parallelization_factor, b.parallelization_factor);
  compare("reportBatchItemFailures", a.report_batch_item_failures, b.report_batch_item_failures);
  compare("tumblingWindow(ms)", a.tumbling_window_ms, b.tumbling_window_ms);
  compare("onFailure", a.on_failure.empty() ? std::string("none") : a.on_failure,
          b.on_failure.empty() ? std::string("none") : b.on_failure);
  compare("filters", fmt::format("[{}]", fmt::join(a.filters, ", ")),
          fmt::format("[{}]", fmt::join(b.filters, ", ")));
  compare("enabled", a.enabled, b.enabled);
  compare("stream", a.event_source_arn, b.event_source_arn);
  return out;
}

}  // namespace

Result<std::vector<std::string>> deploy(const Stack& stack, DeployTargets targets) {
  std::vector<std::string> changes;
  auto where = [&](int line) { return fmt::format("{}:{}", stack.file, line); };

  for (const auto& table : stack.tables) {
    storage::StreamSpecification wanted;
    if (table.stream) wanted = {true, *table.stream};
    auto existing = targets.engine.describe_table(table.name);
    if (!existing.is_ok()) {
      storage::TableSpec spec;
      spec.name = table.name;
      spec.key_schema = table.key_schema;
      spec.attribute_definitions.push_back(
          {table.key_schema.partition.name, table.key_schema.partition.type});
      if (table.key_schema.sort) {
        spec.attribute_definitions.push_back(
            {table.key_schema.sort->name, table.key_schema.sort->type});
      }
      spec.stream = wanted;
      spec.properties["BillingMode"] = "PAY_PER_REQUEST";
      EDDY_RETURN_IF_ERROR(targets.engine.create_table(std::move(spec)).status());
      changes.push_back(fmt::format("+ table {} ({}; stream {})", table.name,
                                    describe_key(table.key_schema), stream_text(wanted)));
      continue;
    }
    if (!(existing->key_schema == table.key_schema)) {
      return Status::validation(fmt::format(
          "{}: table {} exists with the key schema ({}) but the stack declares ({}). DynamoDB "
          "cannot change a table's key schema: create a table under a new name with the new "
          "keys, copy the items (Scan, then BatchWriteItem), point the stack at it, and delete "
          "the old table",
          where(table.line), table.name, describe_key(existing->key_schema),
          describe_key(table.key_schema)));
    }
    if (existing->stream == wanted) {
      changes.push_back(fmt::format("= table {} unchanged", table.name));
      continue;
    }
    // A different view type is a new stream (reference §5 rule 7).
    if (existing->stream.enabled) {
      EDDY_RETURN_IF_ERROR(
          targets.engine.update_stream(table.name, storage::StreamSpecification{}).status());
    }
    if (wanted.enabled) {
      EDDY_RETURN_IF_ERROR(targets.engine.update_stream(table.name, wanted).status());
    }
    changes.push_back(fmt::format("~ table {}: stream {} -> {}{}", table.name,
                                  stream_text(existing->stream), stream_text(wanted),
                                  wanted.enabled ? " (a new stream; the table's mappings move to "
                                                   "it and read it from its start)"
                                                 : ""));
    if (!wanted.enabled) continue;
    // Every mapping of the table moves, also those made through the Lambda API: a mapping
    // left on the old stream would read nothing more (reference §5 rule 7).
    EDDY_ASSIGN_OR_RETURN(auto new_arn, targets.mappings.table_stream_arn(table.name));
    for (const auto& mapping : targets.mappings.list()) {
      if (!targets.mappings.reads_table(mapping, table.name) ||
          mapping.config.event_source_arn == new_arn) {
        continue;
      }
      EDDY_RETURN_IF_ERROR(targets.mappings
                               .update(mapping.config.uuid,
                                       [&](esm::MappingConfig& config) {
                                         config.event_source_arn = new_arn;
                                         config.last_modified_ms = SystemClock::instance().now_ms();
                                         return Status::ok();
                                       })
                               .status());
      changes.push_back(fmt::format("~ mapping {} <- {}: stream {} -> {}",
                                    mapping.config.function_name, table.name,
                                    mapping.config.event_source_arn, new_arn));
    }
  }

  for (const auto& function : stack.functions) {
    std::shared_ptr<functions::Function> implementation;
    std::string what = function.config.handler;
    if (function.config.command.empty()) {
      auto handler = targets.builtins.find(function.config.handler);
      if (!handler) {
        return Status::validation(fmt::format("{}: function {}: no built-in handler '{}'",
                                              where(function.line), function.config.name,
                                              function.config.handler));
      }
      implementation = std::make_shared<functions::BuiltinFunction>(std::move(handler));
    } else {
      if (!targets.process) {
        return Status::validation(
            fmt::format("{}: function {}: Runtime API functions are not "
                        "available here",
                        where(function.line), function.config.name));
      }
      implementation = targets.process(function.config);
      what = fmt::format("{}, run by {} in {}", function.config.handler,
                         function.config.command.front(), function.config.code_dir);
    }
    const bool existed = targets.runtime.config(function.config.name).has_value();
    EDDY_RETURN_IF_ERROR(targets.runtime.deploy(function.config, std::move(implementation)));
    changes.push_back(
        fmt::format("{} function {} ({})", existed ? "~" : "+", function.config.name, what));
  }

  for (const auto& source : stack.event_sources) {
    EDDY_ASSIGN_OR_RETURN(auto stream_arn, targets.mappings.table_stream_arn(source.table));
    esm::MappingConfig wanted = source.settings;
    wanted.event_source_arn = stream_arn;
    const std::string name = fmt::format("mapping {} <- {}", source.function, source.table);
    auto existing = targets.mappings.find(source.function, source.table);
    if (!existing) {
      wanted.last_modified_ms = SystemClock::instance().now_ms();
      auto created = targets.mappings.create(wanted);
      if (!created.is_ok()) {
        return Status::validation(
            fmt::format("{}: {}: {}", where(source.line), name, created.status().message()));
      }
      changes.push_back(fmt::format("+ {} ({})", name, created->config.uuid));
      continue;
    }
    auto diff = differences(existing->config, wanted);
    if (diff.empty()) {
      changes.push_back(fmt::format("= {} unchanged ({})", name, existing->config.uuid));
      continue;
    }
    auto updated = targets.mappings.update(existing->config.uuid, [&](esm::MappingConfig& config) {
      const std::string uuid = config.uuid;
      const auto position = config.starting_position;
      config = wanted;
      config.uuid = uuid;
      // The starting position applies once, when a mapping is created.
      config.starting_position = position;
      config.last_modified_ms = SystemClock::instance().now_ms();
      config.state_transition_reason = "User action";
      return Status::ok();
    });
    if (!updated.is_ok()) {
      return Status::validation(
          fmt::format("{}: {}: {}", where(source.line), name, updated.status().message()));
    }
    changes.push_back(fmt::format("~ {}: {}", name, fmt::join(diff, "; ")));
  }
  return changes;
}

}  // namespace eddy::stack
