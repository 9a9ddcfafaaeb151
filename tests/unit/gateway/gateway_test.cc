// The REST gateway: route matching, the proxy event, the proxy response, and the gateway's
// answers (502, 500, 413) with a real function runtime.
#include "gateway/gateway.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <future>

#include "functions/builtin.h"

namespace eddy::gateway {
namespace {

RouteTable table() {
  return std::move(RouteTable::build({{"POST", "/notes", "put"},
                                      {"GET", "/notes", "list"},
                                      {"GET", "/notes/{id}", "get"},
                                      {"GET", "/notes/latest", "latest"},
                                      {"ANY", "/files/{path+}", "files"}},
                                     "prod"))
      .value();
}

TEST(Routes, MatchWithAndWithoutTheStage) {
  auto routes = table();
  auto plain = routes.match("POST", "/notes");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->route->function, "put");
  EXPECT_FALSE(plain->through_stage);
  auto staged = routes.match("POST", "/prod/notes");
  ASSERT_TRUE(staged);
  EXPECT_EQ(staged->route->function, "put");
  EXPECT_TRUE(staged->through_stage);
  EXPECT_EQ(staged->path, "/notes");
  EXPECT_FALSE(routes.match("DELETE", "/notes"));
  EXPECT_FALSE(routes.match("GET", "/other"));
  EXPECT_FALSE(routes.match("GET", "/prod"));
}

TEST(Routes, PathParametersLiteralsFirstAndGreedy) {
  auto routes = table();
  auto get = routes.match("GET", "/prod/notes/n1");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->route->function, "get");
  EXPECT_EQ(get->path_parameters.at("id"), "n1");
  EXPECT_EQ(routes.match("GET", "/notes/latest")->route->function, "latest");
  auto files = routes.match("PUT", "/files/a/b/c.txt");
  ASSERT_TRUE(files);
  EXPECT_EQ(files->path_parameters.at("path"), "a/b/c.txt");
  EXPECT_FALSE(routes.match("GET", "/files"));
  EXPECT_FALSE(routes.match("GET", "/notes/a/b"));
  EXPECT_EQ(RouteTable::build({{"GET", "/a", "f"}, {"GET", "/a", "g"}}, "s").status().code(),
            Code::kValidation);
  // An exact method wins over ANY on the same path, whatever the order of declaration.
  auto any_first =
      std::move(RouteTable::build({{"ANY", "/x", "any"}, {"GET", "/x", "get"}}, "s")).value();
  EXPECT_EQ(any_first.match("GET", "/x")->route->function, "get");
  EXPECT_EQ(any_first.match("POST", "/x")->route->function, "any");
}

TEST(ProxyEvent, HasApiGatewaysShape) {
  auto routes = table();
  auto match = *routes.match("GET", "/prod/notes/n%201");
  std::vector<std::pair<std::string_view, std::string_view>> headers = {
      {"Content-Type", "application/json"},
      {"X-Multi", "a"},
      {"X-Multi", "b"},
      {"User-Agent", "curl/7.88"}};
  std::string body;
  HttpRequest request{"GET", "/prod/notes/n%201?x=1&x=2&y=a+b", &headers, &body};
  rapidjson::Document event;
  const std::string text = build_proxy_event(request, match, "prod", {}, "rid", 1519166937665);
  event.Parse(text.c_str());
  ASSERT_FALSE(event.HasParseError()) << text;
  EXPECT_STREQ(event["resource"].GetString(), "/notes/{id}");
  EXPECT_STREQ(event["path"].GetString(), "/notes/n%201");
  EXPECT_STREQ(event["httpMethod"].GetString(), "GET");
  EXPECT_STREQ(event["pathParameters"]["id"].GetString(), "n 1");
  EXPECT_STREQ(event["headers"]["X-Multi"].GetString(), "b");
  EXPECT_EQ(event["multiValueHeaders"]["X-Multi"].Size(), 2u);
  EXPECT_STREQ(event["queryStringParameters"]["x"].GetString(), "2");
  EXPECT_EQ(event["multiValueQueryStringParameters"]["x"].Size(), 2u);
  EXPECT_STREQ(event["queryStringParameters"]["y"].GetString(), "a b");
  EXPECT_TRUE(event["stageVariables"].IsNull());
  EXPECT_TRUE(event["body"].IsNull());
  EXPECT_FALSE(event["isBase64Encoded"].GetBool());
  const auto& context = event["requestContext"];
  EXPECT_STREQ(context["stage"].GetString(), "prod");
  EXPECT_STREQ(context["path"].GetString(), "/prod/notes/n%201");
  EXPECT_STREQ(context["requestId"].GetString(), "rid");
  EXPECT_STREQ(context["requestTime"].GetString(), "20/Feb/2018:22:48:57 +0000");
  EXPECT_EQ(context["requestTimeEpoch"].GetInt64(), 1519166937665);
  EXPECT_STREQ(context["identity"]["userAgent"].GetString(), "curl/7.88");
  EXPECT_TRUE(context["identity"]["user"].IsNull());

  // Without the stage, requestContext.path is the path as called; no query, no parameters.
  auto list = *routes.match("GET", "/notes");
  HttpRequest plain{"GET", "/notes", nullptr, &body};
  event.Parse(build_proxy_event(plain, list, "prod", {}, "r", 0).c_str());
  EXPECT_STREQ(event["requestContext"]["path"].GetString(), "/notes");
  EXPECT_TRUE(event["pathParameters"].IsNull());
  EXPECT_TRUE(event["queryStringParameters"].IsNull());
  EXPECT_TRUE(event["headers"].IsNull());

  std::string binary("\xff\x00\x01", 3);
  HttpRequest post{"POST", "/notes", nullptr, &binary};
  auto put = *routes.match("POST", "/notes");
  event.Parse(build_proxy_event(post, put, "prod", {}, "r", 0).c_str());
  EXPECT_TRUE(event["isBase64Encoded"].GetBool());
  EXPECT_STREQ(event["body"].GetString(), "/wAB");
}

TEST(ProxyResponse, ReadsTheContractAndRefusesMalformedOnes) {
  auto ok = read_proxy_response(R"({"statusCode":201,"headers":{"Location":"/notes/1","X-A":"1"},)"
                                R"("multiValueHeaders":{"X-A":["2","3"]},"body":"{\"id\":1}"})");
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok->status, 201);
  EXPECT_EQ(ok->body, R"({"id":1})");
  std::vector<std::pair<std::string, std::string>> expected = {
      {"Location", "/notes/1"}, {"X-A", "2"}, {"X-A", "3"}};
  EXPECT_EQ(ok->headers, expected);
  auto binary = read_proxy_response(R"({"statusCode":200,"body":"/wAB","isBase64Encoded":true})");
  ASSERT_TRUE(binary.is_ok());
  EXPECT_EQ(binary->body, std::string("\xff\x00\x01", 3));
  EXPECT_TRUE(read_proxy_response(R"({"statusCode":204})").is_ok());
  // Headers cannot split the response nor replace the server's framing.
  EXPECT_FALSE(
      read_proxy_response(R"({"statusCode":200,"headers":{"X":"a\r\nInjected: 1"}})").is_ok());
  EXPECT_FALSE(read_proxy_response(R"({"statusCode":200,"headers":{"X\nY":"a"}})").is_ok());
  auto framed = read_proxy_response(
      R"({"statusCode":200,"headers":{"Content-Length":"99","Connection":"close","X":"1"}})");
  ASSERT_TRUE(framed.is_ok());
  EXPECT_EQ(framed->headers, (std::vector<std::pair<std::string, std::string>>{{"X", "1"}}));
  for (const char* bad :
       {"null", "[]", "{}", R"({"statusCode":"200"})", R"({"statusCode":200,"body":{"a":1}})",
        R"({"statusCode":200,"headers":{"a":1}})", R"({"statusCode":99})", "not json"}) {
    EXPECT_FALSE(read_proxy_response(bad).is_ok()) << bad;
  }
}

class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest() : runtime_(functions::RuntimeOptions{}) {
    add("echo", [](const std::string& event, const auto&) {
      return R"({"statusCode":200,"body":)" + std::string("\"ok\"") + "}";
    });
    add("object-body", [](const std::string&, const auto&) {
      return std::string(R"({"statusCode":200,"body":{"a":1}})");
    });
    add("throws", [](const std::string&, const auto&) -> std::string {
      throw functions::HandlerError("Boom", "no");
    });
  }
  void add(const std::string& name, functions::BuiltinHandler handler) {
    registry_.add(name, std::move(handler));
    functions::FunctionConfig config;
    config.name = name;
    config.handler = "builtin:" + name;
    ASSERT_TRUE(runtime_
                    .deploy(config, std::make_shared<functions::BuiltinFunction>(
                                        registry_.find(config.handler)))
                    .is_ok());
  }
  HttpResponse call(Gateway& gateway, std::string method, std::string target, std::string body) {
    std::promise<HttpResponse> promise;
    HttpRequest request{method, target, nullptr, &body};
    EXPECT_TRUE(gateway.handle(request, [&](HttpResponse r) { promise.set_value(std::move(r)); }));
    return promise.get_future().get();
  }
  functions::BuiltinRegistry registry_;
  functions::Runtime runtime_;
};

TEST_F(GatewayTest, FunctionErrorsAndMalformedResponsesAre502AndBigBodies413) {
  Gateway gateway(runtime_,
                  std::move(RouteTable::build({{"GET", "/ok", "echo"},
                                               {"GET", "/object", "object-body"},
                                               {"GET", "/throws", "throws"},
                                               {"GET", "/missing", "no-such-function"},
                                               {"POST", "/ok", "echo"}},
                                              "prod"))
                      .value(),
                  {});
  auto ok = call(gateway, "GET", "/prod/ok", "");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "ok");
  auto object = call(gateway, "GET", "/object", "");
  EXPECT_EQ(object.status, 502);
  EXPECT_EQ(object.body, R"({"message":"Internal server error"})");
  EXPECT_EQ(call(gateway, "GET", "/throws", "").status, 502);
  auto missing = call(gateway, "GET", "/missing", "");
  EXPECT_EQ(missing.status, 500);
  EXPECT_EQ(missing.body, R"({"message":"Internal server error"})");
  auto big = call(gateway, "POST", "/ok", std::string(kMaxProxyBodyBytes + 1, 'x'));
  EXPECT_EQ(big.status, 413);
  std::string body = "x";
  HttpRequest unrouted{"GET", "/nope", nullptr, &body};
  EXPECT_FALSE(gateway.handle(unrouted, [](HttpResponse) { FAIL(); }));
}

}  // namespace
}  // namespace eddy::gateway
