// Meta rate-signal parser: usage headers and throttle codes.

#include "platforms/meta/rate_signals.hpp"

#include <catch2/catch.hpp>

using namespace adbatch::platforms;
using namespace adbatch::platforms::meta;

namespace {

const rate_signal* find(const std::vector<rate_signal>& v,
                        std::string_view scope) {
  for (const auto& s : v)
    if (s.scope == scope) return &s;
  return nullptr;
}

} // namespace

TEST_CASE("meta rate signals read every usage header", "[unit][meta][rate]") {
  std::map<std::string, std::string> h{
      {"x-app-usage",
       R"({"call_count":40,"total_cputime":20,"total_time":55})"},
      {"x-business-use-case-usage",
       R"({"10000000000001":[
          {"type":"ads_management","call_count":100,"total_cputime":50,
           "total_time":70,"estimated_time_to_regain_access":12,
           "ads_api_access_tier":"standard_access"},
          {"type":"ads_insights","call_count":10,"total_cputime":5,
           "total_time":7,"estimated_time_to_regain_access":0}]})"},
      {"x-ad-account-usage",
       R"({"acc_id_util_pct":100,"reset_time_duration":90,
         "ads_api_access_tier":"standard_access"})"},
      {"x-fb-ads-insights-throttle",
       R"({"app_id_util_pct":3.5,"acc_id_util_pct":10,
         "ads_api_access_tier":"standard_access"})"},
  };
  auto s = parse_rate_headers(h);
  const auto* app = find(s, "app");
  REQUIRE(app);
  CHECK(*app->used_fraction == Approx(0.55));
  CHECK_FALSE(app->throttled);
  const auto* mgmt = find(s, "buc:10000000000001:ads_management");
  REQUIRE(mgmt);
  CHECK(mgmt->throttled);
  CHECK(mgmt->pause_for == std::chrono::minutes(12));
  CHECK(*mgmt->used_fraction == Approx(1.0));
  const auto* ins = find(s, "buc:10000000000001:ads_insights");
  REQUIRE(ins);
  CHECK_FALSE(ins->throttled);
  CHECK_FALSE(ins->pause_for);
  const auto* acct = find(s, "ad_account");
  REQUIRE(acct);
  CHECK(acct->throttled);
  CHECK(acct->pause_for == std::chrono::seconds(90));
  REQUIRE(find(s, "insights:app"));
  CHECK(*find(s, "insights:app")->used_fraction == Approx(0.035));
  REQUIRE(find(s, "insights:ad_account"));
}

TEST_CASE("meta rate signals accept X-Business-Use-Case and bad JSON",
          "[unit][meta][rate]") {
  std::map<std::string, std::string> h{
      {"x-business-use-case", R"({"55":[{"type":"pages","call_count":30}]})"},
      {"x-app-usage", "not json"},
  };
  auto s = parse_rate_headers(h);
  REQUIRE(s.size() == 1);
  CHECK(s[0].scope == "buc:55:pages");
  CHECK(*s[0].used_fraction == Approx(0.30));
  CHECK(parse_rate_headers({}).empty());
}

TEST_CASE("meta throttle codes and their waits", "[unit][meta][rate]") {
  for (int c : {4, 17, 32, 341, 613, 80000, 80004, 80014})
    CHECK(is_throttle_code(c));
  for (int c : {1, 2, 100, 190, 80015, 3999})
    CHECK_FALSE(is_throttle_code(c));
  CHECK(buc_type_of(80000) == "ads_insights");
  CHECK(buc_type_of(80004) == "ads_management");
  CHECK(buc_type_of(4).empty());
  std::vector<buc_usage> buc{{"1", "ads_management", 100, 3},
                             {"2", "ads_management", 100, 9},
                             {"1", "ads_insights", 100, 20}};
  using std::chrono::minutes;
  const milliseconds fallback{60'000};
  CHECK(throttle_retry_after(80004, std::string("1"), buc, fallback) ==
        minutes(3));
  CHECK(throttle_retry_after(80004, std::nullopt, buc, fallback) == minutes(9));
  CHECK(throttle_retry_after(80000, std::string("2"), buc, fallback) ==
        minutes(20));
  CHECK(throttle_retry_after(80004, std::string("1"), {}, fallback) ==
        fallback);
  CHECK(throttle_signal(4, std::nullopt, fallback).scope == "app");
  CHECK(throttle_signal(17, std::nullopt, fallback).scope == "user");
  CHECK(throttle_signal(80000, std::string("7"), fallback).scope ==
        "buc:7:ads_insights");
  CHECK(throttle_signal(80004, std::nullopt, fallback).scope ==
        "buc:*:ads_management");
}
