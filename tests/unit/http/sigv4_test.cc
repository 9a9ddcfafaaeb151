// SigV4 verification against AWS's published test vector and against signatures made by
// botocore (an independent implementation), plus each error AWS reports.
#include "http/sigv4.h"

#include <gtest/gtest.h>

namespace eddy::http {
namespace {

constexpr const char* kKeyId = "AKIDEXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

Credentials example_credentials() {
  Credentials credentials;
  credentials.add(kKeyId, kSecret);
  return credentials;
}

// What botocore 1.29 (Debian 12's python3-botocore) signed for a DescribeTable at
// 2026-11-24T09:30:00Z, host 127.0.0.1:8000.
SignedRequest botocore_describe_table() {
  SignedRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {
      {"host", "127.0.0.1:8000"},
      {"x-amz-target", "DynamoDB_20120810.DescribeTable"},
      {"content-type", "application/x-amz-json-1.0"},
      {"x-amz-date", "20261124T093000Z"},
      {"authorization",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/dynamodb/aws4_request, "
       "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
       "Signature=54ef48ed7c238dad27cc3bcbdaf1013a2e08d82cbf80e8b2e95a6bcf2001438c"},
  };
  request.body = R"({"TableName":"notes"})";
  return request;
}

const int64_t kSigningTime = *parse_amz_date("20261124T093000Z");

TEST(SigV4, SignsAwsGetVanillaVector) {
  // AWS's SigV4 test suite, case get-vanilla (botocore produces the same signature).
  SignedRequest request;
  request.method = "GET";
  request.target = "/";
  request.headers = {{"host", "example.amazonaws.com"}, {"x-amz-date", "20150830T123600Z"}};
  EXPECT_EQ(sign_sigv4(request, kKeyId, kSecret, "20150830T123600Z", "us-east-1", "service"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, AcceptsBotocoreSignature) {
  EXPECT_EQ(verify_sigv4(botocore_describe_table(), example_credentials(), kSigningTime),
            std::nullopt);
  // Within the 15 minutes of skew either way.
  EXPECT_EQ(verify_sigv4(botocore_describe_table(), example_credentials(),
                         kSigningTime + kMaxClockSkewMs - 1000),
            std::nullopt);
}

TEST(SigV4, RejectsChangedBodyHeaderOrSecret) {
  auto request = botocore_describe_table();
  request.body = R"({"TableName":"other"})";
  auto error = verify_sigv4(request, example_credentials(), kSigningTime);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name(), "InvalidSignatureException");
  EXPECT_EQ(error->message.rfind("The request signature we calculated does not match the "
                                 "signature you provided.",
                                 0),
            0u);
  EXPECT_EQ(error->message.find(kSecret), std::string::npos);

  request = botocore_describe_table();
  request.headers[1].second = "DynamoDB_20120810.DeleteTable";
  error = verify_sigv4(request, example_credentials(), kSigningTime);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name(), "InvalidSignatureException");

  Credentials other;
  other.add(kKeyId, "another-secret");
  error = verify_sigv4(botocore_describe_table(), other, kSigningTime);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name(), "InvalidSignatureException");
}

TEST(SigV4, ReportsMissingUnknownAndExpired) {
  auto request = botocore_describe_table();
  request.headers.pop_back();  // no Authorization
  auto error = verify_sigv4(request, example_credentials(), kSigningTime);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->type, "com.amazon.coral.service#MissingAuthenticationTokenException");
  EXPECT_EQ(error->message, "Request is missing Authentication Token");

  Credentials stranger;
  stranger.add("AKIDOTHER", kSecret);
  error = verify_sigv4(botocore_describe_table(), stranger, kSigningTime);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name(), "UnrecognizedClientException");
  EXPECT_EQ(error->message, "The security token included in the request is invalid.");

  error = verify_sigv4(botocore_describe_table(), example_credentials(),
                       kSigningTime + kMaxClockSkewMs + 1000);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name(), "InvalidSignatureException");
  EXPECT_EQ(error->message,
            "Signature expired: 20261124T093000Z is now earlier than 20261124T093001Z "
            "(20261124T094501Z - 15 min.)");

  error = verify_sigv4(botocore_describe_table(), example_credentials(),
                       kSigningTime - kMaxClockSkewMs - 1000);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("Signature not yet current"), std::string::npos);
}

TEST(SigV4, ReportsIncompleteAuthorization) {
  auto request = botocore_describe_table();
  request.headers.back().second =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/dynamodb/aws4_request";
  auto error = verify_sigv4(request, example_credentials(), kSigningTime);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name(), "IncompleteSignatureException");
  EXPECT_NE(error->message.find("Authorization header requires 'Signature' parameter."),
            std::string::npos);
  EXPECT_NE(error->message.find("Authorization header requires 'SignedHeaders' parameter."),
            std::string::npos);
}

TEST(SigV4, SignAndVerifyRoundTripWithQueryAndEncodedPath) {
  SignedRequest request;
  request.method = "POST";
  request.target = "/2015-03-31/functions/word%20count/invocations?Qualifier=%24LATEST&b=2&a=1";
  request.headers = {{"host", "127.0.0.1:9000"}, {"x-amz-date", "20261124T093000Z"}};
  request.body = "{}";
  request.headers.emplace_back(
      "authorization",
      sign_sigv4(request, kKeyId, kSecret, "20261124T093000Z", "eu-west-1", "lambda"));
  EXPECT_EQ(verify_sigv4(request, example_credentials(), kSigningTime), std::nullopt);
}

TEST(Credentials, ParsesPairsCommentsAndRejectsBadLines) {
  auto credentials = Credentials::parse("# local keys\n\nAKID1 secret1\n  AKID2\tsecret2  \n");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->size(), 2u);
  ASSERT_NE(credentials->secret("AKID2"), nullptr);
  EXPECT_EQ(*credentials->secret("AKID2"), "secret2");
  EXPECT_EQ(credentials->secret("AKID3"), nullptr);

  auto bad = Credentials::parse("AKID1 secret1\nAKID2 secret2 extra\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("secret2"), std::string::npos);  // never echoed
  EXPECT_FALSE(Credentials::parse("# nothing\n"));
}

TEST(AmzDate, ParsesAndFormats) {
  auto ms = parse_amz_date("20150830T123600Z");
  ASSERT_TRUE(ms);
  EXPECT_EQ(*ms, 1440938160000);
  EXPECT_EQ(format_amz_date(*ms), "20150830T123600Z");
  EXPECT_FALSE(parse_amz_date("2015-08-30T12:36:00Z"));
  EXPECT_FALSE(parse_amz_date("20151330T123600Z"));
}

}  // namespace
}  // namespace eddy::http
