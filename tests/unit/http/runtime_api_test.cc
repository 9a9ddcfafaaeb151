// The Runtime API endpoint and ProcessFunction together, driven by a small runtime written in
// Python (urllib): the protocol's status codes and headers, warm reuse, a timeout that kills,
// a handler error named by the header only, a response over 6 MB, and an init error. The
// behaviour with AWS's own runtime client is tested in tests/compat/test_runtime_api.py.
#include "http/runtime_api_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/clock.h"
#include "functions/process_function.h"

namespace eddy::http {
namespace {

using ::testing::HasSubstr;

// Serves invocations by what the event asks for ("do"), and prints what it saw.
constexpr const char* kRuntime = R"py(
import json, os, urllib.request, urllib.error
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"

def call(method, path, body=None, headers={}):
    request = urllib.request.Request(api + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()

if os.environ.get("INIT_ERROR"):
    call("POST", "/init/error", b"not json", {"Lambda-Runtime-Function-Error-Type": "Runtime.Broken"})
    raise SystemExit(1)

pid = os.getpid()
print("started", pid, flush=True)
if os.environ.get("INIT_SECONDS"):
    import time
    time.sleep(float(os.environ["INIT_SECONDS"]))
count = 0
while True:
    status, headers, body = call("GET", "/invocation/next")
    count += 1
    rid = headers["Lambda-Runtime-Aws-Request-Id"]
    event = json.loads(body)
    what = event["do"]
    if what == "probe":
        result = {
            "pid": pid, "count": count, "requestId": rid,
            "contentType": headers["Content-Type"],
            "deadline": headers["Lambda-Runtime-Deadline-Ms"],
            "arn": headers["Lambda-Runtime-Invoked-Function-Arn"],
            "trace": headers["Lambda-Runtime-Trace-Id"],
            "unknownId": call("POST", "/invocation/not-this-one/response", b"{}")[0],
            "unknownPath": call("GET", "/nothing/here")[0],
            "cwd": os.getcwd(),
            "lang": os.environ["LANG"],
            "handler": os.environ["_HANDLER"],
        }
        print("probe", rid, flush=True)
        status = call("POST", "/invocation/" + rid + "/response", json.dumps(result).encode())[0]
        again = call("POST", "/invocation/" + rid + "/response", b"{}")[0]
        print("posted", status, again, flush=True)
    elif what == "error":
        call("POST", "/invocation/" + rid + "/error", b"",
             {"Lambda-Runtime-Function-Error-Type": "Custom.Kind"})
    elif what == "big":
        status = call("POST", "/invocation/" + rid + "/response", b"x" * (7 * 1024 * 1024))[0]
        print("big", status, flush=True)
    elif what == "hang":
        import time
        time.sleep(60)
)py";

class RuntimeApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    functions::ProcessHostOptions options;
    options.listen = listen_runtime_api;
    options.log = [this](std::string_view function, std::string_view request_id,
                         std::string_view stream, std::string_view line) {
      std::lock_guard lock(mu_);
      log_.push_back(fmt::format("[{} {} {}] {}", function, request_id, stream, line));
    };
    host_ = std::make_shared<functions::ProcessHost>(std::move(options));
    host_->set_endpoint("http://127.0.0.1:9");
  }
  void TearDown() override { host_->shutdown(); }

  std::shared_ptr<functions::ProcessFunction> function(
      std::map<std::string, std::string> environment = {}) {
    functions::FunctionConfig config;
    config.name = "py";
    config.handler = "runtime.handler";
    config.timeout_ms = 2000;
    config.code_dir = ::testing::TempDir();
    config.command = {"python3", "-c", kRuntime};
    config.environment = std::move(environment);
    return std::make_shared<functions::ProcessFunction>(config, host_);
  }

  functions::InvokeResult invoke(functions::ProcessFunction& f, std::string event,
                                 std::string request_id) {
    functions::InvocationContext context;
    context.request_id = std::move(request_id);
    context.function_name = "py";
    context.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:py";
    context.deadline_ms = SystemClock::instance().now_ms() + 2000;
    std::optional<functions::InvokeResult> result;
    f.invoke(std::move(event), context, [&](functions::InvokeResult r) { result = std::move(r); });
    EXPECT_TRUE(result.has_value()) << "invoke returns after done";
    return result ? std::move(*result) : functions::InvokeResult(std::string());
  }

  bool logged(std::string_view text) {
    std::lock_guard lock(mu_);
    for (const auto& line : log_)
      if (line.find(text) != std::string::npos) return true;
    return false;
  }

  bool wait_logged(std::string_view text) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < end) {
      if (logged(text)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::shared_ptr<functions::ProcessHost> host_;
  std::mutex mu_;
  std::vector<std::string> log_;
};

std::string text_of(const functions::InvokeResult& result) {
  if (const auto* error = std::get_if<functions::FunctionError>(&result)) {
    return "error: " + error->to_json();
  }
  return std::get<std::string>(result);
}

TEST_F(RuntimeApiTest, NextCarriesTheHeadersAndUnknownIdsAndPathsAreRefused) {
  auto f = function();
  const auto before = SystemClock::instance().now_ms();
  const std::string first = text_of(invoke(*f, R"({"do":"probe"})", "request-1"));
  EXPECT_THAT(first, HasSubstr(R"("requestId": "request-1")"));
  EXPECT_THAT(first, HasSubstr(R"("contentType": "application/json")"));
  EXPECT_THAT(first, HasSubstr(R"("arn": "arn:aws:lambda:us-east-1:000000000000:function:py")"));
  EXPECT_THAT(first, HasSubstr(R"("unknownId": 400)"));
  EXPECT_THAT(first, HasSubstr(R"("unknownPath": 404)"));
  EXPECT_THAT(first, HasSubstr(R"("count": 1)"));
  EXPECT_THAT(first,
              HasSubstr(fmt::format(
                  R"("cwd": "{}")",
                  std::string(::testing::TempDir()).substr(0, ::testing::TempDir().size() - 1))));
  // The deadline is epoch milliseconds, about 2 s from the call.
  const auto at = first.find(R"("deadline": ")");
  ASSERT_NE(at, std::string::npos);
  const int64_t deadline = std::stoll(first.substr(at + 13));
  EXPECT_GE(deadline, before + 1900);
  EXPECT_LE(deadline, before + 3000);
  EXPECT_THAT(first,
              ::testing::ContainsRegex(
                  R"("trace": "Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0")"));
  // A second response for the same id: 400. The first was 202.
  EXPECT_TRUE(wait_logged("[py  stdout] posted 202 400") ||
              wait_logged("[py request-1 stdout] posted 202 400"));
  EXPECT_TRUE(logged("[py request-1 stdout] probe request-1"));

  // Warm: the same process serves the next invocation.
  EXPECT_EQ(f->idle_environments(), 1u);
  const std::string second = text_of(invoke(*f, R"({"do":"probe"})", "request-2"));
  EXPECT_THAT(second, HasSubstr(R"("count": 2)"));
}

TEST_F(RuntimeApiTest, AnErrorNamedOnlyByTheHeaderAndAResponseOver6MB) {
  auto f = function();
  auto error = invoke(*f, R"({"do":"error"})", "r-error");
  ASSERT_TRUE(std::holds_alternative<functions::FunctionError>(error)) << text_of(error);
  EXPECT_EQ(std::get<functions::FunctionError>(error).error_type, "Custom.Kind");

  auto big = invoke(*f, R"({"do":"big"})", "r-big");
  ASSERT_TRUE(std::holds_alternative<functions::FunctionError>(big)) << text_of(big);
  EXPECT_EQ(std::get<functions::FunctionError>(big).error_type, "Function.ResponseSizeTooLarge");
  EXPECT_TRUE(wait_logged("stdout] big 413"));
  // The runtime goes on in the same process.
  EXPECT_THAT(text_of(invoke(*f, R"({"do":"probe"})", "r-after")), HasSubstr(R"("count": 3)"));
}

TEST_F(RuntimeApiTest, ATimeoutKillsTheProcessAndTheNextInvocationGetsAFreshOne) {
  auto f = function();
  const std::string first = text_of(invoke(*f, R"({"do":"probe"})", "r1"));
  auto hung = invoke(*f, R"({"do":"hang"})", "r2");
  ASSERT_TRUE(std::holds_alternative<functions::FunctionError>(hung)) << text_of(hung);
  EXPECT_EQ(std::get<functions::FunctionError>(hung).error_type, "Sandbox.Timedout");
  EXPECT_EQ(f->idle_environments(), 0u);
  const std::string after = text_of(invoke(*f, R"({"do":"probe"})", "r3"));
  EXPECT_THAT(after, HasSubstr(R"("count": 1)"));
  const auto pid_of = [](const std::string& text) {
    return std::stoll(text.substr(text.find(R"("pid": )") + 7));
  };
  const auto old_pid = pid_of(first);
  EXPECT_NE(pid_of(after), old_pid);
  EXPECT_NE(::kill(static_cast<pid_t>(old_pid), 0), 0) << "the timed-out process is gone";
}

TEST_F(RuntimeApiTest, AProcessSlowerToStartThanTheTimeoutIsNotKilledAndGetsWarm) {
  // It starts in 3 s; the timeout is 2 s. The first invocation times out without reaching it
  // (Lambda's init phase has its own budget); the process finishes starting and serves the
  // next one.
  auto f = function({{"INIT_SECONDS", "3"}});
  auto first = invoke(*f, R"({"do":"probe"})", "slow-1");
  ASSERT_TRUE(std::holds_alternative<functions::FunctionError>(first)) << text_of(first);
  EXPECT_EQ(std::get<functions::FunctionError>(first).error_type, "Sandbox.Timedout");
  EXPECT_EQ(f->idle_environments(), 1u);
  const std::string second = text_of(invoke(*f, R"({"do":"probe"})", "slow-2"));
  EXPECT_THAT(second, HasSubstr(R"("requestId": "slow-2")"));
  EXPECT_THAT(second, HasSubstr(R"("count": 1)")) << "the timed-out event was never delivered";
  const auto pid = second.substr(second.find(R"("pid": )") + 7);
  EXPECT_TRUE(logged("stdout] started " + pid.substr(0, pid.find(','))))
      << "the process that started first served it";
}

TEST_F(RuntimeApiTest, AWarmProcessThatDiedWhileIdleIsReplacedWithoutFailingTheNext) {
  auto f = function();
  const std::string first = text_of(invoke(*f, R"({"do":"probe"})", "idle-1"));
  const auto pid = std::stoll(first.substr(first.find(R"("pid": )") + 7));
  ASSERT_EQ(::kill(static_cast<pid_t>(pid), SIGKILL), 0);
  // At once: the death may or may not have been noticed yet; either way the event runs.
  const std::string second = text_of(invoke(*f, R"({"do":"probe"})", "idle-2"));
  EXPECT_THAT(second, HasSubstr(R"("requestId": "idle-2")"));
  EXPECT_THAT(second, HasSubstr(R"("count": 1)"));
  EXPECT_EQ(second.find(fmt::format(R"("pid": {},)", pid)), std::string::npos);
}

TEST_F(RuntimeApiTest, TheFunctionsEnvironmentReplacesDefaultsButNotReservedNames) {
  // (The stack parser refuses reserved names; the process host would not honour one anyway.)
  auto f = function({{"LANG", "C.UTF-8"}, {"_HANDLER", "other.handler"}});
  const std::string result = text_of(invoke(*f, R"({"do":"probe"})", "env-1"));
  EXPECT_THAT(result, HasSubstr(R"("lang": "C.UTF-8")"));
  EXPECT_THAT(result, HasSubstr(R"("handler": "runtime.handler")"));
}

TEST_F(RuntimeApiTest, AnInitErrorIsTheFirstInvocationsError) {
  auto f = function({{"INIT_ERROR", "1"}});
  auto result = invoke(*f, R"({"do":"probe"})", "r-init");
  ASSERT_TRUE(std::holds_alternative<functions::FunctionError>(result)) << text_of(result);
  // A body that is not JSON: the header names the error.
  EXPECT_EQ(std::get<functions::FunctionError>(result).error_type, "Runtime.Broken");
  EXPECT_EQ(f->idle_environments(), 0u);
}

TEST_F(RuntimeApiTest, ACommandThatCannotStartFailsTheInvocation) {
  functions::FunctionConfig config;
  config.name = "missing";
  config.code_dir = ::testing::TempDir();
  config.command = {"./no-such-bootstrap"};
  functions::ProcessFunction f(config, host_);
  auto result = invoke(f, "{}", "r-missing");
  ASSERT_TRUE(std::holds_alternative<functions::FunctionError>(result));
  EXPECT_EQ(std::get<functions::FunctionError>(result).error_type, "Runtime.InvalidEntrypoint");
  EXPECT_THAT(std::get<functions::FunctionError>(result).error_message,
              HasSubstr("cannot start ./no-such-bootstrap"));
}

}  // namespace
}  // namespace eddy::http
