// Contract tests of the Snapchat Marketing API simulator, calling handle()
// directly (suite 'unit'). The loopback HTTP versions are in
// snapchat_net_test.cpp.

#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <boost/url/url_view.hpp>

#include <set>

#include "sim/snapchat/snapchat_data.hpp"
#include "sim/snapchat/snapchat_platform.hpp"

using namespace adbatch::sim;
using snapchat::kind;
using snapchat::node;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

http_request sc_get(std::string target, std::string auth = "Bearer tok-1") {
  http_request r;
  r.method = "GET";
  r.target = std::move(target);
  if (!auth.empty()) r.headers["AUTHORIZATION"] = auth;
  return r;
}

json::object body(const http_response& r) { return json::parse(r.body).as_object(); }

platform_options roomy() {
  platform_options o;
  o.limit_scale = 1000;
  o.public_base_url = "http://127.0.0.1:18106";
  return o;
}

void check_error(const http_response& r, int status) {
  CHECK(r.status == status);
  auto b = body(r);
  CHECK(b.at("request_status").as_string() == "ERROR");
  CHECK(b.contains("request_id"));
  CHECK(b.contains("debug_message"));
  CHECK(b.contains("display_message"));
  CHECK(b.contains("error_code"));
  CHECK(r.acct.error);
}

const time_point t0{};

} // namespace

TEST_CASE("snapchat organizations embed their ad accounts", "[snapchat]") {
  auto o = roomy();
  auto p = make_snapchat(o);
  auto r = p->handle(sc_get("/v1/me/organizations?with_ad_accounts=true"), t0);
  REQUIRE(r.status == 200);
  auto b = body(r);
  CHECK(b.at("request_status").as_string() == "SUCCESS");
  auto& orgs = b.at("organizations").as_array();
  REQUIRE(orgs.size() == snapchat::org_count);
  for (std::size_t i = 0; i < orgs.size(); ++i) {
    CHECK(orgs[i].at("sub_request_status").as_string() == "SUCCESS");
    auto& org = orgs[i].at("organization").as_object();
    int idx = static_cast<int>(i) + 1;
    CHECK(org.at("id").as_string() == snapchat::id_of(o.seed, {kind::organization, idx}));
    auto& accounts = org.at("ad_accounts").as_array();
    CHECK(static_cast<int>(accounts.size()) == snapchat::account_count(o.seed, idx));
    for (auto& a : accounts) CHECK(a.at("organization_id") == org.at("id"));
  }
  CHECK(r.acct.endpoint == "me/organizations");
  CHECK(r.acct.items == snapchat::org_count);
  // Without the flag, no nested accounts.
  auto plain = body(p->handle(sc_get("/v1/me/organizations"), t0));
  CHECK_FALSE(plain.at("organizations").as_array()[0].at("organization").as_object().contains(
    "ad_accounts"));
}

TEST_CASE("snapchat pages with limit and absolute next_link", "[snapchat]") {
  auto o = roomy();
  auto p = make_snapchat(o);
  node acct{kind::adaccount, 1, 3};
  auto acct_id = snapchat::id_of(o.seed, acct);
  int n = snapchat::campaign_count(o.seed, 1, 3);
  std::string target = "/v1/adaccounts/" + acct_id + "/campaigns?limit=50";
  std::set<std::string> seen;
  int pages = 0;
  while (true) {
    auto r = p->handle(sc_get(target), t0 + pages * 1s);
    REQUIRE(r.status == 200);
    auto b = body(r);
    for (auto& c : b.at("campaigns").as_array()) {
      CHECK(c.at("sub_request_status").as_string() == "SUCCESS");
      CHECK(c.at("campaign").at("ad_account_id").as_string() == acct_id);
      seen.insert(json::value_to<std::string>(c.at("campaign").at("id")));
    }
    CHECK(r.acct.endpoint == "adaccounts/campaigns");
    ++pages;
    auto* paging = b.if_contains("paging");
    if (!paging || !paging->as_object().contains("next_link")) break;
    auto link = json::value_to<std::string>(paging->at("next_link"));
    REQUIRE(link.rfind("http://127.0.0.1:18106/v1/adaccounts/", 0) == 0);
    boost::urls::url_view u(link);
    target = std::string(u.encoded_target());
    REQUIRE(pages < 10);
  }
  CHECK(static_cast<int>(seen.size()) == n);
  CHECK(pages == (n + 49) / 50);

  // Organization 1 has 120 ad accounts: three pages of 50.
  auto org = snapchat::id_of(o.seed, {kind::organization, 1});
  auto first = body(p->handle(sc_get("/v1/organizations/" + org + "/adaccounts?limit=50"), t0));
  CHECK(first.at("adaccounts").as_array().size() == 50);
  CHECK(first.at("paging").as_object().contains("next_link"));

  // limit outside 50..1000 and bad cursors: 400 error envelope.
  check_error(p->handle(sc_get("/v1/adaccounts/" + acct_id + "/campaigns?limit=49"), t0), 400);
  check_error(p->handle(sc_get("/v1/adaccounts/" + acct_id + "/campaigns?limit=1001"), t0),
              400);
  check_error(p->handle(sc_get("/v1/adaccounts/" + acct_id + "/campaigns?limit=50&cursor=zz"),
                        t0),
              400);
  CHECK(p->handle(sc_get("/v1/adaccounts/" + acct_id + "/campaigns?limit=1000"), t0).status
        == 200);
}

TEST_CASE("snapchat single objects, children and unknown ids", "[snapchat]") {
  auto o = roomy();
  auto p = make_snapchat(o);
  node camp{kind::campaign, 2, 1, 4};
  auto camp_id = snapchat::id_of(o.seed, camp);
  auto one = body(p->handle(sc_get("/v1/campaigns/" + camp_id), t0));
  auto& items = one.at("campaigns").as_array();
  REQUIRE(items.size() == 1);
  CHECK(items[0].at("campaign").at("id").as_string() == camp_id);

  auto squads = p->handle(sc_get("/v1/campaigns/" + camp_id + "/adsquads"), t0);
  REQUIRE(squads.status == 200);
  auto sb = body(squads);
  CHECK(static_cast<int>(sb.at("adsquads").as_array().size())
        == snapchat::squad_count(o.seed, 2, 1, 4));
  for (auto& s : sb.at("adsquads").as_array())
    CHECK(s.at("adsquad").at("campaign_id").as_string() == camp_id);
  CHECK(squads.acct.items == snapchat::squad_count(o.seed, 2, 1, 4));

  auto acct_id = snapchat::id_of(o.seed, {kind::adaccount, 2, 1});
  auto ads = body(p->handle(sc_get("/v1/adaccounts/" + acct_id + "/ads"), t0));
  CHECK(ads.at("ads").as_array().size()
        == snapchat::children(o.seed, {kind::adaccount, 2, 1}, kind::ad).size());

  check_error(p->handle(sc_get("/v1/campaigns/00000000-0000-4000-8000-000000000000"), t0), 404);
  check_error(p->handle(sc_get("/v1/adaccounts/" + camp_id), t0), 404);  // wrong type
  check_error(p->handle(sc_get("/v1/campaigns/" + camp_id, ""), t0), 401);
  check_error(p->handle(sc_get("/v1/campaigns/" + camp_id, "Bearer invalid-1"), t0), 401);
  check_error(p->handle(sc_get("/v1/nothing/here"), t0), 404);

  // Same seed, same bytes (apart from request ids).
  auto a = body(make_snapchat(o)->handle(sc_get("/v1/campaigns/" + camp_id), t0));
  CHECK(a.at("campaigns") == one.at("campaigns"));
}

TEST_CASE("snapchat stats shapes", "[snapchat]") {
  auto o = roomy();
  auto p = make_snapchat(o);
  node camp{kind::campaign, 1, 2, 3};
  auto camp_id = snapchat::id_of(o.seed, camp);
  auto total = p->handle(sc_get("/v1/campaigns/" + camp_id + "/stats?fields=impressions,swipes,spend"), t0);
  REQUIRE(total.status == 200);
  auto tb = body(total);
  auto& ts = tb.at("total_stats").as_array();
  REQUIRE(ts.size() == 1);
  auto& stat = ts[0].at("total_stat").as_object();
  CHECK(stat.at("id").as_string() == camp_id);
  CHECK(stat.at("type").as_string() == "CAMPAIGN");
  CHECK(stat.at("stats").at("impressions").is_int64());
  CHECK(stat.at("stats").as_object().size() == 3);
  CHECK(total.acct.endpoint == "campaigns/stats");

  auto day = p->handle(sc_get("/v1/campaigns/" + camp_id
                              + "/stats?granularity=DAY&start_time=2024-03-01T00:00:00.000-08:00"
                                "&end_time=2024-03-04T00:00:00.000-08:00&breakdown=ad"),
                       t0);
  REQUIRE(day.status == 200);
  auto db = body(day);
  auto& series = db.at("timeseries_stats").as_array()[0].at("timeseries_stat").as_object();
  CHECK(series.at("granularity").as_string() == "DAY");
  auto& per_ad = series.at("breakdown_stats").at("ad").as_array();
  auto ads = snapchat::children(o.seed, camp, kind::ad);
  REQUIRE(per_ad.size() == ads.size());
  CHECK(per_ad[0].at("id").as_string() == snapchat::id_of(o.seed, ads[0]));
  auto& points = per_ad[0].at("timeseries").as_array();
  REQUIRE(points.size() == 3);
  CHECK(points[0].at("start_time").as_string() == "2024-03-01T00:00:00.000-08:00");
  CHECK(points[2].at("end_time").as_string() == "2024-03-04T00:00:00.000-08:00");
  CHECK(day.acct.items == static_cast<std::int64_t>(ads.size() * 3));

  // A raw '+' in the offset arrives as a space after form decoding.
  auto plus = p->handle(sc_get("/v1/campaigns/" + camp_id
                               + "/stats?granularity=HOUR&start_time=2024-03-01T00:00:00+01:00"
                                 "&end_time=2024-03-01T03:00:00+01:00"),
                        t0);
  REQUIRE(plus.status == 200);
  auto plus_body = body(plus);
  auto& hours = plus_body.at("timeseries_stats").as_array()[0].at("timeseries_stat").at(
    "timeseries").as_array();
  REQUIRE(hours.size() == 3);
  CHECK(hours[1].at("start_time").as_string() == "2024-03-01T01:00:00.000+01:00");
  check_error(p->handle(sc_get("/v1/campaigns/" + camp_id + "/stats?granularity=DAY"), t0), 400);
  check_error(p->handle(sc_get("/v1/campaigns/" + camp_id + "/stats?granularity=WEEK"), t0), 400);
  check_error(p->handle(sc_get("/v1/campaigns/" + camp_id
                               + "/stats?granularity=HOUR&start_time=2024-03-01T00:00:00Z"
                                 "&end_time=2024-03-20T00:00:00Z"),
                        t0),
              400);
}

TEST_CASE("snapchat answers 429 past its per-second budgets", "[snapchat]") {
  platform_options o;
  o.limit_scale = 0.2;  // app 4/s, token 2/s
  auto p = make_snapchat(o);
  auto org = snapchat::id_of(o.seed, {kind::organization, 2});
  auto url = "/v1/organizations/" + org;
  CHECK(p->handle(sc_get(url), t0).status == 200);
  CHECK(p->handle(sc_get(url), t0).status == 200);
  auto r = p->handle(sc_get(url), t0);
  check_error(r, 429);
  CHECK(r.acct.throttled);
  CHECK(p->handle(sc_get(url, "Bearer tok-2"), t0).status == 200);
  CHECK(p->handle(sc_get(url, "Bearer tok-2"), t0).status == 200);
  CHECK(p->handle(sc_get(url, "Bearer tok-3"), t0).status == 429);  // app spent
  CHECK(p->handle(sc_get(url), t0 + 1s).status == 200);
  p->reset_limits();
  CHECK(p->handle(sc_get(url), t0 + 1s).status == 200);

  fault_profile f;
  f.throttle_storm = true;
  p->set_faults(f);
  CHECK(p->handle(sc_get(url), t0 + 5s).status == 429);
  f = {};
  f.error_rate = 1.0;
  p->set_faults(f);
  check_error(p->handle(sc_get(url), t0 + 6s), 500);
  f = {};
  f.partial_batch_rate = 1.0;
  p->set_faults(f);
  auto partial = body(p->handle(sc_get(url), t0 + 7s));
  CHECK(partial.at("organizations").as_array()[0].at("sub_request_status").as_string()
        == "ERROR");
}

TEST_CASE("snapchat tokens org-<k> own organizations (i - 1) % 5 == k % 5",
          "[snapchat]") {
  auto o = roomy();
  auto p = make_snapchat(o);
  auto orgs = body(p->handle(sc_get("/v1/me/organizations", "Bearer org-7-snapchat"), t0));
  auto& list = orgs.at("organizations").as_array();
  REQUIRE(list.size() == 2);  // organizations 3 and 8
  CHECK(list[0].at("organization").at("id").as_string()
        == snapchat::id_of(o.seed, {kind::organization, 3}));
  CHECK(list[1].at("organization").at("id").as_string()
        == snapchat::id_of(o.seed, {kind::organization, 8}));
  auto mine = snapchat::id_of(o.seed, {kind::adaccount, 3, 1});
  auto theirs = snapchat::id_of(o.seed, {kind::adaccount, 4, 1});
  CHECK(p->handle(sc_get("/v1/adaccounts/" + mine + "/campaigns", "Bearer org-7"), t0).status
        == 200);
  auto denied = p->handle(sc_get("/v1/adaccounts/" + theirs + "/campaigns", "Bearer org-7"), t0);
  check_error(denied, 403);
  CHECK(body(denied).at("error_code").as_string() == "E3002");
  CHECK(denied.acct.quota_units == 1);
  // Unscoped tokens see everything (the contract tests' tokens).
  CHECK(p->handle(sc_get("/v1/adaccounts/" + theirs + "/campaigns"), t0).status == 200);
  CHECK(snapchat::owns_org("org-12", 3));
  CHECK_FALSE(snapchat::owns_org("org-12", 4));
  CHECK(snapchat::owns_org("orgx-12", 4));
}

TEST_CASE("snapchat creatives, media, audience segments and pixels of an ad "
          "account",
          "[snapchat]") {
  auto o = roomy();
  auto p = make_snapchat(o);
  node acct{kind::adaccount, 2, 1};
  auto acct_id = snapchat::id_of(o.seed, acct);
  struct coll {
    const char* plural;
    const char* singular;
    kind k;
  };
  for (auto c : {coll{"creatives", "creative", kind::creative},
                 coll{"media", "media", kind::media},
                 coll{"segments", "segment", kind::segment},
                 coll{"pixels", "pixel", kind::pixel}}) {
    INFO(c.plural);
    auto r = p->handle(sc_get("/v1/adaccounts/" + acct_id + "/" + c.plural), t0);
    REQUIRE(r.status == 200);
    auto b = body(r);
    auto& items = b.at(c.plural).as_array();
    auto n = snapchat::asset_count(o.seed, c.k, 2, 1);
    REQUIRE(static_cast<int>(items.size()) == n);
    CHECK(r.acct.items == n);
    CHECK(r.acct.endpoint == std::string{"adaccounts/"} + c.plural);
    auto& first = items[0].at(c.singular).as_object();
    CHECK(first.at("ad_account_id").as_string() == acct_id);
    auto one_id = std::string{first.at("id").as_string()};
    CHECK(snapchat::parse_id(o.seed, one_id, c.k).has_value());
    CHECK_FALSE(snapchat::parse_id(o.seed, one_id, kind::campaign).has_value());
    auto one = body(p->handle(sc_get(std::string{"/v1/"} + c.plural + "/" + one_id), t0));
    CHECK(one.at(c.plural).as_array()[0].at(c.singular) == first);
    // Past the last index: unknown.
    node past{c.k, 2, 1, 0, 0, 0, n + 1};
    check_error(
      p->handle(sc_get(std::string{"/v1/"} + c.plural + "/" + snapchat::id_of(o.seed, past)), t0),
      404);
  }
  CHECK(snapchat::asset_count(o.seed, kind::pixel, 2, 1) == 1);
  // An ad's creative is a creative of its ad account.
  auto ad = snapchat::object_of(o.seed, {kind::ad, 2, 1, 1, 1, 1});
  auto creative = snapchat::parse_id(o.seed, ad.at("creative_id").as_string(), kind::creative);
  REQUIRE(creative.has_value());
  CHECK(creative->account == 1);
  check_error(p->handle(sc_get("/v1/campaigns/" + snapchat::id_of(o.seed, {kind::campaign, 2, 1, 1})
                               + "/creatives"),
                        t0),
              404);
}

TEST_CASE("snapchat targeting options", "[snapchat]") {
  auto o = roomy();
  auto p = make_snapchat(o);
  auto r = p->handle(sc_get("/v1/targeting/geo/country"), t0);
  REQUIRE(r.status == 200);
  auto b = body(r);
  auto& items = b.at("targeting_dimensions").as_array();
  REQUIRE(items.size() == 12);
  CHECK(items[0].at("country").at("id").as_string() == "us");
  CHECK(r.acct.endpoint == "targeting/country");
  CHECK(body(p->handle(sc_get("/v1/targeting/interests/scls"), t0))
          .at("targeting_dimensions").as_array().size() == 30);
  check_error(p->handle(sc_get("/v1/targeting/geo/planet"), t0), 400);
  check_error(p->handle(sc_get("/v1/targeting/geo"), t0), 404);
}

TEST_CASE("snapchat stats: a TOTAL over days is the sum of the daily values; "
          "pixels have stats",
          "[snapchat]") {
  auto o = roomy();
  auto p = make_snapchat(o);
  auto acct_id = snapchat::id_of(o.seed, {kind::adaccount, 2, 1});
  auto range = std::string{"&start_time=2026-03-01T00:00:00Z&end_time=2026-03-08T00:00:00Z"};
  auto day = body(p->handle(
    sc_get("/v1/adaccounts/" + acct_id + "/stats?granularity=DAY&breakdown=campaign"
           "&fields=impressions,spend" + range),
    t0));
  auto total = body(p->handle(
    sc_get("/v1/adaccounts/" + acct_id + "/stats?granularity=TOTAL&breakdown=campaign"
           "&fields=impressions,spend" + range),
    t0));
  auto& days = day.at("timeseries_stats").as_array()[0].at("timeseries_stat").at(
    "breakdown_stats").at("campaign").as_array();
  auto& totals = total.at("total_stats").as_array()[0].at("total_stat").at(
    "breakdown_stats").at("campaign").as_array();
  REQUIRE(days.size() == totals.size());
  REQUIRE(days.size() == snapchat::children(o.seed, {kind::adaccount, 2, 1}, kind::campaign).size());
  for (std::size_t i = 0; i < days.size(); ++i) {
    std::int64_t imp = 0, spend = 0;
    auto& ts = days[i].at("timeseries").as_array();
    REQUIRE(ts.size() == 7);
    for (auto& pt : ts) {
      imp += pt.at("stats").at("impressions").as_int64();
      spend += pt.at("stats").at("spend").as_int64();
    }
    CHECK(totals[i].at("stats").at("impressions").as_int64() == imp);
    CHECK(totals[i].at("stats").at("spend").as_int64() == spend);
  }
  auto pixel = snapchat::id_of(o.seed, {kind::pixel, 2, 1, 0, 0, 0, 1});
  auto pr = p->handle(sc_get("/v1/pixels/" + pixel + "/stats?granularity=DAY&fields=purchase"
                             + range),
                      t0);
  REQUIRE(pr.status == 200);
  auto pb = body(pr);
  auto& stat = pb.at("timeseries_stats").as_array()[0].at("timeseries_stat").as_object();
  CHECK(stat.at("type").as_string() == "PIXEL");
  CHECK(stat.at("timeseries").as_array().size() == 7);
  check_error(p->handle(sc_get("/v1/pixels/" + pixel + "/stats?breakdown=ad" + range), t0), 400);
  check_error(p->handle(sc_get("/v1/creatives/"
                               + snapchat::id_of(o.seed, {kind::creative, 2, 1, 0, 0, 0, 1})
                               + "/stats"),
                        t0),
              404);
}

TEST_CASE("snapchat counts units only for calls that spent the budget; "
          "failed list items name their id",
          "[snapchat]") {
  auto o = roomy();
  auto p = make_snapchat(o);
  auto acct_id = snapchat::id_of(o.seed, {kind::adaccount, 2, 1});
  auto ok = p->handle(sc_get("/v1/adaccounts/" + acct_id + "/pixels"), t0);
  CHECK(ok.acct.quota_units == 1);
  auto unauth = p->handle(sc_get("/v1/adaccounts/" + acct_id + "/pixels", ""), t0);
  CHECK(unauth.acct.quota_units == 0);
  fault_profile f;
  f.throttle_storm = true;
  p->set_faults(f);
  auto throttled = p->handle(sc_get("/v1/adaccounts/" + acct_id + "/pixels"), t0);
  CHECK(throttled.status == 429);
  CHECK(throttled.acct.quota_units == 0);
  f = {};
  f.partial_batch_rate = 1.0;
  p->set_faults(f);
  auto partial = body(p->handle(sc_get("/v1/adaccounts/" + acct_id + "/media"), t0));
  auto& item = partial.at("media").as_array()[0].as_object();
  CHECK(item.at("sub_request_status").as_string() == "ERROR");
  CHECK(item.at("media").at("id").as_string()
        == snapchat::id_of(o.seed, {kind::media, 2, 1, 0, 0, 0, 1}));
}
