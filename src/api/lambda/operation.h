// Lambda's REST API (https://docs.aws.amazon.com/lambda/latest/api/), the part Eddy serves:
// Invoke, GetFunction and ListFunctions for functions, and the event source mapping control
// plane (reference §2.1). One file per operation; operations.cc routes (method, path) to them.
//
// Unlike the JSON 1.0 protocols, this one is REST: the operation comes from the method and
// the path, some parameters from the path, the query and headers, and errors carry their name
// in the x-amzn-ErrorType header with {"Type":"User","message":...} as the body. The request
// and response here are that protocol's shapes without sockets; http/ maps them to HTTP.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/api_error.h"
#include "api/dynamodb/operation.h"
#include "esm/manager.h"
#include "functions/runtime.h"

namespace eddy::api::lambda {

struct Context {
  functions::Runtime& runtime;
  esm::MappingManager& mappings;
  const dynamodb::Settings& settings;
  const Clock& clock;
  // How long a synchronous Invoke may wait for a free concurrency slot before it is throttled.
  int64_t invoke_max_wait_ms = 1000;
};

struct Request {
  std::string_view method;
  std::vector<std::string> path_params;  // percent-decoded, in path order
  std::map<std::string, std::string> query;
  std::string_view invocation_type;  // X-Amz-Invocation-Type, Invoke only
  const std::string& body;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using Reply = std::function<void(Response)>;
using Operation = void (*)(const Request& request, Context& context, Reply reply);

inline constexpr std::string_view kPathPrefix = "/2015-03-31/";

// The operation (method, target) names ("Invoke", "CreateEventSourceMapping", ...), or "" when
// it names none; and every name, for per-operation metrics.
std::string_view operation_name(std::string_view method, std::string_view target);
std::vector<std::string_view> operation_names();

// Serves `target` (path and query) when it is one of Lambda's paths: returns false (and does
// not call `reply`) for any other path.
bool handle(std::string_view method, std::string_view target, std::string_view invocation_type,
            const std::string& body, Context& context, Reply reply);

// ---- the operations (one file each) ----
void invoke(const Request& request, Context& context, Reply reply);
void get_function(const Request& request, Context& context, Reply reply);
void list_functions(const Request& request, Context& context, Reply reply);
void create_event_source_mapping(const Request& request, Context& context, Reply reply);
void get_event_source_mapping(const Request& request, Context& context, Reply reply);
void update_event_source_mapping(const Request& request, Context& context, Reply reply);
void delete_event_source_mapping(const Request& request, Context& context, Reply reply);
void list_event_source_mappings(const Request& request, Context& context, Reply reply);

}  // namespace eddy::api::lambda
