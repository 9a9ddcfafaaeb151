#include "functions/process_function.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>
#include <thread>

#include "common/random.h"

namespace eddy::functions {

// ---- ProcessHost ----

void ProcessHost::set_endpoint(std::string url) {
  {
    std::lock_guard lock(mu_);
    endpoint_ = std::move(url);
  }
  cv_.notify_all();
}

std::optional<std::string> ProcessHost::endpoint(int64_t wait_ms) const {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(wait_ms, 0)),
               [this] { return endpoint_.has_value() || shut_down_; });
  return endpoint_;
}

void ProcessHost::shutdown() {
  std::lock_guard lock(mu_);
  shut_down_ = true;
  for (pid_t group : groups_)
    ::kill(-group, SIGKILL);
  cv_.notify_all();
}

bool ProcessHost::add_group(pid_t pgid) {
  std::lock_guard lock(mu_);
  if (shut_down_) return false;
  groups_.insert(pgid);
  return true;
}

void ProcessHost::remove_group(pid_t pgid) {
  std::lock_guard lock(mu_);
  groups_.erase(pgid);
}

namespace {

// The error object a runtime posted, as Lambda reads it: errorType and errorMessage from the
// JSON body when it is an object (kept whole as the payload), else the error-type header.
FunctionError read_posted_error(std::string_view header_type, const std::string& body) {
  FunctionError error;
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (!document.HasParseError() && document.IsObject()) {
    if (auto it = document.FindMember("errorType");
        it != document.MemberEnd() && it->value.IsString()) {
      error.error_type = it->value.GetString();
    }
    if (auto it = document.FindMember("errorMessage");
        it != document.MemberEnd() && it->value.IsString()) {
      error.error_message = it->value.GetString();
    }
    error.payload = body;
  }
  if (error.error_type.empty()) error.error_type = header_type.empty() ? "Unhandled" : header_type;
  if (error.payload.empty()) error.payload = error.to_json();
  return error;
}

// An X-Ray trace header as Lambda passes it (Lambda-Runtime-Trace-Id): a root id of the
// epoch seconds and 96 random bits, a parent segment id, not sampled.
std::string new_trace_id() {
  return fmt::format("Root=1-{:08x}-{};Parent={};Sampled=0",
                     static_cast<uint32_t>(std::time(nullptr)), to_hex(random_bytes(12)),
                     to_hex(random_bytes(8)));
}

// Lambda's log stream names: YYYY/MM/DD/[$LATEST]<32 hex digits>, one per environment.
std::string new_log_stream_name() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}/{:02}/{:02}/[$LATEST]{}", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, to_hex(random_bytes(16)));
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return fmt::format("exit status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("signal: {}", strsignal(WTERMSIG(status)));
  return "unknown status";
}

constexpr size_t kMaxLogLine = 16 * 1024;  // longer lines are split

// Lambda's budget for a runtime's initialisation (on-demand), apart from the function's timeout.
constexpr auto kInitBudget = std::chrono::seconds(10);

}  // namespace

// ---- Environment: one process and its Runtime API endpoint ----

class ProcessFunction::Environment final : public RuntimeApiBackend {
 public:
  Environment(const FunctionConfig& config, std::shared_ptr<ProcessHost> host)
      : config_(config), host_(std::move(host)) {}
  ~Environment() override { close(); }

  // Opens the endpoint and starts the process. The message says what could not start.
  Status start();

  // Hands one invocation to the process and waits for its end. `reusable` says whether the
  // process may serve the next one. With `may_retry`, when the process died before it took
  // the invocation, returns nullopt and gives the invocation back: it was not attempted.
  std::optional<InvokeResult> run(NextInvocation& invocation, const InvocationContext& context,
                                  bool may_retry, bool& reusable);

  // Kills the process group, closes the endpoint, waits for the threads.
  void close();

  // Whether the process is still there to serve (it may die while idle).
  bool alive() {
    std::lock_guard lock(mu_);
    return !exited_ && !init_failure_ && !closing_;
  }

  // RuntimeApiBackend (called on the endpoint's threads).
  std::optional<NextInvocation> next() override;
  RuntimeApiReply response(std::string_view request_id, std::string body) override;
  RuntimeApiReply response_too_large(std::string_view request_id) override;
  RuntimeApiReply error(std::string_view request_id, std::string_view error_type,
                        std::string body) override;
  RuntimeApiReply init_error(std::string_view error_type, std::string body) override;

 private:
  std::vector<std::string> environment(uint16_t port, const std::string& endpoint) const;
  void watch();  // the watcher thread: logs, and the process's exit
  void log_lines(std::string& pending, const char* data, size_t size, std::string_view stream,
                 bool flush);
  static RuntimeApiReply invalid_request_id();
  // Records the result of the invocation in progress; false for any other request id, or a
  // second result.
  bool finish(std::string_view request_id, InvokeResult result);

  const FunctionConfig& config_;
  const std::shared_ptr<ProcessHost> host_;
  std::unique_ptr<RuntimeApiEndpoint> endpoint_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int out_ = -1;
  int err_ = -1;
  int stop_ = -1;   // eventfd: tells the watcher to stop
  int drain_ = -1;  // eventfd: asks the watcher to log what the pipes hold now
  std::thread watcher_;
  bool closed_ = false;

  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<NextInvocation> pending_;  // waiting for GET /next
  std::string current_id_;                 // the invocation in progress
  std::optional<InvokeResult> result_;
  std::optional<FunctionError> init_failure_;
  std::optional<std::string> exited_;  // how the process ended
  bool closing_ = false;
  bool watcher_done_ = false;
  uint64_t drains_asked_ = 0;  // drain requests made, and answered (see run())
  uint64_t drains_done_ = 0;
  bool polled_ = false;  // the process has asked for an invocation: it has finished starting
  std::chrono::steady_clock::time_point started_at_ = std::chrono::steady_clock::now();
};

std::vector<std::string> ProcessFunction::Environment::environment(
    uint16_t port, const std::string& endpoint) const {
  // Reference §3. Unreserved defaults first (PATH, LANG, TZ, AWS_ENDPOINT_URL): the function's
  // own environment may replace them. Then the reserved variables, which it may not (the stack
  // parser refuses their names).
  std::map<std::string, std::string> env;
  const char* path = std::getenv("PATH");
  env["PATH"] = path ? path : "/usr/local/bin:/usr/bin:/bin";
  env["LANG"] = "en_US.UTF-8";
  env["TZ"] = ":UTC";
  // SDKs that honour it (AWS SDK v3, boto3 >= 1.28, Eddy's own client) reach Eddy's APIs.
  env["AWS_ENDPOINT_URL"] = endpoint;
  for (const auto& [name, value] : config_.environment)
    env[name] = value;
  env["_HANDLER"] = config_.handler;
  env["LAMBDA_TASK_ROOT"] = config_.code_dir;
  env["LAMBDA_RUNTIME_DIR"] = config_.code_dir;
  env["AWS_LAMBDA_RUNTIME_API"] = fmt::format("127.0.0.1:{}", port);
  env["AWS_REGION"] = host_->options().region;
  env["AWS_DEFAULT_REGION"] = host_->options().region;
  env["AWS_LAMBDA_FUNCTION_NAME"] = config_.name;
  env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(config_.memory_size_mb);
  env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + config_.name;
  env["AWS_LAMBDA_LOG_STREAM_NAME"] = new_log_stream_name();
  env["AWS_ACCESS_KEY_ID"] = host_->options().credentials.first;
  env["AWS_ACCESS_KEY"] = host_->options().credentials.first;
  env["AWS_SECRET_ACCESS_KEY"] = host_->options().credentials.second;
  // The AWS SDK v2 reads no endpoint variable; the preload points it at Eddy. Quoted, as
  // NODE_OPTIONS allows, so that a path with spaces stays one argument.
  if (!host_->options().node_preload.empty()) {
    auto& node_options = env["NODE_OPTIONS"];
    node_options = fmt::format("--require \"{}\"{}{}", host_->options().node_preload,
                               node_options.empty() ? "" : " ", node_options);
  }
  std::vector<std::string> out;
  for (const auto& [name, value] : env)
    out.push_back(name + "=" + value);
  return out;
}

Status ProcessFunction::Environment::start() {
  if (config_.command.empty()) return Status::validation("no runtime command");
  const auto endpoint = host_->endpoint(10'000);
  if (!endpoint) return Status::shutting_down("Eddy's endpoint is not available");
  EDDY_ASSIGN_OR_RETURN(endpoint_, host_->options().listen(*this));

  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    for (int fd : {out[0], out[1], err[0], err[1]})
      if (fd >= 0) ::close(fd);
    return Status::io_error(fmt::format("pipe: {}", std::strerror(errno)));
  }
  const auto variables = environment(endpoint_->port(), *endpoint);
  std::vector<char*> envp;
  for (const auto& variable : variables)
    envp.push_back(const_cast<char*>(variable.c_str()));
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (const auto& arg : config_.command)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  // The child: stdin from /dev/null, stdout and stderr to the pipes, working directory the
  // code, no other inherited descriptor (Eddy's listening sockets must not outlive Eddy in a
  // child), its own process group (a timeout kills it whole), default signal dispositions and
  // an empty signal mask (Eddy's threads block SIGINT and SIGTERM for its own shutdown).
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, config_.code_dir.c_str());
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigdefault(&attributes, &all);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  const int spawned = posix_spawnp(&pid_, argv[0], &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(out[1]);
  ::close(err[1]);
  if (spawned != 0) {
    ::close(out[0]);
    ::close(err[0]);
    pid_ = -1;
    return Status::not_found(fmt::format("cannot start {} in {}: {}", config_.command[0],
                                         config_.code_dir, std::strerror(spawned)));
  }
  out_ = out[0];
  err_ = err[0];
  if (!host_->add_group(pid_)) ::kill(-pid_, SIGKILL);  // Eddy is shutting down
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  stop_ = ::eventfd(0, EFD_CLOEXEC);
  drain_ = ::eventfd(0, EFD_CLOEXEC);
  if (pidfd_ < 0 || stop_ < 0 || drain_ < 0) {
    ::kill(-pid_, SIGKILL);
    return Status::io_error(fmt::format("pidfd_open/eventfd: {}", std::strerror(errno)));
  }
  watcher_ = std::thread([this] { watch(); });
  return {};
}

void ProcessFunction::Environment::log_lines(std::string& pending, const char* data, size_t size,
                                             std::string_view stream, bool flush) {
  pending.append(data, size);
  size_t begin = 0;
  auto emit = [&](std::string_view line) {
    std::string request_id;
    {
      std::lock_guard lock(mu_);
      request_id = current_id_;
    }
    if (host_->options().log) host_->options().log(config_.name, request_id, stream, line);
  };
  for (;;) {
    const size_t newline = pending.find('\n', begin);
    if (newline == std::string::npos) break;
    emit(std::string_view(pending).substr(begin, newline - begin));
    begin = newline + 1;
  }
  pending.erase(0, begin);
  while (pending.size() > kMaxLogLine) {
    emit(std::string_view(pending).substr(0, kMaxLogLine));
    pending.erase(0, kMaxLogLine);
  }
  if (flush && !pending.empty()) {
    emit(pending);
    pending.clear();
  }
}

void ProcessFunction::Environment::watch() {
  std::string pending_out;
  std::string pending_err;
  bool out_open = true;
  bool err_open = true;
  bool running = true;
  char buffer[16 * 1024];
  // Until the process has exited and its output is drained, or close() says stop (a
  // grandchild that left the group could hold the pipes open forever).
  while (running || out_open || err_open) {
    pollfd fds[5] = {{out_open ? out_ : -1, POLLIN, 0},
                     {err_open ? err_ : -1, POLLIN, 0},
                     {running ? pidfd_ : -1, POLLIN, 0},
                     {stop_, POLLIN, 0},
                     {drain_, POLLIN, 0}};
    if (::poll(fds, 5, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[3].revents) break;
    // One read from each pipe that has data; true when something was read.
    auto read_pipes = [&](const pollfd* ready) {
      bool read_any = false;
      for (int i = 0; i < 2; ++i) {
        if (!ready[i].revents) continue;
        const ssize_t n = ::read(ready[i].fd, buffer, sizeof buffer);
        if (n > 0) {
          log_lines(i == 0 ? pending_out : pending_err, buffer, static_cast<size_t>(n),
                    i == 0 ? "stdout" : "stderr", false);
          read_any = true;
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          log_lines(i == 0 ? pending_out : pending_err, buffer, 0, i == 0 ? "stdout" : "stderr",
                    true);
          (i == 0 ? out_open : err_open) = false;
        }
      }
      return read_any;
    };
    read_pipes(fds);
    if (fds[4].revents) {
      // run() is about to end an invocation: what the process wrote before answering is in
      // the pipes now, and is logged under that invocation's request id before it is cleared.
      uint64_t asked = 0;
      (void)!::read(drain_, &asked, sizeof asked);
      // Bounded (1 MB at most), so that a process that never stops writing cannot keep the
      // watcher from its other events.
      for (int reads = 0; reads < 64; ++reads) {
        pollfd now[2] = {{out_open ? out_ : -1, POLLIN, 0}, {err_open ? err_ : -1, POLLIN, 0}};
        if (::poll(now, 2, 0) <= 0 || !read_pipes(now)) break;
      }
      {
        std::lock_guard lock(mu_);
        drains_done_ = drains_asked_;
      }
      cv_.notify_all();
    }
    if (fds[2].revents) {
      running = false;
      {
        std::lock_guard lock(mu_);
        // The process is a zombie until reaped, so its id cannot name another group yet:
        // whatever it left behind in its group goes with it, the host forgets the group (its
        // shutdown kills only groups it knows), then the process is reaped.
        ::kill(-pid_, SIGKILL);
        host_->remove_group(pid_);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        exited_ = describe_exit(status);
      }
      cv_.notify_all();
    }
  }
  log_lines(pending_out, buffer, 0, "stdout", true);
  log_lines(pending_err, buffer, 0, "stderr", true);
  {
    std::lock_guard lock(mu_);
    watcher_done_ = true;
  }
  cv_.notify_all();
}

std::optional<InvokeResult> ProcessFunction::Environment::run(NextInvocation& invocation,
                                                              const InvocationContext& context,
                                                              bool may_retry, bool& reusable) {
  const std::string request_id = invocation.request_id;
  std::unique_lock lock(mu_);
  current_id_ = request_id;
  result_.reset();
  pending_ = std::move(invocation);
  cv_.notify_all();
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(context.remaining_ms());
  const bool ended = cv_.wait_until(lock, deadline, [this] {
    return result_.has_value() || init_failure_.has_value() || exited_.has_value();
  });
  const bool taken = !pending_.has_value();
  if (!taken) invocation = std::move(*pending_);
  pending_.reset();
  if (taken && !watcher_done_) {
    // The output the process wrote during the invocation gets its request id: the watcher
    // logs what the pipes hold before the id is cleared (bounded: a process that keeps
    // writing does not hold the invocation).
    const uint64_t ticket = ++drains_asked_;
    const uint64_t one = 1;
    (void)!::write(drain_, &one, sizeof one);
    cv_.wait_for(lock, std::chrono::milliseconds(200),
                 [&] { return drains_done_ >= ticket || watcher_done_; });
  }
  current_id_.clear();
  reusable = false;
  if (result_) {
    reusable = !exited_ && !init_failure_;
    return std::move(*result_);
  }
  if (init_failure_) return *init_failure_;
  if (ended && !taken && may_retry) return std::nullopt;  // died before taking it
  if (ended) {
    return FunctionError{
        "Runtime.ExitError",
        fmt::format("RequestId: {} Error: Runtime exited with error: {}", request_id, *exited_)};
  }
  // The deadline. A process that has not asked for an invocation yet is still starting: as
  // Lambda's init phase has a budget of its own, it is left to finish (within kInitBudget)
  // and kept for the next invocation instead of being killed, else a function that starts
  // slower than its timeout would never get warm. Otherwise the process is killed (it has not
  // been reaped: exited_ is not set), and the next invocation gets a fresh one.
  if (!polled_ && std::chrono::steady_clock::now() - started_at_ < kInitBudget) {
    reusable = true;
    return timeout_error(request_id, config_.timeout_ms);
  }
  ::kill(-pid_, SIGKILL);
  return timeout_error(request_id, config_.timeout_ms);
}

void ProcessFunction::Environment::close() {
  if (closed_) return;
  closed_ = true;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    // Killed only while not reaped (exited_ unset): a reaped id may name another process.
    if (pid_ > 0 && !exited_) ::kill(-pid_, SIGKILL);
  }
  cv_.notify_all();
  endpoint_.reset();  // closes the connections; a waiting GET /next has returned
  if (watcher_.joinable()) {
    // The watcher reaps the killed process and drains its last lines, then ends by itself;
    // something outside the group that still holds the pipes must not keep it forever.
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return watcher_done_; });
    }
    const uint64_t one = 1;
    (void)!::write(stop_, &one, sizeof one);
    watcher_.join();
  }
  if (pid_ > 0 && !exited_) {  // started, but never watched (or the watcher was stopped first)
    host_->remove_group(pid_);
    ::waitpid(pid_, nullptr, 0);
  }
  for (int fd : {pidfd_, out_, err_, stop_, drain_})
    if (fd >= 0) ::close(fd);
}

RuntimeApiReply ProcessFunction::Environment::invalid_request_id() {
  return {400, R"({"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"})"};
}

std::optional<NextInvocation> ProcessFunction::Environment::next() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return pending_.has_value() || closing_; });
  if (closing_) return std::nullopt;
  NextInvocation invocation = std::move(*pending_);
  pending_.reset();
  polled_ = true;
  return invocation;
}

bool ProcessFunction::Environment::finish(std::string_view request_id, InvokeResult result) {
  {
    std::lock_guard lock(mu_);
    // Only the invocation in progress, and only once.
    if (request_id.empty() || request_id != current_id_ || result_) return false;
    result_ = std::move(result);
  }
  cv_.notify_all();
  return true;
}

RuntimeApiReply ProcessFunction::Environment::response(std::string_view request_id,
                                                       std::string body) {
  if (!finish(request_id, InvokeResult(std::move(body)))) return invalid_request_id();
  return {202, R"({"status":"OK"})"};
}

RuntimeApiReply ProcessFunction::Environment::response_too_large(std::string_view request_id) {
  const FunctionError too_large{
      "Function.ResponseSizeTooLarge",
      fmt::format("Response payload size exceeded maximum allowed payload size ({} bytes).",
                  kMaxPayloadBytes)};
  if (!finish(request_id, InvokeResult(too_large))) return invalid_request_id();
  return {413, fmt::format(R"({{"errorMessage":"Payload exceeds {} bytes","errorType":)"
                           R"("RequestEntityTooLarge"}})",
                           kMaxPayloadBytes)};
}

RuntimeApiReply ProcessFunction::Environment::error(std::string_view request_id,
                                                    std::string_view error_type, std::string body) {
  if (!finish(request_id, InvokeResult(read_posted_error(error_type, body)))) {
    return invalid_request_id();
  }
  return {202, R"({"status":"OK"})"};
}

RuntimeApiReply ProcessFunction::Environment::init_error(std::string_view error_type,
                                                         std::string body) {
  {
    std::lock_guard lock(mu_);
    if (init_failure_) {
      return {403, R"({"errorMessage":"Init error already reported","errorType":)"
                   R"("InvalidStateTransition"})"};
    }
    init_failure_ = read_posted_error(error_type, body);
  }
  cv_.notify_all();
  return {202, R"({"status":"OK"})"};
}

// ---- ProcessFunction ----

ProcessFunction::ProcessFunction(FunctionConfig config, std::shared_ptr<ProcessHost> host)
    : config_(std::move(config)), host_(std::move(host)) {}

ProcessFunction::~ProcessFunction() {
  std::lock_guard lock(mu_);
  idle_.clear();  // each environment closes as it goes
}

size_t ProcessFunction::idle_environments() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

void ProcessFunction::invoke(std::string event, const InvocationContext& context, InvokeDone done) {
  NextInvocation invocation{context.request_id, std::move(event), context.deadline_ms,
                            context.function_arn, new_trace_id()};
  for (;;) {
    std::shared_ptr<Environment> environment;
    std::vector<std::shared_ptr<Environment>> dead;  // died while idle: closed below, unlocked
    {
      std::lock_guard lock(mu_);
      while (!idle_.empty() && !environment) {
        environment = std::move(idle_.back());
        idle_.pop_back();
        if (!environment->alive()) dead.push_back(std::move(environment));
      }
    }
    dead.clear();
    const bool warm = environment != nullptr;
    if (!warm) {
      environment = std::make_shared<Environment>(config_, host_);
      if (auto started = environment->start(); !started.is_ok()) {
        environment.reset();
        // What Lambda reports when the bootstrap cannot be run.
        return done(FunctionError{
            "Runtime.InvalidEntrypoint",
            fmt::format("RequestId: {} Error: {}", context.request_id, started.message())});
      }
    }
    bool reusable = false;
    std::optional<InvokeResult> result =
        environment->run(invocation, context, /*may_retry=*/warm, reusable);
    if (reusable) {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(environment));
    } else {
      environment.reset();  // closes it: the next invocation starts a fresh process
    }
    if (result) return done(std::move(*result));
    // A warm process that died unnoticed while idle never saw the invocation: a fresh one
    // gets it. (A fresh one that dies before taking it fails it: may_retry was false.)
  }
}

}  // namespace eddy::functions
