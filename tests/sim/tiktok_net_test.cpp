// TikTok Business v1.3 simulator over loopback HTTP (suite 'net'): the
// requests the official SDK sends (JSON-array query parameters encoded by
// urllib, Access-Token header), through adbatch-sim's front end.

#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "net/http_client.hpp"
#include "sim/core/test_harness.hpp"
#include "sim/tiktok/tiktok_data.hpp"

using namespace adbatch;
namespace json = boost::json;

namespace {

sim::harness_options plain(double limit_scale, double time_scale = 1.0) {
  sim::harness_options o;
  o.tls = false;
  o.limit_scale = limit_scale;
  o.time_scale = time_scale;
  return o;
}

/// What urllib's urlencode makes of json.dumps(list): spaces become '+'.
std::string json_list(const std::vector<std::string>& ids) {
  std::string s = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? ", \"" : "\"") + ids[i] + "\"";
  s += "]";
  boost::urls::encoding_opts opt;
  opt.space_as_plus = true;
  return boost::urls::encode(s, boost::urls::unreserved_chars, opt);
}

json::object envelope(const net::client_result& r) {
  REQUIRE(r.ok());
  CHECK(r->status == 200);  // TikTok: HTTP 200 even for errors
  return json::parse(r->body).as_object();
}

const net::header_list token{{"Access-Token", "tt-test-token"}};

} // namespace

TEST_CASE("tiktok over HTTP: SDK-shaped calls, limits, counters", "[net][tiktok]") {
  sim::test_harness sim{"tiktok", plain(1000)};
  net::http_client c{sim.client_options()};
  auto base = sim.base_url("tiktok") + "/open_api/v1.3/";

  auto info = envelope(c.get(base + "advertiser/info/?advertiser_ids="
                               + json_list({sim::tiktok::advertiser_id(4), "42",
                                            sim::tiktok::advertiser_id(9)})
                               + "&fields=" + json_list({"advertiser_id", "name"}),
                             token));
  REQUIRE(info.at("code").as_int64() == 0);
  auto& list = info.at("data").at("list").as_array();
  REQUIRE(list.size() == 2);
  CHECK(list[0].at("advertiser_id").as_string() == sim::tiktok::advertiser_id(4));
  CHECK(list[1].at("name").as_string() == "Sim Advertiser 9");

  std::vector<std::string> many;
  for (int i = 1; i <= 101; ++i) many.push_back(sim::tiktok::advertiser_id(i));
  CHECK(envelope(c.get(base + "advertiser/info/?advertiser_ids=" + json_list(many), token))
          .at("code")
          .as_int64()
        == 40011);

  auto adv = sim::tiktok::advertiser_id(2);
  auto page = envelope(c.get(base + "campaign/get/?advertiser_id=" + adv + "&page=1&page_size=3",
                             token));
  REQUIRE(page.at("code").as_int64() == 0);
  CHECK(page.at("data").at("list").as_array().size() == 3);
  CHECK(page.at("data").at("page_info").at("total_number").as_int64()
        == sim::tiktok::campaign_count(42, 2));
  CHECK(envelope(c.get(base + "campaign/get/?advertiser_id=" + adv + "&page_size=1001", token))
          .at("code")
          .as_int64()
        == 40002);
  CHECK(envelope(c.get(base + "campaign/get/?advertiser_id=" + adv)).at("code").as_int64()
        == 40104);

  auto report = envelope(c.get(
    base + "report/integrated/get/?advertiser_id=" + adv
      + "&report_type=BASIC&data_level=AUCTION_AD&dimensions=" + json_list({"ad_id"})
      + "&metrics=" + json_list({"spend", "clicks"}) + "&query_lifetime=True&page_size=1000",
    token));
  REQUIRE(report.at("code").as_int64() == 0);
  auto ads = sim::tiktok::nodes_of(42, 2, 3);
  CHECK(report.at("data").at("list").as_array().size() == ads.size());

  auto counters = sim.server().counters("tiktok");
  CHECK(counters.endpoints["advertiser/info"].calls == 2);
  CHECK(counters.endpoints["advertiser/info"].items == 2);
  CHECK(counters.endpoints["advertiser/info"].errors == 1);
  CHECK(counters.endpoints["campaign/get"].calls == 3);
  CHECK(counters.endpoints["campaign/get"].items == 3);
  CHECK(counters.endpoints["report/integrated/get"].items
        == static_cast<std::int64_t>(ads.size()));
  CHECK(counters.total.throttles == 0);
}

TEST_CASE("tiktok over HTTP: a spent budget answers code 40100", "[net][tiktok]") {
  // 1 request per (100 s long) second: the second call is throttled.
  sim::test_harness sim{"tiktok", plain(0.01, 0.01)};
  net::http_client c{sim.client_options()};
  auto url = sim.base_url("tiktok") + "/open_api/v1.3/ad/get/?advertiser_id="
             + sim::tiktok::advertiser_id(1);
  CHECK(envelope(c.get(url, token)).at("code").as_int64() == 0);
  auto second = envelope(c.get(url, token));
  CHECK(second.at("code").as_int64() == 40100);
  CHECK(second.at("message").as_string() == "Requests made too frequently.");
  auto counters = sim.server().counters("tiktok");
  CHECK(counters.endpoints["ad/get"].calls == 2);
  CHECK(counters.endpoints["ad/get"].throttles == 1);
  sim.server().reset("tiktok");
  CHECK(envelope(c.get(url, token)).at("code").as_int64() == 0);
}
