// X catalog, planner, splitter and rate signals (pure).

#include "tests/platforms/twitter/twitter_test_support.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace x_test;

namespace {

std::string validate(const std::string& type, const std::string& params) {
  return make_twitter_adapter()->validate(type,
                                          json::parse(params).as_object());
}

const twitter::x_call_context& xctx(const upstream_call& c) {
  return dynamic_cast<const twitter::x_call_context&>(*c.context);
}

upstream_reply reply(int status, std::string body,
                     std::map<std::string, std::string> headers = {}) {
  upstream_reply r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

} // namespace

TEST_CASE("x catalog: the original's types and parameters, clear messages",
          "[unit][twitter]") {
  auto a = make_twitter_adapter();
  auto types = a->request_types();
  for (auto t :
       {"get_accounts", "get_campaigns", "get_line_items",
        "get_promoted_tweets", "get_media_creatives", "get_cards",
        "get_targeting_criteria", "get_tailored_audiences", "get_stats",
        "get_users", "lookup_users", "get_users_by_username", "get_tweets"})
    CHECK(std::find(types.begin(), types.end(), t) != types.end());
  CHECK(validate("get_users", R"({"user_ids":["12","13"]})").empty());
  CHECK(validate("lookup_users", R"({"user_ids":["12"]})").empty());
  CHECK(validate("get_users", R"({})") ==
        "get_users: params.user_ids is required (1 to 100 user ids)");
  CHECK(validate("get_users", R"({"user_ids":["12x"]})") ==
        "get_users: params.user_ids[0] must be X user ids (strings of 1 to 19 "
        "digits)");
  json::array many;
  for (int i = 0; i < 101; ++i)
    many.emplace_back(std::to_string(i + 1));
  CHECK(validate("get_users",
                 json::serialize(json::object{{"user_ids", many}})) ==
        "get_users: params.user_ids must hold 1 to 100 X user ids (strings of "
        "1 to 19 "
        "digits) (got 101)");
  CHECK(validate("get_users_by_username", R"({"usernames":["a-b"]})")
            .find("usernames[0]") != std::string::npos);
  CHECK(validate("get_tweets", R"({"tweet_ids":["1"]})").empty());
  CHECK(validate("get_campaigns", R"({})").empty());
  CHECK(validate("get_campaigns", R"({"account_id":"AB"})")
            .find("params.account_id") != std::string::npos);
  CHECK(validate("get_campaigns", R"({"line_item_ids":["a"]})") ==
        "get_campaigns: params.line_item_ids is not a parameter of "
        "get_campaigns");
  CHECK(validate("get_targeting_criteria", R"({})")
            .find("params.line_item_ids is required") != std::string::npos);
  CHECK(validate("get_stats", R"({"entity_ids":["abc"]})").empty());
  CHECK(validate("get_stats", R"({"entity_ids":["abc"],"entity_type":"AD"})") ==
        "get_stats: params.entity_type must be one of CAMPAIGN, LINE_ITEM, "
        "PROMOTED_TWEET");
  CHECK(validate("get_stats",
                 R"({"entity_ids":["abc"],"start_time":"2026-11-01"})") ==
        "get_stats: params.start_time and params.end_time go together (both or "
        "neither)");
  CHECK(
      validate(
          "get_stats",
          R"({"entity_ids":["abc"],"start_time":"2026-11-01","end_time":"2026-11-09"})") ==
      "get_stats: params.start_time to params.end_time spans 8 days; X allows "
      "at most 7");
  CHECK(
      validate(
          "get_stats",
          R"({"entity_ids":["abc"],"start_time":"2026-11-01T05:00:00Z","end_time":"2026-11-03"})")
          .find("params.start_time must be a date") != std::string::npos);
  CHECK(validate("get_stats", R"({"entity_ids":["a","a"]})") ==
        "get_stats: params.entity_ids repeats a");
  CHECK(
      validate(
          "get_async_stats",
          R"({"entity_ids":["abc"],"start_time":"2026-09-01","end_time":"2026-11-01"})")
          .empty());
  CHECK(validate("get_reach_frequency", R"({})")
            .rfind("get_reach_frequency: unsupported request type", 0) == 0);
  CHECK(validate("get_nothing", R"({})")
            .rfind("unknown X request type \"get_nothing\"", 0) == 0);
}

TEST_CASE("x planner: lookups merge per token up to 100 keys, identical "
          "requests share",
          "[unit][twitter]") {
  auto a = make_twitter_adapter();
  auto ctx = context(2);
  std::vector<queued_request> rs;
  std::int64_t id = 1;
  // 30 requests of 5 distinct ids each = 150 ids on c0: two calls.
  for (int i = 0; i < 30; ++i) {
    json::array ids;
    for (int j = 0; j < 5; ++j)
      ids.emplace_back(simx::user_id(i * 5 + j + 1));
    rs.push_back(request(id++, "c0", i % 2 ? "get_users" : "lookup_users",
                         {{"user_ids", ids}}));
  }
  rs.push_back(request(id++, "c0", "get_users", rs[0].params)); // duplicate
  rs.push_back(request(id++, "c1", "get_users", rs[0].params)); // another token
  rs.push_back(request(id++, "c1", "get_tweets",
                       {{"tweet_ids", json::array{"5", "6"}}}));
  auto p = a->make_plan(rs, ctx);
  CHECK(p.rejected.empty());
  REQUIRE(p.calls.size() == 4);
  int users_c0 = 0;
  for (const auto& c : p.calls) {
    if (c.target.rfind("/2/users?", 0) == 0 &&
        c.headers[0].second == "Bearer org-0-twitter") {
      ++users_c0;
      CHECK(c.target.find("user.fields=") != std::string::npos);
    }
    CHECK(c.quota_units == 1);
  }
  CHECK(users_c0 == 2);
  CHECK(cost_of(p) == twitter_minimum_cost(rs, ctx));
  // The duplicate rides with its twin in one group.
  for (const auto& c : p.calls)
    for (const auto& g : xctx(c).groups)
      if (std::find(g.ids.begin(), g.ids.end(), 1) != g.ids.end())
        CHECK(g.ids == std::vector<std::int64_t>{1, 31});
}

TEST_CASE("x planner: Ads lists one call per account and type; stats merged "
          "over ids and days",
          "[unit][twitter]") {
  auto a = make_twitter_adapter();
  auto ctx = context(1);
  auto acc = primary_account(0);
  auto camps = ads::list(42, ads::kind::campaign, acc);
  std::vector<queued_request> rs{
      request(1, "c0", "get_campaigns"),
      request(2, "c0", "get_campaigns",
              {{"campaign_ids", strings({ads::id_of(camps[0])})}}),
      request(3, "c0", "get_line_items",
              {{"campaign_ids", strings({ads::id_of(camps[0])})}}),
      request(4, "c0", "get_line_items",
              {{"campaign_ids", strings({ads::id_of(camps[1])})}}),
      request(5, "c0", "get_stats",
              {{"entity_ids", strings({ads::id_of(camps[0])})},
               {"start_time", "2026-11-01"},
               {"end_time", "2026-11-03"}}),
      request(6, "c0", "get_stats",
              {{"entity_ids", strings({ads::id_of(camps[1])})},
               {"start_time", "2026-11-02"},
               {"end_time", "2026-11-08"},
               {"granularity", "TOTAL"}}),
      request(7, "c0", "get_stats",
              {{"entity_ids", strings({ads::id_of(camps[1])})},
               {"start_time", "2026-11-09"},
               {"end_time", "2026-11-10"}}),
      request(8, "c0", "get_reach_frequency"),
  };
  auto p = a->make_plan(rs, ctx);
  REQUIRE(p.rejected.size() == 1);
  CHECK(p.rejected[0].error_code == "invalid_params");
  REQUIRE(p.calls.size() == 4);
  CHECK(p.calls[0].target ==
        "/12/accounts/" + ads::account_id(acc) + "/campaigns?count=1000");
  CHECK(p.calls[0].headers[0].second.rfind("OAuth ", 0) == 0);
  CHECK(p.calls[0].headers[0].second.find("oauth_token=\"org-0-twitter\"") !=
        std::string::npos);
  CHECK(p.calls[1].target.find("line_items?count=1000&campaign_ids=") !=
        std::string::npos);
  CHECK(p.calls[2].target.find(
            "start_time=2026-11-01T00%3A00%3A00Z&end_time=2026-11-08") !=
        std::string::npos);
  CHECK(p.calls[2].serves == std::vector<std::int64_t>{5, 6});
  CHECK(p.calls[3].serves == std::vector<std::int64_t>{7});
  CHECK(cost_of(p) == twitter_minimum_cost(rs, ctx));
}

TEST_CASE("x splitter: throttles, 5xx, permanent errors, per-item problems",
          "[unit][twitter]") {
  auto a = make_twitter_adapter();
  auto ctx = context(1);
  std::vector<queued_request> rs{
      request(1, "c0", "get_users", {{"user_ids", json::array{"11", "12"}}}),
      request(2, "c0", "get_users", {{"user_ids", json::array{"13"}}}),
      request(3, "c0", "get_users", {{"user_ids", json::array{"14"}}})};
  auto p = a->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  const auto& c = p.calls[0];
  auto now_s = 1796299200;
  SECTION("429: every request throttled until the reset, no attempt, no unit") {
    auto s = a->split(
        c,
        reply(429,
              R"({"errors":[{"code":88,"message":"Rate limit exceeded"}]})",
              {{"x-rate-limit-limit", "300"},
               {"x-rate-limit-remaining", "0"},
               {"x-rate-limit-reset", std::to_string(now_s + 120)}}),
        ctx);
    REQUIRE(s.outcomes.size() == 3);
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::throttled);
      CHECK(o.error_code == "x_88");
      CHECK(o.retry_after == milliseconds{120000});
    }
    CHECK(s.units_spent == 0);
    REQUIRE(s.signals.size() == 1);
    CHECK(s.signals[0].throttled);
    CHECK(s.signals[0].remaining == 0);
  }
  SECTION("503: transient") {
    auto s = a->split(
        c, reply(503, R"({"title":"Service Unavailable","status":503})"), ctx);
    for (const auto& o : s.outcomes)
      CHECK(o.kind == outcome_kind::transient);
  }
  SECTION("401: permanent, nothing spent") {
    auto s = a->split(c, reply(401, R"({"title":"Unauthorized","status":401})"),
                      ctx);
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::permanent);
      CHECK(o.error_code == "x_http_401");
    }
    CHECK(s.units_spent == 0);
  }
  SECTION(
      "per-id problems: not found is a result, not authorized retries alone") {
    auto body =
        R"({"data":[{"id":"11","name":"a","username":"a"},{"id":"14","name":"d","username":"d"}],
      "errors":[{"value":"12","title":"Not Found Error","type":"https://api.twitter.com/2/problems/resource-not-found"},
                {"value":"13","title":"Authorization Error","detail":"Sorry, you are not authorized","type":"https://api.twitter.com/2/problems/not-authorized-for-resource"}]})";
    auto s = a->split(c,
                      reply(200, body,
                            {{"x-rate-limit-limit", "300"},
                             {"x-rate-limit-remaining", "299"},
                             {"x-rate-limit-reset", "1"}}),
                      ctx);
    std::map<std::int64_t, request_outcome> by;
    for (const auto& o : s.outcomes)
      by[o.request_id] = o;
    CHECK(by[1].kind == outcome_kind::completed);
    auto r1 = json::parse(by[1].result_json).as_object();
    CHECK(r1.at("users").as_array().size() == 1);
    CHECK(r1.at("errors").as_array().size() == 1);
    CHECK(by[2].kind == outcome_kind::transient);
    CHECK(by[2].error_code == "x_not_authorized");
    CHECK(by[3].kind == outcome_kind::completed);
    CHECK(s.units_spent == 1);
    REQUIRE(s.signals.size() == 1);
    CHECK(s.signals[0].used_fraction == Approx(1.0 / 300));
  }
  SECTION("a timeout of a read is transient") {
    upstream_reply r;
    r.transport_error = "timeout";
    r.maybe_delivered = true;
    auto s = a->split(c, r, ctx);
    for (const auto& o : s.outcomes)
      CHECK(o.kind == outcome_kind::transient);
  }
}

TEST_CASE("x splitter: Ads errors and the account rate headers",
          "[unit][twitter]") {
  auto a = make_twitter_adapter();
  auto ctx = context(1);
  std::vector<queued_request> rs{request(1, "c0", "get_campaigns")};
  auto p = a->make_plan(rs, ctx);
  auto s = a->split(
      p.calls[0],
      reply(
          403,
          R"({"errors":[{"code":"UNAUTHORIZED_CLIENT_APPLICATION","message":"User is not authorized"}],"request":{"params":{}}})"),
      ctx);
  REQUIRE(s.outcomes.size() == 1);
  CHECK(s.outcomes[0].kind == outcome_kind::permanent);
  CHECK(s.outcomes[0].error_code == "x_ads_UNAUTHORIZED_CLIENT_APPLICATION");
  auto sig = twitter::x_rate_signals(
      reply(200, "{}",
            {{"x-rate-limit-limit", "450"},
             {"x-rate-limit-remaining", "90"},
             {"x-rate-limit-reset", "1"},
             {"x-account-rate-limit-limit", "250"},
             {"x-account-rate-limit-remaining", "0"},
             {"x-account-rate-limit-reset", std::to_string(1796299200 + 60)}}),
      "user:x", test_now());
  REQUIRE(sig.size() == 2);
  CHECK(sig[0].used_fraction == Approx(0.8));
  CHECK(sig[1].scope == "user:x:account");
  CHECK(sig[1].pause_for == milliseconds{60000});
}

TEST_CASE(
    "x splitter: a 400 naming an entity id fails only the requests with it",
    "[unit][twitter]") {
  auto a = make_twitter_adapter();
  auto ctx = context(1);
  std::vector<queued_request> rs{
      request(1, "c0", "get_stats", {{"entity_ids", json::array{"aaa1"}}}),
      request(2, "c0", "get_stats",
              {{"entity_ids", json::array{"bbb2", "ccc3"}}})};
  auto p = a->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto s = a->split(
      p.calls[0],
      reply(
          400,
          R"({"errors":[{"code":"INVALID_PARAMETER","message":"Entity ccc3 is not a CAMPAIGN of this account","parameter":"entity_ids"}],"request":{"params":{}}})"),
      ctx);
  std::map<std::int64_t, request_outcome> by;
  for (const auto& o : s.outcomes)
    by[o.request_id] = o;
  CHECK(by[1].kind == outcome_kind::not_attempted);
  CHECK(by[2].kind == outcome_kind::permanent);
  CHECK(by[2].error_code == "x_ads_INVALID_PARAMETER");
}

TEST_CASE("x async stats: create, poll (unfinished, finished, failed) and "
          "fetch steps",
          "[unit][twitter][async]") {
  auto a = make_twitter_adapter();
  auto ctx = context(1);
  auto acc = ads::account_id(primary_account(0));
  std::vector<queued_request> rs{request(1, "c0", "get_async_stats",
                                         {{"entity_ids", json::array{"aaa1"}},
                                          {"start_time", "2026-09-01"},
                                          {"end_time", "2026-10-01"}}),
                                 request(2, "c0", "get_async_stats",
                                         {{"entity_ids", json::array{"bbb2"}},
                                          {"start_time", "2026-10-01"},
                                          {"end_time", "2026-11-15"},
                                          {"granularity", "TOTAL"}})};
  auto p = a->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  CHECK(p.calls[0].method == "POST");
  CHECK(p.calls[0].target.rfind("/12/stats/jobs/accounts/" + acc + "?", 0) ==
        0);
  CHECK(p.calls[0].target.find("granularity=DAY") != std::string::npos);
  auto s = a->split(
      p.calls[0],
      reply(200,
            R"({"data":{"id":1300000000000000001,"id_str":"1300000000000000001",
                                  "status":"PROCESSING","url":null}})"),
      ctx);
  REQUIRE(s.outcomes.size() == 2);
  for (const auto& o : s.outcomes) {
    CHECK(o.kind == outcome_kind::waiting);
    CHECK(o.retry_after == milliseconds{6000});
    auto prog = json::parse(o.result_json).as_object();
    CHECK(prog.at("stage").as_string() == "job");
    CHECK(prog.at("job_id").as_string() == "1300000000000000001");
  }
  // Both come back with the progress: one poll.
  for (std::size_t i = 0; i < 2; ++i)
    rs[i].progress = json::parse(s.outcomes[i].result_json).as_object();
  auto poll = a->make_plan(rs, ctx);
  REQUIRE(poll.calls.size() == 1);
  CHECK(poll.calls[0].target ==
        "/12/stats/jobs/accounts/" + acc + "?job_ids=1300000000000000001");
  auto unfinished = a->split(
      poll.calls[0],
      reply(
          200,
          R"({"data":[{"id_str":"1300000000000000001","status":"PROCESSING","url":null}]})"),
      ctx);
  for (const auto& o : unfinished.outcomes) {
    CHECK(o.kind == outcome_kind::waiting);
    CHECK(json::parse(o.result_json).at("stage").as_string() == "job");
  }
  auto failed = a->split(
      poll.calls[0],
      reply(
          200,
          R"({"data":[{"id_str":"1300000000000000001","status":"FAILED","url":null}]})"),
      ctx);
  for (const auto& o : failed.outcomes) {
    CHECK(o.kind == outcome_kind::transient);
    CHECK(o.error_code == "x_async_job_FAILED");
  }
  auto done = a->split(
      poll.calls[0],
      reply(200, R"({"data":[{"id_str":"1300000000000000001","status":"SUCCESS",
                    "url":"https://ton.twimg.com/advertiser-api-async-analytics/f.json.gz"}]})"),
      ctx);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(done.outcomes[i].kind == outcome_kind::waiting);
    CHECK(done.outcomes[i].retry_after == milliseconds{0});
    rs[i].progress = json::parse(done.outcomes[i].result_json).as_object();
  }
  auto fetch = a->make_plan(rs, ctx);
  REQUIRE(fetch.calls.size() == 1);
  CHECK(fetch.calls[0].target == "/advertiser-api-async-analytics/f.json.gz");
  // The file is fetched where X said it is, without credentials.
  CHECK(fetch.calls[0].base_url == "https://ton.twimg.com");
  CHECK(fetch.calls[0].headers.empty());
  CHECK(cost_of(fetch) == twitter_minimum_cost(rs, ctx));
}

TEST_CASE("x OAuth 1.0a signature: X's documented example", "[unit][twitter]") {
  // docs.x.com "Creating a signature" (POST statuses/update).
  auto sig = twitter::oauth_signature(
      "POST", "https://api.twitter.com/1.1/statuses/update.json",
      {{"status", "Hello Ladies + Gentlemen, a signed OAuth request!"},
       {"include_entities", "true"},
       {"oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"},
       {"oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"},
       {"oauth_signature_method", "HMAC-SHA1"},
       {"oauth_timestamp", "1318622958"},
       {"oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"},
       {"oauth_version", "1.0"}},
      "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
      "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE");
  CHECK(sig == "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
}

TEST_CASE("x hosts: v2 lookups go to base_url, Ads calls to endpoints.ads and "
          "are signed for it",
          "[unit][twitter]") {
  auto a = make_twitter_adapter();
  auto ctx = context(1);
  ctx.settings.base_url = "https://api.x.com";
  std::vector<queued_request> rs{
      request(1, "c0", "get_users", {{"user_ids", json::array{"12"}}}),
      request(2, "c0", "get_campaigns")};
  auto sig_of = [](const upstream_call& c) {
    for (const auto& [k, v] : c.headers)
      if (k == "Authorization") return v;
    return std::string{};
  };
  // Without endpoints: everything on base_url (adbatch-sim's one port).
  auto one = a->make_plan(rs, ctx);
  REQUIRE(one.calls.size() == 2);
  std::string sig_base;
  for (const auto& c : one.calls)
    if (c.target.rfind("/12/", 0) == 0) {
      CHECK(c.base_url == "https://api.x.com");
      sig_base = sig_of(c);
    } else {
      CHECK(c.base_url.empty());
    }
  // Production: the Ads API on its own host; the signature covers it.
  ctx.settings.endpoints["ads"] = "https://ads-api.x.com";
  auto two = a->make_plan(rs, ctx);
  REQUIRE(two.calls.size() == 2);
  for (const auto& c : two.calls)
    if (c.target.rfind("/12/", 0) == 0) {
      CHECK(c.base_url == "https://ads-api.x.com");
      CHECK(sig_of(c) != sig_base);
    } else {
      CHECK(c.base_url.empty());
      CHECK(sig_of(c).rfind("Bearer ", 0) == 0);
    }
}
