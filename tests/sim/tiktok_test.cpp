// Contract tests of the TikTok Business v1.3 simulator, calling handle()
// directly (suite 'unit'). The loopback HTTP versions are in
// tiktok_net_test.cpp.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <set>

#include "sim/tiktok/tiktok_data.hpp"
#include "sim/tiktok/tiktok_platform.hpp"

using namespace adbatch::sim;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

http_request tt_get(std::string target, std::string token = "tok-1") {
  http_request r;
  r.method = "GET";
  r.target = std::move(target);
  if (!token.empty()) r.headers["access-token"] = token;  // any case works
  return r;
}

json::object body(const http_response& r) {
  REQUIRE(r.status == 200);  // TikTok answers HTTP 200 even on errors
  auto v = json::parse(r.body).as_object();
  REQUIRE(v.contains("code"));
  REQUIRE(v.contains("message"));
  REQUIRE(v.contains("request_id"));
  REQUIRE(v.contains("data"));
  return v;
}

std::int64_t code(const http_response& r) { return body(r).at("code").as_int64(); }

platform_options roomy() {
  platform_options o;
  o.limit_scale = 1000;  // budgets out of the way unless a test wants them
  return o;
}

const time_point t0{};

} // namespace

TEST_CASE("tiktok advertiser/info returns one entry per known id", "[tiktok]") {
  auto p = make_tiktok(roomy());
  auto a1 = tiktok::advertiser_id(1), a2 = tiktok::advertiser_id(2);
  // What Python's requests sends for json.dumps([...]): spaces as '+'.
  auto target = "/open_api/v1.3/advertiser/info/?advertiser_ids=%5B%22" + a1
                + "%22%2C+%22999%22%2C+%22" + a2 + "%22%5D&fields=%5B%22name%22%2C%22advertiser_id%22%5D";
  auto r = p->handle(tt_get(target), t0);
  auto b = body(r);
  CHECK(b.at("code").as_int64() == 0);
  auto& list = b.at("data").at("list").as_array();
  REQUIRE(list.size() == 2);
  CHECK(list[0].at("advertiser_id").as_string() == a1);
  CHECK(list[0].at("name").as_string() == "Sim Advertiser 1");
  CHECK(list[1].at("advertiser_id").as_string() == a2);
  CHECK(list[0].as_object().size() == 2);  // only the requested fields
  CHECK(r.acct.endpoint == "advertiser/info");
  CHECK(r.acct.items == 2);
  CHECK_FALSE(r.acct.error);

  // Raw brackets and quotes (curl users) are accepted too.
  auto raw = p->handle(tt_get("/open_api/v1.3/advertiser/info/?advertiser_ids=[\"" + a1 + "\"]"), t0);
  CHECK(body(raw).at("data").at("list").as_array().size() == 1);
}

TEST_CASE("tiktok limits and auth produce TikTok's codes", "[tiktok]") {
  auto p = make_tiktok(roomy());
  std::string ids = "[";
  for (int i = 1; i <= 101; ++i) ids += (i > 1 ? ",\"" : "\"") + tiktok::advertiser_id(i) + "\"";
  ids += "]";
  auto too_many = p->handle(tt_get("/open_api/v1.3/advertiser/info/?advertiser_ids=" + ids), t0);
  CHECK(code(too_many) == 40011);
  CHECK(too_many.acct.error);

  auto adv = tiktok::advertiser_id(3);
  CHECK(code(p->handle(tt_get("/open_api/v1.3/campaign/get/?advertiser_id=" + adv
                              + "&page_size=1001"), t0)) == 40002);
  CHECK(code(p->handle(tt_get("/open_api/v1.3/campaign/get/?advertiser_id=" + adv
                              + "&page_size=1000"), t0)) == 0);
  CHECK(code(p->handle(tt_get("/open_api/v1.3/campaign/get/?page_size=10"), t0)) == 40002);
  CHECK(code(p->handle(tt_get("/open_api/v1.3/campaign/get/?advertiser_id=123"), t0)) == 40001);
  CHECK(code(p->handle(tt_get("/open_api/v1.3/campaign/get/?advertiser_id=" + adv, ""), t0))
        == 40104);
  CHECK(code(p->handle(tt_get("/open_api/v1.3/campaign/get/?advertiser_id=" + adv, "invalid-x"),
                       t0)) == 40105);
  auto no_slash = p->handle(tt_get("/open_api/v1.3/campaign/get?advertiser_id=" + adv), t0);
  CHECK(no_slash.status == 404);
}

TEST_CASE("tiktok campaign/get pages and filters", "[tiktok]") {
  platform_options o = roomy();
  auto p = make_tiktok(o);
  int a = 7;
  auto adv = tiktok::advertiser_id(a);
  int n = tiktok::campaign_count(o.seed, a);
  std::set<std::string> seen;
  int pages = 0;
  for (int page = 1;; ++page) {
    auto b = body(p->handle(tt_get("/open_api/v1.3/campaign/get/?advertiser_id=" + adv
                                   + "&page_size=2&page=" + std::to_string(page)),
                            t0 + page * 1s));
    REQUIRE(b.at("code").as_int64() == 0);
    auto& pi = b.at("data").at("page_info").as_object();
    CHECK(pi.at("total_number").as_int64() == n);
    CHECK(pi.at("total_page").as_int64() == (n + 1) / 2);
    for (auto& c : b.at("data").at("list").as_array()) {
      CHECK(c.at("advertiser_id").as_string() == adv);
      seen.insert(json::value_to<std::string>(c.at("campaign_id")));
    }
    ++pages;
    if (page >= pi.at("total_page").as_int64()) break;
  }
  CHECK(static_cast<int>(seen.size()) == n);
  CHECK(pages == (n + 1) / 2);

  // filtering by campaign ids: only known ones of this advertiser come back.
  auto c1 = tiktok::campaign_id(a, 1), c2 = tiktok::campaign_id(a, 2);
  auto other = tiktok::campaign_id(a + 1, 1);
  auto f = "{\"campaign_ids\":[\"" + c1 + "\",\"" + c2 + "\",\"" + other + "\"]}";
  auto ad_r = p->handle(tt_get("/open_api/v1.3/adgroup/get/?advertiser_id=" + adv
                               + "&filtering=" + f + "&fields=[\"adgroup_id\",\"campaign_id\"]"),
                        t0 + 100s);
  auto b = body(ad_r);
  REQUIRE(b.at("code").as_int64() == 0);
  auto expected = tiktok::adgroup_count(o.seed, a, 1) + tiktok::adgroup_count(o.seed, a, 2);
  CHECK(static_cast<int>(b.at("data").at("list").as_array().size()) == expected);
  for (auto& g : b.at("data").at("list").as_array()) {
    auto cid = g.at("campaign_id").as_string();
    CHECK((cid == c1 || cid == c2));
  }
  CHECK(ad_r.acct.items == expected);
  CHECK(ad_r.acct.endpoint == "adgroup/get");
}

TEST_CASE("tiktok report/integrated/get rows match the request", "[tiktok]") {
  platform_options o = roomy();
  auto p = make_tiktok(o);
  int a = 5;
  auto adv = tiktok::advertiser_id(a);
  int n = tiktok::campaign_count(o.seed, a);
  auto target = "/open_api/v1.3/report/integrated/get/?advertiser_id=" + adv
                + "&report_type=BASIC&data_level=AUCTION_CAMPAIGN"
                  "&dimensions=%5B%22campaign_id%22%2C%22stat_time_day%22%5D"
                  "&metrics=%5B%22spend%22%2C%22impressions%22%2C%22campaign_name%22%5D"
                  "&start_date=2024-01-30&end_date=2024-02-01&page_size=1000";
  auto b = body(p->handle(tt_get(target), t0));
  REQUIRE(b.at("code").as_int64() == 0);
  auto& list = b.at("data").at("list").as_array();
  REQUIRE(static_cast<int>(list.size()) == n * 3);
  CHECK(b.at("data").at("page_info").at("total_number").as_int64() == n * 3);
  CHECK(list[0].at("dimensions").at("campaign_id").as_string() == tiktok::campaign_id(a, 1));
  CHECK(list[0].at("dimensions").at("stat_time_day").as_string() == "2024-01-30 00:00:00");
  CHECK(list[2].at("dimensions").at("stat_time_day").as_string() == "2024-02-01 00:00:00");
  CHECK(list[0].at("metrics").at("spend").is_string());  // TikTok sends strings
  CHECK(list[0].at("metrics").at("campaign_name").as_string() == "Campaign 5-1");

  // Same seed, same numbers; another seed, other numbers.
  auto again = body(make_tiktok(o)->handle(tt_get(target), t0));
  CHECK(json::serialize(again.at("data")) == json::serialize(b.at("data")));
  platform_options o2 = roomy();
  o2.seed = 7;
  auto other = body(make_tiktok(o2)->handle(tt_get(target), t0));
  CHECK(json::serialize(other.at("data")) != json::serialize(b.at("data")));

  // Required parameters.
  CHECK(code(p->handle(tt_get("/open_api/v1.3/report/integrated/get/?advertiser_id=" + adv
                              + "&report_type=BASIC&data_level=AUCTION_CAMPAIGN"
                                "&dimensions=[\"campaign_id\"]"), t0 + 1s)) == 40002);
  CHECK(code(p->handle(tt_get("/open_api/v1.3/report/integrated/get/?advertiser_id=" + adv
                              + "&report_type=BASIC&data_level=AUCTION_CAMPAIGN"
                                "&dimensions=[\"campaign_id\"]&query_lifetime=true"),
                       t0 + 2s)) == 0);
  // Python SDKs send booleans as "True".
  CHECK(code(p->handle(tt_get("/open_api/v1.3/report/integrated/get/?advertiser_id=" + adv
                              + "&report_type=BASIC&data_level=AUCTION_CAMPAIGN"
                                "&dimensions=[\"campaign_id\"]&query_lifetime=True"),
                       t0 + 3s)) == 0);
  // v1.3 report filtering: a list of {field_name, filter_type, filter_value}.
  auto filtered = body(p->handle(
    tt_get("/open_api/v1.3/report/integrated/get/?advertiser_id=" + adv
           + "&report_type=BASIC&data_level=AUCTION_AD&dimensions=[\"ad_id\"]"
             "&query_lifetime=true&filtering=" + "[{\"field_name\":\"campaign_ids\","
             "\"filter_type\":\"IN\",\"filter_value\":\"[\\\"" + tiktok::campaign_id(a, 2)
           + "\\\"]\"}]"),
    t0 + 4s));
  REQUIRE(filtered.at("code").as_int64() == 0);
  std::size_t ads_in_c2 = 0;
  for (const auto& nd : tiktok::nodes_of(o.seed, a, 3)) ads_in_c2 += nd.campaign == 2;
  CHECK(filtered.at("data").at("list").as_array().size() == ads_in_c2);
}

TEST_CASE("tiktok spent budgets answer 40100 / 40133", "[tiktok]") {
  platform_options o;
  o.limit_scale = 0.01;  // app: 1 per second, 6 per minute
  auto p = make_tiktok(o);
  auto adv = tiktok::advertiser_id(1);
  auto url = "/open_api/v1.3/campaign/get/?advertiser_id=" + adv;
  CHECK(code(p->handle(tt_get(url), t0)) == 0);
  auto second = p->handle(tt_get(url), t0 + 100ms);
  CHECK(code(second) == 40100);
  CHECK(second.acct.throttled);
  CHECK(second.acct.error);
  for (int s = 1; s < 6; ++s) CHECK(code(p->handle(tt_get(url), t0 + s * 1s)) == 0);
  CHECK(code(p->handle(tt_get(url), t0 + 6s)) == 40100);  // the minute is spent
  CHECK(code(p->handle(tt_get(url), t0 + 61s)) == 0);
  p->reset_limits();
  CHECK(code(p->handle(tt_get(url), t0 + 61s)) == 0);

  tiktok_options tt;
  tt.app_qps = 1000;
  tt.advertiser_qps = 2;
  auto q = make_tiktok(platform_options{}, tt);
  CHECK(code(q->handle(tt_get(url), t0)) == 0);
  CHECK(code(q->handle(tt_get(url), t0)) == 0);
  auto adv_throttled = q->handle(tt_get(url), t0);
  CHECK(code(adv_throttled) == 40133);
  CHECK(adv_throttled.acct.throttled);
  // another advertiser still has budget
  CHECK(code(q->handle(tt_get("/open_api/v1.3/campaign/get/?advertiser_id="
                              + tiktok::advertiser_id(2)), t0)) == 0);
}

TEST_CASE("tiktok faults use TikTok's codes", "[tiktok]") {
  auto p = make_tiktok(roomy());
  auto url = "/open_api/v1.3/ad/get/?advertiser_id=" + tiktok::advertiser_id(1);
  fault_profile f;
  f.throttle_storm = true;
  p->set_faults(f);
  CHECK(code(p->handle(tt_get(url), t0)) == 40100);
  f = {};
  f.error_rate = 1.0;
  p->set_faults(f);
  CHECK(code(p->handle(tt_get(url), t0)) == 50000);
  p->set_faults({});
  CHECK(code(p->handle(tt_get(url), t0)) == 0);
}
