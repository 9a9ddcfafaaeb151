// The shared base64 and URL helpers.
#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/url.h"

namespace eddy {
namespace {

TEST(Base64, RoundTripsAndRefusesWhatIsNotBase64) {
  for (std::string bytes : {std::string(), std::string("f"), std::string("fo"), std::string("foo"),
                            std::string("\xff\x00\x01", 3)}) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
  }
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\x01", 3)), "/wAB");
  EXPECT_EQ(base64url_encode(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_FALSE(base64_decode("Zm9"));       // not a multiple of 4
  EXPECT_FALSE(base64_decode("Zm9v!A=="));  // not the alphabet
  EXPECT_FALSE(base64_decode("Z=9v"));      // padding in the middle
  EXPECT_FALSE(base64url_decode("-_8="));   // padding is not part of the URL form
  EXPECT_FALSE(base64url_decode("+/8"));    // nor the standard alphabet
}

TEST(Url, PercentDecodingAndQueries) {
  EXPECT_EQ(percent_decode("arn%3Aaws%3Alambda"), "arn:aws:lambda");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("100%"), "100%");  // a malformed escape stays
  EXPECT_EQ(percent_decode("%zz1"), "%zz1");
  auto query = parse_query("x=1&x=2&y=a+b&flag&&z=%26");
  EXPECT_EQ(query["x"], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(query["y"], (std::vector<std::string>{"a b"}));
  EXPECT_EQ(query["flag"], (std::vector<std::string>{""}));
  EXPECT_EQ(query["z"], (std::vector<std::string>{"&"}));
  EXPECT_EQ(query.size(), 4u);
}

}  // namespace
}  // namespace eddy
