// Catalog validation and GAQL building of the Google Ads adapter.

#include "platforms/google/google_catalog.hpp"
#include "sim/google/gaql.hpp"
#include "tests/platforms/google/google_test_support.hpp"

#include <catch2/catch.hpp>

using namespace google_test;
namespace g = adbatch::platforms::google;

namespace {

std::string check(std::string_view type, json::object params = {}) {
  return make_google_adapter()->validate(type, params);
}

json::object update_op(std::string rn, std::string mask = "status") {
  return {{"update", json::object{{"resourceName", rn}, {"status", "PAUSED"}}},
          {"updateMask", mask}};
}

const std::string camp = "customers/1000000001/campaigns/20000001001";

} // namespace

TEST_CASE("google catalog lists the original's types plus gaql_query",
          "[unit][google]") {
  auto types = make_google_adapter()->request_types();
  CHECK(types.size() == 19);
  for (auto t : {"get_account", "get_campaigns", "get_ad_groups", "get_ads",
                 "get_keywords", "get_campaign_metrics", "get_ad_group_metrics",
                 "get_keyword_metrics", "get_assets", "get_extensions",
                 "get_audiences", "get_user_lists", "get_conversion_actions",
                 "get_conversions", "gaql_query", "update_campaigns",
                 "update_ad_groups", "update_keywords", "update_ads"})
    CHECK(std::find(types.begin(), types.end(), t) != types.end());
  // Every read has a template: valid with no params at all.
  for (const auto& t : types)
    if (t.rfind("get_", 0) == 0) CHECK(check(t) == "");
}

TEST_CASE("google catalog rejects bad params naming the parameter",
          "[unit][google]") {
  CHECK(check("get_things")
            .find("unknown Google Ads request type "
                  "'get_things'") == 0);
  CHECK(check("get_campaigns", {{"stat_date", "2026-01-01"}})
            .find("get_campaigns: params.stat_date is not a parameter") == 0);
  CHECK(check("get_campaigns", {{"start_date", "2026-01-01"}}) ==
        "get_campaigns: params.end_date is required with params.start_date");
  CHECK(check("get_campaign_metrics",
              {{"start_date", "2026-13-01"}, {"end_date", "2026-01-02"}})
            .find("get_campaign_metrics: params.start_date must be a date "
                  "YYYY-MM-DD") == 0);
  CHECK(check("get_campaign_metrics",
              {{"start_date", "2026-01-05"}, {"end_date", "2026-01-02"}}) ==
        "get_campaign_metrics: params.end_date must not be before "
        "params.start_date");
  CHECK(check("get_campaign_metrics",
              {{"start_date", "2000-01-01"}, {"end_date", "2026-01-02"}})
            .find("at most 3650 days") != std::string::npos);
  CHECK(check("get_campaign_metrics", {{"date_range", "LAST_99_DAYS"}})
            .find("params.date_range must be one of TODAY") !=
        std::string::npos);
  CHECK(check("get_campaign_metrics", {{"date_range", "last_7_days"}}) == "");
  CHECK(check("get_campaign_metrics", {{"date_range", "LAST_7_DAYS"},
                                       {"start_date", "2026-01-01"},
                                       {"end_date", "2026-01-02"}})
            .find("params.date_range cannot be combined") != std::string::npos);
  CHECK(check("get_campaigns", {{"limit", 0}}).find("params.limit must be") !=
        std::string::npos);
  CHECK(check("get_campaigns", {{"limit", "25"}}) == "");
  CHECK(check("get_campaigns", {{"fields", json::array{"campaign.nme"}}})
            .find("params.fields 'campaign.nme' is not a known field") !=
        std::string::npos);
  CHECK(check("get_campaigns", {{"fields", json::array{"ad_group.id"}}})
            .find("campaign rows carry campaign, campaign_budget, customer") !=
        std::string::npos);
  CHECK(check("get_campaigns", {{"fields", json::array{"segments.date"}}})
            .find("segments are set by params.aggregate") != std::string::npos);
  CHECK(check("get_campaigns",
              {{"fields", json::array{"campaign.id", "campaign.id"}}})
            .find("lists 'campaign.id' twice") != std::string::npos);
  CHECK(check("get_account", {{"aggregate", "daily"}})
            .find("params.aggregate needs at least one metrics") !=
        std::string::npos);
  CHECK(check("get_campaigns", {{"aggregate", "weekly"}})
            .find("params.aggregate must be \"daily\" or \"total\"") !=
        std::string::npos);
  CHECK(check("get_account", {{"campaign_id", 5}}) ==
        "get_account: params.campaign_id does not apply: customer rows carry "
        "no campaign");
  CHECK(check("get_ad_groups", {{"campaign_ids", 5}}) ==
        "get_ad_groups: params.campaign_ids must be a list of ids");
  CHECK(check("get_ad_groups", {{"campaign_ids", json::array{"x"}}})
            .find("params.campaign_ids must be an integer") !=
        std::string::npos);
  CHECK(check("get_ad_groups", {{"customer_id", "12a"}})
            .find("params.customer_id must be a Google Ads customer id") !=
        std::string::npos);
  CHECK(check("get_ad_groups", {{"customer_id", "100-000-0001"}}) == "");
}

TEST_CASE("google filters are typed attribute fields", "[unit][google]") {
  CHECK(check("get_campaigns",
              {{"filters", json::object{{"campaign.status", "ENABLED"}}}}) ==
        "");
  // camelCase paths (as in the rows) are accepted.
  CHECK(check("get_campaigns",
              {{"filters", json::object{{"campaign.advertisingChannelType",
                                         "SEARCH"}}}}) == "");
  CHECK(
      check("get_campaigns", {{"filters", json::object{{"metrics.clicks", 3}}}})
          .find("params.filters.metrics.clicks 'metrics.clicks': metrics "
                "cannot be filtered on") ==
      0 + std::string("get_campaigns: ").size());
  CHECK(check("get_campaigns",
              {{"filters", json::object{{"campaign.id", "abc"}}}})
            .find("params.filters.campaign.id must be an integer") !=
        std::string::npos);
  CHECK(check("get_campaigns",
              {{"filters", json::object{{"campaign.name", "a\nb"}}}})
            .find("must not contain control characters") != std::string::npos);
  CHECK(
      check("get_campaigns", {{"filters", json::object{{"campaign.name", 5}}}})
          .find("params.filters.campaign.name must be a string") !=
      std::string::npos);
  CHECK(check("get_ads",
              {{"filters", json::object{{"ad_group_ad.ad.final_urls", "x"}}}})
            .find("is a list field") != std::string::npos);
  CHECK(check("get_account",
              {{"filters", json::object{{"customer.manager", true}}}}) == "");
  CHECK(check("get_campaigns",
              {{"filters", json::object{{"campaign.status", json::array{}}}}})
            .find("must not be an empty list") != std::string::npos);
  CHECK(check("get_campaigns", {{"filters", "campaign.status=ENABLED"}}) ==
        "get_campaigns: params.filters must be an object of field path -> "
        "exact value");
}

TEST_CASE("google mutates take an operation or a list of operations",
          "[unit][google]") {
  CHECK(check("update_campaigns", {{"operation", update_op(camp)}}) == "");
  CHECK(check("update_campaigns",
              {{"operations",
                json::array{update_op(camp), update_op(camp)}}}) == "");
  CHECK(check("update_campaigns") ==
        "update_campaigns: params.operation (one operation) or "
        "params.operations (a list) is required");
  CHECK(
      check("update_campaigns", {{"operation", update_op(camp)},
                                 {"operations", json::array{update_op(camp)}}})
          .find("cannot both be set") != std::string::npos);
  CHECK(
      check("update_campaigns",
            {{"operation", json::object{{"update", json::object{{"resourceName",
                                                                 camp}}}}}}) ==
      "update_campaigns: params.operation updateMask must list the updated "
      "fields (e.g. \"status,name\")");
  CHECK(check("update_ad_groups", {{"operation", update_op(camp)}}) ==
        "update_ad_groups: params.operation update.resourceName must name a "
        "adGroups resource (customers/<id>/adGroups/...)");
  CHECK(check("update_keywords",
              {{"operations", json::array{json::object{{"remove", 5}}}}}) ==
        "update_keywords: params.operations[0] remove must name a "
        "adGroupCriteria resource (customers/<id>/adGroupCriteria/...)");
  CHECK(check("update_ads",
              {{"operation",
                json::object{{"create", json::object{}}, {"remove", "x"}}}}) ==
        "update_ads: params.operation must set exactly one of create, update "
        "or remove");
  json::array many;
  for (int i = 0; i < 10001; ++i)
    many.push_back(update_op(camp));
  CHECK(check("update_campaigns", {{"operations", many}}) ==
        "update_campaigns: params.operations must hold at most 10000 "
        "operations (one mutate call)");
  CHECK(check("gaql_query") ==
        "gaql_query: params.query must be a GAQL string");
  CHECK(check("gaql_query", {{"query", "DELETE campaign"}}) ==
        "gaql_query: params.query must be a GAQL query starting with SELECT");
  CHECK(check("gaql_query",
              {{"query", "  select campaign.id from campaign"}}) == "");
}

TEST_CASE("google GAQL literals are escaped so the query parses back",
          "[unit][google]") {
  CHECK(g::gaql_quote("O'Brien \\ x") == "'O\\'Brien \\\\ x'");
  std::string nasty = "a' OR campaign.id != 0 AND campaign.name = '\\";
  auto r = g::parse_google_request(
      "get_campaigns", {{"filters", json::object{{"campaign.name", nasty}}}});
  REQUIRE(r.spec);
  auto text = g::gaql_render(g::own_query(std::get<g::read_spec>(*r.spec)));
  auto parsed = adbatch::sim::google::parse_gaql(text);
  auto* q = std::get_if<adbatch::sim::google::gaql_query>(&parsed);
  REQUIRE(q);
  // status != REMOVED, the filter, the date range: nothing injected.
  REQUIRE(q->where.size() == 3);
  CHECK(q->where[1].field == "campaign.name");
  CHECK(q->where[1].value.text == nasty);
}

TEST_CASE("google own queries follow the original's templates",
          "[unit][google]") {
  auto text = [](std::string_view type, json::object params = {}) {
    auto r = g::parse_google_request(type, params);
    REQUIRE(r.spec);
    return g::gaql_render(g::own_query(std::get<g::read_spec>(*r.spec)));
  };
  CHECK(text("get_campaigns") ==
        "SELECT campaign.id, campaign.name, campaign.status, "
        "campaign.advertising_channel_type, campaign.bidding_strategy_type, "
        "campaign.campaign_budget, campaign.start_date, campaign.end_date, "
        "metrics.impressions, metrics.clicks, metrics.cost_micros, "
        "metrics.conversions FROM campaign WHERE campaign.status != "
        "'REMOVED' AND segments.date DURING LAST_30_DAYS ORDER BY campaign.id "
        "DESC");
  CHECK(text("get_campaign_metrics", {{"start_date", "2026-01-01"},
                                      {"end_date", "2026-01-10"},
                                      {"campaign_ids", json::array{7, 5}},
                                      {"limit", 3}}) ==
        "SELECT campaign.id, campaign.name, segments.date, "
        "metrics.impressions, metrics.clicks, metrics.cost_micros, "
        "metrics.conversions, metrics.conversions_value, metrics.ctr, "
        "metrics.average_cpc, metrics.average_cpm FROM campaign WHERE "
        "campaign.status != 'REMOVED' AND campaign.id IN (5, 7) AND "
        "segments.date BETWEEN '2026-01-01' AND '2026-01-10' ORDER BY "
        "segments.date DESC LIMIT 3");
  CHECK(text("get_campaign_metrics",
             {{"aggregate", "total"},
              {"fields", json::array{"campaign.id", "metrics.ctr"}}}) ==
        "SELECT campaign.id, metrics.ctr FROM campaign WHERE campaign.status "
        "!= 'REMOVED' AND segments.date DURING LAST_30_DAYS");
  CHECK(text("get_account",
             {{"start_date", "2026-01-01"}, {"end_date", "2026-01-10"}}) ==
        "SELECT customer.id, customer.descriptive_name, "
        "customer.currency_code, customer.time_zone, customer.test_account "
        "FROM customer");
  CHECK(text("get_keywords", {{"filters", json::object{{"adGroupCriterion."
                                                        "keyword.matchType",
                                                        "EXACT"}}}}) ==
        "SELECT ad_group_criterion.criterion_id, "
        "ad_group_criterion.keyword.text, "
        "ad_group_criterion.keyword.match_type, ad_group_criterion.status, "
        "ad_group_criterion.cpc_bid_micros, ad_group_criterion.ad_group, "
        "metrics.impressions, metrics.clicks, metrics.cost_micros, "
        "metrics.conversions FROM keyword_view WHERE ad_group_criterion.type "
        "= 'KEYWORD' AND ad_group_criterion.status != 'REMOVED' AND "
        "ad_group_criterion.keyword.match_type = 'EXACT' AND segments.date "
        "DURING LAST_30_DAYS");
}
