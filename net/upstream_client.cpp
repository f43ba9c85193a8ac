#include "net/upstream_client.hpp"

#include "common/logger.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <cerrno>
#include <deque>
#include <mutex>
#include <openssl/ssl.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace adbatch::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

std::string_view to_string(upstream_errc code) {
  switch (code) {
  case upstream_errc::bad_url:
    return "bad_url";
  case upstream_errc::resolve:
    return "resolve";
  case upstream_errc::connect:
    return "connect";
  case upstream_errc::tls:
    return "tls";
  case upstream_errc::timeout:
    return "timeout";
  case upstream_errc::io:
    return "io";
  case upstream_errc::too_large:
    return "too_large";
  case upstream_errc::stopped:
    return "stopped";
  }
  return "unknown";
}

// -- redaction --

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Percent-decoded, lower-cased, '-' and '.' folded to '_'.
std::string normalize_param_name(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%' && i + 2 < raw.size()) {
      int hi = hex_value(raw[i + 1]);
      int lo = hex_value(raw[i + 2]);
      if (hi >= 0 && lo >= 0) {
        c = static_cast<char>(hi * 16 + lo);
        i += 2;
      }
    } else if (c == '+') {
      c = ' ';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == '-' || c == '.') c = '_';
    out.push_back(c);
  }
  return out;
}

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

/// Whether a query parameter's value must not reach a log line.
bool is_secret_param(std::string_view raw_name) {
  auto name = normalize_param_name(raw_name);
  static constexpr std::string_view exact[] = {
      "sig",           "signature",      "sign",
      "code",          "auth",           "pass",
      "pwd",           "passwd",         "session",
      "sessionid",     "session_id",     "credential",
      "credentials",   "apikey",         "hash",
      "authorization", "appsecret_proof"};
  for (auto e : exact)
    if (name == e) return true;
  return contains(name, "token") || contains(name, "secret") ||
         contains(name, "password") || ends_with(name, "key") ||
         ends_with(name, "_sig") || ends_with(name, "signature");
}

} // namespace

std::string redact_target(std::string_view target) {
  if (auto hash = target.find('#'); hash != std::string_view::npos)
    target = target.substr(0, hash);
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  auto query = target.substr(q + 1);
  std::size_t pos = 0;
  for (;;) {
    auto amp = query.find('&', pos);
    auto part =
        query.substr(pos, amp == std::string_view::npos ? std::string_view::npos
                                                        : amp - pos);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && is_secret_param(part.substr(0, eq))) {
      out += part.substr(0, eq);
      out += "=***";
    } else {
      out += part;
    }
    if (amp == std::string_view::npos) break;
    out += '&';
    pos = amp + 1;
  }
  return out;
}

// -- the client --

namespace detail {

namespace {

struct parsed_url {
  bool tls = false;
  std::string host;      ///< for connecting and SNI (no brackets)
  std::string host_port; ///< for the Host header and logs
  std::string port;
  std::string target;
  std::string key; ///< "scheme://host:port", the pool key
};

std::optional<parsed_url> parse_url(std::string_view text) {
  auto r = boost::urls::parse_uri(text);
  if (!r) return std::nullopt;
  boost::urls::url_view u = *r;
  parsed_url p;
  auto scheme = u.scheme_id();
  if (scheme == boost::urls::scheme::https)
    p.tls = true;
  else if (scheme != boost::urls::scheme::http)
    return std::nullopt;
  if (!u.has_authority() || u.encoded_host().empty()) return std::nullopt;
  p.host = u.host_address();
  for (auto& c : p.host)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  p.host_port = u.encoded_host_and_port();
  p.port = u.has_port() ? std::string(u.port()) : (p.tls ? "443" : "80");
  p.target = u.encoded_target();
  if (p.target.empty() || p.target.front() != '/') p.target.insert(0, "/");
  p.key = (p.tls ? "https://" : "http://") + p.host + ":" + p.port;
  return p;
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

bool is_idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" ||
         method == "DELETE" || method == "OPTIONS" || method == "TRACE";
}

/// Errors that mean "the kept-alive connection was already dead".
bool is_stale_connection(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted ||
         ec == ssl::error::stream_truncated;
}

/// An idle connection is usable only if nothing is readable on it: EOF
/// means the server closed it, and bytes nobody asked for mean it is out
/// of step. Non-blocking (MSG_DONTWAIT).
bool idle_socket_usable(tcp::socket& s) {
  if (!s.is_open()) return false;
  char c;
  auto n = ::recv(s.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  return false;
}

std::int64_t ms_of(clock_type::duration d) {
  return duration_cast<milliseconds>(d).count();
}

} // namespace

struct connection;

/// One call from send() to its completion.
struct call_state {
  std::string method;
  std::string label;
  std::optional<parsed_url> url;
  http::request<http::string_body> msg;
  upstream_client::completion done;
  clock_type::time_point start;
  clock_type::time_point deadline;
  milliseconds timeout{0};
  bool idempotent = false;
  std::atomic<bool> finished{false};
  std::atomic<bool> write_started{false};
  // Touched by the connection that holds the call (on its strand).
  bool retried = false;
  std::size_t bytes_received = 0;
  // Guarded by upstream_state::mutex.
  bool queued = false;
  std::optional<asio::steady_timer> queue_timer;
};

/// Connections and waiting calls of one (scheme, host, port).
struct host_pool {
  std::size_t open = 0;                            ///< connecting + busy + idle
  std::vector<std::shared_ptr<connection>> idle;   ///< newest last (LIFO)
  std::deque<std::shared_ptr<call_state>> waiting; ///< FIFO
};

struct upstream_state {
  upstream_options opts;
  ssl::context ssl_ctx{ssl::context::tls_client};
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      work;
  std::vector<std::thread> threads;
  std::mutex join_mutex;
  bool joined = false;
  std::atomic<bool> stopped{false};

  mutable std::mutex mutex;
  std::unordered_map<std::string, host_pool> pools;
  std::unordered_set<std::shared_ptr<connection>> conns;
  std::unordered_set<std::shared_ptr<call_state>> active;

  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::uint64_t> reused{0};
  std::atomic<std::uint64_t> retries{0};

  explicit upstream_state(upstream_options o);
  ~upstream_state();

  bool on_io_thread() const {
    auto me = std::this_thread::get_id();
    return std::any_of(threads.begin(), threads.end(),
                       [&](const std::thread& t) { return t.get_id() == me; });
  }

  void dispatch(std::shared_ptr<call_state> c);
  std::shared_ptr<connection> new_connection_locked(host_pool& pool,
                                                    const parsed_url& u);
  void on_queue_timeout(const std::shared_ptr<call_state>& c);
  void release(const std::shared_ptr<connection>& conn);
  void drop(const std::shared_ptr<connection>& conn);
  void redispatch_after_dead_idle(const std::shared_ptr<connection>& conn,
                                  std::shared_ptr<call_state> c);
  void retry_on_fresh(const std::shared_ptr<connection>& conn,
                      std::shared_ptr<call_state> c);
  void on_idle_end(const std::shared_ptr<connection>& conn, std::uint64_t gen);

  void succeed(const std::shared_ptr<call_state>& c, upstream_response r);
  void fail(const std::shared_ptr<call_state>& c, upstream_errc code,
            std::string message, bool maybe_delivered);
  void complete(const std::shared_ptr<call_state>& c, upstream_result r);
  void log_call(const call_state& c, const upstream_result& r);

  void stop();
};

/// One kept-alive connection. Everything but `idle`/`gen` (guarded by the
/// state's mutex) runs on its strand.
struct connection : std::enable_shared_from_this<connection> {
  upstream_state& st;
  host_pool& pool;
  parsed_url url; ///< scheme, host and port (target unused)
  asio::strand<asio::io_context::executor_type> strand;
  tcp::resolver resolver;
  asio::steady_timer timer; ///< resolve deadline, then idle timeout
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  std::optional<http::response_parser<http::string_body>> parser;
  std::shared_ptr<call_state> call;
  clock_type::time_point connect_deadline;
  bool resolve_timed_out = false;
  bool used = false; ///< has served a call before the current one
  bool reused_for_call = false;
  // Guarded by st.mutex.
  bool idle = false;
  std::uint64_t gen = 0;

  connection(upstream_state& s, host_pool& p, parsed_url u)
      : st(s), pool(p), url(std::move(u)), strand(asio::make_strand(s.ioc)),
        resolver(strand), timer(strand) {
    if (url.tls)
      secure.emplace(strand, st.ssl_ctx);
    else
      plain.emplace(strand);
  }

  beast::tcp_stream& lowest() {
    return plain ? *plain : beast::get_lowest_layer(*secure);
  }

  template <class F>
  void with_stream(F&& f) {
    if (plain)
      f(*plain);
    else
      f(*secure);
  }

  void close() {
    resolver.cancel();
    timer.cancel();
    lowest().close();
  }

  /// Stops whatever is running (client stop); handlers see st.stopped.
  void abort() { close(); }

  // -- a new connection: resolve, connect, TLS handshake --

  void start(std::shared_ptr<call_state> c) {
    call = std::move(c);
    if (st.stopped) return fail_connect(upstream_errc::stopped, "stopped");
    connect_deadline =
        std::min(clock_type::now() + st.opts.connect_timeout, call->deadline);
    timer.expires_at(connect_deadline);
    timer.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->resolve_timed_out = true;
      self->resolver.cancel();
    });
    resolver.async_resolve(
        url.host, url.port,
        [self = shared_from_this()](beast::error_code ec,
                                    tcp::resolver::results_type results) {
          self->on_resolve(ec, std::move(results));
        });
  }

  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    timer.cancel();
    if (st.stopped) return fail_connect(upstream_errc::stopped, "stopped");
    if (resolve_timed_out)
      return fail_connect(upstream_errc::timeout,
                          "resolving " + url.host + " timed out");
    if (ec)
      return fail_connect(upstream_errc::resolve,
                          "resolve " + url.host + ": " + ec.message());
    lowest().expires_at(connect_deadline);
    lowest().async_connect(results,
                           [self = shared_from_this()](beast::error_code ec,
                                                       const tcp::endpoint&) {
                             self->on_connect(ec);
                           });
  }

  void on_connect(beast::error_code ec) {
    if (st.stopped) return fail_connect(upstream_errc::stopped, "stopped");
    if (ec == beast::error::timeout)
      return fail_connect(upstream_errc::timeout,
                          "connect to " + url.host_port + " timed out");
    if (ec)
      return fail_connect(upstream_errc::connect,
                          "connect " + url.host_port + ": " + ec.message());
    lowest().socket().set_option(tcp::no_delay{true}, ec);
    if (!secure) return exchange(std::move(call));
    if (!is_ip_address(url.host))
      SSL_set_tlsext_host_name(secure->native_handle(), url.host.c_str());
    if (st.opts.verify_peer)
      secure->set_verify_callback(ssl::host_name_verification(url.host));
    secure->async_handshake(ssl::stream_base::client,
                            [self = shared_from_this()](beast::error_code ec) {
                              self->on_handshake(ec);
                            });
  }

  void on_handshake(beast::error_code ec) {
    if (st.stopped) return fail_connect(upstream_errc::stopped, "stopped");
    if (ec == beast::error::timeout)
      return fail_connect(upstream_errc::timeout,
                          "TLS handshake with " + url.host_port + " timed out");
    if (ec)
      return fail_connect(upstream_errc::tls, "TLS handshake with " +
                                                  url.host_port + ": " +
                                                  ec.message());
    exchange(std::move(call));
  }

  /// The connection could not be set up; nothing of the request was sent.
  void fail_connect(upstream_errc code, std::string message) {
    auto c = std::move(call);
    close();
    st.drop(shared_from_this());
    st.fail(c, code, std::move(message), false);
  }

  // -- a reused connection --

  void take(std::shared_ptr<call_state> c) {
    // Ends the idle watch (its handlers see that `gen` moved on).
    timer.cancel();
    beast::error_code ec;
    lowest().socket().cancel(ec);
    if (st.stopped) {
      close();
      st.drop(shared_from_this());
      return st.fail(c, upstream_errc::stopped, "stopped", false);
    }
    if (!idle_socket_usable(lowest().socket())) {
      // The server closed it while idle: nothing was written, so any
      // method may go on another connection.
      close();
      return st.redispatch_after_dead_idle(shared_from_this(), std::move(c));
    }
    ++st.reused;
    exchange(std::move(c));
  }

  // -- one request/response exchange --

  void exchange(std::shared_ptr<call_state> c) {
    call = std::move(c);
    reused_for_call = used;
    used = true;
    if (st.stopped) {
      auto cc = std::move(call);
      close();
      st.drop(shared_from_this());
      return st.fail(cc, upstream_errc::stopped, "stopped", false);
    }
    auto left = call->deadline - clock_type::now();
    if (left <= clock_type::duration::zero()) {
      // Timed out while waiting for this connection; keep the connection.
      auto cc = std::move(call);
      asio::post(strand,
                 [self = shared_from_this()] { self->st.release(self); });
      return st.fail(cc, upstream_errc::timeout,
                     "no connection to " + url.host_port + " within " +
                         std::to_string(cc->timeout.count()) + " ms",
                     false);
    }
    buffer.clear();
    lowest().expires_after(left);
    call->write_started = true;
    with_stream([&](auto& stream) {
      http::async_write(
          stream, call->msg,
          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->on_write(ec, n);
          });
    });
  }

  void on_write(beast::error_code ec, std::size_t n) {
    if (ec) return on_failure(ec, true, n);
    parser.emplace();
    parser->body_limit(st.opts.body_limit);
    parser->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(st.opts.header_limit, UINT32_MAX)));
    if (call->method == "HEAD") parser->skip(true);
    with_stream([&](auto& stream) {
      http::async_read(
          stream, buffer, *parser,
          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->on_read(ec, n);
          });
    });
  }

  void on_read(beast::error_code ec, std::size_t n) {
    call->bytes_received += n;
    if (ec) return on_failure(ec, false, 0);
    lowest().expires_never();
    auto msg = parser->release();
    parser.reset();
    upstream_response res;
    res.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) {
      std::string name{f.name_string()};
      for (auto& ch : name)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      auto [it, inserted] = res.headers.try_emplace(name, f.value());
      if (!inserted) {
        it->second += ", ";
        it->second += f.value();
      }
    }
    res.body = std::move(msg.body());
    // Bytes after the response were never asked for: do not reuse.
    bool keep = msg.keep_alive() && buffer.size() == 0;
    auto c = std::move(call);
    auto self = shared_from_this();
    if (keep) {
      st.release(self);
    } else {
      close();
      st.drop(self);
    }
    st.succeed(c, std::move(res));
  }

  /// A write (`writing`) or read failed after the request went out.
  void on_failure(beast::error_code ec, bool writing, std::size_t written) {
    auto c = std::move(call);
    auto self = shared_from_this();
    bool no_response_byte =
        writing || (parser && !parser->got_some() && buffer.size() == 0);
    // Plain TCP reports how much of a failed write went out; TLS does not.
    bool nothing_written = writing && plain && written == 0;
    bool maybe_delivered = !nothing_written;
    parser.reset();
    close();
    if (st.stopped) {
      st.drop(self);
      return st.fail(c, upstream_errc::stopped, "stopped", maybe_delivered);
    }
    bool stale = reused_for_call && no_response_byte && is_stale_connection(ec);
    if (stale && !c->retried && clock_type::now() < c->deadline &&
        (c->idempotent || nothing_written)) {
      c->retried = true;
      return st.retry_on_fresh(self, std::move(c));
    }
    st.drop(self);
    upstream_errc code = upstream_errc::io;
    std::string message;
    if (ec == beast::error::timeout) {
      code = upstream_errc::timeout;
      message = writing
                    ? "writing the request to " + url.host_port + " timed out"
                    : "no response from " + url.host_port + " within " +
                          std::to_string(c->timeout.count()) + " ms";
    } else if (ec == http::error::body_limit) {
      code = upstream_errc::too_large;
      message = "response body exceeds " + std::to_string(st.opts.body_limit) +
                " bytes";
    } else if (ec == http::error::header_limit) {
      code = upstream_errc::too_large;
      message = "response header exceeds " +
                std::to_string(st.opts.header_limit) + " bytes";
    } else if (stale) {
      message =
          url.host_port + " closed the kept-alive connection before answering";
    } else {
      message = (writing ? "write to " : "read from ") + url.host_port + ": " +
                ec.message();
    }
    st.fail(c, code, std::move(message), maybe_delivered);
  }

  /// Watches the idle connection: the server closing it, or idle_timeout.
  void arm_idle(std::uint64_t g) {
    timer.expires_after(st.opts.idle_timeout);
    timer.async_wait([self = shared_from_this(), g](beast::error_code ec) {
      if (!ec) self->st.on_idle_end(self, g);
    });
    lowest().socket().async_wait(
        tcp::socket::wait_read,
        [self = shared_from_this(), g](beast::error_code ec) {
          if (ec != asio::error::operation_aborted)
            self->st.on_idle_end(self, g);
        });
  }
};

// -- upstream_state --

upstream_state::upstream_state(upstream_options o) : opts(std::move(o)) {
  if (opts.io_threads < 1)
    throw std::runtime_error("upstream client: io_threads must be >= 1");
  if (opts.max_connections_per_host < 1)
    throw std::runtime_error(
        "upstream client: max_connections_per_host must be >= 1");
  if (opts.connect_timeout.count() <= 0 || opts.default_timeout.count() <= 0 ||
      opts.idle_timeout.count() <= 0)
    throw std::runtime_error("upstream client: timeouts must be > 0");
  ssl_ctx.set_options(ssl::context::default_workarounds |
                      ssl::context::no_sslv2 | ssl::context::no_sslv3);
  SSL_CTX_set_min_proto_version(ssl_ctx.native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  if (opts.verify_peer) {
    ssl_ctx.set_verify_mode(ssl::verify_peer);
    if (opts.use_system_roots) ssl_ctx.set_default_verify_paths(ec);
    if (!opts.ca_file.empty()) {
      ssl_ctx.load_verify_file(opts.ca_file, ec);
      if (ec)
        throw std::runtime_error("upstream client: cannot load CA file '" +
                                 opts.ca_file + "': " + ec.message());
    }
    if (!opts.ca_pem.empty()) {
      ssl_ctx.add_certificate_authority(
          asio::buffer(opts.ca_pem.data(), opts.ca_pem.size()), ec);
      if (ec)
        throw std::runtime_error("upstream client: cannot load CA PEM: " +
                                 ec.message());
    }
  } else {
    ssl_ctx.set_verify_mode(ssl::verify_none);
  }
  work.emplace(ioc.get_executor());
  for (int i = 0; i < opts.io_threads; ++i) {
    threads.emplace_back([this] {
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (const std::exception& e) {
          log().error("upstream client io thread catches: {}", e.what());
        }
      }
    });
  }
}

upstream_state::~upstream_state() {
  // Sockets and timers must go before the io_context.
  std::lock_guard lock{mutex};
  pools.clear();
  conns.clear();
  active.clear();
}

std::shared_ptr<connection>
upstream_state::new_connection_locked(host_pool& pool, const parsed_url& u) {
  auto conn = std::make_shared<connection>(*this, pool, u);
  conns.insert(conn);
  ++opened;
  return conn;
}

void upstream_state::dispatch(std::shared_ptr<call_state> c) {
  std::shared_ptr<connection> idle_conn;
  std::shared_ptr<connection> fresh;
  {
    std::lock_guard lock{mutex};
    if (!stopped) {
      auto& pool = pools[c->url->key];
      if (!pool.idle.empty()) {
        idle_conn = std::move(pool.idle.back());
        pool.idle.pop_back();
        idle_conn->idle = false;
        ++idle_conn->gen;
      } else if (pool.open < opts.max_connections_per_host) {
        ++pool.open;
        fresh = new_connection_locked(pool, *c->url);
      } else {
        c->queued = true;
        pool.waiting.push_back(c);
        c->queue_timer.emplace(ioc, c->deadline);
        c->queue_timer->async_wait([this, c](beast::error_code ec) {
          if (!ec) on_queue_timeout(c);
        });
        return;
      }
    }
  }
  if (idle_conn)
    asio::post(idle_conn->strand,
               [conn = idle_conn, c]() mutable { conn->take(std::move(c)); });
  else if (fresh)
    asio::post(fresh->strand,
               [conn = fresh, c]() mutable { conn->start(std::move(c)); });
  else
    asio::post(
        ioc, [this, c] { fail(c, upstream_errc::stopped, "stopped", false); });
}

void upstream_state::on_queue_timeout(const std::shared_ptr<call_state>& c) {
  {
    std::lock_guard lock{mutex};
    if (!c->queued) return;
    c->queued = false;
    auto& waiting = pools[c->url->key].waiting;
    waiting.erase(std::find(waiting.begin(), waiting.end(), c));
  }
  fail(c, upstream_errc::timeout,
       "no connection to " + c->url->host_port + " free within " +
           std::to_string(c->timeout.count()) + " ms",
       false);
}

void upstream_state::release(const std::shared_ptr<connection>& conn) {
  std::shared_ptr<call_state> next;
  std::uint64_t g = 0;
  bool close = false;
  {
    std::lock_guard lock{mutex};
    auto& pool = conn->pool;
    if (stopped) {
      close = true;
      conns.erase(conn);
      --pool.open;
    } else if (!pool.waiting.empty()) {
      next = std::move(pool.waiting.front());
      pool.waiting.pop_front();
      next->queued = false;
      next->queue_timer->cancel();
    } else {
      pool.idle.push_back(conn);
      conn->idle = true;
      g = ++conn->gen;
    }
  }
  if (close) return conn->close();
  if (next) {
    ++reused;
    return conn->exchange(std::move(next));
  }
  // Still on the connection's strand: a take() posted by another thread
  // runs after this, so it sees the watch armed and cancels it.
  conn->arm_idle(g);
}

void upstream_state::drop(const std::shared_ptr<connection>& conn) {
  std::shared_ptr<call_state> next;
  std::shared_ptr<connection> fresh;
  {
    std::lock_guard lock{mutex};
    if (conns.erase(conn) == 0) return;
    auto& pool = conn->pool;
    --pool.open;
    if (!stopped && !pool.waiting.empty()) {
      next = std::move(pool.waiting.front());
      pool.waiting.pop_front();
      next->queued = false;
      next->queue_timer->cancel();
      ++pool.open;
      fresh = new_connection_locked(pool, *next->url);
    }
  }
  if (fresh)
    asio::post(fresh->strand, [conn = fresh, next]() mutable {
      conn->start(std::move(next));
    });
}

void upstream_state::redispatch_after_dead_idle(
    const std::shared_ptr<connection>& conn, std::shared_ptr<call_state> c) {
  {
    std::lock_guard lock{mutex};
    if (conns.erase(conn) != 0) --conn->pool.open;
  }
  dispatch(std::move(c));
}

void upstream_state::retry_on_fresh(const std::shared_ptr<connection>& conn,
                                    std::shared_ptr<call_state> c) {
  std::shared_ptr<connection> fresh;
  {
    std::lock_guard lock{mutex};
    conns.erase(conn);
    if (stopped) {
      --conn->pool.open;
    } else {
      // The new connection takes over the dead one's slot.
      fresh = new_connection_locked(conn->pool, *c->url);
      ++retries;
    }
  }
  if (!fresh) return fail(c, upstream_errc::stopped, "stopped", true);
  asio::post(fresh->strand,
             [fresh, c]() mutable { fresh->start(std::move(c)); });
}

void upstream_state::on_idle_end(const std::shared_ptr<connection>& conn,
                                 std::uint64_t g) {
  {
    std::lock_guard lock{mutex};
    if (!conn->idle || conn->gen != g) return;
    conn->idle = false;
    auto& idle = conn->pool.idle;
    idle.erase(std::find(idle.begin(), idle.end(), conn));
    --conn->pool.open;
    conns.erase(conn);
  }
  conn->close();
}

void upstream_state::succeed(const std::shared_ptr<call_state>& c,
                             upstream_response r) {
  r.duration = duration_cast<microseconds>(clock_type::now() - c->start);
  complete(c, std::move(r));
}

void upstream_state::fail(const std::shared_ptr<call_state>& c,
                          upstream_errc code, std::string message,
                          bool maybe_delivered) {
  upstream_error e;
  e.code = code;
  e.message = std::move(message);
  e.maybe_delivered = maybe_delivered;
  e.duration = duration_cast<microseconds>(clock_type::now() - c->start);
  complete(c, std::move(e));
}

void upstream_state::complete(const std::shared_ptr<call_state>& c,
                              upstream_result r) {
  if (c->finished.exchange(true)) return;
  {
    std::lock_guard lock{mutex};
    active.erase(c);
  }
  if (!r.ok()) ++failures;
  if (opts.log_requests) log_call(*c, r);
  auto done = std::move(c->done);
  c->done = nullptr;
  if (!done) return;
  try {
    done(std::move(r));
  } catch (const std::exception& e) {
    log().error("upstream client completion throws: {}", e.what());
  } catch (...) {
    log().error("upstream client completion throws");
  }
}

void upstream_state::log_call(const call_state& c, const upstream_result& r) {
  std::string host = c.url ? c.url->host_port : std::string("-");
  std::string path = c.url ? redact_target(c.url->target) : std::string("-");
  auto ms = ms_of(clock_type::now() - c.start);
  if (r.ok())
    log().info("upstream call method={} host={} path={} label=\"{}\" "
               "status={} ms={} bytes={}",
               c.method, host, path, c.label, r->status, ms, c.bytes_received);
  else
    log().info("upstream call method={} host={} path={} label=\"{}\" "
               "error={} maybe_delivered={} ms={} bytes={} reason=\"{}\"",
               c.method, host, path, c.label, to_string(r.error().code),
               r.error().maybe_delivered, ms, c.bytes_received,
               r.error().message);
}

void upstream_state::stop() {
  std::vector<std::shared_ptr<call_state>> queued;
  std::vector<std::shared_ptr<connection>> open;
  {
    std::lock_guard lock{mutex};
    if (!stopped.exchange(true)) {
      for (auto& [key, pool] : pools) {
        for (auto& c : pool.waiting) {
          c->queued = false;
          c->queue_timer->cancel();
          queued.push_back(std::move(c));
        }
        pool.waiting.clear();
        for (auto& conn : pool.idle)
          conn->idle = false;
        pool.idle.clear();
      }
      open.assign(conns.begin(), conns.end());
    }
  }
  for (auto& c : queued)
    asio::post(
        ioc, [this, c] { fail(c, upstream_errc::stopped, "stopped", false); });
  for (auto& conn : open)
    asio::post(conn->strand, [conn] { conn->abort(); });
  if (on_io_thread()) return; // the destructor joins
  {
    std::lock_guard lock{join_mutex};
    if (joined) return;
    work.reset(); // run() returns once every aborted operation completed
    for (auto& t : threads)
      t.join();
    joined = true;
  }
  // Calls whose completion was never run (a send() racing with stop()).
  std::vector<std::shared_ptr<call_state>> left;
  {
    std::lock_guard lock{mutex};
    left.assign(active.begin(), active.end());
    conns.clear();
    pools.clear();
  }
  for (auto& c : left)
    fail(c, upstream_errc::stopped, "stopped", c->write_started.load());
}

} // namespace detail

// -- upstream_client --

upstream_client::upstream_client(upstream_options opts)
    : state_(std::make_shared<detail::upstream_state>(std::move(opts))) {}

upstream_client::~upstream_client() {
  state_->stop();
}

void upstream_client::stop() {
  state_->stop();
}

void upstream_client::send(upstream_request req, completion done) {
  auto& st = *state_;
  auto c = std::make_shared<detail::call_state>();
  c->start = clock_type::now();
  c->timeout = req.timeout.value_or(st.opts.default_timeout);
  c->deadline = c->start + c->timeout;
  c->method = std::move(req.method);
  for (auto& ch : c->method)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  c->label = std::move(req.label);
  c->idempotent = detail::is_idempotent(c->method);
  c->done = std::move(done);
  c->url = detail::parse_url(req.url);
  if (c->url) {
    auto& m = c->msg;
    m.method_string(c->method);
    m.target(c->url->target);
    m.version(11);
    bool has_ua = false;
    for (auto& [k, v] : req.headers) {
      if (beast::iequals(k, "host") || beast::iequals(k, "content-length"))
        continue;
      if (beast::iequals(k, "user-agent")) has_ua = true;
      m.insert(k, v);
    }
    m.set(http::field::host, c->url->host_port);
    if (!has_ua && !st.opts.user_agent.empty())
      m.set(http::field::user_agent, st.opts.user_agent);
    m.keep_alive(true);
    m.body() = std::move(req.body);
    m.prepare_payload();
  }
  ++st.calls;
  bool accepted = false;
  {
    std::lock_guard lock{st.mutex};
    accepted = !st.stopped;
    if (accepted) st.active.insert(c);
  }
  if (!accepted) {
    // The io threads are (being) stopped: answer here.
    st.fail(c, upstream_errc::stopped, "stopped", false);
    return;
  }
  if (!c->url) {
    // The URL itself is not echoed: it may carry credentials.
    asio::post(st.ioc, [s = &st, c] {
      s->fail(c, upstream_errc::bad_url,
              "not an absolute http:// or https:// URL", false);
    });
    return;
  }
  st.dispatch(std::move(c));
}

upstream_stats upstream_client::stats() const {
  auto& st = *state_;
  upstream_stats s;
  s.calls = st.calls;
  s.failures = st.failures;
  s.connections_opened = st.opened;
  s.connections_reused = st.reused;
  s.retries = st.retries;
  std::lock_guard lock{st.mutex};
  s.in_flight = st.active.size();
  s.connections_open = st.conns.size();
  for (const auto& [key, pool] : st.pools) {
    s.queued += pool.waiting.size();
    s.connections_idle += pool.idle.size();
  }
  return s;
}

} // namespace adbatch::net
