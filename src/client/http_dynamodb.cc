#include "client/http_dynamodb.h"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <cstdlib>

#include "common/sigv4.h"

namespace eddy::client {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// DynamoDB's error body: {"__type": "...#Name", "message": "..."} (some errors spell it
// "Message").
Error read_error(int status, const std::string& body) {
  Error error{status, "", ""};
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (!document.HasParseError() && document.IsObject()) {
    if (auto it = document.FindMember("__type");
        it != document.MemberEnd() && it->value.IsString()) {
      error.type = it->value.GetString();
    }
    for (const char* key : {"message", "Message"}) {
      if (auto it = document.FindMember(key); it != document.MemberEnd() && it->value.IsString()) {
        error.message = it->value.GetString();
      }
    }
  }
  if (error.type.empty()) {
    error.type = status >= 500 ? "com.amazonaws.dynamodb.v20120810#InternalServerError"
                               : "com.amazonaws.dynamodb.v20120810#UnknownError";
    if (error.message.empty()) error.message = body.substr(0, 200);
  }
  return error;
}

}  // namespace

Result<HttpDynamoDbOptions> HttpDynamoDb::options_from_environment() {
  HttpDynamoDbOptions options;
  options.region = env("AWS_REGION");
  if (options.region.empty()) options.region = env("AWS_DEFAULT_REGION");
  if (options.region.empty()) {
    return Status::validation("AWS_REGION (or AWS_DEFAULT_REGION) is not set");
  }
  std::string endpoint = env("AWS_ENDPOINT_URL_DYNAMODB");
  if (endpoint.empty()) endpoint = env("AWS_ENDPOINT_URL");
  if (endpoint.empty()) endpoint = fmt::format("https://dynamodb.{}.amazonaws.com", options.region);
  EDDY_ASSIGN_OR_RETURN(options.endpoint, Url::parse(endpoint));
  options.access_key_id = env("AWS_ACCESS_KEY_ID");
  options.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  options.session_token = env("AWS_SESSION_TOKEN");
  if (options.access_key_id.empty() || options.secret_access_key.empty()) {
    return Status::validation("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set");
  }
  return options;
}

Response HttpDynamoDb::call(std::string_view operation, const std::string& request) {
  std::unique_ptr<HttpConnection> connection;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!connection) connection = std::make_unique<HttpConnection>(options_.endpoint, options_.http);

  const std::string amz_date = sigv4::format_amz_date(options_.clock->now_ms());
  Headers headers = {
      {"content-type", "application/x-amz-json-1.0"},
      {"x-amz-date", amz_date},
      {"x-amz-target", fmt::format("DynamoDB_20120810.{}", operation)},
  };
  if (!options_.session_token.empty()) {
    headers.emplace_back("x-amz-security-token", options_.session_token);
  }
  // What is signed is what is sent: these headers, the Host the connection adds, and the
  // endpoint's base path then "/".
  const std::string path = options_.endpoint.base_path + "/";
  sigv4::SignedRequest to_sign{"POST", path, headers, request};
  to_sign.headers.emplace_back("host", options_.endpoint.host_header());
  headers.emplace_back("authorization", sigv4::sign_sigv4(to_sign, options_.access_key_id,
                                                          options_.secret_access_key, amz_date,
                                                          options_.region, "dynamodb"));

  auto response = connection->request("POST", "/", headers, request);
  if (!response) {
    return Error{0, "eddy#ConnectionError", response.status().message()};
  }
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(connection));
  }
  if (response->status == 200) return std::move(response->body);
  return read_error(response->status, response->body);
}

}  // namespace eddy::client
