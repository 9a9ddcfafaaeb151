#include "functions/runtime.h"

#include <fmt/format.h>

#include <atomic>

#include "common/random.h"

namespace eddy::functions {

namespace {

bool valid_name(std::string_view name) {
  // Lambda's function names: 1-64 of [a-zA-Z0-9-_].
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

struct Deployed;
struct Call;

// An invocation ready to run on a worker thread.
struct Task {
  std::shared_ptr<Deployed> function;
  std::shared_ptr<Call> call;
  int64_t started_ms = 0;
};

struct Runtime::State : std::enable_shared_from_this<Runtime::State> {
  explicit State(RuntimeOptions options) : options_(std::move(options)) {}
  std::string arn(std::string_view name) const;
  void start(const std::shared_ptr<Deployed>& function, std::shared_ptr<Call> call);
  void run(const Task& task);
  void worker_loop();
  void finished(const std::shared_ptr<Deployed>& function);
  void timer_loop();

  const RuntimeOptions options_;
  mutable std::mutex mu_;
  std::condition_variable timer_cv_;
  std::map<std::string, std::shared_ptr<Deployed>, std::less<>> functions_;
  // Deadlines to watch: running calls (timeout) and queued calls (start-by).
  std::multimap<int64_t, std::weak_ptr<Call>> deadlines_;
  // Invocations run on worker threads kept warm between invocations: starting a thread per
  // invocation was a measurable part of a REST request's cost. A worker idle for a minute
  // exits; a task that finds no idle worker starts a new one, so a runaway handler (which
  // keeps its worker) never delays others.
  std::deque<Task> ready_;
  size_t idle_workers_ = 0;
  std::condition_variable work_cv_;
  size_t live_threads_ = 0;  // workers alive, idle or busy
  bool stopping_ = false;
  std::condition_variable threads_cv_;
};

constexpr auto kWorkerIdleTimeout = std::chrono::seconds(60);

struct Deployed {
  FunctionConfig config;
  std::shared_ptr<Function> function;
  std::string arn;
  uint32_t limit = 1;
  uint32_t running = 0;                     // threads holding a slot (guarded by Runtime::mu_)
  std::deque<std::shared_ptr<Call>> queue;  // waiting for a slot
};

struct Call {
  std::string event;
  InvokeCallback done;
  std::atomic<bool> completed{false};
  bool started = false;  // guarded by Runtime::mu_
  int64_t timeout_ms = 0;
  std::string request_id;

  // The first completion wins: the handler's result, its timeout, or a throttle.
  void complete(InvokeOutcome outcome) {
    if (completed.exchange(true)) return;
    done(std::move(outcome));
  }
};

Runtime::Runtime(RuntimeOptions options) : state_(std::make_shared<State>(std::move(options))) {
  timer_ = std::thread([state = state_] { state->timer_loop(); });
}

Runtime::~Runtime() {
  {
    std::lock_guard lock(state_->mu_);
    state_->stopping_ = true;
  }
  state_->timer_cv_.notify_all();
  state_->work_cv_.notify_all();
  timer_.join();
  // Handlers that return in time finish; a runaway one is left behind, holding the shared
  // state it needs.
  std::unique_lock lock(state_->mu_);
  state_->threads_cv_.wait_for(lock, std::chrono::seconds(5),
                               [this] { return state_->live_threads_ == 0; });
}

Status Runtime::deploy(FunctionConfig config, std::shared_ptr<Function> function) {
  if (!valid_name(config.name)) {
    return Status::validation(fmt::format(
        "invalid function name '{}': 1 to 64 letters, digits, '-' or '_'", config.name));
  }
  if (config.timeout_ms < 1000 || config.timeout_ms > kMaxTimeoutMs) {
    return Status::validation(
        fmt::format("function {}: timeout must be between 1s and 900s", config.name));
  }
  if (config.reserved_concurrency && *config.reserved_concurrency == 0) {
    return Status::validation(
        fmt::format("function {}: reservedConcurrentExecutions must be at least 1", config.name));
  }
  auto deployed = std::make_shared<Deployed>();
  deployed->arn = arn(config.name);
  deployed->limit = config.reserved_concurrency.value_or(state_->options_.default_concurrency);
  deployed->config = std::move(config);
  deployed->function = std::move(function);
  std::lock_guard lock(state_->mu_);
  // A redeploy takes effect for invocations that start from now on.
  state_->functions_[deployed->config.name] = std::move(deployed);
  return {};
}

std::optional<FunctionConfig> Runtime::config(std::string_view name) const {
  std::lock_guard lock(state_->mu_);
  auto it = state_->functions_.find(name);
  if (it == state_->functions_.end()) return std::nullopt;
  return it->second->config;
}

std::vector<FunctionConfig> Runtime::list() const {
  std::lock_guard lock(state_->mu_);
  std::vector<FunctionConfig> configs;
  for (const auto& [name, deployed] : state_->functions_)
    configs.push_back(deployed->config);
  return configs;
}

std::string Runtime::arn(std::string_view name) const {
  return state_->arn(name);
}

std::string Runtime::State::arn(std::string_view name) const {
  return fmt::format("arn:aws:lambda:{}:{}:function:{}", options_.region, options_.account_id,
                     name);
}

uint32_t Runtime::running(std::string_view name) const {
  std::lock_guard lock(state_->mu_);
  auto it = state_->functions_.find(name);
  return it == state_->functions_.end() ? 0 : it->second->running;
}

void Runtime::invoke(std::string_view name, std::string event, int64_t max_wait_ms,
                     InvokeCallback done) {
  auto call = std::make_shared<Call>();
  call->event = std::move(event);
  call->done = std::move(done);
  call->request_id = uuid_v4();
  std::shared_ptr<Deployed> function;
  bool throttled = false;
  {
    std::lock_guard lock(state_->mu_);
    auto it = state_->functions_.find(name);
    if (it != state_->functions_.end()) {
      function = it->second;
      call->timeout_ms = function->config.timeout_ms;
      if (function->running < function->limit) {
        ++function->running;
        call->started = true;
      } else if (max_wait_ms > 0 && function->queue.size() < state_->options_.max_queued) {
        function->queue.push_back(call);
        state_->deadlines_.emplace(state_->options_.clock->now_ms() + max_wait_ms, call);
        state_->timer_cv_.notify_all();
        return;
      } else {
        throttled = true;
      }
    }
  }
  // Callbacks run outside the lock.
  if (!function) {
    return call->complete(Status::not_found(fmt::format("Function not found: {}", arn(name))));
  }
  if (throttled) return call->complete(Status::throttled("Rate Exceeded."));
  state_->start(function, call);
}

void Runtime::State::start(const std::shared_ptr<Deployed>& function, std::shared_ptr<Call> call) {
  const int64_t now = options_.clock->now_ms();
  bool spawn = false;
  {
    std::lock_guard lock(mu_);
    deadlines_.emplace(now + call->timeout_ms, call);
    ready_.push_back(Task{function, std::move(call), now});
    // Every ready task needs a worker of its own: an idle one, else a new one.
    if (ready_.size() > idle_workers_) {
      ++live_threads_;
      spawn = true;
    }
  }
  timer_cv_.notify_all();
  if (spawn) {
    std::thread([self = shared_from_this()] { self->worker_loop(); }).detach();
  } else {
    work_cv_.notify_one();
  }
}

void Runtime::State::worker_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (ready_.empty()) {
      if (stopping_) break;
      ++idle_workers_;
      const bool woken = work_cv_.wait_for(lock, kWorkerIdleTimeout,
                                           [this] { return !ready_.empty() || stopping_; });
      --idle_workers_;
      if (!woken) break;  // idle too long
      continue;
    }
    Task task = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    run(task);
    lock.lock();
  }
  --live_threads_;
  lock.unlock();
  threads_cv_.notify_all();
}

void Runtime::State::run(const Task& task) {
  const auto& function = task.function;
  const auto& call = task.call;
  InvocationContext context;
  context.request_id = call->request_id;
  context.function_name = function->config.name;
  context.function_arn = function->arn;
  context.deadline_ms = task.started_ms + call->timeout_ms;
  context.environment = &function->config.environment;
  context.clock = options_.clock;
  function->function->invoke(std::move(call->event), context, [call](InvokeResult result) {
    call->complete(InvokeOutcome(std::move(result)));
  });
  finished(function);
}

void Runtime::State::finished(const std::shared_ptr<Deployed>& function) {
  std::shared_ptr<Call> next;
  {
    std::lock_guard lock(mu_);
    // Hand the slot to the oldest waiter that has not given up.
    while (!function->queue.empty() && !next) {
      next = std::move(function->queue.front());
      function->queue.pop_front();
      if (next->completed.load()) next.reset();
    }
    if (next) {
      next->started = true;
    } else {
      --function->running;
    }
  }
  threads_cv_.notify_all();
  if (next) start(function, std::move(next));
}

void Runtime::State::timer_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const int64_t now = options_.clock->now_ms();
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      auto call = deadlines_.begin()->second.lock();
      deadlines_.erase(deadlines_.begin());
      if (!call || call->completed.load()) continue;
      if (call->started) {
        lock.unlock();
        call->complete(InvokeResult(timeout_error(call->request_id, call->timeout_ms)));
        lock.lock();
      } else {
        // Still queued at its start-by time; finished() skips it later.
        lock.unlock();
        call->complete(Status::throttled("Rate Exceeded."));
        lock.lock();
      }
    }
    if (deadlines_.empty()) {
      timer_cv_.wait(lock);
    } else {
      // The clock may be a test's fake: wake at least every 10 ms to look at it again.
      const int64_t wait_ms = std::min<int64_t>(deadlines_.begin()->first - now, 10);
      timer_cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(wait_ms, 1)));
    }
  }
}

}  // namespace eddy::functions
