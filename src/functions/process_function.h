// functions::ProcessFunction: a function run by any process that speaks the Lambda Runtime API
// (runtime_api.h): a `bootstrap` executable, `node .../aws-lambda-ric/index.mjs`, Python's
// awslambdaric, and so on, unchanged, without containers.
//
// Execution environments as Lambda has them: one process per concurrent invocation, started on
// demand and kept warm for the next one; the Runtime (runtime.h) bounds how many run at once,
// so there are never more environments than the function's concurrency. Each environment has a
// Runtime API endpoint of its own on a loopback port, serving only its invocations, closed with
// it. A timeout kills the environment's process group (the invocation fails with "Task timed
// out"), a crash fails its invocation (Runtime.ExitError), an init error is returned by the
// invocation that started the process; in each case the next invocation starts a fresh process.
// The processes' stdout and stderr go to the host's log, line by line, tagged with the
// function's name and the request id.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "functions/function.h"
#include "functions/runtime_api.h"

namespace eddy::functions {

struct ProcessHostOptions {
  RuntimeApiListen listen;  // opens an environment's Runtime API endpoint
  std::string region = "us-east-1";
  // AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY given to every process: a pair Eddy accepts,
  // so that the function's own signed calls verify.
  std::pair<std::string, std::string> credentials{"AKIAEDDYLOCAL0000000", "eddy-local-secret"};
  // A CommonJS file given to Node through NODE_OPTIONS=--require (the AWS SDK v2 endpoint
  // preload), or empty.
  std::string node_preload;
  // One line a process wrote: function name, request id ("" between invocations), "stdout" or
  // "stderr", the line without its newline. Called from the environments' threads.
  std::function<void(std::string_view, std::string_view, std::string_view, std::string_view)> log;
};

// What the process functions of one server share: options, Eddy's endpoint, and the process
// groups alive (so that a shutdown kills them all).
class ProcessHost {
 public:
  explicit ProcessHost(ProcessHostOptions options) : options_(std::move(options)) {}
  const ProcessHostOptions& options() const { return options_; }

  // Eddy's endpoint (http://HOST:PORT) for AWS_ENDPOINT_URL, known once the server is bound.
  // An environment that starts earlier waits for it (at most `wait_ms`).
  void set_endpoint(std::string url);
  std::optional<std::string> endpoint(int64_t wait_ms) const;

  // Kills every process group and refuses new ones: invocations in flight fail at once.
  void shutdown();

  // Environments register their process groups while they live; false after shutdown().
  bool add_group(pid_t pgid);
  void remove_group(pid_t pgid);

 private:
  const ProcessHostOptions options_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::optional<std::string> endpoint_;
  std::set<pid_t> groups_;
  bool shut_down_ = false;
};

class ProcessFunction final : public Function {
 public:
  // `config.command` and `config.code_dir` say what to run and where.
  ProcessFunction(FunctionConfig config, std::shared_ptr<ProcessHost> host);
  ~ProcessFunction() override;  // kills every environment

  // Blocks until the invocation ends: its result, its error, the process's death, or the
  // deadline (which kills the process). The Runtime's slot is held all that time.
  void invoke(std::string event, const InvocationContext& context, InvokeDone done) override;

  size_t idle_environments() const;  // warm, waiting for an invocation (for tests)

 private:
  class Environment;
  const FunctionConfig config_;
  const std::shared_ptr<ProcessHost> host_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Environment>> idle_;
};

}  // namespace eddy::functions
