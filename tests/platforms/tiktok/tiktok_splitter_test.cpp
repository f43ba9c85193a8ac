// The TikTok splitter: TikTok answers HTTP 200 with a code; throttles come
// back without an attempt, server errors retry, client errors fail, a write
// without an answer is ambiguous, partial event uploads retry only the
// requests whose events failed.

#include "tests/platforms/tiktok/tiktok_test_support.hpp"

#include <catch2/catch.hpp>

using namespace tiktok_test;

namespace {

upstream_reply envelope(int code, std::string message, json::object data = {}) {
  upstream_reply r;
  r.status = 200;
  r.body = json::serialize(json::object{{"code", code},
                                        {"message", message},
                                        {"request_id", "r1"},
                                        {"data", data}});
  return r;
}

json::object events_params(const char* pixel, std::vector<const char*> ids) {
  json::array evs;
  for (auto id : ids)
    evs.push_back(json::object{{"event", "ViewContent"},
                               {"event_time", 1767225600},
                               {"event_id", id}});
  return {{"event_source_id", pixel}, {"events", evs}};
}

} // namespace

TEST_CASE("tiktok splitter: error classes and rate signals",
          "[unit][tiktok][splitter]") {
  auto adapter = make_tiktok_adapter();
  auto ctx = context();
  auto p = adapter->make_plan(
      std::vector{request(1, "a", "get_campaigns"),
                  request(2, "a", "get_campaigns",
                          {{"fields", json::array{"budget"}}})},
      ctx);
  REQUIRE(p.calls.size() == 1);
  const auto& call = p.calls[0];
  SECTION("40100: throttled, no unit spent, come back in a second") {
    auto s = adapter->split(
        call, envelope(40100, "Requests made too frequently."), ctx);
    REQUIRE(s.outcomes.size() == 2);
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::throttled);
      CHECK(o.error_code == "tiktok_40100");
      CHECK(o.retry_after == std::chrono::seconds(1));
    }
    CHECK(s.units_spent == 0);
    REQUIRE(s.signals.size() == 1);
    CHECK(s.signals[0].scope == "app");
    CHECK(s.signals[0].throttled);
  }
  SECTION("40133: the advertiser's window") {
    auto s = adapter->split(
        call, envelope(40133, "Too many requests for this advertiser."), ctx);
    CHECK(s.outcomes[0].kind == outcome_kind::throttled);
    REQUIRE(s.signals.size() == 1);
    CHECK(s.signals[0].scope == "advertiser:" + adv(1));
  }
  SECTION("5xxxx and HTTP 5xx: transient") {
    auto s = adapter->split(call, envelope(50000, "System error"), ctx);
    CHECK(s.outcomes[0].kind == outcome_kind::transient);
    CHECK(s.outcomes[0].error_code == "tiktok_50000");
    CHECK(s.units_spent == 1);
    upstream_reply r;
    r.status = 503;
    CHECK(adapter->split(call, r, ctx).outcomes[1].kind ==
          outcome_kind::transient);
  }
  SECTION("4xxxx: permanent; auth errors spend nothing") {
    auto s = adapter->split(call, envelope(40002, "page_size: bad"), ctx);
    CHECK(s.outcomes[0].kind == outcome_kind::permanent);
    CHECK(s.outcomes[0].error_code == "tiktok_40002");
    CHECK(s.outcomes[0].error_message == "page_size: bad");
    CHECK(s.units_spent == 1);
    auto a =
        adapter->split(call, envelope(40105, "Access token is incorrect"), ctx);
    CHECK(a.outcomes[0].kind == outcome_kind::permanent);
    CHECK(a.units_spent == 0);
  }
  SECTION("no answer: a read retries") {
    upstream_reply r;
    r.transport_error = "timeout";
    r.maybe_delivered = true;
    auto s = adapter->split(call, r, ctx);
    CHECK(s.outcomes[0].kind == outcome_kind::transient);
    CHECK(s.outcomes[0].error_code == "transport_timeout");
    upstream_reply bad;
    bad.status = 200;
    bad.body = "<html>";
    CHECK(adapter->split(call, bad, ctx).outcomes[0].error_code ==
          "tiktok_bad_response");
  }
  SECTION("more than one page: the request fails, not a silent half list") {
    auto s = adapter->split(
        call,
        envelope(0, "OK",
                 {{"list", json::array{}},
                  {"page_info", json::object{{"page", 1},
                                             {"page_size", 1000},
                                             {"total_number", 1200},
                                             {"total_page", 2}}}}),
        ctx);
    CHECK(s.outcomes[0].kind == outcome_kind::permanent);
    CHECK(s.outcomes[0].error_code == "tiktok_too_many_objects");
  }
  SECTION("completed: each request its own projection") {
    json::object o{
        {"campaign_id", "1"}, {"budget", 5.0}, {"campaign_name", "x"}};
    auto s = adapter->split(call, envelope(0, "OK", {{"list", json::array{o}}}),
                            ctx);
    CHECK(s.outcomes[0].kind == outcome_kind::completed);
    CHECK(json::parse(s.outcomes[1].result_json) ==
          json::parse(R"({"list":[{"budget":5.0}]})"));
  }
}

TEST_CASE("tiktok splitter: a refused advertiser in a merged advertiser/info "
          "call fails only its requests",
          "[unit][tiktok][splitter]") {
  auto adapter = make_tiktok_adapter();
  auto ctx = context();
  auto p =
      adapter->make_plan(std::vector{request(1, "a", "get_advertiser_info",
                                             {{"advertiser_id", adv(2)}}),
                                     request(2, "a", "get_advertiser_info")},
                         ctx);
  REQUIRE(p.calls.size() == 1);
  auto s = fresh_sim();
  auto r = run(*s, p.calls[0]);
  CHECK(r.charged == 1);
  auto out = adapter->split(p.calls[0], r.reply, ctx);
  REQUIRE(out.outcomes.size() == 2);
  CHECK(out.outcomes[0].kind == outcome_kind::permanent);
  CHECK(out.outcomes[0].error_code == "tiktok_40001");
  CHECK(out.outcomes[1].kind == outcome_kind::not_attempted);
  // Alone, the other one completes.
  auto again = adapter->make_plan(
      std::vector{request(2, "a", "get_advertiser_info")}, ctx);
  auto ok = adapter->split(again.calls[0], run(*s, again.calls[0]).reply, ctx);
  CHECK(ok.outcomes[0].kind == outcome_kind::completed);
}

TEST_CASE("tiktok splitter: event uploads", "[unit][tiktok][splitter]") {
  auto adapter = make_tiktok_adapter();
  auto ctx = context();
  auto p = adapter->make_plan(
      std::vector{request(1, "a", "upload_conversions",
                          events_params("CSIM1P1", {"e1", "e2"})),
                  request(2, "a", "upload_conversions",
                          events_params("CSIM1P1", {"e2", "e3"}))},
      ctx);
  REQUIRE(p.calls.size() == 1);
  const auto& call = p.calls[0];
  SECTION("accepted: each request counts its own events") {
    auto s = fresh_sim();
    auto out = adapter->split(call, run(*s, call).reply, ctx);
    CHECK(out.units_spent == 1);
    CHECK(
        json::parse(out.outcomes[0].result_json) ==
        json::parse(
            R"({"event_source":"web","event_source_id":"CSIM1P1","events_received":2})"));
    CHECK(out.outcomes[1].kind == outcome_kind::completed);
  }
  SECTION("20001: only the requests whose events failed retry") {
    auto out = adapter->split(
        call,
        envelope(20001, "Partial success.",
                 {{"failed_events",
                   json::array{json::object{{"index", 2},
                                            {"code", 50000},
                                            {"message", "System error"}}}}}),
        ctx);
    CHECK(out.outcomes[0].kind == outcome_kind::completed);
    CHECK(out.outcomes[1].kind == outcome_kind::transient);
    CHECK(out.outcomes[1].error_code == "tiktok_20001");
  }
  SECTION("20001: events refused for bad data fail for good, limits and "
          "server errors retry") {
    auto failed = [](int index, int code, const char* msg) {
      return json::object{{"index", index}, {"code", code}, {"message", msg}};
    };
    auto out = adapter->split(
        call,
        envelope(20001, "Partial success.",
                 {{"failed_events",
                   json::array{failed(0, 40002, "event_time: too old."),
                               failed(2, 50000, "System error")}}}),
        ctx);
    REQUIRE(out.outcomes.size() == 2);
    CHECK(out.outcomes[0].kind == outcome_kind::permanent);
    CHECK(out.outcomes[0].error_message.find("40002") != std::string::npos);
    CHECK(out.outcomes[1].kind == outcome_kind::transient);
    auto throttled = adapter->split(
        call,
        envelope(20001, "Partial success.",
                 {{"failed_events",
                   json::array{failed(2, 40100, "Too frequent.")}}}),
        ctx);
    CHECK(throttled.outcomes[0].kind == outcome_kind::completed);
    CHECK(throttled.outcomes[1].kind == outcome_kind::throttled);
    CHECK(throttled.outcomes[1].retry_after == std::chrono::seconds(1));
  }
  SECTION("40002 naming one event: its requests fail, the others go again") {
    auto out = adapter->split(
        call, envelope(40002, "data[0].event_time: Not a valid integer."), ctx);
    REQUIRE(out.outcomes.size() == 2);
    CHECK(out.outcomes[0].kind == outcome_kind::permanent);
    CHECK(out.outcomes[0].error_code == "tiktok_40002");
    CHECK(out.outcomes[1].kind == outcome_kind::not_attempted);
  }
  SECTION("no answer to a write: ambiguous, unless it never left") {
    upstream_reply r;
    r.transport_error = "timeout";
    r.maybe_delivered = true;
    CHECK(adapter->split(call, r, ctx).outcomes[0].kind ==
          outcome_kind::ambiguous);
    r.transport_error = "connect";
    r.maybe_delivered = false;
    CHECK(adapter->split(call, r, ctx).outcomes[0].kind ==
          outcome_kind::transient);
  }
  SECTION("a pixel the token does not own") {
    auto q = adapter->make_plan(
        std::vector{request(3, "b", "upload_conversions",
                            events_params("CSIM1P1", {"e1"}))},
        ctx);
    auto s = fresh_sim();
    auto out = adapter->split(q.calls[0], run(*s, q.calls[0]).reply, ctx);
    CHECK(out.outcomes[0].kind == outcome_kind::permanent);
    CHECK(out.outcomes[0].error_code == "tiktok_40001");
  }
}

TEST_CASE("tiktok splitter: totals cut from daily rows equal the simulator's "
          "own totals",
          "[unit][tiktok][splitter]") {
  auto adapter = make_tiktok_adapter();
  auto ctx = context();
  auto c1 = tt::campaign_id(1, 1);
  json::object total{
      {"start_date", "2026-01-02"},
      {"end_date", "2026-01-05"},
      {"aggregation", "total"},
      {"campaign_ids", json::array{c1.c_str()}},
      {"metrics", json::array{"spend", "ctr", "cpc", "cpm",
                              "cost_per_conversion", "conversion_rate"}}};
  json::object daily{{"start_date", "2026-01-01"},
                     {"end_date", "2026-01-09"},
                     {"campaign_ids", json::array{c1.c_str()}}};
  std::vector rs{request(1, "a", "get_campaign_metrics", total),
                 request(2, "a", "get_campaign_metrics", daily)};
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto s = fresh_sim();
  auto merged = adapter->split(p.calls[0], run(*s, p.calls[0]).reply, ctx);
  auto naive_call = adapter->naive_call(rs[0], ctx);
  CHECK(naive_call.target.find("stat_time_day") == std::string::npos);
  auto naive = adapter->split(naive_call, run(*s, naive_call).reply, ctx);
  CHECK(merged.outcomes[0].result_json == naive.outcomes[0].result_json);
  auto rows = json::parse(merged.outcomes[1].result_json).at("list").as_array();
  CHECK(rows.size() == 9);
}

TEST_CASE("tiktok rate signals: TikTok's throttle codes, no headers",
          "[unit][tiktok][rate]") {
  namespace tk = adbatch::platforms::tiktok;
  auto app = tk::parse_rate_signals(
      envelope(40100, "Requests made too frequently."), adv(1));
  REQUIRE(app.size() == 1);
  CHECK(app[0].scope == "app");
  CHECK(app[0].throttled);
  CHECK(app[0].pause_for == std::chrono::seconds(1));
  CHECK(tk::parse_rate_signals(envelope(40016, "Requests made too frequently."),
                               "")[0]
            .scope == "app");
  auto advertiser = tk::parse_rate_signals(envelope(40133, "Too many"), adv(3));
  REQUIRE(advertiser.size() == 1);
  CHECK(advertiser[0].scope == "advertiser:" + adv(3));
  CHECK(tk::parse_rate_signals(envelope(0, "OK"), adv(1)).empty());
  CHECK(tk::parse_rate_signals(envelope(40002, "bad"), adv(1)).empty());
  upstream_reply r429;
  r429.status = 429;
  CHECK(tk::parse_rate_signals(r429, "")[0].throttled);
  upstream_reply none;
  none.transport_error = "timeout";
  CHECK(tk::parse_rate_signals(none, "").empty());
}

TEST_CASE("tiktok splitter: a merged answer over one page never fails a "
          "request that fits alone",
          "[unit][tiktok][splitter]") {
  auto adapter = make_tiktok_adapter();
  auto ctx = context();
  auto over = [](std::int64_t total) {
    return envelope(
        0, "OK",
        {{"list", json::array{}},
         {"page_info", json::object{{"total_number", total}, {"page", 1}}}});
  };
  auto kind_of = [](const split_result& s, std::int64_t id) {
    for (const auto& o : s.outcomes)
      if (o.request_id == id) return o.kind;
    FAIL("no outcome for " << id);
    return outcome_kind::completed;
  };
  SECTION("lists: merged filters retry, a request's own filter fails") {
    auto c1 = tt::campaign_id(1, 1), c2 = tt::campaign_id(1, 2);
    auto p = adapter->make_plan(
        std::vector{request(1, "a", "get_ads",
                            {{"campaign_ids", json::array{c1.c_str()}}}),
                    request(2, "a", "get_ads",
                            {{"campaign_ids", json::array{c2.c_str()}}})},
        ctx);
    REQUIRE(p.calls.size() == 1);
    auto s = adapter->split(p.calls[0], over(5000), ctx);
    REQUIRE(s.outcomes.size() == 2);
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::transient);
      CHECK(o.error_code == "tiktok_merged_too_large");
    }
    auto alone = adapter->make_plan(
        std::vector{request(1, "a", "get_ads",
                            {{"campaign_ids", json::array{c1.c_str()}}})},
        ctx);
    auto s1 = adapter->split(alone.calls[0], over(5000), ctx);
    REQUIRE(s1.outcomes.size() == 1);
    CHECK(s1.outcomes[0].kind == outcome_kind::permanent);
    CHECK(s1.outcomes[0].error_code == "tiktok_too_many_objects");
  }
  SECTION("reports: a total under a daily anchor retries, the anchor fails") {
    auto p =
        adapter->make_plan(std::vector{request(1, "a", "get_campaign_metrics",
                                               {{"start_date", "2026-01-01"},
                                                {"end_date", "2026-01-31"}}),
                                       request(2, "a", "get_campaign_metrics",
                                               {{"start_date", "2026-01-10"},
                                                {"end_date", "2026-01-12"},
                                                {"aggregation", "total"}}),
                                       request(3, "a", "get_campaign_metrics",
                                               {{"start_date", "2026-01-02"},
                                                {"end_date", "2026-01-03"}})},
                           ctx);
    REQUIRE(p.calls.size() == 1);
    auto s = adapter->split(p.calls[0], over(5000), ctx);
    REQUIRE(s.outcomes.size() == 3);
    CHECK(kind_of(s, 1) == outcome_kind::permanent);
    CHECK(kind_of(s, 2) == outcome_kind::transient);
    CHECK(kind_of(s, 3) == outcome_kind::transient);
  }
}
