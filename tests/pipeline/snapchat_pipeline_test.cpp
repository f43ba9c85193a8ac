// The flush pipeline end to end for Snapchat: storage on a real
// PostgreSQL, the Snapchat batcher, the upstream client over loopback HTTP
// and adbatch-sim's Snapchat simulator. The checks are pipeline_check's.

#include "platforms/registry.hpp"
#include "tests/pipeline/pipeline_check.hpp"
#include "tools/bench/workload_gen.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>

using namespace adbatch;
using namespace std::chrono_literals;
namespace pl = adbatch::platforms;
using namespace adbatch::test;

namespace {

bench::workload_options snapchat_workload(std::uint64_t seed, int orgs,
                                          int per_org) {
  bench::workload_options wo;
  wo.seed = seed;
  wo.orgs = orgs;
  wo.requests_per_org = per_org;
  wo.platforms = {pl::platform_id::snapchat};
  return wo;
}

} // namespace

TEST_CASE("pipeline snapchat: every catalog type from 24 orgs gets its own "
          "result, in the minimum calls and units",
          "[pipeline][pg][snapchat]") {
  auto wo = snapchat_workload(7, 24, 30);
  wo.duplicate_share = 0.25;
  check_options co;
  co.fold[pl::platform_id::snapchat] = 2;
  run_and_check(bench::make_workload(wo), co);
}

TEST_CASE("pipeline snapchat: requests for objects the org's token does not "
          "own fail alone with Snapchat's error; the others complete",
          "[pipeline][pg][snapchat]") {
  auto wo = snapchat_workload(8, 20, 12);
  wo.foreign_share = 0.15;
  check_options co;
  co.exact_costs = false;
  run_and_check(bench::make_workload(wo), co);
}

// -- faults ------------------------------------------------------------------

TEST_CASE("pipeline snapchat faults: failed list items retry only the "
          "requests that needed them",
          "[pipeline][pg][snapchat][faults]") {
  fault_fixture fx{pl::platform_id::snapchat, false};
  sim::fault_profile partial;
  partial.partial_batch_rate = 0.02;
  fx.faults(partial);
  auto first = fx.flush();
  CHECK(first.success > 0);
  CHECK(first.retrying + first.deferred > 0);
  auto after_first = fx.rows();
  fx.faults({});
  fx.drain();
  for (auto& [id, st] : fx.rows()) {
    INFO("request " << id << " " << st.type);
    CHECK(st.status == "completed");
    const auto& before = after_first.at(id);
    if (before.status == "completed") {
      // Done in the first flush: not executed again.
      CHECK(st.attempts == 1);
      CHECK(st.completed_at == before.completed_at);
    } else {
      CHECK(st.attempts == 2);
    }
  }
}

TEST_CASE("pipeline snapchat faults: a 5xx retries with backoff and then "
          "completes",
          "[pipeline][pg][snapchat][faults]") {
  check_transient_retries_then_completes(pl::platform_id::snapchat, false);
}

TEST_CASE("pipeline snapchat faults: HTTP 429 sends requests back without "
          "spending an attempt",
          "[pipeline][pg][snapchat][faults]") {
  check_throttles_spend_no_attempt(pl::platform_id::snapchat, false);
}

TEST_CASE("pipeline snapchat faults: permanent errors fail at once",
          "[pipeline][pg][snapchat][faults]") {
  // The fixture's workload plus, on three connections, requests naming an
  // ad account that does not exist (Snapchat's 404 E3003) and a campaign
  // missing from the connection's own ad account: those fail in the first
  // flush with one attempt spent; the others complete.
  fault_fixture fx{pl::platform_id::snapchat, false};
  auto bad = fx.w;
  bad.requests.clear();
  bad.duplicate.clear();
  for (std::size_t i = 0; i < 3 && i < fx.w.connections.size(); ++i) {
    const auto& c = fx.w.connections[i];
    bad.requests.push_back(persistence::enqueue_request{
        c.org_id, "snapchat", c.connection_id, "get_campaigns",
        R"({"ad_account_id": "00000000-0000-4000-8000-00000000000)" +
            std::to_string(i + 1) + R"("})",
        5, 3});
    bad.duplicate.push_back(false);
    bad.requests.push_back(persistence::enqueue_request{
        c.org_id, "snapchat", c.connection_id, "get_campaign_stats",
        R"({"entity_ids": ["00000000-0000-4000-8000-00000000000)" +
            std::to_string(i + 1) + R"("], "start_time": ")" +
            bench::gen::date_of(real_today() - 9) + R"(", "end_time": ")" +
            bench::gen::date_of(real_today() - 2) + R"("})",
        5, 3});
    bad.duplicate.push_back(false);
  }
  bench::pipeline_result bad_res;
  fx.runner->enqueue(bad, bad_res);
  std::set<std::int64_t> bad_ids;
  for (std::size_t i = 0; i < bad_res.ids.size(); ++i) {
    INFO(bad_res.enqueue_errors[i]);
    REQUIRE(bad_res.ids[i] != 0);
    bad_ids.insert(bad_res.ids[i]);
  }
  auto first = fx.flush();
  CHECK(first.failed == static_cast<std::int64_t>(bad_ids.size()));
  CHECK(first.retrying == 0);
  fx.drain();
  for (auto& [id, st] : fx.rows()) {
    INFO("request " << id << " " << st.type);
    CHECK(st.status == (bad_ids.count(id) ? "failed" : "completed"));
    CHECK(st.attempts == 1);
  }
}
