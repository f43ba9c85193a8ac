#include "tools/bench/reduce_bench.hpp"

#include "actors/system_config.hpp"
#include "actors/types.hpp"
#include "platforms/google/google_adapter.hpp"
#include "platforms/meta/meta_adapter.hpp"
#include "platforms/registry.hpp"
#include "sim/core/test_harness.hpp"
#include "tools/bench/bench_db.hpp"
#include "tools/bench/pipeline_run.hpp"

#include <boost/json.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <map>
#include <set>

namespace adbatch::bench {

namespace {

namespace pl = platforms;
namespace json = boost::json;

/// The developer token the bench's Google batcher sends (the simulator
/// accepts any).
constexpr const char* bench_developer_token = "bench-developer-token";

double reduction(std::int64_t made, std::int64_t naive) {
  if (naive <= 0) return 0;
  return 100.0 * (1.0 - static_cast<double>(made) / static_cast<double>(naive));
}

} // namespace

int run_reduce_bench(const reduce_options& opts) {
  std::vector<pl::platform_id> platforms;
  if (opts.platforms.empty()) {
    for (auto& row : pl::platform_table)
      if (pl::adapter_for(row.id)) platforms.push_back(row.id);
  } else {
    for (auto& name : opts.platforms) {
      auto p = pl::parse_platform_name(name);
      if (!p) {
        std::fprintf(stderr, "adbatch-bench reduce: unknown platform '%s'\n",
                     name.c_str());
        return 2;
      }
      if (!pl::adapter_for(*p)) {
        std::fprintf(stderr, "adbatch-bench reduce: %s has no batcher yet\n",
                     name.c_str());
        return 2;
      }
      platforms.push_back(*p);
    }
  }

  // The simulators, in process, on ephemeral loopback ports (plain HTTP:
  // the bench counts calls, TLS is the client's concern).
  std::vector<std::string> names;
  for (auto p : platforms)
    names.emplace_back(pl::name_of(p));
  sim::harness_options ho;
  ho.seed = 42;
  ho.tls = false;
  // The batcher resolves presets (LAST_7_DAYS) with the real clock when it
  // merges date ranges, so the simulated Google "today" is today. Its
  // per-customer QPS throttle is off: respecting that budget is the
  // adaptive rate limiter's job (issue #10), and a throttled call would be
  // counted here as a call the planner did not plan.
  auto today = std::chrono::duration_cast<std::chrono::days>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  ho.specific.google.world.today = today;
  ho.specific.google.customer_qps = 1000000;
  // Snapchat's per-second app and token budgets likewise.
  ho.specific.snapchat.app_rps = ho.specific.snapchat.token_rps = 1000000;
  // TikTok's per-second app and advertiser QPS windows likewise.
  ho.specific.tiktok.app_qps = 1000000;
  ho.specific.tiktok.app_qpm = 1000000;
  ho.specific.tiktok.advertiser_qps = 0;
  sim::test_harness sim{names, ho};

  auto db = bench_db::open(opts.database_url, opts.keep);
  if (!db) {
    std::fprintf(stderr, "adbatch-bench reduce: %s\n",
                 db.error().message.c_str());
    return 1;
  }

  workload_options wo;
  wo.seed = opts.seed;
  wo.orgs = opts.orgs;
  wo.requests_per_org = opts.requests_per_org;
  wo.duplicate_share = opts.duplicates;
  wo.platforms = platforms;
  wo.sim_seed = ho.seed;
  wo.google_today = today;
  auto w = make_workload(wo);

  pipeline_setup setup;
  setup.conninfo = (*db)->conninfo();
  for (auto p : platforms)
    setup.base_urls[p] = sim.base_url(pl::name_of(p));
  setup.verify_tls = false;
  setup.drain_limit = std::chrono::seconds{10};
  setup.platform_credentials[pl::platform_id::google]["developer_token"] =
      bench_developer_token;

  caf::actor_system_config cfg;
  register_types(cfg);
  configure_actor_system(cfg);
  pipeline_result res;
  {
    caf::actor_system sys{cfg};
    res = run_pipeline(sys, setup, w);
  }
  if (!res.error.empty()) {
    std::fprintf(stderr, "adbatch-bench reduce: %s\n", res.error.c_str());
    return 1;
  }

  // The minimum over the rows the pipeline served (duplicates folded at
  // enqueue, as the node does).
  auto ctx = plan_context_of(w, bench_developer_token);

  json::object report;
  json::object per_platform;
  std::string table = fmt::format(
      "{:<9} {:>8} {:>6} {:>11} {:>6} {:>9} {:>11} {:>9} {:>10} {:>10}\n",
      "platform", "requests", "rows", "naive_calls", "calls", "min_calls",
      "quota_units", "min_units", "calls_cut%", "units_cut%");
  for (auto p : platforms) {
    // Without adbatch, every request is its own call.
    std::int64_t naive_calls = 0, naive_units = 0;
    auto adapter = pl::adapter_for(p);
    for (std::size_t i = 0; i < w.requests.size(); ++i) {
      if (w.requests[i].platform != pl::name_of(p)) continue;
      ++naive_calls;
      naive_units +=
          adapter->naive_call(as_queued(w.requests[i], res.ids[i]), ctx)
              .quota_units;
    }
    auto rows = served_rows(w, res, p);
    auto min = pl::minimum_cost(p, rows, ctx);
    auto counters = sim.server().counters(pl::name_of(p));
    const auto& run = res.platforms[p];
    json::object o;
    o["requests"] = run.requests;
    o["rows"] = run.rows;
    o["naive_calls"] = naive_calls;
    o["naive_units"] = naive_units;
    o["calls"] = counters.total.calls;
    o["min_calls"] = min.calls;
    o["quota_units"] = counters.total.quota_units;
    o["min_units"] = min.quota_units;
    o["call_reduction_pct"] = reduction(counters.total.calls, naive_calls);
    o["unit_reduction_pct"] =
        reduction(counters.total.quota_units, naive_units);
    o["succeeded"] = run.summary.success;
    o["failed"] = run.summary.failed + run.summary.retrying;
    o["deferred"] = run.summary.deferred;
    o["flushes"] = run.flushes;
    o["pipeline_calls"] = run.summary.calls;
    o["pipeline_units"] = run.summary.quota_units;
    per_platform[std::string{pl::name_of(p)}] = o;
    table += fmt::format("{:<9} {:>8} {:>6} {:>11} {:>6} {:>9} {:>11} {:>9} "
                         "{:>10.1f} {:>10.1f}\n",
                         pl::name_of(p), run.requests, run.rows, naive_calls,
                         counters.total.calls, min.calls,
                         counters.total.quota_units, min.quota_units,
                         reduction(counters.total.calls, naive_calls),
                         reduction(counters.total.quota_units, naive_units));
  }
  report["platforms"] = per_platform;
  report["seed"] = opts.seed;
  report["orgs"] = opts.orgs;
  report["duplicates"] = opts.duplicates;
  report["database"] = (*db)->describe();
  if (opts.json) {
    std::printf("%s\n", json::serialize(report).c_str());
  } else {
    std::printf("adbatch-bench reduce: seed %llu, %d orgs, %d requests per "
                "org and platform, %.0f %% duplicates; %s\n",
                static_cast<unsigned long long>(opts.seed), opts.orgs,
                opts.requests_per_org, opts.duplicates * 100,
                (*db)->describe().c_str());
    std::printf("%s", table.c_str());
    std::printf("naive = one call per request; calls and quota_units as the "
                "simulator counted them; min = the minimum function\n");
  }
  return 0;
}

} // namespace adbatch::bench
