// The supervisor's restart rules, driven with explicit time points.

#include <catch2/catch.hpp>

#include "actors/restart_policy.hpp"

using namespace std::chrono_literals;
using adbatch::restart_decision;
using adbatch::restart_policy_config;
using adbatch::restart_tracker;

namespace {

const restart_tracker::time_point t0{};

} // namespace

TEST_CASE("backoff doubles from the initial delay up to the cap",
          "[restart_policy]") {
  restart_policy_config cfg;
  cfg.initial_backoff = 100ms;
  cfg.max_backoff = 1000ms;
  CHECK(adbatch::backoff_for(cfg, 1) == 100ms);
  CHECK(adbatch::backoff_for(cfg, 2) == 200ms);
  CHECK(adbatch::backoff_for(cfg, 3) == 400ms);
  CHECK(adbatch::backoff_for(cfg, 4) == 800ms);
  CHECK(adbatch::backoff_for(cfg, 5) == 1000ms);
  CHECK(adbatch::backoff_for(cfg, 500) == 1000ms);
}

TEST_CASE("the default policy allows 3 restarts in 10 s, the 4th escalates",
          "[restart_policy]") {
  restart_tracker tracker;
  auto d1 = tracker.on_crash(t0);
  CHECK(d1.what == restart_decision::action::restart);
  CHECK(d1.delay == 100ms);
  auto d2 = tracker.on_crash(t0 + 1s);
  CHECK(d2.what == restart_decision::action::restart);
  CHECK(d2.delay == 200ms);
  auto d3 = tracker.on_crash(t0 + 2s);
  CHECK(d3.what == restart_decision::action::restart);
  CHECK(d3.delay == 400ms);
  CHECK(tracker.total_restarts() == 3);
  auto d4 = tracker.on_crash(t0 + 9s);
  CHECK(d4.what == restart_decision::action::escalate);
  CHECK(d4.crashes_in_window == 4);
  CHECK(tracker.total_restarts() == 3);
}

TEST_CASE("crashes older than the window are forgotten", "[restart_policy]") {
  restart_tracker tracker;
  tracker.on_crash(t0);
  tracker.on_crash(t0 + 1s);
  tracker.on_crash(t0 + 2s);
  // The first crash left the window (10 s) exactly at t0 + 10 s.
  auto d = tracker.on_crash(t0 + 10s);
  CHECK(d.what == restart_decision::action::restart);
  CHECK(d.crashes_in_window == 3);
  CHECK(d.delay == 400ms);
  // A long quiet period resets the backoff to the initial delay.
  auto quiet = tracker.on_crash(t0 + 60s);
  CHECK(quiet.what == restart_decision::action::restart);
  CHECK(quiet.crashes_in_window == 1);
  CHECK(quiet.delay == 100ms);
}

TEST_CASE("the limit and window are configurable", "[restart_policy]") {
  restart_policy_config cfg;
  cfg.max_restarts = 1;
  cfg.window = 500ms;
  cfg.initial_backoff = 10ms;
  cfg.max_backoff = 10ms;
  restart_tracker tracker{cfg};
  CHECK(tracker.on_crash(t0).what == restart_decision::action::restart);
  CHECK(tracker.on_crash(t0 + 499ms).what
        == restart_decision::action::escalate);
  restart_tracker later{cfg};
  later.on_crash(t0);
  auto d = later.on_crash(t0 + 500ms);
  CHECK(d.what == restart_decision::action::restart);
  CHECK(d.delay == 10ms);
  cfg.max_restarts = 0;
  restart_tracker never{cfg};
  CHECK(never.on_crash(t0).what == restart_decision::action::escalate);
}

TEST_CASE("validate rejects unusable policies", "[restart_policy]") {
  restart_policy_config cfg;
  CHECK_FALSE(adbatch::validate(cfg).has_value());
  cfg.initial_backoff = 0ms;
  CHECK(adbatch::validate(cfg).has_value());
  cfg.initial_backoff = 100ms;
  cfg.max_backoff = 50ms;
  REQUIRE(adbatch::validate(cfg).has_value());
  CHECK(adbatch::validate(cfg)->find("max_backoff") != std::string::npos);
  cfg.max_backoff = 100ms;
  cfg.window = 0ms;
  CHECK(adbatch::validate(cfg).has_value());
}
