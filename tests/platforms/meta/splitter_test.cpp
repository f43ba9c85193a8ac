// Meta splitter on canned answers: partial batches (null, errors,
// throttles with the BUC header), ?ids= objects, per-request projection,
// error classes, transport failures, and result sanitizing.

#include "tests/platforms/meta/meta_test_util.hpp"

#include <catch2/catch.hpp>

using namespace meta_test;

namespace {

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

std::map<std::int64_t, request_outcome> by_id(const split_result& r) {
  std::map<std::int64_t, request_outcome> out;
  for (const auto& o : r.outcomes)
    out[o.request_id] = o;
  return out;
}

upstream_reply reply(int status, std::string body) {
  upstream_reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string op_item(int code, const json::value& body) {
  return json::serialize(
      json::object{{"code", code}, {"body", json::serialize(body)}});
}

json::value graph_error(int code, std::string message, int subcode = 0,
                        bool transient = false) {
  json::object e{{"message", message},
                 {"type", "OAuthException"},
                 {"code", code},
                 {"fbtrace_id", "X"}};
  if (subcode) e["error_subcode"] = subcode;
  if (transient) e["is_transient"] = true;
  return json::object{{"error", e}};
}

} // namespace

TEST_CASE("meta splitter cuts a partial batch per operation",
          "[unit][meta][splitter]") {
  auto adapter = make_meta_adapter();
  auto ctx = context(4);
  // Four tokens: four operations in one batch.
  std::vector rs{
      req(1, "c0", "get_account_details", obj(R"({"fields":"name"})")),
      req(2, "c1", "get_account_details", obj(R"({"fields":"name"})")),
      req(3, "c2", "get_account_details", obj(R"({"fields":"name"})")),
      req(4, "c3", "get_account_details", obj(R"({"fields":"name"})")),
  };
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  const auto& call = p.calls[0];
  REQUIRE(ops_of(call).size() == 4);
  std::string body =
      "[" + op_item(200, json::object{{"name", "A"}, {"id", account(1)}}) +
      ",null," +
      op_item(400, graph_error(100, "(#100) Tried accessing "
                                    "nonexisting field")) +
      "," +
      op_item(400, graph_error(80004, "(#80004) too many", 2446079, true)) +
      "]";
  auto r = reply(200, body);
  r.headers["x-business-use-case-usage"] =
      R"({"10000000000004":[{"type":"ads_management","call_count":100,
        "total_cputime":50,"total_time":70,
        "estimated_time_to_regain_access":5}]})";
  r.headers["x-app-usage"] =
      R"({"call_count":12,"total_cputime":6,"total_time":8})";
  auto s = adapter->split(call, r, ctx);
  REQUIRE(s.outcomes.size() == 4);
  auto o = by_id(s);
  CHECK(o[1].kind == outcome_kind::completed);
  CHECK(json::parse(o[1].result_json) ==
        json::parse(R"({"name":"A","id":"act_10000000000001"})"));
  CHECK(o[2].kind == outcome_kind::not_attempted);
  CHECK(o[3].kind == outcome_kind::permanent);
  CHECK(o[3].error_code == "meta_100");
  CHECK(o[3].error_message == "(#100) Tried accessing nonexisting field");
  CHECK(o[4].kind == outcome_kind::throttled);
  CHECK(o[4].error_code == "meta_80004");
  REQUIRE(o[4].retry_after);
  CHECK(*o[4].retry_after == std::chrono::minutes(5));
  // Charged: the completed op and the one failing on a field.
  CHECK(s.units_spent == 2);
  bool app = false, buc = false, throttle = false;
  for (const auto& sig : s.signals) {
    if (sig.scope == "app" && !sig.throttled) {
      app = true;
      CHECK(*sig.used_fraction == Approx(0.12));
    }
    if (sig.scope == "buc:10000000000004:ads_management" && sig.pause_for)
      buc = true;
    if (sig.throttled && sig.scope == "buc:10000000000004:ads_management")
      throttle = true;
  }
  CHECK(app);
  CHECK(buc);
  CHECK(throttle);
}

TEST_CASE("meta splitter gives each request its own part of a merged read",
          "[unit][meta][splitter]") {
  auto adapter = make_meta_adapter();
  auto ctx = context(1);
  auto a1 = account(1), a2 = account(2);
  std::vector rs{
      req(1, "c0", "get_campaigns",
          obj(R"({"ad_account_id":")" + a1 + R"(","fields":"name"})")),
      req(2, "c0", "get_campaigns",
          obj(R"({"ad_account_id":")" + a1 + R"(","fields":"status,name"})")),
      req(3, "c0", "get_campaigns",
          obj(R"({"ad_account_id":")" + a2 + R"(","fields":"name,status"})")),
  };
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto ops = ops_of(p.calls[0]);
  REQUIRE(ops.size() == 1);
  CHECK(path_of(ops[0].relative_url) == "campaigns");
  CHECK(query_of(ops[0].relative_url)["fields"] == "name,status");
  auto edge = [](const std::string& prefix) {
    return json::object{
        {"data", json::array{json::object{{"name", prefix + "1"},
                                          {"status", "ACTIVE"},
                                          {"id", prefix + "id1"}}}},
        {"paging",
         json::object{
             {"cursors", json::object{{"before", "MA"}, {"after", "MA"}}},
             {"next", "https://graph/x?access_token=org-0&after=MA"}}}};
  };
  json::object body{{a1, edge("a")}, {a2, edge("b")}};
  auto s = adapter->split(p.calls[0], reply(200, json::serialize(body)), ctx);
  auto o = by_id(s);
  REQUIRE(o.size() == 3);
  CHECK(json::parse(o[1].result_json) ==
        json::parse(R"({"data":[{"name":"a1","id":"aid1"}],
                           "paging":{"cursors":{"before":"MA","after":"MA"},
                                     "has_next":true,"has_previous":false}})"));
  CHECK(json::parse(o[2].result_json) ==
        json::parse(R"({"data":[{"status":"ACTIVE","name":"a1","id":"aid1"}],
                           "paging":{"cursors":{"before":"MA","after":"MA"},
                                     "has_next":true,"has_previous":false}})"));
  // Field order follows the request.
  CHECK(o[2].result_json.find("\"status\"") <
        o[2].result_json.find("\"name\""));
  CHECK(json::parse(o[3].result_json).at("data").at(0).at("name") == "b1");
  for (auto& [id, out] : o)
    CHECK(out.result_json.find("access_token") == std::string::npos);
  CHECK(s.units_spent == 2);
}

TEST_CASE("meta splitter fails only the ids Graph names",
          "[unit][meta][splitter]") {
  auto adapter = make_meta_adapter();
  auto ctx = context(1);
  std::vector<queued_request> rs;
  for (int i = 1; i <= 3; ++i)
    rs.push_back(
        req(i, "c0", "get_lead",
            obj(R"({"lead_id":")" + std::to_string(500 + i) + R"("})")));
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto s = adapter->split(
      p.calls[0],
      reply(404, json::serialize(graph_error(
                     803, "(#803) Some of the aliases you requested do not "
                          "exist: 502"))),
      ctx);
  auto o = by_id(s);
  CHECK(o[1].kind == outcome_kind::not_attempted);
  CHECK(o[2].kind == outcome_kind::permanent);
  CHECK(o[2].error_code == "meta_803");
  CHECK(o[3].kind == outcome_kind::not_attempted);
  CHECK(s.units_spent == 0);
  // An error that names nobody fails the merged read as a retry (then
  // each request is read alone).
  auto s2 = adapter->split(
      p.calls[0],
      reply(400, json::serialize(graph_error(100, "(#100) level must be ..."))),
      ctx);
  for (const auto& out : s2.outcomes) {
    CHECK(out.kind == outcome_kind::transient);
    CHECK(out.error_code == "meta_100");
  }
}

TEST_CASE("meta splitter classifies errors", "[unit][meta][splitter]") {
  auto adapter = make_meta_adapter();
  auto ctx = context(1);
  std::vector rs{req(1, "c0", "get_pages")};
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  const auto& call = p.calls[0];
  auto kind_of = [&](int status, const json::value& body) {
    auto s = adapter->split(call, reply(status, json::serialize(body)), ctx);
    REQUIRE(s.outcomes.size() == 1);
    return s.outcomes[0];
  };
  for (int code : {4, 17, 32, 613, 80000, 80014}) {
    auto o = kind_of(400, graph_error(code, "limited"));
    CHECK(o.kind == outcome_kind::throttled);
    CHECK(o.retry_after == std::chrono::seconds(60));
  }
  CHECK(kind_of(500, graph_error(1, "unknown", 99, true)).kind ==
        outcome_kind::transient);
  CHECK(kind_of(500, graph_error(2, "retry later")).kind ==
        outcome_kind::transient);
  CHECK(kind_of(400, graph_error(9000, "x", 0, true)).kind ==
        outcome_kind::transient);
  auto token =
      kind_of(400, graph_error(190, "Error validating access token", 463));
  CHECK(token.kind == outcome_kind::permanent);
  CHECK(token.error_code == "meta_190");
  CHECK(token.error_message == "Error validating access token");
  CHECK(kind_of(403, graph_error(10, "no permission")).error_code == "meta_10");
  CHECK(kind_of(400, graph_error(200, "permissions")).kind ==
        outcome_kind::permanent);
  auto proxy =
      adapter->split(call, reply(502, "<html>bad gateway</html>"), ctx);
  CHECK(proxy.outcomes[0].kind == outcome_kind::transient);
  CHECK(proxy.outcomes[0].error_code == "http_502");
  auto ok = adapter->split(
      call, reply(200, R"({"accounts":{"data":[{"id":"1","name":"P",
                   "access_token":"EAApage"}]},"id":"9"})"),
      ctx);
  REQUIRE(ok.outcomes[0].kind == outcome_kind::completed);
  CHECK(json::parse(ok.outcomes[0].result_json) ==
        json::parse(R"({"pages":[{"name":"P","id":"1"}]})"));
  CHECK(ok.units_spent == 1);
}

TEST_CASE("meta splitter: no answer is transient for reads, ambiguous for "
          "writes",
          "[unit][meta][splitter]") {
  auto adapter = make_meta_adapter();
  auto ctx = context(1);
  std::vector rs{
      req(1, "c0", "generic",
          obj(R"({"method":"POST","endpoint":"act_10000000000001/campaigns",
                "body":{"name":"x"}})")),
      req(2, "c0", "get_campaigns")};
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  CHECK(p.calls[0].is_write);
  upstream_reply timeout;
  timeout.transport_error = "timeout";
  timeout.maybe_delivered = true;
  auto o = by_id(adapter->split(p.calls[0], timeout, ctx));
  CHECK(o[1].kind == outcome_kind::ambiguous);
  CHECK(o[1].error_code == "transport_timeout");
  CHECK(o[2].kind == outcome_kind::transient);
  upstream_reply refused;
  refused.transport_error = "connect";
  refused.maybe_delivered = false;
  auto o2 = by_id(adapter->split(p.calls[0], refused, ctx));
  CHECK(o2[1].kind == outcome_kind::transient);
  CHECK(o2[2].kind == outcome_kind::transient);
}

TEST_CASE("meta splitter: a refused batch token fails only its operations",
          "[unit][meta][splitter]") {
  auto adapter = make_meta_adapter();
  auto ctx = context(2);
  std::vector rs{req(1, "c0", "get_pages"), req(2, "c1", "get_pages")};
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto s = adapter->split(
      p.calls[0],
      reply(400, json::serialize(graph_error(190, "Session has expired", 463))),
      ctx);
  auto o = by_id(s);
  CHECK(o[1].kind == outcome_kind::permanent);
  CHECK(o[2].kind == outcome_kind::not_attempted);
  // The whole batch throttled (app budget spent): all wait.
  auto t = adapter->split(
      p.calls[0], reply(400, json::serialize(graph_error(4, "(#4) limit"))),
      ctx);
  for (const auto& out : t.outcomes)
    CHECK(out.kind == outcome_kind::throttled);
  CHECK(t.units_spent == 0);
  // An array of the wrong length is unreadable: reads are retried.
  auto bad = adapter->split(p.calls[0], reply(200, "[null]"), ctx);
  for (const auto& out : bad.outcomes)
    CHECK(out.kind == outcome_kind::transient);
}

TEST_CASE("meta splitter reads each operation's own headers when present",
          "[unit][meta][splitter]") {
  auto adapter = make_meta_adapter();
  auto ctx = context(2);
  std::vector rs{req(1, "c0", "get_campaigns"), req(2, "c1", "get_campaigns")};
  auto p = adapter->make_plan(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  json::array items;
  items.push_back(json::object{
      {"code", 400},
      {"headers", json::array{json::object{
                      {"name", "X-Business-Use-Case-Usage"},
                      {"value", R"({"10000000000001":[{"type":"ads_management",
                    "call_count":100,"estimated_time_to_regain_access":7}]})"}}}},
      {"body",
       json::serialize(graph_error(80004, "too many", 2446079, true))}});
  items.push_back(json::object{{"code", 200}, {"body", R"({"data":[]})"}});
  auto s = adapter->split(p.calls[0], reply(200, json::serialize(items)), ctx);
  auto o = by_id(s);
  CHECK(o[1].kind == outcome_kind::throttled);
  CHECK(o[1].retry_after == std::chrono::minutes(7));
  CHECK(o[2].kind == outcome_kind::completed);
  CHECK(json::parse(o[2].result_json) == json::parse(R"({"data":[]})"));
  CHECK(s.units_spent == 1);
}
