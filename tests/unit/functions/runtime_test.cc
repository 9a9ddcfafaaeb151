// Built-in functions under the Runtime: results, errors, timeouts and concurrency limits.
#include "functions/runtime.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <regex>
#include <thread>

#include "functions/builtin.h"

namespace eddy::functions {
namespace {

using namespace std::chrono_literals;

// A latch a handler waits on, opened by the test.
struct Gate {
  std::promise<void> promise;
  std::shared_future<void> future = promise.get_future().share();
};

class RuntimeTest : public ::testing::Test {
 protected:
  InvokeOutcome invoke(Runtime& runtime, std::string_view name, std::string event,
                       int64_t max_wait_ms = 0) {
    std::promise<InvokeOutcome> promise;
    auto future = promise.get_future();
    runtime.invoke(name, std::move(event), max_wait_ms,
                   [&promise](InvokeOutcome outcome) { promise.set_value(std::move(outcome)); });
    return future.get();
  }

  std::shared_ptr<Function> builtin(BuiltinHandler handler) {
    registry_.add("test.fn", std::move(handler));
    return std::make_shared<BuiltinFunction>(registry_.find("builtin:test.fn"));
  }

  FunctionConfig config(std::string name, int64_t timeout_ms = 3000,
                        std::optional<uint32_t> reserved = std::nullopt) {
    FunctionConfig c;
    c.name = std::move(name);
    c.handler = "builtin:test.fn";
    c.timeout_ms = timeout_ms;
    c.reserved_concurrency = reserved;
    c.environment = {{"TABLE_NAME", "notes"}};
    return c;
  }

  BuiltinRegistry registry_;
};

TEST_F(RuntimeTest, RunsABuiltinWithLambdasContext) {
  Runtime runtime({});
  ASSERT_TRUE(runtime
                  .deploy(config("echo"),
                          builtin([](const std::string& event, const InvocationContext& context) {
                            return R"({"event":)" + event + R"(,"name":")" + context.function_name +
                                   R"(","arn":")" + context.function_arn + R"(","id":")" +
                                   context.request_id + R"(","table":")" +
                                   context.environment->at("TABLE_NAME") + R"(","time_left":)" +
                                   std::to_string(context.remaining_ms() > 2000) + "}";
                          }))
                  .is_ok());
  auto outcome = invoke(runtime, "echo", R"({"n":1})");
  ASSERT_TRUE(outcome);
  const auto& result = std::get<std::string>(*outcome);
  EXPECT_NE(result.find(R"("event":{"n":1})"), std::string::npos) << result;
  EXPECT_NE(result.find(R"("arn":"arn:aws:lambda:us-east-1:000000000000:function:echo")"),
            std::string::npos);
  EXPECT_NE(result.find(R"("table":"notes")"), std::string::npos);
  EXPECT_NE(result.find(R"("time_left":1)"), std::string::npos);
  EXPECT_TRUE(std::regex_search(
      result,
      std::regex(R"("id":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")")));
}

TEST_F(RuntimeTest, AThrowingHandlerIsAFunctionErrorNotACrash) {
  Runtime runtime({});
  ASSERT_TRUE(runtime
                  .deploy(config("typed"),
                          builtin([](const std::string&, const InvocationContext&) -> std::string {
                            throw HandlerError("NoteTooLong", "content over 10 KB");
                          }))
                  .is_ok());
  auto typed = invoke(runtime, "typed", "{}");
  ASSERT_TRUE(typed);
  EXPECT_EQ(std::get<FunctionError>(*typed), (FunctionError{"NoteTooLong", "content over 10 KB"}));
  EXPECT_EQ(std::get<FunctionError>(*typed).to_json(),
            R"({"errorType":"NoteTooLong","errorMessage":"content over 10 KB"})");

  ASSERT_TRUE(runtime
                  .deploy(config("plain"),
                          builtin([](const std::string&, const InvocationContext&) -> std::string {
                            throw std::out_of_range("index 7");
                          }))
                  .is_ok());
  auto plain = invoke(runtime, "plain", "{}");
  ASSERT_TRUE(plain);
  EXPECT_EQ(std::get<FunctionError>(*plain), (FunctionError{"Error", "index 7"}));

  auto missing = invoke(runtime, "nobody", "{}");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

TEST_F(RuntimeTest, AHandlerPastItsDeadlineTimesOutAndKeepsItsSlotUntilItReturns) {
  Runtime runtime({});
  auto gate = std::make_shared<Gate>();
  ASSERT_TRUE(runtime
                  .deploy(config("slow", 1000, 1),
                          builtin([gate](const std::string&, const InvocationContext&) {
                            gate->future.wait();
                            return std::string("{}");
                          }))
                  .is_ok());
  const auto started = std::chrono::steady_clock::now();
  auto outcome = invoke(runtime, "slow", "{}");
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(outcome);
  const auto& error = std::get<FunctionError>(*outcome);
  EXPECT_EQ(error.error_type, "Sandbox.Timedout");
  EXPECT_NE(error.error_message.find("Task timed out after 1.00 seconds"), std::string::npos);
  EXPECT_GE(waited, 950ms);
  EXPECT_LT(waited, 3s);
  // The handler still runs: its slot is still taken, so the next invocation is throttled.
  EXPECT_EQ(runtime.running("slow"), 1u);
  auto throttled = invoke(runtime, "slow", "{}");
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.status().code(), Code::kThrottled);
  gate->promise.set_value();
  for (int i = 0; i < 200 && runtime.running("slow") != 0; ++i)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(runtime.running("slow"), 0u);
}

TEST_F(RuntimeTest, AtItsLimitAFunctionQueuesThenThrottles) {
  Runtime runtime({});
  auto gate = std::make_shared<Gate>();
  std::atomic<int> calls{0};
  ASSERT_TRUE(runtime
                  .deploy(config("one", 3000, 1), builtin([gate, &calls](const std::string& event,
                                                                         const InvocationContext&) {
                            ++calls;
                            if (event == "\"block\"") gate->future.wait();
                            return event;
                          }))
                  .is_ok());

  std::promise<InvokeOutcome> first;
  runtime.invoke("one", "\"block\"", 0,
                 [&first](InvokeOutcome o) { first.set_value(std::move(o)); });
  for (int i = 0; i < 200 && runtime.running("one") == 0; ++i)
    std::this_thread::sleep_for(5ms);
  ASSERT_EQ(runtime.running("one"), 1u);

  // No wait allowed: throttled at once. A short wait: throttled when it runs out.
  EXPECT_EQ(invoke(runtime, "one", "\"now\"").status().code(), Code::kThrottled);
  EXPECT_EQ(invoke(runtime, "one", "\"soon\"", 50).status().code(), Code::kThrottled);

  // A long wait: runs once the slot frees.
  std::promise<InvokeOutcome> queued;
  runtime.invoke("one", "\"later\"", 10'000,
                 [&queued](InvokeOutcome o) { queued.set_value(std::move(o)); });
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(calls.load(), 1);  // still waiting
  gate->promise.set_value();
  auto first_outcome = first.get_future().get();
  ASSERT_TRUE(first_outcome);
  auto queued_outcome = queued.get_future().get();
  ASSERT_TRUE(queued_outcome);
  EXPECT_EQ(std::get<std::string>(*queued_outcome), "\"later\"");
  EXPECT_EQ(calls.load(), 2);  // the throttled ones never ran
}

TEST_F(RuntimeTest, DeployValidatesLikeLambda) {
  Runtime runtime({});
  auto fn = builtin([](const std::string&, const InvocationContext&) { return std::string("{}"); });
  EXPECT_EQ(runtime.deploy(config("bad name!"), fn).code(), Code::kValidation);
  EXPECT_EQ(runtime.deploy(config("too-long", 901'000), fn).code(), Code::kValidation);
  EXPECT_EQ(runtime.deploy(config("zero", 3000, 0), fn).code(), Code::kValidation);
  ASSERT_TRUE(runtime.deploy(config("b"), fn).is_ok());
  ASSERT_TRUE(runtime.deploy(config("a"), fn).is_ok());
  auto names = runtime.list();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0].name, "a");
  EXPECT_EQ(runtime.config("b")->timeout_ms, 3000);
}

}  // namespace
}  // namespace eddy::functions
