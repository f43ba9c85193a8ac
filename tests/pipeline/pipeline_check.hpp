#pragma once

// What every platform's pipeline test needs: an actor system, the
// simulators' pure model as the oracle, a JSON comparison, the end-to-end
// check of a workload (every request against the model, counted calls and
// units against the minimum function), and a fixture that drives one
// platform's pipeline flush by flush while the test sets simulator faults.
//
// Expected results come from the simulators' PURE model, not from the
// planner: each request's own naive call is answered by a fresh simulator
// instance and cut by the splitter; the merged plan must give every
// request exactly that.

#include "actors/pipeline_messages.hpp"
#include "persistence/pg_backend.hpp"
#include "platforms/common/pipeline.hpp"
#include "platforms/common/platform_table.hpp"
#include "sim/core/platform.hpp"
#include "sim/core/test_harness.hpp"
#include "tests/persistence/pg_test_db.hpp"
#include "tools/bench/pipeline_run.hpp"
#include "tools/bench/workload.hpp"

#include <boost/json/value.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace adbatch::test {

/// Google's developer token in these tests (the simulator accepts any).
inline constexpr const char* developer_token = "test-developer-token";

struct system_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  system_fixture();
};

/// Today as days since 1970-01-01: the Google simulator's "today" in these
/// tests, because batchers resolve presets like LAST_7_DAYS with the real
/// clock when they merge date ranges.
std::int64_t real_today();

/// The simulators' platform-specific options as these tests run them:
/// today is today and no per-customer QPS throttle on Google (respecting
/// budgets is the rate limiter's job, issue #10).
sim::specific_options sim_specific();

/// A fresh, pure simulator of platform p (seed 42, the tests' options).
std::unique_ptr<sim::platform> pure_sim(platforms::platform_id p,
                                        const std::string& base_url);

/// What a client calling the simulator with just this request would get,
/// cut by the splitter: the request's own result or error.
platforms::request_outcome
expected_outcome(const platforms::platform_adapter& adapter,
                 sim::platform& pure, const platforms::queued_request& q,
                 const platforms::plan_context& ctx);

/// Compares two JSON values; numbers by value (1e-9 relative: stored
/// results went through PostgreSQL's jsonb). "" or the first difference.
std::string json_diff(const boost::json::value& a, const boost::json::value& b,
                      const std::string& path = "$");

/// True when `got` is the same failure as the naive call's `want` (a merged
/// call may name the same permanent error differently; see the table).
bool same_error(platforms::platform_id p, const std::string& want,
                const std::string& got);

struct check_options {
  /// Also compare the simulators' counted calls and units with the minimum
  /// function, and require every catalog type to come up.
  bool exact_costs = true;
  /// Per platform: calls * fold must stay below the requests sent (far
  /// fewer calls than requests); 2 when absent.
  std::map<platforms::platform_id, int> fold;
  /// Requests each platform must serve at least.
  std::size_t min_rows = 100;
};

/// Runs `w` through the pipeline against in-process simulators and checks
/// every request against the simulators' pure model.
void run_and_check(const bench::workload& w, const check_options& opts = {});

/// One platform's pipeline over a fresh database and its simulator, driven
/// flush by flush while the test changes the simulator's faults.
struct fault_fixture {
  platforms::platform_id platform;
  persistence::test::test_db db;
  std::unique_ptr<sim::test_harness> sim;
  bench::workload w;
  bench::pipeline_result res;
  system_fixture f;
  std::unique_ptr<bench::pipeline_runner> runner;

  fault_fixture(platforms::platform_id p, bool writes,
                std::chrono::milliseconds call_timeout = std::chrono::seconds{
                    10});
  ~fault_fixture();

  void faults(const sim::fault_profile& fp);
  flush_summary flush();
  void drain();

  struct state {
    std::string status;
    std::int64_t attempts = 0;
    std::string completed_at;
    std::string type;
  };
  /// Every row of the queue by id.
  std::map<std::int64_t, state> rows();
  /// Makes every deferred row due now (a throttle's "come back later").
  void make_due();
};

/// The shared fault checks, on a fault_fixture of platform p (with writes
/// in its workload or not):
/// - every call answers 5xx: every request retries (one attempt spent), then
///   completes on its second attempt once the platform is back;
void check_transient_retries_then_completes(platforms::platform_id p,
                                            bool writes);
/// - every call is throttled: every request comes back without spending an
///   attempt, then completes on its first.
void check_throttles_spend_no_attempt(platforms::platform_id p, bool writes);

} // namespace adbatch::test
