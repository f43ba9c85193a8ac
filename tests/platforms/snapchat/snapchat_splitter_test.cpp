// The Snapchat splitter: error classes, partial item failures, rate
// signals, and each request's own result cut out of a merged answer.

#include "tests/platforms/snapchat/snapchat_test_support.hpp"

#include <catch2/catch.hpp>

using namespace snapchat_test;

namespace {

struct planned {
  plan_context ctx = context();
  std::vector<queued_request> rs;
  plan p;
  void make() { p = make_snapchat_adapter()->make_plan(rs, ctx); }
  split_result split(std::size_t call, const upstream_reply& r) const {
    return make_snapchat_adapter()->split(p.calls.at(call), r, ctx);
  }
};

upstream_reply reply(int status, std::string body) {
  upstream_reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

const outcome_kind* kind_of(const split_result& s, std::int64_t id) {
  for (const auto& o : s.outcomes)
    if (o.request_id == id) return &o.kind;
  return nullptr;
}

} // namespace

TEST_CASE("snapchat splitter: error classes", "[snapchat][splitter]") {
  planned t;
  t.rs = {request(1, 0, "get_campaigns"), request(2, 0, "get_campaigns")};
  t.make();
  REQUIRE(t.p.calls.size() == 1);
  SECTION("429: throttled, no attempt, retry after a second, a signal") {
    auto s =
        t.split(0, reply(429, R"({"request_status":"ERROR","error_code":"E3006",
                                       "debug_message":"Too many requests"})"));
    REQUIRE(s.outcomes.size() == 2);
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::throttled);
      REQUIRE(o.retry_after);
      CHECK(*o.retry_after == std::chrono::milliseconds{1000});
    }
    CHECK(s.units_spent == 0);
    REQUIRE(s.signals.size() == 1);
    CHECK(s.signals[0].throttled);
    CHECK(s.signals[0].scope == t.p.calls[0].scope);
  }
  SECTION("429 with Retry-After") {
    auto r = reply(429, "");
    r.headers["retry-after"] = "7";
    auto s = t.split(0, r);
    CHECK(*s.outcomes[0].retry_after == std::chrono::milliseconds{7000});
  }
  SECTION("5xx: transient") {
    auto s =
        t.split(0, reply(500, R"({"request_status":"ERROR","error_code":"E9000",
                                       "debug_message":"Internal"})"));
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::transient);
      CHECK(o.error_code == "snapchat_E9000");
    }
    CHECK(s.units_spent == 1);
  }
  SECTION("404, 403, 401: permanent with Snapchat's code") {
    for (auto [st, code] : {std::pair{404, "E3003"}, std::pair{403, "E3002"},
                            std::pair{401, "E3001"}}) {
      auto s = t.split(
          0,
          reply(st, std::string{R"({"request_status":"ERROR","error_code":")"} +
                        code + R"(","debug_message":"no"})"));
      for (const auto& o : s.outcomes) {
        CHECK(o.kind == outcome_kind::permanent);
        CHECK(o.error_code == std::string{"snapchat_"} + code);
        CHECK(o.error_message == "no");
      }
      CHECK(s.units_spent == (st == 401 ? 0 : 1));
    }
  }
  SECTION("no answer: transient (every call is a read)") {
    upstream_reply r;
    r.transport_error = "timeout";
    r.maybe_delivered = true;
    auto s = t.split(0, r);
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::transient);
      CHECK(o.error_code == "transport_timeout");
    }
  }
  SECTION("a paged answer: transient, never a cut-short list") {
    auto s =
        t.split(0, reply(200, R"({"request_status":"SUCCESS","request_id":"x",
      "paging":{"next_link":"https://adsapi.snapchat.com/v1/x?cursor=1"},"campaigns":[]})"));
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::transient);
      CHECK(o.error_code == "snapchat_paged");
    }
  }
  SECTION("a rejected request's own call answers its rejection") {
    auto ctx = context();
    ctx.credentials["c0"].token.clear();
    auto q = request(9, 0, "get_campaigns");
    auto adapter = make_snapchat_adapter();
    auto call = adapter->naive_call(q, ctx);
    auto s = adapter->split(call, reply(200, "{}"), ctx);
    REQUIRE(s.outcomes.size() == 1);
    CHECK(s.outcomes[0].error_code == "missing_token");
    CHECK(s.outcomes[0].kind == outcome_kind::permanent);
  }
  SECTION("not JSON: transient") {
    auto s = t.split(0, reply(200, "<html>"));
    for (const auto& o : s.outcomes)
      CHECK(o.kind == outcome_kind::transient);
  }
}

TEST_CASE("snapchat splitter: a failed list item fails only the requests "
          "that needed it",
          "[snapchat][splitter]") {
  planned t;
  auto a = "0a0b0c0d-0000-4000-8000-00000000000a";
  auto b = "0a0b0c0d-0000-4000-8000-00000000000b";
  t.rs = {request(1, 0, "get_campaigns"),
          request(2, 0, "get_campaigns", {{"campaign_ids", json::array{a}}}),
          request(3, 0, "get_campaigns", {{"campaign_ids", json::array{b}}}),
          request(4, 0, "get_campaigns",
                  {{"campaign_ids",
                    json::array{"0a0b0c0d-0000-4000-8000-00000000000c"}}})};
  t.make();
  REQUIRE(t.p.calls.size() == 1);
  auto body =
      std::string{R"({"request_status":"SUCCESS","request_id":"x","campaigns":[
      {"sub_request_status":"SUCCESS","campaign":{"id":")"} +
      a + R"(","name":"A"}},
      {"sub_request_status":"ERROR","sub_request_error_reason":"boom","campaign":{"id":")" +
      b + R"("}}]})";
  auto s = t.split(0, reply(200, body));
  REQUIRE(s.outcomes.size() == 4);
  CHECK(*kind_of(s, 1) == outcome_kind::transient);
  CHECK(*kind_of(s, 2) == outcome_kind::completed);
  CHECK(*kind_of(s, 3) == outcome_kind::transient);
  CHECK(*kind_of(s, 4) == outcome_kind::permanent); // not in the account
  for (const auto& o : s.outcomes) {
    if (o.request_id == 2)
      CHECK(json::parse(o.result_json) ==
            json::parse(std::string{R"({"campaigns":[{"id":")"} + a +
                        R"(","name":"A"}]})"));
    if (o.request_id == 4) CHECK(o.error_code == "snapchat_E3003");
  }
  CHECK(s.units_spent == 1);
}

TEST_CASE("snapchat splitter: stats cut each request's range and sum its "
          "days",
          "[snapchat][splitter]") {
  planned t;
  t.rs = {request(1, 0, "get_campaign_stats",
                  {{"start_time", day(20500)},
                   {"end_time", day(20502)},
                   {"fields", json::array{"spend"}}}),
          request(2, 0, "get_campaign_stats",
                  {{"start_time", day(20501)},
                   {"end_time", day(20503)},
                   {"granularity", "DAY"},
                   {"fields", json::array{"impressions"}}})};
  t.make();
  REQUIRE(t.p.calls.size() == 1);
  auto point = [](std::int64_t d, int imp, int spend) {
    return std::string{R"({"start_time":")"} + format_day(d, "Z") +
           R"(","end_time":")" + format_day(d + 1, "Z") +
           R"(","stats":{"impressions":)" + std::to_string(imp) +
           R"(,"spend":)" + std::to_string(spend) + "}}";
  };
  auto body =
      R"({"request_status":"SUCCESS","request_id":"x","timeseries_stats":[
    {"sub_request_status":"SUCCESS","timeseries_stat":{"id":"acct","type":"AD_ACCOUNT",
     "granularity":"DAY","breakdown_stats":{"campaign":[{"id":"c1","type":"CAMPAIGN",
     "granularity":"DAY","timeseries":[)" +
      point(20500, 10, 100) + "," + point(20501, 20, 200) + "," +
      point(20502, 30, 300) + "]}]}}}]}";
  auto s = t.split(0, reply(200, body));
  REQUIRE(s.outcomes.size() == 2);
  for (const auto& o : s.outcomes) {
    REQUIRE(o.kind == outcome_kind::completed);
    auto r =
        json::parse(o.result_json).at("stats").as_array().at(0).as_object();
    CHECK(r.at("id").as_string() == "c1");
    CHECK(r.at("type").as_string() == "CAMPAIGN");
    if (o.request_id == 1) {
      CHECK(r.at("granularity").as_string() == "TOTAL");
      CHECK(r.at("stats") == json::parse(R"({"spend":300})"));
      CHECK(r.at("start_time").as_string() == format_day(20500, "Z"));
      CHECK(r.at("end_time").as_string() == format_day(20502, "Z"));
    } else {
      auto& ts = r.at("timeseries").as_array();
      REQUIRE(ts.size() == 2);
      CHECK(ts[0].at("stats") == json::parse(R"({"impressions":20})"));
      CHECK(ts[1].at("stats") == json::parse(R"({"impressions":30})"));
      CHECK(ts[1].at("start_time").as_string() == format_day(20502, "Z"));
    }
  }
}
