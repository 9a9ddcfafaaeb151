#include "lambda/runtime.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "client/http_connection.h"

extern char** environ;

namespace eddy::lambda {

namespace {

constexpr int64_t kPostTimeoutMs = 30'000;

Result<client::Url> runtime_api() {
  const char* address = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (!address || !*address) {
    return Status::validation(
        "AWS_LAMBDA_RUNTIME_API is not set: run this under a Lambda "
        "runtime (AWS Lambda, or eddy serve with a runtime.command)");
  }
  return client::Url::parse(fmt::format("http://{}/2018-06-01/runtime", address));
}

std::map<std::string, std::string> environment() {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    variables.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return variables;
}

const client::Headers kErrorHeaders = {{"content-type", "application/vnd.aws.lambda.error+json"}};

}  // namespace

bool report_init_error(std::string_view error_type, std::string_view message) {
  auto url = runtime_api();
  if (!url) return false;
  client::HttpConnection connection(*url, {kPostTimeoutMs});
  client::Headers headers = kErrorHeaders;
  headers.emplace_back("lambda-runtime-function-error-type", std::string(error_type));
  const functions::FunctionError error{std::string(error_type), std::string(message)};
  auto response = connection.request("POST", "/init/error", headers, error.to_json());
  return response && response->status == 202;
}

int run(const functions::BuiltinHandler& handler) {
  auto url = runtime_api();
  if (!url) {
    std::fprintf(stderr, "%s\n", url.status().message().c_str());
    return 1;
  }
  // GET /next waits for as long as there is no invocation; the POSTs go on a connection of
  // their own, kept alive.
  client::HttpConnection next(*url, {0});
  client::HttpConnection post(*url, {kPostTimeoutMs});
  const auto variables = environment();
  const auto name = variables.find("AWS_LAMBDA_FUNCTION_NAME");
  functions::BuiltinFunction function(std::make_shared<const functions::BuiltinHandler>(handler));

  for (;;) {
    auto invocation = next.request("GET", "/invocation/next", {}, "");
    if (!invocation || invocation->status != 200) {
      std::fprintf(stderr, "eddy::lambda: GET /next failed: %s\n",
                   invocation ? fmt::format("HTTP {}", invocation->status).c_str()
                              : invocation.status().message().c_str());
      return 1;
    }
    const std::string* request_id = invocation->header("lambda-runtime-aws-request-id");
    const std::string* deadline = invocation->header("lambda-runtime-deadline-ms");
    const std::string* arn = invocation->header("lambda-runtime-invoked-function-arn");
    const std::string* trace = invocation->header("lambda-runtime-trace-id");
    if (!request_id || request_id->empty()) {
      std::fprintf(stderr, "eddy::lambda: /next without Lambda-Runtime-Aws-Request-Id\n");
      return 1;
    }
    // Reference §3: the runtime passes the trace header on to the handler's SDK calls.
    if (trace) {
      ::setenv("_X_AMZN_TRACE_ID", trace->c_str(), 1);
    } else {
      ::unsetenv("_X_AMZN_TRACE_ID");
    }
    functions::InvocationContext context;
    context.request_id = *request_id;
    context.function_name = name == variables.end() ? "" : name->second;
    context.function_arn = arn ? *arn : "";
    context.deadline_ms = deadline ? std::strtoll(deadline->c_str(), nullptr, 10) : 0;
    context.environment = &variables;

    functions::InvokeResult result;
    function.invoke(std::move(invocation->body), context,
                    [&result](functions::InvokeResult r) { result = std::move(r); });

    Result<client::HttpResponse> posted = Status::internal("not posted");
    if (auto* body = std::get_if<std::string>(&result)) {
      posted = post.request("POST", fmt::format("/invocation/{}/response", *request_id),
                            {{"content-type", "application/json"}}, *body);
    } else {
      const auto& error = std::get<functions::FunctionError>(result);
      client::Headers headers = kErrorHeaders;
      headers.emplace_back("lambda-runtime-function-error-type", error.error_type);
      posted = post.request("POST", fmt::format("/invocation/{}/error", *request_id), headers,
                            error.to_json());
    }
    if (!posted) {
      std::fprintf(stderr, "eddy::lambda: posting the result failed: %s\n",
                   posted.status().message().c_str());
      return 1;
    }
    if (posted->status == 413) {
      std::fprintf(stderr, "eddy::lambda: the response of %s is over Lambda's payload limit\n",
                   request_id->c_str());
    } else if (posted->status >= 500) {
      return 1;  // a container error: the runtime must exit
    }
  }
}

}  // namespace eddy::lambda
