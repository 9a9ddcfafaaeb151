// API Gateway proxy events and responses for the notes functions (reference §4).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "client/dynamodb.h"
#include "functions/function.h"

namespace eddy::apps::notes {

struct ProxyRequest {
  std::string body;  // decoded when the event says isBase64Encoded
  std::map<std::string, std::string> path_parameters;
  std::map<std::string, std::string> query;
  std::string request_path;  // requestContext.path: the path as called, stage included
};

// Throws HandlerError("BadEvent") when `event` is not a proxy event.
ProxyRequest read_proxy_event(const std::string& event);

// {"statusCode": status, "headers": {...}, "body": body}
std::string proxy_response(int status, std::string_view body,
                           const std::map<std::string, std::string>& headers = {});
// A JSON {"message": ...} response.
std::string proxy_message(int status, std::string_view message);

// The table named by the function's TABLE_NAME (HandlerError when it is not set).
std::string table_name(const functions::InvocationContext& context);

// Runs a DynamoDB operation; throws HandlerError(error type, message) when it fails, except
// for the error named `tolerated` (nullopt returned then).
std::optional<std::string> call(client::DynamoDb& tables, std::string_view operation,
                                const std::string& request, std::string_view tolerated = {});

// `text` as a JSON string literal, quotes and escapes included.
std::string quoted(std::string_view text);

// An item in DynamoDB JSON -> plain JSON (S strings, N numbers, BOOL, NULL, M, L, sets as
// arrays), as the notes API returns notes.
std::string plain_json(const rapidjson::Value& item);

}  // namespace eddy::apps::notes
