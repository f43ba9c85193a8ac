// get_async_stats across flushes on adbatch-sim's pure X platform: jobs
// created (merged over ids and 90-day windows), polled (merged per token
// and account), their files fetched; every request ends with its naive
// chain's result, in the minimum function's calls.

#include "tests/platforms/twitter/twitter_test_support.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace x_test;

namespace {

struct chain_result {
  std::map<std::int64_t, request_outcome> final;
  std::int64_t calls = 0, charged = 0;
  int steps = 0;
};

/// Runs plans flush after flush, feeding waiting requests back with their
/// progress (10 simulated seconds apart) until none waits.
chain_result run_chain(platform_adapter& a, std::vector<queued_request> rs,
                       const plan_context& ctx, bool naive) {
  chain_result out;
  auto sim = fresh_sim();
  int tick = 0;
  while (!rs.empty() && out.steps < 10) {
    ++out.steps;
    std::vector<upstream_call> calls;
    if (naive) {
      for (const auto& r : rs)
        calls.push_back(a.naive_call(r, ctx));
    } else {
      auto p = a.make_plan(rs, ctx);
      for (auto& r : p.rejected)
        out.final[r.request_id] = r;
      calls = std::move(p.calls);
    }
    std::map<std::int64_t, queued_request> by_id;
    for (auto& r : rs)
      by_id[r.id] = r;
    std::vector<queued_request> next;
    for (const auto& c : calls) {
      auto res = run(*sim, c, tick);
      ++out.calls;
      out.charged += res.charged;
      auto s = a.split(c, res.reply, ctx);
      REQUIRE(s.outcomes.size() == c.serves.size());
      for (auto& o : s.outcomes) {
        if (o.kind == outcome_kind::waiting) {
          auto q = by_id.at(o.request_id);
          q.progress = json::parse(o.result_json).as_object();
          next.push_back(std::move(q));
        } else {
          out.final[o.request_id] = o;
        }
      }
    }
    rs = std::move(next);
    tick += 10;
  }
  return out;
}

} // namespace

TEST_CASE(
    "x async stats: jobs merged, polled and fetched across flushes give every "
    "request its naive result in the minimum calls",
    "[unit][twitter][async]") {
  auto a = make_twitter_adapter();
  auto ctx = context(4);
  std::mt19937_64 g(3);
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(g);
  };
  int completed = 0;
  for (int round = 0; round < 20; ++round) {
    std::vector<queued_request> rs;
    for (int i = 0; i < 2 + round % 9; ++i) {
      int k = pick(0, 3);
      auto acc = primary_account(k);
      auto kind = pick(0, 1) ? ads::kind::campaign : ads::kind::line_item;
      auto all = ads::list(42, kind, acc);
      std::vector<std::string> ids;
      std::set<std::string> seen;
      for (int j = pick(1, 6); j > 0; --j) {
        auto id = ads::id_of(all[static_cast<std::size_t>(
            pick(0, static_cast<int>(all.size()) - 1))]);
        if (seen.insert(id).second) ids.push_back(id);
      }
      json::object p{{"entity_ids", strings(ids)}};
      if (kind == ads::kind::line_item) p["entity_type"] = "LINE_ITEM";
      auto end = test_today() - pick(0, 40);
      p["start_time"] = twitter::iso_midnight(end - pick(1, 60)).substr(0, 10);
      p["end_time"] = twitter::iso_midnight(end).substr(0, 10);
      if (pick(0, 2) == 0) p["granularity"] = "TOTAL";
      if (pick(0, 2) == 0) p["metric_groups"] = json::array{"VIDEO"};
      rs.push_back(request(static_cast<std::int64_t>(rs.size()) + 1,
                           "c" + std::to_string(k), "get_async_stats",
                           std::move(p)));
      if (pick(0, 4) == 0) {
        auto copy = rs.back();
        copy.id = static_cast<std::int64_t>(rs.size()) + 1;
        rs.push_back(std::move(copy));
      }
    }
    auto min = twitter_minimum_cost(rs, ctx);
    auto merged = run_chain(*a, rs, ctx, false);
    auto naive = run_chain(*a, rs, ctx, true);
    INFO("round " << round);
    CHECK(merged.steps == 3);
    CHECK(merged.calls == min.calls);
    CHECK(merged.charged == min.quota_units);
    REQUIRE(merged.final.size() == rs.size());
    for (const auto& r : rs) {
      INFO("request " << r.id << " " << json::serialize(r.params));
      const auto& m = merged.final.at(r.id);
      const auto& n = naive.final.at(r.id);
      INFO(m.error_code << " " << m.error_message);
      CHECK(m.kind == outcome_kind::completed);
      CHECK(m.kind == n.kind);
      CHECK(m.result_json == n.result_json);
      completed += m.kind == outcome_kind::completed;
    }
  }
  CHECK(completed > 50);
}
