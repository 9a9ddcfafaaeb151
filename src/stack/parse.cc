// The stack file parser, on yaml-cpp. Validation is written out here, key by key, because the
// errors must name the line and the fix, which a generic schema validator would not.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "common/duration.h"
#include "esm/destination.h"
#include "esm/filter.h"
#include "functions/builtin.h"
#include "model/json_codec.h"
#include "stack/stack.h"

namespace eddy::stack {

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

bool valid_table_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 255) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

class Parser {
 public:
  Parser(std::string file, const ParseOptions& options)
      : file_(std::move(file)), options_(options) {}

  Result<Stack> parse(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
      return Status::validation(
          fmt::format("{}:{}: not valid YAML: {}", file_, e.mark.line + 1, e.msg));
    }
    Stack stack;
    stack.file = file_;
    if (!root.IsDefined() || root.IsNull()) return stack;  // an empty stack deploys nothing
    if (!root.IsMap()) {
      return fail(root, "a stack file is a map with the keys tables, functions and eventSources");
    }
    EDDY_RETURN_IF_ERROR(
        check_keys(root, {"tables", "functions", "eventSources", "api"}, "stack file"));
    if (auto tables = root["tables"]; tables && !tables.IsNull()) {
      if (!tables.IsMap()) return fail(tables, "tables: expected a map of table name -> table");
      for (const auto& entry : tables) {
        EDDY_ASSIGN_OR_RETURN(auto table, parse_table(entry.first, entry.second));
        stack.tables.push_back(std::move(table));
      }
    }
    if (auto functions = root["functions"]; functions && !functions.IsNull()) {
      if (!functions.IsMap()) {
        return fail(functions, "functions: expected a map of function name -> function");
      }
      for (const auto& entry : functions) {
        EDDY_ASSIGN_OR_RETURN(auto function, parse_function(entry.first, entry.second));
        stack.functions.push_back(std::move(function));
      }
    }
    if (auto sources = root["eventSources"]; sources && !sources.IsNull()) {
      if (!sources.IsSequence()) {
        return fail(sources, "eventSources: expected a list of event sources (- function: ...)");
      }
      for (const auto& node : sources) {
        EDDY_ASSIGN_OR_RETURN(auto source, parse_event_source(node, stack));
        for (const auto& other : stack.event_sources) {
          if (other.function == source.function && other.table == source.table) {
            return fail(node, fmt::format("event source {} <- {}: declared twice (line {}); "
                                          "Lambda allows one mapping per function and stream: "
                                          "merge them",
                                          source.function, source.table, other.line));
          }
        }
        stack.event_sources.push_back(std::move(source));
      }
    }
    if (auto api = root["api"]; api && !api.IsNull()) {
      EDDY_ASSIGN_OR_RETURN(stack.api, parse_api(api, stack));
    }
    return stack;
  }

 private:
  Result<ApiDecl> parse_api(const YAML::Node& node, const Stack& stack) const {
    if (!node.IsMap()) return fail(node, "api: expected a map with stage and routes");
    EDDY_RETURN_IF_ERROR(check_keys(node, {"stage", "routes"}, "api"));
    ApiDecl api;
    if (node["stage"]) {
      EDDY_ASSIGN_OR_RETURN(api.stage, scalar(node["stage"], "api stage"));
      static const std::regex kStage("[A-Za-z0-9_-]{1,128}");
      if (!std::regex_match(api.stage, kStage)) {
        return fail(node["stage"], fmt::format("api stage: '{}' is not allowed: 1 to 128 "
                                               "characters of a-z, A-Z, 0-9, '-' and '_'",
                                               api.stage));
      }
    }
    auto routes = node["routes"];
    if (!routes || routes.IsNull()) return api;
    if (!routes.IsMap()) {
      return fail(routes, "api routes: expected a map of 'METHOD /path': function");
    }
    static constexpr std::string_view kMethods[] = {"GET",    "POST", "PUT",     "PATCH",
                                                    "DELETE", "HEAD", "OPTIONS", "ANY"};
    // Eddy's own endpoints share the port and win: a route there could never be reached.
    static constexpr std::string_view kReserved[] = {"/2015-03-31", "/health", "/metrics"};
    for (const auto& entry : routes) {
      const std::string key = entry.first.Scalar();
      const std::string what = fmt::format("api route '{}'", key);
      RouteDecl route;
      route.line = line_of(entry.first);
      const size_t space = key.find(' ');
      if (space == std::string::npos) {
        return fail(entry.first, what + ": write it as METHOD /path, e.g. POST /notes");
      }
      route.method = key.substr(0, space);
      route.resource = key.substr(key.find_first_not_of(' ', space));
      if (std::find(std::begin(kMethods), std::end(kMethods), route.method) == std::end(kMethods)) {
        return fail(entry.first, fmt::format("{}: method '{}' is not allowed: GET, POST, PUT, "
                                             "PATCH, DELETE, HEAD, OPTIONS or ANY",
                                             what, route.method));
      }
      static const std::regex kResource(
          R"(/|(/([A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\}))*(/\{[A-Za-z0-9_]+\+\})?)");
      if (!std::regex_match(route.resource, kResource)) {
        return fail(entry.first,
                    fmt::format("{}: the path must be /-separated segments of letters, digits, "
                                "'.', '_', '~' and '-', or {{name}}, with an optional last "
                                "{{name+}}",
                                what));
      }
      for (auto reserved : kReserved) {
        if (route.resource == reserved || route.resource.starts_with(std::string(reserved) + "/")) {
          return fail(entry.first, fmt::format("{}: {} is Eddy's own endpoint; choose another path",
                                               what, reserved));
        }
      }
      if (route.resource == "/" && (route.method == "POST" || route.method == "ANY")) {
        return fail(
            entry.first,
            what + ": POST / is the AWS APIs' endpoint (X-Amz-Target); choose another path");
      }
      EDDY_ASSIGN_OR_RETURN(route.function, scalar(entry.second, what));
      const bool known =
          std::any_of(stack.functions.begin(), stack.functions.end(),
                      [&](const auto& f) { return f.config.name == route.function; });
      if (!known) {
        std::vector<std::string_view> names;
        for (const auto& f : stack.functions)
          names.push_back(f.config.name);
        return fail(entry.second,
                    fmt::format("{}: no function '{}' in this stack; declare it under functions "
                                "(declared: {})",
                                what, route.function, names.empty() ? "none" : join(names)));
      }
      for (const auto& other : api.routes) {
        if (other.method == route.method && other.resource == route.resource) {
          return fail(entry.first, fmt::format("{}: declared twice (line {})", what, other.line));
        }
      }
      api.routes.push_back(std::move(route));
    }
    return api;
  }

  static int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

  Status fail(const YAML::Node& node, std::string message) const {
    return Status::validation(fmt::format("{}:{}: {}", file_, line_of(node), message));
  }

  Status check_keys(const YAML::Node& map, std::vector<std::string_view> allowed,
                    std::string_view what) const {
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string_view nearest;
      size_t best = SIZE_MAX;
      for (auto candidate : allowed) {
        const size_t d = edit_distance(key, candidate);
        if (d < best) best = d, nearest = candidate;
      }
      if (best <= std::max<size_t>(2, key.size() / 3)) {
        return fail(entry.first,
                    fmt::format("unknown key '{}' in {}: did you mean '{}'?", key, what, nearest));
      }
      return fail(entry.first,
                  fmt::format("unknown key '{}' in {}; valid keys: {}", key, what, join(allowed)));
    }
    return Status::ok();
  }

  Result<std::string> scalar(const YAML::Node& node, std::string_view what) const {
    if (!node.IsScalar()) return fail(node, fmt::format("{}: expected a single value", what));
    return node.Scalar();
  }

  Result<int64_t> integer(const YAML::Node& node, std::string_view what, int64_t min,
                          int64_t max) const {
    EDDY_ASSIGN_OR_RETURN(auto text, scalar(node, what));
    static const std::regex kInteger("-?[0-9]{1,12}");
    if (!std::regex_match(text, kInteger) || std::stoll(text) < min || std::stoll(text) > max) {
      return fail(node, fmt::format("{}: '{}' is not allowed: give a whole number from {} to {}",
                                    what, text, min, max));
    }
    return std::stoll(text);
  }

  Result<bool> boolean(const YAML::Node& node, std::string_view what) const {
    EDDY_ASSIGN_OR_RETURN(auto text, scalar(node, what));
    if (text == "true") return true;
    if (text == "false") return false;
    return fail(node, fmt::format("{}: '{}' is not allowed: write true or false", what, text));
  }

  Result<int64_t> duration(const YAML::Node& node, std::string_view what, int64_t min_ms,
                           int64_t max_ms) const {
    EDDY_ASSIGN_OR_RETURN(auto text, scalar(node, what));
    auto ms = parse_duration_ms(text);
    if (!ms.is_ok() || *ms < min_ms || *ms > max_ms) {
      return fail(node,
                  fmt::format("{}: '{}' is not allowed: give a duration with a unit from {} to {} "
                              "(e.g. 90s, 5m, 24h)",
                              what, text, format_duration_ms(min_ms), format_duration_ms(max_ms)));
    }
    return *ms;
  }

  Result<model::KeyAttribute> key_attribute(const YAML::Node& node, std::string_view what) const {
    if (!node.IsMap()) {
      return fail(node, fmt::format("{}: expected {{name: <attribute>, type: S|N|B}}", what));
    }
    EDDY_RETURN_IF_ERROR(check_keys(node, {"name", "type"}, what));
    if (!node["name"]) return fail(node, fmt::format("{}: 'name' is missing", what));
    if (!node["type"]) return fail(node, fmt::format("{}: 'type' is missing (S, N or B)", what));
    EDDY_ASSIGN_OR_RETURN(auto name, scalar(node["name"], fmt::format("{}.name", what)));
    EDDY_ASSIGN_OR_RETURN(auto type, scalar(node["type"], fmt::format("{}.type", what)));
    if (name.empty() || name.size() > 255) {
      return fail(node["name"], fmt::format("{}.name: 1 to 255 characters", what));
    }
    model::KeyAttribute attribute;
    attribute.name = name;
    if (type == "S") {
      attribute.type = model::KeyType::S;
    } else if (type == "N") {
      attribute.type = model::KeyType::N;
    } else if (type == "B") {
      attribute.type = model::KeyType::B;
    } else {
      return fail(node["type"], fmt::format("{}.type: '{}' is not allowed: S, N or B", what, type));
    }
    return attribute;
  }

  Result<TableDecl> parse_table(const YAML::Node& name_node, const YAML::Node& node) const {
    TableDecl table;
    table.name = name_node.Scalar();
    table.line = line_of(name_node);
    if (!valid_table_name(table.name)) {
      return fail(name_node, fmt::format("table name '{}': 3 to 255 characters of a-z, A-Z, 0-9, "
                                         "'_', '-' and '.'",
                                         table.name));
    }
    if (!node.IsMap()) return fail(name_node, fmt::format("table {}: expected a map", table.name));
    const std::string what = "table " + table.name;
    EDDY_RETURN_IF_ERROR(check_keys(node, {"partitionKey", "sortKey", "stream"}, what));
    if (!node["partitionKey"]) {
      return fail(name_node, fmt::format("{}: 'partitionKey' is missing: add partitionKey: "
                                         "{{name: id, type: S}}",
                                         what));
    }
    EDDY_ASSIGN_OR_RETURN(table.key_schema.partition,
                          key_attribute(node["partitionKey"], what + " partitionKey"));
    if (node["sortKey"]) {
      EDDY_ASSIGN_OR_RETURN(auto sort, key_attribute(node["sortKey"], what + " sortKey"));
      table.key_schema.sort = sort;
    }
    if (node["stream"]) {
      EDDY_ASSIGN_OR_RETURN(auto view, scalar(node["stream"], what + " stream"));
      if (view == "NEW_IMAGE") {
        table.stream = storage::StreamViewType::kNewImage;
      } else if (view == "OLD_IMAGE") {
        table.stream = storage::StreamViewType::kOldImage;
      } else if (view == "NEW_AND_OLD_IMAGES") {
        table.stream = storage::StreamViewType::kNewAndOldImages;
      } else if (view == "KEYS_ONLY") {
        table.stream = storage::StreamViewType::kKeysOnly;
      } else {
        return fail(node["stream"],
                    fmt::format("{} stream: '{}' is not allowed: KEYS_ONLY, NEW_IMAGE, OLD_IMAGE "
                                "or NEW_AND_OLD_IMAGES",
                                what, view));
      }
    }
    return table;
  }

  Result<FunctionDecl> parse_function(const YAML::Node& name_node, const YAML::Node& node) const {
    FunctionDecl function;
    function.config.name = name_node.Scalar();
    function.line = line_of(name_node);
    const std::string what = "function " + function.config.name;
    static const std::regex kName("[A-Za-z0-9_-]{1,64}");
    if (!std::regex_match(function.config.name, kName)) {
      return fail(name_node, fmt::format("function name '{}': 1 to 64 characters of a-z, A-Z, "
                                         "0-9, '-' and '_'",
                                         function.config.name));
    }
    if (!node.IsMap()) return fail(name_node, what + ": expected a map with at least a handler");
    EDDY_RETURN_IF_ERROR(check_keys(node,
                                    {"handler", "code", "runtime", "environment", "timeout",
                                     "memorySize", "reservedConcurrentExecutions"},
                                    what));
    if (!node["handler"]) {
      return fail(name_node,
                  what + ": 'handler' is missing (e.g. handler: builtin:notes.word-count)");
    }
    EDDY_ASSIGN_OR_RETURN(function.config.handler, scalar(node["handler"], what + " handler"));
    const bool builtin = function.config.handler.starts_with(functions::kBuiltinPrefix);
    if (!builtin) {
      EDDY_RETURN_IF_ERROR(parse_process(node, what, function.config));
    } else if (node["runtime"] || node["code"]) {
      return fail(node["runtime"] ? node["runtime"] : node["code"],
                  what +
                      ": a built-in handler takes no code or runtime; a Runtime API function "
                      "has a handler without 'builtin:' (e.g. index.handler)");
    }
    if (builtin && !options_.known_handlers.empty() &&
        std::find(options_.known_handlers.begin(), options_.known_handlers.end(),
                  function.config.handler) == options_.known_handlers.end()) {
      std::vector<std::string_view> known(options_.known_handlers.begin(),
                                          options_.known_handlers.end());
      return fail(node["handler"], fmt::format("{} handler: no built-in handler '{}'; known: {}",
                                               what, function.config.handler, join(known)));
    }
    if (auto environment = node["environment"]) {
      if (!environment.IsMap()) {
        return fail(environment, what + " environment: expected a map of NAME: value");
      }
      size_t total = 0;
      for (const auto& entry : environment) {
        const std::string& name = entry.first.Scalar();
        EDDY_ASSIGN_OR_RETURN(auto value, scalar(entry.second, what + " environment " + name));
        if (is_reserved_variable(name)) {
          return fail(entry.first,
                      fmt::format("{} environment: {} is reserved: Lambda sets it for every "
                                  "function and does not let a function change it",
                                  what, name));
        }
        total += name.size() + value.size();
        function.config.environment[name] = value;
      }
      if (total > 4096) {
        return fail(environment, fmt::format("{} environment: {} bytes of names and values; "
                                             "Lambda allows at most 4 KB",
                                             what, total));
      }
    }
    if (node["timeout"]) {
      EDDY_ASSIGN_OR_RETURN(function.config.timeout_ms, duration(node["timeout"], what + " timeout",
                                                                 1000, functions::kMaxTimeoutMs));
    }
    if (node["memorySize"]) {
      EDDY_ASSIGN_OR_RETURN(auto memory,
                            integer(node["memorySize"], what + " memorySize", 128, 10240));
      function.config.memory_size_mb = static_cast<uint32_t>(memory);
    }
    if (node["reservedConcurrentExecutions"]) {
      EDDY_ASSIGN_OR_RETURN(auto reserved,
                            integer(node["reservedConcurrentExecutions"],
                                    what + " reservedConcurrentExecutions", 1, 1000));
      function.config.reserved_concurrency = static_cast<uint32_t>(reserved);
    }
    return function;
  }

  // A Runtime API function: `code: <dir>` (relative to the stack file) and
  // `runtime: {command: [program, args...]}`.
  Status parse_process(const YAML::Node& node, const std::string& what,
                       functions::FunctionConfig& config) const {
    if (!node["code"] || !node["runtime"]) {
      return fail(node, fmt::format("{}: a handler without 'builtin:' runs in a process that "
                                    "speaks the Lambda Runtime API: give 'code: <directory>' and "
                                    "'runtime: {{command: [...]}}' (e.g. command: [./bootstrap])",
                                    what));
    }
    EDDY_ASSIGN_OR_RETURN(auto code, scalar(node["code"], what + " code"));
    std::filesystem::path dir(code);
    if (dir.is_relative()) dir = std::filesystem::path(options_.base_dir) / dir;
    std::error_code ec;
    dir = std::filesystem::weakly_canonical(dir, ec);
    if (ec || !std::filesystem::is_directory(dir, ec)) {
      return fail(node["code"], fmt::format("{} code: {} is not a directory (a relative path is "
                                            "read from the stack file's directory)",
                                            what, dir.string()));
    }
    config.code_dir = dir.string();
    const auto runtime = node["runtime"];
    if (!runtime.IsMap()) {
      return fail(runtime, what + " runtime: expected a map with command: [program, args...]");
    }
    EDDY_RETURN_IF_ERROR(check_keys(runtime, {"command"}, what + " runtime"));
    const auto command = runtime["command"];
    if (!command || !command.IsSequence() || command.size() == 0) {
      return fail(command ? command : runtime,
                  what +
                      " runtime command: expected a non-empty list, e.g. [./bootstrap] or "
                      "[node, node_modules/aws-lambda-ric/index.mjs]");
    }
    for (const auto& arg : command) {
      EDDY_ASSIGN_OR_RETURN(auto text, scalar(arg, what + " runtime command"));
      config.command.push_back(std::move(text));
    }
    return {};
  }

  // Lambda's reserved environment variables (reference §3).
  static bool is_reserved_variable(std::string_view name) {
    static const std::set<std::string_view> kReserved = {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    };
    return kReserved.count(name) > 0;
  }

  // A YAML filter map -> the EventBridge pattern JSON it mirrors. Plain scalars that read as
  // numbers, booleans or null become JSON numbers, booleans and null; quoted ones stay strings.
  void write_json(const YAML::Node& node,
                  rapidjson::Writer<rapidjson::StringBuffer>& writer) const {
    if (node.IsMap()) {
      writer.StartObject();
      for (const auto& entry : node) {
        const std::string& key = entry.first.Scalar();
        writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        write_json(entry.second, writer);
      }
      writer.EndObject();
    } else if (node.IsSequence()) {
      writer.StartArray();
      for (const auto& element : node)
        write_json(element, writer);
      writer.EndArray();
    } else if (node.IsNull()) {
      writer.Null();
    } else {
      const std::string& text = node.Scalar();
      static const std::regex kNumber("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
      const bool plain = node.Tag() == "?";
      if (plain && (text == "true" || text == "false")) {
        writer.Bool(text == "true");
      } else if (plain && std::regex_match(text, kNumber)) {
        writer.RawValue(text.data(), text.size(), rapidjson::kNumberType);
      } else {
        model::write_string(writer, text);
      }
    }
  }

  Result<EventSourceDecl> parse_event_source(const YAML::Node& node, const Stack& stack) const {
    EventSourceDecl source;
    source.line = line_of(node);
    if (!node.IsMap())
      return fail(node, "event source: expected a map (function: ..., table: ...)");
    EDDY_RETURN_IF_ERROR(
        check_keys(node,
                   {"function", "table", "startingPosition", "batchSize", "maxBatchingWindow",
                    "retryAttempts", "maxRecordAge", "bisectBatchOnError", "parallelizationFactor",
                    "reportBatchItemFailures", "tumblingWindow", "onFailure", "filters", "enabled"},
                   "event source"));
    if (!node["function"]) return fail(node, "event source: 'function' is missing");
    if (!node["table"]) return fail(node, "event source: 'table' is missing");
    EDDY_ASSIGN_OR_RETURN(source.function, scalar(node["function"], "event source function"));
    EDDY_ASSIGN_OR_RETURN(source.table, scalar(node["table"], "event source table"));
    const std::string what = fmt::format("event source {} <- {}", source.function, source.table);
    auto function = std::find_if(stack.functions.begin(), stack.functions.end(),
                                 [&](const auto& f) { return f.config.name == source.function; });
    if (function == stack.functions.end()) {
      std::vector<std::string_view> names;
      for (const auto& f : stack.functions)
        names.push_back(f.config.name);
      return fail(node["function"],
                  fmt::format("{}: no function '{}' in this stack; declare it under functions "
                              "(declared: {})",
                              what, source.function, names.empty() ? "none" : join(names)));
    }
    auto table = std::find_if(stack.tables.begin(), stack.tables.end(),
                              [&](const auto& t) { return t.name == source.table; });
    if (table == stack.tables.end()) {
      std::vector<std::string_view> names;
      for (const auto& t : stack.tables)
        names.push_back(t.name);
      return fail(node["table"],
                  fmt::format("{}: no table '{}' in this stack; declare it under "
                              "tables (declared: {})",
                              what, source.table, names.empty() ? "none" : join(names)));
    }
    if (!table->stream) {
      return fail(node["table"], fmt::format("{}: table {} has no stream: add stream: "
                                             "NEW_AND_OLD_IMAGES (or another view type) to it",
                                             what, source.table));
    }
    esm::MappingConfig& s = source.settings;
    s.function_name = source.function;
    if (!node["startingPosition"]) {
      return fail(node, what + ": 'startingPosition' is missing: TRIM_HORIZON or LATEST");
    }
    EDDY_ASSIGN_OR_RETURN(auto position,
                          scalar(node["startingPosition"], what + " startingPosition"));
    if (position == "TRIM_HORIZON") {
      s.starting_position = esm::StartingPosition::kTrimHorizon;
    } else if (position == "LATEST") {
      s.starting_position = esm::StartingPosition::kLatest;
    } else {
      return fail(node["startingPosition"],
                  fmt::format("{} startingPosition: '{}' is not allowed: TRIM_HORIZON or LATEST "
                              "(AT_TIMESTAMP is not available for DynamoDB streams)",
                              what, position));
    }
    if (node["batchSize"]) {
      EDDY_ASSIGN_OR_RETURN(auto n,
                            integer(node["batchSize"], what + " batchSize", 1, esm::kMaxBatchSize));
      s.batch_size = static_cast<uint32_t>(n);
    }
    if (node["maxBatchingWindow"]) {
      EDDY_ASSIGN_OR_RETURN(s.max_batching_window_ms,
                            duration(node["maxBatchingWindow"], what + " maxBatchingWindow", 0,
                                     esm::kMaxBatchingWindowSeconds * 1000));
    }
    if (node["retryAttempts"]) {
      EDDY_ASSIGN_OR_RETURN(
          s.max_retry_attempts,
          integer(node["retryAttempts"], what + " retryAttempts", -1, esm::kMaxRetryAttempts));
    }
    if (node["maxRecordAge"]) {
      EDDY_ASSIGN_OR_RETURN(auto text, scalar(node["maxRecordAge"], what + " maxRecordAge"));
      if (text == "-1") {
        s.max_record_age_ms = -1;
      } else {
        EDDY_ASSIGN_OR_RETURN(s.max_record_age_ms,
                              duration(node["maxRecordAge"], what + " maxRecordAge",
                                       options_.validation.min_record_age_seconds * 1000,
                                       esm::kMaxRecordAgeSeconds * 1000));
      }
    }
    if (node["bisectBatchOnError"]) {
      EDDY_ASSIGN_OR_RETURN(s.bisect_on_error,
                            boolean(node["bisectBatchOnError"], what + " bisectBatchOnError"));
    }
    if (node["parallelizationFactor"]) {
      EDDY_ASSIGN_OR_RETURN(
          auto n, integer(node["parallelizationFactor"], what + " parallelizationFactor", 1,
                          esm::kMaxParallelizationFactor));
      s.parallelization_factor = static_cast<uint32_t>(n);
    }
    if (node["reportBatchItemFailures"]) {
      EDDY_ASSIGN_OR_RETURN(
          s.report_batch_item_failures,
          boolean(node["reportBatchItemFailures"], what + " reportBatchItemFailures"));
    }
    if (node["tumblingWindow"]) {
      EDDY_ASSIGN_OR_RETURN(s.tumbling_window_ms,
                            duration(node["tumblingWindow"], what + " tumblingWindow", 0,
                                     esm::kMaxTumblingWindowSeconds * 1000));
    }
    if (node["onFailure"]) {
      EDDY_ASSIGN_OR_RETURN(s.on_failure, scalar(node["onFailure"], what + " onFailure"));
      if (auto checked = esm::check_destination(s.on_failure); !checked.is_ok()) {
        return fail(node["onFailure"], fmt::format("{} onFailure: {}", what, checked.message()));
      }
    }
    if (auto filters = node["filters"]) {
      if (!filters.IsSequence()) {
        return fail(filters,
                    what + " filters: expected a list of patterns (- {eventName: [INSERT]})");
      }
      if (filters.size() > esm::kMaxFilters) {
        return fail(filters, fmt::format("{} filters: at most {} filters, {} given", what,
                                         esm::kMaxFilters, filters.size()));
      }
      for (const auto& filter : filters) {
        if (!filter.IsMap()) {
          return fail(filter, what +
                                  " filters: each filter is a map mirroring an EventBridge "
                                  "pattern, e.g. {eventName: [INSERT]}");
        }
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
        write_json(filter, writer);
        std::string pattern(buffer.GetString(), buffer.GetSize());
        if (auto parsed = esm::FilterPattern::parse(pattern); !parsed.is_ok()) {
          return fail(filter, fmt::format("{} filters: {}", what, parsed.status().message()));
        }
        s.filters.push_back(std::move(pattern));
      }
    }
    if (node["enabled"]) {
      EDDY_ASSIGN_OR_RETURN(s.enabled, boolean(node["enabled"], what + " enabled"));
    }
    return source;
  }

  std::string file_;
  const ParseOptions& options_;
};

}  // namespace

Result<Stack> parse_stack(std::string_view text, std::string file, const ParseOptions& options) {
  try {
    return Parser(file, options).parse(text);
  } catch (const YAML::Exception& e) {
    return Status::validation(fmt::format("{}:{}: {}", file, e.mark.line + 1, e.msg));
  }
}

Result<Stack> load_stack(const std::string& path, const ParseOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::validation(fmt::format("{}: cannot read the stack file", path));
  std::stringstream text;
  text << in.rdbuf();
  ParseOptions with_dir = options;
  if (with_dir.base_dir.empty()) {
    with_dir.base_dir = std::filesystem::absolute(path).parent_path().string();
  }
  return parse_stack(text.str(), path, with_dir);
}

}  // namespace eddy::stack
