// Meta planner: identical sharing, field expansion, ?ids= merging, Batch API
// packing across tokens, the 50-op cap, writes, rejections and the time
// budget; each case also checks the plan's cost against meta_minimum_cost.

#include "platforms/meta/minimum.hpp"
#include "tests/platforms/meta/meta_test_util.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace meta_test;

namespace {

plan make(const std::vector<queued_request>& rs, const plan_context& ctx) {
  auto p = make_meta_adapter()->make_plan(rs, ctx);
  // Every plan here must cost exactly the independent minimum.
  CHECK(cost_of(p) == meta_minimum_cost(rs, ctx));
  return p;
}

std::size_t served(const plan& p) {
  std::size_t n = 0;
  for (const auto& c : p.calls)
    n += c.serves.size();
  return n;
}

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

} // namespace

TEST_CASE("meta planner sends a single request directly",
          "[unit][meta][planner]") {
  auto ctx = context(1);
  std::vector rs{req(1, "c0", "get_campaigns", obj(R"({"fields":"name"})"))};
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  const auto& c = p.calls[0];
  CHECK(c.method == "GET");
  CHECK_FALSE(is_batch(c));
  auto ops = ops_of(c);
  REQUIRE(ops.size() == 1);
  CHECK(path_of(ops[0].relative_url) == account(1) + "/campaigns");
  auto q = query_of(ops[0].relative_url);
  CHECK(q["fields"] == "name");
  CHECK(q["limit"] == "25");
  CHECK(ops[0].token == "org-0");
  CHECK(c.target.rfind("/v21.0/", 0) == 0);
  CHECK(c.quota_units == 1);
  CHECK(c.serves == std::vector<std::int64_t>{1});
  CHECK_FALSE(c.is_write);
  CHECK(c.label.find("org-0") == std::string::npos);
  // The naive call of a lone request is the same call.
  auto naive = make_meta_adapter()->naive_call(rs[0], ctx);
  CHECK(naive.target == c.target);
  // The configured version wins.
  ctx.settings.api_version = "v22";
  auto p2 = make(rs, ctx);
  CHECK(p2.calls[0].target.rfind("/v22.0/", 0) == 0);
}

TEST_CASE("meta planner shares identical requests", "[unit][meta][planner]") {
  auto ctx = context(2);
  // c0 and c1 have different tokens; c0 twice + c0 again with the same
  // params in another spelling.
  std::vector rs{
      req(1, "c0", "get_campaigns", obj(R"({"limit":25})")),
      req(2, "c0", "get_campaigns"),
      req(3, "c0", "get_campaigns",
          obj(R"({"ad_account_id":"10000000000001"})")),
  };
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  CHECK(p.calls[0].quota_units == 1);
  CHECK(p.calls[0].serves.size() == 3);
}

TEST_CASE("meta planner merges edges of one root by field expansion",
          "[unit][meta][planner]") {
  auto ctx = context(1);
  auto a = account(1);
  std::vector rs{
      req(1, "c0", "get_account_details", obj(R"({"fields":"name,currency"})")),
      req(2, "c0", "get_campaigns", obj(R"({"fields":"name"})")),
      req(3, "c0", "get_campaigns", obj(R"({"fields":"status"})")),
      req(4, "c0", "get_ad_sets"),
      req(5, "c0", "get_insights",
          obj(R"({"level":"campaign","date_preset":"last_7d"})")),
  };
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto ops = ops_of(p.calls[0]);
  REQUIRE(ops.size() == 1);
  CHECK(path_of(ops[0].relative_url) == a);
  auto fields = query_of(ops[0].relative_url)["fields"];
  CHECK(fields.find("currency,name") == 0);
  CHECK(fields.find("campaigns.limit(25){name,status}") != std::string::npos);
  CHECK(fields.find("adsets.limit(25){") != std::string::npos);
  CHECK(
      fields.find("insights.date_preset(last_7d).level(campaign).limit(25){") !=
      std::string::npos);
  CHECK(p.calls[0].quota_units == 1);
  CHECK(served(p) == 5);
}

TEST_CASE("meta planner gives each edge variant its own operation",
          "[unit][meta][planner]") {
  auto ctx = context(1);
  std::vector rs{
      req(1, "c0", "get_insights", obj(R"({"date_preset":"last_7d"})")),
      req(2, "c0", "get_insights", obj(R"({"date_preset":"last_30d"})")),
      req(3, "c0", "get_insights", obj(R"({"date_preset":"yesterday"})")),
      req(4, "c0", "get_campaigns"),
      req(5, "c0", "get_campaigns", obj(R"({"limit":100})")),
  };
  auto p = make(rs, ctx);
  // 3 insights variants, 2 campaigns variants -> 3 operations of act_1.
  REQUIRE(p.calls.size() == 1);
  CHECK(is_batch(p.calls[0]));
  CHECK(ops_of(p.calls[0]).size() == 3);
  CHECK(p.calls[0].quota_units == 3);
}

TEST_CASE("meta planner merges same-shaped roots into ?ids=",
          "[unit][meta][planner]") {
  auto ctx = context(1);
  std::vector<queued_request> rs;
  for (int i = 1; i <= 3; ++i)
    rs.push_back(req(i, "c0", "get_account_details",
                     obj(R"({"ad_account_id":")" + account(i) + R"("})")));
  for (int i = 1; i <= 3; ++i)
    rs.push_back(req(10 + i, "c0", "get_campaigns",
                     obj(R"({"ad_account_id":")" + account(10 + i) +
                         R"(","fields":"name"})")));
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto ops = ops_of(p.calls[0]);
  REQUIRE(ops.size() == 2);
  auto q0 = query_of(ops[0].relative_url);
  CHECK(path_of(ops[0].relative_url).empty());
  CHECK(q0["ids"] == account(1) + "," + account(2) + "," + account(3));
  auto q1 = query_of(ops[1].relative_url);
  CHECK(path_of(ops[1].relative_url) == "campaigns");
  CHECK(q1["ids"] == account(11) + "," + account(12) + "," + account(13));
  CHECK(q1["fields"] == "name");
  CHECK(p.calls[0].quota_units == 6);
}

TEST_CASE("meta planner caps ?ids= at 50 and never mixes tokens",
          "[unit][meta][planner]") {
  auto ctx = context(2);
  std::vector<queued_request> rs;
  for (int i = 1; i <= 60; ++i)
    rs.push_back(
        req(i, "c0", "get_lead",
            obj(R"({"lead_id":")" + std::to_string(1000 + i) + R"("})")));
  for (int i = 1; i <= 5; ++i)
    rs.push_back(
        req(100 + i, "c1", "get_lead",
            obj(R"({"lead_id":")" + std::to_string(1000 + i) + R"("})")));
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto ops = ops_of(p.calls[0]);
  REQUIRE(ops.size() == 3);
  std::map<std::string, std::size_t> ids_per_token;
  for (const auto& op : ops) {
    auto ids = query_of(op.relative_url)["ids"];
    auto n =
        static_cast<std::size_t>(std::count(ids.begin(), ids.end(), ',') + 1);
    CHECK(n <= 50);
    ids_per_token[op.token] += n;
  }
  CHECK(ids_per_token["org-0"] == 60);
  CHECK(ids_per_token["org-1"] == 5);
  CHECK(p.calls[0].quota_units == 65);
}

TEST_CASE("meta planner packs operations of many tokens into batches of 50",
          "[unit][meta][planner]") {
  auto ctx = context(5);
  std::vector<queued_request> rs;
  for (int i = 0; i < 120; ++i)
    rs.push_back(req(i, "c" + std::to_string(i % 5), "generic",
                     obj(R"({"endpoint":")" + std::to_string(1000 + i) +
                         R"(?fields=id"})")));
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 3);
  std::size_t ops = 0;
  for (const auto& c : p.calls) {
    REQUIRE(is_batch(c));
    auto os = ops_of(c);
    CHECK(os.size() <= 50);
    ops += os.size();
    // Each operation carries its own connection's token.
    std::set<std::string> tokens;
    for (const auto& o : os)
      tokens.insert(o.token);
    CHECK(tokens.size() == 5);
    auto form = adbatch::platforms::meta::parse_form(c.body);
    CHECK(form[0].first == "access_token");
    CHECK(form[1] ==
          std::pair<std::string, std::string>{"include_headers", "false"});
    CHECK(c.target == "/v21.0/");
  }
  CHECK(ops == 120);
  CHECK(served(p) == 120);
  // A smaller configured batch size is honoured.
  auto small = context(5, 10);
  auto p2 = make(rs, small);
  CHECK(p2.calls.size() == 12);
  for (const auto& c : p2.calls)
    CHECK(ops_of(c).size() <= 10);
}

TEST_CASE("meta planner never merges writes", "[unit][meta][planner]") {
  auto ctx = context(1);
  auto body = obj(R"({"method":"POST","endpoint":"act_10000000000001/campaigns",
                      "body":{"name":"x"}})");
  std::vector rs{req(1, "c0", "generic", body), req(2, "c0", "generic", body),
                 req(3, "c0", "get_campaigns")};
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto ops = ops_of(p.calls[0]);
  REQUIRE(ops.size() == 3);
  CHECK(ops[0].method == "POST");
  CHECK(ops[0].body == "name=x");
  CHECK(ops[1].method == "POST");
  CHECK(p.calls[0].is_write);
  // Alone, a write goes directly as a form POST with the token in the body.
  auto single = make({rs[0]}, ctx);
  REQUIRE(single.calls.size() == 1);
  CHECK(single.calls[0].method == "POST");
  CHECK(single.calls[0].target == "/v21.0/act_10000000000001/campaigns");
  CHECK(single.calls[0].body == "name=x&access_token=org-0");
  CHECK(single.calls[0].is_write);
}

TEST_CASE("meta planner charges generic ids= reads per id",
          "[unit][meta][planner]") {
  auto ctx = context(1);
  std::vector rs{
      req(1, "c0", "generic", obj(R"({"endpoint":"?ids=1,2,3&fields=id"})")),
      req(2, "c0", "generic",
          obj(R"({"endpoint":"insights?ids=act_1,act_2&fields=spend"})")),
      req(3, "c0", "generic", obj(R"({"endpoint":"act_1?ids=1,2&fields=id"})")),
  };
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  const auto* mc =
      dynamic_cast<const adbatch::platforms::meta::meta_call_context*>(
          p.calls[0].context.get());
  REQUIRE(mc);
  REQUIRE(mc->ops.size() == 3);
  CHECK(mc->ops[0].units == 3);
  CHECK(mc->ops[1].units == 2);
  CHECK(mc->ops[2].units == 1);
  CHECK(p.calls[0].quota_units == 6);
}

TEST_CASE("meta planner rejects requests it cannot send",
          "[unit][meta][planner]") {
  auto ctx = context(1);
  ctx.credentials["empty"] = connection_credential{"empty", "org", "", {}};
  connection_credential no_account{"noacct", "org", "tok", {}};
  ctx.credentials["noacct"] = no_account;
  std::vector rs{req(1, "c0", "get_pages"), req(2, "empty", "get_pages"),
                 req(3, "missing", "get_pages"),
                 req(4, "noacct", "get_campaigns"),
                 req(5, "c0", "get_pages", obj(R"({"fields":"bogus"})"))};
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  CHECK(p.calls[0].serves == std::vector<std::int64_t>{1});
  REQUIRE(p.rejected.size() == 4);
  std::map<std::int64_t, request_outcome> by_id;
  for (const auto& o : p.rejected)
    by_id[o.request_id] = o;
  CHECK(by_id[2].kind == outcome_kind::permanent);
  CHECK(by_id[2].error_code == "missing_token");
  CHECK(by_id[3].error_code == "missing_token");
  CHECK(by_id[4].error_code == "missing_account_id");
  CHECK(by_id[5].error_code == "invalid_request");
}

TEST_CASE("meta planner reads assets of one token in one call",
          "[unit][meta][planner]") {
  auto ctx = context(2);
  std::vector rs{
      req(1, "c0", "get_pages"), req(2, "c0", "get_pixels"),
      req(3, "c0", "get_all_assets"),
      req(4, "c0", "get_instagram_accounts", obj(R"({"fields":"username"})")),
      req(5, "c1", "get_pages")};
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto ops = ops_of(p.calls[0]);
  REQUIRE(ops.size() == 2);
  CHECK(path_of(ops[0].relative_url) == "me");
  auto f = query_of(ops[0].relative_url)["fields"];
  CHECK(f.find("accounts.limit(500){") == 0);
  CHECK(f.find("instagram_business_account{") != std::string::npos);
  CHECK(f.find("adaccounts.limit(500){") != std::string::npos);
  CHECK(f.find("adspixels.limit(500){") != std::string::npos);
  CHECK(f.find("businesses.limit(500){") != std::string::npos);
  CHECK(p.calls[0].quota_units == 2);
}

TEST_CASE("meta planner reads a retried request alone",
          "[unit][meta][planner]") {
  auto ctx = context(1);
  std::vector rs{
      req(1, "c0", "get_account_details",
          obj(R"({"ad_account_id":")" + account(1) + R"("})"), 2),
      req(2, "c0", "get_account_details",
          obj(R"({"ad_account_id":")" + account(2) + R"("})")),
      req(3, "c0", "get_account_details",
          obj(R"({"ad_account_id":")" + account(3) + R"("})")),
      req(4, "c0", "get_campaigns",
          obj(R"({"ad_account_id":")" + account(1) + R"("})")),
  };
  auto p = make(rs, ctx);
  REQUIRE(p.calls.size() == 1);
  auto ops = ops_of(p.calls[0]);
  // act_1 details alone, act_2 + act_3 as ids=, act_1 campaigns.
  REQUIRE(ops.size() == 3);
  CHECK(path_of(ops[0].relative_url) == account(1));
  CHECK(query_of(ops[1].relative_url)["ids"] == account(2) + "," + account(3));
  CHECK(path_of(ops[2].relative_url) == account(1) + "/campaigns");
}

TEST_CASE("meta planner splits batches that would run out of time",
          "[unit][meta][planner]") {
  auto ctx = context(5);
  std::vector<queued_request> rs;
  // Each: daily ad-level insights of a connection's account, its own limit
  // (500 + i: all different variants) -> estimated 2 + limit/5 >= 102.
  for (int i = 0; i < 25; ++i)
    rs.push_back(req(i, "c" + std::to_string(i % 5), "get_insights",
                     obj(R"({"level":"ad","time_increment":1,"limit":)" +
                         std::to_string(500 + i) + "}")));
  auto p = make(rs, ctx);
  // 9 operations (918) plus a last one fit a budget of 1000.
  CHECK(p.calls.size() == 3);
  for (const auto& c : p.calls)
    CHECK(ops_of(c).size() <= 10);
  // Operations too heavy to be followed go alone.
  std::vector<queued_request> heavy;
  for (int i = 0; i < 3; ++i)
    heavy.push_back(req(i, "c" + std::to_string(i), "get_insights",
                        obj(R"({"level":"ad","time_increment":1,
                                "date_preset":"last_90d","limit":5000})")));
  auto ph = make(heavy, ctx);
  CHECK(ph.calls.size() == 3);
  for (const auto& c : ph.calls)
    CHECK_FALSE(is_batch(c));
}

TEST_CASE("meta lower bound of batch calls", "[unit][meta][minimum]") {
  using adbatch::platforms::meta::batch_calls_lower_bound;
  std::vector<std::int64_t> none;
  CHECK(batch_calls_lower_bound(none, 50, 1000) == 0);
  std::vector<std::int64_t> one{5000};
  CHECK(batch_calls_lower_bound(one, 50, 1000) == 1);
  std::vector<std::int64_t> small(120, 2);
  CHECK(batch_calls_lower_bound(small, 50, 1000) == 3);
  CHECK(batch_calls_lower_bound(small, 1, 1000) == 120);
  std::vector<std::int64_t> heavy{1002, 1002, 1002};
  CHECK(batch_calls_lower_bound(heavy, 50, 1000) == 3);
  std::vector<std::int64_t> mixed{1002, 600, 600, 300};
  CHECK(batch_calls_lower_bound(mixed, 50, 1000) == 2);
  CHECK(batch_calls_lower_bound(heavy, 50, 0) == 1);
}
