#include "net/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <openssl/ssl.h>

namespace adbatch::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

struct parsed_url {
  bool tls = false;
  std::string host;       ///< for connecting (no brackets)
  std::string host_port;  ///< for the Host header
  std::string port;
  std::string target;
};

std::optional<parsed_url> parse_url(std::string_view text) {
  auto r = boost::urls::parse_uri(text);
  if (!r) return std::nullopt;
  boost::urls::url_view u = *r;
  parsed_url p;
  auto scheme = u.scheme_id();
  if (scheme == boost::urls::scheme::https) p.tls = true;
  else if (scheme != boost::urls::scheme::http) return std::nullopt;
  if (!u.has_authority() || u.encoded_host().empty()) return std::nullopt;
  p.host = u.host_address();
  p.host_port = u.encoded_host_and_port();
  p.port = u.has_port() ? std::string(u.port()) : (p.tls ? "443" : "80");
  p.target = u.encoded_target();
  if (p.target.empty() || p.target.front() != '/') p.target.insert(0, "/");
  return p;
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

/// Errors that mean "the kept-alive connection was already dead".
bool is_stale_connection(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof
         || ec == asio::error::connection_reset
         || ec == asio::error::broken_pipe
         || ec == asio::error::connection_aborted
         || ec == ssl::error::stream_truncated;
}

} // namespace

struct http_client::impl {
  client_options opts;
  asio::io_context ioc;
  ssl::context ssl_ctx{ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  std::string conn_key;  ///< "scheme://host:port" of the open connection
  beast::flat_buffer buffer;
  std::size_t opened = 0;
  std::string ssl_setup_error;

  explicit impl(client_options o) : opts(std::move(o)) {
    beast::error_code ec;
    if (opts.verify_peer) {
      ssl_ctx.set_verify_mode(ssl::verify_peer);
      if (opts.use_system_roots) ssl_ctx.set_default_verify_paths(ec);
      if (!opts.ca_file.empty()) {
        ssl_ctx.load_verify_file(opts.ca_file, ec);
        if (ec) ssl_setup_error = "cannot load CA file: " + ec.message();
      }
      if (!opts.ca_pem.empty()) {
        ssl_ctx.add_certificate_authority(
          asio::buffer(opts.ca_pem.data(), opts.ca_pem.size()), ec);
        if (ec) ssl_setup_error = "cannot load CA PEM: " + ec.message();
      }
    } else {
      ssl_ctx.set_verify_mode(ssl::verify_none);
    }
  }

  bool is_open() const {
    if (plain) return plain->socket().is_open();
    if (secure) return secure->next_layer().socket().is_open();
    return false;
  }

  void close() {
    beast::error_code ec;
    if (plain) plain->socket().close(ec);
    if (secure) secure->next_layer().socket().close(ec);
    plain.reset();
    secure.reset();
    conn_key.clear();
    buffer.clear();
  }

  beast::tcp_stream& lowest() {
    return plain ? *plain : secure->next_layer();
  }

  /// Runs the io_context until the started operation completes.
  void run() {
    ioc.restart();
    ioc.run();
  }

  static clock_type::duration left(clock_type::time_point deadline) {
    auto d = deadline - clock_type::now();
    return d > clock_type::duration::zero() ? d : clock_type::duration::zero();
  }

  std::optional<client_error> connect(const parsed_url& u,
                                      clock_type::time_point deadline) {
    if (u.tls && !ssl_setup_error.empty())
      return client_error{client_errc::tls, ssl_setup_error};
    tcp::resolver resolver{ioc};
    beast::error_code ec;
    tcp::resolver::results_type results;
    resolver.async_resolve(u.host, u.port,
      [&](beast::error_code e, tcp::resolver::results_type r) {
        ec = e;
        results = std::move(r);
      });
    run();
    if (ec) return client_error{client_errc::resolve, "resolve " + u.host + ": " + ec.message()};

    if (u.tls) secure.emplace(ioc, ssl_ctx);
    else plain.emplace(ioc);
    ++opened;
    auto& tcp_layer = lowest();
    tcp_layer.expires_after(left(deadline));
    tcp_layer.async_connect(results,
      [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) {
      close();
      if (ec == beast::error::timeout)
        return client_error{client_errc::timeout, "connect timed out"};
      return client_error{client_errc::connect,
                          "connect " + u.host_port + ": " + ec.message()};
    }
    tcp_layer.socket().set_option(tcp::no_delay{true}, ec);
    if (u.tls) {
      if (!is_ip_address(u.host))
        SSL_set_tlsext_host_name(secure->native_handle(), u.host.c_str());
      if (opts.verify_peer)
        secure->set_verify_callback(ssl::host_name_verification(u.host));
      tcp_layer.expires_after(left(deadline));
      secure->async_handshake(ssl::stream_base::client,
                              [&](beast::error_code e) { ec = e; });
      run();
      if (ec) {
        close();
        if (ec == beast::error::timeout)
          return client_error{client_errc::timeout, "TLS handshake timed out"};
        return client_error{client_errc::tls, "TLS handshake: " + ec.message()};
      }
    }
    conn_key = (u.tls ? "https://" : "http://") + u.host + ":" + u.port;
    return std::nullopt;
  }

  /// One attempt on the current connection. `ec` reports transport errors.
  std::optional<client_response>
  exchange(http::request<http::string_body>& req, bool head,
           clock_type::time_point deadline, beast::error_code& ec) {
    lowest().expires_after(left(deadline));
    auto on_done = [&](beast::error_code e, std::size_t) { ec = e; };
    if (plain) http::async_write(*plain, req, on_done);
    else http::async_write(*secure, req, on_done);
    run();
    if (ec) return std::nullopt;

    http::response_parser<http::string_body> parser;
    parser.body_limit(opts.body_limit);
    parser.header_limit(64 * 1024);
    if (head) parser.skip(true);
    lowest().expires_after(left(deadline));
    if (plain) http::async_read(*plain, buffer, parser, on_done);
    else http::async_read(*secure, buffer, parser, on_done);
    run();
    if (ec) return std::nullopt;
    lowest().expires_never();

    auto msg = parser.release();
    client_response out;
    out.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) {
      std::string name{f.name_string()};
      auto [it, inserted] = out.headers.try_emplace(name, f.value());
      if (!inserted) {
        it->second += ", ";
        it->second += f.value();
      }
    }
    if (!msg.keep_alive()) close();
    out.body = std::move(msg.body());
    return out;
  }

  client_result request(std::string_view method, std::string_view url,
                        const header_list& headers, std::string_view body,
                        std::chrono::milliseconds timeout) {
    auto deadline = clock_type::now() + timeout;
    auto u = parse_url(url);
    if (!u) return client_error{client_errc::bad_url, "bad URL: " + std::string(url)};

    http::request<http::string_body> req;
    req.method_string(method);
    req.target(u->target);
    req.version(11);
    req.set(http::field::host, u->host_port);
    bool has_ua = false;
    for (const auto& [k, v] : headers) {
      req.insert(k, v);
      if (beast::iequals(k, "user-agent")) has_ua = true;
    }
    if (!has_ua && !opts.user_agent.empty())
      req.set(http::field::user_agent, opts.user_agent);
    req.keep_alive(true);
    req.body() = std::string(body);
    req.prepare_payload();
    bool head = beast::iequals(method, "HEAD");

    std::string key = (u->tls ? "https://" : "http://") + u->host + ":" + u->port;
    if (is_open() && conn_key != key) close();

    for (int attempt = 0; attempt < 2; ++attempt) {
      bool reused = is_open();
      if (!reused) {
        if (auto err = connect(*u, deadline)) return *err;
      }
      beast::error_code ec;
      auto res = exchange(req, head, deadline, ec);
      if (res) return std::move(*res);
      close();
      if (reused && is_stale_connection(ec) && left(deadline).count() > 0)
        continue;  // the server closed the idle connection: retry once
      if (ec == beast::error::timeout)
        return client_error{client_errc::timeout, "request timed out"};
      bool closed = ec == http::error::end_of_stream
                    || ec == http::error::partial_message;
      if (!closed
          && ec.category() == beast::error_code(http::error::bad_target).category())
        return client_error{client_errc::bad_response, ec.message()};
      return client_error{client_errc::io, ec.message()};
    }
    return client_error{client_errc::io, "connection closed"};
  }
};

http_client::http_client(client_options opts)
  : impl_(std::make_unique<impl>(std::move(opts))) {}
http_client::~http_client() = default;
http_client::http_client(http_client&&) noexcept = default;
http_client& http_client::operator=(http_client&&) noexcept = default;

client_result http_client::request(std::string_view method,
                                   std::string_view url,
                                   const header_list& headers,
                                   std::string_view body,
                                   std::optional<std::chrono::milliseconds> timeout) {
  return impl_->request(method, url, headers, body,
                        timeout.value_or(impl_->opts.default_timeout));
}

client_result http_client::post(std::string_view url, std::string_view body,
                                std::string_view content_type,
                                const header_list& headers,
                                std::optional<std::chrono::milliseconds> timeout) {
  header_list all = headers;
  bool has_ct = false;
  for (const auto& [k, v] : headers)
    if (beast::iequals(k, "content-type")) has_ct = true;
  if (!has_ct) all.emplace_back("Content-Type", std::string(content_type));
  return request("POST", url, all, body, timeout);
}

void http_client::close() { impl_->close(); }

std::size_t http_client::connections_opened() const { return impl_->opened; }

} // namespace adbatch::net
