#pragma once

// Deterministic actor tests: an actor system on CAF's test_coordinator.
// Tests step mailboxes with sched.run() / run_once() and move the clock with
// sched.advance_time(); nothing ever sleeps. (run() does not fire timers.)

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/types.hpp"

namespace adbatch::test {

struct test_config : caf::actor_system_config {
  test_config() {
    register_types(*this);
    set("scheduler.policy", caf::atom("testing"));
    set("logger.file-verbosity", caf::atom("quiet"));
    set("logger.console-verbosity", caf::atom("quiet"));
  }
};

struct caf_fixture {
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched{
    dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())};
  caf::scoped_actor self{sys, true};

  ~caf_fixture() {
    sched.run();
  }

  /// Reads the state of a stateful actor (for white-box assertions).
  template <class State, class Base, class Handle>
  State& state_of(const Handle& h) {
    auto ptr = caf::actor_cast<caf::abstract_actor*>(h);
    return dynamic_cast<caf::stateful_actor<State, Base>&>(*ptr).state;
  }
};

} // namespace adbatch::test
