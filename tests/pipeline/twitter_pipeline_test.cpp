// The flush pipeline end to end for X: storage on a real PostgreSQL, the
// batcher, the upstream client over loopback HTTP and adbatch-sim's X
// simulator (v2 lookups and the X Ads API). Checks in pipeline_check.

#include "platforms/registry.hpp"
#include "tests/pipeline/pipeline_check.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <set>

using namespace adbatch;
using namespace std::chrono_literals;
namespace pl = adbatch::platforms;
using namespace adbatch::test;

namespace {

bench::workload_options x_workload(std::uint64_t seed, int orgs, int per_org) {
  bench::workload_options wo;
  wo.seed = seed;
  wo.orgs = orgs;
  wo.requests_per_org = per_org;
  wo.duplicate_share = 0.25;
  wo.platforms = {pl::platform_id::twitter};
  return wo;
}

} // namespace

TEST_CASE(
    "pipeline x: every catalog type from 24 orgs gets its own result, in the "
    "minimum calls and units",
    "[pipeline][pg][twitter]") {
  auto w = bench::make_workload(x_workload(7, 24, 30));
  std::set<std::string> types;
  for (const auto& r : w.requests)
    types.insert(r.request_type);
  // Every type the simulator serves (get_async_stats needs the waiting
  // outcome; get_reach_frequency is rejected at enqueue).
  CHECK(types.size() == 13);
  check_options co;
  co.fold[pl::platform_id::twitter] = 2;
  run_and_check(w, co);
}

TEST_CASE("pipeline x: requests for accounts the org's token does not reach "
          "fail alone "
          "with X's error; the others complete",
          "[pipeline][pg][twitter]") {
  auto wo = x_workload(8, 20, 12);
  wo.foreign_share = 0.15;
  check_options co;
  co.exact_costs = false;
  run_and_check(bench::make_workload(wo), co);
}

TEST_CASE(
    "pipeline x faults: per-id authorization problems retry only the requests "
    "naming them",
    "[pipeline][pg][faults][twitter]") {
  fault_fixture fx{pl::platform_id::twitter, false};
  sim::fault_profile partial;
  partial.partial_batch_rate = 0.2;
  fx.faults(partial);
  auto first = fx.flush();
  CHECK(first.success > 0);
  CHECK(first.retrying > 0);
  auto after_first = fx.rows();
  fx.faults({});
  fx.drain();
  for (auto& [id, st] : fx.rows()) {
    INFO("request " << id << " " << st.type);
    CHECK(st.status == "completed");
    const auto& before = after_first.at(id);
    if (before.status == "completed") {
      CHECK(st.attempts == 1);
      CHECK(st.completed_at == before.completed_at);
    }
  }
}

TEST_CASE("pipeline x faults: a 5xx retries with backoff and then completes",
          "[pipeline][pg][faults][twitter]") {
  check_transient_retries_then_completes(pl::platform_id::twitter, false);
}

TEST_CASE("pipeline x faults: throttled requests come back without spending an "
          "attempt",
          "[pipeline][pg][faults][twitter]") {
  check_throttles_spend_no_attempt(pl::platform_id::twitter, false);
}

// -- get_async_stats across flushes
// ---------------------------------------------

#include "platforms/twitter/twitter_catalog.hpp"
#include "sim/twitter/twitter_ads.hpp"

#include <boost/json.hpp>

namespace {

namespace json = boost::json;
namespace ps = adbatch::persistence;

/// The request's naive chain (create, poll, fetch) on a pure simulator,
/// 10 simulated seconds apart: its final outcome.
pl::request_outcome naive_chain(const pl::platform_adapter& a,
                                sim::platform& pure, pl::queued_request q,
                                const pl::plan_context& ctx, int& tick) {
  for (int step = 0; step < 6; ++step) {
    auto call = a.naive_call(q, ctx);
    sim::http_request req;
    req.method = call.method;
    req.target = call.target;
    for (auto& [k, v] : call.headers)
      req.headers[k] = v;
    auto resp =
        pure.handle(req, sim::time_point{} + std::chrono::seconds{tick});
    tick += 10;
    pl::upstream_reply reply;
    reply.status = resp.status;
    for (auto& [k, v] : resp.headers) {
      std::string lower;
      for (char c : k)
        lower += static_cast<char>(std::tolower(c));
      reply.headers[lower] = v;
    }
    reply.body = resp.body;
    auto s = a.split(call, reply, ctx);
    REQUIRE(s.outcomes.size() == 1);
    if (s.outcomes[0].kind != pl::outcome_kind::waiting) return s.outcomes[0];
    q.progress = json::parse(s.outcomes[0].result_json).as_object();
  }
  FAIL("the chain did not end");
  return {};
}

} // namespace

TEST_CASE(
    "pipeline x: get_async_stats jobs are created, polled and fetched across "
    "flushes; every request gets its naive chain's result in the minimum calls",
    "[pipeline][pg][twitter][async]") {
  namespace ads = sim::twitter::ads;
  auto w = bench::make_workload(x_workload(12, 20, 1));
  w.requests.clear();
  w.duplicate.clear();
  std::mt19937_64 g(5);
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(g);
  };
  auto today = real_today();
  for (const auto& c : w.connections) {
    auto account =
        std::string(json::parse(c.account_ids).at("account_id").as_string());
    auto a = *ads::account_index(account);
    auto camps = ads::list(42, ads::kind::campaign, a);
    for (int i = 0; i < 3; ++i) {
      json::array ids;
      std::set<std::string> seen;
      for (int j = pick(1, 3); j > 0; --j) {
        auto id = ads::id_of(camps[static_cast<std::size_t>(
            pick(0, static_cast<int>(camps.size()) - 1))]);
        if (seen.insert(id).second) ids.emplace_back(id);
      }
      json::object p{{"entity_ids", ids}};
      if (i > 0) {
        p["start_time"] =
            pl::twitter::iso_midnight(today - pick(20, 60)).substr(0, 10);
        p["end_time"] =
            pl::twitter::iso_midnight(today - pick(1, 10)).substr(0, 10);
      }
      if (i == 2) p["granularity"] = "TOTAL";
      w.requests.push_back(ps::enqueue_request{
          c.org_id, "twitter", c.connection_id, "get_async_stats",
          json::serialize(p), pick(1, 10), 3});
      w.duplicate.push_back(false);
    }
  }
  ps::test::test_db db;
  sim::harness_options ho;
  ho.seed = 42;
  ho.tls = false;
  ho.specific = sim_specific();
  sim::test_harness sim{std::vector<std::string>{"twitter"}, ho};
  bench::pipeline_setup setup;
  setup.conninfo = db.conninfo();
  setup.base_urls[pl::platform_id::twitter] = sim.base_url("twitter");
  setup.drain_limit = 30s;
  bench::pipeline_result res;
  {
    system_fixture f;
    res = bench::run_pipeline(*f.sys, setup, w);
  }
  INFO(res.error);
  REQUIRE(res.error.empty());
  auto ctx = bench::plan_context_of(w, developer_token);
  auto rows = bench::served_rows(w, res, pl::platform_id::twitter);
  REQUIRE(rows.size() == w.requests.size());
  auto adapter = pl::adapter_for(pl::platform_id::twitter);
  auto pure = pure_sim(pl::platform_id::twitter, sim.base_url("twitter"));
  auto backend = db.backend();
  int tick = 0;
  for (const auto& q : rows) {
    INFO("request " << q.id << " " << json::serialize(q.params));
    auto want = naive_chain(*adapter, *pure, q, ctx, tick);
    REQUIRE(want.kind == pl::outcome_kind::completed);
    auto got = backend->get_request(q.org_id, q.id);
    REQUIRE(got.ok());
    INFO(got.value().error.value_or(""));
    REQUIRE(got.value().status == ps::request_status::completed);
    CHECK(json_diff(json::parse(*got.value().result),
                    json::parse(want.result_json)) == "");
    CHECK(got.value().attempts == 1);
  }
  auto min = pl::minimum_cost(pl::platform_id::twitter, rows, ctx);
  auto counters = sim.server().counters("twitter");
  CHECK(counters.total.calls == min.calls);
  CHECK(counters.total.quota_units == min.quota_units);
  // Three requests of an org share one job: create, poll and fetch per org.
  CHECK(counters.total.calls < static_cast<std::int64_t>(rows.size()) * 3);
}

TEST_CASE(
    "pipeline x faults: permanent errors (an account the token does not reach) "
    "fail at once, on their first attempt",
    "[pipeline][pg][faults][twitter]") {
  auto wo = x_workload(13, 10, 12);
  wo.foreign_share = 0.3;
  auto w = bench::make_workload(wo);
  ps::test::test_db db;
  sim::harness_options ho;
  ho.seed = 42;
  ho.tls = false;
  ho.specific = sim_specific();
  sim::test_harness sim{std::vector<std::string>{"twitter"}, ho};
  bench::pipeline_setup setup;
  setup.conninfo = db.conninfo();
  setup.base_urls[pl::platform_id::twitter] = sim.base_url("twitter");
  setup.drain_limit = 10s;
  bench::pipeline_result res;
  {
    system_fixture f;
    res = bench::run_pipeline(*f.sys, setup, w);
  }
  REQUIRE(res.error.empty());
  auto ctx = bench::plan_context_of(w, developer_token);
  auto adapter = pl::adapter_for(pl::platform_id::twitter);
  auto pure = pure_sim(pl::platform_id::twitter, sim.base_url("twitter"));
  auto backend = db.backend();
  int permanent = 0;
  for (const auto& q : bench::served_rows(w, res, pl::platform_id::twitter)) {
    auto want = expected_outcome(*adapter, *pure, q, ctx);
    if (want.kind != pl::outcome_kind::permanent) continue;
    ++permanent;
    auto got = backend->get_request(q.org_id, q.id);
    REQUIRE(got.ok());
    INFO(q.request_type << " " << json::serialize(q.params));
    CHECK(got.value().status == ps::request_status::failed);
    CHECK(got.value().attempts == 1);
    CHECK(got.value().error_code.value_or("") ==
          "x_ads_UNAUTHORIZED_CLIENT_APPLICATION");
  }
  CHECK(permanent > 10);
}
