// The HTTP request path without a socket: bytes are parsed as one HTTP/1.1 request by Beast's
// parser, with the server's limits, and handed to the Router (http/router) in front of the
// DynamoDB, Streams and Lambda APIs on an in-memory engine. Every parsed request must get
// exactly one response, within 10 s, and nothing may crash or leak.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>

#include <boost/beast/http.hpp>

#include "api/dynamodb/operation.h"
#include "api/streams/operation.h"
#include "http/router.h"
#include "http/server.h"
#include "storage/engine.h"

namespace {

namespace http = boost::beast::http;

// Beast's string_view is Boost's.
std::string_view view(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

struct World {
  World() {
    eddy::storage::EngineOptions options;
    options.durability = eddy::storage::Durability::kInMemory;
    options.trim_interval_ms = 0;
    engine = std::move(eddy::storage::Engine::open(options)).value();
    dynamodb =
        std::make_unique<eddy::api::dynamodb::Context>(*engine, eddy::api::dynamodb::Settings{});
    streams = std::make_unique<eddy::api::streams::Context>(*engine, dynamodb->settings, "key");
    router = std::make_unique<eddy::http::Router>(*dynamodb, *streams, eddy::http::RouterOptions{});
  }
  std::unique_ptr<eddy::storage::Engine> engine;
  std::unique_ptr<eddy::api::dynamodb::Context> dynamodb;
  std::unique_ptr<eddy::api::streams::Context> streams;
  std::unique_ptr<eddy::http::Router> router;
};

// A fresh world every so often, so that what inputs create (tables, items) stays small. The
// last one is never destroyed: at exit, RocksDB's own statics may already be gone.
World& world() {
  static World* w = nullptr;
  static int uses = 0;
  if (w == nullptr || ++uses % 5000 == 0) {
    delete w;
    w = new World;
  }
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const eddy::http::ServerOptions limits;  // the server's own defaults (http/server.h)
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
  parser.body_limit(limits.body_limit);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;  // the server answers 400 and closes
  auto& message = parser.get();

  eddy::http::Request request;
  const std::string method(message.method_string());
  request.method = method;
  request.target = view(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(view(field.name_string()), view(field.value()));
  }
  request.body = message.body();

  auto responded = std::make_shared<std::promise<eddy::http::Response>>();
  auto calls = std::make_shared<std::atomic<int>>(0);
  world().router->handle(request, [responded, calls](eddy::http::Response response) {
    if (calls->fetch_add(1) > 0) std::abort();  // a second response to one request
    responded->set_value(std::move(response));
  });
  auto future = responded->get_future();
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) std::abort();
  const eddy::http::Response response = future.get();
  if (response.status < 200 || response.status > 599) std::abort();
  return 0;
}
