// The merged plan against adbatch-sim's pure Google platform: for random
// request sets, every request's outcome from the plan's calls equals the
// one from its own naive call, and the simulator charges exactly the
// plan's units (fresh platform instances for each run).

#include "platforms/google/google_plan.hpp"
#include "sim/google/google_platform.hpp"
#include "tests/platforms/google/google_random_requests.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace google_test;
namespace sim = adbatch::sim;

namespace {

sim::google_options sim_options() {
  sim::google_options g;
  g.customer_qps = 1'000'000; // the per-second limit is not under test
  return g;
}

std::unique_ptr<sim::platform> fresh_sim() {
  sim::platform_options o;
  o.seed = 42;
  return sim::make_google(o, sim_options());
}

struct run_result {
  upstream_reply reply;
  std::int64_t charged = 0;
};

run_result run(sim::platform& p, const upstream_call& c, int tick) {
  sim::http_request req;
  req.method = c.method;
  req.target = c.target;
  for (const auto& [k, v] : c.headers)
    req.headers.emplace(k, v);
  req.body = c.body;
  auto resp = p.handle(req, sim::time_point{} + std::chrono::seconds{tick});
  run_result r;
  r.reply.status = resp.status;
  for (const auto& [k, v] : resp.headers) {
    std::string lower;
    for (char ch : k)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.reply.headers[lower] = v;
  }
  r.reply.body = resp.body;
  r.charged = resp.acct.quota_units;
  return r;
}

std::string describe(const request_outcome& o) {
  return std::string(to_string(o.kind)) + " " + o.error_code + " " +
         o.error_message + " " + o.result_json.substr(0, 300);
}

} // namespace

TEST_CASE("google merged plans give every request its naive result",
          "[unit][google][sim]") {
  auto adapter = make_google_adapter();
  auto ctx = context();
  request_generator gen(7);
  int compared = 0, rows_seen = 0, merged_calls = 0;
  int aggregated = 0, cut = 0, local = 0;
  for (int round = 0; round < 100; ++round) {
    INFO("round " << round);
    auto rs = gen.set(round % 5 == 0 ? 40 : 16, false);
    auto p = adapter->make_plan(rs, ctx);
    // The plan against one fresh simulator.
    auto merged_sim = fresh_sim();
    std::map<std::int64_t, request_outcome> merged;
    std::int64_t charged = 0, spent = 0;
    int tick = 0;
    for (const auto& c : p.calls) {
      auto r = run(*merged_sim, c, tick++);
      charged += r.charged;
      auto s = adapter->split(c, r.reply, ctx);
      spent += s.units_spent;
      REQUIRE(s.outcomes.size() == c.serves.size());
      for (auto& o : s.outcomes)
        merged[o.request_id] = o;
      if (c.serves.size() > 1) ++merged_calls;
      if (auto* rc = dynamic_cast<
              const adbatch::platforms::google::read_call_context*>(
              c.context.get()))
        for (const auto& part : rc->parts) {
          aggregated += part.aggregate;
          cut += part.cut.has_value();
          local += !part.local.empty();
        }
    }
    CHECK(charged == cost_of(p).quota_units);
    CHECK(spent == charged);
    CHECK(cost_of(p) == google_minimum_cost(rs, ctx));
    // Each request alone against another fresh simulator.
    auto naive_sim = fresh_sim();
    for (const auto& r : rs) {
      if (!merged.count(r.id)) continue; // rejected at plan time
      auto c = adapter->naive_call(r, ctx);
      auto res = run(*naive_sim, c, tick++);
      auto s = adapter->split(c, res.reply, ctx);
      REQUIRE(s.outcomes.size() == 1);
      const auto& mine = merged.at(r.id);
      const auto& own = s.outcomes[0];
      INFO("request " << r.id << " " << r.request_type << " "
                      << json::serialize(r.params));
      INFO("naive query: " << c.body);
      INFO("merged: " << describe(mine));
      INFO("naive:  " << describe(own));
      CHECK(mine.kind == own.kind);
      CHECK(mine.error_code == own.error_code);
      CHECK(mine.error_message == own.error_message);
      CHECK(mine.result_json == own.result_json);
      if (own.kind == outcome_kind::completed &&
          r.request_type.rfind("get_", 0) == 0) {
        auto n =
            json::parse(mine.result_json).at(r.request_type).as_array().size();
        if (auto l = r.params.if_contains("limit"))
          CHECK(static_cast<std::int64_t>(n) <= l->as_int64());
        rows_seen += static_cast<int>(n);
      }
      ++compared;
    }
  }
  CHECK(compared > 500);
  CHECK(rows_seen > 5000);
  CHECK(merged_calls > 100);
  // The paths that cut a request out of a wider query all ran.
  CHECK(aggregated > 20);
  CHECK(cut > 50);
  CHECK(local > 50);
  WARN("compared " << compared << " requests, " << rows_seen << " rows, "
                   << merged_calls << " merged calls, " << aggregated
                   << " totals from days, " << cut << " date cuts, " << local
                   << " local filters");
}

TEST_CASE("google plans meet the simulator's access rules and quota",
          "[unit][google][sim]") {
  auto adapter = make_google_adapter();
  auto ctx = context();
  SECTION("a token that does not own the customer: 403, nothing charged") {
    ctx.credentials["x"] = connection("x", "org-1", 1);
    auto p =
        adapter->make_plan(std::vector{request(1, "x", "get_account")}, ctx);
    auto s = fresh_sim();
    auto r = run(*s, p.calls[0], 0);
    CHECK(r.charged == 0);
    auto out = adapter->split(p.calls[0], r.reply, ctx);
    CHECK(out.units_spent == 0);
    CHECK(out.outcomes[0].kind == outcome_kind::permanent);
    CHECK(out.outcomes[0].error_code == "google_USER_PERMISSION_DENIED");
  }
  SECTION("metrics on a manager: the query is charged and fails") {
    ctx.credentials["m"] = connection("m", "org-0", 1);
    ctx.credentials["m"].account_ids["customer_id"] = "9000000001";
    ctx.credentials["m"].account_ids.erase("login_customer_id");
    auto p = adapter->make_plan(
        std::vector{request(
            1, "m", "get_account",
            {{"fields", json::array{"customer.id", "metrics.clicks"}}})},
        ctx);
    auto s = fresh_sim();
    auto r = run(*s, p.calls[0], 0);
    auto out = adapter->split(p.calls[0], r.reply, ctx);
    CHECK(r.charged == 1);
    CHECK(out.units_spent == 1);
    CHECK(out.outcomes[0].error_code == "google_REQUESTED_METRICS_FOR_MANAGER");
  }
  SECTION("the daily budget: throttled until the window ends") {
    sim::platform_options o;
    o.limit_scale = 0.0001; // 15000 x 0.0001 = 2 operations a day
    auto s = sim::make_google(o, sim_options());
    auto p = adapter->make_plan(std::vector{request(1, "a", "get_account"),
                                            request(2, "a6", "get_account"),
                                            request(3, "b", "get_account")},
                                ctx);
    REQUIRE(p.calls.size() == 3);
    for (int i = 0; i < 2; ++i)
      CHECK(adapter->split(p.calls[i], run(*s, p.calls[i], i).reply, ctx)
                .outcomes[0]
                .kind == outcome_kind::completed);
    auto r = run(*s, p.calls[2], 3600);
    auto out = adapter->split(p.calls[2], r.reply, ctx);
    CHECK(out.units_spent == 0);
    CHECK(out.outcomes[0].kind == outcome_kind::throttled);
    CHECK(out.outcomes[0].error_code == "google_RESOURCE_EXHAUSTED");
    // 24 h from the first use at t = 0, seen at t = 1 h.
    CHECK(out.outcomes[0].retry_after == std::chrono::hours(23));
    REQUIRE(out.signals.size() == 1);
    CHECK(out.signals[0].scope == "developer_token");
  }
  SECTION("the per-customer rate: throttled with retryDelay") {
    sim::platform_options o;
    sim::google_options g;
    g.customer_qps = 1;
    auto s = sim::make_google(o, g);
    auto p =
        adapter->make_plan(std::vector{request(1, "a", "get_account")}, ctx);
    run(*s, p.calls[0], 0);
    auto r = run(*s, p.calls[0], 0);
    auto out = adapter->split(p.calls[0], r.reply, ctx);
    CHECK(out.outcomes[0].kind == outcome_kind::throttled);
    CHECK(out.outcomes[0].retry_after == std::chrono::seconds(1));
    CHECK(out.signals[0].scope == "customer:1000000001");
  }
}
