#pragma once

// A synchronous HTTP/1.1 client (Beast underneath) for loopback tests, the
// simulators' webhook senders and other simple callers. One client object
// keeps one connection alive and reuses it while the scheme, host and port
// stay the same. Not thread-safe: use one client per thread.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "net/http_types.hpp"

namespace adbatch::net {

/// How a client connects and what it trusts.
struct client_options {
  /// HTTPS: verify the server's certificate chain and host name.
  bool verify_peer = true;
  /// HTTPS: also trust the system's default CA store.
  bool use_system_roots = true;
  /// HTTPS: a PEM file with extra CA or self-signed certificates to trust
  /// (e.g. the certificate adbatch-sim writes at start).
  std::string ca_file;
  /// HTTPS: PEM text with extra certificates to trust.
  std::string ca_pem;
  /// Used when a request passes no timeout: the whole exchange (connect,
  /// TLS handshake, write, read) must finish within it.
  std::chrono::milliseconds default_timeout{30000};
  /// Largest response body accepted.
  std::size_t body_limit = 64 * 1024 * 1024;
  /// Sent unless the request sets its own User-Agent.
  std::string user_agent = "adbatch";
};

/// A received response.
struct client_response {
  int status = 0;
  header_map headers;  ///< case-insensitive lookup
  std::string body;

  /// The header value with that name, if any.
  std::optional<std::string> header(std::string_view name) const {
    auto it = headers.find(name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
  }
};

/// Why a request got no response.
enum class client_errc {
  bad_url,     ///< not an absolute http:// or https:// URL
  resolve,     ///< host name did not resolve
  connect,     ///< TCP connect failed (refused, unreachable)
  tls,         ///< TLS handshake or certificate verification failed
  timeout,     ///< the deadline passed
  io,          ///< the connection broke (reset, closed without an answer)
  bad_response ///< unparsable or oversized response
};

struct client_error {
  client_errc code;
  std::string message;
};

/// A response or the reason there is none.
class client_result {
public:
  client_result(client_response r) : v_(std::move(r)) {}
  client_result(client_error e) : v_(std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  /// Precondition: ok().
  const client_response& value() const { return std::get<0>(v_); }
  client_response& value() { return std::get<0>(v_); }
  const client_response* operator->() const { return &value(); }
  const client_response& operator*() const { return value(); }
  /// Precondition: !ok().
  const client_error& error() const { return std::get<1>(v_); }

private:
  std::variant<client_response, client_error> v_;
};

class http_client {
public:
  explicit http_client(client_options opts = {});
  ~http_client();
  http_client(http_client&&) noexcept;
  http_client& operator=(http_client&&) noexcept;
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Sends one request and waits for its response. `url` is absolute
  /// (http:// or https://). A reused keep-alive connection that turns out to
  /// be closed by the server is replaced once, transparently.
  client_result request(std::string_view method, std::string_view url,
                        const header_list& headers = {},
                        std::string_view body = {},
                        std::optional<std::chrono::milliseconds> timeout = {});

  client_result get(std::string_view url, const header_list& headers = {},
                    std::optional<std::chrono::milliseconds> timeout = {}) {
    return request("GET", url, headers, {}, timeout);
  }

  /// POST with a body; sets Content-Type unless `headers` has one.
  client_result post(std::string_view url, std::string_view body,
                     std::string_view content_type = "application/json",
                     const header_list& headers = {},
                     std::optional<std::chrono::milliseconds> timeout = {});

  /// Closes the kept-alive connection, if any.
  void close();

  /// How many TCP connections this client opened (tests check reuse).
  std::size_t connections_opened() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace adbatch::net
