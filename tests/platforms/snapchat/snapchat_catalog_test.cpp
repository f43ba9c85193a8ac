// The Snapchat request catalog: the original's 15 types, parameters
// validated at enqueue with messages naming the parameter.

#include "tests/platforms/snapchat/snapchat_test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace snapchat_test;
using adbatch::platforms::snapchat::parse_snapchat_request;

namespace {

std::string check(std::string_view type, std::string_view params) {
  return parse_snapchat_request(type, json::parse(params).as_object()).error;
}

} // namespace

TEST_CASE("snapchat catalog: the original's request types",
          "[snapchat][catalog]") {
  auto adapter = make_snapchat_adapter();
  auto types = adapter->request_types();
  CHECK(types.size() == 15);
  for (auto t :
       {"get_organizations", "get_ad_accounts", "get_campaigns",
        "get_ad_squads", "get_ads", "get_creatives", "get_media",
        "get_targeting_options", "get_audiences", "get_audience_segments",
        "get_campaign_stats", "get_ad_squad_stats", "get_ad_stats",
        "get_pixels", "get_pixel_events"}) {
    INFO(t);
    CHECK(std::find(types.begin(), types.end(), t) != types.end());
  }
  auto e = adapter->validate("get_everything", {});
  CHECK(e.find("unknown Snapchat request type") != std::string::npos);
  CHECK(e.find("get_ad_squads") != std::string::npos);
}

TEST_CASE("snapchat catalog: valid requests", "[snapchat][catalog]") {
  auto a = id(home(0));
  CHECK(check("get_organizations", "{}") == "");
  CHECK(
      check("get_ad_accounts",
            R"({"organization_id": "0A0B0C0D-0000-4000-8000-000000000001"})") ==
      "");
  CHECK(check("get_campaigns", "{\"ad_account_id\": \"" + a + "\"}") == "");
  CHECK(check("get_ads",
              R"({"ad_squad_id": "0a0b0c0d-0000-4000-8000-000000000001",
                            "ad_ids": ["0a0b0c0d-0000-4000-8000-000000000002"]})") ==
        "");
  CHECK(check("get_targeting_options",
              R"({"dimension": "geo", "type": "country"})") == "");
  CHECK(check("get_campaign_stats",
              R"({"start_time": "2026-01-01", "end_time": "2026-02-01",
      "granularity": "DAY", "fields": ["spend"], "entity_ids":
      ["0a0b0c0d-0000-4000-8000-000000000002"]})") == "");
  CHECK(check("get_ad_stats", R"({"start_time": "2026-01-01T00:00:00.000-08:00",
      "end_time": "2026-01-03T00:00:00-08:00"})") == "");
  CHECK(check("get_pixel_events",
              R"({"pixel_id": "0a0b0c0d-0000-4000-8000-000000000002",
      "event_types": ["purchase"]})") == "");

  // Ids are lower-cased; stats ranges parsed as days.
  auto r = parse_snapchat_request(
      "get_ad_accounts",
      json::parse(
          R"({"organization_id": "0A0B0C0D-0000-4000-8000-00000000000F"})")
          .as_object());
  REQUIRE(r.spec);
  CHECK(r.spec->parent_id == "0a0b0c0d-0000-4000-8000-00000000000f");
  auto s = parse_snapchat_request(
      "get_ad_stats", json::parse(R"({"start_time": "2026-01-01T00:00:00+01:00",
                                      "end_time": "2026-01-03T00:00:00+01:00"})")
                          .as_object());
  REQUIRE(s.spec);
  CHECK(s.spec->last_day - s.spec->first_day == 2);
  CHECK(s.spec->offset == "+01:00");
  CHECK(s.spec->breakdown == "ad");
  CHECK(s.spec->fields.size() == 9);
}

TEST_CASE("snapchat catalog: invalid params are rejected naming the parameter",
          "[snapchat][catalog]") {
  struct bad {
    const char* type;
    const char* params;
    const char* says;
  };
  for (auto b : std::vector<bad>{
           {"get_organizations", R"({"limit": 5})",
            "unknown parameter params.limit"},
           {"get_campaigns", R"({"ad_account_id": "act_1"})",
            "params.ad_account_id must be"},
           {"get_campaigns", R"({"campaign_ids": []})",
            "params.campaign_ids must be a non-empty"},
           {"get_campaigns", R"({"campaign_ids": ["x"]})",
            "params.campaign_ids"},
           {"get_campaigns",
            R"({"campaign_id": "0a0b0c0d-0000-4000-8000-000000000001"})",
            "unknown parameter params.campaign_id"},
           {"get_ad_squads", R"({"campaign_id": 5})",
            "params.campaign_id must be"},
           {"get_targeting_options", R"({"dimension": "geo"})",
            "params.type must be"},
           {"get_targeting_options", R"({"dimension": "mood", "type": "x"})",
            "params.dimension must be"},
           {"get_campaign_stats", R"({"start_time": "2026-01-01"})",
            "params.start_time and params.end_time go together"},
           {"get_campaign_stats",
            R"({"start_time": "2026-01-05", "end_time": "2026-01-01"})",
            "params.end_time must be after"},
           {"get_campaign_stats",
            R"({"start_time": "2026-13-01", "end_time": "2027-01-01"})",
            "params.start_time must be a date"},
           {"get_campaign_stats", R"({"start_time": "2026-01-01T05:00:00Z",
                                    "end_time": "2026-01-02"})",
            "params.start_time must be"},
           {"get_campaign_stats",
            R"({"start_time": "2024-01-01", "end_time": "2026-01-02"})",
            "at most 366 days"},
           {"get_campaign_stats", R"({"granularity": "HOUR"})",
            "params.granularity must be"},
           {"get_campaign_stats", R"({"fields": ["clicks"]})",
            "params.fields must name only"},
           {"get_pixel_events", "{}", "params.pixel_id is required"},
           {"get_pixel_events",
            R"({"pixel_id": "0a0b0c0d-0000-4000-8000-000000000002",
                                  "event_types": ["spend"]})",
            "params.event_types must name only"},
       }) {
    INFO(b.type << " " << b.params);
    auto e = check(b.type, b.params);
    CHECK(e.find(b.says) != std::string::npos);
    CHECK(e.rfind(b.type, 0) == 0);
  }
}
