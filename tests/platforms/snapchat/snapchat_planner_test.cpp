// The Snapchat planner: which requests share a call, and its limits.

#include "tests/platforms/snapchat/snapchat_test_support.hpp"

#include <catch2/catch.hpp>

using namespace snapchat_test;

namespace {

plan make(const std::vector<queued_request>& rs, const plan_context& ctx) {
  return make_snapchat_adapter()->make_plan(rs, ctx);
}

} // namespace

TEST_CASE("snapchat planner: one organizations call per token serves "
          "organizations and ad accounts",
          "[snapchat][planner]") {
  auto ctx = context();
  std::vector<queued_request> rs{
      request(1, 0, "get_organizations"),
      request(2, 0, "get_ad_accounts"),
      request(3, 0, "get_ad_accounts",
              {{"organization_id", id(node{kind::organization, 1})}}),
      request(4, 1, "get_organizations"),
  };
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 2);
  CHECK(p.rejected.empty());
  for (const auto& c : p.calls) {
    CHECK(c.target == "/v1/me/organizations?with_ad_accounts=true");
    CHECK(c.quota_units == 1);
    CHECK(c.scope.rfind("token:", 0) == 0);
    CHECK(c.scope.find("org-") == std::string::npos); // no secret
    CHECK(c.label.find("org-") == std::string::npos);
  }
  auto c0 = p.calls[0].serves.size() == 3 ? p.calls[0] : p.calls[1];
  CHECK(c0.serves == std::vector<std::int64_t>{1, 2, 3});
  bool bearer = false;
  for (auto& [k, v] : c0.headers)
    bearer = bearer || (k == "Authorization" && v == "Bearer org-0");
  CHECK(bearer);
  CHECK(snapchat_minimum_cost(rs, ctx) == plan_cost{2, 2});
}

TEST_CASE("snapchat planner: one list per ad account and collection serves "
          "whole-list, by-id and per-parent requests",
          "[snapchat][planner]") {
  auto ctx = context();
  auto acct = home(0);
  auto camp = sc::children(seed, acct, kind::campaign).front();
  auto squad = sc::children(seed, acct, kind::adsquad).front();
  std::vector<queued_request> rs{
      request(1, 0, "get_ad_squads"),
      request(2, 0, "get_ad_squads", {{"campaign_id", id(camp)}}),
      request(3, 0, "get_ad_squads",
              {{"ad_account_id", id(acct)},
               {"ad_squad_ids", json::array{json::string{id(squad)}}}}),
      request(4, 0, "get_ads", {{"ad_squad_id", id(squad)}}),
      request(5, 0, "get_audiences"),
      request(6, 0, "get_audience_segments"),
      request(7, 0, "get_campaigns",
              {{"ad_account_id", id(node{kind::adaccount, 1, 2})}}),
  };
  auto p = make(rs, ctx);
  std::map<std::string, std::vector<std::int64_t>> by_target;
  for (const auto& c : p.calls)
    by_target[c.target] = c.serves;
  CHECK(by_target.size() == 4);
  CHECK(by_target["/v1/adaccounts/" + id(acct) + "/adsquads"] ==
        std::vector<std::int64_t>{1, 2, 3});
  CHECK(by_target["/v1/adaccounts/" + id(acct) + "/ads"] ==
        std::vector<std::int64_t>{4});
  CHECK(by_target["/v1/adaccounts/" + id(acct) + "/segments"] ==
        std::vector<std::int64_t>{5, 6});
  CHECK(by_target.count("/v1/adaccounts/" + id(node{kind::adaccount, 1, 2}) +
                        "/campaigns") == 1);
  CHECK(cost_of(p) == snapchat_minimum_cost(rs, ctx));
}

TEST_CASE("snapchat planner: stats ranges are unified per account and "
          "breakdown, within 366 days",
          "[snapchat][planner]") {
  auto ctx = context();
  auto r = [](std::int64_t rid, const char* type, std::int64_t a,
              std::int64_t b, bool daily = false) {
    json::object p{{"start_time", day(a)}, {"end_time", day(b)}};
    if (daily) p["granularity"] = "DAY";
    return request(rid, 0, type, p);
  };
  SECTION("two ranges, one call over their union, daily") {
    std::vector<queued_request> rs{
        r(1, "get_campaign_stats", 20500, 20507),
        r(2, "get_campaign_stats", 20490, 20495, true)};
    auto p = make(rs, ctx);
    REQUIRE(p.calls.size() == 1);
    auto& t = p.calls[0].target;
    CHECK(t.find("granularity=DAY") != std::string::npos);
    CHECK(t.find("breakdown=campaign") != std::string::npos);
    CHECK(t.find("start_time=" + adbatch::platforms::snapchat::encode(
                                     format_day(20490, "Z"))) !=
          std::string::npos);
    CHECK(t.find("end_time=" + adbatch::platforms::snapchat::encode(format_day(
                                   20507, "Z"))) != std::string::npos);
  }
  SECTION("the same TOTAL range: a TOTAL call") {
    std::vector<queued_request> rs{r(1, "get_ad_stats", 20500, 20507),
                                   r(2, "get_ad_stats", 20500, 20507)};
    auto p = make(rs, ctx);
    REQUIRE(p.calls.size() == 1);
    CHECK(p.calls[0].target.find("granularity=TOTAL") != std::string::npos);
    CHECK(p.calls[0].serves.size() == 2);
  }
  SECTION("breakdowns apart; ranges too far apart in two windows") {
    std::vector<queued_request> rs{r(1, "get_campaign_stats", 20000, 20010),
                                   r(2, "get_campaign_stats", 20300, 20366),
                                   r(3, "get_campaign_stats", 20400, 20420),
                                   r(4, "get_ad_squad_stats", 20400, 20420)};
    auto p = make(rs, ctx);
    CHECK(p.calls.size() == 3);
    CHECK(cost_of(p) == snapchat_minimum_cost(rs, ctx));
  }
}

TEST_CASE("snapchat planner: requests without a token or ad account are "
          "rejected before any call",
          "[snapchat][planner]") {
  auto ctx = context();
  ctx.credentials["c0"].token.clear();
  ctx.credentials["c1"].account_ids = {};
  std::vector<queued_request> rs{
      request(1, 0, "get_organizations"),
      request(2, 1, "get_campaigns"),
      request(3, 1, "get_organizations"),
      request(4, 1, "get_campaigns", {{"ad_account_id", id(home(1))}}),
      request(5, 2, "get_campaigns", {{"bogus", 1}}),
  };
  auto p = make(rs, ctx);
  REQUIRE(p.rejected.size() == 3);
  CHECK(p.rejected[0].error_code == "missing_token");
  CHECK(p.rejected[1].error_code == "missing_ad_account_id");
  CHECK(p.rejected[2].error_code == "invalid_params");
  for (const auto& o : p.rejected)
    CHECK(o.kind == outcome_kind::permanent);
  CHECK(p.calls.size() == 2);
  CHECK(cost_of(p) == snapchat_minimum_cost(rs, ctx));
}

TEST_CASE("snapchat planner: property: the plan costs exactly the "
          "independent minimum",
          "[snapchat][planner][property]") {
  std::mt19937_64 g{20261203};
  auto ctx = context();
  for (int round = 0; round < 300; ++round) {
    std::vector<queued_request> rs;
    int n = std::uniform_int_distribution<int>{1, 60}(g);
    for (int i = 0; i < n; ++i) {
      int k = std::uniform_int_distribution<int>{0, 9}(g);
      rs.push_back(random_request(g, i + 1, k, (i % 13) == 5));
      if (i % 7 == 3) { // an identical request
        auto copy = rs.back();
        copy.id = 1000 + i;
        rs.push_back(copy);
      }
    }
    auto p = make(rs, ctx);
    INFO("round " << round);
    CHECK(cost_of(p) == snapchat_minimum_cost(rs, ctx));
    // Every request exactly once, in a call or rejected.
    std::map<std::int64_t, int> seen;
    for (const auto& c : p.calls)
      for (auto id : c.serves)
        ++seen[id];
    for (const auto& o : p.rejected)
      ++seen[o.request_id];
    CHECK(seen.size() == rs.size());
    for (auto& [rid, times] : seen)
      CHECK(times == 1);
    for (const auto& c : p.calls)
      if (c.target.find("/stats?") != std::string::npos) {
        auto ctxp = std::dynamic_pointer_cast<
            const adbatch::platforms::snapchat::sc_call_context>(c.context);
        REQUIRE(ctxp);
        CHECK(ctxp->last_day - ctxp->first_day <= 366);
      }
  }
}
