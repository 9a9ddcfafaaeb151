#include "http/runtime_api_server.h"

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <limits>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace eddy::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using functions::RuntimeApiReply;

// Boost 1.74's string_view is its own type.
std::string_view view(beast::string_view text) {
  return {text.data(), text.size()};
}

constexpr std::string_view kPrefix = "/2018-06-01/runtime/";
constexpr std::string_view kInvocation = "invocation/";
// A body over the payload limit is still read (and dropped) up to this size.
constexpr uint64_t kMaxDrainedBytes = 64 << 20;

class RuntimeApiServer final : public functions::RuntimeApiEndpoint {
 public:
  explicit RuntimeApiServer(functions::RuntimeApiBackend& backend) : backend_(backend) {}
  ~RuntimeApiServer() override;

  Status open();
  uint16_t port() const override { return port_; }

 private:
  struct Connection {
    tcp::socket socket;
    std::thread thread;
    std::atomic<bool> done{false};
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
  };

  void accept_loop();
  void serve(Connection& connection);
  bhttp::response<bhttp::string_body> handle(bhttp::request<bhttp::string_body>& request);
  RuntimeApiReply too_large(std::string_view target);
  void reap_finished();  // joins the threads of closed connections (mu_ held)

  functions::RuntimeApiBackend& backend_;
  asio::io_context io_{1};  // owns the sockets; nothing runs on it (all I/O blocks)
  tcp::acceptor acceptor_{io_};
  uint16_t port_ = 0;
  std::thread accept_thread_;
  std::mutex mu_;
  bool closing_ = false;
  std::list<Connection> connections_;
};

Status RuntimeApiServer::open() {
  beast::error_code ec;
  const tcp::endpoint loopback(asio::ip::make_address_v4("127.0.0.1"), 0);
  acceptor_.open(loopback.protocol(), ec);
  if (!ec) acceptor_.bind(loopback, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::io_error("Runtime API endpoint: " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  accept_thread_ = std::thread([this] { accept_loop(); });
  return {};
}

RuntimeApiServer::~RuntimeApiServer() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    // shutdown(2) wakes the threads blocked in accept and read; closing from another thread
    // would race with them.
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    for (auto& connection : connections_)
      ::shutdown(connection.socket.native_handle(), SHUT_RDWR);
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  for (auto& connection : connections_)
    if (connection.thread.joinable()) connection.thread.join();
}

void RuntimeApiServer::reap_finished() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (it->done.load()) {
      it->thread.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void RuntimeApiServer::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    std::unique_lock lock(mu_);
    if (closing_) return;
    if (ec) {
      // Out of descriptors, say: try again shortly rather than spin.
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    reap_finished();
    // Requests and answers are small and each waits for the other: no Nagle delay.
    socket.set_option(tcp::no_delay(true), ec);
    auto& connection = connections_.emplace_back(std::move(socket));
    connection.thread = std::thread([this, &connection] {
      serve(connection);
      connection.done = true;
    });
  }
}

// The answer to a body over the payload limit: 413, and for an invocation's response the
// invocation fails (Function.ResponseSizeTooLarge).
RuntimeApiReply RuntimeApiServer::too_large(std::string_view target) {
  RuntimeApiReply reply{
      413, R"({"errorMessage":"Payload too large","errorType":"RequestEntityTooLarge"})"};
  if (target.starts_with(kPrefix) && target.ends_with("/response")) {
    target.remove_prefix(kPrefix.size());
    if (target.starts_with(kInvocation)) {
      target.remove_prefix(kInvocation.size());
      target.remove_suffix(std::string_view("/response").size());
      reply = backend_.response_too_large(target);
      reply.status = 413;
    }
  }
  return reply;
}

void RuntimeApiServer::serve(Connection& connection) {
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    // Checked here, from the header. (Boost 1.74 treats boost::none, "no limit", as a limit
    // every Content-Length exceeds.)
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    beast::error_code ec;
    bhttp::read_header(connection.socket, buffer, parser, ec);
    if (ec) break;
    const auto length = parser.content_length();
    std::optional<RuntimeApiReply> refused;
    bool keep_alive = false;
    if (length && *length > functions::kMaxPayloadBytes) {
      // A body over 6 MB with a Content-Length: it is read (up to a bound; past it the
      // connection is closed) and dropped, so that the connection stays usable.
      refused = too_large(view(parser.get().target()));
      if (*length <= kMaxDrainedBytes && !parser.is_done()) {
        bhttp::read(connection.socket, buffer, parser, ec);
        keep_alive = !ec && parser.get().keep_alive();
      }
    } else {
      // Chunked bodies (streamed responses) are bounded while they are read; past the bound
      // the rest is not read, and the connection is closed after the 413.
      parser.body_limit(functions::kMaxPayloadBytes);
      if (!parser.is_done()) bhttp::read(connection.socket, buffer, parser, ec);
      if (ec == bhttp::error::body_limit) {
        refused = too_large(view(parser.get().target()));
      } else if (ec) {
        break;
      }
    }
    bhttp::response<bhttp::string_body> response;
    if (refused) {
      response =
          bhttp::response<bhttp::string_body>{static_cast<bhttp::status>(refused->status), 11};
      response.set(bhttp::field::content_type, "application/json");
      response.body() = std::move(refused->body);
      response.keep_alive(keep_alive);
    } else {
      response = handle(parser.get());
      response.keep_alive(parser.get().keep_alive());
    }
    response.prepare_payload();
    bhttp::write(connection.socket, response, ec);
    if (ec || !response.keep_alive()) break;
  }
  beast::error_code ignored;
  connection.socket.shutdown(tcp::socket::shutdown_both, ignored);
}

bhttp::response<bhttp::string_body> RuntimeApiServer::handle(
    bhttp::request<bhttp::string_body>& request) {
  bhttp::response<bhttp::string_body> response{bhttp::status::ok, request.version()};
  response.set(bhttp::field::content_type, "application/json");
  auto reply = [&](RuntimeApiReply r) {
    response.result(static_cast<bhttp::status>(r.status));
    response.body() = std::move(r.body);
    return std::move(response);
  };
  std::string_view target = view(request.target());
  if (!target.starts_with(kPrefix)) {
    return reply({404, R"({"errorMessage":"Not found","errorType":"NotFound"})"});
  }
  target.remove_prefix(kPrefix.size());
  const bool post = request.method() == bhttp::verb::post;
  const std::string_view error_type = view(request["Lambda-Runtime-Function-Error-Type"]);

  if (target == "invocation/next") {
    if (request.method() != bhttp::verb::get) {
      return reply({405, R"({"errorMessage":"Use GET","errorType":"MethodNotAllowed"})"});
    }
    auto invocation = backend_.next();
    if (!invocation) {
      // The environment is closing; a runtime exits on an error here.
      return reply({500, R"({"errorMessage":"The execution environment is shutting down",)"
                         R"("errorType":"Runtime.ExitError"})"});
    }
    // Reference §6.2: aws-lambda-ric needs every one of these headers.
    response.set("Lambda-Runtime-Aws-Request-Id", invocation->request_id);
    response.set("Lambda-Runtime-Deadline-Ms", std::to_string(invocation->deadline_ms));
    response.set("Lambda-Runtime-Invoked-Function-Arn", invocation->function_arn);
    response.set("Lambda-Runtime-Trace-Id", invocation->trace_id);
    response.body() = std::move(invocation->event);
    return response;
  }
  if (target == "init/error") {
    if (!post) return reply({405, R"({"errorMessage":"Use POST","errorType":"MethodNotAllowed"})"});
    return reply(backend_.init_error(error_type, std::move(request.body())));
  }
  if (target.starts_with(kInvocation)) {
    target.remove_prefix(kInvocation.size());
    const auto slash = target.find('/');
    if (slash != std::string_view::npos) {
      const std::string_view request_id = target.substr(0, slash);
      const std::string_view action = target.substr(slash + 1);
      if (action == "response" || action == "error") {
        if (!post) {
          return reply({405, R"({"errorMessage":"Use POST","errorType":"MethodNotAllowed"})"});
        }
        return reply(action == "response"
                         ? backend_.response(request_id, std::move(request.body()))
                         : backend_.error(request_id, error_type, std::move(request.body())));
      }
    }
  }
  return reply({404, R"({"errorMessage":"Not found","errorType":"NotFound"})"});
}

}  // namespace

Result<std::unique_ptr<functions::RuntimeApiEndpoint>> listen_runtime_api(
    functions::RuntimeApiBackend& backend) {
  auto server = std::make_unique<RuntimeApiServer>(backend);
  EDDY_RETURN_IF_ERROR(server->open());
  return std::unique_ptr<functions::RuntimeApiEndpoint>(std::move(server));
}

}  // namespace eddy::http
