#include "api/lambda/lambda_common.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "common/random.h"
#include "common/time_format.h"

namespace eddy::api::lambda {

ApiError error(std::string_view type, std::string message, int http_status) {
  ApiError e;
  e.http_status = http_status;
  e.type = std::string(type);
  e.message = std::move(message);
  return e;
}

ApiError from_status(const Status& status) {
  switch (status.code()) {
    case Code::kValidation:
      if (status.message().starts_with("1 validation error")) {
        return error("ValidationException", status.message(), 400);
      }
      return error("InvalidParameterValueException", status.message(), 400);
    case Code::kSerialization:
      return error("InvalidRequestContentException", status.message(), 400);
    case Code::kNotFound:
      return error("ResourceNotFoundException", status.message(), 404);
    case Code::kAlreadyExists:
      return error("ResourceConflictException", status.message(), 409);
    case Code::kThrottled:
      return error("TooManyRequestsException", status.message(), 429);
    default:
      return error("ServiceException", status.message(), 500);
  }
}

Response json_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.headers.emplace_back("content-type", "application/json");
  response.headers.emplace_back("x-amzn-requestid", uuid_v4());
  response.body = std::move(body);
  return response;
}

Response error_response(const ApiError& e) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Type");
  writer.String(e.http_status >= 500 ? "Service" : "User");
  writer.Key("message");
  write_string(writer, e.message);
  if (e.type == "TooManyRequestsException") {
    writer.Key("Reason");
    writer.String("ConcurrentInvocationLimitExceeded");
  }
  writer.EndObject();
  Response response =
      json_response(e.http_status, std::string(buffer.GetString(), buffer.GetSize()));
  response.headers.emplace_back("x-amzn-errortype", e.type);
  return response;
}

Result<int64_t> read_max_items(const Request& request, int64_t fallback) {
  auto it = request.query.find("MaxItems");
  if (it == request.query.end()) return fallback;
  const std::string& text = it->second;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > 10000) {
    return Status::validation(
        fmt::format("1 validation error detected: Value '{}' at 'maxItems' failed to satisfy "
                    "constraint: Member must have value between 1 and 10000",
                    text));
  }
  return value;
}

std::optional<std::string> function_name_of(const Context& context, std::string_view text) {
  const std::string full = fmt::format("arn:aws:lambda:{}:{}:function:", context.settings.region,
                                       context.settings.account_id);
  const std::string partial = fmt::format("{}:function:", context.settings.account_id);
  std::string_view name = text;
  if (text.starts_with("arn:")) {
    if (!text.starts_with(full)) return std::nullopt;
    name = text.substr(full.size());
  } else if (text.starts_with(partial)) {
    name = text.substr(partial.size());
  }
  // A qualifier: only $LATEST exists here (no versions or aliases).
  if (auto colon = name.find(':'); colon != std::string_view::npos) {
    if (name.substr(colon + 1) != "$LATEST") return std::nullopt;
    name = name.substr(0, colon);
  }
  if (name.empty()) return std::nullopt;
  return std::string(name);
}

Result<std::string> find_function(const Context& context, std::string_view text) {
  auto name = function_name_of(context, text);
  if (name && context.runtime.config(*name)) return *name;
  const std::string arn = name ? context.runtime.arn(*name) : std::string(text);
  return Status::not_found(fmt::format("Function not found: {}", arn));
}

void write_function_configuration(JsonWriter& writer, const Context& context,
                                  const functions::FunctionConfig& config) {
  writer.StartObject();
  writer.Key("FunctionName");
  write_string(writer, config.name);
  writer.Key("FunctionArn");
  write_string(writer, context.runtime.arn(config.name));
  writer.Key("Runtime");
  writer.String("provided.al2023");
  writer.Key("Role");
  write_string(writer, fmt::format("arn:aws:iam::{}:role/eddy", context.settings.account_id));
  writer.Key("Handler");
  write_string(writer, config.handler);
  writer.Key("CodeSize");
  writer.Int(0);
  writer.Key("Description");
  writer.String("");
  writer.Key("Timeout");
  writer.Int64((config.timeout_ms + 999) / 1000);
  writer.Key("MemorySize");
  writer.Uint(config.memory_size_mb);
  writer.Key("Version");
  writer.String("$LATEST");
  writer.Key("Environment");
  writer.StartObject();
  writer.Key("Variables");
  writer.StartObject();
  for (const auto& [name, value] : config.environment) {
    write_key(writer, name);
    write_string(writer, value);
  }
  writer.EndObject();
  writer.EndObject();
  writer.Key("State");
  writer.String("Active");
  writer.Key("LastUpdateStatus");
  writer.String("Successful");
  writer.Key("PackageType");
  writer.String("Zip");
  writer.Key("Architectures");
  writer.StartArray();
  writer.String("x86_64");
  writer.EndArray();
  writer.EndObject();
}

void write_mapping(JsonWriter& writer, const esm::MappingView& mapping) {
  const esm::MappingConfig& c = mapping.config;
  writer.StartObject();
  writer.Key("UUID");
  write_string(writer, c.uuid);
  writer.Key("StartingPosition");
  writer.String(c.starting_position == esm::StartingPosition::kLatest ? "LATEST" : "TRIM_HORIZON");
  writer.Key("BatchSize");
  writer.Uint(c.batch_size);
  writer.Key("MaximumBatchingWindowInSeconds");
  writer.Int64(c.max_batching_window_ms / 1000);
  writer.Key("ParallelizationFactor");
  writer.Uint(c.parallelization_factor);
  writer.Key("EventSourceArn");
  write_string(writer, c.event_source_arn);
  writer.Key("FunctionArn");
  write_string(writer, mapping.function_arn);
  writer.Key("LastModified");
  writer.Double(static_cast<double>(c.last_modified_ms) / 1000.0);
  writer.Key("LastProcessingResult");
  write_string(writer, mapping.last_processing_result);
  writer.Key("State");
  write_string(writer, mapping.state);
  writer.Key("StateTransitionReason");
  write_string(writer, c.state_transition_reason);
  writer.Key("DestinationConfig");
  writer.StartObject();
  writer.Key("OnFailure");
  writer.StartObject();
  if (!c.on_failure.empty()) {
    writer.Key("Destination");
    write_string(writer, c.on_failure);
  }
  writer.EndObject();
  writer.EndObject();
  if (!c.filters.empty()) {
    writer.Key("FilterCriteria");
    writer.StartObject();
    writer.Key("Filters");
    writer.StartArray();
    for (const auto& pattern : c.filters) {
      writer.StartObject();
      writer.Key("Pattern");
      write_string(writer, pattern);
      writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
  }
  writer.Key("MaximumRecordAgeInSeconds");
  writer.Int64(c.max_record_age_ms < 0 ? -1 : c.max_record_age_ms / 1000);
  writer.Key("BisectBatchOnFunctionError");
  writer.Bool(c.bisect_on_error);
  writer.Key("MaximumRetryAttempts");
  writer.Int64(c.max_retry_attempts);
  writer.Key("TumblingWindowInSeconds");
  writer.Int64(c.tumbling_window_ms / 1000);
  writer.Key("FunctionResponseTypes");
  writer.StartArray();
  if (c.report_batch_item_failures) writer.String("ReportBatchItemFailures");
  writer.EndArray();
  writer.EndObject();
}

std::string mapping_json(const esm::MappingView& mapping) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  write_mapping(writer, mapping);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Status read_mapping_settings(const Json& body, esm::MappingConfig& config) {
  auto seconds = [&](std::string_view name, int64_t& out_ms) -> Status {
    EDDY_ASSIGN_OR_RETURN(auto value, get_integer(body, name));
    // -1 (infinite) stays -1; seconds become milliseconds.
    // Clamped first: any value this large is out of every range, and validation says so
    // (seconds * 1000 must not overflow on the way).
    if (value)
      out_ms =
          *value == -1 ? -1 : std::clamp<int64_t>(*value, -1'000'000'000, 1'000'000'000) * 1000;
    return Status::ok();
  };
  EDDY_ASSIGN_OR_RETURN(auto batch_size, get_integer(body, "BatchSize"));
  if (batch_size) {
    if (*batch_size < 1 || *batch_size > esm::kMaxBatchSize) {
      return Status::validation(fmt::format(
          "1 validation error detected: Value '{}' at 'batchSize' failed to satisfy "
          "constraint: Member must have value {} {}",
          *batch_size, *batch_size < 1 ? "greater than or equal to" : "less than or equal to",
          *batch_size < 1 ? 1 : esm::kMaxBatchSize));
    }
    config.batch_size = static_cast<uint32_t>(*batch_size);
  }
  EDDY_RETURN_IF_ERROR(seconds("MaximumBatchingWindowInSeconds", config.max_batching_window_ms));
  EDDY_ASSIGN_OR_RETURN(auto parallelization, get_integer(body, "ParallelizationFactor"));
  if (parallelization) {
    if (*parallelization < 1 || *parallelization > esm::kMaxParallelizationFactor) {
      return Status::validation(fmt::format(
          "1 validation error detected: Value '{}' at 'parallelizationFactor' failed to satisfy "
          "constraint: Member must have value {} {}",
          *parallelization,
          *parallelization < 1 ? "greater than or equal to" : "less than or equal to",
          *parallelization < 1 ? 1 : esm::kMaxParallelizationFactor));
    }
    config.parallelization_factor = static_cast<uint32_t>(*parallelization);
  }
  EDDY_ASSIGN_OR_RETURN(auto retries, get_integer(body, "MaximumRetryAttempts"));
  if (retries) config.max_retry_attempts = *retries;
  EDDY_RETURN_IF_ERROR(seconds("MaximumRecordAgeInSeconds", config.max_record_age_ms));
  EDDY_RETURN_IF_ERROR(seconds("TumblingWindowInSeconds", config.tumbling_window_ms));
  EDDY_ASSIGN_OR_RETURN(auto bisect, get_bool(body, "BisectBatchOnFunctionError"));
  if (bisect) config.bisect_on_error = *bisect;
  EDDY_ASSIGN_OR_RETURN(auto enabled, get_bool(body, "Enabled"));
  if (enabled) config.enabled = *enabled;
  EDDY_ASSIGN_OR_RETURN(auto response_types, get_string_list(body, "FunctionResponseTypes"));
  if (response_types) {
    config.report_batch_item_failures = false;
    for (const auto& type : *response_types) {
      if (type != "ReportBatchItemFailures") {
        return Status::validation(fmt::format(
            "1 validation error detected: Value '[{}]' at 'functionResponseTypes' failed to "
            "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum "
            "value set: [ReportBatchItemFailures]]",
            type));
      }
      config.report_batch_item_failures = true;
    }
  }
  EDDY_ASSIGN_OR_RETURN(auto destination_config, get_object(body, "DestinationConfig"));
  if (destination_config) {
    EDDY_ASSIGN_OR_RETURN(auto on_failure, get_object(*destination_config, "OnFailure"));
    config.on_failure.clear();
    if (on_failure) {
      EDDY_ASSIGN_OR_RETURN(auto destination, get_string(*on_failure, "Destination"));
      if (destination) config.on_failure = *destination;
    }
  }
  EDDY_ASSIGN_OR_RETURN(auto filter_criteria, get_object(body, "FilterCriteria"));
  if (filter_criteria) {
    EDDY_ASSIGN_OR_RETURN(auto filters, get_array(*filter_criteria, "Filters"));
    config.filters.clear();
    if (filters) {
      for (const auto& filter : filters->GetArray()) {
        EDDY_RETURN_IF_ERROR(expect_object(filter, "Filter"));
        EDDY_ASSIGN_OR_RETURN(auto pattern, get_string(filter, "Pattern"));
        if (pattern) config.filters.push_back(*pattern);
      }
    }
  }
  return Status::ok();
}

}  // namespace eddy::api::lambda
