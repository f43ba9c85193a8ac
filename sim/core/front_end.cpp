#include "sim/core/front_end.hpp"

#include <mutex>
#include <random>
#include <stdexcept>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "common/logger.hpp"
#include "net/http_server.hpp"
#include "net/tls_identity.hpp"
#include "sim/core/fault_json.hpp"
#include "sim/webhooks/control.hpp"

namespace adbatch::sim {

namespace json = boost::json;

namespace {

/// FNV-1a: a stable per-platform seed offset (std::hash may differ between
/// standard libraries; the same seed must give the same faults everywhere).
std::uint64_t stable_hash(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

net::response to_net(http_response&& r) {
  net::response out;
  out.status = r.status;
  out.headers = std::move(r.headers);
  out.body = std::move(r.body);
  out.content_type = std::move(r.content_type);
  return out;
}

http_request to_sim(net::request&& r) {
  http_request out;
  out.method = std::move(r.method);
  out.target = std::move(r.target);
  out.headers = std::move(r.headers);
  out.body = std::move(r.body);
  out.peer = std::move(r.peer);
  return out;
}

net::response json_ok(const json::value& v) {
  net::response r;
  r.body = json::serialize(v);
  return r;
}

json::object counters_json(const endpoint_counters& c) {
  return json::object{{"calls", c.calls},
                      {"quota_units", c.quota_units},
                      {"items", c.items},
                      {"errors", c.errors},
                      {"throttles", c.throttles}};
}

/// One hosted platform. `mutex` serializes everything below it.
struct hosted {
  std::string name;
  std::string base_url;
  std::string https_url;
  mutable std::mutex mutex;
  std::unique_ptr<platform> impl;
  fault_profile faults;
  std::mt19937_64 rng;
  platform_counters counters;
  std::unique_ptr<net::http_server> server;
};

} // namespace

struct front_end::impl {
  front_end_options opts;
  std::string cert_pem;
  std::unique_ptr<net::io_runtime> runtime;
  std::vector<std::unique_ptr<hosted>> platforms;
  std::unique_ptr<net::http_server> control;
  std::string control_base, control_https;
  std::mutex routes_mutex;
  std::vector<std::pair<std::string, control_handler>> routes;
  std::mutex stop_mutex;
  bool stopped = false;

  hosted* find(std::string_view name) const {
    for (const auto& h : platforms)
      if (h->name == name) return h.get();
    return nullptr;
  }

  hosted& get(std::string_view name) const {
    if (auto* h = find(name)) return *h;
    throw std::out_of_range("adbatch-sim hosts no platform '" + std::string(name) + "'");
  }

  std::string url_host() const {
    const auto& a = opts.bind_address;
    if (a == "0.0.0.0" || a.empty()) return "127.0.0.1";
    if (a == "::") return "[::1]";
    if (a.find(':') != std::string::npos) return "[" + a + "]";
    return a;
  }

  net::server_options server_opts(std::uint16_t port) const {
    net::server_options o;
    o.address = opts.bind_address;
    o.port = opts.ephemeral_ports ? 0 : port;
    o.body_limit = opts.body_limit;
    o.server_name = "adbatch-sim";
    if (opts.tls) o.tls = tls_id;
    return o;
  }

  std::optional<net::tls_identity> tls_id;

  // -- platform traffic --

  void on_platform(hosted& h, net::request req, net::responder r) {
    if (starts_with(req.path(), "/__sim/")) return r.send(on_control(req, false));
    std::unique_lock lock{h.mutex};
    ++h.counters.received;
    if (!h.impl) {
      lock.unlock();
      return r.send(net::json_error(503, "platform is starting"));
    }
    const fault_profile& f = h.faults;
    // Draw only when a fault is on, so fault-free runs consume no
    // randomness and stay identical to each other.
    std::uniform_real_distribution<double> unit{0.0, 1.0};
    if (f.drop_rate > 0 && unit(h.rng) < f.drop_rate) {
      ++h.counters.dropped;
      lock.unlock();
      return r.drop();
    }
    if (f.timeout_rate > 0 && unit(h.rng) < f.timeout_rate) {
      ++h.counters.timed_out;
      lock.unlock();
      return r.drop_after(opts.timeout_hold);
    }
    http_response res;
    try {
      res = h.impl->handle(to_sim(std::move(req)), clock::now());
    } catch (const std::exception& e) {
      log().error("adbatch-sim {} throws: {}", h.name, e.what());
      res.status = 500;
      res.body = R"({"error":{"code":500,"message":"simulator error"}})";
      res.acct.endpoint = "other";
      res.acct.error = true;
    }
    h.counters.record(res.acct);
    std::chrono::milliseconds latency{0};
    if (f.latency_max.count() > 0) {
      std::uniform_int_distribution<long long> d{f.latency_min.count(),
                                                 f.latency_max.count()};
      latency = std::chrono::milliseconds(d(h.rng));
    }
    lock.unlock();
    if (latency.count() > 0) r.send_after(latency, to_net(std::move(res)));
    else r.send(to_net(std::move(res)));
  }

  // -- control API --

  json::object stats() const {
    json::object plats;
    for (const auto& h : platforms) {
      std::lock_guard lock{h->mutex};
      const auto& c = h->counters;
      json::object eps;
      for (const auto& [name, ec] : c.endpoints) eps[name] = counters_json(ec);
      json::object p = counters_json(c.total);
      p["received"] = c.received;
      p["dropped"] = c.dropped;
      p["timed_out"] = c.timed_out;
      p["port"] = h->server ? h->server->port() : 0;
      p["endpoints"] = std::move(eps);
      plats[h->name] = std::move(p);
    }
    return json::object{{"platforms", std::move(plats)}};
  }

  json::object platform_list() const {
    json::array arr;
    for (const auto& h : platforms)
      arr.push_back(json::object{{"name", h->name},
                                 {"port", h->server->port()},
                                 {"base_url", h->base_url},
                                 {"https_base_url", h->https_url}});
    return json::object{{"platforms", std::move(arr)},
                        {"control_url", control_base},
                        {"tls", opts.tls}};
  }

  void reset(std::string_view name) {
    for (auto& h : platforms) {
      if (!name.empty() && h->name != name) continue;
      std::lock_guard lock{h->mutex};
      h->counters.reset();
      if (h->impl) h->impl->reset_limits();
    }
  }

  void set_faults(hosted& h, const fault_profile& f) {
    std::lock_guard lock{h.mutex};
    h.faults = f;
    if (h.impl) h.impl->set_faults(f);
  }

  net::response on_control(const net::request& req, bool control_port) {
    auto path = req.path();
    const auto& m = req.method;
    if (path == "/__sim/stats") {
      if (m != "GET") return net::json_error(405, "use GET");
      return json_ok(stats());
    }
    if (path == "/__sim/platforms" || (control_port && path == "/")) {
      return json_ok(platform_list());
    }
    if (path == "/__sim/reset") {
      if (m != "POST") return net::json_error(405, "use POST");
      std::string only;
      auto u = boost::urls::parse_origin_form(req.target);
      if (u) {
        auto it = u->params().find("platform");
        if (it != u->params().end()) only = (*it).value;
      }
      if (!only.empty() && !find(only))
        return net::json_error(404, "unknown platform '" + only + "'");
      reset(only);
      return json_ok(json::object{{"reset", only.empty() ? "all" : only}});
    }
    if (starts_with(path, "/__sim/faults/")) {
      auto name = path.substr(std::string_view("/__sim/faults/").size());
      auto* h = find(name);
      if (!h) return net::json_error(404, "unknown platform '" + std::string(name) + "'");
      if (m == "GET") {
        std::lock_guard lock{h->mutex};
        auto r = net::response{};
        r.body = fault_profile_to_json(h->faults);
        return r;
      }
      if (m != "POST" && m != "PUT") return net::json_error(405, "use GET or POST");
      fault_profile current;
      {
        std::lock_guard lock{h->mutex};
        current = h->faults;
      }
      std::string error;
      auto f = apply_fault_json(req.body, current, error);
      if (!f) return net::json_error(400, error);
      set_faults(*h, *f);
      log().info("adbatch-sim sets faults of {}: {}", h->name, fault_profile_to_json(*f));
      net::response r;
      r.body = fault_profile_to_json(*f);
      return r;
    }
    if (control_port) {
      std::lock_guard lock{routes_mutex};
      for (auto& [prefix, handler] : routes) {
        if (!starts_with(path, prefix)) continue;
        http_request sreq;
        sreq.method = req.method;
        sreq.target = req.target;
        sreq.headers = req.headers;
        sreq.body = req.body;
        sreq.peer = req.peer;
        try {
          return to_net(handler(sreq, clock::now()));
        } catch (const std::exception& e) {
          log().error("adbatch-sim control route {} throws: {}", prefix, e.what());
          return net::json_error(500, "control route error");
        }
      }
    }
    return net::json_error(404, "no such simulator route: " + std::string(path));
  }

  void stop() {
    std::lock_guard lock{stop_mutex};
    if (stopped) return;
    stopped = true;
    if (runtime) runtime->stop();  // joins: no handler runs after this
    control.reset();
    for (auto& h : platforms) h->server.reset();
    runtime.reset();
  }
};

front_end::front_end(front_end_options opts) : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  s.opts = std::move(opts);
  const auto& o = s.opts;

  std::vector<const platform_entry*> chosen;
  if (o.platforms.empty()) {
    for (const auto& e : builtin_platforms()) chosen.push_back(&e);
  } else {
    for (const auto& name : o.platforms) {
      auto* e = find_platform(name);
      if (!e) throw std::runtime_error("unknown platform '" + name + "'");
      chosen.push_back(e);
    }
  }
  for (const auto& [name, port] : o.ports)
    if (!find_platform(name)) throw std::runtime_error("ports: unknown platform '" + name + "'");
  for (const auto& [name, f] : o.faults) {
    if (!find_platform(name)) throw std::runtime_error("faults: unknown platform '" + name + "'");
    if (auto err = validate(f); !err.empty())
      throw std::runtime_error("faults of " + name + ": " + err);
  }

  if (o.tls) {
    s.tls_id = net::make_self_signed({"localhost"}, {"127.0.0.1", "::1"});
    s.cert_pem = s.tls_id->cert_pem;
    if (!o.tls_cert_path.empty()) net::write_pem_file(o.tls_cert_path, s.cert_pem);
  }
  s.runtime = std::make_unique<net::io_runtime>(o.io_threads);

  try {
    for (const auto* e : chosen) {
      auto h = std::make_unique<hosted>();
      h->name = e->name;
      auto it = o.ports.find(e->name);
      std::uint16_t port = it != o.ports.end() ? it->second : e->default_port;
      hosted* hp = h.get();
      impl* self = &s;
      h->server = std::make_unique<net::http_server>(
        *s.runtime, s.server_opts(port),
        [self, hp](net::request req, net::responder r) {
          self->on_platform(*hp, std::move(req), std::move(r));
        });
      h->base_url = "http://" + s.url_host() + ":" + std::to_string(h->server->port());
      h->https_url = "https" + h->base_url.substr(4);
      platform_options po = o.base;
      auto fit = o.faults.find(e->name);
      po.faults = fit != o.faults.end() ? fit->second : fault_profile{};
      po.public_base_url = h->base_url;
      {
        std::lock_guard lock{h->mutex};
        h->faults = po.faults;
        h->rng.seed(po.seed ^ stable_hash(e->name));
        h->impl = e->make(po, o.specific);
      }
      s.platforms.push_back(std::move(h));
    }
    impl* self = &s;
    s.control = std::make_unique<net::http_server>(
      *s.runtime, s.server_opts(o.control_port),
      [self](net::request req, net::responder r) {
        r.send(self->on_control(req, true));
      });
    if (o.webhooks) {
      webhooks::control_options wo;
      wo.seed = o.base.seed;
      wo.time_scale = o.base.time_scale;
      auto wc = std::make_shared<webhooks::webhook_control>(wo);
      s.routes.emplace_back("/__sim/webhooks/",
                            [wc](const http_request& req, time_point now) {
                              return wc->handle(req, now);
                            });
    }
    s.control_base = "http://" + s.url_host() + ":" + std::to_string(s.control->port());
    s.control_https = "https" + s.control_base.substr(4);
  } catch (...) {
    s.stop();
    throw;
  }
}

front_end::~front_end() { stop(); }

void front_end::stop() { impl_->stop(); }

std::vector<std::string> front_end::platform_names() const {
  std::vector<std::string> out;
  for (const auto& h : impl_->platforms) out.push_back(h->name);
  return out;
}

bool front_end::hosts(std::string_view platform) const {
  return impl_->find(platform) != nullptr;
}

std::uint16_t front_end::port(std::string_view platform) const {
  if (platform == "control") {
    if (!impl_->control) throw std::out_of_range("adbatch-sim is stopped");
    return impl_->control->port();
  }
  auto& h = impl_->get(platform);
  if (!h.server) throw std::out_of_range("adbatch-sim is stopped");
  return h.server->port();
}

std::string front_end::base_url(std::string_view platform) const {
  if (platform == "control") return impl_->control_base;
  return impl_->get(platform).base_url;
}

std::string front_end::https_base_url(std::string_view platform) const {
  if (platform == "control") return impl_->control_https;
  return impl_->get(platform).https_url;
}

const std::string& front_end::cert_pem() const { return impl_->cert_pem; }

std::string front_end::stats_json() const {
  return json::serialize(impl_->stats());
}

platform_counters front_end::counters(std::string_view platform) const {
  auto& h = impl_->get(platform);
  std::lock_guard lock{h.mutex};
  return h.counters;
}

void front_end::reset(std::string_view platform) {
  if (!platform.empty()) impl_->get(platform);  // throws if unknown
  impl_->reset(platform);
}

void front_end::set_faults(std::string_view platform, const fault_profile& f) {
  if (auto err = validate(f); !err.empty()) throw std::invalid_argument(err);
  impl_->set_faults(impl_->get(platform), f);
}

fault_profile front_end::faults(std::string_view platform) const {
  auto& h = impl_->get(platform);
  std::lock_guard lock{h.mutex};
  return h.faults;
}

void front_end::add_control_route(std::string prefix, control_handler handler) {
  std::lock_guard lock{impl_->routes_mutex};
  impl_->routes.emplace_back(std::move(prefix), std::move(handler));
}

} // namespace adbatch::sim
