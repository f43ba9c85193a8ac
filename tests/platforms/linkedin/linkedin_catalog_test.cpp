// LinkedIn's request catalog: the original's type names, validation with
// messages naming the parameter, normalization.

#include "platforms/linkedin/linkedin_catalog.hpp"
#include "platforms/registry.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace adbatch::platforms;
using namespace adbatch::platforms::linkedin;
namespace json = boost::json;

namespace {

std::string check(std::string_view type, std::string_view params) {
  return validate_request(platform_id::linkedin, type, params);
}

} // namespace

TEST_CASE("linkedin catalog lists the original's eleven types",
          "[unit][linkedin][catalog]") {
  auto names = request_type_names();
  CHECK(names == std::vector<std::string>{
                     "get_ad_accounts", "get_campaigns", "get_campaign_groups",
                     "get_creatives", "get_analytics", "get_campaign_analytics",
                     "get_audiences", "get_targeting_facets", "get_conversions",
                     "get_lead_gen_forms", "get_leads"});
  for (const auto& n : names)
    CHECK(check(n, "{}") == "");
}

TEST_CASE("linkedin catalog rejects bad params naming the parameter",
          "[unit][linkedin][catalog]") {
  CHECK(check("get_reports", "{}").find("unknown LinkedIn request type") !=
        std::string::npos);
  CHECK(check("get_leads", "{\"form_id\": \"abc\"}") ==
        "get_leads: params.form_id must be a numeric id or "
        "urn:li:leadGenForm:<id>, got \"abc\"");
  CHECK(check("get_leads", "{\"form_id\": \"urn:li:leadGenForm:9100001\"}") ==
        "");
  CHECK(check("get_campaigns", "{\"campaign_ids\": []}")
            .find("params.campaign_ids must be an array of 1 to 20 ids") !=
        std::string::npos);
  CHECK(check("get_campaigns", "{\"status\": \"RUNNING\"}")
            .find("params.status must be one of ACTIVE") != std::string::npos);
  CHECK(
      check("get_campaigns", "{\"status\": \"ACTIVE\", \"campaign_ids\": [1]}")
          .find("cannot be combined") != std::string::npos);
  CHECK(check("get_analytics", "{\"start_date\": \"2026-13-01\"}") ==
        "get_analytics: params.start_date must be a date YYYY-MM-DD");
  CHECK(
      check("get_analytics",
            "{\"start_date\": \"2026-02-01\", \"end_date\": \"2026-01-01\"}") ==
      "get_analytics: params.end_date is before params.start_date");
  CHECK(check("get_analytics", "{\"pivot\": \"COUNTRY\"}")
            .find("params.pivot must be one of ACCOUNT") != std::string::npos);
  CHECK(check("get_analytics", "{\"metrics\": [\"conversions\"]}")
            .find("params.metrics: unknown metric \"conversions\"") !=
        std::string::npos);
  CHECK(check("get_analytics", "{\"time_granularity\": \"HOURLY\"}")
            .find("params.time_granularity must be one of DAILY") !=
        std::string::npos);
  CHECK(check("get_campaign_analytics", "{\"pivot\": \"ACCOUNT\"}")
            .find("unknown parameter params.pivot") != std::string::npos);
  CHECK(check("get_targeting_facets", "{\"account_id\": 1}")
            .find("unknown parameter params.account_id") != std::string::npos);
  CHECK(check("get_ad_accounts", "{\"account_ids\": [\"x\"]}") ==
        "get_ad_accounts: params.account_ids[0] must be a numeric id or "
        "urn:li:sponsoredAccount:<id>, got \"x\"");
  CHECK(
      check("get_creatives",
            "{\"creative_ids\": [\"urn:li:sponsoredCreative:7310000001\"]}") ==
      "");
}

TEST_CASE("linkedin catalog normalizes ids and defaults",
          "[unit][linkedin][catalog]") {
  json::object conn{{"account_id", "508000003"}};
  auto a = parse_request(
      "get_campaigns",
      json::parse(
          R"({"campaign_ids": ["urn:li:sponsoredCampaign:671000019", 671000018, "671000019"]})")
          .as_object(),
      &conn);
  REQUIRE(a.request);
  CHECK(a.request->account == "508000003");
  CHECK(a.request->ids == std::vector<std::string>{"671000019", "671000018"});

  auto b = parse_request("get_analytics", json::object{}, &conn);
  REQUIRE(b.request);
  CHECK(b.request->accounts == std::vector<std::string>{"508000003"});
  CHECK(b.request->pivot == "CAMPAIGN");
  CHECK(b.request->granularity == "DAILY");
  CHECK(b.request->metrics == default_metrics());
  resolve_dates(*b.request, std::chrono::sys_days{std::chrono::year{2026} /
                                                  std::chrono::November / 20});
  CHECK(date_text(*b.request->end) == "2026-11-20");
  CHECK(date_text(*b.request->start) == "2026-10-22");

  // No account anywhere: rejected at plan time, accepted at enqueue.
  json::object none;
  auto c = parse_request("get_leads", json::object{}, &none);
  CHECK_FALSE(c.request);
  CHECK(c.error_code == "missing_account_id");
  CHECK(parse_request("get_leads", json::object{}, nullptr).request);

  // Same meaning, same key.
  auto d1 = parse_request(
      "get_creatives",
      json::parse(R"({"campaign_ids": [2, 1], "status": ["ACTIVE"]})")
          .as_object(),
      &conn);
  auto d2 = parse_request(
      "get_creatives",
      json::parse(R"({"status": "ACTIVE", "campaign_ids": ["1", "2"]})")
          .as_object(),
      &conn);
  REQUIRE(d1.request);
  REQUIRE(d2.request);
  CHECK(d1.request->key == d2.request->key);
}
