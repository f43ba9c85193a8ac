// Snapchat Marketing API simulator over loopback HTTP (suite 'net'):
// organizations with ad accounts, following absolute next_links, the error
// envelope for a bad limit, 429 past the per-token budget, counters.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "net/http_client.hpp"
#include "sim/core/test_harness.hpp"
#include "sim/snapchat/snapchat_data.hpp"

using namespace adbatch;
namespace json = boost::json;
using sim::snapchat::kind;

namespace {

sim::harness_options plain(double limit_scale, double time_scale = 1.0) {
  sim::harness_options o;
  o.tls = false;
  o.limit_scale = limit_scale;
  o.time_scale = time_scale;
  return o;
}

const net::header_list bearer{{"Authorization", "Bearer snap-test"}};

json::object ok_body(const net::client_result& r) {
  REQUIRE(r.ok());
  REQUIRE(r->status == 200);
  auto b = json::parse(r->body).as_object();
  CHECK(b.at("request_status").as_string() == "SUCCESS");
  return b;
}

} // namespace

TEST_CASE("snapchat over HTTP: orgs, next_link paging, errors, counters",
          "[net][snapchat]") {
  sim::test_harness sim{"snapchat", plain(1000)};
  net::http_client c{sim.client_options()};
  auto base = sim.base_url("snapchat");

  auto orgs = ok_body(c.get(base + "/v1/me/organizations?with_ad_accounts=true", bearer));
  auto& list = orgs.at("organizations").as_array();
  REQUIRE(list.size() == sim::snapchat::org_count);
  auto& accounts = list[0].at("organization").at("ad_accounts").as_array();
  CHECK(accounts.size() == 120);

  // Follow next_link from the first organization's ad accounts to the end.
  std::string url = base + "/v1/organizations/"
                    + json::value_to<std::string>(list[0].at("organization").at("id"))
                    + "/adaccounts?limit=50";
  std::size_t seen = 0;
  int pages = 0;
  while (true) {
    auto b = ok_body(c.get(url, bearer));
    seen += b.at("adaccounts").as_array().size();
    ++pages;
    auto* paging = b.if_contains("paging");
    if (!paging || !paging->as_object().contains("next_link")) break;
    url = json::value_to<std::string>(paging->at("next_link"));
    REQUIRE(url.rfind(base, 0) == 0);  // absolute, on this port
    REQUIRE(pages < 5);
  }
  CHECK(seen == 120);
  CHECK(pages == 3);

  auto bad = c.get(base + "/v1/organizations/"
                     + json::value_to<std::string>(list[0].at("organization").at("id"))
                     + "/adaccounts?limit=20",
                   bearer);
  REQUIRE(bad.ok());
  CHECK(bad->status == 400);
  auto eb = json::parse(bad->body).as_object();
  CHECK(eb.at("request_status").as_string() == "ERROR");
  CHECK(eb.contains("debug_message"));
  CHECK(eb.contains("display_message"));
  CHECK(eb.contains("error_code"));

  auto unauth = c.get(base + "/v1/me/organizations");
  REQUIRE(unauth.ok());
  CHECK(unauth->status == 401);

  auto counters = sim.server().counters("snapchat");
  CHECK(counters.endpoints["me/organizations"].calls == 2);
  CHECK(counters.endpoints["me/organizations"].items == sim::snapchat::org_count);
  CHECK(counters.endpoints["organizations/adaccounts"].calls == 4);
  CHECK(counters.endpoints["organizations/adaccounts"].items == 120);
  CHECK(counters.endpoints["organizations/adaccounts"].errors == 1);
}

TEST_CASE("snapchat over HTTP: a spent token budget answers 429", "[net][snapchat]") {
  // token budget 1 per (100 s long) second; the app's is 2.
  sim::test_harness sim{"snapchat", plain(0.1, 0.01)};
  net::http_client c{sim.client_options()};
  auto url = sim.base_url("snapchat") + "/v1/me/organizations";
  ok_body(c.get(url, bearer));
  auto r = c.get(url, bearer);
  REQUIRE(r.ok());
  CHECK(r->status == 429);
  CHECK(json::parse(r->body).at("request_status").as_string() == "ERROR");
  ok_body(c.get(url, {{"Authorization", "Bearer other-token"}}));
  auto counters = sim.server().counters("snapchat");
  CHECK(counters.endpoints["me/organizations"].calls == 3);
  CHECK(counters.endpoints["me/organizations"].throttles == 1);
}
