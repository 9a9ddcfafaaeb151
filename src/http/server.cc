#include "http/server.h"

// Boost 1.74's awaitable.hpp needs <utility> first under g++ 12 (DESIGN "Toolchain notes").
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/resource.h>

#include <atomic>
#include <cctype>
#include <csignal>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

namespace eddy::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr const char* kBodyTooLarge = R"({"message":"Request body too large: the limit is 16 MB"})";

// One io_context per thread, each with its own acceptor on the shared port (SO_REUSEPORT: the
// kernel spreads connections over them), as nginx runs a worker per core. A connection lives on
// one thread: no strands, no locks in the scheduler, no wake-ups of another thread per request.
// Naming the executor type (instead of Beast's type-erased tcp_stream) also saves the type
// erasure's executor copies on every operation.
using Executor = asio::io_context::executor_type;
using Socket = tcp::socket::rebind_executor<Executor>::other;
using Stream = beast::basic_stream<tcp, Executor>;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

struct Worker {
  asio::io_context ioc{1};  // concurrency hint: one thread runs it
  tcp::acceptor acceptor{ioc};
};

struct Connection {
  explicit Connection(Socket socket) : stream(std::move(socket)) { set_idle(true); }
  Stream stream;
  // Waiting for the next request, and since when (steady clock ticks). Written on the
  // connection's thread; read by another worker looking for a connection to evict.
  std::atomic<bool> idle = true;
  std::atomic<int64_t> idle_since = 0;
  std::atomic<bool> evicted = false;  // chosen once, so two accepts do not pick the same one

  void set_idle(bool now_idle) {
    if (now_idle) idle_since.store(std::chrono::steady_clock::now().time_since_epoch().count());
    idle.store(now_idle);
  }
};

// Runs the router and resumes the coroutine on its own executor with the response. The work
// guard keeps the io_context running while the engine completes the request.
template <typename Token>
auto async_handle(Router& router, const Request& request, Token&& token) {
  return asio::async_initiate<Token, void(Response)>(
      [&router, &request](auto handler) {
        auto executor = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto work = std::make_shared<asio::executor_work_guard<decltype(executor)>>(executor);
        router.handle(request, [shared, work](Response response) {
          asio::post(work->get_executor(),
                     [shared, work, response = std::move(response)]() mutable {
                       (*shared)(std::move(response));
                     });
        });
      },
      token);
}

// The status line and headers of a response, written directly rather than through Beast's
// serializer: the response is always a complete body of known length, and Beast's generic
// buffer-sequence machinery was a tenth of the instructions per request (callgrind, GetItem).
std::string response_head(const Response& response, unsigned version, bool keep_alive) {
  const auto status = static_cast<bhttp::status>(response.status);
  const auto reason = bhttp::obsolete_reason(status);
  std::string head;
  head.reserve(192);
  head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  head.append(std::to_string(response.status)).push_back(' ');
  head.append(reason.data(), reason.size()).append("\r\n");
  for (const auto& [name, value] : response.headers) {
    head.append(name).append(": ").append(value).append("\r\n");
  }
  head.append("content-length: ").append(std::to_string(response.body.size())).append("\r\n");
  if (!keep_alive && version != 10) head.append("connection: close\r\n");
  if (keep_alive && version == 10) head.append("connection: keep-alive\r\n");
  head.append("\r\n");
  return head;
}

}  // namespace

struct Server::Impl {
  Impl(Router& router, ServerOptions options) : router(router), options(std::move(options)) {}

  asio::awaitable<void> accept_loop(Worker& worker);
  asio::awaitable<void> session(std::shared_ptr<Connection> connection);
  asio::awaitable<void> linger(Connection& connection);
  asio::awaitable<void> write_simple(Connection& connection, bhttp::status status, std::string body,
                                     unsigned version);
  void begin_stop();
  bool make_room();

  Router& router;
  const ServerOptions options;
  size_t max_connections = 0;  // options.max_connections, or derived from RLIMIT_NOFILE
  std::vector<std::unique_ptr<Worker>> workers;
  std::optional<asio::signal_set> signals;  // on the first worker
  std::atomic<bool> stopping{false};
  mutable std::mutex mu;
  std::set<std::shared_ptr<Connection>> connections;
};

asio::awaitable<void> Server::Impl::accept_loop(Worker& worker) {
  for (;;) {
    beast::error_code ec;
    Socket socket = co_await worker.acceptor.async_accept(
        worker.ioc.get_executor(), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) co_return;
      // Out of file descriptors and the like: the listener stays up and retries.
      asio::steady_timer pause(worker.ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (!make_room()) {
      socket.close(ec);  // every connection is busy: refusing this one keeps the others served
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(mu);
      connections.insert(connection);
    }
    asio::co_spawn(worker.ioc, session(connection), asio::detached);
  }
}

// Below the connection limit: true. At it, the connection idle the longest is closed to make
// room for a new one, as nginx reuses keep-alive connections when it runs out (clients open a new
// connection when a kept-alive one closes); with none idle, false.
bool Server::Impl::make_room() {
  std::lock_guard lock(mu);
  if (connections.size() < max_connections) return true;
  std::shared_ptr<Connection> victim;
  for (const auto& connection : connections) {
    if (!connection->idle.load() || connection->evicted.load()) continue;
    if (!victim || connection->idle_since.load() < victim->idle_since.load()) victim = connection;
  }
  if (!victim || victim->evicted.exchange(true)) return false;
  // The victim still counts until its coroutine ends: its descriptor is not free before then.
  asio::post(victim->stream.get_executor(), [victim] {
    if (victim->idle.load()) victim->stream.cancel();
  });
  return true;
}

asio::awaitable<void> Server::Impl::write_simple(Connection& connection, bhttp::status status,
                                                 std::string body, unsigned version) {
  bhttp::response<bhttp::string_body> response{status, version};
  response.set(bhttp::field::content_type, "application/json");
  response.body() = std::move(body);
  response.keep_alive(false);
  response.prepare_payload();
  beast::error_code ec;
  connection.stream.expires_after(options.request_timeout);
  co_await bhttp::async_write(connection.stream, response,
                              asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> Server::Impl::linger(Connection& connection) {
  // Closing with unread input makes the kernel send a reset, which can destroy the error
  // response before the client reads it. So: stop sending, then read and drop what the client
  // is still sending, for a bounded time.
  beast::error_code ec;
  connection.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  connection.stream.expires_after(std::chrono::seconds(5));
  std::vector<char> sink(64 << 10);
  for (size_t drained = 0; drained < (64u << 20);) {
    size_t n = co_await connection.stream.async_read_some(
        asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    drained += n;
  }
}

asio::awaitable<void> Server::Impl::session(std::shared_ptr<Connection> connection) {
  auto& stream = connection->stream;
  beast::flat_buffer buffer;
  beast::error_code ec;
  while (!stopping) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options.body_limit);
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    connection->set_idle(true);
    stream.expires_after(options.idle_timeout);
    co_await bhttp::async_read_header(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    connection->set_idle(false);
    if (ec == bhttp::error::header_limit) {
      co_await write_simple(*connection, bhttp::status::request_header_fields_too_large,
                            R"({"message":"Request header fields too large"})", 11);
      co_await linger(*connection);
      break;
    }
    if (ec == bhttp::error::body_limit) {  // a Content-Length over the limit
      co_await write_simple(*connection, bhttp::status::payload_too_large, kBodyTooLarge, 11);
      co_await linger(*connection);
      break;
    }
    if (ec) break;  // closed by the client, idle timeout, or shutdown
    const unsigned version = parser.get().version();
    if (parser.get()[bhttp::field::expect] == "100-continue") {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, version};
      co_await bhttp::async_write(stream, go_on, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    stream.expires_after(options.request_timeout);
    co_await bhttp::async_read(stream, buffer, parser,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::body_limit) {  // a chunked body that grew over the limit
      co_await write_simple(*connection, bhttp::status::payload_too_large, kBodyTooLarge, version);
      co_await linger(*connection);
      break;
    }
    if (ec) break;

    auto message = parser.release();
    Request request;
    const auto method = message.method_string();
    const auto target = message.target();
    request.method = {method.data(), method.size()};
    request.target = {target.data(), target.size()};
    request.headers.reserve(16);
    for (const auto& field : message) {
      const auto name = field.name_string();
      const auto value = field.value();
      request.headers.emplace_back(std::string_view(name.data(), name.size()),
                                   std::string_view(value.data(), value.size()));
    }
    request.body = std::move(message.body());

    Response response = co_await async_handle(router, request, asio::use_awaitable);

    const bool keep_alive = message.keep_alive() && !stopping;
    const std::string head = response_head(response, version, keep_alive);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                                    asio::buffer(response.body)};
    stream.expires_after(options.request_timeout);
    co_await asio::async_write(stream, buffers, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.close();
  std::lock_guard lock(mu);
  connections.erase(connection);
}

void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  for (auto& worker : workers) {
    asio::post(worker->ioc, [this, &worker = *worker] {
      beast::error_code ec;
      worker.acceptor.close(ec);
      // A pending signal wait would keep the first worker running.
      if (signals && &worker == workers.front().get()) signals->cancel(ec);
    });
  }
  std::lock_guard lock(mu);
  for (const auto& connection : connections) {
    // Only connections waiting for a request are closed; the others finish theirs first.
    asio::post(connection->stream.get_executor(), [connection] {
      if (connection->idle) connection->stream.cancel();
    });
  }
}

Server::Server(Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

Server::~Server() = default;

Result<std::string> Server::listen() {
  auto& impl = *impl_;
  beast::error_code ec;
  auto address = asio::ip::make_address(impl.options.host, ec);
  if (ec) return Status::validation("invalid listen address: " + impl.options.host);
  unsigned threads =
      impl.options.threads ? impl.options.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, threads);
  tcp::endpoint endpoint(address, impl.options.port);
  for (unsigned i = 0; i < threads; ++i) {
    auto worker = std::make_unique<Worker>();
    auto& acceptor = worker->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.set_option(ReusePort(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      impl.workers.clear();
      return Status::io_error("cannot listen on " + impl.options.host + ":" +
                              std::to_string(endpoint.port()) + ": " + ec.message());
    }
    // Port 0 picked a free port; the other workers share that one.
    endpoint = acceptor.local_endpoint();
    impl.workers.push_back(std::move(worker));
  }
  impl.max_connections = impl.options.max_connections;
  if (rlimit limit{}; impl.max_connections == 0 && getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    impl.max_connections =
        limit.rlim_cur == RLIM_INFINITY ? SIZE_MAX : std::max<size_t>(limit.rlim_cur / 4 * 3, 1);
  }
  if (impl.max_connections == 0) impl.max_connections = SIZE_MAX;
  auto bound = endpoint;
  std::string host = bound.address().to_string();
  if (bound.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(bound.port());
}

void Server::run(bool handle_signals) {
  auto& impl = *impl_;
  if (impl.workers.empty()) return;  // listen() failed or was not called
  if (handle_signals) {
    impl.signals.emplace(impl.workers.front()->ioc, SIGINT, SIGTERM);
    impl.signals->async_wait([this](const beast::error_code& ec, int) {
      if (!ec) stop();
    });
  }
  for (auto& worker : impl.workers) {
    asio::co_spawn(worker->ioc, impl.accept_loop(*worker), asio::detached);
  }
  std::vector<std::thread> pool;
  for (size_t i = 1; i < impl.workers.size(); ++i) {
    pool.emplace_back([&worker = *impl.workers[i]] { worker.ioc.run(); });
  }
  // Each worker's run() returns once its acceptor is closed and its connections are done.
  impl.workers.front()->ioc.run();
  for (auto& thread : pool)
    thread.join();
}

void Server::stop() {
  impl_->begin_stop();
}

}  // namespace eddy::http
