// The TikTok planner: which requests share a call and what the call asks.

#include "platforms/tiktok/tiktok_plan.hpp"
#include "tests/platforms/tiktok/tiktok_test_support.hpp"

#include <catch2/catch.hpp>

using namespace tiktok_test;
namespace tk = adbatch::platforms::tiktok;

namespace {

std::string decoded(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '%') {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else
      out += s[i];
  return out;
}

plan plan_of(std::vector<queued_request> rs) {
  return make_tiktok_adapter()->make_plan(rs, context());
}

} // namespace

TEST_CASE("tiktok planner: advertiser/info merges per token, 100 ids a call",
          "[unit][tiktok][planner]") {
  auto p = plan_of({request(1, "a", "get_advertisers"),
                    request(2, "a6", "get_advertiser_info"),
                    request(3, "a6", "get_advertiser_info"),
                    request(4, "b", "get_advertiser_info",
                            {{"fields", json::array{"name"}}})});
  REQUIRE(p.calls.size() == 2); // org-0 and org-1
  const auto& c = p.calls[0];
  CHECK(header(c, "Access-Token") == "org-0");
  CHECK(c.serves == std::vector<std::int64_t>{1, 2, 3});
  auto t = decoded(c.target);
  CHECK(t.find("/open_api/v1.3/advertiser/info/?advertiser_ids=[\"" + adv(1) +
               "\",\"" + adv(6) + "\"]") == 0);
  // Identical requests share one part.
  auto* cx = dynamic_cast<const tk::tiktok_call_context*>(c.context.get());
  REQUIRE(cx);
  CHECK(cx->parts.size() == 2);
  CHECK(header(p.calls[1], "Access-Token") == "org-1");

  std::vector<queued_request> many;
  for (int i = 0; i < 150; ++i)
    many.push_back(request(i + 1, "a", "get_advertiser_info",
                           {{"advertiser_id", adv(1 + 5 * i)}}));
  auto q = plan_of(many);
  CHECK(q.calls.size() == 2);
  CHECK(cost_of(q) == tiktok_minimum_cost(many, context()));
}

TEST_CASE("tiktok planner: one list call per advertiser and endpoint, filters "
          "merged when they can be",
          "[unit][tiktok][planner]") {
  auto c1 = tt::campaign_id(1, 1), c2 = tt::campaign_id(1, 2);
  SECTION("same filter key: the union") {
    auto p =
        plan_of({request(1, "a", "get_campaigns",
                         {{"campaign_ids", json::array{c1.c_str()}}}),
                 request(2, "a", "get_campaigns",
                         {{"campaign_ids", json::array{c2.c_str(), c1.c_str()}},
                          {"fields", json::array{"budget"}}})});
    REQUIRE(p.calls.size() == 1);
    auto t = decoded(p.calls[0].target);
    CHECK(t.find("campaign/get/?advertiser_id=" + adv(1)) != std::string::npos);
    CHECK(t.find("filtering={\"campaign_ids\":[\"" + c1 + "\",\"" + c2 +
                 "\"]}") != std::string::npos);
    CHECK(t.find("page_size=1000") != std::string::npos);
  }
  SECTION("a request without filter: its own call, the filtered one keeps "
          "its filter") {
    auto p = plan_of({request(1, "a", "get_campaigns",
                              {{"campaign_ids", json::array{c1.c_str()}}}),
                      request(2, "a", "get_campaigns"),
                      request(3, "a", "get_campaigns",
                              {{"fields", json::array{"budget"}}})});
    REQUIRE(p.calls.size() == 2);
    CHECK(p.calls[0].serves == std::vector<std::int64_t>{2, 3});
    CHECK(p.calls[0].target.find("filtering") == std::string::npos);
    CHECK(p.calls[1].serves == std::vector<std::int64_t>{1});
    CHECK(decoded(p.calls[1].target)
              .find("filtering={\"campaign_ids\":[\"" + c1 + "\"]}") !=
          std::string::npos);
  }
  SECTION("filtered unions over 100 ids: several filtered calls, never one "
          "unfiltered") {
    std::vector<queued_request> rs;
    for (int i = 0; i < 3; ++i) {
      json::array ids;
      for (int k = 0; k < 60; ++k)
        ids.emplace_back(tt::campaign_id(1, 100 * i + k + 1));
      rs.push_back(
          request(i + 1, "a", "get_campaigns", {{"campaign_ids", ids}}));
    }
    auto p = plan_of(rs);
    REQUIRE(p.calls.size() == 3);
    for (const auto& c : p.calls)
      CHECK(c.target.find("filtering") != std::string::npos);
  }
  SECTION("a request on a later attempt goes alone") {
    auto r1 = request(1, "a", "get_campaigns",
                      {{"campaign_ids", json::array{c1.c_str()}}});
    auto r2 = request(2, "a", "get_campaigns",
                      {{"campaign_ids", json::array{c2.c_str()}}});
    r2.attempts = 2;
    auto p = plan_of({r1, r2});
    REQUIRE(p.calls.size() == 2);
    CHECK(p.calls[0].serves == std::vector<std::int64_t>{1});
    CHECK(p.calls[1].serves == std::vector<std::int64_t>{2});
  }
  SECTION("custom audiences: the ids are a parameter of their own") {
    auto id1 = tt::custom_audience_id(1, 1), id2 = tt::custom_audience_id(1, 2);
    auto p =
        plan_of({request(1, "a", "get_custom_audiences",
                         {{"custom_audience_ids", json::array{id1.c_str()}}}),
                 request(2, "a", "get_custom_audiences",
                         {{"custom_audience_ids", json::array{id2.c_str()}}})});
    REQUIRE(p.calls.size() == 1);
    auto t = decoded(p.calls[0].target);
    CHECK(t.find("&custom_audience_ids=[\"" + id1 + "\",\"" + id2 + "\"]") !=
          std::string::npos);
    CHECK(t.find("filtering") == std::string::npos);
  }
  SECTION("ads and creatives share ad/get/; advertisers do not share") {
    auto p = plan_of(
        {request(1, "a", "get_ads"), request(2, "a", "get_creatives"),
         request(3, "a", "get_ads", {{"advertiser_id", adv(6)}}),
         request(4, "a6", "get_creatives"), request(5, "a", "get_images"),
         request(6, "a", "get_videos"), request(7, "a", "get_audiences"),
         request(8, "a", "get_custom_audiences")});
    REQUIRE(p.calls.size() == 6);
    auto find = [&](const std::string& path, const std::string& a) {
      for (const auto& c : p.calls)
        if (c.target.find(path + "?advertiser_id=" + a) != std::string::npos)
          return c;
      FAIL("no call " << path << " for " << a);
      return upstream_call{};
    };
    CHECK(find("ad/get/", adv(1)).serves == std::vector<std::int64_t>{1, 2});
    // Connection a6 has the same token and advertiser 6: one call.
    CHECK(find("ad/get/", adv(6)).serves == std::vector<std::int64_t>{3, 4});
    auto images = find("file/image/ad/search/", adv(1));
    CHECK(images.target.find("page_size=100") != std::string::npos);
    CHECK(find("file/video/ad/search/", adv(1)).serves.size() == 1);
    CHECK(find("dmp/saved_audience/list/", adv(1)).serves.size() == 1);
    CHECK(find("dmp/custom_audience/list/", adv(1)).serves.size() == 1);
  }
}

TEST_CASE("tiktok planner: reports unify date ranges when the merged report "
          "provably fits one page",
          "[unit][tiktok][planner]") {
  auto c1 = tt::campaign_id(1, 1), c2 = tt::campaign_id(1, 2);
  auto range = [](const char* s, const char* e) {
    return json::object{{"start_date", s}, {"end_date", e}};
  };
  SECTION("ids: one daily call over the union of the ranges") {
    auto a = range("2026-01-01", "2026-01-05");
    a["campaign_ids"] = json::array{c1.c_str()};
    auto b = range("2026-01-04", "2026-01-10");
    b["campaign_ids"] = json::array{c2.c_str()};
    b["aggregation"] = "total";
    b["metrics"] = json::array{"ctr"};
    auto p = plan_of({request(1, "a", "get_campaign_metrics", a),
                      request(2, "a", "get_campaign_metrics", b)});
    REQUIRE(p.calls.size() == 1);
    auto t = decoded(p.calls[0].target);
    CHECK(t.find("data_level=AUCTION_CAMPAIGN") != std::string::npos);
    CHECK(t.find("dimensions=[\"campaign_id\",\"stat_time_day\"]") !=
          std::string::npos);
    CHECK(t.find("start_date=2026-01-01&end_date=2026-01-10") !=
          std::string::npos);
    // The total is recomputed from the additive bases.
    CHECK(t.find("\"impressions\"") != std::string::npos);
    CHECK(t.find("\"conversion\"") != std::string::npos);
  }
  SECTION("totals over one range: no day dimension") {
    auto a = range("2026-01-01", "2026-01-05");
    a["aggregation"] = "total";
    a["campaign_ids"] = json::array{c1.c_str()};
    auto b = a;
    b["campaign_ids"] = json::array{c2.c_str()};
    auto p = plan_of({request(1, "a", "get_campaign_metrics", a),
                      request(2, "a", "get_campaign_metrics", b)});
    REQUIRE(p.calls.size() == 1);
    CHECK(decoded(p.calls[0].target).find("dimensions=[\"campaign_id\"]&") !=
          std::string::npos);
  }
  SECTION("no ids: only ranges one request's own report covers") {
    auto p = plan_of({request(1, "a", "get_campaign_metrics",
                              range("2026-01-01", "2026-01-14")),
                      request(2, "a", "get_campaign_metrics",
                              range("2026-01-03", "2026-01-05")),
                      request(3, "a", "get_campaign_metrics",
                              [&] {
                                auto o = range("2026-01-02", "2026-01-04");
                                o["aggregation"] = "total";
                                return o;
                              }()),
                      request(4, "a", "get_campaign_metrics",
                              range("2026-01-10", "2026-01-20")),
                      request(5, "a", "get_ad_group_metrics",
                              range("2026-01-01", "2026-01-02"))});
    REQUIRE(p.calls.size() == 3);
    CHECK(p.calls[0].serves == std::vector<std::int64_t>{1, 2, 3});
    CHECK(p.calls[1].serves == std::vector<std::int64_t>{4});
    CHECK(p.calls[2].serves == std::vector<std::int64_t>{5});
  }
  SECTION("ids whose union is too wide fall back to per-id-list calls") {
    std::vector<queued_request> rs;
    auto nodes = tt::nodes_of(42, 1, 3);
    for (int i = 0; i < 3; ++i) {
      json::array ids;
      for (int k = 0; k < 40; ++k) {
        const auto& n =
            nodes[static_cast<std::size_t>(i * 40 + k) % nodes.size()];
        ids.emplace_back(tt::ad_id(1, n.campaign, n.adgroup, n.ad) +
                         std::to_string(i));
      }
      auto o = range("2026-01-01", "2026-01-07");
      o["ad_ids"] = ids;
      rs.push_back(request(i + 1, "a", "get_ad_metrics", o));
    }
    auto p = plan_of(rs);
    CHECK(p.calls.size() == 3);
    CHECK(cost_of(p) == tiktok_minimum_cost(rs, context()));
  }
}

TEST_CASE("tiktok planner: conversions batch per token and event source, "
          "de-duplicated by event id",
          "[unit][tiktok][planner]") {
  auto ev = [](const char* name, const char* id) {
    return json::object{
        {"event", name}, {"event_time", 1767225600}, {"event_id", id}};
  };
  auto p = plan_of({request(1, "a", "upload_conversions",
                            {{"event_source_id", "CSIM1P1"},
                             {"events", json::array{ev("ViewContent", "e1"),
                                                    ev("AddToCart", "e1")}}}),
                    request(2, "a6", "upload_conversions",
                            {{"event_source_id", "CSIM1P1"},
                             {"events", json::array{ev("ViewContent", "e1"),
                                                    ev("ViewContent", "e2")}}}),
                    request(3, "a", "upload_conversions",
                            {{"event_source_id", "CSIM6P1"},
                             {"events", json::array{ev("A", "x")}}}),
                    request(4, "b", "upload_conversions",
                            {{"event_source_id", "CSIM1P1"},
                             {"events", json::array{ev("A", "x")}}})});
  REQUIRE(p.calls.size() == 3);
  const auto& c = p.calls[0];
  CHECK(c.method == "POST");
  CHECK(c.is_write);
  CHECK(c.target == "/open_api/v1.3/event/track/");
  CHECK(header(c, "Content-Type") == "application/json");
  auto body = json::parse(c.body).as_object();
  CHECK(body.at("event_source").as_string() == "web");
  CHECK(body.at("event_source_id").as_string() == "CSIM1P1");
  CHECK(body.at("data").as_array().size() == 3); // e1 ViewContent sent once
  CHECK(c.serves == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("tiktok planner: requests without token or advertiser are rejected "
          "before any call",
          "[unit][tiktok][planner]") {
  auto ctx = context();
  ctx.credentials["x"] = connection("x", "", 1);
  ctx.credentials["y"] = connection("y", "org-0", 1);
  ctx.credentials["y"].account_ids = {};
  auto adapter = make_tiktok_adapter();
  std::vector<queued_request> rs{
      request(1, "x", "get_campaigns"), request(2, "y", "get_campaigns"),
      request(3, "y", "get_advertisers"), request(4, "nope", "get_ads"),
      request(5, "a", "get_ads", {{"bad", 1}})};
  auto p = adapter->make_plan(rs, ctx);
  CHECK(p.calls.empty());
  REQUIRE(p.rejected.size() == 5);
  CHECK(p.rejected[0].error_code == "missing_token");
  CHECK(p.rejected[1].error_code == "missing_advertiser_id");
  CHECK(p.rejected[2].error_code == "missing_advertiser_id");
  CHECK(p.rejected[3].error_code == "missing_token");
  CHECK(p.rejected[4].error_code == "invalid_params");
  for (const auto& r : p.rejected)
    CHECK(r.kind == outcome_kind::permanent);
  CHECK(tiktok_minimum_cost(rs, ctx) == plan_cost{});
}

TEST_CASE("tiktok planner: a connection with more than 100 advertiser_ids "
          "is refused clearly, never cut",
          "[unit][tiktok][planner]") {
  auto ctx = context();
  std::vector<int> extra;
  for (int i = 1; i <= 120; ++i)
    extra.push_back(1 + 5 * i);
  ctx.credentials["w"] = connection("w", "org-0", 1, extra);
  auto adapter = make_tiktok_adapter();
  std::vector<queued_request> rs{request(1, "w", "get_advertisers"),
                                 request(2, "w", "get_advertiser_info")};
  auto p = adapter->make_plan(rs, ctx);
  CHECK(p.calls.empty());
  REQUIRE(p.rejected.size() == 2);
  for (const auto& r : p.rejected) {
    CHECK(r.kind == outcome_kind::permanent);
    CHECK(r.error_code == "too_many_advertisers");
    CHECK(r.error_message.find("121") != std::string::npos);
  }
  CHECK(tiktok_minimum_cost(rs, ctx) == plan_cost{});
  // Naming the ids (at most 100) still works.
  auto q = adapter->make_plan(
      std::vector{request(3, "w", "get_advertisers",
                          {{"advertiser_ids", json::array{adv(1), adv(6)}}})},
      ctx);
  CHECK(q.rejected.empty());
  CHECK(q.calls.size() == 1);
}
