#pragma once

// An asynchronous HTTP/1.1 server (Beast underneath) that serves plain HTTP
// and TLS on the same port: the first bytes of each connection tell which
// (like Beast's advanced_server_flex). Handlers get a request and a
// `responder`; they may answer at once, later from any thread, after a delay
// (timers, no blocked io thread) or never (drop the connection).
//
// Several servers share one `io_runtime` (an io_context and its threads).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/http_types.hpp"
#include "net/tls_identity.hpp"

namespace adbatch::net {

namespace detail {
struct reply_slot;
struct runtime_state;
struct listener;
} // namespace detail

/// The io threads servers run on.
class io_runtime {
public:
  /// Starts `threads` (>= 1) io threads at once.
  explicit io_runtime(int threads = 1);
  /// Stops and joins the threads (see stop()).
  ~io_runtime();
  io_runtime(const io_runtime&) = delete;
  io_runtime& operator=(const io_runtime&) = delete;

  /// Stops the event loop and joins the threads; afterwards no handler runs.
  /// Open connections and pending timers are dropped. Idempotent.
  void stop();

  /// The underlying state, for net's own servers.
  detail::runtime_state& state() { return *state_; }

private:
  std::unique_ptr<detail::runtime_state> state_;
};

/// Answers one request. Copyable; all copies share one answer: the first
/// send/drop wins, later ones are ignored. Thread-safe. If every copy is
/// destroyed without an answer, the connection is closed.
class responder {
public:
  explicit responder(std::shared_ptr<detail::reply_slot> slot);

  /// Sends the response (keep-alive unless r.close or the client asked to close).
  void send(response r) const;
  /// Sends the response after `delay`, on a timer (no thread blocks).
  void send_after(std::chrono::milliseconds delay, response r) const;
  /// Closes the connection without answering.
  void drop() const;
  /// Keeps the connection open, unanswered, for `delay`, then closes it
  /// (a client sees a timeout if its own deadline is shorter).
  void drop_after(std::chrono::milliseconds delay) const;

private:
  std::shared_ptr<detail::reply_slot> slot_;
};

/// Handles one request; must not block for long (it runs on an io thread).
using request_handler = std::function<void(request, responder)>;

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0 = an ephemeral port (see http_server::port())
  std::size_t body_limit = 16 * 1024 * 1024;  ///< larger bodies get 413
  std::size_t header_limit = 64 * 1024;
  /// How long a connection may sit idle (or send a request slowly).
  std::chrono::milliseconds idle_timeout{60000};
  /// When set, TLS connections are accepted too, on the same port.
  std::optional<tls_identity> tls;
  /// Value of the Server header on every response (empty: none).
  std::string server_name = "adbatch";
};

class http_server {
public:
  /// Binds and starts accepting at once. Throws std::runtime_error when the
  /// address cannot be bound (e.g. the port is in use).
  http_server(io_runtime& rt, server_options opts, request_handler handler);
  /// Stops accepting (see stop()).
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// The bound port (the real one when options asked for 0).
  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:<port>" (the bound address and port).
  std::string base_url() const;
  std::string https_base_url() const;
  bool tls_enabled() const;

  /// Stops accepting new connections. Open connections finish their
  /// current exchange. Idempotent.
  void stop();

private:
  std::shared_ptr<detail::listener> listener_;
  std::string address_;
  std::uint16_t port_ = 0;
};

} // namespace adbatch::net
