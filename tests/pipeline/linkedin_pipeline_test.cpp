// The flush pipeline end to end for LinkedIn: storage on a real
// PostgreSQL, the batcher, the upstream client over loopback HTTP and
// adbatch-sim's LinkedIn simulator (checks in pipeline_check).

#include "platforms/registry.hpp"
#include "tests/pipeline/pipeline_check.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace adbatch;
using namespace std::chrono_literals;
namespace pl = adbatch::platforms;
using namespace adbatch::test;

TEST_CASE("pipeline: every LinkedIn catalog type from 24 orgs gets its own "
          "result, in the minimum calls and units",
          "[pipeline][pg][linkedin]") {
  bench::workload_options wo;
  wo.seed = 7;
  wo.orgs = 24;
  wo.requests_per_org = 30;
  wo.duplicate_share = 0.25;
  wo.platforms = {pl::platform_id::linkedin};
  wo.google_today = real_today();
  run_and_check(bench::make_workload(wo));
}

TEST_CASE("pipeline: LinkedIn requests for accounts the org's token may not "
          "access fail alone with LinkedIn's error; the others complete",
          "[pipeline][pg][linkedin]") {
  bench::workload_options wo;
  wo.seed = 8;
  wo.orgs = 20;
  wo.requests_per_org = 15;
  wo.foreign_share = 0.15;
  wo.platforms = {pl::platform_id::linkedin};
  wo.google_today = real_today();
  check_options co;
  co.exact_costs = false;
  co.fold[pl::platform_id::linkedin] = 1;
  run_and_check(bench::make_workload(wo), co);
}

// -- faults ------------------------------------------------------------------

TEST_CASE("pipeline faults: a partial LinkedIn BATCH_GET retries only the "
          "failed keys' requests",
          "[pipeline][pg][faults][linkedin]") {
  fault_fixture fx{pl::platform_id::linkedin, false};
  sim::fault_profile partial;
  partial.partial_batch_rate = 0.5;
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

TEST_CASE("pipeline faults: LinkedIn 5xx retries with backoff and then "
          "completes",
          "[pipeline][pg][faults][linkedin]") {
  check_transient_retries_then_completes(pl::platform_id::linkedin, false);
}

TEST_CASE("pipeline faults: LinkedIn 429s come back without spending an "
          "attempt",
          "[pipeline][pg][faults][linkedin]") {
  check_throttles_spend_no_attempt(pl::platform_id::linkedin, false);
}

TEST_CASE("pipeline faults: a LinkedIn permanent error fails at once",
          "[pipeline][pg][faults][linkedin]") {
  // One more request naming an ad account org 0's token may not access
  // (index 1: org 1's): 403 ACCESS_DENIED at the first attempt, no retry;
  // the rest of the flush completes.
  fault_fixture fx{pl::platform_id::linkedin, false};
  bench::workload extra;
  extra.connections = fx.w.connections;
  const auto& c0 = fx.w.connections.front();
  extra.requests.push_back(persistence::enqueue_request{
      c0.org_id, "linkedin", c0.connection_id, "get_campaigns",
      R"({"account_id": "508000001"})", 5, 3});
  extra.duplicate.push_back(false);
  bench::pipeline_result more;
  fx.runner->enqueue(extra, more);
  REQUIRE(more.enqueue_errors.size() == 1);
  REQUIRE(more.enqueue_errors[0].empty());
  fx.flush();
  fx.drain();
  int failed = 0;
  for (auto& [id, st] : fx.rows()) {
    INFO("request " << id << " " << st.type << " " << st.status);
    if (st.status == "failed") {
      ++failed;
      CHECK(st.type == "get_campaigns");
      CHECK(st.attempts == 1);
    } else {
      CHECK(st.status == "completed");
    }
  }
  CHECK(failed == 1);
}
