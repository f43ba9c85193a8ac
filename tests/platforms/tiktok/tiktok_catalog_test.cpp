// The TikTok request catalog: the original's fourteen types, their
// parameters validated at enqueue with messages naming the parameter.

#include "platforms/registry.hpp"
#include "tests/platforms/tiktok/tiktok_test_support.hpp"

#include <catch2/catch.hpp>

using namespace tiktok_test;

namespace {

std::string check(std::string_view type, std::string_view params) {
  return validate_request(platform_id::tiktok, type, params);
}

} // namespace

TEST_CASE("tiktok catalog: every original type, valid requests pass",
          "[unit][tiktok][catalog]") {
  auto adapter = make_tiktok_adapter();
  auto types = adapter->request_types();
  CHECK(types.size() == 14);
  for (const auto* t :
       {"get_advertisers", "get_advertiser_info", "get_campaigns",
        "get_ad_groups", "get_ads", "get_campaign_metrics",
        "get_ad_group_metrics", "get_ad_metrics", "get_creatives", "get_images",
        "get_videos", "get_audiences", "get_custom_audiences",
        "upload_conversions"})
    CHECK(std::find(types.begin(), types.end(), t) != types.end());
  CHECK(check("get_advertisers", "{}") == "");
  CHECK(check("get_advertiser_info",
              R"({"advertiser_id":"7000000000000000001"})") == "");
  CHECK(check("get_advertiser_info",
              R"({"advertiser_id":7000000000000000001})") == "");
  CHECK(check("get_campaigns",
              R"({"campaign_ids":["1"],"fields":"campaign_id, budget"})") ==
        "");
  CHECK(check("get_ad_groups",
              R"({"advertiser_id":"7","campaign_ids":["1","2"]})") == "");
  CHECK(check("get_ads", R"({"ad_ids":["1"],"fields":["ad_id","video_id"]})") ==
        "");
  CHECK(check("get_creatives", R"({"adgroup_ids":["1"]})") == "");
  CHECK(check("get_images", R"({"image_ids":["img-1-1"]})") == "");
  CHECK(check("get_videos", "{}") == "");
  CHECK(check("get_audiences", R"({"saved_audience_ids":["1"]})") == "");
  CHECK(check("get_custom_audiences", R"({"custom_audience_ids":["1"]})") ==
        "");
  CHECK(check("get_campaign_metrics",
              R"({"start_date":"2026-01-01","end_date":"2026-01-07"})") == "");
  CHECK(
      check(
          "get_ad_metrics",
          R"({"start_date":"2026-01-01","end_date":"2026-01-07","ad_ids":["1"],
                  "aggregation":"total","metrics":["spend","cpc"]})") == "");
  CHECK(check("upload_conversions",
              R"({"event_source_id":"CSIM1P1","events":[{"event":"ViewContent",
                  "event_time":1767225600,"event_id":"e1","properties":{"value":1}}]})") ==
        "");
}

TEST_CASE("tiktok catalog: bad requests are refused naming the parameter",
          "[unit][tiktok][catalog]") {
  CHECK(check("get_reach", "{}")
            .find("unknown TikTok request type 'get_reach'") == 0);
  CHECK(check("get_campaigns", "[]") == "params must be a JSON object");
  CHECK(check("get_campaigns", R"({"limit":5})") ==
        "get_campaigns: params.limit is not a parameter of this type (known: "
        "advertiser_id, fields, campaign_ids)");
  CHECK(check("get_campaigns", R"({"advertiser_id":"act_1"})") ==
        "get_campaigns: params.advertiser_id must be a TikTok id (digits)");
  CHECK(check("get_campaigns", R"({"campaign_ids":[]})") ==
        "get_campaigns: params.campaign_ids must be an array of 1 to 100 ids");
  CHECK(check("get_campaigns", R"({"campaign_ids":["1","1"]})") ==
        "get_campaigns: params.campaign_ids names 1 twice");
  CHECK(check("get_campaigns", R"({"fields":["nope"]})")
            .find("get_campaigns: params.fields: unknown name 'nope'") == 0);
  CHECK(check("get_ads", R"({"ad_ids":["1"],"adgroup_ids":["2"]})") ==
        "get_ads: give at most one of campaign_ids, adgroup_ids, ad_ids");
  CHECK(check("get_advertiser_info",
              R"({"advertiser_id":"1","advertiser_ids":["2"]})") ==
        "get_advertiser_info: give params.advertiser_id or "
        "params.advertiser_ids, not both");
  std::string many = "[";
  for (int i = 1; i <= 101; ++i)
    many += (i > 1 ? ",\"" : "\"") + std::to_string(i) + "\"";
  many += "]";
  CHECK(check("get_advertiser_info", R"({"advertiser_ids":)" + many + "}") ==
        "get_advertiser_info: params.advertiser_ids must be an array of 1 to "
        "100 ids");
  CHECK(check("get_campaign_metrics", R"({"end_date":"2026-01-07"})") ==
        "get_campaign_metrics: params.start_date must be a date YYYY-MM-DD");
  CHECK(check("get_campaign_metrics",
              R"({"start_date":"2026-02-30","end_date":"2026-03-01"})") ==
        "get_campaign_metrics: params.start_date must be a date YYYY-MM-DD");
  CHECK(check("get_campaign_metrics",
              R"({"start_date":"2026-01-08","end_date":"2026-01-07"})") ==
        "get_campaign_metrics: params.end_date must not be before "
        "params.start_date");
  CHECK(check("get_campaign_metrics",
              R"({"start_date":"2024-01-01","end_date":"2026-01-07"})") ==
        "get_campaign_metrics: params.start_date..end_date must span at most "
        "366 days");
  CHECK(check("get_ad_metrics",
              R"({"start_date":"2026-01-01","end_date":"2026-01-07",
                                    "aggregation":"weekly"})") ==
        "get_ad_metrics: params.aggregation must be \"daily\" or \"total\"");
  CHECK(check("get_ad_metrics",
              R"({"start_date":"2026-01-01","end_date":"2026-01-07",
                                    "metrics":["reach"]})")
            .find("get_ad_metrics: params.metrics: unknown name 'reach'") == 0);
  CHECK(check("get_ad_metrics",
              R"({"start_date":"2026-01-01","end_date":"2026-01-07",
                                    "campaign_ids":["1"]})")
            .find("get_ad_metrics: params.campaign_ids is not a parameter") ==
        0);
  // One report page: 100 ids x 11 days = 1100 rows.
  std::string hundred = "[";
  for (int i = 1; i <= 100; ++i)
    hundred += (i > 1 ? ",\"" : "\"") + std::to_string(i) + "\"";
  hundred += "]";
  CHECK(
      check("get_ad_metrics",
            R"({"start_date":"2026-01-01","end_date":"2026-01-11","ad_ids":)" +
                hundred + "}") ==
      "get_ad_metrics: params.ad_ids x days gives 1100 rows, more than one "
      "report page (1000): narrow the range or the ids");
  CHECK(check("upload_conversions", R"({"events":[]})") ==
        "upload_conversions: params.event_source_id (the pixel code or app id) "
        "is required");
  CHECK(
      check("upload_conversions", R"({"event_source_id":"P","events":[]})") ==
      "upload_conversions: params.events must be an array of 1 to 1000 events");
  CHECK(
      check(
          "upload_conversions",
          R"({"event_source_id":"P","events":[{"event":"A","event_time":1}]})") ==
      "upload_conversions: params.events[0].event_id must be a non-empty "
      "string (TikTok de-duplicates by it)");
  CHECK(
      check(
          "upload_conversions",
          R"({"event_source_id":"P","events":[{"event":"A","event_time":"x","event_id":"1"}]})") ==
      "upload_conversions: params.events[0].event_time must be a Unix time in "
      "seconds");
  CHECK(
      check(
          "upload_conversions",
          R"({"event_source":"tv","event_source_id":"P","events":[{"event":"A","event_time":1,"event_id":"1"}]})") ==
      "upload_conversions: params.event_source must be one of web, app, "
      "offline, crm");
}
