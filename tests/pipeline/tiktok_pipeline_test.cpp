// The flush pipeline end to end for TikTok: the storage actor on a real
// PostgreSQL, the TikTok batcher, the upstream client over loopback HTTP
// and adbatch-sim's TikTok simulator. The checks are pipeline_check's.

#include "tests/pipeline/pipeline_check.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace adbatch;
using namespace std::chrono_literals;
namespace pl = adbatch::platforms;
using namespace adbatch::test;

namespace {

bench::workload_options tiktok_only(std::uint64_t seed, int orgs, int per_org) {
  bench::workload_options wo;
  wo.seed = seed;
  wo.orgs = orgs;
  wo.requests_per_org = per_org;
  wo.platforms = {pl::platform_id::tiktok};
  wo.google_today = real_today();
  return wo;
}

} // namespace

TEST_CASE("pipeline: every TikTok catalog type from 24 orgs gets its own "
          "result, in the minimum calls and units",
          "[pipeline][pg][tiktok]") {
  auto wo = tiktok_only(7, 24, 30);
  wo.duplicate_share = 0.25;
  check_options co;
  // Every org has its own token (nothing merges across orgs): about one
  // call per two requests at 30 requests per org (adbatch-bench reduce).
  co.fold[pl::platform_id::tiktok] = 2;
  run_and_check(bench::make_workload(wo), co);
}

TEST_CASE("pipeline: TikTok requests for advertisers or pixels the org's "
          "token does not own fail alone with TikTok's error; the others "
          "complete",
          "[pipeline][pg][tiktok]") {
  auto wo = tiktok_only(8, 20, 12);
  wo.foreign_share = 0.15;
  check_options co;
  co.exact_costs = false;
  run_and_check(bench::make_workload(wo), co);
}

// -- faults ------------------------------------------------------------------

TEST_CASE("pipeline faults: a partial TikTok event upload retries only the "
          "requests whose events failed",
          "[pipeline][pg][faults][tiktok]") {
  fault_fixture fx{pl::platform_id::tiktok, true};
  sim::fault_profile partial;
  partial.partial_batch_rate = 0.5;
  fx.faults(partial);
  auto first = fx.flush();
  CHECK(first.success > 0);
  CHECK(first.retrying > 0);
  auto after_first = fx.rows();
  fx.faults({});
  fx.drain();
  auto end = fx.rows();
  std::size_t retried = 0;
  for (auto& [id, st] : end) {
    INFO("request " << id << " " << st.type);
    CHECK(st.status == "completed");
    const auto& before = after_first.at(id);
    if (before.status == "completed") {
      // Done in the first flush: not executed again.
      CHECK(st.attempts == 1);
      CHECK(st.completed_at == before.completed_at);
    } else {
      CHECK(st.type == "upload_conversions");
      CHECK(st.attempts == 2);
      ++retried;
    }
  }
  CHECK(retried > 0);
}

TEST_CASE("pipeline faults: a TikTok server error (code 50000) retries with "
          "backoff and then completes",
          "[pipeline][pg][faults][tiktok]") {
  check_transient_retries_then_completes(pl::platform_id::tiktok, true);
}

TEST_CASE("pipeline faults: TikTok throttles (code 40100) come back without "
          "spending an attempt",
          "[pipeline][pg][faults][tiktok]") {
  check_throttles_spend_no_attempt(pl::platform_id::tiktok, true);
}

TEST_CASE("pipeline faults: a TikTok permanent error (code 40001) fails at "
          "once, without a retry",
          "[pipeline][pg][faults][tiktok]") {
  fault_fixture fx{pl::platform_id::tiktok, false};
  // The same 8 orgs and connections, every request naming another org's
  // advertiser or pixel.
  auto wo = tiktok_only(22, 8, 5);
  wo.foreign_share = 1.0;
  wo.duplicate_share = 0;
  wo.writes = true;
  auto foreign = bench::make_workload(wo);
  bench::pipeline_result res;
  fx.runner->enqueue(foreign, res);
  fx.drain();
  auto rows = fx.rows();
  std::size_t failed = 0;
  for (auto id : res.ids) {
    if (id == 0) continue;
    INFO("request " << id << " " << rows.at(id).type);
    CHECK(rows.at(id).status == "failed");
    CHECK(rows.at(id).attempts == 1);
    ++failed;
  }
  CHECK(failed >= 30);
  for (auto& [id, st] : rows)
    if (std::find(res.ids.begin(), res.ids.end(), id) == res.ids.end())
      CHECK(st.status == "completed");
}

TEST_CASE("pipeline faults: a TikTok event upload that timed out ends "
          "ambiguous and is never retried; reads retry",
          "[pipeline][pg][faults][tiktok]") {
  fault_fixture fx{pl::platform_id::tiktok, true, 500ms};
  sim::fault_profile hang;
  hang.timeout_rate = 1.0;
  fx.faults(hang);
  auto first = fx.flush();
  CHECK(first.ambiguous > 0);
  CHECK(first.retrying > 0);
  fx.faults({});
  fx.drain();
  std::size_t writes = 0;
  for (auto& [id, st] : fx.rows()) {
    INFO("request " << id << " " << st.type);
    if (st.type == "upload_conversions") {
      ++writes;
      CHECK(st.status == "ambiguous");
      CHECK(st.attempts == 1);
    } else {
      CHECK(st.status == "completed");
    }
  }
  CHECK(writes > 0);
}
