#include "gateway/gateway.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>
#include <map>

#include "common/base64.h"
#include "common/random.h"
#include "common/url.h"
#include "model/json_codec.h"

namespace eddy::gateway {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// "20/Feb/2018:22:48:57 +0000", API Gateway's requestTime.
std::string request_time(int64_t now_ms) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000", tm.tm_mday, kMonths[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// Names to values: single-value maps keep the last value; multi-value maps keep all.
void write_maps(Writer& writer, const char* single, const char* multi,
                const std::map<std::string, std::vector<std::string>>& values) {
  writer.Key(single);
  if (values.empty()) {
    writer.Null();
  } else {
    writer.StartObject();
    for (const auto& [name, list] : values) {
      model::write_string(writer, name);
      model::write_string(writer, list.back());
    }
    writer.EndObject();
  }
  writer.Key(multi);
  if (values.empty()) {
    writer.Null();
  } else {
    writer.StartObject();
    for (const auto& [name, list] : values) {
      model::write_string(writer, name);
      writer.StartArray();
      for (const auto& value : list)
        model::write_string(writer, value);
      writer.EndArray();
    }
    writer.EndObject();
  }
}

// Whether the body can travel as a JSON string (else it goes base64-encoded).
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c >> 5) == 0x6) {
      extra = 1;
    } else if ((c >> 4) == 0xe) {
      extra = 2;
    } else if ((c >> 3) == 0x1e) {
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= s.size() && extra > 0) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

HttpResponse json_message(int status, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("content-type", "application/json");
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("message");
  model::write_string(writer, message);
  writer.EndObject();
  response.body.assign(buffer.GetString(), buffer.GetSize());
  return response;
}

}  // namespace

std::string build_proxy_event(const HttpRequest& request, const RouteMatch& match,
                              std::string_view stage, const GatewayOptions& options,
                              std::string_view request_id, int64_t now_ms) {
  std::map<std::string, std::vector<std::string>> headers, query;
  if (request.headers != nullptr) {
    for (const auto& [name, value] : *request.headers)
      headers[std::string(name)].emplace_back(value);
  }
  const size_t question = request.target.find('?');
  if (question != std::string_view::npos) query = parse_query(request.target.substr(question + 1));
  auto header = [&](std::string_view lower) -> std::string_view {
    if (request.headers == nullptr) return {};
    for (const auto& [name, value] : *request.headers) {
      if (name.size() == lower.size() &&
          std::equal(name.begin(), name.end(), lower.begin(),
                     [](char a, char b) { return std::tolower(a) == b; })) {
        return value;
      }
    }
    return {};
  };

  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("resource");
  model::write_string(writer, match.route->resource);
  writer.Key("path");
  model::write_string(writer, match.path);
  writer.Key("httpMethod");
  model::write_string(writer, request.method);
  write_maps(writer, "headers", "multiValueHeaders", headers);
  write_maps(writer, "queryStringParameters", "multiValueQueryStringParameters", query);
  writer.Key("pathParameters");
  if (match.path_parameters.empty()) {
    writer.Null();
  } else {
    writer.StartObject();
    for (const auto& [name, value] : match.path_parameters) {
      model::write_string(writer, name);
      model::write_string(writer, percent_decode(value));
    }
    writer.EndObject();
  }
  writer.Key("stageVariables");
  writer.Null();
  writer.Key("requestContext");
  writer.StartObject();
  writer.Key("accountId");
  model::write_string(writer, options.account_id);
  writer.Key("resourceId");
  model::write_string(writer, match.route->resource);
  writer.Key("stage");
  model::write_string(writer, stage);
  writer.Key("requestId");
  model::write_string(writer, request_id);
  writer.Key("identity");
  writer.StartObject();
  writer.Key("sourceIp");
  model::write_string(writer, request.source_ip);
  writer.Key("userAgent");
  model::write_string(writer, header("user-agent"));
  for (const char* name :
       {"accountId", "caller", "user", "userArn", "apiKey", "accessKey", "cognitoIdentityId",
        "cognitoIdentityPoolId", "cognitoAuthenticationType", "cognitoAuthenticationProvider"}) {
    writer.Key(name);
    writer.Null();
  }
  writer.EndObject();
  writer.Key("resourcePath");
  model::write_string(writer, match.route->resource);
  writer.Key("httpMethod");
  model::write_string(writer, request.method);
  writer.Key("apiId");
  model::write_string(writer, options.api_id);
  writer.Key("path");
  // The path as called: with the stage when the request named it (API Gateway's own URLs
  // always do; Eddy also answers without it).
  model::write_string(writer,
                      match.through_stage ? fmt::format("/{}{}", stage, match.path) : match.path);
  writer.Key("protocol");
  writer.String("HTTP/1.1");
  writer.Key("requestTime");
  model::write_string(writer, request_time(now_ms));
  writer.Key("requestTimeEpoch");
  writer.Int64(now_ms);
  writer.EndObject();
  writer.Key("body");
  const std::string* body = request.body;
  if (body == nullptr || body->empty()) {
    writer.Null();
    writer.Key("isBase64Encoded");
    writer.Bool(false);
  } else if (valid_utf8(*body)) {
    model::write_string(writer, *body);
    writer.Key("isBase64Encoded");
    writer.Bool(false);
  } else {
    // Binary bodies travel base64-encoded (reference §4 rule 4).
    model::write_string(writer, base64_encode(*body));
    writer.Key("isBase64Encoded");
    writer.Bool(true);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<HttpResponse> read_proxy_response(std::string_view result) {
  rapidjson::Document doc;
  doc.Parse(result.data(), result.size());
  auto malformed = [] { return Status::validation("Malformed Lambda proxy response"); };
  if (doc.HasParseError() || !doc.IsObject()) return malformed();
  HttpResponse response;
  auto status = doc.FindMember("statusCode");
  if (status == doc.MemberEnd() || !status->value.IsInt() || status->value.GetInt() < 100 ||
      status->value.GetInt() > 599) {
    return malformed();
  }
  response.status = status->value.GetInt();
  std::map<std::string, std::vector<std::string>> headers;
  if (auto it = doc.FindMember("headers"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsObject()) return malformed();
    for (const auto& member : it->value.GetObject()) {
      if (!member.value.IsString()) return malformed();
      headers[member.name.GetString()] = {member.value.GetString()};
    }
  }
  if (auto it = doc.FindMember("multiValueHeaders"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsObject()) return malformed();
    for (const auto& member : it->value.GetObject()) {
      if (!member.value.IsArray()) return malformed();
      std::vector<std::string> values;
      for (const auto& value : member.value.GetArray()) {
        if (!value.IsString()) return malformed();
        values.emplace_back(value.GetString());
      }
      headers[member.name.GetString()] = std::move(values);  // multi wins on conflict
    }
  }
  // A header is written to the socket as given: no line breaks or NULs may split the
  // response, and the framing headers stay the server's own.
  auto unsafe = [](std::string_view text) {
    return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
  };
  for (auto& [name, values] : headers) {
    std::string lower = name;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name.empty() || unsafe(name)) return malformed();
    if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection") {
      continue;
    }
    for (auto& value : values) {
      if (unsafe(value)) return malformed();
      response.headers.emplace_back(name, std::move(value));
    }
  }
  if (auto it = doc.FindMember("body"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsString()) return malformed();
    response.body.assign(it->value.GetString(), it->value.GetStringLength());
    auto base64 = doc.FindMember("isBase64Encoded");
    if (base64 != doc.MemberEnd() && base64->value.IsBool() && base64->value.GetBool()) {
      auto decoded = base64_decode(response.body);
      if (!decoded) return malformed();
      response.body = std::move(*decoded);
    }
  }
  return response;
}

Gateway::Gateway(functions::Runtime& runtime, RouteTable routes, GatewayOptions options)
    : runtime_(runtime), routes_(std::move(routes)), options_(std::move(options)) {}

bool Gateway::handle(const HttpRequest& request, Respond respond) {
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  auto match = routes_.match(request.method, path);
  if (!match) return false;
  if (request.body != nullptr && request.body->size() > kMaxProxyBodyBytes) {
    respond(json_message(413, fmt::format("Request body is larger than {} bytes, the limit of a "
                                          "synchronous function invocation",
                                          kMaxProxyBodyBytes)));
    return true;
  }
  const std::string request_id = uuid_v4();
  std::string event = build_proxy_event(request, *match, routes_.stage(), options_, request_id,
                                        options_.clock->now_ms());
  runtime_.invoke(match->route->function, std::move(event), options_.max_wait_ms,
                  [respond = std::move(respond), request_id](functions::InvokeOutcome outcome) {
                    auto finish = [&](HttpResponse response) {
                      response.headers.emplace_back("x-amzn-requestid", request_id);
                      respond(std::move(response));
                    };
                    if (!outcome.is_ok()) {
                      return finish(json_message(500, "Internal server error"));
                    }
                    const auto* result = std::get_if<std::string>(&*outcome);
                    if (result == nullptr)
                      return finish(json_message(502, "Internal server error"));
                    auto response = read_proxy_response(*result);
                    if (!response.is_ok()) {
                      return finish(json_message(502, "Internal server error"));
                    }
                    finish(std::move(*response));
                  });
  return true;
}

}  // namespace eddy::gateway
