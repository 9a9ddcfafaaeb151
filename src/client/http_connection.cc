#include "client/http_connection.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <cctype>
#include <charconv>
#include <filesystem>
#include <limits>

namespace eddy::client {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// CA bundles of the distributions Eddy's executables run on, for a statically linked OpenSSL
// whose compiled-in directory (Debian's /usr/lib/ssl) does not exist there: Debian and Ubuntu,
// then Amazon Linux (AWS Lambda's provided.al2023) and Fedora. SSL_CERT_FILE, when set, wins.
constexpr const char* kCaBundles[] = {"/etc/ssl/certs/ca-certificates.crt",
                                      "/etc/pki/tls/certs/ca-bundle.crt"};

// The connection has gone away under a kept-alive request: worth one reconnect.
bool connection_lost(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

}  // namespace

Result<Url> Url::parse(std::string_view text) {
  Url url;
  if (text.starts_with("https://")) {
    url.https = true;
    url.port = 443;
    text.remove_prefix(8);
  } else if (text.starts_with("http://")) {
    text.remove_prefix(7);
  } else {
    return Status::validation(
        fmt::format("'{}': expected http://HOST[:PORT] or https://...", std::string(text)));
  }
  const auto slash = text.find('/');
  std::string_view authority = text.substr(0, slash);
  if (slash != std::string_view::npos) {
    url.base_path = std::string(text.substr(slash));
    while (!url.base_path.empty() && url.base_path.back() == '/')
      url.base_path.pop_back();
  }
  std::string_view host = authority;
  if (authority.starts_with('[')) {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return Status::validation("bad IPv6 address in URL");
    host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') {
      return Status::validation("bad URL authority");
    }
  } else {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    authority = colon == std::string_view::npos ? "" : authority.substr(colon);
  }
  if (!authority.empty()) {  // ":port"
    unsigned port = 0;
    const auto digits = authority.substr(1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      return Status::validation(fmt::format("bad port in URL: '{}'", std::string(digits)));
    }
    url.port = static_cast<uint16_t>(port);
  }
  if (host.empty()) return Status::validation("URL without a host");
  url.host = std::string(host);
  return url;
}

std::string Url::host_header() const {
  const bool default_port = https ? port == 443 : port == 80;
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = v6 ? "[" + host + "]" : host;
  if (!default_port) out += ":" + std::to_string(port);
  return out;
}

const std::string* HttpResponse::header(std::string_view lower_case_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_case_name) return &value;
  return nullptr;
}

// Each operation runs asynchronously on the connection's own io_context, driven to completion
// right away: Beast's tcp_stream then enforces the timeout (blocking Asio calls have none).
struct HttpConnection::Transport {
  asio::io_context io{1};
  std::optional<asio::ssl::context> tls;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  bool open() const { return secure.has_value() || plain.has_value(); }

  void close() {
    if (open()) {
      beast::error_code ignored;
      tcp().socket().close(ignored);
    }
    secure.reset();
    plain.reset();
    buffer.clear();
  }

  // Sets the deadline of the next operation (0: none).
  void deadline(int64_t timeout_ms) {
    if (!open()) return;
    if (timeout_ms > 0) {
      tcp().expires_after(std::chrono::milliseconds(timeout_ms));
    } else {
      tcp().expires_never();
    }
  }

  // Starts `operation(handler)` and runs the io_context until the handler has been called.
  template <class Operation>
  beast::error_code run(Operation&& operation) {
    beast::error_code result;
    operation([&result](beast::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }
};

HttpConnection::HttpConnection(Url url, HttpOptions options)
    : url_(std::move(url)), options_(options), transport_(std::make_unique<Transport>()) {}

HttpConnection::~HttpConnection() {
  transport_->close();
}

Status HttpConnection::connect() {
  auto& t = *transport_;
  beast::error_code ec;
  tcp::resolver resolver(t.io);
  auto endpoints = resolver.resolve(url_.host, std::to_string(url_.port), ec);
  if (ec) return Status::io_error(fmt::format("cannot resolve {}: {}", url_.host, ec.message()));
  if (url_.https) {
    if (!t.tls) {
      t.tls.emplace(asio::ssl::context::tls_client);
      t.tls->set_verify_mode(asio::ssl::verify_peer);
      t.tls->set_default_verify_paths();
      if (!std::getenv("SSL_CERT_FILE")) {
        for (const char* bundle : kCaBundles) {
          std::error_code exists;
          beast::error_code ignored;
          if (std::filesystem::exists(bundle, exists)) t.tls->load_verify_file(bundle, ignored);
        }
      }
    }
    t.secure.emplace(t.io, *t.tls);
  } else {
    t.plain.emplace(t.io);
  }
  t.deadline(options_.timeout_ms);
  ec = t.run([&](auto handler) { t.tcp().async_connect(endpoints, std::move(handler)); });
  if (!ec) {
    // Each request waits for its answer: Nagle's algorithm would only delay it.
    t.tcp().socket().set_option(tcp::no_delay(true), ec);
  }
  if (!ec && t.secure) {
    // SNI, and the certificate must name the host.
    SSL_set_tlsext_host_name(t.secure->native_handle(), url_.host.c_str());
    t.secure->set_verify_callback(asio::ssl::host_name_verification(url_.host));
    t.deadline(options_.timeout_ms);
    ec = t.run([&](auto handler) {
      t.secure->async_handshake(asio::ssl::stream_base::client, std::move(handler));
    });
  }
  if (ec) {
    t.close();
    return Status::io_error(fmt::format("cannot connect to {}: {}", url_.host_header(),
                                        ec == beast::error::timeout ? "timed out" : ec.message()));
  }
  return {};
}

Result<HttpResponse> HttpConnection::request(std::string_view method, std::string_view target,
                                             const Headers& headers, std::string_view body) {
  bhttp::request<bhttp::string_body> request;
  request.method_string(beast::string_view(method.data(), method.size()));
  const std::string full_target = url_.base_path + std::string(target);
  request.target(full_target);
  request.version(11);
  request.set(bhttp::field::host, url_.host_header());
  for (const auto& [name, value] : headers)
    request.set(name, value);
  request.body() = std::string(body);
  request.prepare_payload();
  request.keep_alive(true);

  auto& t = *transport_;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = t.open();
    if (!reused) EDDY_RETURN_IF_ERROR(connect());
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    t.deadline(options_.timeout_ms);
    beast::error_code ec = t.run([&](auto handler) {
      if (t.secure) {
        bhttp::async_write(*t.secure, request, std::move(handler));
      } else {
        bhttp::async_write(*t.plain, request, std::move(handler));
      }
    });
    const bool sent = !ec;
    if (sent) {
      t.deadline(options_.timeout_ms);
      ec = t.run([&](auto handler) {
        if (t.secure) {
          bhttp::async_read(*t.secure, t.buffer, parser, std::move(handler));
        } else {
          bhttp::async_read(*t.plain, t.buffer, parser, std::move(handler));
        }
      });
    }
    if (ec) {
      t.close();
      // A kept-alive connection the server had closed: the request was not written, or no
      // byte of an answer came (end_of_stream). Anything else may have been processed, and is
      // not sent again.
      const bool lost = !sent || ec == bhttp::error::end_of_stream;
      if (reused && lost && connection_lost(ec)) continue;
      return Status::io_error(
          fmt::format("{} {}{}: {}", std::string(method), url_.host_header(), full_target,
                      ec == beast::error::timeout ? "timed out" : ec.message()));
    }
    auto& message = parser.get();
    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      response.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    response.body = std::move(message.body());
    if (!message.keep_alive()) t.close();
    return response;
  }
  return Status::io_error("connection lost");
}

}  // namespace eddy::client
