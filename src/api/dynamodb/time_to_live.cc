#include "api/dynamodb/time_to_live.h"

#include <charconv>

namespace eddy::api::dynamodb {

namespace {

constexpr const char* kAttribute = "ttl_attribute";
constexpr const char* kEnabled = "ttl_enabled";  // "true" | "false"
constexpr const char* kChanged = "ttl_changed_ms";

// DynamoDB ignores expiry times more than five years in the past (a value in milliseconds or
// microseconds by mistake reads as far in the future instead, and never expires either).
constexpr int64_t kFiveYearsSeconds = 5 * 365 * 24 * 3600;

}  // namespace

TtlSetting read_ttl_setting(const std::map<std::string, std::string>& properties) {
  TtlSetting setting;
  if (auto it = properties.find(kAttribute); it != properties.end()) setting.attribute = it->second;
  if (auto it = properties.find(kEnabled); it != properties.end()) {
    setting.enabled = it->second == "true";
  }
  if (auto it = properties.find(kChanged); it != properties.end()) {
    std::from_chars(it->second.data(), it->second.data() + it->second.size(), setting.changed_ms);
  }
  return setting;
}

void write_ttl_setting(std::map<std::string, std::string>& properties, const TtlSetting& setting) {
  properties[kAttribute] = setting.attribute;
  properties[kEnabled] = setting.enabled ? "true" : "false";
  properties[kChanged] = std::to_string(setting.changed_ms);
}

std::string_view ttl_status(const TtlSetting& setting, int64_t now_ms, int64_t sweep_interval_ms) {
  const bool changing = setting.changed_ms > 0 && now_ms - setting.changed_ms < sweep_interval_ms;
  if (setting.enabled) return changing ? "ENABLING" : "ENABLED";
  return changing ? "DISABLING" : "DISABLED";
}

bool ttl_expired(const model::Item& item, const std::string& attribute, int64_t now_ms) {
  auto it = item.find(attribute);
  if (it == item.end() || !it->second.is<model::Number>()) return false;
  const auto& expiry = it->second.as<model::Number>();
  const int64_t now_s = now_ms / 1000;
  return expiry <= model::Number::from_int64(now_s) &&
         expiry >= model::Number::from_int64(now_s - kFiveYearsSeconds);
}

}  // namespace eddy::api::dynamodb
