#pragma once

// The node's asynchronous HTTP/1.1 client for upstream (platform) calls,
// Beast underneath. It owns its io_context and io threads, so no caller
// thread (no CAF worker) ever blocks on I/O: send() returns at once and the
// completion runs on an io thread.
//
// Connections are kept alive in a pool per (scheme, host, port): idle ones
// are reused newest first, at most max_connections_per_host are open per
// host, and calls beyond that wait in a per-host FIFO.

#include "net/http_types.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace adbatch::net {

/// How the upstream client connects, what it trusts and its limits.
struct upstream_options {
  /// Threads running the client's io_context (>= 1).
  int io_threads = 1;
  /// Open connections per (scheme, host, port), idle ones included (>= 1).
  std::size_t max_connections_per_host = 8;
  /// An idle kept-alive connection is closed after this long.
  std::chrono::milliseconds idle_timeout{30000};
  /// Bound on resolve + TCP connect + TLS handshake of a new connection
  /// (the call's own deadline applies too).
  std::chrono::milliseconds connect_timeout{10000};
  /// Whole-call deadline (queueing, connecting, writing, reading) for
  /// requests that carry no timeout of their own.
  std::chrono::milliseconds default_timeout{60000};
  /// Largest response body accepted; larger ones fail with too_large.
  std::size_t body_limit = 64 * 1024 * 1024;
  /// Largest response header block accepted; larger ones fail with too_large.
  std::size_t header_limit = 64 * 1024;
  /// HTTPS: verify the server's certificate chain and host name.
  bool verify_peer = true;
  /// HTTPS: trust the system's default CA store.
  bool use_system_roots = true;
  /// HTTPS: a PEM file with extra CA or self-signed certificates to trust
  /// (e.g. the one adbatch-sim writes at `tls_cert_path`).
  std::string ca_file;
  /// HTTPS: PEM text with extra certificates to trust.
  std::string ca_pem;
  /// Sent unless the request sets its own User-Agent.
  std::string user_agent = "adbatch";
  /// Logs one info line per call (method, host, redacted target, label,
  /// status or error, duration, bytes received); never headers or bodies.
  bool log_requests = false;
};

/// One upstream call.
struct upstream_request {
  std::string method = "GET";
  /// Absolute http:// or https:// URL.
  std::string url;
  /// Sent as given (Host, Content-Length and, unless present, User-Agent are
  /// set by the client).
  header_list headers;
  std::string body;
  /// Whole-call deadline; upstream_options::default_timeout when unset.
  std::optional<std::chrono::milliseconds> timeout;
  /// Names the call in log lines (e.g. "meta batch 17"); not sent.
  std::string label;
};

/// An HTTP answer (any status).
struct upstream_response {
  int status = 0;
  /// Header name (lower case) -> value; repeated headers joined by ", ".
  std::map<std::string, std::string> headers;
  std::string body;
  /// From send() to the completion, queueing included.
  std::chrono::microseconds duration{0};
};

/// Why a call got no HTTP answer.
enum class upstream_errc {
  bad_url,   ///< not an absolute http:// or https:// URL
  resolve,   ///< the host name did not resolve
  connect,   ///< TCP connect failed (refused, unreachable)
  tls,       ///< TLS handshake or certificate verification failed
  timeout,   ///< a deadline passed (connect phase or whole call)
  io,        ///< the connection broke, or the response was unparsable
  too_large, ///< the response body or header exceeded its limit
  stopped    ///< the client stopped before the call completed
};

/// "bad_url", "resolve", ... (for logs and metrics labels).
std::string_view to_string(upstream_errc code);

struct upstream_error {
  upstream_errc code = upstream_errc::io;
  /// Human-readable; never contains headers, bodies or secret query values.
  std::string message;
  /// false: the request certainly never reached the server (bad URL,
  /// resolve/connect/TLS handshake failure or timeout, stopped or timed out
  /// before writing); resending is safe. true: request bytes were written,
  /// so the server may have processed it (ambiguous for the caller).
  bool maybe_delivered = false;
  /// From send() to the completion.
  std::chrono::microseconds duration{0};
};

/// A response or the reason there is none.
class upstream_result {
public:
  upstream_result(upstream_response r) : v_(std::move(r)) {}
  upstream_result(upstream_error e) : v_(std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  /// Precondition: ok().
  const upstream_response& value() const { return std::get<0>(v_); }
  upstream_response& value() { return std::get<0>(v_); }
  const upstream_response* operator->() const { return &value(); }
  const upstream_response& operator*() const { return value(); }
  /// Precondition: !ok().
  const upstream_error& error() const { return std::get<1>(v_); }
  upstream_error& error() { return std::get<1>(v_); }

private:
  std::variant<upstream_response, upstream_error> v_;
};

/// Counters for tests and metrics (a consistent snapshot).
struct upstream_stats {
  std::uint64_t calls = 0;     ///< send() calls
  std::uint64_t failures = 0;  ///< calls completed with an upstream_error
  std::uint64_t in_flight = 0; ///< sent, not yet completed (queued included)
  std::uint64_t queued = 0;    ///< waiting for a connection slot
  std::uint64_t connections_opened = 0; ///< connection attempts started
  std::uint64_t connections_reused = 0; ///< calls served on a used connection
  std::uint64_t connections_open = 0;   ///< open now (connecting/busy/idle)
  std::uint64_t connections_idle = 0;   ///< open and idle now
  std::uint64_t retries = 0; ///< transparent resends after a stale connection
};

/// The query of `target` ("/path?query") with the values of secret-looking
/// parameters (access_token, token, key, secret, client_secret, password,
/// refresh_token, sig, ... and any name containing "token", "secret" or
/// "password") replaced by "***". The path is kept; a fragment is dropped.
std::string redact_target(std::string_view target);

namespace detail {
struct upstream_state;
} // namespace detail

class upstream_client {
public:
  using completion = std::function<void(upstream_result)>;

  /// Starts the io threads. Throws std::runtime_error when the options are
  /// invalid or a CA file/PEM cannot be loaded.
  explicit upstream_client(upstream_options opts = {});
  /// Stops (see stop()) and joins the io threads. Must not run on one of
  /// this client's io threads (i.e. not inside a completion).
  ~upstream_client();
  upstream_client(const upstream_client&) = delete;
  upstream_client& operator=(const upstream_client&) = delete;

  /// Starts one call; returns at once. `done` is called exactly once, on
  /// one of the client's io threads, never inside send(). It should be
  /// quick (e.g. caf::anon_send the result to an actor). Thread-safe.
  /// After stop(), `done` is called at once on the calling thread with
  /// `stopped` (maybe_delivered = false).
  void send(upstream_request req, completion done);

  /// Fails every pending call with `stopped` (maybe_delivered tells whether
  /// its request was already written), closes every connection and joins
  /// the io threads. Idempotent. Called from a completion (an io thread) it
  /// does everything but the join, which the destructor then does.
  void stop();

  upstream_stats stats() const;

private:
  std::shared_ptr<detail::upstream_state> state_;
};

} // namespace adbatch::net
