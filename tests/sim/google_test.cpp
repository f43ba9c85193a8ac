// Contract tests of the Google Ads REST simulator and its GAQL parser,
// calling handle() directly (suite 'unit'). Loopback HTTP versions are in
// meta_google_net_test.cpp.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "sim/google/gaql.hpp"
#include "sim/google/google_model.hpp"
#include "sim/google/google_platform.hpp"

using namespace adbatch::sim;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const time_point t0{};
// Client 1 is not manager-owned (odd); client 2 is owned by a manager.
const std::string direct = "1000000001";
const std::string managed = "1000000002";

http_request post(std::string target, json::value body, std::string login = {}) {
  http_request r;
  r.method = "POST";
  r.target = std::move(target);
  r.headers["Authorization"] = "Bearer ya29.test";
  r.headers["developer-token"] = "devtoken-1";
  r.headers["Content-Type"] = "application/json";
  if (!login.empty()) r.headers["login-customer-id"] = login;
  r.body = json::serialize(body);
  return r;
}

http_request search(const std::string& customer, const std::string& q, bool stream = true,
                    std::string version = "v21") {
  return post("/" + version + "/customers/" + customer + "/googleAds:" + (stream ? "searchStream" : "search"),
              json::object{{"query", q}});
}

json::value parse(const http_response& r) { return json::parse(r.body); }

/// The GoogleAdsFailure error code object of an error answer.
json::object failure(const http_response& r) {
  auto v = parse(r);
  if (v.is_array()) v = v.as_array()[0];  // streaming errors come in an array
  return v.at("error").at("details").as_array()[0].at("errors").as_array()[0].at("errorCode").as_object();
}

platform_options opts(std::uint64_t seed = 42) {
  platform_options o;
  o.seed = seed;
  return o;
}

std::vector<json::object> stream_rows(const http_response& r) {
  std::vector<json::object> rows;
  auto batches = parse(r);
  for (const auto& b : batches.as_array())
    if (auto res = b.as_object().if_contains("results"))
      for (const auto& row : res->as_array()) rows.push_back(row.as_object());
  return rows;
}

} // namespace

TEST_CASE("gaql parser accepts the supported grammar", "[unit][google]") {
  auto r = google::parse_gaql(
    "SELECT campaign.id, campaign.name, metrics.clicks FROM campaign "
    "WHERE campaign.status IN ('ENABLED', 'PAUSED') AND metrics.clicks > 10 "
    "AND segments.date BETWEEN '2026-01-01' AND '2026-01-10' AND campaign.name LIKE '%Brand%' "
    "AND campaign.id != 5 AND segments.date DURING LAST_30_DAYS AND campaign.end_date IS NOT NULL "
    "ORDER BY metrics.clicks DESC, campaign.id LIMIT 5 PARAMETERS include_drafts=true");
  auto* q = std::get_if<google::gaql_query>(&r);
  REQUIRE(q);
  CHECK(q->select.size() == 3);
  CHECK(q->from == "campaign");
  REQUIRE(q->where.size() == 7);
  CHECK(q->where[0].op == "IN");
  CHECK(q->where[0].value.items.size() == 2);
  CHECK(q->where[2].op == "BETWEEN");
  CHECK(q->where[2].value.items[1].text == "2026-01-10");
  CHECK(q->where[3].op == "LIKE");
  CHECK(q->where[5].op == "DURING");
  CHECK(q->where[6].op == "IS NOT NULL");
  CHECK(q->order_by[0].descending);
  CHECK_FALSE(q->order_by[1].descending);
  CHECK(q->limit == 5);
}

TEST_CASE("gaql parser reports the QueryError enum", "[unit][google]") {
  auto code = [](std::string_view q) {
    auto r = google::parse_gaql(q);
    auto* e = std::get_if<google::gaql_error>(&r);
    return e ? e->code : std::string("OK");
  };
  CHECK(code("campaign.id FROM campaign") == "EXPECTED_SELECT");
  CHECK(code("SELECT campaign.id campaign") == "EXPECTED_FROM");
  CHECK(code("SELECT campaign.id") == "UNEXPECTED_END_OF_QUERY");
  CHECK(code("SELECT campaign.id FROM campaign WHERE campaign.name = 'x") == "STRING_NOT_TERMINATED");
  CHECK(code("SELECT campaign.id FROM campaign WHERE campaign.id ~ 3") == "BAD_SYMBOL");
  CHECK(code("SELECT campaign.id FROM campaign ORDER campaign.id") == "EXPECTED_BY");
  CHECK(code("SELECT campaign.id FROM campaign LIMIT 0") == "LIMIT_VALUE_TOO_LOW");
  CHECK(code("SELECT campaign.id FROM campaign LIMIT 99999999999999999999") == "BAD_LIMIT_VALUE");
  CHECK(code("SELECT campaign.id FROM campaign WHERE campaign.id IN ()") == "PROHIBITED_EMPTY_LIST_IN_CONDITION");
  CHECK(code("SELECT id FROM campaign") == "BAD_FIELD_NAME");
  CHECK(code("SELECT campaign.id FROM campaign extra") == "UNEXPECTED_INPUT");
  CHECK(code("select campaign.id from campaign where campaign.status = ENABLED limit 3") == "OK");
}

TEST_CASE("google searchStream answers an array of batches with camelCase rows", "[unit][google]") {
  auto g = make_google(opts());
  auto r = g->handle(search(direct, "SELECT campaign.id, campaign.name, campaign.status, metrics.cost_micros, metrics.ctr FROM campaign WHERE segments.date DURING LAST_7_DAYS ORDER BY campaign.id"), t0);
  REQUIRE(r.status == 200);
  auto batches = parse(r).as_array();
  REQUIRE(batches.size() == 1);
  auto& b = batches[0].as_object();
  CHECK(b.at("fieldMask").as_string() == "campaign.id,campaign.name,campaign.status,metrics.costMicros,metrics.ctr");
  CHECK(b.contains("requestId"));
  CHECK(b.contains("queryResourceConsumption"));
  auto rows = stream_rows(r);
  REQUIRE(!rows.empty());
  auto& c = rows[0].at("campaign").as_object();
  CHECK(c.at("resourceName").as_string().starts_with("customers/" + direct + "/campaigns/"));
  CHECK(c.at("id").is_string());  // int64 as string
  CHECK(rows[0].at("metrics").at("costMicros").is_string());
  CHECK(rows[0].at("metrics").at("ctr").is_double());
  CHECK(r.acct.endpoint == "searchStream");
  CHECK(r.acct.quota_units == 1);
  CHECK(r.acct.items == static_cast<std::int64_t>(rows.size()));
  // Filters are honoured and every row belongs to the customer asked for.
  auto id = std::string(c.at("id").as_string());
  auto one = stream_rows(g->handle(search(direct, "SELECT campaign.id FROM campaign WHERE campaign.id = " + id), t0));
  REQUIRE(one.size() == 1);
  CHECK(one[0].at("campaign").at("id").as_string() == id);
}

TEST_CASE("google data is deterministic per seed and segments expand rows", "[unit][google]") {
  auto q = "SELECT ad_group.id, ad_group.name, campaign.name, segments.date, metrics.clicks FROM ad_group WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-03'";
  auto a = make_google(opts(5)), b = make_google(opts(5)), c = make_google(opts(6));
  auto ra = a->handle(search(direct, q), t0), rb = b->handle(search(direct, q), t0),
       rc = c->handle(search(direct, q), t0);
  REQUIRE(ra.status == 200);
  auto rows_a = stream_rows(ra), rows_b = stream_rows(rb), rows_c = stream_rows(rc);
  CHECK(rows_a == rows_b);
  CHECK(rows_a != rows_c);
  REQUIRE(rows_a.size() % 3 == 0);
  CHECK(rows_a[0].at("segments").at("date").as_string() == "2026-01-01");
  // segments.date selected without a date filter is rejected.
  auto bad = a->handle(search(direct, "SELECT campaign.id, segments.date FROM campaign"), t0);
  CHECK(bad.status == 400);
  CHECK(failure(bad).at("queryError").as_string() == "EXPECTED_FILTERS_ON_DATE_RANGE");
}

TEST_CASE("google search pages with nextPageToken and totalResultsCount", "[unit][google]") {
  google_options go;
  go.page_size = 3;  // the real page is 10,000 rows; small here to page
  auto g = make_google(opts(), go);
  auto body = json::object{{"query", "SELECT ad_group_criterion.criterion_id, ad_group_criterion.keyword.text FROM ad_group_criterion"},
                           {"returnTotalResultsCount", true}};
  auto r = g->handle(post("/v21/customers/" + direct + "/googleAds:search", body), t0);
  REQUIRE(r.status == 200);
  auto page = parse(r).as_object();
  auto total = std::stoll(std::string(page.at("totalResultsCount").as_string()));
  REQUIRE(total > 3);
  std::int64_t seen = static_cast<std::int64_t>(page.at("results").as_array().size());
  CHECK(seen == 3);
  int requests = 1;
  while (page.contains("nextPageToken")) {
    body["pageToken"] = page.at("nextPageToken");
    auto next = g->handle(post("/v21/customers/" + direct + "/googleAds:search", body), t0);
    REQUIRE(next.status == 200);
    CHECK(next.acct.quota_units == 0);  // one query = one operation
    page = parse(next).as_object();
    seen += static_cast<std::int64_t>(page.at("results").as_array().size());
    ++requests;
  }
  CHECK(seen == total);
  body["pageToken"] = "garbage";
  auto bad = g->handle(post("/v21/customers/" + direct + "/googleAds:search", body), t0);
  CHECK(failure(bad).at("requestError").as_string() == "INVALID_PAGE_TOKEN");
  auto sized = g->handle(post("/v21/customers/" + direct + "/googleAds:search",
                              json::object{{"query", "SELECT campaign.id FROM campaign"}, {"pageSize", 100}}), t0);
  CHECK(failure(sized).at("requestError").as_string() == "PAGE_SIZE_NOT_SUPPORTED");
}

TEST_CASE("google rejects invalid GAQL with INVALID_ARGUMENT and queryError", "[unit][google]") {
  auto g = make_google(opts());
  auto r = g->handle(search(direct, "SELECT campaign.id FROM campaign WHERE", false), t0);
  CHECK(r.status == 400);
  auto e = parse(r).at("error").as_object();
  CHECK(e.at("code").as_int64() == 400);
  CHECK(e.at("status").as_string() == "INVALID_ARGUMENT");
  CHECK(e.at("message").as_string() == "Request contains an invalid argument.");
  auto& d = e.at("details").as_array()[0].as_object();
  CHECK(d.at("@type").as_string() == "type.googleapis.com/google.ads.googleads.v21.errors.GoogleAdsFailure");
  CHECK(d.contains("requestId"));
  CHECK(failure(r).at("queryError").as_string() == "UNEXPECTED_END_OF_QUERY");
  CHECK(failure(g->handle(search(direct, "SELECT campaign.bogus FROM campaign"), t0)).at("queryError").as_string() == "UNRECOGNIZED_FIELD");
  CHECK(failure(g->handle(search(direct, "SELECT ad_group.id FROM campaign"), t0)).at("queryError").as_string() == "PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE");
  CHECK(failure(g->handle(search(direct, "SELECT metrics.clicks FROM ad_group_criterion"), t0)).at("queryError").as_string() == "PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE");
  CHECK(failure(g->handle(search(direct, "SELECT x.id FROM nowhere"), t0)).at("queryError").as_string() == "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE");
  CHECK(failure(g->handle(search("9000000001", "SELECT customer.id, metrics.clicks FROM customer"), t0)).at("queryError").as_string() == "REQUESTED_METRICS_FOR_MANAGER");
}

TEST_CASE("google headers, versions and manager access", "[unit][google]") {
  auto g = make_google(opts());
  auto q = "SELECT customer.id FROM customer";
  auto req = search(direct, q);
  req.headers.erase("developer-token");
  auto r = g->handle(req, t0);
  CHECK(r.status == 400);
  CHECK(failure(r).at("requestError").as_string() == "DEVELOPER_TOKEN_PARAMETER_MISSING");
  req = search(direct, q);
  req.headers.erase("Authorization");
  r = g->handle(req, t0);
  CHECK(r.status == 401);
  CHECK(parse(r).as_array()[0].at("error").at("status").as_string() == "UNAUTHENTICATED");
  // Sunset and unknown versions.
  CHECK(g->handle(search(direct, q, true, "v15"), t0).status == 404);
  CHECK(g->handle(search(direct, q, true, "v16"), t0).status == 404);
  CHECK(g->handle(search(direct, q, true, "v17"), t0).status == 200);
  CHECK(g->handle(search(direct, q, true, "v22"), t0).status == 200);
  // A manager-owned client needs the owning manager as login-customer-id.
  r = g->handle(search(managed, q), t0);
  CHECK(r.status == 403);
  CHECK(failure(r).at("authorizationError").as_string() == "USER_PERMISSION_DENIED");
  auto list = parse(g->handle([] {
    http_request l;
    l.method = "GET";
    l.target = "/v21/customers:listAccessibleCustomers";
    l.headers["Authorization"] = "Bearer x";
    l.headers["developer-token"] = "d";
    return l;
  }(), t0)).at("resourceNames").as_array();
  CHECK(!list.empty());
  bool served = false;
  for (int m = 1; m <= 3; ++m) {
    auto login = std::to_string(9000000000LL + m);
    auto attempt = post("/v21/customers/" + managed + "/googleAds:searchStream",
                        json::object{{"query", q}}, login);
    auto res = g->handle(attempt, t0);
    if (res.status == 200) {
      CHECK_FALSE(served);  // exactly one manager owns the client
      served = true;
    } else {
      CHECK(res.status == 403);
    }
  }
  CHECK(served);
  // Unknown customer.
  CHECK(g->handle(search("1999999999", q), t0).status == 403);
  CHECK(failure(g->handle(search("12-34", q), t0)).at("requestError").as_string() == "INVALID_CUSTOMER_ID");
}

TEST_CASE("google mutates: partialFailure, validateOnly, limit", "[unit][google]") {
  auto g = make_google(opts());
  auto rows = stream_rows(g->handle(search(direct, "SELECT campaign.resource_name FROM campaign"), t0));
  auto camp = std::string(rows[0].at("campaign").at("resourceName").as_string());
  json::array ops{
    json::object{{"create", json::object{{"name", "New campaign"}, {"status", "PAUSED"}}}},
    json::object{{"create", json::object{{"status", "PAUSED"}}}},  // no name
    json::object{{"update", json::object{{"resourceName", camp}, {"status", "PAUSED"}}}, {"updateMask", "status"}},
    json::object{{"remove", "customers/" + direct + "/campaigns/1"}},  // unknown
  };
  auto url = "/v21/customers/" + direct + "/campaigns:mutate";
  // partialFailure: good ops apply, bad ones are reported.
  auto r = g->handle(post(url, json::object{{"operations", ops}, {"partialFailure", true}}), t0);
  REQUIRE(r.status == 200);
  auto o = parse(r).as_object();
  auto& results = o.at("results").as_array();
  REQUIRE(results.size() == 4);
  CHECK(results[0].at("resourceName").as_string().starts_with("customers/" + direct + "/campaigns/"));
  CHECK(results[1].as_object().empty());
  CHECK(results[2].at("resourceName").as_string() == camp);
  auto& pfe = o.at("partialFailureError").as_object();
  CHECK(pfe.at("code").as_int64() == 3);
  auto& errs = pfe.at("details").as_array()[0].at("errors").as_array();
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].at("location").at("fieldPathElements").as_array()[0].at("index").as_int64() == 1);
  CHECK(errs[1].at("errorCode").at("mutateError").as_string() == "RESOURCE_NOT_FOUND");
  CHECK(r.acct.quota_units == 4);
  CHECK(r.acct.endpoint == "mutate");
  // Without partialFailure one bad op fails the request.
  r = g->handle(post(url, json::object{{"operations", ops}}), t0);
  CHECK(r.status == 400);
  CHECK(failure(r).at("fieldError").as_string() == "REQUIRED");
  // validateOnly: no results, nothing created.
  json::array good{json::object{{"create", json::object{{"name", "Dry run"}}}}};
  r = g->handle(post(url, json::object{{"operations", good}, {"validateOnly", true}}), t0);
  CHECK(r.status == 200);
  CHECK(parse(r).as_object().empty());
  // The created campaign can be a parent for an ad group.
  auto created = std::string(results[0].at("resourceName").as_string());
  json::array ag{json::object{{"create", json::object{{"name", "AG"}, {"campaign", created}}}}};
  CHECK(g->handle(post("/v21/customers/" + direct + "/adGroups:mutate", json::object{{"operations", ag}}), t0).status == 200);
  // 10,001 operations -> TOO_MANY_MUTATE_OPERATIONS.
  json::array many;
  for (int i = 0; i < 10001; ++i) many.push_back(good[0]);
  r = g->handle(post(url, json::object{{"operations", many}}), t0);
  CHECK(r.status == 400);
  CHECK(failure(r).at("requestError").as_string() == "TOO_MANY_MUTATE_OPERATIONS");
}

TEST_CASE("google quotas: daily operations and per-customer rate", "[unit][google]") {
  SECTION("daily operations -> 429 RESOURCE_EXHAUSTED") {
    auto o = opts();
    o.limit_scale = 0.001;  // 15,000 -> 15 operations a day
    google_options go;
    go.customer_qps = 1000000;
    auto g = make_google(o, go);
    json::array five;
    for (int i = 0; i < 5; ++i) five.push_back(json::object{{"create", json::object{{"name", "c"}}}});
    auto url = "/v21/customers/" + direct + "/campaigns:mutate";
    CHECK(g->handle(post(url, json::object{{"operations", five}}), t0).status == 200);
    CHECK(g->handle(post(url, json::object{{"operations", five}}), t0).status == 200);
    for (int i = 0; i < 5; ++i)
      REQUIRE(g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0).status == 200);
    auto r = g->handle(search(direct, "SELECT campaign.id FROM campaign", false), t0);
    CHECK(r.status == 429);
    CHECK(r.acct.throttled);
    auto e = parse(r).at("error").as_object();
    CHECK(e.at("status").as_string() == "RESOURCE_EXHAUSTED");
    CHECK(failure(r).at("quotaError").as_string() == "RESOURCE_EXHAUSTED");
    // Next (simulated) day the budget is back.
    CHECK(g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0 + 25h).status == 200);
  }
  SECTION("per-customer rate -> RESOURCE_TEMPORARILY_EXHAUSTED with retryDelay") {
    google_options go;
    go.customer_qps = 2;
    auto g = make_google(opts(), go);
    CHECK(g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0).status == 200);
    CHECK(g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0).status == 200);
    auto r = g->handle(search(direct, "SELECT campaign.id FROM campaign", false), t0);
    CHECK(r.status == 429);
    CHECK(failure(r).at("quotaError").as_string() == "RESOURCE_TEMPORARILY_EXHAUSTED");
    auto err = parse(r).at("error").at("details").as_array()[0].at("errors").as_array()[0];
    CHECK(err.at("details").at("quotaErrorDetails").at("retryDelay").as_string() == "1s");
    CHECK(g->handle(search("1000000003", "SELECT campaign.id FROM campaign"), t0).status == 200);
    CHECK(g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0 + 1s).status == 200);
  }
}

TEST_CASE("google faults: transient 500/503 and throttles", "[unit][google]") {
  auto g = make_google(opts());
  fault_profile f;
  f.error_rate = 1.0;
  g->set_faults(f);
  for (int i = 0; i < 6; ++i) {
    auto r = g->handle(search(direct, "SELECT campaign.id FROM campaign", false), t0);
    CHECK((r.status == 500 || r.status == 503));
    CHECK(r.acct.error);
  }
  f = {};
  f.throttle_storm = true;
  g->set_faults(f);
  auto r = g->handle(search(direct, "SELECT campaign.id FROM campaign", false), t0);
  CHECK(r.status == 429);
  CHECK(r.acct.throttled);
  f = {};
  f.partial_batch_rate = 1.0;
  g->set_faults(f);
  json::array two{json::object{{"create", json::object{{"name", "a"}}}},
                  json::object{{"create", json::object{{"name", "b"}}}}};
  r = g->handle(post("/v21/customers/" + direct + "/campaigns:mutate",
                     json::object{{"operations", two}, {"partialFailure", true}}), t0);
  REQUIRE(r.status == 200);
  CHECK(parse(r).at("partialFailureError").at("details").as_array()[0].at("errors").as_array().size() == 2);
}

TEST_CASE("google never crashes and always answers JSON on garbage", "[unit][google]") {
  static const char* pieces[] = {
    "SELECT ", "campaign.id", ", ", "metrics.clicks", " FROM ", "campaign", "ad_group",
    " WHERE ", "segments.date", " DURING ", "LAST_7_DAYS", " BETWEEN ", "'2026-01-01'", " AND ",
    " IN (", ")", "(", " = ", "'", "\"", " LIMIT ", "99999999999999999999", " ORDER BY ",
    " DESC", "segments.device", "keyword_view", "ad_group_criterion.keyword.text", " LIKE ",
    "'%a%'", " IS NULL", " CONTAINS ANY ", "!", "-1", "1.5.6"};
  std::uint64_t x = 987654321;
  auto next = [&x](std::uint64_t n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
  };
  auto g = make_google(opts());
  constexpr std::uint64_t count = sizeof pieces / sizeof pieces[0];
  for (int i = 0; i < 400; ++i) {
    std::string q;
    auto len = 1 + next(14);
    for (std::uint64_t k = 0; k < len; ++k) q += pieces[next(count)];
    auto res = g->handle(search(i % 2 ? direct : "9000000002", q, i % 3 != 0), t0 + std::chrono::seconds(i));
    CHECK(res.status >= 200);
    CHECK(res.status < 600);
    CHECK(res.status != 500);  // only the error_rate fault gives 500s
    boost::system::error_code ec;
    json::parse(res.body, ec);
    CHECK_FALSE(ec);
  }
  // Garbage paths and bodies.
  for (std::string target : {"/v99999999999999999999/x", "/v21/customers/1000000001/x:mutate",
                             "/v21/customers//googleAds:search", "/", "/v21", "/vX/customers"}) {
    auto res = g->handle(post(target, json::object{}), t0);
    CHECK(res.status >= 400);
    boost::system::error_code ec;
    json::parse(res.body, ec);
    CHECK_FALSE(ec);
  }
  auto bad = post("/v21/customers/1000000001/campaigns:mutate", json::object{});
  bad.body = "{not json";
  CHECK(g->handle(bad, t0).status == 400);
}

TEST_CASE("google answers stay valid JSON for non-UTF-8 input", "[unit][google]") {
  auto g = make_google(opts());
  auto res = g->handle(search(direct, "SELECT campaign.id FROM campaign WHERE campaign.name = \xff"), t0);
  CHECK(res.status == 400);
  boost::system::error_code ec;
  json::parse(res.body, ec);
  CHECK_FALSE(ec);
}

TEST_CASE("google summaryRowSetting adds totals last", "[unit][google]") {
  auto g = make_google(opts());
  auto q = "SELECT campaign.id, metrics.clicks, metrics.ctr FROM campaign WHERE segments.date DURING LAST_7_DAYS";
  auto url = "/v21/customers/" + direct + "/googleAds:searchStream";
  auto r = g->handle(post(url, json::object{{"query", q}, {"summaryRowSetting", "SUMMARY_ROW_WITH_RESULTS"}}), t0);
  REQUIRE(r.status == 200);
  auto batches = parse(r).as_array();
  REQUIRE(batches.size() == 2);
  auto& last = batches.back().as_object();
  CHECK_FALSE(last.contains("results"));
  std::int64_t sum = 0;
  for (const auto& row : batches[0].at("results").as_array())
    sum += std::stoll(std::string(row.at("metrics").at("clicks").as_string()));
  CHECK(std::stoll(std::string(last.at("summaryRow").at("metrics").at("clicks").as_string())) == sum);
  CHECK(last.contains("queryResourceConsumption"));
  auto only = g->handle(post(url, json::object{{"query", q}, {"summaryRowSetting", "SUMMARY_ROW_ONLY"}}), t0);
  auto only_batches = parse(only).as_array();
  REQUIRE(only_batches.size() == 1);
  CHECK(only_batches[0].as_object().contains("summaryRow"));
  auto no_metrics = g->handle(post(url, json::object{{"query", "SELECT campaign.id FROM campaign"},
                                                     {"summaryRowSetting", "SUMMARY_ROW_ONLY"}}), t0);
  CHECK(failure(no_metrics).at("requestError").as_string() == "CANNOT_RETURN_SUMMARY_ROW_FOR_REQUEST_WITHOUT_METRICS");
  auto page = g->handle(post("/v21/customers/" + direct + "/googleAds:search",
                             json::object{{"query", q}, {"summaryRowSetting", "SUMMARY_ROW_WITH_RESULTS"}}), t0);
  CHECK(parse(page).as_object().contains("summaryRow"));
}

TEST_CASE("google rows leave default values out, as proto3 JSON does", "[unit][google]") {
  auto q = "SELECT ad_group_criterion.criterion_id, ad_group_criterion.negative, ad_group_criterion.keyword.text FROM ad_group_criterion";
  auto g = make_google(opts());
  auto rows = stream_rows(g->handle(search(direct, q), t0));
  REQUIRE(!rows.empty());
  CHECK_FALSE(rows[0].at("adGroupCriterion").as_object().contains("negative"));  // false
  google_options go;
  go.omit_default_values = false;
  auto full = make_google(opts(), go);
  auto rows2 = stream_rows(full->handle(search(direct, q), t0));
  CHECK(rows2[0].at("adGroupCriterion").at("negative").as_bool() == false);
  // Zero metrics are left out too: at least one zero-click day row has no clicks key.
  auto daily = stream_rows(g->handle(search(direct, "SELECT ad_group_ad.ad.id, metrics.clicks, segments.date FROM ad_group_ad WHERE segments.date DURING LAST_30_DAYS"), t0));
  bool some_missing = false;
  for (const auto& r : daily)
    if (!r.contains("metrics") || !r.at("metrics").as_object().contains("clicks")) some_missing = true;
  CHECK(some_missing);
}
