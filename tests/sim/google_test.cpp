// Contract tests of the Google Ads REST simulator and its GAQL parser,
// calling handle() directly (suite 'unit'). Loopback HTTP versions are in
// meta_google_net_test.cpp.

#include "sim/google/gaql.hpp"
#include "sim/google/google_model.hpp"
#include "sim/google/google_platform.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace adbatch::sim;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const time_point t0{};
// Client 1 is not manager-owned (odd); client 2 is owned by a manager.
const std::string direct = "1000000001";
const std::string managed = "1000000002";

http_request post(std::string target, json::value body,
                  std::string login = {}) {
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

http_request search(const std::string& customer, const std::string& q,
                    bool stream = true, std::string version = "v21") {
  return post("/" + version + "/customers/" + customer +
                  "/googleAds:" + (stream ? "searchStream" : "search"),
              json::object{{"query", q}});
}

json::value parse(const http_response& r) {
  return json::parse(r.body);
}

/// The GoogleAdsFailure error code object of an error answer.
json::object failure(const http_response& r) {
  auto v = parse(r);
  if (v.is_array()) v = v.as_array()[0]; // streaming errors come in an array
  return v.at("error")
      .at("details")
      .as_array()[0]
      .at("errors")
      .as_array()[0]
      .at("errorCode")
      .as_object();
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
      for (const auto& row : res->as_array())
        rows.push_back(row.as_object());
  return rows;
}

} // namespace

TEST_CASE("gaql parser accepts the supported grammar", "[unit][google]") {
  auto r = google::parse_gaql(
      "SELECT campaign.id, campaign.name, metrics.clicks FROM campaign "
      "WHERE campaign.status IN ('ENABLED', 'PAUSED') AND metrics.clicks > 10 "
      "AND segments.date BETWEEN '2026-01-01' AND '2026-01-10' AND "
      "campaign.name LIKE '%Brand%' "
      "AND campaign.id != 5 AND segments.date DURING LAST_30_DAYS AND "
      "campaign.end_date IS NOT NULL "
      "ORDER BY metrics.clicks DESC, campaign.id LIMIT 5 PARAMETERS "
      "include_drafts=true");
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
  CHECK(code("SELECT campaign.id FROM campaign WHERE campaign.name = 'x") ==
        "STRING_NOT_TERMINATED");
  CHECK(code("SELECT campaign.id FROM campaign WHERE campaign.id ~ 3") ==
        "BAD_SYMBOL");
  CHECK(code("SELECT campaign.id FROM campaign ORDER campaign.id") ==
        "EXPECTED_BY");
  CHECK(code("SELECT campaign.id FROM campaign LIMIT 0") ==
        "LIMIT_VALUE_TOO_LOW");
  CHECK(code("SELECT campaign.id FROM campaign LIMIT 99999999999999999999") ==
        "BAD_LIMIT_VALUE");
  CHECK(code("SELECT campaign.id FROM campaign WHERE campaign.id IN ()") ==
        "PROHIBITED_EMPTY_LIST_IN_CONDITION");
  CHECK(code("SELECT id FROM campaign") == "BAD_FIELD_NAME");
  CHECK(code("SELECT campaign.id FROM campaign extra") == "UNEXPECTED_INPUT");
  CHECK(code("select campaign.id from campaign where campaign.status = ENABLED "
             "limit 3") == "OK");
}

TEST_CASE("google searchStream answers an array of batches with camelCase rows",
          "[unit][google]") {
  auto g = make_google(opts());
  auto r = g->handle(
      search(direct, "SELECT campaign.id, campaign.name, campaign.status, "
                     "metrics.cost_micros, metrics.ctr FROM campaign WHERE "
                     "segments.date DURING LAST_7_DAYS ORDER BY campaign.id"),
      t0);
  REQUIRE(r.status == 200);
  auto batches = parse(r).as_array();
  REQUIRE(batches.size() == 1);
  auto& b = batches[0].as_object();
  CHECK(b.at("fieldMask").as_string() ==
        "campaign.id,campaign.name,campaign.status,metrics.costMicros,metrics."
        "ctr");
  CHECK(b.contains("requestId"));
  CHECK(b.contains("queryResourceConsumption"));
  auto rows = stream_rows(r);
  REQUIRE(!rows.empty());
  auto& c = rows[0].at("campaign").as_object();
  CHECK(c.at("resourceName")
            .as_string()
            .starts_with("customers/" + direct + "/campaigns/"));
  CHECK(c.at("id").is_string()); // int64 as string
  CHECK(rows[0].at("metrics").at("costMicros").is_string());
  CHECK(rows[0].at("metrics").at("ctr").is_double());
  CHECK(r.acct.endpoint == "searchStream");
  CHECK(r.acct.quota_units == 1);
  CHECK(r.acct.items == static_cast<std::int64_t>(rows.size()));
  // Filters are honoured and every row belongs to the customer asked for.
  auto id = std::string(c.at("id").as_string());
  auto one = stream_rows(g->handle(
      search(direct,
             "SELECT campaign.id FROM campaign WHERE campaign.id = " + id),
      t0));
  REQUIRE(one.size() == 1);
  CHECK(one[0].at("campaign").at("id").as_string() == id);
}

TEST_CASE("google data is deterministic per seed and segments expand rows",
          "[unit][google]") {
  auto q = "SELECT ad_group.id, ad_group.name, campaign.name, segments.date, "
           "metrics.clicks FROM ad_group WHERE segments.date BETWEEN "
           "'2026-01-01' AND '2026-01-03'";
  auto a = make_google(opts(5)), b = make_google(opts(5)),
       c = make_google(opts(6));
  auto ra = a->handle(search(direct, q), t0),
       rb = b->handle(search(direct, q), t0),
       rc = c->handle(search(direct, q), t0);
  REQUIRE(ra.status == 200);
  auto rows_a = stream_rows(ra), rows_b = stream_rows(rb),
       rows_c = stream_rows(rc);
  CHECK(rows_a == rows_b);
  CHECK(rows_a != rows_c);
  REQUIRE(rows_a.size() % 3 == 0);
  CHECK(rows_a[0].at("segments").at("date").as_string() == "2026-01-01");
  // segments.date selected without a date filter is rejected.
  auto bad = a->handle(
      search(direct, "SELECT campaign.id, segments.date FROM campaign"), t0);
  CHECK(bad.status == 400);
  CHECK(failure(bad).at("queryError").as_string() ==
        "EXPECTED_FILTERS_ON_DATE_RANGE");
}

TEST_CASE("google search pages with nextPageToken and totalResultsCount",
          "[unit][google]") {
  google_options go;
  go.page_size = 3; // the real page is 10,000 rows; small here to page
  auto g = make_google(opts(), go);
  auto body = json::object{
      {"query", "SELECT ad_group_criterion.criterion_id, "
                "ad_group_criterion.keyword.text FROM ad_group_criterion"},
      {"returnTotalResultsCount", true}};
  auto r = g->handle(
      post("/v21/customers/" + direct + "/googleAds:search", body), t0);
  REQUIRE(r.status == 200);
  auto page = parse(r).as_object();
  auto total =
      std::stoll(std::string(page.at("totalResultsCount").as_string()));
  REQUIRE(total > 3);
  std::int64_t seen =
      static_cast<std::int64_t>(page.at("results").as_array().size());
  CHECK(seen == 3);
  int requests = 1;
  while (page.contains("nextPageToken")) {
    body["pageToken"] = page.at("nextPageToken");
    auto next = g->handle(
        post("/v21/customers/" + direct + "/googleAds:search", body), t0);
    REQUIRE(next.status == 200);
    CHECK(next.acct.quota_units == 0); // one query = one operation
    page = parse(next).as_object();
    seen += static_cast<std::int64_t>(page.at("results").as_array().size());
    ++requests;
  }
  CHECK(seen == total);
  body["pageToken"] = "garbage";
  auto bad = g->handle(
      post("/v21/customers/" + direct + "/googleAds:search", body), t0);
  CHECK(failure(bad).at("requestError").as_string() == "INVALID_PAGE_TOKEN");
  auto sized =
      g->handle(post("/v21/customers/" + direct + "/googleAds:search",
                     json::object{{"query", "SELECT campaign.id FROM campaign"},
                                  {"pageSize", 100}}),
                t0);
  CHECK(failure(sized).at("requestError").as_string() ==
        "PAGE_SIZE_NOT_SUPPORTED");
}

TEST_CASE("google rejects invalid GAQL with INVALID_ARGUMENT and queryError",
          "[unit][google]") {
  auto g = make_google(opts());
  auto r = g->handle(
      search(direct, "SELECT campaign.id FROM campaign WHERE", false), t0);
  CHECK(r.status == 400);
  auto e = parse(r).at("error").as_object();
  CHECK(e.at("code").as_int64() == 400);
  CHECK(e.at("status").as_string() == "INVALID_ARGUMENT");
  CHECK(e.at("message").as_string() == "Request contains an invalid argument.");
  auto& d = e.at("details").as_array()[0].as_object();
  CHECK(d.at("@type").as_string() ==
        "type.googleapis.com/google.ads.googleads.v21.errors.GoogleAdsFailure");
  CHECK(d.contains("requestId"));
  CHECK(failure(r).at("queryError").as_string() == "UNEXPECTED_END_OF_QUERY");
  CHECK(failure(g->handle(search(direct, "SELECT campaign.bogus FROM campaign"),
                          t0))
            .at("queryError")
            .as_string() == "UNRECOGNIZED_FIELD");
  CHECK(
      failure(g->handle(search(direct, "SELECT ad_group.id FROM campaign"), t0))
          .at("queryError")
          .as_string() == "PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE");
  CHECK(
      failure(g->handle(search(direct,
                               "SELECT metrics.clicks FROM ad_group_criterion"),
                        t0))
          .at("queryError")
          .as_string() == "PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE");
  CHECK(failure(g->handle(search(direct, "SELECT x.id FROM nowhere"), t0))
            .at("queryError")
            .as_string() == "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE");
  CHECK(failure(g->handle(
                    search("9000000001",
                           "SELECT customer.id, metrics.clicks FROM customer"),
                    t0))
            .at("queryError")
            .as_string() == "REQUESTED_METRICS_FOR_MANAGER");
}

TEST_CASE("google headers, versions and manager access", "[unit][google]") {
  auto g = make_google(opts());
  auto q = "SELECT customer.id FROM customer";
  auto req = search(direct, q);
  req.headers.erase("developer-token");
  auto r = g->handle(req, t0);
  CHECK(r.status == 400);
  CHECK(failure(r).at("requestError").as_string() ==
        "DEVELOPER_TOKEN_PARAMETER_MISSING");
  req = search(direct, q);
  req.headers.erase("Authorization");
  r = g->handle(req, t0);
  CHECK(r.status == 401);
  CHECK(parse(r).as_array()[0].at("error").at("status").as_string() ==
        "UNAUTHENTICATED");
  // Sunset and unknown versions.
  CHECK(g->handle(search(direct, q, true, "v15"), t0).status == 404);
  CHECK(g->handle(search(direct, q, true, "v16"), t0).status == 404);
  CHECK(g->handle(search(direct, q, true, "v17"), t0).status == 200);
  CHECK(g->handle(search(direct, q, true, "v22"), t0).status == 200);
  // A manager-owned client needs the owning manager as login-customer-id.
  r = g->handle(search(managed, q), t0);
  CHECK(r.status == 403);
  CHECK(failure(r).at("authorizationError").as_string() ==
        "USER_PERMISSION_DENIED");
  auto list = parse(g->handle(
                        [] {
                          http_request l;
                          l.method = "GET";
                          l.target = "/v21/customers:listAccessibleCustomers";
                          l.headers["Authorization"] = "Bearer x";
                          l.headers["developer-token"] = "d";
                          return l;
                        }(),
                        t0))
                  .at("resourceNames")
                  .as_array();
  CHECK(!list.empty());
  bool served = false;
  for (int m = 1; m <= 3; ++m) {
    auto login = std::to_string(9000000000LL + m);
    auto attempt = post("/v21/customers/" + managed + "/googleAds:searchStream",
                        json::object{{"query", q}}, login);
    auto res = g->handle(attempt, t0);
    if (res.status == 200) {
      CHECK_FALSE(served); // exactly one manager owns the client
      served = true;
    } else {
      CHECK(res.status == 403);
    }
  }
  CHECK(served);
  // Unknown customer.
  CHECK(g->handle(search("1999999999", q), t0).status == 403);
  CHECK(failure(g->handle(search("12-34", q), t0))
            .at("requestError")
            .as_string() == "INVALID_CUSTOMER_ID");
}

TEST_CASE("google mutates: partialFailure, validateOnly, limit",
          "[unit][google]") {
  auto g = make_google(opts());
  auto rows = stream_rows(g->handle(
      search(direct, "SELECT campaign.resource_name FROM campaign"), t0));
  auto camp =
      std::string(rows[0].at("campaign").at("resourceName").as_string());
  json::array ops{
      json::object{{"create", json::object{{"name", "New campaign"},
                                           {"status", "PAUSED"}}}},
      json::object{{"create", json::object{{"status", "PAUSED"}}}}, // no name
      json::object{{"update",
                    json::object{{"resourceName", camp}, {"status", "PAUSED"}}},
                   {"updateMask", "status"}},
      json::object{
          {"remove", "customers/" + direct + "/campaigns/1"}}, // unknown
  };
  auto url = "/v21/customers/" + direct + "/campaigns:mutate";
  // partialFailure: good ops apply, bad ones are reported.
  auto r = g->handle(
      post(url, json::object{{"operations", ops}, {"partialFailure", true}}),
      t0);
  REQUIRE(r.status == 200);
  auto o = parse(r).as_object();
  auto& results = o.at("results").as_array();
  REQUIRE(results.size() == 4);
  CHECK(results[0]
            .at("resourceName")
            .as_string()
            .starts_with("customers/" + direct + "/campaigns/"));
  CHECK(results[1].as_object().empty());
  CHECK(results[2].at("resourceName").as_string() == camp);
  auto& pfe = o.at("partialFailureError").as_object();
  CHECK(pfe.at("code").as_int64() == 3);
  auto& errs = pfe.at("details").as_array()[0].at("errors").as_array();
  REQUIRE(errs.size() == 2);
  CHECK(errs[0]
            .at("location")
            .at("fieldPathElements")
            .as_array()[0]
            .at("index")
            .as_int64() == 1);
  CHECK(errs[1].at("errorCode").at("mutateError").as_string() ==
        "RESOURCE_NOT_FOUND");
  CHECK(r.acct.quota_units == 4);
  CHECK(r.acct.endpoint == "mutate");
  // Without partialFailure one bad op fails the request.
  r = g->handle(post(url, json::object{{"operations", ops}}), t0);
  CHECK(r.status == 400);
  CHECK(failure(r).at("fieldError").as_string() == "REQUIRED");
  // validateOnly: no results, nothing created.
  json::array good{json::object{{"create", json::object{{"name", "Dry run"}}}}};
  r = g->handle(
      post(url, json::object{{"operations", good}, {"validateOnly", true}}),
      t0);
  CHECK(r.status == 200);
  CHECK(parse(r).as_object().empty());
  // The created campaign can be a parent for an ad group.
  auto created = std::string(results[0].at("resourceName").as_string());
  json::array ag{json::object{
      {"create", json::object{{"name", "AG"}, {"campaign", created}}}}};
  CHECK(g->handle(post("/v21/customers/" + direct + "/adGroups:mutate",
                       json::object{{"operations", ag}}),
                  t0)
            .status == 200);
  // 10,001 operations -> TOO_MANY_MUTATE_OPERATIONS.
  json::array many;
  for (int i = 0; i < 10001; ++i)
    many.push_back(good[0]);
  r = g->handle(post(url, json::object{{"operations", many}}), t0);
  CHECK(r.status == 400);
  CHECK(failure(r).at("requestError").as_string() ==
        "TOO_MANY_MUTATE_OPERATIONS");
}

TEST_CASE("google quotas: daily operations and per-customer rate",
          "[unit][google]") {
  SECTION("daily operations -> 429 RESOURCE_EXHAUSTED") {
    auto o = opts();
    o.limit_scale = 0.001; // 15,000 -> 15 operations a day
    google_options go;
    go.customer_qps = 1000000;
    auto g = make_google(o, go);
    json::array five;
    for (int i = 0; i < 5; ++i)
      five.push_back(json::object{{"create", json::object{{"name", "c"}}}});
    auto url = "/v21/customers/" + direct + "/campaigns:mutate";
    CHECK(g->handle(post(url, json::object{{"operations", five}}), t0).status ==
          200);
    CHECK(g->handle(post(url, json::object{{"operations", five}}), t0).status ==
          200);
    for (int i = 0; i < 5; ++i)
      REQUIRE(g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0)
                  .status == 200);
    auto r = g->handle(
        search(direct, "SELECT campaign.id FROM campaign", false), t0);
    CHECK(r.status == 429);
    CHECK(r.acct.throttled);
    auto e = parse(r).at("error").as_object();
    CHECK(e.at("status").as_string() == "RESOURCE_EXHAUSTED");
    CHECK(failure(r).at("quotaError").as_string() == "RESOURCE_EXHAUSTED");
    // Next (simulated) day the budget is back.
    CHECK(
        g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0 + 25h)
            .status == 200);
  }
  SECTION(
      "per-customer rate -> RESOURCE_TEMPORARILY_EXHAUSTED with retryDelay") {
    google_options go;
    go.customer_qps = 2;
    auto g = make_google(opts(), go);
    CHECK(g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0)
              .status == 200);
    CHECK(g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0)
              .status == 200);
    auto r = g->handle(
        search(direct, "SELECT campaign.id FROM campaign", false), t0);
    CHECK(r.status == 429);
    CHECK(failure(r).at("quotaError").as_string() ==
          "RESOURCE_TEMPORARILY_EXHAUSTED");
    auto err = parse(r)
                   .at("error")
                   .at("details")
                   .as_array()[0]
                   .at("errors")
                   .as_array()[0];
    CHECK(err.at("details")
              .at("quotaErrorDetails")
              .at("retryDelay")
              .as_string() == "1s");
    CHECK(
        g->handle(search("1000000003", "SELECT campaign.id FROM campaign"), t0)
            .status == 200);
    CHECK(g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0 + 1s)
              .status == 200);
  }
}

TEST_CASE("google faults: transient 500/503 and throttles", "[unit][google]") {
  auto g = make_google(opts());
  fault_profile f;
  f.error_rate = 1.0;
  g->set_faults(f);
  for (int i = 0; i < 6; ++i) {
    auto r = g->handle(
        search(direct, "SELECT campaign.id FROM campaign", false), t0);
    CHECK((r.status == 500 || r.status == 503));
    CHECK(r.acct.error);
  }
  f = {};
  f.throttle_storm = true;
  g->set_faults(f);
  auto r =
      g->handle(search(direct, "SELECT campaign.id FROM campaign", false), t0);
  CHECK(r.status == 429);
  CHECK(r.acct.throttled);
  f = {};
  f.partial_batch_rate = 1.0;
  g->set_faults(f);
  json::array two{json::object{{"create", json::object{{"name", "a"}}}},
                  json::object{{"create", json::object{{"name", "b"}}}}};
  r = g->handle(
      post("/v21/customers/" + direct + "/campaigns:mutate",
           json::object{{"operations", two}, {"partialFailure", true}}),
      t0);
  REQUIRE(r.status == 200);
  CHECK(parse(r)
            .at("partialFailureError")
            .at("details")
            .as_array()[0]
            .at("errors")
            .as_array()
            .size() == 2);
}

TEST_CASE("google never crashes and always answers JSON on garbage",
          "[unit][google]") {
  static const char* pieces[] = {"SELECT ",
                                 "campaign.id",
                                 ", ",
                                 "metrics.clicks",
                                 " FROM ",
                                 "campaign",
                                 "ad_group",
                                 " WHERE ",
                                 "segments.date",
                                 " DURING ",
                                 "LAST_7_DAYS",
                                 " BETWEEN ",
                                 "'2026-01-01'",
                                 " AND ",
                                 " IN (",
                                 ")",
                                 "(",
                                 " = ",
                                 "'",
                                 "\"",
                                 " LIMIT ",
                                 "99999999999999999999",
                                 " ORDER BY ",
                                 " DESC",
                                 "segments.device",
                                 "keyword_view",
                                 "ad_group_criterion.keyword.text",
                                 " LIKE ",
                                 "'%a%'",
                                 " IS NULL",
                                 " CONTAINS ANY ",
                                 "!",
                                 "-1",
                                 "1.5.6"};
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
    for (std::uint64_t k = 0; k < len; ++k)
      q += pieces[next(count)];
    auto res = g->handle(search(i % 2 ? direct : "9000000002", q, i % 3 != 0),
                         t0 + std::chrono::seconds(i));
    CHECK(res.status >= 200);
    CHECK(res.status < 600);
    CHECK(res.status != 500); // only the error_rate fault gives 500s
    boost::system::error_code ec;
    json::parse(res.body, ec);
    CHECK_FALSE(ec);
  }
  // Garbage paths and bodies.
  for (std::string target :
       {"/v99999999999999999999/x", "/v21/customers/1000000001/x:mutate",
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

TEST_CASE("google answers stay valid JSON for non-UTF-8 input",
          "[unit][google]") {
  auto g = make_google(opts());
  auto res = g->handle(
      search(direct,
             "SELECT campaign.id FROM campaign WHERE campaign.name = \xff"),
      t0);
  CHECK(res.status == 400);
  boost::system::error_code ec;
  json::parse(res.body, ec);
  CHECK_FALSE(ec);
}

TEST_CASE("google summaryRowSetting adds totals last", "[unit][google]") {
  auto g = make_google(opts());
  auto q = "SELECT campaign.id, metrics.clicks, metrics.ctr FROM campaign "
           "WHERE segments.date DURING LAST_7_DAYS";
  auto url = "/v21/customers/" + direct + "/googleAds:searchStream";
  auto r = g->handle(post(url, json::object{{"query", q},
                                            {"summaryRowSetting",
                                             "SUMMARY_ROW_WITH_RESULTS"}}),
                     t0);
  REQUIRE(r.status == 200);
  auto batches = parse(r).as_array();
  REQUIRE(batches.size() == 2);
  auto& last = batches.back().as_object();
  CHECK_FALSE(last.contains("results"));
  std::int64_t sum = 0;
  for (const auto& row : batches[0].at("results").as_array())
    sum += std::stoll(std::string(row.at("metrics").at("clicks").as_string()));
  CHECK(std::stoll(std::string(
            last.at("summaryRow").at("metrics").at("clicks").as_string())) ==
        sum);
  CHECK(last.contains("queryResourceConsumption"));
  auto only = g->handle(
      post(url, json::object{{"query", q},
                             {"summaryRowSetting", "SUMMARY_ROW_ONLY"}}),
      t0);
  auto only_batches = parse(only).as_array();
  REQUIRE(only_batches.size() == 1);
  CHECK(only_batches[0].as_object().contains("summaryRow"));
  auto no_metrics = g->handle(
      post(url, json::object{{"query", "SELECT campaign.id FROM campaign"},
                             {"summaryRowSetting", "SUMMARY_ROW_ONLY"}}),
      t0);
  CHECK(failure(no_metrics).at("requestError").as_string() ==
        "CANNOT_RETURN_SUMMARY_ROW_FOR_REQUEST_WITHOUT_METRICS");
  auto page = g->handle(
      post("/v21/customers/" + direct + "/googleAds:search",
           json::object{{"query", q},
                        {"summaryRowSetting", "SUMMARY_ROW_WITH_RESULTS"}}),
      t0);
  CHECK(parse(page).as_object().contains("summaryRow"));
}

TEST_CASE("google rows leave default values out, as proto3 JSON does",
          "[unit][google]") {
  auto q =
      "SELECT ad_group_criterion.criterion_id, ad_group_criterion.negative, "
      "ad_group_criterion.keyword.text FROM ad_group_criterion";
  auto g = make_google(opts());
  auto rows = stream_rows(g->handle(search(direct, q), t0));
  REQUIRE(!rows.empty());
  CHECK_FALSE(
      rows[0].at("adGroupCriterion").as_object().contains("negative")); // false
  google_options go;
  go.omit_default_values = false;
  auto full = make_google(opts(), go);
  auto rows2 = stream_rows(full->handle(search(direct, q), t0));
  CHECK(rows2[0].at("adGroupCriterion").at("negative").as_bool() == false);
  // Zero metrics are left out too: at least one zero-click day row has no
  // clicks key.
  auto daily = stream_rows(g->handle(
      search(direct,
             "SELECT ad_group_ad.ad.id, metrics.clicks, segments.date FROM "
             "ad_group_ad WHERE segments.date DURING LAST_30_DAYS"),
      t0));
  bool some_missing = false;
  for (const auto& r : daily)
    if (!r.contains("metrics") ||
        !r.at("metrics").as_object().contains("clicks"))
      some_missing = true;
  CHECK(some_missing);
}

// ---------------------------------------------------------------------------
// Ownership, versions, quota accounting, resources, additivity.

namespace {

http_request as_token(http_request r, const std::string& token) {
  r.headers["Authorization"] = "Bearer " + token;
  return r;
}

http_request list_accessible(const std::string& token) {
  http_request l;
  l.method = "GET";
  l.target = "/v21/customers:listAccessibleCustomers";
  l.headers["Authorization"] = "Bearer " + token;
  l.headers["developer-token"] = "d";
  return l;
}

std::vector<std::string> names_of(const http_response& r) {
  std::vector<std::string> out;
  auto body = parse(r);
  for (const auto& v : body.at("resourceNames").as_array())
    out.emplace_back(v.as_string());
  return out;
}

/// A numeric field of a rendered row (int64 strings, doubles); absent = 0,
/// as proto3 JSON leaves defaults out.
double num(const json::object& row, std::string_view path) {
  const json::object* cur = &row;
  std::size_t i = 0;
  while (true) {
    auto j = path.find('.', i);
    auto key = path.substr(i, j == std::string_view::npos ? j : j - i);
    auto v = cur->if_contains(key);
    if (!v) return 0;
    if (j == std::string_view::npos) {
      if (v->is_string()) return std::stod(std::string(v->as_string()));
      if (v->is_int64()) return static_cast<double>(v->as_int64());
      return v->as_double();
    }
    cur = &v->as_object();
    i = j + 1;
  }
}

std::string text(const json::object& row, std::string_view path) {
  const json::object* cur = &row;
  std::size_t i = 0;
  while (true) {
    auto j = path.find('.', i);
    auto key = path.substr(i, j == std::string_view::npos ? j : j - i);
    auto v = cur->if_contains(key);
    if (!v) return {};
    if (j == std::string_view::npos)
      return v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
    cur = &v->as_object();
    i = j + 1;
  }
}

const std::vector<std::string> additive = {
    "metrics.impressions",        "metrics.clicks",
    "metrics.costMicros",         "metrics.conversions",
    "metrics.conversionsValue",   "metrics.allConversions",
    "metrics.allConversionsValue"};
const std::vector<std::string> conversion_metrics = {
    "metrics.conversions", "metrics.conversionsValue", "metrics.allConversions",
    "metrics.allConversionsValue"};

} // namespace

TEST_CASE("google ownership rule and helpers", "[unit][google]") {
  google_options go; // 20 clients, modulus 5
  CHECK(google::owned_customers(go, "org-0") == std::vector<int>{1, 6, 11, 16});
  CHECK(google::owned_customers(go, "org-3") == std::vector<int>{4, 9, 14, 19});
  CHECK(google::owned_customers(go, "org-8-eu") ==
        std::vector<int>{4, 9, 14, 19});
  CHECK(google::owned_customers(go, "org-123456789012345678901234567890") ==
        google::owned_customers(go, "org-0")); // huge k: k % m
  // Not scoped: owns everything.
  for (auto tok : {"ya29.test", "org-", "org-3x", "org--1", "xorg-3", "org-a"})
    CHECK(google::owned_customers(go, tok).size() == 20);
  CHECK(google::owns_customer(go, "org-1", 2));
  CHECK_FALSE(google::owns_customer(go, "org-1", 3));
  CHECK_FALSE(google::owns_customer(go, "anything", 0));
  go.ownership_modulus = 3;
  CHECK(google::owned_customers(go, "org-1") ==
        std::vector<int>{2, 5, 8, 11, 14, 17, 20});
  go.token_owners["org-1"] = {3, 4}; // explicit grants win over the rule
  go.token_owners["plain"] = {7};
  CHECK(google::owned_customers(go, "org-1") == std::vector<int>{3, 4});
  CHECK(google::owned_customers(go, "plain") == std::vector<int>{7});
  CHECK(google::client_customer_id(7) == "1000000007");
  // Login ids: even clients go through 9000000001 + (i/2) % 3.
  CHECK(google::login_customer_for(go, 1).empty());
  CHECK(google::login_customer_for(go, 2) == "9000000002");
  CHECK(google::login_customer_for(go, 6) == "9000000001");
  CHECK(google::owns_manager(go, "plain", 1) == false); // 7 is odd
  CHECK(google::owns_manager(go, "org-1", 3)); // client 4 -> 9000000003
}

TEST_CASE("google scoped tokens reach only their customers", "[unit][google]") {
  google_options go;
  auto g = make_google(opts(), go);
  auto q = std::string("SELECT customer.id FROM customer");
  for (int i = 1; i <= 20; ++i) {
    auto cid = google::client_customer_id(i);
    auto login = google::login_customer_for(go, i);
    for (auto tok : {"org-2", "org-7-prod"}) {
      auto r = g->handle(
          as_token(post("/v21/customers/" + cid + "/googleAds:searchStream",
                        json::object{{"query", q}}, login),
                   tok),
          t0);
      bool owned = (i - 1) % 5 == 2;
      CHECK(r.status == (owned ? 200 : 403));
      if (!owned) {
        CHECK(failure(r).at("authorizationError").as_string() ==
              "USER_PERMISSION_DENIED");
        CHECK(r.acct.quota_units == 0);
      }
    }
  }
  // A manager is usable only by tokens owning a client under it.
  auto via = [&](const std::string& tok, const std::string& manager) {
    return g
        ->handle(
            as_token(post("/v21/customers/" + manager + "/googleAds:search",
                          json::object{{"query", q}}, manager),
                     tok),
            t0)
        .status;
  };
  for (int m = 1; m <= 3; ++m) {
    auto id = std::to_string(9000000000LL + m);
    for (auto tok : {"org-0", "org-1", "org-2", "org-3", "org-4"})
      CHECK(via(tok, id) == (google::owns_manager(go, tok, m) ? 200 : 403));
  }
  // Mutates too, before any operation is looked at.
  json::array one{json::object{{"create", json::object{{"name", "x"}}}}};
  auto m =
      g->handle(as_token(post("/v21/customers/1000000002/campaigns:mutate",
                              json::object{{"operations", one}}, "9000000002"),
                         "org-0"),
                t0);
  CHECK(m.status == 403);
  CHECK(m.acct.quota_units == 0);
  // listAccessibleCustomers: managers with owned clients, then owned
  // clients that need no manager.
  std::vector<std::string> expected;
  for (int mgr = 1; mgr <= 3; ++mgr)
    if (google::owns_manager(go, "org-1", mgr))
      expected.push_back("customers/" + std::to_string(9000000000LL + mgr));
  for (int i : google::owned_customers(go, "org-1"))
    if (google::login_customer_for(go, i).empty())
      expected.push_back("customers/" + google::client_customer_id(i));
  CHECK(names_of(g->handle(list_accessible("org-1"), t0)) == expected);
  CHECK(names_of(g->handle(list_accessible("ya29.any"), t0)).size() == 3 + 10);
  // token_owners grants exactly the listed clients.
  go.token_owners["tok-a"] = {3};
  auto g2 = make_google(opts(), go);
  CHECK(names_of(g2->handle(list_accessible("tok-a"), t0)) ==
        std::vector<std::string>{"customers/1000000003"});
  CHECK(g2->handle(as_token(search("1000000003", q), "tok-a"), t0).status ==
        200);
  CHECK(g2->handle(as_token(search("1000000001", q), "tok-a"), t0).status ==
        403);
}

TEST_CASE("google versions v17..v25 by default", "[unit][google]") {
  auto g = make_google(opts());
  auto q = "SELECT customer.id FROM customer";
  CHECK(g->handle(search(direct, q, true, "v16"), t0).status == 404);
  for (auto v : {"v17", "v21", "v23", "v24", "v25"})
    CHECK(g->handle(search(direct, q, true, v), t0).status == 200);
  CHECK(g->handle(search(direct, q, true, "v26"), t0).status == 404);
  google_options go;
  go.max_version = 23;
  auto older = make_google(opts(), go);
  CHECK(older->handle(search(direct, q, true, "v24"), t0).status == 404);
}

TEST_CASE("google quota_units equal the daily operations charged",
          "[unit][google]") {
  auto o = opts();
  o.limit_scale = 0.0008; // 15,000 -> 12 operations a day
  google_options go;
  go.customer_qps = 1000000;
  auto g = make_google(o, go);
  std::int64_t charged = 0;
  auto call = [&](const http_request& r, int status, std::int64_t units) {
    auto res = g->handle(r, t0);
    CHECK(res.status == status);
    CHECK(res.acct.quota_units == units);
    charged += res.acct.quota_units;
    return res;
  };
  // A query rejected for its GAQL: executed, one operation.
  call(search(direct, "SELECT campaign.bogus FROM campaign"), 400, 1);
  call(search(direct, "SELECT campaign.id FROM campaign WHERE"), 400, 1);
  // Rejected before execution: nothing.
  call(as_token(search(direct, "SELECT campaign.id FROM campaign"), "org-1"),
       403, 0);
  call(search(managed, "SELECT campaign.id FROM campaign"), 403,
       0); // no login id
  auto no_dev = search(direct, "SELECT campaign.id FROM campaign");
  no_dev.headers.erase("developer-token");
  call(no_dev, 400, 0);
  call(post("/v21/customers/" + direct + "/googleAds:search", json::object{}),
       400, 0);
  call(post("/v21/customers/" + direct + "/googleAds:search",
            json::object{{"query", "SELECT campaign.id FROM campaign"},
                         {"pageSize", 5}}),
       400, 0);
  fault_profile storm;
  storm.throttle_storm = true;
  g->set_faults(storm);
  call(search(direct, "SELECT campaign.id FROM campaign"), 429, 0);
  g->set_faults({});
  // Mutates: one unit per operation, with or without failures.
  auto url = "/v21/customers/" + direct + "/campaigns:mutate";
  json::array three{json::object{{"create", json::object{{"name", "a"}}}},
                    json::object{{"create", json::object{}}}, // no name
                    json::object{{"create", json::object{{"name", "c"}}}}};
  call(post(url, json::object{{"operations", three}, {"partialFailure", true}}),
       200, 3);
  json::array two{three[0], three[1]};
  call(post(url, json::object{{"operations", two}}), 400, 2);
  CHECK(charged == 7);
  for (int i = 0; i < 5; ++i)
    call(search(direct, "SELECT campaign.id FROM campaign"), 200, 1);
  CHECK(charged == 12);
  // The budget is spent: throttled calls charge nothing.
  call(search(direct, "SELECT campaign.id FROM campaign"), 429, 0);
  call(post(url, json::object{{"operations", two}, {"partialFailure", true}}),
       429, 0);
}

TEST_CASE("google conversion_action, user_list, asset and campaign_asset",
          "[unit][google]") {
  auto g = make_google(opts());
  SECTION("conversion_action") {
    auto rows = stream_rows(g->handle(
        search(
            direct,
            "SELECT conversion_action.id, conversion_action.name, "
            "conversion_action.status, "
            "conversion_action.type, conversion_action.category, "
            "conversion_action.resource_name, "
            "customer.id FROM conversion_action ORDER BY conversion_action.id"),
        t0));
    REQUIRE(!rows.empty());
    CHECK(rows.size() <= 4);
    for (const auto& r : rows) {
      CHECK(text(r, "conversionAction.resourceName") ==
            "customers/" + direct + "/conversionActions/" +
                text(r, "conversionAction.id"));
      auto s = text(r, "conversionAction.status");
      CHECK((s == "ENABLED" || s == "REMOVED" || s == "HIDDEN"));
      CHECK(!text(r, "conversionAction.type").empty());
      CHECK(!text(r, "conversionAction.category").empty());
      CHECK(text(r, "customer.id") == direct);
    }
    auto daily = g->handle(
        search(direct,
               "SELECT conversion_action.id, segments.date, "
               "metrics.conversions, metrics.all_conversions, "
               "metrics.conversions_value, metrics.all_conversions_value FROM "
               "conversion_action "
               "WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-05'"),
        t0);
    REQUIRE(daily.status == 200);
    CHECK(stream_rows(daily).size() == rows.size() * 5);
    auto bad =
        g->handle(search(direct, "SELECT conversion_action.id, metrics.clicks "
                                 "FROM conversion_action"),
                  t0);
    CHECK(failure(bad).at("queryError").as_string() ==
          "PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE");
    auto one = stream_rows(g->handle(
        search(direct, "SELECT conversion_action.name FROM conversion_action "
                       "WHERE conversion_action.id = " +
                           text(rows[0], "conversionAction.id")),
        t0));
    CHECK(one.size() == 1);
  }
  SECTION("user_list") {
    auto rows = stream_rows(g->handle(
        search(direct, "SELECT user_list.id, user_list.name, user_list.type, "
                       "user_list.membership_status, "
                       "user_list.size_for_display, user_list.size_for_search, "
                       "user_list.membership_life_span "
                       "FROM user_list"),
        t0));
    REQUIRE(!rows.empty());
    CHECK(rows.size() <= 4);
    for (const auto& r : rows) {
      auto s = text(r, "userList.membershipStatus");
      CHECK((s == "OPEN" || s == "CLOSED"));
      CHECK(text(r, "userList.resourceName")
                .starts_with("customers/" + direct + "/userLists/"));
      CHECK(num(r, "userList.membershipLifeSpan") > 0);
    }
    auto open = stream_rows(
        g->handle(search(direct, "SELECT user_list.id FROM user_list WHERE "
                                 "user_list.membership_status IN ('OPEN')"),
                  t0));
    CHECK(open.size() <= rows.size());
    CHECK(failure(
              g->handle(
                  search(direct,
                         "SELECT user_list.id, metrics.clicks FROM user_list"),
                  t0))
              .at("queryError")
              .as_string() == "PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE");
    CHECK(
        failure(g->handle(
                    search(direct,
                           "SELECT user_list.id, segments.date FROM user_list "
                           "WHERE segments.date DURING LAST_7_DAYS"),
                    t0))
            .at("queryError")
            .as_string() == "PROHIBITED_SEGMENT_IN_SELECT_OR_WHERE_CLAUSE");
  }
  SECTION("asset and campaign_asset") {
    auto assets = stream_rows(g->handle(
        search(
            direct,
            "SELECT asset.id, asset.name, asset.type, asset.final_urls, "
            "asset.sitelink_asset.link_text, "
            "asset.callout_asset.callout_text, asset.resource_name FROM asset"),
        t0));
    REQUIRE(assets.size() >= 2);
    std::map<std::string, std::string> type_of;
    for (const auto& a : assets) {
      auto type = text(a, "asset.type");
      type_of[text(a, "asset.resourceName")] = type;
      if (type == "SITELINK") {
        CHECK(!text(a, "asset.sitelinkAsset.linkText").empty());
        CHECK(a.at("asset").as_object().contains("finalUrls"));
        CHECK_FALSE(a.at("asset").as_object().contains("calloutAsset"));
      } else {
        CHECK(type == "CALLOUT");
        CHECK(!text(a, "asset.calloutAsset.calloutText").empty());
        CHECK_FALSE(a.at("asset").as_object().contains("sitelinkAsset"));
      }
    }
    auto sitelinks = stream_rows(g->handle(
        search(direct,
               "SELECT asset.id FROM asset WHERE asset.type = 'SITELINK' AND "
               "asset.sitelink_asset.link_text IS NOT NULL"),
        t0));
    CHECK(!sitelinks.empty());
    auto links = stream_rows(g->handle(
        search(direct, "SELECT campaign_asset.campaign, campaign_asset.asset, "
                       "campaign_asset.field_type, "
                       "campaign_asset.status, campaign.id, campaign.name, "
                       "asset.type, asset.sitelink_asset.link_text "
                       "FROM campaign_asset"),
        t0));
    REQUIRE(!links.empty());
    auto campaigns = stream_rows(
        g->handle(search(direct, "SELECT campaign.id FROM campaign"), t0));
    CHECK(links.size() >= campaigns.size()); // each campaign has 1..3
    for (const auto& l : links) {
      auto asset = text(l, "campaignAsset.asset");
      REQUIRE(type_of.count(asset));
      CHECK(text(l, "campaignAsset.fieldType") == type_of[asset]);
      CHECK(text(l, "asset.type") == type_of[asset]);
      CHECK(text(l, "campaignAsset.campaign") ==
            "customers/" + direct + "/campaigns/" + text(l, "campaign.id"));
      CHECK(text(l, "campaignAsset.resourceName")
                .ends_with("~" + type_of[asset]));
    }
    auto callouts = stream_rows(g->handle(
        search(direct, "SELECT campaign_asset.asset FROM campaign_asset WHERE "
                       "campaign_asset.field_type = CALLOUT"),
        t0));
    for (const auto& c : callouts)
      CHECK(type_of[text(c, "campaignAsset.asset")] == "CALLOUT");
    // Mutating the new collections.
    json::array ops{
        json::object{
            {"create",
             json::object{
                 {"campaign", text(links[0], "campaignAsset.campaign")},
                 {"asset", text(links[0], "campaignAsset.asset")},
                 {"fieldType", "SITELINK"}}}},
        json::object{
            {"create",
             json::object{
                 {"campaign", text(links[0], "campaignAsset.campaign")}}}},
        json::object{{"remove", text(links[0], "campaignAsset.resourceName")}}};
    auto r = g->handle(
        post("/v21/customers/" + direct + "/campaignAssets:mutate",
             json::object{{"operations", ops}, {"partialFailure", true}}),
        t0);
    REQUIRE(r.status == 200);
    auto res = parse(r).at("results").as_array();
    CHECK(res[0].at("resourceName").as_string().ends_with("~SITELINK"));
    CHECK(res[1].as_object().empty());
    CHECK(res[2].at("resourceName").as_string() ==
          text(links[0], "campaignAsset.resourceName"));
    for (auto coll : {"conversionActions", "userLists", "assets"}) {
      json::array c{json::object{{"create", json::object{{"name", "new"}}}}};
      CHECK(g->handle(post("/v21/customers/" + direct + "/" + coll + ":mutate",
                           json::object{{"operations", c}}),
                      t0)
                .status == 200);
    }
  }
}

TEST_CASE("google metrics add up over days and devices", "[unit][google]") {
  google_options go;
  go.customer_qps = 1000000; // many queries at one instant
  auto g = make_google(opts(7), go);
  struct level {
    const char* from;
    const char* key; // a field path naming the row's entity
    const char* select;
    const std::vector<std::string>* metrics;
  };
  const std::string all =
      "metrics.impressions, metrics.clicks, metrics.cost_micros, "
      "metrics.conversions, metrics.conversions_value, "
      "metrics.all_conversions, metrics.all_conversions_value, "
      "metrics.ctr, metrics.average_cpc, metrics.average_cpm";
  const std::string conv =
      "metrics.conversions, metrics.conversions_value, "
      "metrics.all_conversions, metrics.all_conversions_value";
  std::vector<level> levels = {
      {"campaign", "campaign.resourceName", "campaign.id", &additive},
      {"ad_group", "adGroup.resourceName", "ad_group.id, campaign.id",
       &additive},
      {"keyword_view", "keywordView.resourceName",
       "ad_group_criterion.criterion_id", &additive},
      {"ad_group_ad", "adGroupAd.resourceName", "ad_group_ad.ad.id", &additive},
      {"customer", "customer.resourceName", "customer.id", &additive},
      {"conversion_action", "conversionAction.resourceName",
       "conversion_action.id", &conversion_metrics},
  };
  for (const auto& l : levels) {
    INFO(l.from);
    bool is_conv = std::string(l.from) == "conversion_action";
    auto metrics = is_conv ? conv : all;
    auto query = [&](const std::string& extra_select,
                     const std::string& where) {
      auto q = "SELECT " + std::string(l.select) + ", " + metrics +
               extra_select + " FROM " + l.from + " WHERE " + where;
      auto r = g->handle(search(direct, q), t0);
      REQUIRE(r.status == 200);
      return stream_rows(r);
    };
    // The union of two requests' ranges, segmented by day.
    auto daily = query(", segments.date",
                       "segments.date BETWEEN '2025-12-20' AND '2026-01-14'");
    std::set<std::string> entities;
    for (const auto& r : daily)
      entities.insert(text(r, l.key));
    CHECK(daily.size() == entities.size() * 26); // every entity, every day
    // Default order: entity id order, then days ascending.
    for (std::size_t i = 1; i < daily.size(); ++i)
      if (text(daily[i], l.key) == text(daily[i - 1], l.key))
        CHECK(text(daily[i - 1], "segments.date") <
              text(daily[i], "segments.date"));
    for (auto [a, b] : {std::pair{"2025-12-20", "2026-01-14"},
                        std::pair{"2025-12-28", "2026-01-03"},
                        std::pair{"2026-01-10", "2026-01-10"}}) {
      INFO(a << ".." << b);
      std::map<std::string, std::map<std::string, double>> sums;
      for (const auto& r : daily) {
        auto d = text(r, "segments.date");
        if (d < a || d > b) continue;
        for (const auto& m : *l.metrics)
          sums[text(r, l.key)][m] += num(r, m);
      }
      auto whole = query("", "segments.date BETWEEN '" + std::string(a) +
                                 "' AND '" + b + "'");
      REQUIRE(whole.size() == entities.size()); // one row per entity
      for (const auto& r : whole) {
        auto& s = sums[text(r, l.key)];
        for (const auto& m : *l.metrics)
          CHECK(num(r, m) == s[m]);
        if (!is_conv) {
          auto imp = s["metrics.impressions"], clicks = s["metrics.clicks"],
               cost = s["metrics.costMicros"];
          // Boost.JSON 1.81 parses doubles to within an ulp or so.
          CHECK(num(r, "metrics.ctr") ==
                Approx(imp ? clicks / imp : 0.0).epsilon(1e-12));
          CHECK(num(r, "metrics.averageCpc") ==
                Approx(clicks ? cost / clicks : 0.0).epsilon(1e-12));
          CHECK(num(r, "metrics.averageCpm") ==
                Approx(imp ? 1000.0 * cost / imp : 0.0).epsilon(1e-12));
        }
      }
    }
    // Devices add up to the unsegmented value.
    auto by_device =
        query(", segments.device", "segments.date DURING LAST_7_DAYS");
    auto plain = query("", "segments.date DURING LAST_7_DAYS");
    CHECK(by_device.size() == plain.size() * 3);
    for (const auto& r : plain)
      for (const auto& m : *l.metrics) {
        double s = 0;
        for (const auto& d : by_device)
          if (text(d, l.key) == text(r, l.key)) s += num(d, m);
        CHECK(num(r, m) == s);
      }
  }
}

TEST_CASE("google query results have no hidden state; order is documented",
          "[unit][google]") {
  auto q = std::string("SELECT campaign.id, ad_group.id, segments.date, "
                       "metrics.clicks FROM ad_group "
                       "WHERE segments.date DURING LAST_14_DAYS");
  auto g = make_google(opts(11));
  auto first = stream_rows(g->handle(search(direct, q), t0));
  // Other traffic in between: queries, mutates, other customers.
  g->handle(
      search("1000000003", "SELECT campaign.id, metrics.clicks FROM campaign"),
      t0);
  json::array ops{json::object{{"create", json::object{{"name", "n"}}}}};
  g->handle(post("/v21/customers/" + direct + "/campaigns:mutate",
                 json::object{{"operations", ops}}),
            t0);
  g->handle(search(direct,
                   "SELECT campaign.id FROM campaign WHERE campaign.bogus = 1"),
            t0);
  CHECK(stream_rows(g->handle(search(direct, q), t0 + 5s)) == first);
  CHECK(stream_rows(make_google(opts(11))->handle(search(direct, q), t0)) ==
        first);
  // ORDER BY is honoured, ties keep the default order.
  auto sorted = stream_rows(g->handle(
      search(direct, "SELECT campaign.id, metrics.clicks FROM campaign WHERE "
                     "segments.date DURING LAST_30_DAYS "
                     "ORDER BY metrics.clicks DESC, campaign.id"),
      t0));
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    auto a = num(sorted[i - 1], "metrics.clicks"),
         b = num(sorted[i], "metrics.clicks");
    CHECK(a >= b);
    if (a == b)
      CHECK(num(sorted[i - 1], "campaign.id") < num(sorted[i], "campaign.id"));
  }
  auto by_id = stream_rows(
      g->handle(search(direct, "SELECT ad_group.id FROM ad_group"), t0));
  for (std::size_t i = 1; i < by_id.size(); ++i)
    CHECK(num(by_id[i - 1], "adGroup.id") < num(by_id[i], "adGroup.id"));
  // Date conditions intersect; IN lists pick days.
  auto in = stream_rows(g->handle(
      search(direct, "SELECT campaign.id, segments.date FROM campaign WHERE "
                     "segments.date IN ('2026-01-02', '2026-01-05') "
                     "AND segments.date >= '2026-01-03'"),
      t0));
  for (const auto& r : in)
    CHECK(text(r, "segments.date") == "2026-01-05");
  auto none = stream_rows(g->handle(
      search(direct,
             "SELECT campaign.id, segments.date, metrics.clicks FROM campaign "
             "WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-10' "
             "AND segments.date DURING LAST_7_DAYS"),
      t0));
  for (const auto& r : none)
    CHECK(text(r, "segments.date") >= "2026-01-08");
}
