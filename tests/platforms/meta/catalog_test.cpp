// Meta request catalog: validation of every type, parameter messages, and
// normalization (identical requests get identical keys).

#include "platforms/meta/catalog.hpp"
#include "tests/platforms/meta/meta_test_util.hpp"

#include <catch2/catch.hpp>

using namespace meta_test;
namespace meta = adbatch::platforms::meta;

namespace {

std::string check(std::string_view type, std::string_view params_json) {
  static auto adapter = make_meta_adapter();
  return adapter->validate(type, json::parse(params_json).as_object());
}

} // namespace

TEST_CASE("meta catalog lists the original's request types",
          "[unit][meta][catalog]") {
  auto types = make_meta_adapter()->request_types();
  for (auto t : {"get_all_assets", "get_pages", "get_instagram_accounts",
                 "get_ad_accounts", "get_pixels", "get_catalogs",
                 "get_businesses", "get_whatsapp_accounts", "get_page_details",
                 "get_account_details", "get_campaigns", "get_ad_sets",
                 "get_ads", "get_insights", "get_lead", "generic"})
    CHECK(std::find(types.begin(), types.end(), t) != types.end());
  CHECK(make_meta_adapter()->platform() == platform_id::meta);
}

TEST_CASE("meta catalog accepts good requests", "[unit][meta][catalog]") {
  CHECK(check("get_pages", "{}") == "");
  CHECK(check("get_pages", R"({"fields":"id,name, category"})") == "");
  CHECK(check("get_pixels", R"({"fields":["id","name","last_fired_time"]})") ==
        "");
  CHECK(check("get_all_assets", "{}") == "");
  CHECK(check("get_all_assets",
              R"({"fields":{"pages":"id,name","whatsapp_accounts":["id"]}})") ==
        "");
  CHECK(check("get_page_details", R"({"page_id":"124000001000000000"})") == "");
  CHECK(check("get_account_details", "{}") == ""); // default at plan time
  CHECK(check("get_account_details", R"({"ad_account_id":"123"})") == "");
  CHECK(check("get_campaigns",
              R"({"ad_account_id":"act_1","fields":"name,status",
                  "effective_status":["ACTIVE","PAUSED"],"limit":100})") == "");
  CHECK(check("get_ad_sets", R"({"campaign_id":"121000001001000000"})") == "");
  CHECK(check("get_ads", R"({"adset_id":12200000100100100,"limit":"10"})") ==
        "");
  CHECK(
      check("get_insights",
            R"({"object_id":"act_1","level":"campaign","fields":"spend,clicks",
                  "time_range":{"since":"2026-01-01","until":"2026-01-07"},
                  "breakdowns":["age","gender"],"time_increment":1})") == "");
  CHECK(check("get_insights", R"({"date_preset":"last_7d",
                                  "time_increment":"monthly"})") == "");
  CHECK(check("get_lead", R"({"lead_id":"126000001001000001"})") == "");
  CHECK(check("generic", R"({"endpoint":"act_1/campaigns?fields=name"})") ==
        "");
  CHECK(check("generic", R"({"method":"post","endpoint":"act_1/campaigns",
                             "body":{"name":"x","status":"PAUSED"}})") == "");
  CHECK(check("generic", R"({"method":"POST","endpoint":"/123",
                             "body":"name=renamed"})") == "");
  CHECK(check("generic", R"({"method":"DELETE","endpoint":"123"})") == "");
  // The original ran every typed request through method + endpoint.
  CHECK(check("get_campaigns", R"({"endpoint":"act_1/campaigns"})") == "");
  CHECK(check("get_pages", R"({"method":"GET","endpoint":"me/accounts"})") ==
        "");
}

TEST_CASE("meta catalog rejects bad requests with a clear message",
          "[unit][meta][catalog]") {
  CHECK(check("get_everything", "{}")
            .find("unknown request type "
                  "'get_everything'") != std::string::npos);
  CHECK(check("get_pages", R"({"limit":5})") ==
        "get_pages: params.limit is not a parameter of get_pages "
        "(known: fields)");
  CHECK(check("get_pages", R"({"fields":"id,bogus"})")
            .rfind("get_pages: params.fields: 'bogus' is not a field of Page",
                   0) == 0);
  CHECK(check("get_pages", R"({"fields":"id,,name"})") ==
        "get_pages: params.fields has an empty field name");
  CHECK(check("get_pages", R"({"fields":7})")
            .rfind("get_pages: params.fields "
                   "must be",
                   0) == 0);
  CHECK(check("get_all_assets", R"({"fields":{"leads":"id"}})")
            .rfind("get_all_assets: params.fields.leads is not an asset list",
                   0) == 0);
  CHECK(check("get_all_assets", R"({"fields":{"pages":"id,username"}})")
            .rfind("get_all_assets: params.fields.pages: 'username' is not a "
                   "field of Page",
                   0) == 0);
  CHECK(check("get_page_details", "{}") ==
        "get_page_details: params.page_id is required");
  CHECK(check("get_page_details", R"({"page_id":"abc"})") ==
        "get_page_details: params.page_id must be a numeric id");
  CHECK(check("get_account_details", R"({"ad_account_id":"acct-1"})") ==
        "get_account_details: params.ad_account_id must be an ad account "
        "id like act_123");
  CHECK(check("get_campaigns", R"({"limit":0})") ==
        "get_campaigns: params.limit must be an integer from 1 to 5000");
  CHECK(check("get_campaigns", R"({"effective_status":"ACTIVE"})") ==
        "get_campaigns: params.effective_status must be a non-empty array "
        "of statuses");
  CHECK(check("get_campaigns", R"({"effective_status":["RUNNING"]})")
            .rfind("get_campaigns: params.effective_status values must be one "
                   "of ACTIVE",
                   0) == 0);
  CHECK(check("get_campaigns", R"({"fields":"name,adsets"})")
            .rfind("get_campaigns: params.fields: 'adsets' is not a field of "
                   "Campaign",
                   0) == 0);
  CHECK(
      check("get_ad_sets", R"({"ad_account_id":"act_1","campaign_id":"1"})") ==
      "get_ad_sets: give only one of params.ad_account_id and "
      "params.campaign_id");
  CHECK(check("get_ads", R"({"campaign_id":"1","adset_id":"2"})") ==
        "get_ads: give only one of params.ad_account_id, "
        "params.campaign_id and params.adset_id");
  CHECK(
      check("get_insights",
            R"({"time_range":{"since":"2026-13-01","until":"2026-01-07"}})") ==
      "get_insights: params.time_range.since must be a date YYYY-MM-DD");
  CHECK(check("get_insights", R"({"time_range":{"since":"2026-01-01"}})") ==
        "get_insights: params.time_range.until must be a date YYYY-MM-DD");
  CHECK(
      check("get_insights",
            R"({"time_range":{"since":"2026-01-09","until":"2026-01-07"}})") ==
      "get_insights: params.time_range.since must not be after "
      "params.time_range.until");
  CHECK(check("get_insights",
              R"({"time_range":{"since":"2026-01-01","until":"2026-01-07",
                                "step":1}})") ==
        "get_insights: params.time_range.step is not allowed (only since "
        "and until)");
  CHECK(check("get_insights", R"({"date_preset":"last_7d",
              "time_range":{"since":"2026-01-01","until":"2026-01-07"}})") ==
        "get_insights: params.date_preset and params.time_range exclude "
        "each other");
  CHECK(check("get_insights", R"({"date_preset":"last_week"})")
            .rfind("get_insights: params.date_preset must be one of today",
                   0) == 0);
  CHECK(check("get_insights", R"({"level":"campaigns"})") ==
        "get_insights: params.level must be one of account, campaign, "
        "adset, ad");
  CHECK(check("get_insights", R"({"object_id":"121000001001000000",
                                  "level":"account"})") ==
        "get_insights: params.level account needs an ad account object_id "
        "(act_123)");
  CHECK(check("get_insights", R"({"breakdowns":["age","region"]})")
            .rfind("get_insights: params.breakdowns: 'region' is not one of",
                   0) == 0);
  CHECK(check("get_insights", R"({"breakdowns":"age,age"})") ==
        "get_insights: params.breakdowns names 'age' twice");
  CHECK(check("get_insights", R"({"time_increment":91})") ==
        "get_insights: params.time_increment must be an integer from 1 to "
        "90");
  CHECK(check("get_insights", R"({"fields":"spend,age"})")
            .rfind("get_insights: params.fields: 'age' is not a field of "
                   "AdsInsights",
                   0) == 0);
  CHECK(check("get_insights", R"({"object_id":"act_x"})")
            .rfind("get_insights: params.object_id must be", 0) == 0);
  CHECK(check("get_lead", R"({"lead_id":""})") ==
        "get_lead: params.lead_id must be a numeric id");
  CHECK(check("generic", "{}") == "generic: params.endpoint is required");
  CHECK(check("generic", R"({"endpoint":"me","method":"PUT"})") ==
        "generic: params.method must be GET, POST or DELETE");
  CHECK(check("generic", R"({"endpoint":"https://graph.facebook.com/me"})")
            .rfind("generic: params.endpoint must be a relative Graph path",
                   0) == 0);
  CHECK(check("generic", R"({"endpoint":"me?access_token=abc"})")
            .rfind("generic: params.endpoint must not carry an access_token",
                   0) == 0);
  CHECK(check("generic", R"({"endpoint":"me","body":"a=b"})") ==
        "generic: params.body is only allowed with POST");
  CHECK(check("generic", R"({"endpoint":"1","method":"POST",
                             "body":{"access_token":"x"}})")
            .rfind("generic: params.body must not carry an access_token", 0) ==
        0);
  CHECK(check("get_campaigns", R"({"endpoint":"act_1/campaigns",
                                   "fields":"name"})")
            .rfind("get_campaigns: params.fields cannot be combined with "
                   "params.endpoint",
                   0) == 0);
}

TEST_CASE("meta catalog normalizes equal requests to equal keys",
          "[unit][meta][catalog]") {
  auto key = [](std::string_view type, std::string_view params,
                const json::object* ids = nullptr) {
    auto r = meta::parse_request(type, json::parse(params).as_object(), ids);
    REQUIRE(r.request);
    return r.request->key;
  };
  CHECK(key("get_pages", R"({"fields":"id,name"})") ==
        key("get_pages", R"({"fields":["id","name"]})"));
  CHECK(key("get_campaigns", R"({"ad_account_id":"123"})") ==
        key("get_campaigns", R"({"ad_account_id":"act_123","limit":25})"));
  json::object ids{{"ad_account_id", "act_123"}};
  CHECK(key("get_campaigns", "{}", &ids) ==
        key("get_campaigns", R"({"ad_account_id":"act_123"})"));
  CHECK(key("get_campaigns", R"({"limit":10})", &ids) !=
        key("get_campaigns", R"({"limit":11})", &ids));
  // A default the connection lacks is a plan-time error.
  json::object none;
  auto r = meta::parse_request("get_campaigns", {}, &none);
  CHECK_FALSE(r.request);
  CHECK(r.error_code == "missing_account_id");
  CHECK(r.error ==
        "get_campaigns: params.ad_account_id is missing and the connection "
        "has no account_ids.ad_account_id");
}
