// The supervisor on the test_coordinator: restarts after the backoff (not
// before), escalation past the intensity limit, shutdown in reverse spawn
// order with each child waited for, and failed starts of core children.
// Nothing sleeps; the clock moves only through sched.advance_time().

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/error.hpp"
#include "actors/supervisor.hpp"
#include "tests/support/caf_fixture.hpp"

using namespace std::chrono_literals;
using namespace adbatch;

namespace {

using events = std::shared_ptr<std::vector<std::string>>;

/// A test-only message that lets a slow child finish stopping.
using done_atom = caf::atom_constant<caf::atom("done")>;

/// A well-behaved child: answers the readiness probe and records its stop.
caf::behavior worker(caf::event_based_actor* self, std::string name,
                     events log) {
  log->push_back("start " + name);
  self->attach_functor(
    [name, log](const caf::error&) { log->push_back("stop " + name); });
  return {
    [](atom::ping) { return caf::ok_atom::value; },
  };
}

/// A child that takes its time to stop: on an exit message it records it and
/// only quits once it receives `done`. `done` never comes for a stuck child.
caf::behavior slow_stopper(caf::event_based_actor* self, std::string name,
                           events log) {
  log->push_back("start " + name);
  self->attach_functor(
    [name, log](const caf::error&) { log->push_back("stop " + name); });
  self->set_exit_handler([self, name, log](caf::exit_msg& msg) {
    if (msg.reason == caf::exit_reason::user_shutdown)
      log->push_back("exit " + name);
  });
  return {
    [](atom::ping) { return caf::ok_atom::value; },
    [self](done_atom) { self->quit(); },
  };
}

/// A child that dies while it initializes, before it can answer the probe.
caf::behavior dies_at_start(caf::event_based_actor* self) {
  self->quit(make_error(ec::storage_unavailable, "no database"));
  return {
    [](atom::ping) { return caf::ok_atom::value; },
  };
}

child_spec spec_of(std::string name, events log, bool core = true) {
  child_spec spec;
  spec.name = name;
  spec.core = core;
  spec.start = [name, log](const child_context& ctx)
    -> caf::expected<caf::actor> { return ctx.sys.spawn(worker, name, log); };
  return spec;
}

bool is(const caf::error& err, ec code) {
  return err.category() == caf::atom("adbatch")
         && err.code() == static_cast<std::uint8_t>(code);
}

struct fixture : test::caf_fixture {
  events log = std::make_shared<std::vector<std::string>>();
  supervisor_config scfg;

  supervisor_actor spawn_supervisor(std::vector<child_spec> specs) {
    auto sup = sys.spawn(make_supervisor, scfg, std::move(specs));
    self->monitor(sup);
    sched.run();
    return sup;
  }

  /// Sends start and returns the reply (names or error).
  caf::expected<std::vector<std::string>> start(const supervisor_actor& sup) {
    self->send(sup, atom::start::value);
    sched.run();
    caf::expected<std::vector<std::string>> out{caf::error{}};
    self->receive(
      [&](std::vector<std::string>& names) { out = std::move(names); },
      [&](caf::error& err) { out = std::move(err); },
      caf::after(0s) >> [&] { FAIL("no reply to start"); });
    return out;
  }

  caf::expected<caf::actor> child(const supervisor_actor& sup,
                                  const std::string& name) {
    self->send(sup, atom::child::value, name);
    sched.run();
    caf::expected<caf::actor> out{caf::error{}};
    self->receive([&](caf::actor& hdl) { out = std::move(hdl); },
                  [&](caf::error& err) { out = std::move(err); },
                  caf::after(0s) >> [&] { FAIL("no reply to child"); });
    return out;
  }

  std::vector<child_status> status(const supervisor_actor& sup) {
    self->send(sup, atom::status::value);
    sched.run();
    std::vector<child_status> out;
    self->receive([&](std::vector<child_status>& xs) { out = std::move(xs); },
                  caf::after(0s) >> [&] { FAIL("no reply to status"); });
    return out;
  }

  std::string phase_of(const supervisor_actor& sup, const std::string& name) {
    for (auto& x : status(sup))
      if (x.name == name)
        return x.phase;
    return "absent";
  }

  /// The supervisor's down message; fails the test if it has not quit.
  caf::error supervisor_exit() {
    caf::error out = make_error(ec::unspecified, "supervisor still alive");
    self->receive([&](caf::down_msg& msg) { out = msg.reason; },
                  caf::after(0s) >> [&] { FAIL("supervisor did not quit"); });
    return out;
  }

  /// Orderly shutdown so no actor outlives the test.
  void shutdown(const supervisor_actor& sup) {
    self->send(sup, atom::shutdown::value);
    sched.run();
    self->receive([](caf::ok_atom) {},
                  caf::after(0s) >> [&] { FAIL("no reply to shutdown"); });
    CHECK_FALSE(supervisor_exit());
  }
};

} // namespace

TEST_CASE_METHOD(fixture, "start spawns children in order and registers them",
                 "[supervisor]") {
  std::vector<std::string> seen_by_b;
  auto b = spec_of("b", log);
  b.start = [this, &seen_by_b](const child_context& ctx)
    -> caf::expected<caf::actor> {
    for (auto& [name, hdl] : ctx.running)
      seen_by_b.push_back(name);
    return ctx.sys.spawn(worker, "b", log);
  };
  auto sup = spawn_supervisor({spec_of("a", log), b});
  auto names = start(sup);
  REQUIRE(names);
  CHECK(*names == std::vector<std::string>{"a", "b"});
  CHECK(*log == std::vector<std::string>{"start a", "start b"});
  CHECK(seen_by_b == std::vector<std::string>{"a"});
  auto a = child(sup, "a");
  REQUIRE(a);
  CHECK(*a);
  auto missing = child(sup, "nope");
  REQUIRE_FALSE(missing);
  CHECK(is(missing.error(), ec::not_found));
  auto st = status(sup);
  REQUIRE(st.size() == 2);
  CHECK(st[0].name == "a");
  CHECK(st[0].phase == "running");
  CHECK(st[0].restarts == 0);
  shutdown(sup);
}

TEST_CASE_METHOD(fixture, "a crashed child restarts after the backoff, not "
                          "before", "[supervisor]") {
  auto sup = spawn_supervisor({spec_of("a", log), spec_of("b", log)});
  REQUIRE(start(sup));
  auto first = child(sup, "b");
  REQUIRE(first);
  self->send_exit(*first, make_error(ec::unspecified, "boom"));
  sched.run();
  CHECK(phase_of(sup, "b") == "restarting");
  auto between = child(sup, "b");
  REQUIRE_FALSE(between);
  CHECK(is(between.error(), ec::not_found));
  // 99 ms of the 100 ms backoff: the restart timer must not fire yet.
  CHECK(sched.advance_time(99ms) == 0);
  sched.run();
  CHECK(phase_of(sup, "b") == "restarting");
  CHECK(sched.advance_time(1ms) == 1);
  sched.run();
  CHECK(phase_of(sup, "b") == "running");
  auto second = child(sup, "b");
  REQUIRE(second);
  CHECK(*second != *first);
  CHECK(status(sup)[1].restarts == 1);
  // a was untouched (one-for-one).
  CHECK(*log
        == std::vector<std::string>{"start a", "start b", "stop b",
                                    "start b"});
  // The second crash in the window waits twice as long.
  caf::anon_send_exit(*second, caf::exit_reason::kill);
  sched.run();
  CHECK(sched.advance_time(199ms) == 0);
  sched.run();
  CHECK(phase_of(sup, "b") == "restarting");
  CHECK(sched.advance_time(1ms) == 1);
  sched.run();
  CHECK(phase_of(sup, "b") == "running");
  shutdown(sup);
}

TEST_CASE_METHOD(fixture, "a child that exits normally is not restarted",
                 "[supervisor]") {
  auto sup = spawn_supervisor({spec_of("a", log)});
  REQUIRE(start(sup));
  auto a = child(sup, "a");
  REQUIRE(a);
  caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(phase_of(sup, "a") == "stopped");
  CHECK(sched.advance_time(1s) == 0);
  shutdown(sup);
}

TEST_CASE_METHOD(fixture, "crashing past the intensity limit escalates",
                 "[supervisor]") {
  auto sup = spawn_supervisor({spec_of("storage", log), spec_of("a", log)});
  REQUIRE(start(sup));
  // Three restarts inside 10 s are allowed (100, 200, 400 ms backoff).
  for (auto backoff : {100ms, 200ms, 400ms}) {
    auto a = child(sup, "a");
    REQUIRE(a);
    self->send_exit(*a, make_error(ec::unspecified, "boom"));
    sched.run();
    CHECK(sched.advance_time(backoff) == 1);
    sched.run();
    REQUIRE(phase_of(sup, "a") == "running");
  }
  log->clear();
  auto a = child(sup, "a");
  REQUIRE(a);
  self->send_exit(*a, make_error(ec::unspecified, "boom"));
  sched.run();
  auto reason = supervisor_exit();
  CHECK(is(reason, ec::restart_intensity_exceeded));
  auto text = render(reason);
  CHECK(text.find("child 'a' crashed 4 times") != std::string::npos);
  CHECK(text.find("boom") != std::string::npos);
  // The rest of the tree was stopped on the way out.
  CHECK(*log == std::vector<std::string>{"stop a", "stop storage"});
}

TEST_CASE_METHOD(fixture, "shutdown stops children in reverse spawn order, "
                          "each waited for", "[supervisor]") {
  auto slow = spec_of("slow", log);
  slow.start = [this](const child_context& ctx) -> caf::expected<caf::actor> {
    return ctx.sys.spawn(slow_stopper, "slow", log);
  };
  auto sup = spawn_supervisor(
    {spec_of("storage", log), spec_of("b", log), slow, spec_of("d", log)});
  REQUIRE(start(sup));
  auto slow_hdl = child(sup, "slow");
  REQUIRE(slow_hdl);
  log->clear();
  self->send(sup, atom::shutdown::value);
  sched.run();
  // d stopped; slow got its exit but has not quit, so b and storage wait.
  CHECK(*log == std::vector<std::string>{"stop d", "exit slow"});
  CHECK(phase_of(sup, "b") == "running");
  CHECK(phase_of(sup, "slow") == "stopping");
  self->send(*slow_hdl, done_atom::value);
  sched.run();
  CHECK(*log
        == std::vector<std::string>{"stop d", "exit slow", "stop slow",
                                    "stop b", "stop storage"});
  self->receive([](caf::ok_atom) {},
                caf::after(0s) >> [&] { FAIL("no reply to shutdown"); });
  CHECK_FALSE(supervisor_exit());
}

TEST_CASE_METHOD(fixture, "a child that does not stop in time is killed",
                 "[supervisor]") {
  auto stuck = spec_of("stuck", log);
  stuck.stop_timeout = 2s;
  stuck.start = [this](const child_context& ctx) -> caf::expected<caf::actor> {
    return ctx.sys.spawn(slow_stopper, "stuck", log);
  };
  auto sup = spawn_supervisor({spec_of("storage", log), stuck});
  REQUIRE(start(sup));
  log->clear();
  self->send(sup, atom::shutdown::value);
  sched.run();
  CHECK(*log == std::vector<std::string>{"exit stuck"});
  CHECK(sched.advance_time(1999ms) == 0);
  sched.run();
  CHECK(phase_of(sup, "storage") == "running");
  CHECK(sched.advance_time(1ms) == 1);
  sched.run();
  CHECK(*log
        == std::vector<std::string>{"exit stuck", "stop stuck",
                                    "stop storage"});
  self->receive([](caf::ok_atom) {},
                caf::after(0s) >> [&] { FAIL("no reply to shutdown"); });
  CHECK_FALSE(supervisor_exit());
}

TEST_CASE_METHOD(fixture, "a core child whose factory fails stops the node",
                 "[supervisor]") {
  auto broken = spec_of("storage", log);
  broken.start = [](const child_context&) -> caf::expected<caf::actor> {
    return make_error(ec::storage_unavailable, "connection refused");
  };
  auto sup = spawn_supervisor({spec_of("a", log), broken, spec_of("c", log)});
  auto res = start(sup);
  REQUIRE_FALSE(res);
  CHECK(is(res.error(), ec::child_start_failed));
  auto text = render(res.error());
  CHECK(text.find("core child 'storage' failed to start") != std::string::npos);
  CHECK(text.find("connection refused") != std::string::npos);
  auto reason = supervisor_exit();
  CHECK(is(reason, ec::child_start_failed));
  // c never started; a was stopped again.
  CHECK(*log == std::vector<std::string>{"start a", "stop a"});
}

TEST_CASE_METHOD(fixture, "a core child that dies before it is ready stops "
                          "the node", "[supervisor]") {
  child_spec dying;
  dying.name = "storage";
  dying.ready_timeout = 5s;
  dying.start = [](const child_context& ctx) -> caf::expected<caf::actor> {
    return ctx.sys.spawn(dies_at_start);
  };
  auto sup = spawn_supervisor({dying, spec_of("b", log)});
  auto res = start(sup);
  REQUIRE_FALSE(res);
  auto text = render(res.error());
  CHECK(text.find("core child 'storage' failed to start") != std::string::npos);
  CHECK(text.find("no database") != std::string::npos);
  CHECK(is(supervisor_exit(), ec::child_start_failed));
  CHECK(log->empty());
}

TEST_CASE_METHOD(fixture, "a ready probe that times out fails the start",
                 "[supervisor]") {
  child_spec silent;
  silent.name = "gateway";
  silent.ready_timeout = 1s;
  silent.start = [this](const child_context& ctx) -> caf::expected<caf::actor> {
    // A child that never answers the probe: it leaves ping in its mailbox.
    return ctx.sys.spawn([this](caf::event_based_actor* self) -> caf::behavior {
      self->attach_functor([l = log](const caf::error&) {
        l->push_back("stop gateway");
      });
      self->set_default_handler(caf::skip);
      return {[](done_atom) {}};
    });
  };
  auto sup = spawn_supervisor({spec_of("storage", log), silent});
  self->send(sup, atom::start::value);
  sched.run();
  CHECK(phase_of(sup, "gateway") == "starting");
  CHECK(sched.advance_time(1s) == 1);
  sched.run();
  caf::error err;
  self->receive([](std::vector<std::string>&) { FAIL("start succeeded"); },
                [&](caf::error& e) { err = e; },
                caf::after(0s) >> [&] { FAIL("no reply to start"); });
  CHECK(is(err, ec::child_start_failed));
  CHECK(render(err).find("core child 'gateway' failed to start: timeout: no "
                         "answer to the readiness probe within 1000 ms")
        != std::string::npos);
  CHECK(is(supervisor_exit(), ec::child_start_failed));
  CHECK(*log
        == std::vector<std::string>{"start storage", "stop gateway",
                                    "stop storage"});
}

TEST_CASE_METHOD(fixture, "a non-core child that fails to start is retried",
                 "[supervisor]") {
  auto attempts = std::make_shared<int>(0);
  auto flaky = spec_of("dashboard", log, false);
  flaky.start = [this, attempts](const child_context& ctx)
    -> caf::expected<caf::actor> {
    if (++*attempts == 1)
      return make_error(ec::unspecified, "port busy");
    return ctx.sys.spawn(worker, "dashboard", log);
  };
  auto sup = spawn_supervisor({spec_of("storage", log), flaky});
  auto names = start(sup);
  REQUIRE(names);
  CHECK(*names == std::vector<std::string>{"storage"});
  CHECK(phase_of(sup, "dashboard") == "restarting");
  CHECK(sched.advance_time(100ms) == 1);
  sched.run();
  CHECK(phase_of(sup, "dashboard") == "running");
  CHECK(*attempts == 2);
  shutdown(sup);
}

TEST_CASE_METHOD(fixture, "an exit message stops the tree in order",
                 "[supervisor]") {
  auto sup = spawn_supervisor({spec_of("storage", log), spec_of("b", log)});
  REQUIRE(start(sup));
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(*log
        == std::vector<std::string>{"start storage", "start b", "stop b",
                                    "stop storage"});
  CHECK_FALSE(supervisor_exit());
}

TEST_CASE("supervisor config validation names the problem", "[supervisor]") {
  supervisor_config cfg;
  auto ok = [](std::string name) {
    child_spec s;
    s.name = std::move(name);
    s.start = [](const child_context&) -> caf::expected<caf::actor> {
      return caf::actor{};
    };
    return s;
  };
  CHECK_FALSE(validate(cfg, {ok("a"), ok("b")}));
  auto dup = validate(cfg, {ok("a"), ok("a")});
  REQUIRE(dup);
  CHECK(dup->find("duplicate child name 'a'") != std::string::npos);
  CHECK(validate(cfg, {ok("")}));
  child_spec no_factory;
  no_factory.name = "x";
  CHECK(validate(cfg, {no_factory}));
}

TEST_CASE_METHOD(fixture, "shutdown during the start stops what started",
                 "[supervisor]") {
  child_spec silent;
  silent.name = "gateway";
  silent.ready_timeout = 30s;
  silent.start = [this](const child_context& ctx) -> caf::expected<caf::actor> {
    // Never answers the readiness probe, so the start stays pending.
    return ctx.sys.spawn([this](caf::event_based_actor* self) -> caf::behavior {
      self->attach_functor([l = log](const caf::error&) {
        l->push_back("stop gateway");
      });
      self->set_default_handler(caf::skip);
      return {[](done_atom) {}};
    });
  };
  auto sup = spawn_supervisor({spec_of("storage", log), silent,
                               spec_of("never", log)});
  self->send(sup, atom::start::value);
  sched.run();
  CHECK(phase_of(sup, "gateway") == "starting");
  self->send(sup, atom::shutdown::value);
  sched.run();
  caf::error start_err;
  self->receive([](std::vector<std::string>&) { FAIL("start succeeded"); },
                [&](caf::error& e) { start_err = e; },
                caf::after(0s) >> [&] { FAIL("no reply to start"); });
  CHECK(is(start_err, ec::shutting_down));
  self->receive([](caf::ok_atom) {},
                caf::after(0s) >> [&] { FAIL("no reply to shutdown"); });
  CHECK_FALSE(supervisor_exit());
  CHECK(*log
        == std::vector<std::string>{"start storage", "stop gateway",
                                    "stop storage"});
}
