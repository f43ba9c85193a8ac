// The flush pipeline end to end for X: storage on a real PostgreSQL, the
// batcher, the upstream client over loopback HTTP and adbatch-sim's X
// simulator (v2 lookups and the X Ads API). Checks in pipeline_check.

#include "platforms/registry.hpp"
#include "tests/pipeline/pipeline_check.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace adbatch;
using namespace std::chrono_literals;
namespace pl = adbatch::platforms;
using namespace adbatch::test;

namespace {

bench::workload_options x_workload(std::uint64_t seed, int orgs, int per_org) {
  bench::workload_options wo;
  wo.seed = seed;
  wo.orgs = orgs;
  wo.requests_per_org = per_org;
  wo.duplicate_share = 0.25;
  wo.platforms = {pl::platform_id::twitter};
  return wo;
}

} // namespace

TEST_CASE(
    "pipeline x: every catalog type from 24 orgs gets its own result, in the "
    "minimum calls and units",
    "[pipeline][pg][twitter]") {
  auto w = bench::make_workload(x_workload(7, 24, 30));
  std::set<std::string> types;
  for (const auto& r : w.requests)
    types.insert(r.request_type);
  // Every type the simulator serves (get_async_stats needs the waiting
  // outcome; get_reach_frequency is rejected at enqueue).
  CHECK(types.size() == 13);
  check_options co;
  co.fold[pl::platform_id::twitter] = 2;
  run_and_check(w, co);
}

TEST_CASE("pipeline x: requests for accounts the org's token does not reach "
          "fail alone "
          "with X's error; the others complete",
          "[pipeline][pg][twitter]") {
  auto wo = x_workload(8, 20, 12);
  wo.foreign_share = 0.15;
  check_options co;
  co.exact_costs = false;
  run_and_check(bench::make_workload(wo), co);
}

TEST_CASE(
    "pipeline x faults: per-id authorization problems retry only the requests "
    "naming them",
    "[pipeline][pg][faults][twitter]") {
  fault_fixture fx{pl::platform_id::twitter, false};
  sim::fault_profile partial;
  partial.partial_batch_rate = 0.2;
  fx.faults(partial);
  auto first = fx.flush();
  CHECK(first.success > 0);
  CHECK(first.retrying > 0);
  auto after_first = fx.rows();
  fx.faults({});
  fx.drain();
  for (auto& [id, st] : fx.rows()) {
    INFO("request " << id << " " << st.type);
    CHECK(st.status == "completed");
    const auto& before = after_first.at(id);
    if (before.status == "completed") {
      CHECK(st.attempts == 1);
      CHECK(st.completed_at == before.completed_at);
    }
  }
}

TEST_CASE("pipeline x faults: a 5xx retries with backoff and then completes",
          "[pipeline][pg][faults][twitter]") {
  fault_fixture fx{pl::platform_id::twitter, false};
  sim::fault_profile down;
  down.error_rate = 1.0;
  fx.faults(down);
  auto first = fx.flush();
  CHECK(first.success == 0);
  CHECK(first.retrying == first.processed);
  for (auto& [id, st] : fx.rows()) {
    CHECK(st.status == "pending");
    CHECK(st.attempts == 1);
  }
  fx.faults({});
  fx.drain();
  for (auto& [id, st] : fx.rows()) {
    INFO("request " << id << " " << st.type);
    CHECK(st.status == "completed");
    CHECK(st.attempts == 2);
  }
}

TEST_CASE("pipeline x faults: throttled requests come back without spending an "
          "attempt",
          "[pipeline][pg][faults][twitter]") {
  fault_fixture fx{pl::platform_id::twitter, false};
  sim::fault_profile storm;
  storm.throttle_storm = true;
  fx.faults(storm);
  auto first = fx.flush();
  CHECK(first.success == 0);
  CHECK(first.deferred == first.processed);
  for (auto& [id, st] : fx.rows()) {
    CHECK(st.status == "pending");
    CHECK(st.attempts == 0);
  }
  fx.make_due();
  fx.faults({});
  fx.drain();
  for (auto& [id, st] : fx.rows()) {
    CHECK(st.status == "completed");
    CHECK(st.attempts == 1);
  }
}
