// The Google planner: what merges into one searchStream or mutate, what
// stays apart, headers, versions and rejections.

#include "tests/platforms/google/google_test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace google_test;

namespace {

plan make(const std::vector<queued_request>& rs,
          const plan_context& ctx = context()) {
  return make_google_adapter()->make_plan(rs, ctx);
}

bool has(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

json::object update_op(const std::string& rn) {
  return {{"update", json::object{{"resourceName", rn}, {"status", "PAUSED"}}},
          {"updateMask", "status"}};
}

std::string campaign_rn(int n, int c) {
  return "customers/" + client(n) + "/campaigns/" +
         std::to_string(20000000000LL + n * 1000 + c);
}

} // namespace

TEST_CASE("google reads of one resource and grain share one searchStream",
          "[unit][google]") {
  auto p =
      make({request(1, "a", "get_campaigns",
                    {{"fields", json::array{"campaign.id", "metrics.clicks"}}}),
            request(2, "a", "get_campaigns",
                    {{"fields",
                      json::array{"campaign.name", "metrics.impressions"}}})});
  REQUIRE(p.calls.size() == 1);
  REQUIRE(p.rejected.empty());
  const auto& c = p.calls[0];
  CHECK(c.method == "POST");
  CHECK(c.target == "/v25/customers/1000000001/googleAds:searchStream");
  CHECK(c.serves == std::vector<std::int64_t>{1, 2});
  CHECK(c.quota_units == 1);
  CHECK(c.scope == "customer:1000000001");
  CHECK_FALSE(c.is_write);
  CHECK(c.label == "searchStream campaign total (2 requests)");
  CHECK_FALSE(has(c.label, "org-0"));
  CHECK(query_of(c) ==
        "SELECT campaign.id, metrics.clicks, campaign.name, "
        "metrics.impressions FROM campaign WHERE campaign.status != "
        "'REMOVED' AND segments.date DURING LAST_30_DAYS");
  CHECK(header(c, "Authorization") == "Bearer org-0");
  CHECK(header(c, "developer-token") == "dev-token-1");
  CHECK(header(c, "login-customer-id") == "");
  CHECK(header(c, "Content-Type") == "application/json");
}

TEST_CASE("google merges id filters as IN unions, or drops them",
          "[unit][google]") {
  SECTION("every request filters: the union") {
    auto p = make({request(1, "a", "get_ad_groups", {{"campaign_id", 7}}),
                   request(2, "a", "get_ad_groups",
                           {{"campaign_ids", json::array{5, 7}}}),
                   request(3, "a", "get_ad_groups",
                           {{"filters", json::object{{"campaign.id", "3"}}}})});
    REQUIRE(p.calls.size() == 1);
    CHECK(has(query_of(p.calls[0]), "campaign.id IN (3, 5, 7)"));
  }
  SECTION("one request without the filter: unfiltered") {
    auto p = make({request(1, "a", "get_ad_groups", {{"campaign_id", 7}}),
                   request(2, "a", "get_ad_groups")});
    REQUIRE(p.calls.size() == 1);
    auto q = query_of(p.calls[0]);
    CHECK_FALSE(has(q, "campaign.id IN"));
    CHECK_FALSE(has(q, "campaign.id ="));
    // The filter's field travels so the splitter can apply it.
    CHECK(has(q, "SELECT ad_group.id"));
    CHECK(has(q, ", campaign.id FROM ad_group"));
    CHECK(has(q, "ad_group.status != 'REMOVED'"));
  }
  SECTION("different template conditions stay local") {
    auto p = make(
        {request(1, "a", "get_campaigns",
                 {{"filters", json::object{{"campaign.status", "PAUSED"}}}}),
         request(2, "a", "get_campaigns",
                 {{"filters", json::object{{"campaign.name", "x'y"}}}})});
    REQUIRE(p.calls.size() == 1);
    auto q = query_of(p.calls[0]);
    CHECK_FALSE(has(q, "PAUSED"));
    CHECK_FALSE(has(q, "x\\'y"));
    CHECK(has(q, "campaign.status != 'REMOVED'"));
  }
  SECTION("identical requests share one part") {
    auto p =
        make({request(1, "a", "get_account"), request(2, "a", "get_account")});
    REQUIRE(p.calls.size() == 1);
    CHECK(query_of(p.calls[0]) ==
          "SELECT customer.id, customer.descriptive_name, "
          "customer.currency_code, customer.time_zone, customer.test_account "
          "FROM customer");
    CHECK(p.calls[0].serves == std::vector<std::int64_t>{1, 2});
  }
}

TEST_CASE("google merges date ranges into their span", "[unit][google]") {
  SECTION("explicit ranges") {
    auto p = make(
        {request(1, "a", "get_campaign_metrics",
                 {{"start_date", "2026-01-01"}, {"end_date", "2026-01-05"}}),
         request(2, "a", "get_campaign_metrics",
                 {{"start_date", "2026-01-04"}, {"end_date", "2026-01-10"}})});
    REQUIRE(p.calls.size() == 1);
    auto q = query_of(p.calls[0]);
    CHECK(has(q, "segments.date BETWEEN '2026-01-01' AND '2026-01-10'"));
    CHECK_FALSE(has(q, "ORDER BY"));
  }
  SECTION("a shared preset stays a preset") {
    auto p = make(
        {request(1, "a", "get_campaign_metrics",
                 {{"fields", json::array{"campaign.id", "metrics.clicks"}}}),
         request(2, "a", "get_campaign_metrics")});
    REQUIRE(p.calls.size() == 1);
    CHECK(has(query_of(p.calls[0]), "segments.date DURING LAST_30_DAYS"));
  }
  SECTION("presets resolve against the UTC day of now") {
    auto p = make(
        {request(1, "a", "get_campaign_metrics", {{"date_range", "YESTERDAY"}}),
         request(2, "a", "get_campaign_metrics",
                 {{"start_date", "2025-12-01"}, {"end_date", "2025-12-02"}})});
    REQUIRE(p.calls.size() == 1);
    CHECK(has(query_of(p.calls[0]),
              "segments.date BETWEEN '2025-12-01' AND '2026-01-14'"));
  }
  SECTION("totals over different ranges are fetched per day") {
    auto p =
        make({request(1, "a", "get_campaigns",
                      {{"fields", json::array{"campaign.id", "metrics.ctr"}},
                       {"date_range", "LAST_7_DAYS"}}),
              request(2, "a", "get_campaigns")});
    REQUIRE(p.calls.size() == 1);
    auto q = query_of(p.calls[0]);
    CHECK(has(q, "segments.date BETWEEN '2025-12-16' AND '2026-01-14'"));
    CHECK(has(q, ", segments.date FROM campaign"));
    CHECK(p.calls[0].label == "searchStream campaign total (2 requests)");
  }
  SECTION("spans past 3650 days split the group") {
    auto p = make(
        {request(1, "a", "get_campaign_metrics",
                 {{"start_date", "2012-01-01"}, {"end_date", "2012-01-05"}}),
         request(2, "a", "get_campaign_metrics",
                 {{"start_date", "2026-01-01"}, {"end_date", "2026-01-05"}}),
         request(3, "a", "get_campaign_metrics",
                 {{"start_date", "2020-01-01"}, {"end_date", "2020-01-05"}})});
    REQUIRE(p.calls.size() == 2);
    CHECK(cost_of(p) == google_minimum_cost(
                            std::vector<queued_request>{
                                request(1, "a", "get_campaign_metrics",
                                        {{"start_date", "2012-01-01"},
                                         {"end_date", "2012-01-05"}}),
                                request(2, "a", "get_campaign_metrics",
                                        {{"start_date", "2026-01-01"},
                                         {"end_date", "2026-01-05"}}),
                                request(3, "a", "get_campaign_metrics",
                                        {{"start_date", "2020-01-01"},
                                         {"end_date", "2020-01-05"}})},
                            context()));
  }
}

TEST_CASE("google keeps grains, credentials and customers apart",
          "[unit][google]") {
  auto count = [](const std::vector<queued_request>& rs) {
    return make(rs).calls.size();
  };
  // daily vs total vs attributes on one resource
  CHECK(
      count({request(1, "a", "get_campaign_metrics"),
             request(2, "a", "get_campaign_metrics", {{"aggregate", "total"}}),
             request(3, "a", "get_campaigns",
                     {{"fields", json::array{"campaign.id"}}})}) == 3);
  // same token, other customer / other login id
  CHECK(count({request(1, "a", "get_account"), request(2, "a6", "get_account"),
               request(3, "d", "get_account")}) == 3);
  // same customer through params, two tokens
  CHECK(count({request(1, "b", "get_account"),
               request(2, "c", "get_account",
                       {{"customer_id", "100-000-0002"}})}) == 2);
  // a raw query goes alone; identical raw queries share
  auto p = make({request(1, "a", "gaql_query",
                         {{"query", "SELECT campaign.id FROM campaign"}}),
                 request(2, "a", "gaql_query",
                         {{"query", "SELECT campaign.id FROM campaign"}}),
                 request(3, "a", "get_campaigns",
                         {{"fields", json::array{"campaign.id"}}})});
  REQUIRE(p.calls.size() == 2);
  CHECK(p.calls[1].serves == std::vector<std::int64_t>{1, 2});
  CHECK(query_of(p.calls[1]) == "SELECT campaign.id FROM campaign");
  // login-customer-id goes out without dashes
  auto pb = make({request(1, "b", "get_account")});
  CHECK(header(pb.calls[0], "login-customer-id") == "9000000002");
}

TEST_CASE("google api version comes from settings", "[unit][google]") {
  auto ctx = context();
  for (auto [given, sent] : {std::pair{"v21", "/v21/"},
                             {"21", "/v21/"},
                             {"v23.0", "/v23/"},
                             {"", "/v25/"},
                             {"latest", "/v25/"}}) {
    ctx.settings.api_version = given;
    auto p = make({request(1, "a", "get_account")}, ctx);
    CHECK(has(p.calls[0].target, sent));
  }
}

TEST_CASE("google rejects what cannot be called", "[unit][google]") {
  auto ctx = context();
  ctx.credentials["notoken"] = connection("notoken", "", 1);
  auto nocust = connection("nocust", "org-0", 1);
  nocust.account_ids.erase("customer_id");
  ctx.credentials["nocust"] = nocust;
  auto badcust = connection("badcust", "org-0", 1);
  badcust.account_ids["customer_id"] = "12x";
  ctx.credentials["badcust"] = badcust;
  auto p = make(
      {request(1, "notoken", "get_account"),
       request(2, "nocust", "get_account"),
       request(3, "badcust", "get_account"),
       request(4, "a", "get_account", {{"limit", -1}}),
       request(5, "unknown-conn", "get_account"),
       request(6, "nocust", "get_account", {{"customer_id", "1000000001"}})},
      ctx);
  REQUIRE(p.rejected.size() == 5);
  CHECK(p.rejected[0].error_code == "missing_token");
  CHECK(p.rejected[1].error_code == "missing_customer_id");
  CHECK(p.rejected[2].error_code == "invalid_customer_id");
  CHECK(p.rejected[3].error_code == "invalid_params");
  CHECK(p.rejected[4].error_code == "missing_token");
  for (const auto& r : p.rejected) {
    CHECK(r.kind == outcome_kind::permanent);
    CHECK_FALSE(has(r.error_message, "org-0"));
  }
  REQUIRE(p.calls.size() == 1);
  CHECK(p.calls[0].serves == std::vector<std::int64_t>{6});
  ctx.settings.platform_credentials.clear();
  auto q = make({request(1, "a", "get_account")}, ctx);
  REQUIRE(q.rejected.size() == 1);
  CHECK(q.rejected[0].error_code == "missing_developer_token");
}

TEST_CASE("google mutates: one partial-failure call per collection",
          "[unit][google]") {
  auto p = make(
      {request(1, "a", "update_campaigns",
               {{"operation", update_op(campaign_rn(1, 1))}}),
       request(2, "a", "update_campaigns",
               {{"operations", json::array{update_op(campaign_rn(1, 2)),
                                           update_op(campaign_rn(1, 3))}}}),
       request(3, "a6", "update_campaigns",
               {{"operation", update_op(campaign_rn(6, 1))}}),
       request(4, "a", "update_campaigns",
               {{"operation", update_op(campaign_rn(1, 1))}}),
       request(5, "a", "update_ad_groups",
               {{"operation",
                 update_op("customers/1000000001/adGroups/150000100101")}})});
  REQUIRE(p.calls.size() == 3);
  const auto& c = p.calls[0];
  CHECK(c.target == "/v25/customers/1000000001/campaigns:mutate");
  CHECK(c.is_write);
  CHECK(c.quota_units == 3); // request 4 shares request 1's operation
  CHECK(c.serves == std::vector<std::int64_t>{1, 4, 2});
  auto body = body_of(c).as_object();
  CHECK(body.at("partialFailure").as_bool());
  CHECK(body.at("operations").as_array().size() == 3);
  CHECK(c.label == "mutate campaigns (3 operations, 3 requests)");
  CHECK(p.calls[1].target == "/v25/customers/1000000006/campaigns:mutate");
  CHECK(header(p.calls[1], "login-customer-id") == "9000000001");
  CHECK(p.calls[2].target == "/v25/customers/1000000001/adGroups:mutate");
  CHECK(cost_of(p) == plan_cost{5, 3});
  CHECK(
      google_minimum_cost(
          std::vector<queued_request>{
              request(1, "a", "update_campaigns",
                      {{"operation", update_op(campaign_rn(1, 1))}}),
              request(
                  2, "a", "update_campaigns",
                  {{"operations", json::array{update_op(campaign_rn(1, 2)),
                                              update_op(campaign_rn(1, 3))}}}),
              request(3, "a6", "update_campaigns",
                      {{"operation", update_op(campaign_rn(6, 1))}}),
              request(4, "a", "update_campaigns",
                      {{"operation", update_op(campaign_rn(1, 1))}}),
              request(
                  5, "a", "update_ad_groups",
                  {{"operation",
                    update_op("customers/1000000001/adGroups/150000100101")}})},
          context()) == plan_cost{5, 3});
}

TEST_CASE("google mutate calls carry at most 10,000 operations",
          "[unit][google]") {
  std::vector<queued_request> rs;
  for (int i = 0; i < 10001; ++i) {
    json::object op = update_op(campaign_rn(1, 1));
    op["update"].as_object()["name"] = "n" + std::to_string(i);
    rs.push_back(request(i + 1, "a", "update_campaigns", {{"operation", op}}));
  }
  auto p = make(rs);
  REQUIRE(p.calls.size() == 2);
  CHECK(p.calls[0].quota_units + p.calls[1].quota_units == 10001);
  for (const auto& c : p.calls)
    CHECK(body_of(c).at("operations").as_array().size() <= 10000);
  CHECK(cost_of(p) == google_minimum_cost(rs, context()));

  // Whole requests per call: three of 6,000 need three calls (the minimum
  // function's ceil(18,000 / 10,000) = 2 calls is a lower bound here).
  std::vector<queued_request> big;
  for (int r = 0; r < 3; ++r) {
    json::array ops;
    for (int i = 0; i < 6000; ++i) {
      json::object op = update_op(campaign_rn(1, 1));
      op["update"].as_object()["name"] =
          "r" + std::to_string(r) + "-" + std::to_string(i);
      ops.push_back(op);
    }
    big.push_back(
        request(r + 1, "a", "update_campaigns", {{"operations", ops}}));
  }
  auto pb = make(big);
  CHECK(pb.calls.size() == 3);
  CHECK(cost_of(pb).quota_units == 18000);
  CHECK(google_minimum_cost(big, context()) == plan_cost{18000, 2});
}

TEST_CASE("google naive call is the request's own query", "[unit][google]") {
  auto a = make_google_adapter();
  auto r =
      request(9, "b", "get_ad_groups",
              {{"campaign_ids", json::array{20000002001LL}}, {"limit", 2}});
  auto c = a->naive_call(r, context());
  CHECK(c.serves == std::vector<std::int64_t>{9});
  CHECK(c.target == "/v25/customers/1000000002/googleAds:searchStream");
  CHECK(query_of(c) ==
        "SELECT ad_group.id, ad_group.name, ad_group.status, ad_group.type, "
        "ad_group.campaign, ad_group.cpc_bid_micros, metrics.impressions, "
        "metrics.clicks, metrics.cost_micros FROM ad_group WHERE "
        "ad_group.status != 'REMOVED' AND campaign.id = 20000002001 AND "
        "segments.date DURING LAST_30_DAYS ORDER BY ad_group.id DESC LIMIT 2");
  auto m = a->naive_call(request(10, "a", "update_campaigns",
                                 {{"operation", update_op(campaign_rn(1, 1))}}),
                         context());
  CHECK(m.is_write);
  CHECK(m.quota_units == 1);
}
