#include "client/http_connection.h"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

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

struct HttpConnection::Transport {
  asio::io_context io{1};
  std::optional<asio::ssl::context> tls;
  std::optional<tcp::socket> plain;
  std::optional<asio::ssl::stream<tcp::socket>> secure;
  beast::flat_buffer buffer;

  tcp::socket& socket() { return secure ? secure->next_layer() : *plain; }

  void close() {
    beast::error_code ignored;
    if (secure) {
      secure->next_layer().close(ignored);
      secure.reset();
    }
    if (plain) {
      plain->close(ignored);
      plain.reset();
    }
    buffer.clear();
  }

  bool open() const { return secure.has_value() || plain.has_value(); }
};

HttpConnection::HttpConnection(Url url, HttpOptions options)
    : url_(std::move(url)), options_(options), transport_(std::make_unique<Transport>()) {}

HttpConnection::~HttpConnection() {
  transport_->close();
}

namespace {

// Blocking reads and writes give up after the timeout (the socket's own timeouts: synchronous
// Asio operations have none); requests go out at once.
void set_timeouts(tcp::socket& socket, int64_t timeout_ms) {
  // Each request waits for its answer: Nagle's algorithm would only delay it.
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (timeout_ms <= 0) return;
  timeval tv{static_cast<time_t>(timeout_ms / 1000),
             static_cast<suseconds_t>((timeout_ms % 1000) * 1000)};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

template <class Stream>
beast::error_code exchange(Stream& stream, beast::flat_buffer& buffer,
                           bhttp::request<bhttp::string_body>& request,
                           bhttp::response_parser<bhttp::string_body>& parser) {
  beast::error_code ec;
  bhttp::write(stream, request, ec);
  if (ec) return ec;
  bhttp::read(stream, buffer, parser, ec);
  return ec;
}

}  // namespace

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
    beast::error_code ec;
    if (!t.open()) {
      tcp::resolver resolver(t.io);
      auto endpoints = resolver.resolve(url_.host, std::to_string(url_.port), ec);
      if (ec) {
        return Status::io_error(fmt::format("cannot resolve {}: {}", url_.host, ec.message()));
      }
      if (url_.https) {
        if (!t.tls) {
          t.tls.emplace(asio::ssl::context::tls_client);
          t.tls->set_verify_mode(asio::ssl::verify_peer);
          t.tls->set_default_verify_paths();
          if (!std::getenv("SSL_CERT_FILE")) {
            for (const char* bundle : kCaBundles) {
              std::error_code exists;
              if (std::filesystem::exists(bundle, exists)) t.tls->load_verify_file(bundle, ec);
            }
          }
        }
        t.secure.emplace(t.io, *t.tls);
        asio::connect(t.secure->next_layer(), endpoints, ec);
        if (!ec) {
          set_timeouts(t.secure->next_layer(), options_.timeout_ms);
          // SNI, and the certificate must name the host.
          SSL_set_tlsext_host_name(t.secure->native_handle(), url_.host.c_str());
          t.secure->set_verify_callback(asio::ssl::host_name_verification(url_.host));
          t.secure->handshake(asio::ssl::stream_base::client, ec);
        }
      } else {
        t.plain.emplace(t.io);
        asio::connect(*t.plain, endpoints, ec);
        if (!ec) set_timeouts(*t.plain, options_.timeout_ms);
      }
      if (ec) {
        t.close();
        return Status::io_error(
            fmt::format("cannot connect to {}: {}", url_.host_header(), ec.message()));
      }
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    ec = t.secure ? exchange(*t.secure, t.buffer, request, parser)
                  : exchange(*t.plain, t.buffer, request, parser);
    if (ec) {
      t.close();
      if (reused && connection_lost(ec)) continue;  // the server closed an idle connection
      return Status::io_error(fmt::format("{} {}{}: {}", std::string(method), url_.host_header(),
                                          full_target, ec.message()));
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
