// LinkedIn simulator contract tests over loopback HTTP (sim::test_harness),
// the way an official client talks to it: raw Rest.li 2.0 URLs, headers in
// any case, query tunnelling, and the front end's counters.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>

#include <boost/json/parse.hpp>

#include "net/http_client.hpp"
#include "sim/core/test_harness.hpp"
#include "sim/linkedin/linkedin_data.hpp"

using namespace adbatch;
namespace json = boost::json;
using sim::linkedin::account_base;

namespace {

// The simulator's default active version is the current UTC month.
std::string current_version() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m", &tm);
  return buf;
}

net::header_list headers(std::string version = current_version()) {
  net::header_list h{{"Authorization", "Bearer loopback-token"},
                     {"x-restli-protocol-version", "2.0.0"}};
  if (!version.empty()) h.emplace_back("linkedin-version", version);
  return h;
}

std::string acct_urn(int i) {
  return "urn%3Ali%3AsponsoredAccount%3A" + std::to_string(account_base + i);
}

} // namespace

TEST_CASE("linkedin over loopback: BATCH_GET, errors, tunnelling, analytics, counters",
          "[linkedin][net]") {
  sim::test_harness sim{"linkedin"};
  net::http_client c{sim.client_options()};
  auto base = sim.base_url("linkedin") + "/rest";

  // BATCH_GET with URN keys, one missing.
  auto h = headers();
  h.emplace_back("X-RestLi-Method", "BATCH_GET");
  auto batch = c.get(base + "/adAccounts?ids=List(" + acct_urn(0) + "," + acct_urn(1)
                       + ",urn%3Ali%3AsponsoredAccount%3A1)", h);
  REQUIRE(batch.ok());
  REQUIRE(batch->status == 200);
  auto body = json::parse(batch->body).as_object();
  CHECK(body["results"].as_object().size() == 2);
  CHECK(body["results"].as_object().contains(acct_urn(1)));
  CHECK(body["errors"].at("urn%3Ali%3AsponsoredAccount%3A1").at("status").as_int64() == 404);

  // Missing / sunset version.
  auto missing = c.get(base + "/adAccounts/" + std::to_string(account_base), headers(""));
  REQUIRE(missing.ok());
  CHECK(missing->status == 400);
  CHECK(json::parse(missing->body).at("code").as_string() == "VERSION_MISSING");
  auto sunset = c.get(base + "/adAccounts/" + std::to_string(account_base), headers("202001"));
  REQUIRE(sunset.ok());
  CHECK(sunset->status == 426);
  CHECK(json::parse(sunset->body).at("message").as_string() == "Requested version 20200101 is not active");

  // Query tunnelling (what the clients do above ~4000 characters).
  std::string query = "q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY"
                      "&dateRange=(start:(year:2024,month:3,day:1),end:(year:2024,month:3,day:2))"
                      "&accounts=List(";
  for (int i = 0; i < 5; ++i) query += (i ? "," : "") + acct_urn(i);
  query += ")&fields=impressions,clicks,costInUsd";
  auto direct = c.get(base + "/adAnalytics?" + query, headers());
  auto th = headers();
  th.emplace_back("X-HTTP-Method-Override", "GET");
  auto tunnelled = c.post(base + "/adAnalytics", query, "application/x-www-form-urlencoded", th);
  REQUIRE(direct.ok());
  REQUIRE(tunnelled.ok());
  REQUIRE(direct->status == 200);
  CHECK(tunnelled->status == 200);
  CHECK(tunnelled->body == direct->body);
  auto analytics = json::parse(direct->body).as_object();
  CHECK(analytics["elements"].as_array().size() == 5 * 6 * 2);

  // Counters at GET /__sim/stats match what was served.
  auto counters = sim.server().counters("linkedin");
  CHECK(counters.endpoints["adAccounts:batch_get"].calls == 1);
  CHECK(counters.endpoints["adAccounts:batch_get"].items == 3);
  CHECK(counters.endpoints["adAnalytics:analytics"].calls == 2);
  CHECK(counters.endpoints["adAnalytics:analytics"].items == 2 * 60);
  CHECK(counters.endpoints["adAccounts"].errors == 2);  // version errors
  CHECK(counters.total.quota_units == 3);
}

TEST_CASE("linkedin over loopback: 429 once the member's day is spent",
          "[linkedin][net]") {
  sim::harness_options o;
  o.limit_scale = 0.0001;  // member 2 calls/day, application 10
  sim::test_harness sim{"linkedin", o};
  net::http_client c{sim.client_options()};
  auto url = sim.base_url("linkedin") + "/rest/adAccounts/" + std::to_string(account_base);
  CHECK(c.get(url, headers())->status == 200);
  CHECK(c.get(url, headers())->status == 200);
  auto r = c.get(url, headers());
  REQUIRE(r.ok());
  CHECK(r->status == 429);
  CHECK(json::parse(r->body).at("status").as_int64() == 429);
  auto counters = sim.server().counters("linkedin");
  CHECK(counters.total.throttles == 1);
  CHECK(counters.total.quota_units == 2);
}

// Hidden (run with `test_sim_linkedin "[linkedin-bench]"`): prints how many
// BATCH_GETs of 100 keys and adAnalytics calls one client gets through over
// loopback. Measures, asserts nothing about speed.
TEST_CASE("linkedin loopback throughput", "[.][linkedin-bench]") {
  sim::test_harness sim{"linkedin"};
  net::http_client c{sim.client_options()};
  auto base = sim.base_url("linkedin") + "/rest";
  std::string ids;
  for (int i = 0; i < 100; ++i) ids += (i ? "," : "") + acct_urn(i % 25);
  auto h = headers();
  auto run = [&](const std::string& url, int n) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      auto r = c.get(url, h);
      REQUIRE(r.ok());
      REQUIRE(r->status == 200);
    }
    std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    return n / dt.count();
  };
  auto batch_rate = run(base + "/adAccounts?ids=List(" + ids + ")", 2000);
  std::string accounts;
  for (int i = 0; i < 20; ++i) accounts += (i ? "," : "") + acct_urn(i);
  auto analytics_rate = run(base + "/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY"
                                   "&dateRange=(start:(year:2024,month:1,day:1),end:(year:2024,month:1,day:31))"
                                   "&accounts=List(" + accounts + ")&fields=impressions,clicks,costInUsd",
                            200);
  std::printf("linkedin loopback: %.0f BATCH_GET(100 keys)/s, %.0f adAnalytics(20 accounts x 31 days = 3720 rows)/s\n",
              batch_rate, analytics_rate);
}
