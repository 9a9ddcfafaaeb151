// Stack files: the tables, functions and event source mappings of a system, declared in YAML
// and deployed by `eddy serve --stack FILE`. Property names are AWS CDK's where CDK has one
// (Table: partitionKey, sortKey, stream; Function: handler, code, runtime, environment, timeout,
// memorySize, reservedConcurrentExecutions; DynamoEventSource: startingPosition, batchSize,
// maxBatchingWindow, retryAttempts, maxRecordAge, bisectBatchOnError, parallelizationFactor,
// reportBatchItemFailures, tumblingWindow, onFailure, filters, enabled), so a CDK user
// recognises them. Durations carry a unit ("90s", "5m", "24h").
//
// Every error names the file, the line and the fix: an unknown key with the nearest valid one,
// a bad value with its allowed range, an unknown function or table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "esm/mapping_config.h"
#include "functions/function.h"
#include "model/key_schema.h"
#include "storage/types.h"

namespace eddy::stack {

struct TableDecl {
  std::string name;
  model::KeySchema key_schema;
  std::optional<storage::StreamViewType> stream;
  int line = 0;
};

struct FunctionDecl {
  functions::FunctionConfig config;
  int line = 0;
};

struct EventSourceDecl {
  std::string function;
  std::string table;
  esm::MappingConfig settings;  // everything but the uuid and the stream ARN
  int line = 0;
};

// The `api:` section: REST routes in front of functions, as an API Gateway REST API with one
// stage.
struct RouteDecl {
  std::string method;    // GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY
  std::string resource;  // "/notes/{id}"
  std::string function;
  int line = 0;
};

struct ApiDecl {
  std::string stage = "prod";
  std::vector<RouteDecl> routes;
};

struct Stack {
  std::string file;  // as named in errors
  std::vector<TableDecl> tables;
  std::vector<FunctionDecl> functions;
  std::vector<EventSourceDecl> event_sources;
  std::optional<ApiDecl> api;
};

struct ParseOptions {
  // Handler names a function may use ("builtin:notes.word-count"); empty: not checked.
  std::vector<std::string> known_handlers;
  esm::ValidationOptions validation;
  // Where a function's relative `code:` directory is read from: load_stack sets the stack
  // file's directory; empty means the current directory.
  std::string base_dir;
};

// kValidation, with "<file>:<line>: <problem>" and the fix, for anything wrong.
Result<Stack> parse_stack(std::string_view text, std::string file, const ParseOptions& options);
Result<Stack> load_stack(const std::string& path, const ParseOptions& options);

}  // namespace eddy::stack
