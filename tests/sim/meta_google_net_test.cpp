// Contract tests of the Meta and Google Ads simulators over loopback HTTP
// (suite 'net'): the same calls a real client makes, through adbatch-sim's
// front end on ephemeral 127.0.0.1 ports, checked against the documented
// shapes, limits, throttles and the /__sim counters.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>

#include "net/http_client.hpp"
#include "sim/core/test_harness.hpp"
#include "sim/google/google_platform.hpp"
#include "sim/meta/sim_util.hpp"

using namespace adbatch;
namespace json = boost::json;

namespace {

sim::harness_options plain(double limit_scale = 1.0, std::uint64_t seed = 42) {
  sim::harness_options o;
  o.tls = false;
  o.limit_scale = limit_scale;
  o.seed = seed;
  return o;
}

json::value body_of(const net::client_result& r) {
  REQUIRE(r.ok());
  return json::parse(r->body);
}

std::string form(const sim::detail::param_list& p) { return sim::detail::encode_params(p); }

json::array ops(int n, const std::string& url) {
  json::array a;
  for (int i = 0; i < n; ++i) a.push_back(json::object{{"method", "GET"}, {"relative_url", url}});
  return a;
}

constexpr const char* form_type = "application/x-www-form-urlencoded";

net::header_list google_headers(std::string login = {}) {
  net::header_list h{{"Authorization", "Bearer ya29.test"}, {"developer-token", "devtok"}};
  if (!login.empty()) h.emplace_back("login-customer-id", login);
  return h;
}

} // namespace

TEST_CASE("meta over HTTP: batch, ids, paging, errors, counters", "[net][meta]") {
  sim::test_harness sim{"meta", plain()};
  net::http_client c{sim.client_options()};
  auto base = sim.base_url("meta");

  // Batch of three: in order, per-op code/headers/body, usage headers on the HTTP answer.
  json::array batch{
    json::object{{"method", "GET"}, {"relative_url", "act_10000000000001?fields=name,currency"}},
    json::object{{"method", "GET"}, {"relative_url", "act_10000000000001/campaigns?fields=name&limit=2"}},
    json::object{{"method", "GET"}, {"relative_url", "123"}},
  };
  auto r = c.post(base + "/v21.0/", form({{"access_token", "tok"}, {"batch", json::serialize(batch)}}), form_type);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->header("X-App-Usage"));
  CHECK(r->header("X-Business-Use-Case-Usage"));
  auto arr = body_of(r).as_array();
  REQUIRE(arr.size() == 3);
  CHECK(arr[0].at("code").as_int64() == 200);
  CHECK(json::parse(arr[0].at("body").as_string()).at("id").as_string() == "act_10000000000001");
  CHECK(json::parse(arr[1].at("body").as_string()).at("data").as_array().size() == 2);
  CHECK(arr[2].at("code").as_int64() == 400);

  // 51 operations -> the documented error.
  r = c.post(base + "/v21.0", form({{"access_token", "tok"}, {"batch", json::serialize(ops(51, "me"))}}), form_type);
  REQUIRE(r.ok());
  CHECK(r->status == 400);
  CHECK(body_of(r).at("error").at("message").as_string() == "(#100) Too many requests in batch message. Maximum batch size is 50");
  // Missing access_token.
  r = c.post(base + "/v21.0/", form({{"batch", json::serialize(ops(1, "me"))}}), form_type);
  CHECK(r->status == 400);
  CHECK(body_of(r).at("error").at("type").as_string() == "OAuthException");
  // ids=: keyed by id; 51 ids -> error; Authorization header carries the token.
  r = c.get(base + "/v21.0/?ids=act_10000000000001,act_10000000000002&fields=name",
            {{"Authorization", "Bearer tok"}});
  CHECK(r->status == 200);
  CHECK(body_of(r).as_object().size() == 2);
  std::string ids;
  for (int i = 0; i < 51; ++i) ids += (i ? "," : "") + std::string("act_10000000000001");
  r = c.get(base + "/v21.0/?ids=" + ids + "&access_token=tok");
  CHECK(r->status == 400);
  CHECK(body_of(r).at("error").at("code").as_int64() == 100);

  // paging.next is an absolute URL on this server; following it works.
  r = c.get(base + "/v21.0/act_10000000000001/ads?fields=name&limit=2&access_token=tok");
  auto page = body_of(r).as_object();
  REQUIRE(page.at("paging").as_object().contains("next"));
  auto next = std::string(page.at("paging").at("next").as_string());
  CHECK(next.rfind(base + "/v21.0/", 0) == 0);
  auto r2 = c.get(next);
  CHECK(r2->status == 200);
  CHECK(body_of(r2).at("data").as_array()[0].at("id") != page.at("data").as_array()[0].at("id"));

  // Counters: 2 batch ops charged (the unknown object is refused before
  // charging), 2 ids as 2 (51 ids: refused).
  auto counters = sim.server().counters("meta");
  CHECK(counters.endpoints["batch"].quota_units == 2);
  CHECK(counters.endpoints["batch"].items == 3);
  CHECK(counters.endpoints["ids"].quota_units == 2);
  CHECK(counters.endpoints["ids"].errors >= 1);
}

TEST_CASE("meta over HTTP: spent BUC budget throttles with 80004", "[net][meta]") {
  sim::test_harness sim{"meta", plain(0.0005)};  // BUC budget: 1 call/h
  net::http_client c{sim.client_options()};
  auto url = sim.base_url("meta") + "/v21.0/act_10000000000004?access_token=tok";
  CHECK(c.get(url)->status == 200);
  auto r = c.get(url);
  REQUIRE(r.ok());
  CHECK(r->status == 400);
  auto e = body_of(r).at("error").as_object();
  CHECK(e.at("code").as_int64() == 80004);
  CHECK(e.at("error_subcode").as_int64() == 2446079);
  auto buc = json::parse(*r->header("X-Business-Use-Case-Usage")).as_object();
  CHECK(buc.at("10000000000004").as_array()[0].at("estimated_time_to_regain_access").as_int64() > 0);
  CHECK(sim.server().counters("meta").total.throttles == 1);
}

TEST_CASE("meta over HTTP: same seed, same data", "[net][meta]") {
  sim::test_harness a{"meta", plain(1.0, 9)};
  sim::test_harness b{"meta", plain(1.0, 9)};
  net::http_client c{a.client_options()};
  auto path = std::string("/v21.0/act_10000000000005/campaigns?fields=name,status,daily_budget&access_token=t");
  auto ra = c.get(a.base_url("meta") + path);
  auto rb = c.get(b.base_url("meta") + path);
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  CHECK(body_of(ra).at("data") == body_of(rb).at("data"));
}

TEST_CASE("meta over HTTP: ownership, root expansion, quota_units in stats", "[net][meta]") {
  sim::test_harness sim{"meta", plain()};
  net::http_client c{sim.client_options()};
  auto base = sim.base_url("meta");
  const std::string token = "org-3-loopback";  // accounts 4, 9, 14, 19; page 4; business 4

  auto r = c.get(base + "/v21.0/me?"
                   + form({{"fields", "accounts.limit(100){id,name,instagram_business_account{id,username}},"
                                      "adaccounts.limit(100){id,name,adspixels.limit(100){id,name}},"
                                      "businesses.limit(100){id,name,owned_product_catalogs.limit(100){id,name},"
                                      "owned_whatsapp_business_accounts.limit(100){id,name}}"}}),
                 {{"Authorization", "OAuth " + token}});
  REQUIRE(r.ok());
  REQUIRE(r->status == 200);
  auto me = body_of(r).as_object();
  std::vector<std::string> accounts;
  for (const auto& a : me.at("adaccounts").at("data").as_array()) {
    accounts.emplace_back(a.at("id").as_string());
    CHECK(!a.at("adspixels").at("data").as_array().empty());
  }
  CHECK(accounts == std::vector<std::string>{"act_10000000000004", "act_10000000000009",
                                             "act_10000000000014", "act_10000000000019"});
  REQUIRE(me.at("accounts").at("data").as_array().size() == 1);
  CHECK(me.at("accounts").at("data").as_array()[0].at("id").as_string() == "12400000400000000");
  REQUIRE(me.at("businesses").at("data").as_array().size() == 1);
  auto biz = me.at("businesses").at("data").as_array()[0].as_object();
  CHECK(biz.at("id").as_string() == "13100000400000000");
  CHECK(!biz.at("owned_product_catalogs").at("data").as_array().empty());
  CHECK(!biz.at("owned_whatsapp_business_accounts").at("data").as_array().empty());

  // Ad account expansion and insights?ids= in one call each.
  r = c.get(base + "/v21.0/act_10000000000009?"
            + form({{"fields", "campaigns.limit(500){id,name},adsets.limit(500){id,name},ads.limit(500){id,name}"},
                    {"access_token", token}}));
  REQUIRE(r->status == 200);
  std::string camps;
  auto expanded = body_of(r);
  for (const auto& cp : expanded.at("campaigns").at("data").as_array())
    camps += (camps.empty() ? "" : ",") + std::string(cp.at("id").as_string());
  auto n_camps = static_cast<std::int64_t>(std::count(camps.begin(), camps.end(), ',') + 1);
  r = c.get(base + "/v21.0/insights?ids=" + camps
            + "&fields=impressions,spend&time_range=%7B%22since%22%3A%222026-01-01%22%2C%22until%22%3A%222026-01-07%22%7D"
            + "&access_token=" + token);
  REQUIRE(r->status == 200);
  CHECK(static_cast<std::int64_t>(body_of(r).as_object().size()) == n_camps);

  // Not owned: like unknown, and free.
  r = c.get(base + "/v21.0/?ids=act_10000000000004,act_10000000000005&access_token=" + token);
  CHECK(r->status == 404);
  CHECK(body_of(r).at("error").at("code").as_int64() == 803);
  r = c.get(base + "/v21.0/act_10000000000005/campaigns?access_token=" + token);
  CHECK(r->status == 400);
  CHECK(body_of(r).at("error").at("error_subcode").as_int64() == 33);

  auto stats = body_of(c.get(sim.control_url() + "/__sim/stats")).at("platforms").at("meta");
  INFO(json::serialize(stats));
  CHECK(stats.at("quota_units").as_int64() == 2 + n_camps);
  CHECK(stats.at("endpoints").at("ids").at("quota_units").as_int64() == n_camps);
  auto counters = sim.server().counters("meta");
  CHECK(counters.endpoints["node"].quota_units == 2);
  CHECK(counters.endpoints["ids"].quota_units == n_camps);
  CHECK(counters.total.quota_units == 2 + n_camps);
  CHECK(counters.total.calls == 5);
}

TEST_CASE("google over HTTP: searchStream, errors, mutate limit, counters", "[net][google]") {
  sim::test_harness sim{"google", plain()};
  net::http_client c{sim.client_options()};
  auto base = sim.base_url("google");
  auto stream = base + "/v21/customers/1000000001/googleAds:searchStream";

  auto r = c.post(stream, json::serialize(json::object{{"query", "SELECT campaign.id, campaign.name, metrics.clicks FROM campaign WHERE segments.date DURING LAST_30_DAYS"}}),
                  "application/json", google_headers());
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->header("request-id"));
  auto batches = body_of(r).as_array();
  REQUIRE(!batches.empty());
  CHECK(batches[0].at("fieldMask").as_string() == "campaign.id,campaign.name,metrics.clicks");
  auto rows = batches[0].at("results").as_array();
  REQUIRE(!rows.empty());
  CHECK(rows[0].at("campaign").at("resourceName").as_string().starts_with("customers/1000000001/campaigns/"));

  // Missing developer-token.
  r = c.post(stream, R"({"query":"SELECT customer.id FROM customer"})", "application/json",
             {{"Authorization", "Bearer x"}});
  CHECK(r->status == 400);
  CHECK(r->body.find("DEVELOPER_TOKEN_PARAMETER_MISSING") != std::string::npos);
  // Bad GAQL.
  r = c.post(base + "/v21/customers/1000000001/googleAds:search", R"({"query":"SELECT FROM campaign"})",
             "application/json", google_headers());
  CHECK(r->status == 400);
  auto err = body_of(r).at("error").as_object();
  CHECK(err.at("status").as_string() == "INVALID_ARGUMENT");
  CHECK(err.at("details").as_array()[0].at("errors").as_array()[0].at("errorCode").as_object().contains("queryError"));
  // Sunset version.
  r = c.post(base + "/v16/customers/1000000001/googleAds:search", R"({"query":"SELECT customer.id FROM customer"})",
             "application/json", google_headers());
  CHECK(r->status == 404);
  // 10,001 mutate operations.
  json::array many;
  for (int i = 0; i < 10001; ++i) many.push_back(json::object{{"create", json::object{{"name", "x"}}}});
  r = c.post(base + "/v21/customers/1000000001/campaigns:mutate", json::serialize(json::object{{"operations", many}}),
             "application/json", google_headers());
  CHECK(r->status == 400);
  CHECK(r->body.find("TOO_MANY_MUTATE_OPERATIONS") != std::string::npos);
  // A good mutate of 3 operations counts 3 operations.
  json::array three;
  for (int i = 0; i < 3; ++i) three.push_back(json::object{{"create", json::object{{"name", "x"}}}});
  r = c.post(base + "/v21/customers/1000000001/campaigns:mutate", json::serialize(json::object{{"operations", three}}),
             "application/json", google_headers());
  CHECK(r->status == 200);
  auto counters = sim.server().counters("google");
  CHECK(counters.endpoints["searchStream"].calls == 2);
  CHECK(counters.endpoints["searchStream"].quota_units == 1);
  CHECK(counters.endpoints["mutate"].quota_units == 3);
  CHECK(counters.endpoints["mutate"].errors == 1);
}

TEST_CASE("google over HTTP: spent daily operations -> 429 RESOURCE_EXHAUSTED", "[net][google]") {
  sim::test_harness sim{"google", plain(0.0002)};  // 15,000 -> 3 operations/day
  net::http_client c{sim.client_options()};
  auto url = sim.base_url("google") + "/v21/customers/1000000003/googleAds:search";
  auto q = std::string(R"({"query":"SELECT customer.id FROM customer"})");
  int ok = 0;
  net::client_result last = net::client_error{net::client_errc::io, ""};
  for (int i = 0; i < 5; ++i) {
    last = c.post(url, q, "application/json", google_headers());
    REQUIRE(last.ok());
    if (last->status != 200) break;
    ++ok;
  }
  CHECK(ok == 3);
  CHECK(last->status == 429);
  auto e = body_of(last).at("error").as_object();
  CHECK(e.at("status").as_string() == "RESOURCE_EXHAUSTED");
  CHECK(e.at("details").as_array()[0].at("errors").as_array()[0].at("errorCode").at("quotaError").as_string() == "RESOURCE_EXHAUSTED");
  CHECK(sim.server().counters("google").total.throttles == 1);
}

TEST_CASE("google over HTTP: scoped tokens, quota_units in /__sim/stats", "[net][google]") {
  sim::test_harness sim{"google", plain()};
  net::http_client c{sim.client_options()};
  auto base = sim.base_url("google");
  sim::google_options go;  // what the harness serves
  auto query = [&](const std::string& token, int i, const std::string& q) {
    net::header_list h{{"Authorization", "Bearer " + token}, {"developer-token", "devtok"}};
    auto login = sim::google::login_customer_for(go, i);
    if (!login.empty()) h.emplace_back("login-customer-id", login);
    auto r = c.post(base + "/v21/customers/" + sim::google::client_customer_id(i)
                      + "/googleAds:searchStream",
                    json::serialize(json::object{{"query", q}}), "application/json", h);
    REQUIRE(r.ok());
    return r->status;
  };
  auto owned = sim::google::owned_customers(go, "org-2-eu");
  REQUIRE(owned == std::vector<int>{3, 8, 13, 18});
  for (int i : owned)
    CHECK(query("org-2-eu", i, "SELECT campaign.id, metrics.clicks FROM campaign "
                               "WHERE segments.date DURING LAST_7_DAYS") == 200);
  CHECK(query("org-2-eu", 1, "SELECT campaign.id FROM campaign") == 403);   // 0 units
  CHECK(query("org-2-eu", 3, "SELECT campaign.nope FROM campaign") == 400);  // 1 unit
  auto list = c.get(base + "/v21/customers:listAccessibleCustomers",
                    {{"Authorization", "Bearer org-2-eu"}, {"developer-token", "d"}});
  std::vector<std::string> names;
  auto listed = body_of(list);
  for (const auto& v : listed.at("resourceNames").as_array()) names.emplace_back(v.as_string());
  CHECK(std::find(names.begin(), names.end(), "customers/1000000003") != names.end());
  CHECK(std::find(names.begin(), names.end(), "customers/1000000001") == names.end());
  auto stats = body_of(c.get(sim.control_url() + "/__sim/stats"));
  auto& ep = stats.at("platforms").at("google").at("endpoints").at("searchStream");
  CHECK(ep.at("calls").as_int64() == 6);
  CHECK(ep.at("quota_units").as_int64() == 5);
  CHECK(ep.at("errors").as_int64() == 2);
}
