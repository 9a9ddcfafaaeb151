// client::HttpDynamoDb against Eddy's own HTTP server (in this process, on a free loopback port,
// SigV4 verified): signed calls succeed, errors arrive as DynamoDB reports them, a wrong secret
// is refused by the server's verification, session tokens are sent, and a connection the
// server closed while idle is replaced without the caller noticing.
#include "client/http_dynamodb.h"
#include "unit/support/in_memory_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "api/dynamodb/operation.h"
#include "api/streams/operation.h"
#include "http/router.h"
#include "http/server.h"
#include "storage/engine.h"

namespace eddy::client {
namespace {

using ::testing::HasSubstr;

class HttpDynamoDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = testing::in_memory_engine();
    context_ = std::make_unique<api::dynamodb::Context>(*engine_, api::dynamodb::Settings{});
    streams_ = std::make_unique<api::streams::Context>(*engine_, context_->settings, "key");
    http::RouterOptions router_options;
    http::Credentials credentials;
    credentials.add("AKIDCLIENTTEST", "client-secret");
    router_options.credentials = std::move(credentials);
    router_ = std::make_unique<http::Router>(*context_, *streams_, std::move(router_options));
    http::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 1;
    server_options.idle_timeout = std::chrono::milliseconds(300);
    server_ = std::make_unique<http::Server>(*router_, server_options);
    address_ = server_->listen().value();
    thread_ = std::thread([this] { server_->run(false); });
  }

  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  HttpDynamoDbOptions options(std::string secret = "client-secret") {
    HttpDynamoDbOptions o;
    o.endpoint = Url::parse("http://" + address_).value();
    o.access_key_id = "AKIDCLIENTTEST";
    o.secret_access_key = std::move(secret);
    return o;
  }

  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<api::dynamodb::Context> context_;
  std::unique_ptr<api::streams::Context> streams_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::Server> server_;
  std::string address_;
  std::thread thread_;
};

constexpr const char* kCreate =
    R"({"TableName":"notes","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],)"
    R"("AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],)"
    R"("BillingMode":"PAY_PER_REQUEST"})";

TEST_F(HttpDynamoDbTest, SignedCallsSucceedAndErrorsAreDynamoDbs) {
  HttpDynamoDb db(options());
  ASSERT_TRUE(std::holds_alternative<std::string>(db.call("CreateTable", kCreate)));
  auto put = db.call("PutItem", R"({"TableName":"notes","Item":{"id":{"S":"n1"},"n":{"N":"3"}}})");
  ASSERT_TRUE(std::holds_alternative<std::string>(put));
  auto got = db.call("GetItem", R"({"TableName":"notes","Key":{"id":{"S":"n1"}}})");
  ASSERT_TRUE(std::holds_alternative<std::string>(got));
  EXPECT_EQ(std::get<std::string>(got), R"({"Item":{"id":{"S":"n1"},"n":{"N":"3"}}})");

  auto failed = db.call(
      "PutItem",
      R"j({"TableName":"notes","Item":{"id":{"S":"n1"}},"ConditionExpression":"attribute_not_exists(id)"})j");
  ASSERT_TRUE(std::holds_alternative<Error>(failed));
  EXPECT_EQ(std::get<Error>(failed).name(), "ConditionalCheckFailedException");
  EXPECT_EQ(std::get<Error>(failed).http_status, 400);
  EXPECT_EQ(std::get<Error>(failed).message, "The conditional request failed");

  auto missing = db.call("GetItem", R"({"TableName":"nope","Key":{"id":{"S":"n1"}}})");
  ASSERT_TRUE(std::holds_alternative<Error>(missing));
  EXPECT_EQ(std::get<Error>(missing).name(), "ResourceNotFoundException");
}

TEST_F(HttpDynamoDbTest, AWrongSecretIsRefusedByTheServersVerification) {
  HttpDynamoDb db(options("not-the-secret"));
  auto refused = db.call("ListTables", "{}");
  ASSERT_TRUE(std::holds_alternative<Error>(refused));
  EXPECT_EQ(std::get<Error>(refused).name(), "InvalidSignatureException");
}

TEST_F(HttpDynamoDbTest, ASessionTokenIsSentAndSigned) {
  auto o = options();
  o.session_token = "FQoGZXIvYXdzEXAMPLETOKEN";
  HttpDynamoDb db(o);
  EXPECT_TRUE(std::holds_alternative<std::string>(db.call("ListTables", "{}")));
}

TEST_F(HttpDynamoDbTest, AConnectionClosedWhileIdleIsReplaced) {
  HttpDynamoDb db(options());
  ASSERT_TRUE(std::holds_alternative<std::string>(db.call("ListTables", "{}")));
  // The server closes keep-alive connections idle for 300 ms.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  auto again = db.call("ListTables", "{}");
  EXPECT_TRUE(std::holds_alternative<std::string>(again))
      << std::get<Error>(again).type << ": " << std::get<Error>(again).message;
}

TEST_F(HttpDynamoDbTest, AnUnreachableEndpointIsAConnectionError) {
  auto o = options();
  o.endpoint = Url::parse("http://127.0.0.1:1").value();
  HttpDynamoDb db(o);
  auto failed = db.call("ListTables", "{}");
  ASSERT_TRUE(std::holds_alternative<Error>(failed));
  EXPECT_EQ(std::get<Error>(failed).name(), "ConnectionError");
  EXPECT_EQ(std::get<Error>(failed).http_status, 0);
}

TEST(HttpConnection, AServerThatNeverAnswersTimesOut) {
  // A listening socket nobody accepts from: the kernel completes the connection, the request
  // is sent, and no answer ever comes.
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const auto port = ntohs(address.sin_port);

  HttpConnection connection(Url::parse(fmt::format("http://127.0.0.1:{}", port)).value(),
                            HttpOptions{.timeout_ms = 300});
  const auto started = std::chrono::steady_clock::now();
  auto response = connection.request("POST", "/", {}, "{}");
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(response.is_ok());
  EXPECT_THAT(response.status().message(), HasSubstr("timed out"));
  // It gave up: well before the seconds a blocking read would wait for ever.
  EXPECT_LT(waited, std::chrono::seconds(20));
  ::close(listener);
}

TEST(Url, ParsesTheFormsTheSdksAccept) {
  auto url = Url::parse("https://dynamodb.eu-west-1.amazonaws.com").value();
  EXPECT_TRUE(url.https);
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.host_header(), "dynamodb.eu-west-1.amazonaws.com");
  url = Url::parse("http://127.0.0.1:8000/").value();
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8000);
  EXPECT_EQ(url.base_path, "");
  EXPECT_EQ(url.host_header(), "127.0.0.1:8000");
  url = Url::parse("http://[::1]:9000/base/").value();
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.base_path, "/base");
  EXPECT_EQ(url.host_header(), "[::1]:9000");
  EXPECT_FALSE(Url::parse("ftp://x").is_ok());
  EXPECT_FALSE(Url::parse("http://x:0").is_ok());
  EXPECT_FALSE(Url::parse("http://x:99999").is_ok());
  EXPECT_FALSE(Url::parse("http://:80").is_ok());
}

TEST(HttpDynamoDbOptions, ComeFromTheEnvironmentAsTheSdksReadThem) {
  ::setenv("AWS_REGION", "eu-west-1", 1);
  ::setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
  ::setenv("AWS_SESSION_TOKEN", "token", 1);
  ::unsetenv("AWS_ENDPOINT_URL");
  ::unsetenv("AWS_ENDPOINT_URL_DYNAMODB");
  auto o = HttpDynamoDb::options_from_environment().value();
  EXPECT_EQ(o.endpoint.host, "dynamodb.eu-west-1.amazonaws.com");
  EXPECT_TRUE(o.endpoint.https);
  EXPECT_EQ(o.session_token, "token");
  ::setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:8000", 1);
  EXPECT_EQ(HttpDynamoDb::options_from_environment().value().endpoint.port, 8000);
  ::setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9000", 1);
  EXPECT_EQ(HttpDynamoDb::options_from_environment().value().endpoint.port, 9000);
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  EXPECT_THAT(HttpDynamoDb::options_from_environment().status().message(),
              HasSubstr("AWS_SECRET_ACCESS_KEY"));
}

}  // namespace
}  // namespace eddy::client
