// Properties of the TikTok planner over random request sets (seeded): every
// request served exactly once, no call mixing tokens or advertisers, no
// call over a platform limit, the plan's cost equal to the independent
// minimum function; and against adbatch-sim's pure platform, every
// request's outcome from the merged plan equals its naive call's, with the
// simulator charging exactly the plan's units.

#include "tests/platforms/tiktok/tiktok_test_support.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace tiktok_test;

namespace {

std::string query_param(const std::string& target, const std::string& key) {
  auto q = target.find('?');
  if (q == std::string::npos) return {};
  auto s = target.substr(q + 1);
  std::size_t at = 0;
  while (at < s.size()) {
    auto amp = s.find('&', at);
    auto kv =
        s.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    if (kv.rfind(key + "=", 0) == 0) return kv.substr(key.size() + 1);
    if (amp == std::string::npos) break;
    at = amp + 1;
  }
  return {};
}

std::string describe(const request_outcome& o) {
  return std::string(to_string(o.kind)) + " " + o.error_code + " " +
         o.error_message + " " + o.result_json.substr(0, 300);
}

} // namespace

TEST_CASE("tiktok plans serve every request once, one token and advertiser "
          "per call, within limits, at the minimum cost",
          "[unit][tiktok][property]") {
  auto adapter = make_tiktok_adapter();
  auto ctx = context();
  request_generator gen(20260115);
  int merged_calls = 0;
  for (int round = 0; round < 400; ++round) {
    INFO("round " << round);
    auto rs = gen.set(round % 4 == 0 ? 120 : 25, true);
    auto p = adapter->make_plan(rs, ctx);
    std::map<std::int64_t, int> served;
    std::map<std::int64_t, const queued_request*> by_id;
    for (const auto& r : rs)
      by_id[r.id] = &r;
    CHECK(p.rejected.empty());
    for (const auto& c : p.calls) {
      std::set<std::string> tokens;
      for (auto id : c.serves) {
        ++served[id];
        tokens.insert(ctx.credentials.at(by_id.at(id)->connection_id).token);
      }
      CHECK(tokens.size() == 1);
      CHECK(header(c, "Access-Token") == *tokens.begin());
      CHECK(c.quota_units == 1);
      CHECK(c.label.find("org-") == std::string::npos);
      if (c.is_write) {
        auto body = json::parse(c.body);
        CHECK(body.at("data").as_array().size() <= 1000);
      } else if (c.target.find("advertiser/info/") != std::string::npos) {
        auto ids = json::parse([&] {
          std::string s = query_param(c.target, "advertiser_ids"), out;
          for (std::size_t i = 0; i < s.size(); ++i)
            if (s[i] == '%') {
              out +=
                  static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
              i += 2;
            } else
              out += s[i];
          return out;
        }());
        CHECK(ids.as_array().size() <= 100);
      }
      if (c.serves.size() > 1) ++merged_calls;
    }
    REQUIRE(served.size() == rs.size());
    for (const auto& [id, n] : served)
      CHECK(n == 1);
    CHECK(cost_of(p) == tiktok_minimum_cost(rs, ctx));
    std::int64_t naive = 0;
    for (const auto& r : rs)
      naive += adapter->naive_call(r, ctx).quota_units;
    CHECK(cost_of(p).quota_units <= naive);
  }
  CHECK(merged_calls > 1000);
}

TEST_CASE("tiktok merged plans give every request its naive result, and the "
          "simulator charges the plan's units",
          "[unit][tiktok][sim]") {
  auto adapter = make_tiktok_adapter();
  auto ctx = context();
  request_generator gen(7);
  int compared = 0, merged_calls = 0, items = 0;
  std::set<std::string> types;
  for (int round = 0; round < 120; ++round) {
    INFO("round " << round);
    auto rs = gen.set(round % 5 == 0 ? 60 : 20);
    auto p = adapter->make_plan(rs, ctx);
    auto merged_sim = fresh_sim();
    std::map<std::int64_t, request_outcome> merged;
    std::int64_t charged = 0, spent = 0;
    int tick = 0;
    for (const auto& c : p.calls) {
      auto r = run(*merged_sim, c, tick++);
      charged += r.charged;
      auto s = adapter->split(c, r.reply, ctx);
      spent += s.units_spent;
      REQUIRE(s.outcomes.size() == c.serves.size());
      for (auto& o : s.outcomes)
        merged[o.request_id] = o;
      if (c.serves.size() > 1) ++merged_calls;
    }
    CHECK(charged == cost_of(p).quota_units);
    CHECK(spent == charged);
    auto naive_sim = fresh_sim();
    for (const auto& r : rs) {
      auto c = adapter->naive_call(r, ctx);
      auto res = run(*naive_sim, c, tick++);
      auto s = adapter->split(c, res.reply, ctx);
      REQUIRE(s.outcomes.size() == 1);
      const auto& mine = merged.at(r.id);
      const auto& own = s.outcomes[0];
      INFO("request " << r.id << " " << r.request_type << " "
                      << json::serialize(r.params));
      INFO("naive call: " << c.target << " " << c.body.substr(0, 200));
      INFO("merged: " << describe(mine));
      INFO("naive:  " << describe(own));
      CHECK(mine.kind == own.kind);
      CHECK(mine.error_code == own.error_code);
      CHECK(mine.result_json == own.result_json);
      CHECK(own.kind == outcome_kind::completed);
      if (own.kind == outcome_kind::completed) {
        types.insert(r.request_type);
        auto v = json::parse(own.result_json);
        if (auto* l = v.as_object().if_contains("list"))
          items += static_cast<int>(l->as_array().size());
      }
      ++compared;
    }
  }
  CHECK(compared > 2000);
  CHECK(merged_calls > 300);
  CHECK(items > 20000);
  CHECK(types.size() == 14);
  WARN("compared " << compared << " requests, " << items << " items, "
                   << merged_calls << " merged calls");
}
