// Contract tests of the X API v2 simulator, calling handle() directly
// (suite 'unit'). The loopback HTTP versions are in twitter_net_test.cpp.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "sim/twitter/twitter_data.hpp"
#include "sim/twitter/twitter_platform.hpp"

using namespace adbatch::sim;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

http_request x_get(std::string target, std::string auth = "Bearer app-token") {
  http_request r;
  r.method = "GET";
  r.target = std::move(target);
  if (!auth.empty()) r.headers["authorization"] = auth;
  return r;
}

json::object body(const http_response& r) { return json::parse(r.body).as_object(); }

std::string header(const http_response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

twitter_options fixed_epoch() {
  twitter_options tw;
  tw.epoch_origin = 1700000000;
  return tw;
}

const time_point t0{};

} // namespace

TEST_CASE("x users lookup returns data, includes and per-id errors", "[twitter]") {
  auto p = make_twitter(platform_options{}, fixed_epoch());
  auto u1 = twitter::user_id(1), u2 = twitter::user_id(42);
  auto r = p->handle(x_get("/2/users?ids=" + u1 + "%2C" + "999" + "," + u2
                           + "&user.fields=created_at,public_metrics"),
                     t0);
  REQUIRE(r.status == 200);
  auto b = body(r);
  auto& data = b.at("data").as_array();
  REQUIRE(data.size() == 2);
  CHECK(data[0].at("id").as_string() == u1);
  CHECK(data[0].at("username").as_string() == "sim1");
  CHECK(data[1].at("id").as_string() == u2);
  CHECK(data[1].at("name").as_string() == "Sim User 42");
  CHECK(data[0].as_object().contains("public_metrics"));
  CHECK_FALSE(data[0].as_object().contains("description"));
  auto& errors = b.at("errors").as_array();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].at("value").as_string() == "999");
  CHECK(errors[0].at("resource_id").as_string() == "999");
  CHECK(errors[0].at("title").as_string() == "Not Found Error");
  CHECK(errors[0].at("resource_type").as_string() == "user");
  CHECK(errors[0].at("parameter").as_string() == "ids");
  CHECK(errors[0].at("type").as_string()
        == "https://api.twitter.com/2/problems/resource-not-found");
  CHECK(r.acct.endpoint == "users");
  CHECK(r.acct.items == 2);
  CHECK_FALSE(r.acct.error);

  // None found: no data key at all.
  auto none = body(p->handle(x_get("/2/users?ids=5,6"), t0));
  CHECK_FALSE(none.contains("data"));
  CHECK(none.at("errors").as_array().size() == 2);

  // By usernames (case-insensitive) and single lookups.
  auto by = body(p->handle(x_get("/2/users/by?usernames=SIM7,nobody_here"), t0));
  CHECK(by.at("data").as_array()[0].at("id").as_string() == twitter::user_id(7));
  CHECK(by.at("errors").as_array()[0].at("parameter").as_string() == "usernames");
  auto one = body(p->handle(x_get("/2/users/" + u2), t0));
  CHECK(one.at("data").at("id").as_string() == u2);
  auto missing = p->handle(x_get("/2/users/12345"), t0);
  CHECK(missing.status == 200);
  CHECK(body(missing).at("errors").as_array()[0].at("parameter").as_string() == "id");
  auto byname = body(p->handle(x_get("/2/users/by/username/sim9"), t0));
  CHECK(byname.at("data").at("id").as_string() == twitter::user_id(9));
}

TEST_CASE("x tweets lookup expands authors", "[twitter]") {
  platform_options o;
  auto p = make_twitter(o, fixed_epoch());
  std::string ids;
  for (std::int64_t k : {5, 6, 1000005}) ids += (ids.empty() ? "" : ",") + twitter::tweet_id(k);
  auto r = p->handle(x_get("/2/tweets?ids=" + ids
                           + "&expansions=author_id&tweet.fields=created_at&user.fields=username"),
                     t0);
  REQUIRE(r.status == 200);
  auto b = body(r);
  auto& data = b.at("data").as_array();
  REQUIRE(data.size() == 3);
  for (auto& t : data) {
    auto k = *twitter::tweet_index(t.at("id").as_string());
    CHECK(t.at("author_id").as_string() == twitter::user_id(twitter::author_of(k)));
    CHECK(t.as_object().contains("edit_history_tweet_ids"));
    CHECK(t.as_object().contains("created_at"));
  }
  // tweets 5 and 1000005 share an author: it is included once.
  auto& users = b.at("includes").at("users").as_array();
  CHECK(users.size() == 2);
  CHECK(users[0].at("id").as_string() == twitter::user_id(5));
  CHECK(r.acct.endpoint == "tweets");
  CHECK(r.acct.items == 3);

  auto single = body(p->handle(x_get("/2/tweets/" + twitter::tweet_id(77)), t0));
  CHECK(single.at("data").at("text").as_string() == "Simulated post 77 by @sim77");

  // Determinism: same seed, same answer.
  auto again = make_twitter(o, fixed_epoch())->handle(x_get("/2/tweets?ids=" + ids), t0);
  auto first = make_twitter(o, fixed_epoch())->handle(x_get("/2/tweets?ids=" + ids), t0);
  CHECK(again.body == first.body);
}

TEST_CASE("x rejects bad requests with its problem shapes", "[twitter]") {
  auto p = make_twitter(platform_options{}, fixed_epoch());
  std::string ids;
  for (int i = 1; i <= 101; ++i) ids += (i > 1 ? "," : "") + twitter::user_id(i);
  auto too_many = p->handle(x_get("/2/users?ids=" + ids), t0);
  CHECK(too_many.status == 400);
  auto b = body(too_many);
  CHECK(b.at("title").as_string() == "Invalid Request");
  CHECK(b.at("detail").as_string() == "One or more parameters to your request was invalid.");
  CHECK(b.at("type").as_string() == "https://api.twitter.com/2/problems/invalid-request");
  CHECK(b.at("errors").as_array()[0].at("parameters").as_object().contains("ids"));
  CHECK(too_many.acct.error);

  CHECK(p->handle(x_get("/2/users?ids=" + twitter::user_id(1) + ",abc"), t0).status == 400);
  CHECK(p->handle(x_get("/2/users"), t0).status == 400);
  CHECK(p->handle(x_get("/2/users?ids=1&user.fields=bogus"), t0).status == 400);
  CHECK(p->handle(x_get("/2/users?ids=1&foo=bar"), t0).status == 400);
  // Invalid UTF-8 echoed in a message still gives valid JSON.
  auto bad_bytes = p->handle(x_get("/2/users?ids=%FF%FE"), t0);
  CHECK(bad_bytes.status == 400);
  boost::system::error_code ec;
  json::parse(bad_bytes.body, ec);
  CHECK_FALSE(ec);
  std::string names;
  for (int i = 1; i <= 101; ++i) names += (i > 1 ? "," : "") + twitter::username(i);
  CHECK(p->handle(x_get("/2/users/by?usernames=" + names), t0).status == 400);
  CHECK(p->handle(x_get("/2/tweets?ids=" + ids), t0).status == 400);

  auto unauth = p->handle(x_get("/2/users?ids=1", ""), t0);
  CHECK(unauth.status == 401);
  CHECK(body(unauth).at("title").as_string() == "Unauthorized");
  CHECK(p->handle(x_get("/2/users?ids=1", "Bearer invalid"), t0).status == 401);
  // OAuth 1.0a user context is accepted.
  CHECK(p->handle(x_get("/2/users?ids=1", "OAuth oauth_consumer_key=\"k\", oauth_token=\"u-1\""),
                  t0).status == 200);
}

TEST_CASE("x rate-limit headers and 429 when a window is spent", "[twitter]") {
  platform_options o;
  o.limit_scale = 0.01;  // 3 per 15 min for the app, 9 for a user
  auto p = make_twitter(o, fixed_epoch());
  auto url = "/2/users?ids=" + twitter::user_id(1);
  auto r1 = p->handle(x_get(url), t0);
  CHECK(header(r1, "x-rate-limit-limit") == "3");
  CHECK(header(r1, "x-rate-limit-remaining") == "2");
  CHECK(header(r1, "x-rate-limit-reset") == "1700000900");
  auto r2 = p->handle(x_get(url), t0 + 60s);
  CHECK(header(r2, "x-rate-limit-remaining") == "1");
  CHECK(header(r2, "x-rate-limit-reset") == "1700000900");
  CHECK(p->handle(x_get(url), t0 + 61s).status == 200);
  auto r4 = p->handle(x_get(url), t0 + 62s);
  CHECK(r4.status == 429);
  CHECK(header(r4, "x-rate-limit-remaining") == "0");
  auto b = body(r4);
  CHECK(b.at("errors").as_array()[0].at("code").as_int64() == 88);
  CHECK(r4.acct.throttled);
  // Other endpoints have their own windows; the window reopens after 15 min.
  CHECK(p->handle(x_get("/2/users/" + twitter::user_id(1)), t0 + 62s).status == 200);
  CHECK(p->handle(x_get(url), t0 + 900s).status == 200);
  // Users have their own (bigger) budget.
  for (int i = 0; i < 9; ++i)
    CHECK(p->handle(x_get(url, "OAuth oauth_token=\"u\""), t0 + 901s).status == 200);
  CHECK(p->handle(x_get(url, "OAuth oauth_token=\"u\""), t0 + 901s).status == 429);

  twitter_options tw = fixed_epoch();
  tw.throttle = twitter_options::throttle_body::problem;
  auto q = make_twitter(o, tw);
  for (int i = 0; i < 3; ++i) q->handle(x_get(url), t0);
  auto pr = q->handle(x_get(url), t0);
  REQUIRE(pr.status == 429);
  CHECK(body(pr).at("title").as_string() == "Too Many Requests");
  CHECK(body(pr).at("status").as_int64() == 429);
}

TEST_CASE("x faults use X's signals", "[twitter]") {
  auto p = make_twitter(platform_options{}, fixed_epoch());
  auto url = "/2/tweets?ids=" + twitter::tweet_id(1) + "," + twitter::tweet_id(2);
  fault_profile f;
  f.throttle_storm = true;
  p->set_faults(f);
  CHECK(p->handle(x_get(url), t0).status == 429);
  f = {};
  f.error_rate = 1.0;
  p->set_faults(f);
  CHECK(p->handle(x_get(url), t0).status == 503);
  f = {};
  f.partial_batch_rate = 1.0;
  p->set_faults(f);
  auto partial = body(p->handle(x_get(url), t0));
  CHECK_FALSE(partial.contains("data"));
  CHECK(partial.at("errors").as_array()[0].at("title").as_string() == "Authorization Error");
}

// -- X Ads API v12 --------------------------------------------------------------

#include "sim/twitter/twitter_ads.hpp"

namespace {

namespace xads = adbatch::sim::twitter::ads;

http_request ads_req(std::string method, std::string target,
                     std::string token = "org-0-twitter") {
  http_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers["authorization"] =
    "OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"n\", oauth_signature=\"s\", "
    "oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_token=\""
    + token + "\", oauth_version=\"1.0\"";
  return r;
}

} // namespace

TEST_CASE("x ads: accounts the user reaches, lists with count, cursor and filters",
          "[twitter][ads]") {
  auto p = make_twitter(platform_options{}, fixed_epoch());
  auto r = p->handle(ads_req("GET", "/12/accounts?count=3"), t0);
  REQUIRE(r.status == 200);
  auto b = body(r);
  REQUIRE(b.at("data").as_array().size() == 3);
  CHECK(b.at("next_cursor").is_string());
  CHECK(b.at("request").at("params").at("count").as_string() == "3");
  for (const auto& a : b.at("data").as_array()) {
    auto idx = xads::account_index(a.at("id").as_string());
    REQUIRE(idx);
    CHECK((*idx - 1) % 5 == 0);
  }
  auto next = p->handle(
    ads_req("GET", "/12/accounts?count=1000&cursor="
                     + std::string(b.at("next_cursor").as_string())),
    t0);
  CHECK(body(next).at("data").as_array().size() == 40 - 3);
  CHECK(body(next).at("next_cursor").is_null());
  CHECK(!header(next, "x-rate-limit-remaining").empty());

  auto acc = xads::account_id(1);
  auto all = p->handle(ads_req("GET", "/12/accounts/" + acc + "/campaigns?count=1000"), t0);
  REQUIRE(all.status == 200);
  auto camps = body(all).at("data").as_array();
  CHECK(static_cast<int>(camps.size()) == xads::campaign_count(42, 1));
  CHECK(all.acct.items == static_cast<std::int64_t>(camps.size()));
  auto first = std::string(camps[0].at("id").as_string());
  auto li = p->handle(
    ads_req("GET", "/12/accounts/" + acc + "/line_items?campaign_ids=" + first), t0);
  auto li_body = body(li);
  for (const auto& l : li_body.at("data").as_array())
    CHECK(l.at("campaign_id").as_string() == first);
  auto tc = p->handle(ads_req("GET", "/12/accounts/" + acc + "/targeting_criteria"), t0);
  CHECK(tc.status == 400);
  CHECK(body(tc).at("errors").at(0).at("code").as_string() == "MISSING_PARAMETER");

  auto foreign = p->handle(ads_req("GET", "/12/accounts/" + xads::account_id(2) + "/cards"), t0);
  CHECK(foreign.status == 403);
  CHECK(body(foreign).at("errors").at(0).at("code").as_string()
        == "UNAUTHORIZED_CLIENT_APPLICATION");
  auto bearer = x_get("/12/accounts");
  CHECK(p->handle(bearer, t0).status == 401);
}

TEST_CASE("x ads: synchronous stats: 20 ids, 7 days, totals are sums of days",
          "[twitter][ads]") {
  auto p = make_twitter(platform_options{}, fixed_epoch());
  auto acc = xads::account_id(1);
  auto camps = xads::list(42, xads::kind::campaign, 1);
  auto ids = xads::id_of(camps[0]) + "," + xads::id_of(camps[1]);
  auto q = [&](std::string gran, std::string start, std::string end) {
    return "/12/stats/accounts/" + acc + "?entity=CAMPAIGN&entity_ids=" + ids + "&start_time="
           + start + "&end_time=" + end + "&granularity=" + gran
           + "&metric_groups=ENGAGEMENT,BILLING&placement=ALL_ON_TWITTER";
  };
  auto day = p->handle(ads_req("GET", q("DAY", "2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z")), t0);
  REQUIRE(day.status == 200);
  auto total =
    p->handle(ads_req("GET", q("TOTAL", "2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z")), t0);
  REQUIRE(total.status == 200);
  auto d = body(day), t = body(total);
  CHECK(d.at("time_series_length").as_int64() == 3);
  for (std::size_t i = 0; i < 2; ++i)
    for (const auto& [m, series] : d.at("data").at(i).at("id_data").at(0).at("metrics").as_object()) {
      std::int64_t sum = 0;
      for (const auto& v : series.as_array()) sum += v.as_int64();
      CHECK(t.at("data").at(i).at("id_data").at(0).at("metrics").at(m).at(0).as_int64() == sum);
    }
  CHECK(!header(day, "x-account-rate-limit-limit").empty());
  auto week = p->handle(ads_req("GET", q("DAY", "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z")), t0);
  CHECK(week.status == 400);
  auto hour = p->handle(ads_req("GET", q("DAY", "2026-11-01T05:00:00Z", "2026-11-03T00:00:00Z")), t0);
  CHECK(hour.status == 400);
  auto other = xads::id_of(xads::list(42, xads::kind::campaign, 6)[0]);
  auto bad = p->handle(
    ads_req("GET", "/12/stats/accounts/" + acc + "?entity=CAMPAIGN&entity_ids=" + other
                     + "&start_time=2026-11-01T00:00:00Z&end_time=2026-11-02T00:00:00Z"
                       "&granularity=DAY&metric_groups=ENGAGEMENT&placement=ALL_ON_TWITTER"),
    t0);
  CHECK(bad.status == 400);
  CHECK(body(bad).at("errors").at(0).at("message").as_string().find(other) != std::string::npos);
}

TEST_CASE("x ads: async stats jobs are created, polled and their file fetched",
          "[twitter][ads]") {
  auto p = make_twitter(platform_options{}, fixed_epoch());
  auto acc = xads::account_id(1);
  auto camp = xads::id_of(xads::list(42, xads::kind::campaign, 1)[0]);
  auto created = p->handle(
    ads_req("POST", "/12/stats/jobs/accounts/" + acc + "?entity=CAMPAIGN&entity_ids=" + camp
                      + "&start_time=2026-09-01T00:00:00Z&end_time=2026-11-01T00:00:00Z"
                        "&granularity=DAY&metric_groups=ENGAGEMENT&placement=ALL_ON_TWITTER"),
    t0);
  REQUIRE(created.status == 200);
  auto job = body(created).at("data").as_object();
  CHECK(job.at("status").as_string() == "PROCESSING");
  auto id = std::string(job.at("id_str").as_string());
  auto poll = p->handle(ads_req("GET", "/12/stats/jobs/accounts/" + acc + "?job_ids=" + id),
                        t0 + 10s);
  auto polled = body(poll).at("data").at(0).as_object();
  REQUIRE(polled.at("status").as_string() == "SUCCESS");
  std::string url(polled.at("url").as_string());
  auto path = url.substr(url.find("/advertiser-api-async-analytics/"));
  http_request get;
  get.method = "GET";
  get.target = path;
  auto file = p->handle(get, t0 + 11s);
  REQUIRE(file.status == 200);
  CHECK(body(file).at("time_series_length").as_int64() == 61);
  CHECK(body(file).at("data").at(0).at("id").as_string() == camp);
}

TEST_CASE("x ads: a spent window answers 429 TOO_MANY_REQUESTS and charges nothing",
          "[twitter][ads]") {
  auto tw = fixed_epoch();
  tw.ads_limit = 2;
  auto p = make_twitter(platform_options{}, tw);
  auto path = "/12/accounts/" + xads::account_id(1) + "/cards";
  CHECK(p->handle(ads_req("GET", path), t0).status == 200);
  auto second = p->handle(ads_req("GET", path), t0);
  CHECK(second.status == 200);
  CHECK(header(second, "x-rate-limit-remaining") == "0");
  auto third = p->handle(ads_req("GET", path), t0);
  CHECK(third.status == 429);
  CHECK(body(third).at("errors").at(0).at("code").as_string() == "TOO_MANY_REQUESTS");
  CHECK(third.acct.throttled);
  CHECK(third.acct.quota_units == 0);
  CHECK(header(third, "x-rate-limit-reset") == std::to_string(1700000000 + 900));
  // Another user has its own window.
  CHECK(p->handle(ads_req("GET", path, "tok-2"), t0).status == 200);
}
