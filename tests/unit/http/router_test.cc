// The request path without sockets: routing, the AWS JSON envelope, x-amz-crc32, SigV4.
#include "http/router.h"
#include "unit/support/in_memory_engine.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cctype>
#include <deque>
#include <future>

#include "storage/engine.h"

namespace eddy::http {
namespace {

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = testing::in_memory_engine();
    context_ = std::make_unique<api::dynamodb::Context>(*engine_, api::dynamodb::Settings{});
    streams_ = std::make_unique<api::streams::Context>(*engine_, context_->settings, "key");
  }

  Response call(Router& router, Request request) {
    std::promise<Response> promise;
    router.handle(request, [&](Response response) { promise.set_value(std::move(response)); });
    return promise.get_future().get();
  }

  // Request holds views, as the server's buffers back them there; here the fixture keeps the
  // strings alive.
  std::string_view keep(std::string text) { return storage_.emplace_back(std::move(text)); }

  Request aws(std::string target, std::string body) {
    Request request;
    request.method = "POST";
    request.target = "/";
    // Names as a client may send them: header() must not care about case.
    request.headers = {{"Host", "127.0.0.1:8000"},
                       {"X-Amz-Target", keep(std::move(target))},
                       {"Content-Type", "application/x-amz-json-1.0"}};
    request.body = std::move(body);
    return request;
  }

  static std::string header(const Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return {};
  }

  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<api::dynamodb::Context> context_;
  std::unique_ptr<api::streams::Context> streams_;
  std::deque<std::string> storage_;
};

TEST_F(RouterTest, HealthAnswersOk) {
  Router router(*context_, *streams_, {});
  Request request;
  request.method = "GET";
  request.target = "/health";
  auto response = call(router, request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":"ok"})");
}

TEST_F(RouterTest, AwsJsonResponsesCarryCrc32AndRequestId) {
  Router router(*context_, *streams_, {});
  auto response = call(router, aws("DynamoDB_20120810.ListTables", "{}"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"TableNames":[]})");
  EXPECT_EQ(header(response, "content-type"), "application/x-amz-json-1.0");
  const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(response.body.data()),
                          static_cast<uInt>(response.body.size()));
  EXPECT_EQ(header(response, "x-amz-crc32"), std::to_string(crc));
  EXPECT_EQ(header(response, "x-amzn-requestid").size(), 52u);
}

TEST_F(RouterTest, RequestsAndErrorsAreCountedPerOperation) {
  RouterOptions options;
  options.metrics = [](std::string& out) { out += "engine_metrics 1\n"; };
  Router router(*context_, *streams_, options);
  call(router, aws("DynamoDB_20120810.ListTables", "{}"));
  call(router, aws("DynamoDB_20120810.ListTables", "{}"));
  call(router, aws("DynamoDB_20120810.GetItem", R"({"TableName":"none","Key":{}})"));
  call(router, aws("DynamoDB_20120810.NoSuchThing", "{}"));
  call(router, aws("DynamoDBStreams_20120810.ListStreams", "{}"));
  Request metrics;
  metrics.method = "GET";
  metrics.target = "/metrics";
  auto response = call(router, metrics);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(header(response, "content-type"), "text/plain; version=0.0.4");
  const std::string& text = response.body;
  auto has = [&](const std::string& line) {
    EXPECT_NE(text.find(line + "\n"), std::string::npos) << line << " in\n" << text;
  };
  has("# TYPE eddy_requests_total counter");
  has(R"(eddy_requests_total{api="dynamodb",operation="ListTables"} 2)");
  has(R"(eddy_request_errors_total{api="dynamodb",operation="ListTables"} 0)");
  has(R"(eddy_requests_total{api="dynamodb",operation="GetItem"} 1)");
  has(R"(eddy_request_errors_total{api="dynamodb",operation="GetItem"} 1)");
  has(R"(eddy_requests_total{api="dynamodb",operation="unknown"} 1)");
  has(R"(eddy_requests_total{api="streams",operation="ListStreams"} 1)");
  has(R"(eddy_requests_total{api="http",operation="metrics"} 1)");
  has("engine_metrics 1");  // the callback's part follows
}

TEST_F(RouterTest, ProtocolErrorsUseCoralTypes) {
  Router router(*context_, *streams_, {});
  auto unknown = call(router, aws("DynamoDB_20120810.Frobnicate", "{}"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body, R"({"__type":"com.amazon.coral.service#UnknownOperationException"})");

  auto malformed = call(router, aws("DynamoDB_20120810.ListTables", "{\"Limit\":"));
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("com.amazon.coral.service#SerializationException"),
            std::string::npos);

  auto not_object = call(router, aws("DynamoDB_20120810.ListTables", "[1]"));
  EXPECT_NE(not_object.body.find("SerializationException"), std::string::npos);

  auto wrong_type = call(router, aws("DynamoDB_20120810.ListTables", R"({"Limit":"ten"})"));
  EXPECT_EQ(
      wrong_type.body,
      R"({"__type":"com.amazon.coral.service#SerializationException","Message":"STRING_VALUE cannot be converted to Integer"})");

  auto missing = call(router, aws("DynamoDB_20120810.DescribeTable", R"({"TableName":"nope"})"));
  EXPECT_EQ(
      missing.body,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found: Table: nope not found"})");
}

TEST_F(RouterTest, UnroutedPathsAnswerLikeApiGateway) {
  Router router(*context_, *streams_, {});
  Request request;
  request.method = "GET";
  request.target = "/nowhere";
  auto response = call(router, request);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body, R"({"message":"Missing Authentication Token"})");
}

TEST_F(RouterTest, SigV4IsEnforcedWhenCredentialsAreConfigured) {
  RouterOptions options;
  options.credentials.emplace();
  options.credentials->add("AKIDLOCAL", "local-secret");
  FakeClock clock(*parse_amz_date("20261124T093000Z"));
  options.clock = &clock;
  Router router(*context_, *streams_, std::move(options));

  auto unsigned_request = aws("DynamoDB_20120810.ListTables", "{}");
  auto response = call(router, unsigned_request);
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("MissingAuthenticationTokenException"), std::string::npos);

  auto signed_request = aws("DynamoDB_20120810.ListTables", "{}");
  signed_request.headers.emplace_back("X-Amz-Date", "20261124T093000Z");
  SignedRequest to_sign{signed_request.method, signed_request.target, {}, signed_request.body};
  for (const auto& [name, value] : signed_request.headers) {
    std::string lower(name);
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    to_sign.headers.emplace_back(lower, std::string(value));
  }
  signed_request.headers.emplace_back(
      "Authorization", keep(sign_sigv4(to_sign, "AKIDLOCAL", "local-secret", "20261124T093000Z",
                                       "us-east-1", "dynamodb")));
  response = call(router, signed_request);
  EXPECT_EQ(response.status, 200) << response.body;

  signed_request.body = R"({"Limit":1})";  // the signature no longer covers the body
  response = call(router, signed_request);
  EXPECT_NE(response.body.find("InvalidSignatureException"), std::string::npos);
  // The health check stays public.
  Request health;
  health.method = "GET";
  health.target = "/health";
  EXPECT_EQ(call(router, health).status, 200);
}

}  // namespace
}  // namespace eddy::http
