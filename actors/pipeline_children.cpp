#include "actors/pipeline_children.hpp"

#include "actors/error.hpp"
#include "common/logger.hpp"
#include "net/upstream_client.hpp"
#include "platforms/registry.hpp"

#include <caf/actor_cast.hpp>

namespace adbatch {

namespace {

namespace pl = platforms;
using namespace std::chrono_literals;

std::string child_name(const char* prefix, pl::platform_id p) {
  return std::string{prefix} + "/" + std::string{pl::name_of(p)};
}

template <class Handle>
caf::expected<Handle> sibling(const child_context& ctx,
                              const std::string& name) {
  auto it = ctx.running.find(name);
  if (it == ctx.running.end() || !it->second)
    return make_error(ec::not_found, name + " is not running");
  return caf::actor_cast<Handle>(it->second);
}

} // namespace

batcher_config make_batcher_config(const config::config& cfg,
                                   pl::platform_id p) {
  const auto& pc = *cfg.platforms.find(pl::name_of(p));
  batcher_config out;
  out.platform = p;
  out.base_url = pc.base_url;
  while (!out.base_url.empty() && out.base_url.back() == '/')
    out.base_url.pop_back();
  out.max_requests_per_flush = pc.max_requests_per_flush;
  out.flush_interval = pc.flush_interval;
  out.urgent_priority = cfg.queue.urgent_priority;
  out.lease = cfg.queue.lease;
  out.owner = cfg.node.name;
  out.settings.max_batch_size = pc.max_batch_size;
  out.settings.api_version = pc.api_version;
  out.settings.base_url = out.base_url;
  for (const auto& [name, url] : pc.endpoints) {
    auto u = url;
    while (!u.empty() && u.back() == '/')
      u.pop_back();
    out.settings.endpoints[name] = u;
  }
  for (const auto& [name, secret] : pc.credentials)
    out.settings.platform_credentials[name] = secret.value();
  out.max_in_flight = static_cast<std::size_t>(cfg.upstream.max_in_flight);
  out.max_rate_wait = cfg.upstream.max_rate_wait;
  out.call_timeout = cfg.upstream.timeout;
  return out;
}

rate_limiter_config make_rate_limiter_config(const config::config& cfg,
                                             pl::platform_id p) {
  const auto& pc = *cfg.platforms.find(pl::name_of(p));
  rate_limiter_config out;
  out.platform = std::string{pl::name_of(p)};
  out.capacity = pc.rate_limit.requests;
  out.period = pc.rate_limit.per;
  return out;
}

upstream_sender make_upstream_sender(std::shared_ptr<net::upstream_client> c) {
  return [c](outbound_call call, std::function<void(upstream_answer)> done) {
    net::upstream_request req;
    req.method = std::move(call.method);
    req.url = std::move(call.url);
    req.headers = std::move(call.headers);
    req.body = std::move(call.body);
    req.timeout = call.timeout;
    req.label = std::move(call.label);
    c->send(std::move(req), [done = std::move(done)](net::upstream_result r) {
      upstream_answer a;
      if (r) {
        a.status = r->status;
        a.headers = std::move(r.value().headers);
        a.body = std::move(r.value().body);
        a.duration_us = r->duration.count();
      } else {
        a.transport_error = std::string{net::to_string(r.error().code)};
        a.maybe_delivered = r.error().maybe_delivered;
        a.duration_us = r.error().duration.count();
      }
      done(std::move(a));
    });
  };
}

std::vector<child_spec> make_pipeline_children(const config::config& cfg) {
  std::vector<child_spec> out;
  std::vector<pl::platform_id> served;
  for (const auto& row : pl::platform_table) {
    const auto* pc = cfg.platforms.find(row.name);
    if (!pc || !pc->enabled) continue;
    if (!pl::adapter_for(row.id)) {
      log().info("batcher {} is not available yet: its requests wait in the "
                 "queue",
                 row.name);
      continue;
    }
    served.push_back(row.id);
  }
  if (served.empty()) return out;
  net::upstream_options uo;
  uo.io_threads = cfg.upstream.io_threads;
  uo.max_connections_per_host =
      static_cast<std::size_t>(cfg.upstream.max_connections_per_host);
  uo.connect_timeout = cfg.upstream.connect_timeout;
  uo.default_timeout = cfg.upstream.timeout;
  uo.verify_peer = cfg.upstream.verify_tls;
  uo.ca_file = cfg.upstream.ca_file;
  uo.log_requests = cfg.logging.log_requests;
  auto client = std::make_shared<net::upstream_client>(uo);
  auto sender = make_upstream_sender(client);
  for (auto p : served) {
    child_spec limiter;
    limiter.name = child_name("ratelimit", p);
    limiter.core = false;
    limiter.ready_timeout = 5s;
    limiter.stop_timeout = 5s;
    limiter.start = [rcfg = make_rate_limiter_config(cfg, p)](
                        const child_context& ctx) -> caf::expected<caf::actor> {
      if (auto err = validate(rcfg)) return err;
      return caf::actor_cast<caf::actor>(
          ctx.sys.spawn(make_rate_limiter, rcfg));
    };
    out.push_back(std::move(limiter));

    child_spec batcher;
    batcher.name = child_name("batcher", p);
    batcher.core = false;
    batcher.ready_timeout = 5s;
    // A running round finishes its storage writes; what is still leased
    // returns to the queue when the lease expires.
    batcher.stop_timeout = 10s;
    batcher.start = [bcfg = make_batcher_config(cfg, p), p, sender](
                        const child_context& ctx) -> caf::expected<caf::actor> {
      if (auto err = validate(bcfg)) return err;
      auto storage = sibling<storage_actor>(ctx, "storage");
      if (!storage) return storage.error();
      auto limiter =
          sibling<rate_limiter_actor>(ctx, child_name("ratelimit", p));
      if (!limiter) return limiter.error();
      return caf::actor_cast<caf::actor>(ctx.sys.spawn(
          make_batcher, bcfg, pl::adapter_for(p), *storage, *limiter, sender));
    };
    out.push_back(std::move(batcher));
  }
  return out;
}

} // namespace adbatch
