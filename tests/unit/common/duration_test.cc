#include "common/duration.h"

#include <gtest/gtest.h>

namespace eddy {
namespace {

TEST(Duration, ParsesEachUnit) {
  EXPECT_EQ(*parse_duration_ms("250ms"), 250);
  EXPECT_EQ(*parse_duration_ms("90s"), 90'000);
  EXPECT_EQ(*parse_duration_ms("5m"), 300'000);
  EXPECT_EQ(*parse_duration_ms("24h"), 86'400'000);
  EXPECT_EQ(*parse_duration_ms("7d"), 604'800'000);
  EXPECT_EQ(*parse_duration_ms("0s"), 0);
}

TEST(Duration, RefusesNumbersWithoutUnitsAndJunk) {
  for (const char* text :
       {"", "90", "s", "1.5s", "-1s", "10 s", "10sec", "1mss", "9999999999999s"}) {
    auto parsed = parse_duration_ms(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_NE(parsed.status().message().find("with a unit"), std::string::npos);
  }
}

TEST(Duration, FormatsShortestExactForm) {
  EXPECT_EQ(format_duration_ms(4 * 3'600'000), "4h");
  EXPECT_EQ(format_duration_ms(90'000), "90s");
  EXPECT_EQ(format_duration_ms(1'500), "1500ms");
  EXPECT_EQ(format_duration_ms(0), "0ms");
}

}  // namespace
}  // namespace eddy
