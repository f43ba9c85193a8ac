// The planner against the independent minimum function, and merged plans
// against adbatch-sim's pure LinkedIn platform: every request gets exactly
// what its own naive call gets, the simulator charges exactly the plan's
// units, and those equal the minimum.

#include "tests/platforms/linkedin/linkedin_test_support.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace linkedin_test;

namespace {

std::string describe(const request_outcome& o) {
  return std::string(to_string(o.kind)) + " " + o.error_code + " " +
         o.error_message + " " + o.result_json.substr(0, 400);
}

} // namespace

TEST_CASE("linkedin plan cost equals the minimum function on random sets",
          "[unit][linkedin][property]") {
  auto adapter = make_linkedin_adapter();
  request_generator gen(11);
  for (int round = 0; round < 400; ++round) {
    int cap = round % 4 == 0 ? 3 : round % 4 == 1 ? 7 : 50;
    auto ctx = context(cap);
    auto rs = gen.set(round % 7 == 0 ? 200 : 1 + round % 60, 0.1,
                      round % 3 == 0 ? 3 : 1);
    INFO("round " << round << " cap " << cap << " requests " << rs.size());
    auto p = adapter->make_plan(rs, ctx);
    CHECK(cost_of(p) == linkedin_minimum_cost(rs, ctx));
    // Every request served exactly once (or rejected), within the cap.
    std::multiset<std::int64_t> served;
    for (const auto& c : p.calls) {
      auto cx =
          std::dynamic_pointer_cast<const linkedin::li_call_context>(c.context);
      REQUIRE(cx);
      CHECK(cx->groups.size() <= static_cast<std::size_t>(cap));
      CHECK(cx->keys.size() <= 1000u);
      if (cx->kind == linkedin::op_kind::analytics && cx->groups.size() > 1)
        CHECK(cx->end - cx->start + 1 <= 366);
      served.insert(c.serves.begin(), c.serves.end());
      // Mixed tokens never share a call.
      std::set<std::string> tokens;
      for (const auto& id : c.serves)
        for (const auto& q : rs)
          if (q.id == id)
            tokens.insert(ctx.credentials.at(q.connection_id).token);
      CHECK(tokens.size() == 1);
    }
    for (const auto& o : p.rejected)
      served.insert(o.request_id);
    for (const auto& q : rs)
      CHECK(served.count(q.id) == 1);
  }
}

TEST_CASE("linkedin merged plans give every request its naive result",
          "[unit][linkedin][sim]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context();
  request_generator gen(5);
  int compared = 0, merged_calls = 0, failed = 0, tunnelled = 0, isolated = 0;
  std::set<std::string> kinds;
  for (int round = 0; round < 60; ++round) {
    INFO("round " << round);
    auto rs = gen.set(round % 5 == 0 ? 120 : 40, round % 2 ? 0.1 : 0.0);
    auto p = adapter->make_plan(rs, ctx);
    auto merged_sim = fresh_sim();
    std::map<std::int64_t, request_outcome> merged;
    std::int64_t charged = 0, spent = 0;
    for (const auto& c : p.calls) {
      auto r = run(*merged_sim, c);
      charged += r.charged;
      if (c.method == "POST") ++tunnelled;
      auto s = adapter->split(c, r.reply, ctx);
      spent += s.units_spent;
      REQUIRE(s.outcomes.size() == c.serves.size());
      for (auto& o : s.outcomes)
        merged[o.request_id] = o;
      if (c.serves.size() > 1) ++merged_calls;
      kinds.insert(r.endpoint);
    }
    // The simulator charges the calls it served, as the splitter counts.
    CHECK(charged == spent);
    if (round % 2 == 0) CHECK(charged == cost_of(p).quota_units);
    CHECK(cost_of(p) == linkedin_minimum_cost(rs, ctx));
    auto naive_sim = fresh_sim();
    for (const auto& q : rs) {
      if (!merged.count(q.id)) continue; // rejected at plan time
      auto c = adapter->naive_call(q, ctx);
      auto res = run(*naive_sim, c);
      auto s = adapter->split(c, res.reply, ctx);
      REQUIRE(s.outcomes.size() == 1);
      const auto& mine = merged.at(q.id);
      const auto& own = s.outcomes[0];
      INFO("request " << q.id << " " << q.request_type << " "
                      << json::serialize(q.params));
      INFO("naive call: " << c.target);
      INFO("merged: " << describe(mine));
      INFO("naive:  " << describe(own));
      if ((mine.kind == outcome_kind::transient ||
           mine.kind == outcome_kind::not_attempted) &&
          own.kind != outcome_kind::transient) {
        // A merged analytics call failed for another request's facets:
        // this one is planned again (not attempted) or retried alone
        // (attempts > 1) and gets its own outcome then.
        CHECK((mine.error_message.find("retried alone") != std::string::npos ||
               mine.error_message.find("planned again") != std::string::npos));
        auto retry = q;
        if (mine.kind == outcome_kind::transient) retry.attempts = 2;
        std::vector<queued_request> one{retry};
        auto p2 = adapter->make_plan(one, ctx);
        REQUIRE(p2.calls.size() == 1);
        auto r2 = run(*naive_sim, p2.calls[0]);
        auto s2 = adapter->split(p2.calls[0], r2.reply, ctx);
        CHECK(s2.outcomes[0].kind == own.kind);
        CHECK(s2.outcomes[0].error_code == own.error_code);
        if (own.kind == outcome_kind::completed)
          CHECK(json::parse(s2.outcomes[0].result_json) ==
                json::parse(own.result_json));
        ++isolated;
        ++compared;
        continue;
      }
      CHECK(mine.kind == own.kind);
      CHECK(mine.error_code == own.error_code);
      if (own.kind == outcome_kind::completed) {
        CHECK(json::parse(mine.result_json) == json::parse(own.result_json));
      } else {
        ++failed;
      }
      ++compared;
    }
  }
  CHECK(compared > 1500);
  CHECK(merged_calls > 300);
  CHECK(failed > 20);
  WARN("compared " << compared << " requests, " << merged_calls
                   << " merged calls, " << failed << " failures, " << tunnelled
                   << " tunnelled, " << isolated << " isolated retries");
  CHECK(isolated > 0);
  // Every resource came up.
  for (auto e :
       {"adAccounts:batch_get", "adCampaigns:finder", "adCampaigns:batch_get",
        "adCampaignGroups:finder", "creatives:finder", "adAnalytics:analytics",
        "dmpSegments:finder", "adTargetingFacets:get_all", "conversions:finder",
        "leadForms:finder", "leadFormResponses:finder"}) {
    INFO(e);
    CHECK(kinds.count(e) == 1);
  }
}

TEST_CASE("linkedin merged plans retry only the keys a partial BATCH_GET "
          "failed",
          "[unit][linkedin][sim]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context();
  std::vector<queued_request> rs;
  auto mine = accounts_of(0);
  for (int i = 0; i < 4; ++i)
    rs.push_back(
        req(i + 1, 0, "get_ad_accounts",
            {{"account_ids", json::array{json::value(std::to_string(
                                 mine[static_cast<std::size_t>(i)]))}}}));
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto sim = fresh_sim(0.5);
  auto r = run(*sim, p.calls[0]);
  auto s = adapter->split(p.calls[0], r.reply, ctx);
  int done = 0, retry = 0;
  for (auto& o : s.outcomes) {
    if (o.kind == outcome_kind::completed)
      ++done;
    else {
      CHECK(o.kind == outcome_kind::transient);
      CHECK(o.error_code == "linkedin_INTERNAL_SERVER_ERROR");
      ++retry;
    }
  }
  CHECK(done + retry == 4);
  CHECK(s.units_spent == 1);
}

TEST_CASE("linkedin calls never exceed max_batch_ids keys or facets, "
          "whatever max_batch_size allows; the minimum counts the same",
          "[unit][linkedin][property]") {
  linkedin::li_limits small;
  small.max_batch_ids = 4;
  auto adapter = make_linkedin_adapter(small);
  request_generator gen(23);
  for (int round = 0; round < 200; ++round) {
    auto ctx = context(100000);
    auto rs = gen.set(1 + round % 80, 0.1, round % 3 == 0 ? 3 : 1);
    INFO("round " << round << " requests " << rs.size());
    auto p = adapter->make_plan(rs, ctx);
    CHECK(cost_of(p) == linkedin_minimum_cost(rs, ctx, small));
    std::multiset<std::int64_t> served;
    for (const auto& c : p.calls) {
      auto cx =
          std::dynamic_pointer_cast<const linkedin::li_call_context>(c.context);
      REQUIRE(cx);
      std::set<std::string> facets;
      for (const auto& g : cx->groups)
        if (g.request->is_analytics())
          for (const auto& f :
               g.request->family() == linkedin::analytics_family::campaigns
                   ? g.request->campaign_ids
                   : g.request->accounts)
            facets.insert(f);
      // A lone request may name more than the limit; a merged call never.
      if (cx->groups.size() > 1) {
        CHECK(cx->keys.size() <= 4u);
        CHECK(facets.size() <= 4u);
      }
      served.insert(c.serves.begin(), c.serves.end());
    }
    for (const auto& o : p.rejected)
      served.insert(o.request_id);
    for (const auto& q : rs)
      CHECK(served.count(q.id) == 1);
  }
}

TEST_CASE("linkedin merged adAnalytics calls stay within the element limit "
          "(facets x days); a request alone over it asks at its own "
          "granularity",
          "[unit][linkedin][property]") {
  linkedin::li_limits small;
  small.max_analytics_elements = 100;
  auto adapter = make_linkedin_adapter(small);
  auto ctx = context();
  auto a = accounts_of(0);
  auto one = [&](std::int64_t id, std::int64_t acct, const char* from,
                 const char* to, const char* g) {
    return req(id, 0, "get_analytics",
               {{"account_ids", json::array{json::value(std::to_string(acct))}},
                {"pivot", "ACCOUNT"},
                {"start_date", from},
                {"end_date", to},
                {"time_granularity", g}});
  };
  // 1 x 60 days each; merged 2 x 60 = 120 > 100: two calls.
  std::vector<queued_request> rs{
      one(1, a[0], "2026-08-01", "2026-09-29", "DAILY"),
      one(2, a[1], "2026-08-01", "2026-09-29", "DAILY")};
  auto p = adapter->make_plan(rs, ctx);
  CHECK(p.calls.size() == 2);
  CHECK(cost_of(p) == linkedin_minimum_cost(rs, ctx, small));
  // Alone, 2 accounts x 90 days DAILY is over: asked ALL, as its own call.
  auto tot =
      req(3, 0, "get_analytics",
          {{"account_ids", json::array{json::value(std::to_string(a[0])),
                                       json::value(std::to_string(a[1]))}},
           {"pivot", "ACCOUNT"},
           {"start_date", "2026-06-01"},
           {"end_date", "2026-08-29"},
           {"time_granularity", "ALL"}});
  std::vector<queued_request> alone{tot};
  auto pa = adapter->make_plan(alone, ctx);
  REQUIRE(pa.calls.size() == 1);
  CHECK(pa.calls[0].target.find("timeGranularity=ALL") != std::string::npos);
  auto sim = fresh_sim();
  auto s = adapter->split(pa.calls[0], run(*sim, pa.calls[0]).reply, ctx);
  auto lone = adapter->naive_call(tot, ctx);
  auto ls = adapter->split(lone, run(*sim, lone).reply, ctx);
  REQUIRE(s.outcomes.size() == 1);
  CHECK(s.outcomes[0].kind == outcome_kind::completed);
  CHECK(s.outcomes[0].result_json == ls.outcomes.at(0).result_json);

  // Random sets: merged analytics calls never pass the estimate; the
  // minimum counts the same calls.
  request_generator gen(31);
  for (int round = 0; round < 200; ++round) {
    auto rctx = context(round % 2 ? 50 : 100000);
    auto set = gen.set(1 + round % 80, 0.1, round % 3 == 0 ? 3 : 1);
    INFO("round " << round);
    auto rp = adapter->make_plan(set, rctx);
    CHECK(cost_of(rp) == linkedin_minimum_cost(set, rctx, small));
    for (const auto& c : rp.calls) {
      auto cx =
          std::dynamic_pointer_cast<const linkedin::li_call_context>(c.context);
      REQUIRE(cx);
      if (cx->kind != linkedin::op_kind::analytics || cx->groups.size() < 2)
        continue;
      std::set<std::string> facets;
      for (const auto& g : cx->groups)
        for (const auto& f :
             g.request->family() == linkedin::analytics_family::campaigns
                 ? g.request->campaign_ids
                 : g.request->accounts)
          facets.insert(f);
      CHECK(static_cast<std::int64_t>(facets.size()) *
                (cx->end - cx->start + 1) <=
            100);
    }
  }
}
