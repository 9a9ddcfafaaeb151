// Invoke: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
// POST /2015-03-31/functions/{FunctionName}/invocations. RequestResponse (the default) answers
// with the function's result; a function error is still HTTP 200, flagged by
// X-Amz-Function-Error: Unhandled with {"errorType","errorMessage"} as the body. Event runs
// the function in the background (202); DryRun only checks (204). Payloads are limited to
// 6 MB each way, as Lambda's synchronous invocations are.
#include <fmt/format.h>

#include <memory>

#include "api/lambda/lambda_common.h"

namespace eddy::api::lambda {

namespace {

constexpr size_t kMaxPayloadBytes = 6 * 1024 * 1024;

Response function_result(std::string body, bool function_error) {
  Response response;
  response.headers.emplace_back("content-type", "application/json");
  response.headers.emplace_back("x-amz-executed-version", "$LATEST");
  if (function_error) response.headers.emplace_back("x-amz-function-error", "Unhandled");
  response.body = std::move(body);
  return response;
}

}  // namespace

void invoke(const Request& request, Context& context, Reply reply) {
  auto name = find_function(context, request.path_params.at(0));
  if (!name.is_ok()) return reply(error_response(from_status(name.status())));
  if (auto qualifier = request.query.find("Qualifier");
      qualifier != request.query.end() && qualifier->second != "$LATEST") {
    return reply(error_response(error(
        "ResourceNotFoundException",
        fmt::format("Function not found: {}:{}", context.runtime.arn(*name), qualifier->second),
        404)));
  }
  const std::string_view type =
      request.invocation_type.empty() ? "RequestResponse" : request.invocation_type;
  if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
    return reply(error_response(error(
        "InvalidParameterValueException",
        fmt::format("Unsupported invocation type {}: use RequestResponse, Event or DryRun", type),
        400)));
  }
  if (request.body.size() > kMaxPayloadBytes) {
    return reply(error_response(
        error("RequestEntityTooLargeException",
              fmt::format("Request must be smaller than {} bytes for the InvokeFunction operation",
                          kMaxPayloadBytes),
              413)));
  }
  std::string event = request.body.empty() ? "{}" : request.body;
  rapidjson::Document parsed;
  parsed.Parse(event.data(), event.size());
  if (parsed.HasParseError()) {
    return reply(error_response(
        error("InvalidRequestContentException",
              "Could not parse request body into json: Could not parse payload into json", 400)));
  }
  if (type == "DryRun") {
    Response response;
    response.status = 204;
    return reply(std::move(response));
  }
  if (type == "Event") {
    // Accepted at once; the result is dropped, as Lambda drops an asynchronous invocation's.
    context.runtime.invoke(*name, std::move(event), 900'000, [](functions::InvokeOutcome) {});
    Response response;
    response.status = 202;
    return reply(std::move(response));
  }
  context.runtime.invoke(
      *name, std::move(event), context.invoke_max_wait_ms,
      [reply = std::move(reply)](functions::InvokeOutcome outcome) {
        if (!outcome.is_ok()) {
          if (outcome.status().code() == Code::kThrottled) {
            return reply(error_response(error("TooManyRequestsException", "Rate Exceeded.", 429)));
          }
          return reply(error_response(from_status(outcome.status())));
        }
        if (auto* result = std::get_if<std::string>(&*outcome)) {
          if (result->size() > kMaxPayloadBytes) {
            functions::FunctionError too_large{
                "Function.ResponseSizeTooLarge",
                fmt::format("Response payload size exceeded maximum allowed payload size ({} "
                            "bytes).",
                            kMaxPayloadBytes)};
            return reply(function_result(too_large.to_json(), true));
          }
          return reply(function_result(std::move(*result), false));
        }
        reply(function_result(std::get<functions::FunctionError>(*outcome).to_json(), true));
      });
}

}  // namespace eddy::api::lambda
