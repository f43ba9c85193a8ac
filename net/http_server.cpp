#include "net/http_server.hpp"

#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
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

#include "common/logger.hpp"

namespace adbatch::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace detail {

struct runtime_state {
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::vector<std::thread> threads;
  std::mutex mutex;
  bool stopped = false;

  explicit runtime_state(int n) : ioc(n), work(ioc.get_executor()) {}
};

/// What every session of one server shares; outlives the http_server object
/// while connections are open.
struct server_shared {
  server_options opts;
  request_handler handler;
  std::optional<ssl::context> ssl_ctx;
};

class session_base : public std::enable_shared_from_this<session_base> {
public:
  virtual ~session_base() = default;
  /// Both run on the session's strand.
  virtual void deliver(response r) = 0;
  virtual void abort() = 0;
  virtual asio::any_io_executor executor() = 0;
};

/// The one answer a request gets. Holding the session keeps the connection
/// open; releasing it without an answer closes the connection.
struct reply_slot {
  std::mutex mutex;
  std::shared_ptr<session_base> session;

  std::shared_ptr<session_base> take() {
    std::lock_guard lock{mutex};
    return std::exchange(session, nullptr);
  }
  std::shared_ptr<session_base> peek() {
    std::lock_guard lock{mutex};
    return session;
  }
};

namespace {

template <bool Tls>
class session final : public session_base {
public:
  using stream_type = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>,
                                         beast::tcp_stream>;

  session(beast::tcp_stream&& s, beast::flat_buffer&& buf,
          std::shared_ptr<server_shared> cfg) requires Tls
    : stream_(std::move(s), *cfg->ssl_ctx), buffer_(std::move(buf)),
      cfg_(std::move(cfg)) {
    init_peer();
  }

  session(beast::tcp_stream&& s, beast::flat_buffer&& buf,
          std::shared_ptr<server_shared> cfg) requires(!Tls)
    : stream_(std::move(s)), buffer_(std::move(buf)), cfg_(std::move(cfg)) {
    init_peer();
  }

  void start() {
    if constexpr (Tls) {
      lowest().expires_after(cfg_->opts.idle_timeout);
      stream_.async_handshake(
        ssl::stream_base::server, buffer_.data(),
        // The default argument works around Boost 1.81's constraint on this
        // overload, which checks for a void(error_code) handler.
        [self = self_ptr()](beast::error_code ec, std::size_t used = 0) {
          if (ec) return;  // not a TLS client after all, or a bad one
          self->buffer_.consume(used);
          self->do_read();
        });
    } else {
      do_read();
    }
  }

  void deliver(response r) override {
    res_ = {};
    res_.version(version_);
    res_.result(static_cast<unsigned>(r.status));
    if (!cfg_->opts.server_name.empty())
      res_.set(http::field::server, cfg_->opts.server_name);
    if (!r.content_type.empty())
      res_.set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res_.insert(k, v);
    res_.keep_alive(keep_alive_ && !r.close);
    if (head_) {
      // HEAD: the length of the body a GET would get, and no body.
      res_.content_length(r.body.size());
    } else {
      res_.body() = std::move(r.body);
      res_.prepare_payload();
    }
    lowest().expires_after(cfg_->opts.idle_timeout);
    http::async_write(stream_, res_,
      [self = self_ptr()](beast::error_code ec, std::size_t) {
        if (ec) return;
        if (!self->res_.keep_alive()) self->do_close();
        else self->do_read();
      });
  }

  void abort() override {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close();
  }

  asio::any_io_executor executor() override { return stream_.get_executor(); }

private:
  std::shared_ptr<session> self_ptr() {
    return std::static_pointer_cast<session>(shared_from_this());
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void init_peer() {
    beast::error_code ec;
    auto ep = lowest().socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void do_read() {
    parser_.emplace();
    parser_->body_limit(cfg_->opts.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(cfg_->opts.header_limit));
    lowest().expires_after(cfg_->opts.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
      [self = self_ptr()](beast::error_code ec, std::size_t) {
        self->on_read(ec);
      });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      head_ = false;
      auto r = json_error(413, "request body too large");
      r.close = true;
      return deliver(std::move(r));
    }
    if (ec) return;  // timeout, reset, garbage: drop the connection
    lowest().expires_never();  // the handler decides how long this takes
    auto msg = parser_->release();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    head_ = msg.method() == http::verb::head;

    request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& f : msg) {
      auto [it, inserted] = req.headers.try_emplace(std::string(f.name_string()),
                                                    f.value());
      if (!inserted) {
        it->second += ", ";
        it->second += f.value();
      }
    }
    req.body = std::move(msg.body());
    req.peer = peer_;
    req.tls = Tls;

    auto slot = std::make_shared<reply_slot>();
    slot->session = shared_from_this();
    try {
      cfg_->handler(std::move(req), responder{slot});
    } catch (const std::exception& e) {
      log().error("http server handler throws: {}", e.what());
      responder{slot}.send(json_error(500, "internal error"));
    }
  }

  void do_close() {
    if constexpr (Tls) {
      lowest().expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = self_ptr()](beast::error_code) {
        self->lowest().close();
      });
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  stream_type stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<server_shared> cfg_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  bool keep_alive_ = true;
  bool head_ = false;
  unsigned version_ = 11;
  std::string peer_;
};

/// Looks at a new connection's first bytes and hands it to a plain or a TLS
/// session.
class detector : public std::enable_shared_from_this<detector> {
public:
  detector(tcp::socket&& socket, std::shared_ptr<server_shared> cfg)
    : stream_(std::move(socket)), cfg_(std::move(cfg)) {}

  void run() {
    // Runs on the connection's strand (the socket was accepted onto one).
    stream_.expires_after(cfg_->opts.idle_timeout);
    beast::async_detect_ssl(stream_, buffer_,
      [self = shared_from_this()](beast::error_code ec, bool is_tls) {
        if (ec) return;
        if (is_tls) {
          if (!self->cfg_->ssl_ctx) return;  // TLS not configured: close
          std::make_shared<session<true>>(std::move(self->stream_),
                                          std::move(self->buffer_), self->cfg_)
            ->start();
        } else {
          std::make_shared<session<false>>(std::move(self->stream_),
                                           std::move(self->buffer_), self->cfg_)
            ->start();
        }
      });
  }

private:
  beast::tcp_stream stream_;
  std::shared_ptr<server_shared> cfg_;
  beast::flat_buffer buffer_;
};

} // namespace

struct listener : std::enable_shared_from_this<listener> {
  asio::io_context& ioc;
  tcp::acceptor acceptor;
  std::shared_ptr<server_shared> cfg;

  listener(asio::io_context& io, std::shared_ptr<server_shared> c)
    : ioc(io), acceptor(asio::make_strand(io)), cfg(std::move(c)) {}

  std::uint16_t open(const std::string& address, std::uint16_t port) {
    beast::error_code ec;
    auto addr = asio::ip::make_address(address, ec);
    if (ec) throw std::runtime_error("bad listen address '" + address + "'");
    tcp::endpoint ep{addr, port};
    auto where = address + ":" + std::to_string(port);
    acceptor.open(ep.protocol(), ec);
    if (ec) throw std::runtime_error("cannot open " + where + ": " + ec.message());
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor.bind(ep, ec);
    if (ec) throw std::runtime_error("cannot bind " + where + ": " + ec.message());
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    return acceptor.local_endpoint().port();
  }

  void do_accept() {
    acceptor.async_accept(asio::make_strand(ioc),
      [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !self->acceptor.is_open())
          return;
        if (!ec) {
          socket.set_option(tcp::no_delay{true}, ec);
          std::make_shared<detector>(std::move(socket), self->cfg)->run();
        }
        self->do_accept();
      });
  }

  void stop() {
    asio::post(acceptor.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor.close(ec);
    });
  }
};

} // namespace detail

// -- io_runtime --

io_runtime::io_runtime(int threads)
  : state_(std::make_unique<detail::runtime_state>(threads < 1 ? 1 : threads)) {
  int n = threads < 1 ? 1 : threads;
  for (int i = 0; i < n; ++i) {
    state_->threads.emplace_back([s = state_.get()] {
      for (;;) {
        try {
          s->ioc.run();
          return;
        } catch (const std::exception& e) {
          log().error("http io thread catches: {}", e.what());
        }
      }
    });
  }
}

io_runtime::~io_runtime() { stop(); }

void io_runtime::stop() {
  std::lock_guard lock{state_->mutex};
  if (state_->stopped) return;
  state_->stopped = true;
  state_->work.reset();
  state_->ioc.stop();
  for (auto& t : state_->threads)
    if (t.joinable()) t.join();
}

// -- responder --

responder::responder(std::shared_ptr<detail::reply_slot> slot)
  : slot_(std::move(slot)) {}

void responder::send(response r) const {
  auto s = slot_->take();
  if (!s) return;
  auto ex = s->executor();
  // dispatch: a handler that answers at once (on the session's strand)
  // writes without another trip through the queue.
  asio::dispatch(ex, [s = std::move(s), r = std::move(r)]() mutable {
    s->deliver(std::move(r));
  });
}

void responder::drop() const {
  auto s = slot_->take();
  if (!s) return;
  auto ex = s->executor();
  asio::post(ex, [s = std::move(s)] { s->abort(); });
}

void responder::send_after(std::chrono::milliseconds delay, response r) const {
  auto s = slot_->peek();
  if (!s) return;
  if (delay.count() <= 0) return send(std::move(r));
  auto timer = std::make_shared<asio::steady_timer>(s->executor(), delay);
  timer->async_wait([timer, slot = slot_, r = std::move(r)](beast::error_code) mutable {
    responder{slot}.send(std::move(r));
  });
}

void responder::drop_after(std::chrono::milliseconds delay) const {
  auto s = slot_->peek();
  if (!s) return;
  if (delay.count() <= 0) return drop();
  auto timer = std::make_shared<asio::steady_timer>(s->executor(), delay);
  timer->async_wait([timer, slot = slot_](beast::error_code) {
    responder{slot}.drop();
  });
}

// -- http_server --

http_server::http_server(io_runtime& rt, server_options opts,
                         request_handler handler)
  : address_(opts.address) {
  auto cfg = std::make_shared<detail::server_shared>();
  if (opts.tls) {
    cfg->ssl_ctx.emplace(ssl::context::tls_server);
    auto& ctx = *cfg->ssl_ctx;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                    | ssl::context::no_sslv3 | ssl::context::single_dh_use);
    ctx.use_certificate_chain(
      asio::buffer(opts.tls->cert_pem.data(), opts.tls->cert_pem.size()));
    ctx.use_private_key(
      asio::buffer(opts.tls->key_pem.data(), opts.tls->key_pem.size()),
      ssl::context::pem);
  }
  cfg->opts = std::move(opts);
  cfg->handler = std::move(handler);
  listener_ = std::make_shared<detail::listener>(rt.state().ioc, cfg);
  port_ = listener_->open(cfg->opts.address, cfg->opts.port);
  listener_->do_accept();
}

http_server::~http_server() { stop(); }

void http_server::stop() {
  if (listener_) listener_->stop();
}

bool http_server::tls_enabled() const {
  return listener_ && listener_->cfg->ssl_ctx.has_value();
}

std::string http_server::base_url() const {
  bool v6 = address_.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + address_ + "]" : address_) + ":"
         + std::to_string(port_);
}

std::string http_server::https_base_url() const {
  return "https" + base_url().substr(4);
}

} // namespace adbatch::net
