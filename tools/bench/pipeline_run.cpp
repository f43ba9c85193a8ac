#include "tools/bench/pipeline_run.hpp"

#include "actors/batcher.hpp"
#include "actors/error.hpp"
#include "actors/pipeline_children.hpp"
#include "actors/rate_limiter.hpp"
#include "actors/storage.hpp"
#include "net/upstream_client.hpp"
#include "persistence/pg_backend.hpp"
#include "platforms/registry.hpp"

#include <boost/json/parse.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <cstdlib>
#include <future>
#include <limits>
#include <random>
#include <set>
#include <thread>

namespace adbatch::bench {

namespace {

namespace ps = persistence;
namespace pl = platforms;
using namespace std::chrono_literals;

/// Enqueues every request at once from one actor; answers per request.
std::vector<std::variant<ps::enqueue_result, std::string>>
enqueue_all(caf::actor_system& sys, const storage_actor& storage,
            const std::vector<ps::enqueue_request>& reqs) {
  using answer = std::variant<ps::enqueue_result, std::string>;
  auto out = std::make_shared<std::vector<answer>>(reqs.size());
  std::promise<void> done;
  auto fut = done.get_future();
  auto left = std::make_shared<std::size_t>(reqs.size());
  if (reqs.empty()) return {};
  sys.spawn([&, out, left](caf::event_based_actor* self) {
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      self->request(storage, caf::infinite, atom::enqueue::value, reqs[i])
          .then(
              [&, out, left, i, self](ps::enqueue_result& r) {
                (*out)[i] = r;
                if (--*left == 0) {
                  done.set_value();
                  self->quit();
                }
              },
              [&, out, left, i, self](caf::error& err) {
                (*out)[i] = render(err);
                if (--*left == 0) {
                  done.set_value();
                  self->quit();
                }
              });
    }
  });
  fut.wait();
  return std::move(*out);
}

std::string random_key() {
  std::random_device rd;
  std::string key(32, '\0');
  for (auto& c : key)
    c = static_cast<char>(rd() & 0xff);
  return key;
}

} // namespace

pipeline_runner::pipeline_runner(caf::actor_system& sys, pipeline_setup setup)
    : sys_(sys), setup_(std::move(setup)) {}

pipeline_runner::~pipeline_runner() {
  stop();
}

std::string pipeline_runner::start() {
  ps::backend_options bopts;
  bopts.validate_request_type = [](ps::ad_platform p, std::string_view type,
                                   std::string_view params) {
    return pl::validate_request(p, type, params);
  };
  bopts.backoff.base = setup_.retry_base;
  bopts.backoff.cap = setup_.retry_cap;
  auto conninfo = setup_.conninfo;
  backend_factory factory =
      [conninfo, bopts]() -> ps::result<std::unique_ptr<ps::backend>> {
    auto b = ps::pg_backend::connect(conninfo, bopts);
    if (!b) return b.error();
    return std::unique_ptr<ps::backend>{std::move(*b)};
  };
  storage_config scfg;
  scfg.token_keys["bench"] = random_key();
  scfg.active_token_key = "bench";
  storage_ = spawn_storage(sys_, scfg, factory, setup_.pool_size);
  spawned_.push_back(caf::actor_cast<caf::actor>(storage_));
  caf::scoped_actor self{sys_};
  std::string failure;
  self->request(storage_, 120s, atom::ping::value)
      .receive([](caf::ok_atom) {},
               [&](caf::error& err) { failure = render(err); });
  return failure.empty() ? failure : "storage does not start: " + failure;
}

std::string pipeline_runner::add_connections(const workload& w) {
  caf::scoped_actor self{sys_};
  std::mt19937_64 rng{7};
  std::uniform_real_distribution<double> unit{0, 1};
  static int env_index = 0;
  std::string failure;
  for (const auto& c : w.connections) {
    ps::platform_connection pc;
    pc.connection_id = c.connection_id;
    pc.org_id = c.org_id;
    pc.platform = c.platform;
    pc.account_ids = c.account_ids;
    bool sealed = unit(rng) < setup_.sealed_token_share;
    if (!sealed) {
      // Single-tenant form: the token named by an env: reference.
      auto var = "ADBATCH_BENCH_TOKEN_" + std::to_string(env_index++);
      ::setenv(var.c_str(), c.token.c_str(), 1);
      pc.token_ref = "env:" + var;
    }
    self->request(storage_, 60s, atom::conn_add::value, pc)
        .receive([](caf::ok_atom) {},
                 [&](caf::error& err) { failure = render(err); });
    if (sealed && failure.empty())
      self->request(storage_, 60s, atom::token_set::value, c.org_id,
                    c.connection_id, platform_token{c.token})
          .receive([](caf::ok_atom) {},
                   [&](caf::error& err) { failure = render(err); });
    if (!failure.empty())
      return "cannot register connection " + c.connection_id + ": " + failure;
  }
  return {};
}

void pipeline_runner::enqueue(const workload& w, pipeline_result& out) {
  auto answers = enqueue_all(sys_, storage_, w.requests);
  out.ids.resize(w.requests.size(), 0);
  out.enqueue_errors.resize(w.requests.size());
  std::map<pl::platform_id, std::set<ps::request_id>> rows;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    auto p = *pl::parse_platform_name(w.requests[i].platform);
    ++out.platforms[p].requests;
    if (auto* r = std::get_if<ps::enqueue_result>(&answers[i])) {
      out.ids[i] = r->id;
      rows[p].insert(r->id);
    } else {
      out.enqueue_errors[i] = std::get<std::string>(answers[i]);
    }
  }
  for (auto& [p, ids] : rows)
    out.platforms[p].rows = static_cast<std::int64_t>(ids.size());
}

void pipeline_runner::spawn_batchers() {
  net::upstream_options uo;
  uo.verify_peer = setup_.verify_tls;
  uo.ca_file = setup_.ca_file;
  uo.max_connections_per_host = 8;
  uo.default_timeout = setup_.call_timeout;
  client_ = std::make_shared<net::upstream_client>(uo);
  auto sender = make_upstream_sender(client_);
  for (auto& [p, base] : setup_.base_urls) {
    auto adapter = pl::adapter_for(p);
    if (!adapter) continue;
    rate_limiter_config rcfg;
    rcfg.platform = std::string{pl::name_of(p)};
    rcfg.capacity = setup_.rate_budget;
    rcfg.period = 3600s;
    auto limiter = sys_.spawn(make_rate_limiter, rcfg);
    batcher_config bcfg;
    bcfg.platform = p;
    bcfg.base_url = base;
    bcfg.max_requests_per_flush = setup_.max_requests_per_flush;
    bcfg.flush_interval = caf::timespan{0};
    bcfg.urgent_priority = 0; // on demand only: no early flushes
    bcfg.owner = "bench";
    bcfg.settings.max_batch_size = pl::info(p).max_batch_size;
    if (auto it = setup_.platform_credentials.find(p);
        it != setup_.platform_credentials.end())
      bcfg.settings.platform_credentials = it->second;
    bcfg.max_in_flight = setup_.max_in_flight;
    bcfg.call_timeout = setup_.call_timeout;
    bcfg.log_rounds = false;
    auto b = sys_.spawn(make_batcher, bcfg, adapter, storage_, limiter, sender);
    spawned_.push_back(caf::actor_cast<caf::actor>(b));
    spawned_.push_back(caf::actor_cast<caf::actor>(limiter));
    batchers_[p] = b;
  }
}

std::variant<flush_summary, std::string>
pipeline_runner::flush(pl::platform_id p, std::int32_t limit) {
  auto it = batchers_.find(p);
  if (it == batchers_.end())
    return std::string{"no batcher for "} + std::string{pl::name_of(p)};
  caf::scoped_actor self{sys_};
  std::variant<flush_summary, std::string> out;
  self->request(it->second, caf::infinite, atom::flush::value, limit)
      .receive([&](flush_summary& x) { out = x; },
               [&](caf::error& err) { out = render(err); });
  return out;
}

std::string pipeline_runner::drain(pl::platform_id p, platform_run& run) {
  caf::scoped_actor self{sys_};
  auto pending = [&]() -> std::int64_t {
    std::int64_t n = 0;
    self->request(storage_, 60s, atom::stats::value, p)
        .receive([&](ps::queue_stats& s) { n = s.pending + s.processing; },
                 [&](caf::error&) { n = 0; });
    return n;
  };
  auto deadline = std::chrono::steady_clock::now() + setup_.drain_limit;
  for (int i = 0; i < setup_.max_flushes;) {
    auto r = flush(p);
    if (auto* err = std::get_if<std::string>(&r))
      return std::string{"flush of "} + std::string{pl::name_of(p)} +
             " failed: " + *err;
    auto& s = std::get<flush_summary>(r);
    ++run.flushes;
    run.summary.processed += s.processed;
    run.summary.success += s.success;
    run.summary.failed += s.failed;
    run.summary.retrying += s.retrying;
    run.summary.deferred += s.deferred;
    run.summary.ambiguous += s.ambiguous;
    run.summary.rounds += s.rounds;
    run.summary.calls += s.calls;
    run.summary.quota_units += s.quota_units;
    if (s.processed > 0) {
      ++i;
      continue;
    }
    // Nothing due now: done, unless deferred requests (throttled, backing
    // off) come back within the drain limit.
    if (pending() == 0 || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(100ms);
  }
  return {};
}

void pipeline_runner::stop() {
  if (stopped_) return;
  stopped_ = true;
  caf::scoped_actor self{sys_};
  // Batchers first, storage last (it was spawned first).
  for (auto it = spawned_.rbegin(); it != spawned_.rend(); ++it)
    self->send_exit(*it, caf::exit_reason::user_shutdown);
  for (auto& a : spawned_)
    self->wait_for(a);
  if (client_) client_->stop();
}

pl::plan_context plan_context_of(const workload& w,
                                 const std::string& developer_token) {
  pl::plan_context ctx;
  ctx.now = std::chrono::system_clock::now();
  for (const auto& c : w.connections) {
    pl::connection_credential cred;
    cred.connection_id = c.connection_id;
    cred.org_id = c.org_id;
    cred.token = c.token;
    cred.account_ids = boost::json::parse(c.account_ids).as_object();
    ctx.credentials[c.connection_id] = std::move(cred);
  }
  ctx.settings.platform_credentials["developer_token"] = developer_token;
  return ctx;
}

pl::queued_request as_queued(const ps::enqueue_request& r, ps::request_id id) {
  pl::queued_request q;
  q.id = id;
  q.org_id = r.org_id;
  q.connection_id = r.connection_id;
  q.request_type = r.request_type;
  q.params = boost::json::parse(r.params).as_object();
  q.priority = r.priority;
  return q;
}

std::vector<pl::queued_request>
served_rows(const workload& w, const pipeline_result& res, pl::platform_id p) {
  std::set<ps::request_id> seen;
  std::vector<pl::queued_request> out;
  for (std::size_t i = 0; i < w.requests.size(); ++i) {
    const auto& r = w.requests[i];
    if (r.platform != pl::name_of(p) || res.ids[i] == 0) continue;
    if (seen.insert(res.ids[i]).second) out.push_back(as_queued(r, res.ids[i]));
  }
  return out;
}

pipeline_result run_pipeline(caf::actor_system& sys,
                             const pipeline_setup& setup, const workload& w) {
  pipeline_result out;
  pipeline_runner runner{sys, setup};
  if (auto err = runner.start(); !err.empty()) {
    out.error = err;
    return out;
  }
  if (auto err = runner.add_connections(w); !err.empty()) {
    out.error = err;
    return out;
  }
  runner.enqueue(w, out);
  runner.spawn_batchers();
  for (auto& [p, _] : setup.base_urls) {
    if (!pl::adapter_for(p)) continue;
    if (auto err = runner.drain(p, out.platforms[p]); !err.empty()) {
      out.error = err;
      break;
    }
  }
  runner.stop();
  return out;
}

} // namespace adbatch::bench
