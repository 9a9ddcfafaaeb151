// Time to Live: the table's setting (kept in the table's properties, so it survives restarts),
// its status as DescribeTimeToLive reports it, and which items have expired.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "model/attribute_value.h"

namespace eddy::api::dynamodb {

struct TtlSetting {
  std::string attribute;  // empty when Time to Live was never enabled
  bool enabled = false;
  int64_t changed_ms = 0;  // the last UpdateTimeToLive
};

TtlSetting read_ttl_setting(const std::map<std::string, std::string>& properties);
void write_ttl_setting(std::map<std::string, std::string>& properties, const TtlSetting& setting);

// ENABLING or DISABLING for one sweep interval after a change (the time the sweeper takes to
// act on it), then ENABLED or DISABLED.
std::string_view ttl_status(const TtlSetting& setting, int64_t now_ms, int64_t sweep_interval_ms);

// Whether `item` has expired at `now_ms`: its `attribute` is a Number of epoch seconds not after
// now, and not more than five years before now (DynamoDB ignores those). A missing attribute or
// one of another type never expires.
bool ttl_expired(const model::Item& item, const std::string& attribute, int64_t now_ms);

}  // namespace eddy::api::dynamodb
