#include "http/router.h"

#include "api/lambda/lambda_common.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <tuple>

#include <fmt/format.h>

#include "common/random.h"

namespace eddy::http {

namespace {

constexpr std::string_view kDynamoDbPrefix = "DynamoDB_20120810.";

Response to_http(api::lambda::Response response) {
  return Response{response.status, std::move(response.headers), std::move(response.body)};
}

constexpr std::string_view kStreamsPrefix = "DynamoDBStreams_20120810.";

std::string request_id() {
  // DynamoDB's request ids are 52 upper-case base32 characters, which clients only log. Here:
  // a random prefix per process, then a counter, so ids are unique without a random draw per
  // request.
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  static const std::string prefix = [] {
    const std::string bytes = random_bytes(39);
    std::string text(bytes.size(), 'A');
    for (size_t i = 0; i < text.size(); ++i) {
      text[i] = kAlphabet[static_cast<unsigned char>(bytes[i]) % 32];
    }
    return text;
  }();
  static std::atomic<uint64_t> counter{0};
  uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  std::string id = prefix;
  id.resize(52, 'A');
  for (size_t i = 51; i >= 39 && n != 0; --i, n /= 32)
    id[i] = kAlphabet[n % 32];
  return id;
}

Response json_message(int status, std::string_view message) {
  Response response;
  response.status = status;
  response.headers.emplace_back("content-type", "application/json");
  response.body = std::string(R"({"message":")").append(message).append("\"}");
  return response;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view lower_name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() != lower_name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < key.size() && same; ++i) {
      char c = key[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == lower_name[i];
    }
    if (same) return value;
  }
  return std::nullopt;
}

Router::Router(api::dynamodb::Context& dynamodb, api::streams::Context& streams,
               RouterOptions options)
    : dynamodb_(dynamodb), streams_(streams), options_(std::move(options)) {
  add_counters(dynamodb_counters_, "dynamodb", api::dynamodb::operation_names());
  add_counters(streams_counters_, "streams", api::streams::operation_names());
  add_counters(lambda_counters_, "lambda", api::lambda::operation_names());
  add_counters(other_counters_, "http", {"health", "metrics", "rest"});
}

void Router::add_counters(Counters& counters, std::string_view api,
                          const std::vector<std::string_view>& names) {
  for (auto name : names) {
    auto counter = std::make_unique<Counter>();
    counter->api = api;
    counter->operation = name;
    counters.emplace(name, std::move(counter));
  }
  auto unknown = std::make_unique<Counter>();
  unknown->api = api;
  unknown->operation = "unknown";
  counters.emplace("", std::move(unknown));
}

Router::Counter* Router::find_counter(const Counters& counters, std::string_view operation) {
  auto it = counters.find(operation);
  if (it == counters.end()) it = counters.find("");
  return it->second.get();
}

void Router::write_metrics(std::string& out) const {
  std::vector<const Counter*> rows;
  for (const Counters* counters :
       {&dynamodb_counters_, &streams_counters_, &lambda_counters_, &other_counters_}) {
    for (const auto& [name, counter] : *counters)
      rows.push_back(counter.get());
  }
  std::sort(rows.begin(), rows.end(), [](const Counter* a, const Counter* b) {
    return std::tie(a->api, a->operation) < std::tie(b->api, b->operation);
  });
  out += "# HELP eddy_requests_total HTTP requests, by API and operation\n";
  out += "# TYPE eddy_requests_total counter\n";
  for (const Counter* c : rows) {
    out += fmt::format("eddy_requests_total{{api=\"{}\",operation=\"{}\"}} {}\n", c->api,
                       c->operation, c->requests.load(std::memory_order_relaxed));
  }
  out +=
      "# HELP eddy_request_errors_total Responses with status 400 or more, by API and "
      "operation\n";
  out += "# TYPE eddy_request_errors_total counter\n";
  for (const Counter* c : rows) {
    out += fmt::format("eddy_request_errors_total{{api=\"{}\",operation=\"{}\"}} {}\n", c->api,
                       c->operation, c->errors.load(std::memory_order_relaxed));
  }
}

Response Router::aws_json(int status, std::string body) {
  Response response;
  response.status = status;
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(body.data()),
                          static_cast<uInt>(body.size()));
  response.headers.emplace_back("content-type", "application/x-amz-json-1.0");
  response.headers.emplace_back("x-amzn-requestid", request_id());
  response.headers.emplace_back("x-amz-crc32", std::to_string(crc));
  response.body = std::move(body);
  return response;
}

Response Router::aws_error(const api::ApiError& error) {
  return aws_json(error.http_status, error.body());
}

void Router::handle(const Request& request, Respond respond) {
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  if (path == "/health") {
    Counter* counter = find_counter(other_counters_, "health");
    if (request.method != "GET" && request.method != "HEAD") {
      count(counter, 405);
      return respond(json_message(405, "Method Not Allowed"));
    }
    count(counter, 200);
    Response response;
    response.headers.emplace_back("content-type", "application/json");
    response.body = R"({"status":"ok"})";
    return respond(std::move(response));
  }
  if (path == "/metrics" && options_.metrics) {
    count(find_counter(other_counters_, "metrics"), 200);
    Response response;
    response.headers.emplace_back("content-type", "text/plain; version=0.0.4");
    write_metrics(response.body);
    options_.metrics(response.body);
    return respond(std::move(response));
  }
  if (path == "/" && request.header("x-amz-target"))
    return handle_aws_json(request, std::move(respond));
  if (options_.lambda && path.starts_with(api::lambda::kPathPrefix)) {
    Counter* counter =
        find_counter(lambda_counters_, api::lambda::operation_name(request.method, request.target));
    if (auto error = check_signature(request)) {
      api::ApiError lambda_error = *error;
      lambda_error.type = std::string(error->name());
      count(counter, lambda_error.http_status);
      return respond(to_http(api::lambda::error_response(lambda_error)));
    }
    auto reply = [respond, counter](api::lambda::Response response) {
      count(counter, response.status);
      respond(to_http(std::move(response)));
    };
    const std::string_view type = request.header("x-amz-invocation-type").value_or("");
    if (api::lambda::handle(request.method, request.target, type, request.body, *options_.lambda,
                            std::move(reply))) {
      return;
    }
  }
  if (path == "/" && request.method == "POST") {
    return respond(aws_error(api::ApiError::unknown_operation()));
  }
  if (options_.gateway) {
    // The stack's REST routes come after Eddy's own endpoints, which win.
    Counter* counter = find_counter(other_counters_, "rest");
    gateway::HttpRequest rest{request.method, request.target, &request.headers, &request.body};
    auto reply = [respond, counter](gateway::HttpResponse response) {
      count(counter, response.status);
      respond(Response{response.status, std::move(response.headers), std::move(response.body)});
    };
    if (options_.gateway->handle(rest, std::move(reply))) return;
  }
  // What an API Gateway REST API answers for a path it has no route for.
  respond(json_message(403, "Missing Authentication Token"));
}

std::optional<api::ApiError> Router::check_signature(const Request& request) const {
  if (options_.credentials) {
    // SigV4 signs header names in lower case.
    SignedRequest signed_request{request.method, request.target, {}, request.body};
    signed_request.headers.reserve(request.headers.size());
    for (const auto& [name, value] : request.headers) {
      std::string lower(name);
      for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      signed_request.headers.emplace_back(std::move(lower), std::string(value));
    }
    return verify_sigv4(signed_request, *options_.credentials, options_.clock->now_ms());
  }
  return std::nullopt;
}

void Router::handle_aws_json(const Request& request, Respond respond) {
  const std::string_view target = *request.header("x-amz-target");
  const bool streams = target.rfind(kStreamsPrefix, 0) == 0;
  const std::string_view prefix = streams ? kStreamsPrefix : kDynamoDbPrefix;
  Counter* counter = find_counter(
      streams ? streams_counters_ : dynamodb_counters_,
      target.rfind(prefix, 0) == 0 ? target.substr(prefix.size()) : std::string_view());
  if (request.method != "POST") {
    count(counter, 400);
    return respond(aws_error(api::ApiError::unknown_operation()));
  }
  if (auto error = check_signature(request)) {
    count(counter, error->http_status);
    return respond(aws_error(*error));
  }
  auto reply = [respond = std::move(respond), counter](api::dynamodb::Outcome outcome) {
    if (auto* body = std::get_if<std::string>(&outcome)) {
      count(counter, 200);
      return respond(aws_json(200, std::move(*body)));
    }
    const auto& error = std::get<api::ApiError>(outcome);
    count(counter, error.http_status);
    respond(aws_error(error));
  };
  if (target.rfind(kDynamoDbPrefix, 0) == 0) {
    return api::dynamodb::handle(target, request.body, dynamodb_, std::move(reply));
  }
  if (target.rfind(kStreamsPrefix, 0) == 0) {
    return api::streams::handle(target, request.body, streams_, std::move(reply));
  }
  reply(api::ApiError::unknown_operation());
}

}  // namespace eddy::http
