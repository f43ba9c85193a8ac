// LinkedIn's planner: the calls it sends (Rest.li 2.0 syntax, headers,
// merges, limits, tunnelling, isolation of retries) and the splitter's
// error classes and rate signals.

#include "tests/platforms/linkedin/linkedin_test_support.hpp"

#include <catch2/catch.hpp>

using namespace linkedin_test;

namespace {

std::string header(const upstream_call& c, const std::string& name) {
  for (const auto& [k, v] : c.headers)
    if (k == name) return v;
  return {};
}

upstream_reply reply(int status, std::string body) {
  upstream_reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

} // namespace

TEST_CASE("linkedin planner: one BATCH_GET for every get_ad_accounts of a "
          "token, with the Rest.li headers",
          "[unit][linkedin][planner]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context();
  auto a = accounts_of(0);
  std::vector<queued_request> rs{
      req(1, 0, "get_ad_accounts"),
      req(2, 0, "get_ad_accounts",
          {{"account_ids", json::array{json::value(std::to_string(a[2])),
                                       json::value(std::to_string(a[1]))}}}),
      req(3, 1, "get_ad_accounts")};
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 2);
  const auto& c = p.calls[0];
  CHECK(c.method == "GET");
  CHECK(c.target == "/rest/adAccounts?ids=List(" + std::to_string(a[0]) + "," +
                        std::to_string(a[1]) + "," + std::to_string(a[2]) +
                        ")");
  CHECK(header(c, "Authorization") == "Bearer org-0-linkedin");
  CHECK(header(c, "LinkedIn-Version") == "202610");
  CHECK(header(c, "X-Restli-Protocol-Version") == "2.0.0");
  CHECK(header(c, "X-RestLi-Method") == "BATCH_GET");
  CHECK(c.serves == std::vector<std::int64_t>{1, 2});
  CHECK(header(p.calls[1], "Authorization") == "Bearer org-1-linkedin");

  // The answer cut per request, in each request's order.
  auto sim = fresh_sim();
  auto r = run(*sim, c);
  auto s = adapter->split(c, r.reply, ctx);
  REQUIRE(s.outcomes.size() == 2);
  auto two =
      json::parse(s.outcomes[1].result_json).at("ad_accounts").as_array();
  REQUIRE(two.size() == 2);
  CHECK(two[0].at("id").as_int64() == a[2]);
  CHECK(two[1].at("id").as_int64() == a[1]);
}

TEST_CASE("linkedin planner: one finder per account covers list and by-id "
          "requests; by-id alone is a BATCH_GET",
          "[unit][linkedin][planner]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context();
  auto acct = std::to_string(accounts_of(0).front());
  std::vector<queued_request> rs{
      req(1, 0, "get_campaigns"),
      req(2, 0, "get_campaigns", {{"status", "ACTIVE"}}),
      req(3, 0, "get_campaigns",
          {{"campaign_ids", json::array{json::value("671000001")}}}),
      req(4, 0, "get_creatives",
          {{"creative_ids", json::array{json::value("7310000003"),
                                        json::value("7310000001")}}}),
      req(5, 0, "get_leads", {{"form_id", "9100000"}}),
      req(6, 0, "get_leads", {{"form_id", "9100001"}}),
      req(7, 0, "get_leads"),
  };
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 3);
  CHECK(p.calls[0].target ==
        "/rest/adAccounts/" + acct + "/adCampaigns?q=search&count=1000");
  CHECK(p.calls[0].serves == std::vector<std::int64_t>{1, 2, 3});
  CHECK(p.calls[1].target ==
        "/rest/adAccounts/" + acct +
            "/creatives?ids=List(urn%3Ali%3AsponsoredCreative%3A7310000001,"
            "urn%3Ali%3AsponsoredCreative%3A7310000003)");
  CHECK(p.calls[2].target ==
        "/rest/leadFormResponses?q=owner&owner=(sponsoredAccount:urn%3Ali%"
        "3AsponsoredAccount%3A" +
            acct + ")&leadType=(leadType:SPONSORED)&count=1000");
  CHECK(p.calls[2].serves == std::vector<std::int64_t>{5, 6, 7});
  CHECK(cost_of(p) == linkedin_minimum_cost(rs, ctx));

  // The naive calls: the request's own filters sent to LinkedIn.
  auto n2 = adapter->naive_call(rs[1], ctx);
  CHECK(n2.target == "/rest/adAccounts/" + acct +
                         "/adCampaigns?q=search&search=(status:(values:List("
                         "ACTIVE)))&count=1000");
}

TEST_CASE("linkedin planner: analytics merged over accounts, metrics and "
          "ranges per token and family",
          "[unit][linkedin][planner]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context();
  auto a = accounts_of(0);
  std::vector<queued_request> rs{
      req(1, 0, "get_analytics",
          {{"start_date", "2026-10-01"}, {"end_date", "2026-10-10"}}),
      req(2, 0, "get_analytics",
          {{"account_ids", json::array{json::value(std::to_string(a[1]))}},
           {"pivot", "ACCOUNT"},
           {"time_granularity", "ALL"},
           {"metrics", json::array{"likes"}},
           {"start_date", "2026-10-05"},
           {"end_date", "2026-10-20"}}),
      req(3, 0, "get_campaign_analytics",
          {{"start_date", "2026-10-01"}, {"end_date", "2026-10-10"}}),
      req(4, 0, "get_campaign_analytics",
          {{"campaign_ids", json::array{json::value("671000001")}},
           {"start_date", "2026-10-01"},
           {"end_date", "2026-10-10"}}),
      req(5, 0, "get_analytics",
          {{"pivot", "CREATIVE"},
           {"start_date", "2026-10-01"},
           {"end_date", "2026-10-10"}}),
  };
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 3);
  CHECK(p.calls[0].target ==
        "/rest/adAnalytics?q=statistics&pivots=List(ACCOUNT,CAMPAIGN_GROUP,"
        "CAMPAIGN)&timeGranularity=DAILY&dateRange=(start:(year:2026,month:10,"
        "day:1),end:(year:2026,month:10,day:20))&accounts=List(urn%3Ali%"
        "3AsponsoredAccount%3A" +
            std::to_string(a[0]) + ",urn%3Ali%3AsponsoredAccount%3A" +
            std::to_string(a[1]) +
            ")&fields=dateRange,pivotValues,impressions,clicks,likes,"
            "leadGenerationMailContactInfoShares,externalWebsiteConversions,"
            "costInLocalCurrency");
  CHECK(p.calls[0].serves == std::vector<std::int64_t>{1, 3, 2});
  CHECK(p.calls[1].target.find("q=analytics&pivot=CAMPAIGN&") !=
        std::string::npos);
  CHECK(p.calls[1].target.find("campaigns=List(urn%3Ali%3AsponsoredCampaign%"
                               "3A671000001)") != std::string::npos);
  CHECK(p.calls[2].target.find("pivots=List(ACCOUNT,CREATIVE)") !=
        std::string::npos);

  // Every request's own elements come out of the merged answers.
  auto sim = fresh_sim();
  auto naive = fresh_sim();
  for (const auto& c : p.calls) {
    auto s = adapter->split(c, run(*sim, c).reply, ctx);
    for (const auto& o : s.outcomes) {
      REQUIRE(o.kind == outcome_kind::completed);
      for (const auto& q : rs)
        if (q.id == o.request_id) {
          auto nc = adapter->naive_call(q, ctx);
          auto own = adapter->split(nc, run(*naive, nc).reply, ctx);
          INFO(q.request_type << " " << json::serialize(q.params));
          CHECK(json::parse(o.result_json) ==
                json::parse(own.outcomes[0].result_json));
          CHECK(json::parse(o.result_json).at("analytics").as_array().size() >
                0);
        }
    }
  }
}

TEST_CASE("linkedin planner: calls serve at most max_batch_size requests; "
          "long queries are tunnelled",
          "[unit][linkedin][planner]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context(2);
  std::vector<queued_request> rs;
  for (int i = 0; i < 5; ++i)
    rs.push_back(req(i + 1, 0, "get_audiences",
                     {{"audience_ids", json::array{json::value(
                                           std::to_string(15000000 + i))}}}));
  auto p = adapter->make_plan(rs, ctx);
  CHECK(p.calls.size() == 3);
  CHECK(cost_of(p) == linkedin_minimum_cost(rs, ctx));

  linkedin::li_limits small;
  small.max_url_length = 60;
  auto tunnelling = make_linkedin_adapter(small);
  auto c = tunnelling->make_plan(std::vector<queued_request>{rs[0]}, ctx)
               .calls.at(0);
  CHECK(c.method == "POST");
  CHECK(c.target == "/rest/dmpSegments");
  CHECK(header(c, "X-HTTP-Method-Override") == "GET");
  CHECK(header(c, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(c.body.rfind("q=account&account=urn%3Ali%3AsponsoredAccount%3A", 0) ==
        0);
  auto sim = fresh_sim();
  auto s = tunnelling->split(c, run(*sim, c).reply, ctx);
  CHECK(s.outcomes.at(0).kind == outcome_kind::completed);
}

TEST_CASE("linkedin planner: a retried analytics request is planned alone, "
          "a retried by-id read as a BATCH_GET",
          "[unit][linkedin][planner]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context();
  auto a = accounts_of(0);
  auto foreign = accounts_of(1).front();
  std::vector<queued_request> rs{
      req(1, 0, "get_analytics"),
      req(2, 0, "get_analytics", {{"account_id", std::to_string(foreign)}}),
      req(3, 0, "get_campaigns"),
      req(4, 0, "get_campaigns",
          {{"campaign_ids", json::array{json::value("671000001")}}}),
  };
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 2);
  // The foreign account fails the merged call: the request naming it
  // fails, the other goes back unspent.
  auto sim = fresh_sim();
  auto s = adapter->split(p.calls[0], run(*sim, p.calls[0]).reply, ctx);
  REQUIRE(s.outcomes.size() == 2);
  CHECK(s.outcomes[0].kind == outcome_kind::not_attempted);
  CHECK(s.outcomes[1].kind == outcome_kind::permanent);
  CHECK(s.outcomes[1].error_code == "linkedin_ACCESS_DENIED");
  // A 403 that names nothing: both retried alone.
  auto anon = adapter->split(
      p.calls[0],
      reply(403, R"({"status":403,"code":"ACCESS_DENIED","message":"no"})"),
      ctx);
  for (auto& o : anon.outcomes) {
    CHECK(o.kind == outcome_kind::transient);
    CHECK(o.error_code == "linkedin_ACCESS_DENIED");
  }
  for (auto& q : rs)
    q.attempts = 2;
  auto p2 = adapter->make_plan(rs, ctx);
  REQUIRE(p2.calls.size() == 4);
  CHECK(cost_of(p2) == linkedin_minimum_cost(rs, ctx));
  auto s1 = adapter->split(p2.calls[0], run(*sim, p2.calls[0]).reply, ctx);
  CHECK(s1.outcomes.at(0).kind == outcome_kind::completed);
  auto s2 = adapter->split(p2.calls[1], run(*sim, p2.calls[1]).reply, ctx);
  CHECK(s2.outcomes.at(0).kind == outcome_kind::permanent);
  CHECK(s2.outcomes.at(0).error_code == "linkedin_ACCESS_DENIED");
  CHECK(header(p2.calls[3], "X-RestLi-Method") == "BATCH_GET");
}

TEST_CASE("linkedin splitter: throttles, 5xx, auth and transport errors",
          "[unit][linkedin][splitter]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context();
  std::vector<queued_request> rs{
      req(1, 0, "get_conversions"),
      req(2, 0, "get_conversions",
          {{"conversion_ids", json::array{json::value("4400000")}}})};
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  const auto& c = p.calls[0];

  auto t = adapter->split(
      c,
      reply(
          429,
          R"({"status":429,"serviceErrorCode":101,"code":"TOO_MANY_REQUESTS","message":"Resource level throttle MEMBER DAY limit for calls to this resource is reached."})"),
      ctx);
  REQUIRE(t.outcomes.size() == 2);
  CHECK(t.outcomes[0].kind == outcome_kind::throttled);
  // Daily quotas reset at midnight UTC: now is noon.
  CHECK(t.outcomes[0].retry_after == milliseconds{12 * 3600 * 1000});
  CHECK(t.units_spent == 0);
  REQUIRE(t.signals.size() == 1);
  CHECK(t.signals[0].scope == "member:conversions");
  CHECK(t.signals[0].throttled);

  auto h = reply(429, "{}");
  h.headers["retry-after"] = "30";
  CHECK(adapter->split(c, h, ctx).outcomes[0].retry_after ==
        milliseconds{30000});

  auto e = adapter->split(
      c,
      reply(503,
            R"({"status":503,"code":"SERVICE_UNAVAILABLE","message":"x"})"),
      ctx);
  CHECK(e.outcomes[0].kind == outcome_kind::transient);
  CHECK(e.outcomes[0].error_code == "linkedin_SERVICE_UNAVAILABLE");

  auto a = adapter->split(
      c,
      reply(
          401,
          R"({"status":401,"serviceErrorCode":65601,"code":"EXPIRED_ACCESS_TOKEN","message":"expired"})"),
      ctx);
  CHECK(a.outcomes[0].kind == outcome_kind::permanent);
  CHECK(a.outcomes[1].error_code == "linkedin_EXPIRED_ACCESS_TOKEN");

  auto v = adapter->split(
      c,
      reply(
          426,
          R"({"status":426,"code":"NONEXISTENT_VERSION","message":"Requested version 20230101 is not active"})"),
      ctx);
  CHECK(v.outcomes[0].kind == outcome_kind::permanent);

  upstream_reply timeout;
  timeout.transport_error = "timeout";
  timeout.maybe_delivered = true;
  auto to = adapter->split(c, timeout, ctx);
  CHECK(to.outcomes[0].kind == outcome_kind::transient); // reads only

  auto bad = adapter->split(c, reply(200, "not json"), ctx);
  CHECK(bad.outcomes[0].kind == outcome_kind::transient);

  // Missing token: rejected before any call.
  std::vector<queued_request> none{req(9, 0, "get_leads")};
  none[0].connection_id = "conn-9";
  auto pn = adapter->make_plan(none, ctx);
  CHECK(pn.calls.empty());
  REQUIRE(pn.rejected.size() == 1);
  CHECK(pn.rejected[0].error_code == "missing_token");
}

TEST_CASE("linkedin splitter: analytics totals equal the sum of the days",
          "[unit][linkedin][splitter]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context();
  auto daily =
      req(1, 0, "get_analytics",
          {{"pivot", "ACCOUNT"},
           {"start_date", "2026-01-25"},
           {"end_date", "2026-03-03"},
           {"metrics", json::array{"impressions", "costInUsd",
                                   "leadGenerationMailContactInfoShares"}}});
  auto monthly = daily;
  monthly.id = 2;
  monthly.params["time_granularity"] = "MONTHLY";
  auto total = daily;
  total.id = 3;
  total.params["time_granularity"] = "ALL";
  std::vector<queued_request> rs{daily, monthly, total};
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto sim = fresh_sim();
  auto s = adapter->split(p.calls[0], run(*sim, p.calls[0]).reply, ctx);
  REQUIRE(s.outcomes.size() == 3);
  auto rows = [&](int i) {
    return json::parse(s.outcomes[static_cast<std::size_t>(i)].result_json)
        .at("analytics")
        .as_array();
  };
  CHECK(rows(0).size() == 38);
  CHECK(rows(1).size() == 3); // Jan 25-31, February, Mar 1-3
  REQUIRE(rows(2).size() == 1);
  std::int64_t sum = 0;
  for (const auto& e : rows(0))
    sum += e.at("impressions").as_int64();
  CHECK(rows(2)[0].at("impressions").as_int64() == sum);
  CHECK(rows(1)[1].at("dateRange").at("start").at("day").as_int64() == 1);
  CHECK(rows(1)[1].at("dateRange").at("end").at("day").as_int64() == 28);
}

TEST_CASE("linkedin splitter: a by-id read the finder page did not cover "
          "is retried as a BATCH_GET",
          "[unit][linkedin][splitter]") {
  linkedin::li_limits small;
  small.page_count = 2; // pages of 2 of the account's 6 campaigns
  auto adapter = make_linkedin_adapter(small);
  auto ctx = context();
  auto first = li::campaign_base; // account index 0: org 0's
  std::vector<queued_request> rs{
      req(1, 0, "get_campaigns"),
      req(2, 0, "get_campaigns",
          {{"campaign_ids", json::array{json::value(std::to_string(first))}}}),
      req(3, 0, "get_campaigns",
          {{"campaign_ids",
            json::array{json::value(std::to_string(first + 5))}}})};
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto sim = fresh_sim();
  auto s = adapter->split(p.calls[0], run(*sim, p.calls[0]).reply, ctx);
  REQUIRE(s.outcomes.size() == 3);
  // The list from a cut page is not completed partial.
  CHECK(s.outcomes[0].kind == outcome_kind::transient);
  CHECK(s.outcomes[0].error_code == "linkedin_page_truncated");
  CHECK(s.outcomes[1].kind == outcome_kind::completed);
  CHECK(s.outcomes[2].kind == outcome_kind::transient);
  CHECK(s.outcomes[2].error_code == "linkedin_page_truncated");
  rs[2].attempts = 2;
  auto p2 = adapter->make_plan(std::vector<queued_request>{rs[2]}, ctx);
  REQUIRE(p2.calls.size() == 1);
  CHECK(header(p2.calls[0], "X-RestLi-Method") == "BATCH_GET");
  auto s2 = adapter->split(p2.calls[0], run(*sim, p2.calls[0]).reply, ctx);
  CHECK(s2.outcomes.at(0).kind == outcome_kind::completed);
}

TEST_CASE("linkedin splitter: an unreadable 200 answer is transient "
          "linkedin_bad_response, never an exception",
          "[unit][linkedin][splitter]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context();
  std::vector<queued_request> an{req(1, 0, "get_analytics")};
  auto pa = adapter->make_plan(an, ctx);
  REQUIRE(pa.calls.size() == 1);
  std::vector<queued_request> li{req(2, 0, "get_conversions")};
  auto pl = adapter->make_plan(li, ctx);
  REQUIRE(pl.calls.size() == 1);
  auto element = [](const std::string& day, const std::string& metric) {
    return R"({"elements":[{"pivotValues":["urn:li:sponsoredAccount:1","a","b"],)"
           R"("dateRange":{"start":{"year":2026,"month":11,"day":)" +
           day + R"(}},"impressions":)" + metric + "}]}";
  };
  const std::vector<std::pair<const upstream_call*, std::string>> bodies{
      {&pa.calls[0], element("1.5", "1")},
      {&pa.calls[0], element("1e300", "1")},
      {&pa.calls[0], element("1", "2.5")},
      {&pa.calls[0], element("1", "1e30")},
      {&pa.calls[0], element("1", "18446744073709551615")},
      {&pa.calls[0], R"({"paging":{"total":1e300},"elements":[]})"},
      {&pa.calls[0], R"({"elements":{}})"},
      {&pl.calls[0], R"({"paging":{"total":0.5},"elements":[]})"},
      {&pl.calls[0], R"({"paging":{"total":"x"},"elements":[]})"},
      {&pl.calls[0], R"({"paging":{"start":0}})"},
  };
  for (const auto& [c, body] : bodies) {
    INFO(body);
    split_result s;
    REQUIRE_NOTHROW(s = adapter->split(*c, reply(200, body), ctx));
    REQUIRE(s.outcomes.size() == 1);
    CHECK(s.outcomes[0].kind == outcome_kind::transient);
    CHECK(s.outcomes[0].error_code == "linkedin_bad_response");
  }
  // A readable answer still completes.
  auto ok = adapter->split(
      pl.calls[0], reply(200, R"({"paging":{"total":0},"elements":[]})"), ctx);
  CHECK(ok.outcomes.at(0).kind == outcome_kind::completed);
}

TEST_CASE("linkedin planner: a merged get_ad_accounts BATCH_GET refused "
          "whole is retried request by request, the bad one fails alone",
          "[unit][linkedin][planner]") {
  auto adapter = make_linkedin_adapter();
  auto ctx = context();
  auto a = accounts_of(0);
  std::vector<queued_request> rs{
      req(1, 0, "get_ad_accounts"),
      req(2, 0, "get_ad_accounts",
          {{"account_ids", json::array{json::value(std::to_string(a[1]))}}}),
      req(3, 0, "get_ad_accounts",
          {{"account_ids", json::array{json::value("999")}}})};
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto bad = reply(
      400,
      R"({"status":400,"code":"ILLEGAL_ARGUMENT","message":"Invalid key 999"})");
  auto s = adapter->split(p.calls[0], bad, ctx);
  REQUIRE(s.outcomes.size() == 3);
  for (const auto& o : s.outcomes)
    CHECK(o.kind == outcome_kind::transient);
  for (auto& q : rs)
    q.attempts = 2;
  auto p2 = adapter->make_plan(rs, ctx);
  REQUIRE(p2.calls.size() == 3);
  CHECK(cost_of(p2) == linkedin_minimum_cost(rs, ctx));
  auto sim = fresh_sim();
  for (const auto& c : p2.calls) {
    REQUIRE(c.serves.size() == 1);
    if (c.serves[0] == 3) {
      auto f = adapter->split(c, bad, ctx);
      CHECK(f.outcomes.at(0).kind == outcome_kind::permanent);
      CHECK(f.outcomes.at(0).error_code == "linkedin_ILLEGAL_ARGUMENT");
    } else {
      auto ok = adapter->split(c, run(*sim, c).reply, ctx);
      CHECK(ok.outcomes.at(0).kind == outcome_kind::completed);
    }
  }
  // Retried and fresh requests: the fresh ones still share one BATCH_GET.
  rs.push_back(
      req(4, 0, "get_ad_accounts",
          {{"account_ids", json::array{json::value(std::to_string(a[2]))}}}));
  rs.push_back(
      req(5, 0, "get_ad_accounts",
          {{"account_ids", json::array{json::value(std::to_string(a[0]))}}}));
  auto p3 = adapter->make_plan(rs, ctx);
  CHECK(p3.calls.size() == 4);
  CHECK(cost_of(p3) == linkedin_minimum_cost(rs, ctx));
}

TEST_CASE("linkedin splitter: a list from a cut finder page never completes; "
          "retried alone with its own filters",
          "[unit][linkedin][splitter]") {
  linkedin::li_limits small;
  small.page_count = 2; // pages of 2 of the account's 6 campaigns
  auto adapter = make_linkedin_adapter(small);
  auto ctx = context();
  std::vector<queued_request> rs{
      req(1, 0, "get_campaigns"),
      req(2, 0, "get_campaigns", {{"status", "ACTIVE"}}),
      req(3, 0, "get_creatives", {{"status", "PAUSED"}}),
      req(4, 0, "get_conversions")};
  auto p = adapter->make_plan(rs, ctx);
  auto sim = fresh_sim();
  std::size_t served = 0;
  for (const auto& c : p.calls) {
    auto s = adapter->split(c, run(*sim, c).reply, ctx);
    for (const auto& o : s.outcomes) {
      ++served;
      INFO("request " << o.request_id << " " << o.result_json);
      if (o.kind == outcome_kind::completed) {
        // Only a list the page held whole may complete.
        const auto& q = rs.at(static_cast<std::size_t>(o.request_id - 1));
        auto big = make_linkedin_adapter();
        auto lone = big->naive_call(q, ctx);
        auto whole = big->split(lone, run(*sim, lone).reply, ctx);
        CHECK(o.result_json == whole.outcomes.at(0).result_json);
      } else {
        CHECK(o.kind == outcome_kind::transient);
        CHECK(o.error_code == "linkedin_page_truncated");
      }
    }
  }
  CHECK(served == rs.size());
  // Retried: each alone, its filter sent to LinkedIn.
  for (auto& q : rs)
    q.attempts = 2;
  auto p2 = adapter->make_plan(rs, ctx);
  REQUIRE(p2.calls.size() == 4);
  CHECK(cost_of(p2) == linkedin_minimum_cost(rs, ctx, small));
  for (const auto& c : p2.calls) {
    REQUIRE(c.serves.size() == 1);
    if (c.serves[0] == 2)
      CHECK(c.target.find("search=(status:(values:List(ACTIVE)))") !=
            std::string::npos);
    if (c.serves[0] == 3)
      CHECK(c.target.find("intendedStatuses=List(PAUSED)") !=
            std::string::npos);
    // Alone and still cut: its own permanent failure, never partial.
    auto s = adapter->split(c, run(*sim, c).reply, ctx);
    for (const auto& o : s.outcomes)
      if (o.kind != outcome_kind::completed) {
        CHECK(o.kind == outcome_kind::permanent);
        CHECK(o.error_code == "linkedin_page_truncated");
      }
  }
  // With LinkedIn's page of 1,000 the same retried requests complete.
  auto big = make_linkedin_adapter();
  auto p3 = big->make_plan(rs, ctx);
  for (const auto& c : p3.calls)
    for (const auto& o : big->split(c, run(*sim, c).reply, ctx).outcomes)
      CHECK(o.kind == outcome_kind::completed);
}
