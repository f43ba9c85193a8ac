// Properties of the Google planner over random request sets (seeded):
// every request served exactly once, no call mixing credentials or
// customers, at most 10,000 operations per call, and the plan's cost equal
// to the independent minimum function.

#include "tests/platforms/google/google_random_requests.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace google_test;

namespace {

/// (token, login-customer-id, customer) a request goes out with.
std::string account_of(const queued_request& r, const plan_context& ctx) {
  const auto& c = ctx.credentials.at(r.connection_id);
  std::string customer(c.account_ids.at("customer_id").as_string());
  if (auto v = r.params.if_contains("customer_id")) {
    customer.clear();
    for (char ch : v->as_string())
      if (ch != '-') customer += ch;
  }
  std::string login;
  if (auto v = c.account_ids.if_contains("login_customer_id"))
    login = std::string(v->as_string());
  return c.token + "|" + login + "|" + customer;
}

} // namespace

TEST_CASE("google plans serve every request once, never mixing accounts, "
          "at the minimum cost",
          "[unit][google][property]") {
  auto adapter = make_google_adapter();
  auto ctx = context();
  request_generator gen(20260115);
  int merged_sets = 0;
  for (int round = 0; round < 400; ++round) {
    auto rs = gen.set(round % 4 == 0 ? 60 : 20, true);
    INFO("round " << round);
    auto p = adapter->make_plan(rs, ctx);
    std::map<std::int64_t, int> served;
    std::map<std::int64_t, const queued_request*> by_id;
    for (const auto& r : rs)
      by_id[r.id] = &r;
    for (const auto& rej : p.rejected)
      ++served[rej.request_id];
    for (const auto& c : p.calls) {
      std::set<std::string> accounts;
      for (auto id : c.serves) {
        ++served[id];
        accounts.insert(account_of(*by_id.at(id), ctx));
      }
      CHECK(accounts.size() == 1);
      CHECK(c.quota_units >= 1);
      if (c.is_write)
        CHECK(json::parse(c.body).at("operations").as_array().size() <= 10000);
      if (c.serves.size() > 1) ++merged_sets;
      CHECK(c.label.find("org-") == std::string::npos);
    }
    REQUIRE(served.size() == rs.size());
    for (const auto& [id, n] : served)
      CHECK(n == 1);
    // The generator only makes valid requests.
    for (const auto& rej : p.rejected) {
      INFO(rej.error_message);
      CHECK(rej.error_code == "invalid_params");
      CHECK(by_id.at(rej.request_id)->params.contains("aggregate"));
    }
    CHECK(cost_of(p) == google_minimum_cost(rs, ctx));
    // Never worse than one call per request (the naive client).
    CHECK(cost_of(p).quota_units <= [&] {
      std::int64_t n = 0;
      for (const auto& r : rs)
        n += adapter->naive_call(r, ctx).quota_units;
      return n;
    }());
  }
  CHECK(merged_sets > 100);
}
