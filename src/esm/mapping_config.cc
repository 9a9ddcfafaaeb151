#include "esm/mapping_config.h"
#include "model/json_codec.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace eddy::esm {

namespace {

constexpr int kPersistedVersion = 1;

// Lambda reports range violations as a Coral constraint message.
Status out_of_range(std::string_view member, int64_t value, std::string_view constraint) {
  return Status::validation(
      fmt::format("1 validation error detected: Value '{}' at '{}' failed to satisfy "
                  "constraint: {}",
                  value, member, constraint));
}

}  // namespace

Status validate(const MappingConfig& config, const ValidationOptions& options) {
  if (config.batch_size < 1) {
    return out_of_range("batchSize", config.batch_size,
                        "Member must have value greater than or equal to 1");
  }
  if (config.batch_size > kMaxBatchSize) {
    return out_of_range("batchSize", config.batch_size,
                        "Member must have value less than or equal to 10000");
  }
  const int64_t window_s = config.max_batching_window_ms / 1000;
  if (config.max_batching_window_ms < 0 || window_s > kMaxBatchingWindowSeconds) {
    return out_of_range("maximumBatchingWindowInSeconds", window_s,
                        config.max_batching_window_ms < 0
                            ? "Member must have value greater than or equal to 0"
                            : "Member must have value less than or equal to 300");
  }
  if (config.parallelization_factor < 1 ||
      config.parallelization_factor > kMaxParallelizationFactor) {
    return out_of_range("parallelizationFactor", config.parallelization_factor,
                        config.parallelization_factor < 1
                            ? "Member must have value greater than or equal to 1"
                            : "Member must have value less than or equal to 10");
  }
  if (config.max_retry_attempts < -1 || config.max_retry_attempts > kMaxRetryAttempts) {
    return out_of_range("maximumRetryAttempts", config.max_retry_attempts,
                        config.max_retry_attempts < -1
                            ? "Member must have value greater than or equal to -1"
                            : "Member must have value less than or equal to 10000");
  }
  if (config.max_record_age_ms != -1) {
    const int64_t age_s = config.max_record_age_ms / 1000;
    if (age_s > kMaxRecordAgeSeconds) {
      return out_of_range("maximumRecordAgeInSeconds", age_s,
                          "Member must have value less than or equal to 604800");
    }
    if (config.max_record_age_ms < -1) {
      return out_of_range("maximumRecordAgeInSeconds", age_s,
                          "Member must have value greater than or equal to -1");
    }
    // The API's range starts at -1, but Lambda accepts only -1 or at least 60 seconds.
    if (config.max_record_age_ms < options.min_record_age_seconds * 1000) {
      return Status::validation(fmt::format(
          "MaximumRecordAgeInSeconds must be -1 (infinite) or between {} and {} seconds",
          options.min_record_age_seconds, kMaxRecordAgeSeconds));
    }
  }
  const int64_t tumbling_s = config.tumbling_window_ms / 1000;
  if (config.tumbling_window_ms < 0 || tumbling_s > kMaxTumblingWindowSeconds) {
    return out_of_range("tumblingWindowInSeconds", tumbling_s,
                        config.tumbling_window_ms < 0
                            ? "Member must have value greater than or equal to 0"
                            : "Member must have value less than or equal to 900");
  }
  if (config.filters.size() > kMaxFilters) {
    return Status::validation(
        fmt::format("Invalid filter criteria: at most {} filters are allowed, {} were given",
                    kMaxFilters, config.filters.size()));
  }
  return Status::ok();
}

std::string to_persisted(const MappingConfig& config) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto text = [&](const char* key, const std::string& value) {
    writer.Key(key);
    model::write_string(writer, value);
  };
  writer.StartObject();
  writer.Key("v");
  writer.Int(kPersistedVersion);
  text("uuid", config.uuid);
  text("function", config.function_name);
  text("source", config.event_source_arn);
  writer.Key("latest");
  writer.Bool(config.starting_position == StartingPosition::kLatest);
  writer.Key("batchSize");
  writer.Uint(config.batch_size);
  writer.Key("windowMs");
  writer.Int64(config.max_batching_window_ms);
  writer.Key("parallelization");
  writer.Uint(config.parallelization_factor);
  writer.Key("retries");
  writer.Int64(config.max_retry_attempts);
  writer.Key("maxAgeMs");
  writer.Int64(config.max_record_age_ms);
  writer.Key("bisect");
  writer.Bool(config.bisect_on_error);
  writer.Key("partial");
  writer.Bool(config.report_batch_item_failures);
  writer.Key("tumblingMs");
  writer.Int64(config.tumbling_window_ms);
  text("onFailure", config.on_failure);
  writer.Key("filters");
  writer.StartArray();
  for (const auto& filter : config.filters)
    model::write_string(writer, filter);
  writer.EndArray();
  writer.Key("enabled");
  writer.Bool(config.enabled);
  writer.Key("modifiedMs");
  writer.Int64(config.last_modified_ms);
  text("reason", config.state_transition_reason);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<MappingConfig> from_persisted(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  auto bad = [] { return Status::corruption("unreadable event source mapping record"); };
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("v") || !doc["v"].IsInt() ||
      doc["v"].GetInt() != kPersistedVersion) {
    return bad();
  }
  MappingConfig config;
  auto str = [&](const char* key, std::string& out) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsString()) return false;
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto int64 = [&](const char* key, int64_t& out) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsInt64()) return false;
    out = it->value.GetInt64();
    return true;
  };
  auto boolean = [&](const char* key, bool& out) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsBool()) return false;
    out = it->value.GetBool();
    return true;
  };
  bool latest = false;
  int64_t batch = 0, parallelization = 0;
  if (!str("uuid", config.uuid) || !str("function", config.function_name) ||
      !str("source", config.event_source_arn) || !boolean("latest", latest) ||
      !int64("batchSize", batch) || !int64("windowMs", config.max_batching_window_ms) ||
      !int64("parallelization", parallelization) || !int64("retries", config.max_retry_attempts) ||
      !int64("maxAgeMs", config.max_record_age_ms) || !boolean("bisect", config.bisect_on_error) ||
      !boolean("partial", config.report_batch_item_failures) ||
      !int64("tumblingMs", config.tumbling_window_ms) || !str("onFailure", config.on_failure) ||
      !boolean("enabled", config.enabled) || !int64("modifiedMs", config.last_modified_ms) ||
      !str("reason", config.state_transition_reason)) {
    return bad();
  }
  config.starting_position = latest ? StartingPosition::kLatest : StartingPosition::kTrimHorizon;
  config.batch_size = static_cast<uint32_t>(batch);
  config.parallelization_factor = static_cast<uint32_t>(parallelization);
  auto filters = doc.FindMember("filters");
  if (filters == doc.MemberEnd() || !filters->value.IsArray()) return bad();
  for (const auto& filter : filters->value.GetArray()) {
    if (!filter.IsString()) return bad();
    config.filters.emplace_back(filter.GetString(), filter.GetStringLength());
  }
  return config;
}

}  // namespace eddy::esm
