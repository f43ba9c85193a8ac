// X: the planner's cost equals the independent minimum function over many
// random request sets, and merged plans run against adbatch-sim's pure X
// platform give every request exactly its naive call's outcome, with the
// simulator charging exactly the plan's units.

#include "platforms/twitter/twitter_pack.hpp"
#include "tests/platforms/twitter/twitter_test_support.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <map>

using namespace x_test;

namespace {

std::string describe(const request_outcome& o) {
  return std::string(to_string(o.kind)) + " " + o.error_code + " " +
         o.error_message + " " + o.result_json.substr(0, 300);
}

} // namespace

TEST_CASE("x planner cost == minimum function over random request sets",
          "[unit][twitter][property]") {
  auto a = make_twitter_adapter();
  auto ctx = context(6);
  request_generator gen(11);
  int merged = 0;
  for (int round = 0; round < 300; ++round) {
    INFO("round " << round);
    auto n = round % 7 == 0 ? 120 : 1 + round % 40;
    // Buckets of more than 14 distinct requests (the 120-request rounds)
    // keep their keys within one call's cap: there the minimum function is
    // a bound (see twitter_minimum.cpp), reached when the keys fit.
    auto key_max = n > 40 ? 4 : round % 5 == 0 ? 60 : 30;
    auto rs = gen.set(n, round % 3 == 0 ? 1 : 6, round % 4 == 0, key_max);
    auto p = a->make_plan(rs, ctx);
    CHECK(cost_of(p) == twitter_minimum_cost(rs, ctx));
    // Every request served once, none over a limit.
    std::map<std::int64_t, int> served;
    for (const auto& c : p.calls) {
      for (auto id : c.serves)
        ++served[id];
      if (c.serves.size() > 1) ++merged;
      for (auto key : {"ids=", "usernames=", "entity_ids=", "line_item_ids="}) {
        auto pos = c.target.find(std::string("?") + key);
        if (pos == std::string::npos)
          pos = c.target.find(std::string("&") + key);
        if (pos == std::string::npos) continue;
        auto start = c.target.find('=', pos) + 1;
        auto end = c.target.find('&', start);
        auto v = c.target.substr(start,
                                 end == std::string::npos ? end : end - start);
        std::size_t count = 1;
        for (std::size_t i = 0; i + 2 < v.size(); ++i)
          if (v.compare(i, 3, "%2C") == 0) ++count;
        std::size_t cap = std::string(key) == "entity_ids="      ? 20
                          : std::string(key) == "line_item_ids=" ? 200
                                                                 : 100;
        CHECK(count <= cap);
      }
    }
    for (const auto& r : p.rejected)
      ++served[r.request_id];
    CHECK(served.size() == rs.size());
    for (const auto& [id, k] : served)
      CHECK(k == 1);
  }
  CHECK(merged > 300);
}

TEST_CASE("x id packing is exact on small sets (brute force)",
          "[unit][twitter][property]") {
  std::mt19937_64 g(5);
  for (int round = 0; round < 300; ++round) {
    auto n = std::uniform_int_distribution<int>(1, 9)(g);
    std::vector<std::vector<std::string>> sets;
    for (int i = 0; i < n; ++i) {
      std::set<std::string> s;
      auto k = std::uniform_int_distribution<int>(1, 5)(g);
      for (int j = 0; j < k; ++j)
        s.insert(std::to_string(std::uniform_int_distribution<int>(1, 14)(g)));
      sets.emplace_back(s.begin(), s.end());
    }
    std::size_t cap = 6;
    auto bins = twitter::pack_id_sets(sets, cap);
    // Brute force: every assignment of sets to bins (labels in order).
    std::size_t best = n;
    std::vector<int> label(n, 0);
    std::function<void(int, int)> go = [&](int i, int used) {
      if (static_cast<std::size_t>(used) >= best) return;
      if (i == n) {
        std::vector<std::set<std::string>> u(used);
        for (int j = 0; j < n; ++j)
          u[label[j]].insert(sets[j].begin(), sets[j].end());
        for (const auto& b : u)
          if (b.size() > cap) return;
        best = used;
        return;
      }
      for (int b = 0; b <= used; ++b) {
        label[i] = b;
        go(i + 1, std::max(used, b + 1));
      }
    };
    go(0, 0);
    CHECK(bins.size() == best);
    for (const auto& b : bins) {
      std::set<std::string> u;
      for (auto i : b)
        u.insert(sets[i].begin(), sets[i].end());
      CHECK(u.size() <= cap);
    }
  }
}

TEST_CASE(
    "x merged plans give every request its naive result on the pure simulator",
    "[unit][twitter][sim]") {
  auto a = make_twitter_adapter();
  auto ctx = context(6);
  request_generator gen(23);
  int compared = 0, completed = 0, merged_calls = 0, errors = 0;
  for (int round = 0; round < 60; ++round) {
    INFO("round " << round);
    auto rs = gen.set(round % 5 == 0 ? 80 : 25, 6, round % 3 == 0);
    auto p = a->make_plan(rs, ctx);
    auto merged_sim = fresh_sim();
    std::map<std::int64_t, request_outcome> merged;
    std::int64_t charged = 0, spent = 0;
    int tick = 0;
    for (const auto& c : p.calls) {
      auto r = run(*merged_sim, c, tick++);
      charged += r.charged;
      auto s = a->split(c, r.reply, ctx);
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
      if (!merged.count(r.id)) continue;
      auto c = a->naive_call(r, ctx);
      auto res = run(*naive_sim, c, tick++);
      auto s = a->split(c, res.reply, ctx);
      REQUIRE(s.outcomes.size() == 1);
      const auto& mine = merged.at(r.id);
      const auto& own = s.outcomes[0];
      INFO("request " << r.id << " " << r.request_type << " "
                      << json::serialize(r.params));
      INFO("naive target: " << c.target);
      INFO("merged: " << describe(mine));
      INFO("naive:  " << describe(own));
      CHECK(mine.kind == own.kind);
      CHECK(mine.error_code == own.error_code);
      CHECK(mine.result_json == own.result_json);
      ++compared;
      if (own.kind == outcome_kind::completed)
        ++completed;
      else
        ++errors;
    }
  }
  CHECK(compared > 1000);
  CHECK(completed > 900);
  CHECK(errors > 10);
  CHECK(merged_calls > 200);
  WARN("compared " << compared << ", completed " << completed << ", errors "
                   << errors << ", merged calls " << merged_calls);
}
