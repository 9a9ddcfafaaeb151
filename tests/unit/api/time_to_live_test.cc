// Time to Live: which items have expired, the status DescribeTimeToLive reports, and the
// sweeper deleting exactly the expired items with records marked as Time to Live's.
#include "api/dynamodb/time_to_live.h"

#include <gtest/gtest.h>

#include "api/dynamodb/ttl_sweeper.h"
#include "common/clock.h"
#include "unit/storage/test_util.h"
#include "unit/support/in_memory_engine.h"

namespace eddy::api::dynamodb {
namespace {

model::Item with_expiry(model::AttributeValue value) {
  model::Item item;
  item["id"] = model::AttributeValue::string("k");
  item["expires"] = std::move(value);
  return item;
}

model::AttributeValue number(std::string_view text) {
  return model::AttributeValue::number(model::Number::parse(text).value());
}

TEST(TtlExpired, ANumberOfEpochSecondsNotAfterNowAndNotOverFiveYearsBack) {
  const int64_t now_ms = 1'800'000'000'500;  // 1800000000.5 s
  EXPECT_TRUE(ttl_expired(with_expiry(number("1800000000")), "expires", now_ms));
  EXPECT_TRUE(ttl_expired(with_expiry(number("1799999999.99")), "expires", now_ms));
  EXPECT_FALSE(ttl_expired(with_expiry(number("1800000001")), "expires", now_ms));
  const int64_t five_years = 5LL * 365 * 24 * 3600;
  EXPECT_TRUE(ttl_expired(with_expiry(number(std::to_string(1'800'000'000 - five_years))),
                          "expires", now_ms));
  EXPECT_FALSE(ttl_expired(with_expiry(number(std::to_string(1'800'000'000 - five_years - 1))),
                           "expires", now_ms));
  // Milliseconds by mistake read as far in the future.
  EXPECT_FALSE(ttl_expired(with_expiry(number("1799999999000")), "expires", now_ms));
  EXPECT_FALSE(ttl_expired(with_expiry(model::AttributeValue::string("1")), "expires", now_ms));
  EXPECT_FALSE(ttl_expired(with_expiry(number("1")), "other", now_ms));
}

TEST(TtlStatus, ChangingForOneSweepIntervalAfterAChange) {
  TtlSetting setting;
  EXPECT_EQ(ttl_status(setting, 10'000, 1000), "DISABLED");
  setting = {"expires", true, 10'000};
  EXPECT_EQ(ttl_status(setting, 10'500, 1000), "ENABLING");
  EXPECT_EQ(ttl_status(setting, 11'000, 1000), "ENABLED");
  setting.enabled = false;
  EXPECT_EQ(ttl_status(setting, 10'999, 1000), "DISABLING");
  EXPECT_EQ(ttl_status(setting, 11'000, 1000), "DISABLED");
  std::map<std::string, std::string> properties{{"tags", "[]"}};
  write_ttl_setting(properties, {"expires", true, 42});
  const auto read = read_ttl_setting(properties);
  EXPECT_EQ(read.attribute, "expires");
  EXPECT_TRUE(read.enabled);
  EXPECT_EQ(read.changed_ms, 42);
  EXPECT_EQ(properties.at("tags"), "[]");
}

TEST(TtlSweeper, DeletesExactlyTheExpiredItemsWithTtlRecords) {
  FakeClock clock(1'800'000'000'000);
  auto engine = testing::in_memory_engine(&clock);
  storage::TableSpec spec =
      storage::testing::hash_table("sessions", storage::StreamViewType::kKeysOnly);
  ASSERT_TRUE(engine->create_table(spec).is_ok());
  auto put = [&](std::string id, std::optional<std::string> expires) {
    model::Item item;
    item["id"] = model::AttributeValue::string(id);
    if (expires) item["expires"] = number(*expires);
    storage::ItemWrite write{"sessions", model::extract_key(item, spec.key_schema),
                             storage::Put{item}};
    ASSERT_TRUE(engine->write({{std::move(write)}}).status.is_ok());
  };
  for (int i = 0; i < 250; ++i)
    put("old" + std::to_string(i), "1799999000");  // 250: more than two pages
  put("future", "1800000100");
  put("never", std::nullopt);

  TtlSweeper sweeper(*engine, {.interval_ms = 1000, .page_items = 100});
  EXPECT_EQ(sweeper.sweep_once().value(), 0u) << "Time to Live is off";
  auto table = engine->describe_table("sessions").value();
  write_ttl_setting(table.properties, {"expires", true, clock.now_ms()});
  ASSERT_TRUE(engine->update_properties("sessions", table.properties).is_ok());

  EXPECT_EQ(sweeper.sweep_once().value(), 250u);
  EXPECT_EQ(sweeper.sweep_once().value(), 0u);
  EXPECT_EQ(sweeper.deleted_total(), 250u);
  EXPECT_EQ(engine->describe_table("sessions")->item_count, 2u);

  const auto stream = engine->list_streams().at(0);
  auto read = engine->read_shard(stream.id, 0, 0, 10'000).value();
  size_t ttl_removes = 0;
  for (const auto& record : read.records) {
    if (record.event == storage::EventName::kRemove) {
      EXPECT_TRUE(record.ttl_delete);
      ++ttl_removes;
    }
  }
  EXPECT_EQ(ttl_removes, 250u);

  clock.advance_ms(200'000);  // "future" expires now
  EXPECT_EQ(sweeper.sweep_once().value(), 1u);
}

}  // namespace
}  // namespace eddy::api::dynamodb
