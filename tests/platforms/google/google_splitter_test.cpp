// The Google splitter on canned answers: stream batches, wrapped errors,
// partial failures mapped by operation index, throttles, transient,
// permanent and ambiguous outcomes.

#include "platforms/google/google_adapter.hpp"
#include "tests/platforms/google/google_test_support.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace google_test;
using namespace std::chrono_literals;

namespace {

upstream_reply reply(int status, json::value body) {
  upstream_reply r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

json::value result_of(const request_outcome& o) {
  REQUIRE(o.kind == outcome_kind::completed);
  return json::parse(o.result_json);
}

const request_outcome& outcome(const split_result& s, std::int64_t id) {
  for (const auto& o : s.outcomes)
    if (o.request_id == id) return o;
  FAIL("no outcome for request " << id);
  return s.outcomes.front();
}

json::object update_op(const std::string& rn) {
  return {{"update", json::object{{"resourceName", rn}, {"status", "PAUSED"}}},
          {"updateMask", "status"}};
}

std::string camp(int c) {
  return "customers/1000000001/campaigns/" + std::to_string(20000001000LL + c);
}

json::object ads_error(std::string cat, std::string code, std::string msg,
                       std::optional<int> op = std::nullopt) {
  json::object e{{"errorCode", json::object{{cat, code}}}, {"message", msg}};
  if (op)
    e["location"] = json::object{
        {"fieldPathElements",
         json::array{json::object{{"fieldName", "operations"}, {"index", *op}},
                     json::object{{"fieldName", "update"}}}}};
  return e;
}

json::object envelope(int code, std::string status, json::array errors) {
  return {{"error",
           json::object{
               {"code", code},
               {"message", "Request contains an invalid argument."},
               {"status", status},
               {"details",
                json::array{json::object{
                    {"@type", "type.googleapis.com/google.ads.googleads.v22."
                              "errors.GoogleAdsFailure"},
                    {"errors", std::move(errors)}}}}}}};
}

json::object throttle(std::string code, std::string scope,
                      std::optional<std::string> delay, std::string msg) {
  json::object qd{{"rateScope", scope}, {"rateName", "x"}};
  if (delay) qd["retryDelay"] = *delay;
  auto e = ads_error("quotaError", code, msg);
  e["details"] = json::object{{"quotaErrorDetails", qd}};
  return envelope(429, "RESOURCE_EXHAUSTED", json::array{e});
}

} // namespace

TEST_CASE("google splits stream batches into each request's rows",
          "[unit][google]") {
  auto a = make_google_adapter();
  auto ctx = context();
  std::vector<queued_request> rs = {
      request(1, "a", "get_ad_groups",
              {{"fields", json::array{"ad_group.id"}}, {"campaign_id", 5}}),
      request(2, "a", "get_ad_groups",
              {{"fields", json::array{"ad_group.name"}}, {"limit", 1}}),
  };
  auto p = a->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  // SELECT ad_group.id, ad_group.name, campaign.id; rows by id ascending.
  auto row = [](int id, int campaign, std::string name) {
    json::object r{
        {"adGroup",
         json::object{{"resourceName",
                       "customers/1000000001/adGroups/" + std::to_string(id)},
                      {"id", std::to_string(id)},
                      {"name", name}}},
        {"campaign",
         json::object{{"resourceName", "customers/1000000001/campaigns/" +
                                           std::to_string(campaign)},
                      {"id", std::to_string(campaign)}}}};
    return r;
  };
  json::array batches{
      json::object{{"results", json::array{row(11, 5, "a"), row(12, 6, "b")}},
                   {"fieldMask", "adGroup.id,adGroup.name,campaign.id"}},
      json::object{{"results", json::array{row(13, 5, "c")}},
                   {"queryResourceConsumption", "1"}}};
  auto s = a->split(p.calls[0], reply(200, batches), ctx);
  CHECK(s.units_spent == 1);
  REQUIRE(s.outcomes.size() == 2);
  // Request 1: campaign 5 only, its fields, ORDER BY ad_group.id DESC.
  CHECK(result_of(outcome(s, 1)) == json::parse(R"({"get_ad_groups":[
          {"adGroup":{"resourceName":"customers/1000000001/adGroups/13","id":"13"}},
          {"adGroup":{"resourceName":"customers/1000000001/adGroups/11","id":"11"}}]})"));
  // Request 2: every row, its field, sorted, LIMIT 1.
  CHECK(result_of(outcome(s, 2)) == json::parse(R"({"get_ad_groups":[
          {"adGroup":{"resourceName":"customers/1000000001/adGroups/13","name":"c"}}]})"));
  // An empty stream: one batch without results.
  auto e =
      a->split(p.calls[0],
               reply(200, json::array{json::object{{"fieldMask", "x"}}}), ctx);
  CHECK(result_of(outcome(e, 1)) == json::parse(R"({"get_ad_groups":[]})"));
}

TEST_CASE("google stream errors come wrapped in an array or bare",
          "[unit][google]") {
  auto a = make_google_adapter();
  auto ctx = context();
  auto p = a->make_plan(std::vector{request(1, "a", "get_account"),
                                    request(2, "a", "get_account")},
                        ctx);
  auto err = envelope(
      403, "PERMISSION_DENIED",
      json::array{ads_error("authorizationError", "USER_PERMISSION_DENIED",
                            "User doesn't have permission")});
  for (auto body : {json::value(json::array{err}), json::value(err)}) {
    auto s = a->split(p.calls[0], reply(403, body), ctx);
    CHECK(s.units_spent == 0);
    REQUIRE(s.outcomes.size() == 2);
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::permanent);
      CHECK(o.error_code == "google_USER_PERMISSION_DENIED");
      CHECK(o.error_message == "User doesn't have permission");
    }
  }
  // 401 without details: the status names it.
  auto s = a->split(
      p.calls[0],
      reply(401, json::array{json::object{
                     {"error", json::object{{"code", 401},
                                            {"message", "missing credential"},
                                            {"status", "UNAUTHENTICATED"}}}}}),
      ctx);
  CHECK(s.outcomes[0].kind == outcome_kind::permanent);
  CHECK(s.outcomes[0].error_code == "google_UNAUTHENTICATED");
  // 500 / 503 transient; invalid JSON on 200 transient for reads.
  for (int st : {500, 503, 504}) {
    auto t = a->split(p.calls[0], reply(st, json::object{}), ctx);
    CHECK(t.outcomes[0].kind == outcome_kind::transient);
    CHECK(t.outcomes[0].error_code == "http_" + std::to_string(st));
  }
  upstream_reply bad;
  bad.status = 200;
  bad.body = "[{\"results\":";
  CHECK(a->split(p.calls[0], bad, ctx).outcomes[0].kind ==
        outcome_kind::transient);
  // Transport failures of reads are transient, even if delivered.
  upstream_reply lost;
  lost.transport_error = "timeout";
  lost.maybe_delivered = true;
  auto l = a->split(p.calls[0], lost, ctx);
  CHECK(l.outcomes[0].kind == outcome_kind::transient);
  CHECK(l.outcomes[0].error_code == "transport_timeout");
}

TEST_CASE("google throttles carry retryDelay and rate signals",
          "[unit][google]") {
  auto a = make_google_adapter();
  auto ctx = context();
  auto p = a->make_plan(std::vector{request(1, "a", "get_account")}, ctx);
  SECTION("per-customer rate with retryDelay") {
    auto s = a->split(p.calls[0],
                      reply(429, json::array{throttle(
                                     "RESOURCE_TEMPORARILY_EXHAUSTED",
                                     "CUSTOMER", "1s", "Too many requests.")}),
                      ctx);
    CHECK(s.units_spent == 0);
    CHECK(s.outcomes[0].kind == outcome_kind::throttled);
    CHECK(s.outcomes[0].retry_after == 1000ms);
    CHECK(s.outcomes[0].error_code == "google_RESOURCE_TEMPORARILY_EXHAUSTED");
    REQUIRE(s.signals.size() == 1);
    CHECK(s.signals[0].scope == "customer:1000000001");
    CHECK(s.signals[0].throttled);
    CHECK(s.signals[0].pause_for == 1000ms);
  }
  SECTION("daily quota: the message's hint, else Pacific midnight") {
    auto s =
        a->split(p.calls[0],
                 reply(429, json::array{throttle(
                                "RESOURCE_EXHAUSTED", "DEVELOPER", std::nullopt,
                                "Too many requests. Retry in 37 seconds.")}),
                 ctx);
    CHECK(s.outcomes[0].kind == outcome_kind::throttled);
    CHECK(s.outcomes[0].retry_after == 37000ms);
    CHECK(s.signals[0].scope == "developer_token");
    auto n = a->split(p.calls[0],
                      reply(429, throttle("RESOURCE_EXHAUSTED", "DEVELOPER",
                                          std::nullopt, "Quota exhausted.")),
                      ctx);
    // now = 12:00 UTC = 04:00 PST: 20 hours to go.
    CHECK(n.outcomes[0].retry_after == std::chrono::milliseconds(20h));
    auto r = google::parse_rate_signals(
        reply(429, throttle("RESOURCE_TEMPORARILY_EXHAUSTED", "DEVELOPER",
                            "2.5s", "slow down")),
        "1000000001", ctx.now);
    REQUIRE(r.size() == 1);
    CHECK(r[0].scope == "developer_token");
    CHECK(r[0].pause_for == 2500ms);
    CHECK(google::parse_rate_signals(reply(200, json::array{}), "1", ctx.now)
              .empty());
  }
}

TEST_CASE("google mutate results map back by operation index",
          "[unit][google]") {
  auto a = make_google_adapter();
  auto ctx = context();
  std::vector<queued_request> rs = {
      // ops 0 | 1 | 2,3,4 | 5,6 | 7 | 8,9
      request(1, "a", "update_campaigns", {{"operation", update_op(camp(1))}}),
      request(2, "a", "update_campaigns", {{"operation", update_op(camp(2))}}),
      request(
          3, "a", "update_campaigns",
          {{"operations", json::array{update_op(camp(3)), update_op(camp(4)),
                                      update_op(camp(5))}}}),
      request(4, "a", "update_campaigns",
              {{"operations",
                json::array{update_op(camp(6)), update_op(camp(7))}}}),
      request(5, "a", "update_campaigns", {{"operation", update_op(camp(8))}}),
      request(6, "a", "update_campaigns",
              {{"operations",
                json::array{update_op(camp(9)), update_op(camp(10))}}}),
      request(7, "a", "update_campaigns", {{"operation", update_op(camp(1))}}),
  };
  auto p = a->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  const auto& call = p.calls[0];
  CHECK(call.quota_units == 10);
  json::array results;
  std::set<int> bad = {1, 3, 7, 8, 9};
  for (int i = 0; i < 10; ++i)
    results.push_back(bad.count(i) ? json::object{}
                                   : json::object{{"resourceName",
                                                   "rn-" + std::to_string(i)}});
  json::array errs{
      ads_error("mutateError", "RESOURCE_NOT_FOUND", "not found 1", 1),
      ads_error("mutateError", "RESOURCE_NOT_FOUND", "not found 3", 3),
      ads_error("databaseError", "CONCURRENT_MODIFICATION", "busy", 7),
      ads_error("fieldError", "REQUIRED", "required 8", 8),
      ads_error("databaseError", "CONCURRENT_MODIFICATION", "busy 9", 9)};
  json::object body{
      {"results", results},
      {"partialFailureError",
       json::object{{"code", 3},
                    {"message", "Multiple errors in 'details'."},
                    {"details", json::array{json::object{{"errors", errs}}}}}}};
  auto s = a->split(call, reply(200, body), ctx);
  CHECK(s.units_spent == 10);
  REQUIRE(s.outcomes.size() == 7);
  CHECK(result_of(outcome(s, 1)) ==
        json::parse(R"({"success":true,"resource_name":"rn-0"})"));
  CHECK(result_of(outcome(s, 7)) == result_of(outcome(s, 1)));
  CHECK(outcome(s, 2).kind == outcome_kind::permanent);
  CHECK(outcome(s, 2).error_code == "google_RESOURCE_NOT_FOUND");
  CHECK(outcome(s, 2).error_message ==
        "operation: not found 1 (RESOURCE_NOT_FOUND)");
  // Some of request 3 applied: permanent, and the message says what applied.
  CHECK(outcome(s, 3).kind == outcome_kind::permanent);
  CHECK(outcome(s, 3).error_message ==
        "1 of 3 operations failed: operations[1]: not found 3 "
        "(RESOURCE_NOT_FOUND); applied: operations[0] -> rn-2 "
        "operations[2] -> rn-4");
  CHECK(result_of(outcome(s, 4)) ==
        json::parse(R"({"success":true,"resource_names":["rn-5","rn-6"]})"));
  // Nothing applied and only retryable errors: transient.
  CHECK(outcome(s, 5).kind == outcome_kind::transient);
  CHECK(outcome(s, 5).error_code == "google_CONCURRENT_MODIFICATION");
  // No valid operation at all, one of them not retryable: permanent.
  CHECK(outcome(s, 6).kind == outcome_kind::permanent);
  CHECK(outcome(s, 6).error_code == "google_REQUIRED");
  CHECK(outcome(s, 6).error_message ==
        "2 of 2 operations failed: operations[0]: required 8 (REQUIRED); "
        "operations[1]: busy 9 (CONCURRENT_MODIFICATION)");
}

TEST_CASE("google mutate failures: whole call, per operation, unknown",
          "[unit][google]") {
  auto a = make_google_adapter();
  auto ctx = context();
  std::vector<queued_request> rs = {
      request(1, "a", "update_campaigns", {{"operation", update_op(camp(1))}}),
      request(2, "a", "update_campaigns", {{"operation", update_op(camp(2))}})};
  auto p = a->make_plan(rs, ctx);
  const auto& call = p.calls[0];
  SECTION("a 400 naming an operation fails its request only") {
    auto s = a->split(
        call,
        reply(400, envelope(400, "INVALID_ARGUMENT",
                            json::array{ads_error("fieldError", "REQUIRED",
                                                  "required", 1)})),
        ctx);
    // The operations were executed: the platform charges them.
    CHECK(s.units_spent == 2);
    CHECK(outcome(s, 1).kind == outcome_kind::not_attempted);
    CHECK(outcome(s, 2).kind == outcome_kind::permanent);
    CHECK(outcome(s, 2).error_code == "google_REQUIRED");
  }
  SECTION("a 400 for the call fails all") {
    auto s = a->split(
        call,
        reply(400, envelope(400, "INVALID_ARGUMENT",
                            json::array{ads_error("requestError",
                                                  "TOO_MANY_MUTATE_OPERATIONS",
                                                  "too many")})),
        ctx);
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::permanent);
      CHECK(o.error_code == "google_TOO_MANY_MUTATE_OPERATIONS");
    }
  }
  SECTION("throttled writes are retried later, not spent") {
    auto s = a->split(call,
                      reply(429, throttle("RESOURCE_TEMPORARILY_EXHAUSTED",
                                          "CUSTOMER", "3s", "slow")),
                      ctx);
    CHECK(s.units_spent == 0);
    for (const auto& o : s.outcomes) {
      CHECK(o.kind == outcome_kind::throttled);
      CHECK(o.retry_after == 3000ms);
    }
  }
  SECTION("timeouts of writes are ambiguous, refused connections not") {
    upstream_reply lost;
    lost.transport_error = "timeout";
    lost.maybe_delivered = true;
    for (const auto& o : a->split(call, lost, ctx).outcomes)
      CHECK(o.kind == outcome_kind::ambiguous);
    lost.transport_error = "connect";
    lost.maybe_delivered = false;
    for (const auto& o : a->split(call, lost, ctx).outcomes)
      CHECK(o.kind == outcome_kind::transient);
    // DEADLINE_EXCEEDED may have applied a write.
    for (const auto& o :
         a->split(call, reply(504, json::object{}), ctx).outcomes)
      CHECK(o.kind == outcome_kind::ambiguous);
    for (const auto& o :
         a->split(call, reply(503, json::object{}), ctx).outcomes)
      CHECK(o.kind == outcome_kind::transient);
  }
  SECTION("no result and no error: ambiguous") {
    auto s = a->split(
        call,
        reply(200, json::object{{"results", json::array{json::object{
                                                {"resourceName", "rn-0"}}}}}),
        ctx);
    CHECK(outcome(s, 1).kind == outcome_kind::completed);
    CHECK(outcome(s, 2).kind == outcome_kind::ambiguous);
    CHECK(outcome(s, 2).error_code == "google_no_result");
  }
}
