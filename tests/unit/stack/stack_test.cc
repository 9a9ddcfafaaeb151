// Stack files: parsing (every error names the file, the line and the fix) and deployment
// (idempotent, changes reported, key schema changes refused, view type changes move mappings).
#include "stack/deploy.h"
#include "unit/support/in_memory_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "stack/stack.h"

namespace eddy::stack {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kValid = R"(tables:
  orders:
    partitionKey: {name: id, type: S}
    sortKey: {name: at, type: N}
    stream: NEW_AND_OLD_IMAGES
functions:
  audit: {handler: builtin:test.audit, environment: {TABLE_NAME: orders}, timeout: 3s}
eventSources:
  - function: audit
    table: orders
    startingPosition: TRIM_HORIZON
    batchSize: 100
    maxBatchingWindow: 0s
    retryAttempts: 2
    maxRecordAge: 1h
    bisectBatchOnError: true
    parallelizationFactor: 1
    reportBatchItemFailures: true
    tumblingWindow: 0s
    onFailure: table:orders-failures
    filters:
      - {eventName: [INSERT, MODIFY]}
      - {dynamodb: {NewImage: {amount: {N: [{prefix: "1"}]}}}}
    enabled: true
)";

Result<Stack> parse(std::string_view text) {
  ParseOptions options;
  options.known_handlers = {"builtin:test.audit", "builtin:test.record"};
  return parse_stack(text, "stack.yaml", options);
}

std::string error_of(std::string_view text) {
  auto stack = parse(text);
  EXPECT_FALSE(stack.is_ok()) << text;
  if (stack.is_ok()) return "";
  EXPECT_EQ(stack.status().code(), Code::kValidation);
  return stack.status().message();
}

TEST(StackParse, TheIssuesExampleParsesWithCdkNames) {
  auto stack = parse(kValid);
  ASSERT_TRUE(stack.is_ok()) << stack.status().to_string();
  ASSERT_EQ(stack->tables.size(), 1u);
  EXPECT_EQ(stack->tables[0].name, "orders");
  EXPECT_EQ(stack->tables[0].key_schema.partition.name, "id");
  ASSERT_TRUE(stack->tables[0].key_schema.sort);
  EXPECT_EQ(stack->tables[0].key_schema.sort->type, model::KeyType::N);
  EXPECT_EQ(stack->tables[0].stream, storage::StreamViewType::kNewAndOldImages);
  ASSERT_EQ(stack->functions.size(), 1u);
  EXPECT_EQ(stack->functions[0].config.timeout_ms, 3000);
  EXPECT_EQ(stack->functions[0].config.environment.at("TABLE_NAME"), "orders");
  ASSERT_EQ(stack->event_sources.size(), 1u);
  const auto& s = stack->event_sources[0].settings;
  EXPECT_EQ(s.max_retry_attempts, 2);
  EXPECT_EQ(s.max_record_age_ms, 3'600'000);
  EXPECT_TRUE(s.bisect_on_error);
  EXPECT_TRUE(s.report_batch_item_failures);
  EXPECT_EQ(s.on_failure, "table:orders-failures");
  EXPECT_THAT(s.filters,
              ElementsAre(R"({"eventName":["INSERT","MODIFY"]})",
                          R"({"dynamodb":{"NewImage":{"amount":{"N":[{"prefix":"1"}]}}}})"));
  EXPECT_EQ(stack->event_sources[0].line, 9);
}

TEST(StackParse, UnknownKeysNameTheNearestValidOne) {
  EXPECT_EQ(error_of("tabels: {}\n"),
            "stack.yaml:1: unknown key 'tabels' in stack file: did you "
            "mean 'tables'?");
  EXPECT_EQ(
      error_of("tables:\n  t1x:\n    partitionKey: {name: id, type: S}\n    strem: KEYS_ONLY\n"),
      "stack.yaml:4: unknown key 'strem' in table t1x: did you mean 'stream'?");
  EXPECT_THAT(
      error_of("tables:\n  t1x:\n    partitionKey: {name: id, type: S}\n    zzzzzzzzzz: 1\n"),
      HasSubstr("valid keys: partitionKey, sortKey, stream"));
}

TEST(StackParse, BadValuesNameTheirAllowedRange) {
  std::string text = kValid;
  text.replace(text.find("batchSize: 100"), 14, "batchSize: 0");
  EXPECT_EQ(error_of(text),
            "stack.yaml:12: event source audit <- orders batchSize: '0' is not "
            "allowed: give a whole number from 1 to 10000");
  text = kValid;
  text.replace(text.find("maxRecordAge: 1h"), 16, "maxRecordAge: 10s");
  EXPECT_THAT(error_of(text), HasSubstr("stack.yaml:15: event source audit <- orders maxRecordAge: "
                                        "'10s' is not allowed: give a duration with a unit from 1m "
                                        "to 7d"));
  text = kValid;
  text.replace(text.find("timeout: 3s"), 11, "timeout: 3");
  EXPECT_THAT(error_of(text),
              HasSubstr("stack.yaml:7: function audit timeout: '3' is not allowed"));
  text = kValid;
  text.replace(text.find("stream: NEW_AND_OLD_IMAGES"), 26, "stream: BOTH");
  EXPECT_EQ(error_of(text),
            "stack.yaml:5: table orders stream: 'BOTH' is not allowed: KEYS_ONLY, "
            "NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES");
  text = kValid;
  text.replace(text.find("startingPosition: TRIM_HORIZON"), 30, "startingPosition: AT_TIMESTAMP");
  EXPECT_THAT(error_of(text), HasSubstr("stack.yaml:11:"));
  text = kValid;
  text.replace(text.find("bisectBatchOnError: true"), 24, "bisectBatchOnError: yes");
  EXPECT_THAT(error_of(text), HasSubstr("write true or false"));
  text = kValid;
  text.replace(text.find("onFailure: table:orders-failures"), 32, "onFailure: arn:aws:sqs:q");
  EXPECT_THAT(error_of(text), HasSubstr("stack.yaml:20: event source audit <- orders onFailure: "
                                        "Invalid on-failure destination"));
  text = kValid;
  text.replace(text.find("{eventName: [INSERT, MODIFY]}"), 29, "{eventName: INSERT}");
  EXPECT_THAT(error_of(text), HasSubstr("stack.yaml:22: event source audit <- orders filters:"));
}

TEST(StackParse, UnknownFunctionsTablesAndHandlersAreNamed) {
  std::string text = kValid;
  text.replace(text.find("  - function: audit"), 19, "  - function: audi");
  EXPECT_EQ(error_of(text),
            "stack.yaml:9: event source audi <- orders: no function 'audi' in this "
            "stack; declare it under functions (declared: audit)");
  text = kValid;
  text.replace(text.find("    table: orders"), 17, "    table: order");
  EXPECT_THAT(error_of(text), HasSubstr("stack.yaml:10: event source audit <- order: no table "
                                        "'order' in this stack"));
  text = kValid;
  text.replace(text.find("builtin:test.audit"), 18, "builtin:test.nope");
  EXPECT_EQ(error_of(text),
            "stack.yaml:7: function audit handler: no built-in handler "
            "'builtin:test.nope'; known: builtin:test.audit, builtin:test.record");
  text = kValid;
  text.replace(text.find("    stream: NEW_AND_OLD_IMAGES\n"), 31, "");
  EXPECT_THAT(error_of(text), HasSubstr("table orders has no stream"));
}

TEST(StackParse, MissingKeysAndBadYaml) {
  EXPECT_THAT(error_of("tables:\n  orders:\n    stream: NEW_IMAGE\n"),
              HasSubstr("stack.yaml:2: table orders: 'partitionKey' is missing"));
  EXPECT_THAT(error_of("tables: [\n"), HasSubstr("stack.yaml:"));
  EXPECT_THAT(error_of("functions:\n  f: {environment: {}}\n"),
              HasSubstr("stack.yaml:2: function f: 'handler' is missing"));
  EXPECT_THAT(error_of("- 1\n"), HasSubstr("stack.yaml:1: a stack file is a map"));
  std::string text = kValid;
  text += R"(  - function: audit
    table: orders
    startingPosition: LATEST
)";
  EXPECT_THAT(error_of(text), HasSubstr("declared twice (line 9)"));
  EXPECT_TRUE(parse("").is_ok());
}

TEST(StackParse, RuntimeApiFunctionsTakeCodeAndACommand) {
  const std::string dir = ::testing::TempDir();
  ParseOptions options;
  options.base_dir = dir;
  auto stack = parse_stack(R"(functions:
  counter:
    handler: index.handler
    code: .
    runtime: {command: [node, node_modules/aws-lambda-ric/index.mjs]}
    environment: {TABLE_NAME: notes, NODE_OPTIONS: --enable-source-maps}
    timeout: 10s
    memorySize: 512
    reservedConcurrentExecutions: 3
)",
                           "stack.yaml", options);
  ASSERT_TRUE(stack.is_ok()) << stack.status().to_string();
  const auto& config = stack->functions.at(0).config;
  EXPECT_EQ(config.handler, "index.handler");
  // A relative code directory is read from the stack file's directory, made absolute.
  EXPECT_EQ(std::filesystem::path(config.code_dir),
            std::filesystem::weakly_canonical(std::filesystem::path(dir)));
  EXPECT_THAT(config.command, ElementsAre("node", "node_modules/aws-lambda-ric/index.mjs"));
  EXPECT_EQ(config.environment.at("NODE_OPTIONS"), "--enable-source-maps");
  EXPECT_EQ(config.timeout_ms, 10'000);
  EXPECT_EQ(config.memory_size_mb, 512u);
  EXPECT_EQ(config.reserved_concurrency, 3u);
}

TEST(StackParse, RuntimeApiFunctionErrorsNameTheLineAndTheFix) {
  EXPECT_THAT(error_of("functions:\n  f: {handler: index.handler}\n"),
              HasSubstr("stack.yaml:2: function f: a handler without 'builtin:' runs in a "
                        "process that speaks the Lambda Runtime API: give 'code: <directory>' "
                        "and 'runtime: {command: [...]}'"));
  EXPECT_THAT(error_of("functions:\n  f: {handler: index.handler, code: /no/such/dir, runtime: "
                       "{command: [./bootstrap]}}\n"),
              HasSubstr("stack.yaml:2: function f code: /no/such/dir is not a directory"));
  EXPECT_THAT(error_of("functions:\n  f: {handler: index.handler, code: /tmp, runtime: "
                       "{command: []}}\n"),
              HasSubstr("function f runtime command: expected a non-empty list"));
  EXPECT_THAT(error_of("functions:\n  f: {handler: index.handler, code: /tmp, runtime: "
                       "{comand: [x]}}\n"),
              HasSubstr("did you mean 'command'"));
  EXPECT_THAT(error_of("functions:\n  f: {handler: builtin:test.audit, code: /tmp}\n"),
              HasSubstr("function f: a built-in handler takes no code or runtime"));
  EXPECT_THAT(error_of("functions:\n  f: {handler: builtin:test.audit, environment: "
                       "{AWS_REGION: eu-west-1}}\n"),
              HasSubstr("stack.yaml:2: function f environment: AWS_REGION is reserved"));
  const std::string big(5000, 'x');
  EXPECT_THAT(
      error_of("functions:\n  f: {handler: builtin:test.audit, environment: {A: " + big + "}}\n"),
      HasSubstr("5001 bytes of names and values; Lambda allows at most 4 KB"));
}

TEST(StackParse, TheApiSectionDeclaresRoutesToFunctions) {
  std::string text = kValid;
  text += R"(api:
  stage: prod
  routes:
    POST /orders: audit
    GET /orders/{id}: audit
    ANY /files/{path+}: audit
)";
  auto stack = parse(text);
  ASSERT_TRUE(stack.is_ok()) << stack.status().to_string();
  ASSERT_TRUE(stack->api);
  EXPECT_EQ(stack->api->stage, "prod");
  ASSERT_EQ(stack->api->routes.size(), 3u);
  EXPECT_EQ(stack->api->routes[1].method, "GET");
  EXPECT_EQ(stack->api->routes[1].resource, "/orders/{id}");
  EXPECT_EQ(stack->api->routes[1].function, "audit");
  EXPECT_EQ(stack->api->routes[1].line, 29);

  auto route_error = [&](const std::string& route) {
    return error_of(std::string(kValid) + "api:\n  routes:\n    " + route + "\n");
  };
  EXPECT_EQ(route_error("GET /health: audit"),
            "stack.yaml:27: api route 'GET /health': /health is Eddy's own endpoint; choose "
            "another path");
  EXPECT_THAT(route_error("GET /2015-03-31/functions: audit"), HasSubstr("Eddy's own endpoint"));
  EXPECT_THAT(route_error("POST /: audit"), HasSubstr("POST / is the AWS APIs' endpoint"));
  EXPECT_THAT(route_error("FETCH /x: audit"), HasSubstr("method 'FETCH' is not allowed"));
  EXPECT_THAT(route_error("GET /x/{id: audit"), HasSubstr("the path must be /-separated"));
  EXPECT_THAT(route_error("GET /x/{rest+}/y: audit"), HasSubstr("the path must be /-separated"));
  EXPECT_THAT(route_error("GET /x: nobody"),
              HasSubstr("stack.yaml:27: api route 'GET /x': no function 'nobody' in this stack"));
  EXPECT_THAT(route_error("GET /x: audit\n    GET /x: audit"), HasSubstr("declared twice"));
  EXPECT_THAT(error_of(std::string(kValid) + "api:\n  stage: a b\n"),
              HasSubstr("api stage: 'a b' is not allowed"));
}

// ---- deployment ----

class StackDeploy : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = testing::in_memory_engine();
    runtime_ = std::make_unique<functions::Runtime>(functions::RuntimeOptions{});
    builtins_.add("test.audit", [](const std::string&, const auto&) { return "null"; });
    builtins_.add("test.record", [](const std::string&, const auto&) { return "null"; });
    mappings_ =
        std::make_unique<esm::MappingManager>(*engine_, *runtime_, nullptr, esm::ManagerOptions{});
    ASSERT_TRUE(mappings_->start().is_ok());
  }
  void TearDown() override {
    mappings_.reset();
    runtime_.reset();
    engine_.reset();
  }

  // The stack, with its table: destination replaced by a file (no DynamoDB client here).
  Result<std::vector<std::string>> deploy_text(std::string text) {
    text.replace(text.find("table:orders-failures"), 21, "file:/dev/null");
    auto stack = parse(text);
    if (!stack.is_ok()) return stack.status();
    auto changes = deploy(*stack, {*engine_, *runtime_, *mappings_, builtins_});
    mappings_->wait_idle();
    return changes;
  }

  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<functions::Runtime> runtime_;
  functions::BuiltinRegistry builtins_;
  std::unique_ptr<esm::MappingManager> mappings_;
};

TEST_F(StackDeploy, CreatesThenRedeploysIdempotently) {
  auto first = deploy_text(kValid);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0], "+ table orders (id S, at N; stream NEW_AND_OLD_IMAGES)");
  EXPECT_EQ((*first)[1], "+ function audit (builtin:test.audit)");
  EXPECT_THAT((*first)[2], HasSubstr("+ mapping audit <- orders ("));
  const std::string uuid = mappings_->list().at(0).config.uuid;

  auto second = deploy_text(kValid);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ((*second)[0], "= table orders unchanged");
  EXPECT_EQ((*second)[2], "= mapping audit <- orders unchanged (" + uuid + ")");
  EXPECT_EQ(mappings_->list().size(), 1u);
}

TEST_F(StackDeploy, ChangedSettingsAreAppliedAndPrinted) {
  ASSERT_TRUE(deploy_text(kValid).is_ok());
  std::string text = kValid;
  text.replace(text.find("batchSize: 100"), 14, "batchSize: 10");
  text.replace(text.find("retryAttempts: 2"), 16, "retryAttempts: 5");
  text.replace(text.find("tumblingWindow: 0s"), 18, "tumblingWindow: 5s");
  auto changes = deploy_text(text);
  ASSERT_TRUE(changes.is_ok()) << changes.status().to_string();
  EXPECT_EQ((*changes)[2],
            "~ mapping audit <- orders: batchSize 100 -> 10; retryAttempts 2 -> 5; "
            "tumblingWindow(ms) 0 -> 5000");
  auto mapping = mappings_->list().at(0);
  EXPECT_EQ(mapping.config.batch_size, 10u);
  EXPECT_EQ(mapping.config.max_retry_attempts, 5);
  EXPECT_EQ(mapping.state, "Enabled");
}

TEST_F(StackDeploy, AChangedKeySchemaIsRefusedWithHowToMigrate) {
  ASSERT_TRUE(deploy_text(kValid).is_ok());
  std::string text = kValid;
  const std::string sort_key = "    sortKey: {name: at, type: N}\n";
  text.replace(text.find(sort_key), sort_key.size(), "");
  auto changes = deploy_text(text);
  ASSERT_FALSE(changes.is_ok());
  EXPECT_THAT(changes.status().message(),
              HasSubstr("stack.yaml:2: table orders exists with the key schema (id S, at N) but "
                        "the stack declares (id S). DynamoDB cannot change a table's key schema: "
                        "create a table under a new name"));
}

TEST_F(StackDeploy, AChangedViewTypeMakesANewStreamAndMovesTheMappings) {
  ASSERT_TRUE(deploy_text(kValid).is_ok());
  // A mapping made through the API on the same table moves too.
  esm::MappingConfig other;
  other.function_name = "audit2";
  functions::FunctionConfig audit2;
  audit2.name = "audit2";
  audit2.handler = "builtin:test.record";
  ASSERT_TRUE(runtime_
                  ->deploy(audit2, std::make_shared<functions::BuiltinFunction>(
                                       builtins_.find("builtin:test.record")))
                  .is_ok());
  other.event_source_arn = *mappings_->table_stream_arn("orders");
  ASSERT_TRUE(mappings_->create(other).is_ok());
  const std::string old_arn = mappings_->list().at(0).config.event_source_arn;
  std::string text = kValid;
  text.replace(text.find("stream: NEW_AND_OLD_IMAGES"), 26, "stream: NEW_IMAGE");
  auto changes = deploy_text(text);
  ASSERT_TRUE(changes.is_ok()) << changes.status().to_string();
  EXPECT_THAT((*changes)[0], HasSubstr("~ table orders: stream NEW_AND_OLD_IMAGES -> NEW_IMAGE (a "
                                       "new stream"));
  using ::testing::Contains;
  EXPECT_THAT(*changes, Contains(HasSubstr("~ mapping audit <- orders: stream " + old_arn)));
  EXPECT_THAT(*changes, Contains(HasSubstr("~ mapping audit2 <- orders: stream " + old_arn)));
  EXPECT_EQ(changes->back().rfind("= mapping audit <- orders unchanged", 0), 0u) << changes->back();
  const auto mapping = mappings_->list().at(0);
  EXPECT_NE(mapping.config.event_source_arn, old_arn);
  EXPECT_EQ(mapping.config.event_source_arn, *mappings_->table_stream_arn("orders"));
  for (const auto& m : mappings_->list())
    EXPECT_EQ(m.config.event_source_arn, mapping.config.event_source_arn) << m.config.function_name;
}

}  // namespace
}  // namespace eddy::stack
