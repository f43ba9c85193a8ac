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

// -- issue #9: ownership, creative library, audiences, Events API, units ----

namespace {

http_request tt_post(std::string target, std::string body, std::string token) {
  http_request r;
  r.method = "POST";
  r.target = std::move(target);
  r.headers["Access-Token"] = std::move(token);
  r.headers["Content-Type"] = "application/json";
  r.body = std::move(body);
  return r;
}

} // namespace

TEST_CASE("tiktok scoped tokens own every fifth advertiser", "[tiktok]") {
  auto p = make_tiktok(roomy());
  // org-1 owns advertisers 2, 7, 12, ...; org-1-anything too.
  auto get = [&](int a, const char* token) {
    return p->handle(tt_get("/open_api/v1.3/campaign/get/?advertiser_id="
                            + tiktok::advertiser_id(a), token), t0);
  };
  CHECK(code(get(2, "org-1")) == 0);
  CHECK(code(get(7, "org-1-tiktok")) == 0);
  auto refused = get(3, "org-1");
  CHECK(code(refused) == 40001);
  CHECK(body(refused).at("message").as_string()
        == "No permission to operate advertiser " + tiktok::advertiser_id(3) + ".");
  CHECK(refused.acct.quota_units == 1);  // past the throttle: spent
  CHECK(code(get(3, "tok-1")) == 0);     // unscoped tokens own everything
  // advertiser/info: one foreign id refuses the whole call, naming it.
  auto info = p->handle(tt_get("/open_api/v1.3/advertiser/info/?advertiser_ids=[\""
                               + tiktok::advertiser_id(2) + "\",\""
                               + tiktok::advertiser_id(4) + "\"]", "org-1"), t0);
  CHECK(code(info) == 40001);
  CHECK(std::string(body(info).at("message").as_string()).find(tiktok::advertiser_id(4))
        != std::string::npos);
  // Refused before the budget: nothing charged.
  CHECK(p->handle(tt_get("/open_api/v1.3/campaign/get/?advertiser_id=1", ""), t0)
            .acct.quota_units == 0);
}

TEST_CASE("tiktok creative library and audiences list, page and filter",
          "[tiktok]") {
  platform_options o = roomy();
  auto p = make_tiktok(o);
  int a = 3;
  auto adv = tiktok::advertiser_id(a);
  struct ep { const char* path; const char* id; int count; const char* key; };
  for (auto e : {ep{"file/image/ad/search/", "image_id", tiktok::image_count(o.seed, a), "image_ids"},
                 ep{"file/video/ad/search/", "video_id", tiktok::video_count(o.seed, a), "video_ids"},
                 ep{"dmp/saved_audience/list/", "saved_audience_id",
                    tiktok::saved_audience_count(o.seed, a), "saved_audience_ids"},
                 ep{"dmp/custom_audience/list/", "audience_id",
                    tiktok::custom_audience_count(o.seed, a), "custom_audience_ids"}}) {
    INFO(e.path);
    auto base = std::string("/open_api/v1.3/") + e.path + "?advertiser_id=" + adv;
    auto all = body(p->handle(tt_get(base + "&page_size=100"), t0));
    REQUIRE(all.at("code").as_int64() == 0);
    auto& list = all.at("data").at("list").as_array();
    CHECK(static_cast<int>(list.size()) == e.count);
    CHECK(all.at("data").at("page_info").at("total_number").as_int64() == e.count);
    auto first = std::string(list[0].at(e.id).as_string());
    bool top = std::string(e.path).rfind("dmp/", 0) == 0;
    auto filter = top ? "&" + std::string(e.key) + "=[\"" + first + "\"]"
                      : "&filtering={\"" + std::string(e.key) + "\":[\"" + first + "\"]}";
    auto one = body(p->handle(tt_get(base + filter + "&fields=[\"" + e.id + "\"]"), t0));
    REQUIRE(one.at("data").at("list").as_array().size() == 1);
    CHECK(one.at("data").at("list").as_array()[0].as_object().size() == 1);
    CHECK(code(p->handle(tt_get(base + "&page_size=101"), t0)) == 40002);
    if (top)  // no `filtering` there: ignored, as TikTok ignores unknown parameters
      CHECK(body(p->handle(tt_get(base + "&filtering={\"nope\":[]}"), t0))
                .at("data").at("list").as_array().size() == list.size());
    else
      CHECK(code(p->handle(tt_get(base + "&filtering={\"nope\":[]}"), t0)) == 40002);
  }
  // Ads carry their creative: a video and an image of their advertiser.
  auto ads = body(p->handle(
      tt_get("/open_api/v1.3/ad/get/?advertiser_id=" + adv + "&page_size=1000"), t0));
  auto ad = ads.at("data").at("list").as_array()[0].as_object();
  CHECK(std::string(ad.at("video_id").as_string()).rfind("v-3-", 0) == 0);
  CHECK(std::string(ad.at("image_ids").as_array()[0].as_string()).rfind("img-3-", 0) == 0);
}

TEST_CASE("tiktok event/track takes events for an owned pixel", "[tiktok]") {
  auto p = make_tiktok(roomy());
  auto url = "/open_api/v1.3/event/track/";
  auto ev = R"({"event":"ViewContent","event_time":1767225600,"event_id":"e1"})";
  auto ok = p->handle(tt_post(url, std::string(R"({"event_source":"web","event_source_id":"CSIM2P1","data":[)")
                                       + ev + "," + ev + "]}", "org-1"), t0);
  CHECK(code(ok) == 0);
  CHECK(ok.acct.endpoint == "event/track");
  CHECK(ok.acct.items == 2);
  CHECK(ok.acct.quota_units == 1);
  CHECK(code(p->handle(tt_post(url, std::string(R"({"event_source":"web","event_source_id":"CSIM3P1","data":[)")
                                        + ev + "]}", "org-1"), t0)) == 40001);
  CHECK(code(p->handle(tt_post(url, R"({"event_source":"web","event_source_id":"CSIM2P1","data":[]})",
                               "org-1"), t0)) == 40002);
  CHECK(code(p->handle(tt_post(url, R"({"event_source":"web","event_source_id":"CSIM2P1",
                                       "data":[{"event":"A","event_time":"x"}]})", "org-1"), t0))
        == 40002);
  CHECK(code(p->handle(tt_post(url, "not json", "org-1"), t0)) == 40002);
  CHECK(p->handle(tt_get(url, "org-1"), t0).status == 405);
  fault_profile f;
  f.partial_batch_rate = 1.0;
  p->set_faults(f);
  auto partial = p->handle(tt_post(url, std::string(R"({"event_source":"web","event_source_id":"CSIM2P1","data":[)")
                                            + ev + "]}", "org-1"), t0);
  CHECK(code(partial) == 20001);
  CHECK(body(partial).at("data").at("failed_events").as_array()[0].at("index").as_int64() == 0);
}

TEST_CASE("tiktok range totals equal the sum of the daily values", "[tiktok]") {
  platform_options o = roomy();
  auto p = make_tiktok(o);
  auto adv = tiktok::advertiser_id(5);
  auto base = "/open_api/v1.3/report/integrated/get/?advertiser_id=" + adv
              + "&report_type=BASIC&data_level=AUCTION_CAMPAIGN&page_size=1000"
                "&metrics=[\"impressions\",\"clicks\",\"spend\",\"ctr\"]"
                "&start_date=2026-01-01&end_date=2026-01-07";
  auto daily = body(p->handle(tt_get(base + "&dimensions=[\"campaign_id\",\"stat_time_day\"]"), t0));
  auto total = body(p->handle(tt_get(base + "&dimensions=[\"campaign_id\"]"), t0));
  auto& days = daily.at("data").at("list").as_array();
  auto& tot = total.at("data").at("list").as_array();
  REQUIRE(days.size() == tot.size() * 7);
  std::int64_t imp = 0, clk = 0;
  double spend = 0;
  for (std::size_t i = 0; i < 7; ++i) {
    const auto& m = days[i].at("metrics");
    imp += std::stoll(std::string(m.at("impressions").as_string()));
    clk += std::stoll(std::string(m.at("clicks").as_string()));
    spend += std::stod(std::string(m.at("spend").as_string()));
  }
  const auto& m = tot[0].at("metrics");
  CHECK(std::stoll(std::string(m.at("impressions").as_string())) == imp);
  CHECK(std::stoll(std::string(m.at("clicks").as_string())) == clk);
  CHECK(std::stod(std::string(m.at("spend").as_string())) == Approx(spend));
  char ctr[32];
  std::snprintf(ctr, sizeof ctr, "%.2f", 100.0 * static_cast<double>(clk) / static_cast<double>(imp));
  CHECK(m.at("ctr").as_string() == ctr);
}
