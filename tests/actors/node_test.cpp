// start_node / stop_node on a real (threaded) actor system: the blocking
// calls adbatchd's main thread makes. Nothing sleeps: every wait is a
// message receive bounded by a timeout.

#include <catch2/catch.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <csignal>

#include <signal.h>
#include <unistd.h>

#include <caf/all.hpp>

#include "actors/error.hpp"
#include "actors/node.hpp"
#include "actors/system_config.hpp"
#include "actors/types.hpp"

using namespace std::chrono_literals;
using namespace adbatch;

namespace {

struct threaded_config : caf::actor_system_config {
  threaded_config() {
    register_types(*this);
    set("scheduler.max-threads", std::size_t{2});
    set("logger.file-verbosity", caf::atom("quiet"));
    set("logger.console-verbosity", caf::atom("quiet"));
  }
};

/// Events from several threads, in the order they happened.
struct event_log {
  std::mutex mtx;
  std::vector<std::string> xs;
  void add(std::string x) {
    std::lock_guard<std::mutex> guard{mtx};
    xs.push_back(std::move(x));
  }
  std::vector<std::string> get() {
    std::lock_guard<std::mutex> guard{mtx};
    return xs;
  }
};

/// Records its stop in its exit handler, i.e. before its down_msg exists.
caf::behavior recording_worker(caf::event_based_actor* self, std::string name,
                               std::shared_ptr<event_log> log) {
  log->add("start " + name);
  self->set_exit_handler([self, name, log](caf::exit_msg& msg) {
    log->add("stop " + name);
    self->quit(msg.reason);
  });
  return {[](atom::ping) { return caf::ok_atom::value; }};
}

child_spec worker_spec(std::string name, std::shared_ptr<event_log> log) {
  child_spec spec;
  spec.name = name;
  spec.ready_timeout = 5s;
  spec.start = [name, log](const child_context& ctx)
    -> caf::expected<caf::actor> {
    return ctx.sys.spawn(recording_worker, name, log);
  };
  return spec;
}

/// A test-only message: crash now.
using crash_atom = caf::atom_constant<caf::atom("crash")>;

/// Answers the readiness probe, then crashes: the supervisor sees it
/// started (the answer is queued first) and then sees it crash.
caf::behavior crash_after_ready(caf::event_based_actor* self) {
  return {
    [self](atom::ping) {
      self->send(self, crash_atom::value);
      return caf::ok_atom::value;
    },
    [self](crash_atom) {
      self->quit(make_error(ec::unspecified, "crashes on purpose"));
    },
  };
}

bool is(const caf::error& err, ec code) {
  return err.category() == caf::atom("adbatch")
         && err.code() == static_cast<std::uint8_t>(code);
}

} // namespace

TEST_CASE("start_node starts the tree and stop_node stops it in reverse",
          "[node]") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto log = std::make_shared<event_log>();
  auto sup = start_node(sys, {},
                        {worker_spec("storage", log), worker_spec("b", log),
                         worker_spec("c", log)},
                        30s);
  REQUIRE(sup);
  CHECK(log->get()
        == std::vector<std::string>{"start storage", "start b", "start c"});
  CHECK_FALSE(stop_node(sys, *sup, 30s));
  CHECK(log->get()
        == std::vector<std::string>{"start storage", "start b", "start c",
                                    "stop c", "stop b", "stop storage"});
}

TEST_CASE("start_node reports a core child that fails to start", "[node]") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto log = std::make_shared<event_log>();
  auto broken = worker_spec("storage", log);
  broken.start = [](const child_context&) -> caf::expected<caf::actor> {
    return make_error(ec::storage_unavailable, "could not connect");
  };
  auto sup = start_node(sys, {}, {worker_spec("a", log), broken}, 30s);
  REQUIRE_FALSE(sup);
  CHECK(is(sup.error(), ec::child_start_failed));
  CHECK(render(sup.error()).find("core child 'storage' failed to start: "
                                 "storage_unavailable: could not connect")
        != std::string::npos);
  // The reply comes only after the started child was stopped again.
  CHECK(log->get() == std::vector<std::string>{"start a", "stop a"});
}

TEST_CASE("stop_node returns the escalation of a tree that quit on its own",
          "[node]") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto log = std::make_shared<event_log>();
  supervisor_config scfg;
  scfg.restart.max_restarts = 0; // the first crash escalates
  auto sup = start_node(sys, scfg,
                        {worker_spec("storage", log), worker_spec("b", log)},
                        30s);
  REQUIRE(sup);
  caf::scoped_actor self{sys};
  self->monitor(*sup);
  caf::actor b;
  self->request(*sup, 10s, atom::child::value, std::string{"b"})
    .receive([&](caf::actor& hdl) { b = hdl; },
             [](caf::error& err) { FAIL(render(err)); });
  REQUIRE(b);
  // kill: bypasses b's exit handler, a crash.
  self->send_exit(b, caf::exit_reason::kill);
  self->receive([](caf::down_msg&) {},
                caf::after(30s) >> [] { FAIL("the supervisor did not quit"); });
  auto reason = stop_node(sys, *sup, 30s);
  CHECK(is(reason, ec::restart_intensity_exceeded));
  CHECK(render(reason).find("child 'b' crashed once") != std::string::npos);
  CHECK(log->get()
        == std::vector<std::string>{"start storage", "start b",
                                    "stop storage"});
}

TEST_CASE("make_children builds a valid tree from the config", "[node]") {
  config::config cfg;
  auto children = make_children(cfg);
  REQUIRE_FALSE(children.empty());
  CHECK_FALSE(validate(make_supervisor_config(cfg), children));
}

// run_node waits in sigwait. Signals are blocked in this thread before the
// actor system exists, so its threads inherit the mask and a signal raised
// with kill() stays pending until run_node's sigwait takes it.

TEST_CASE("run_node stops cleanly on SIGTERM and returns 0", "[node]") {
  block_stop_signals();
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto log = std::make_shared<event_log>();
  auto last = worker_spec("last", log);
  last.start = [log](const child_context& ctx) -> caf::expected<caf::actor> {
    // The signal arrives while the tree is starting; run_node takes it
    // once the node is up.
    ::kill(::getpid(), SIGTERM);
    return ctx.sys.spawn(recording_worker, "last", log);
  };
  auto code = run_node(sys, config::config{}, supervisor_config{},
                       {worker_spec("storage", log), last});
  CHECK(code == exit_code::ok);
  CHECK(log->get()
        == std::vector<std::string>{"start storage", "start last",
                                    "stop last", "stop storage"});
}

TEST_CASE("run_node returns 4 when the tree escalates", "[node]") {
  block_stop_signals();
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto log = std::make_shared<event_log>();
  supervisor_config scfg;
  scfg.restart.max_restarts = 0;
  child_spec crasher;
  crasher.name = "crasher";
  crasher.ready_timeout = 5s;
  crasher.start = [](const child_context& ctx) -> caf::expected<caf::actor> {
    return ctx.sys.spawn(crash_after_ready);
  };
  auto code = run_node(sys, config::config{}, scfg,
                       {worker_spec("storage", log), crasher});
  CHECK(code == exit_code::escalated);
  CHECK(log->get()
        == std::vector<std::string>{"start storage", "stop storage"});
}

TEST_CASE("run_node returns 3 when a core child fails to start", "[node]") {
  block_stop_signals();
  threaded_config cfg;
  caf::actor_system sys{cfg};
  child_spec broken;
  broken.name = "storage";
  broken.start = [](const child_context&) -> caf::expected<caf::actor> {
    return make_error(ec::storage_unavailable, "could not connect");
  };
  CHECK(run_node(sys, config::config{}, supervisor_config{}, {broken})
        == exit_code::start_failed);
}

TEST_CASE("the node's actor system polls little when idle", "[node]") {
  caf::actor_system_config cfg;
  adbatch::configure_actor_system(cfg);
  caf::actor_system sys{cfg};
  // CAF's defaults are 100 and 500. (That CAF's workers read these keys was
  // checked against libcaf_core 0.17.6's own strings; the effect on CPU is
  // measured by adbatch-bench, see docs/benchmarks.md.)
  CHECK(caf::get_or(sys.config(), "work-stealing.aggressive-poll-attempts",
                    std::size_t{100})
        == 10);
  CHECK(caf::get_or(sys.config(), "work-stealing.moderate-poll-attempts",
                    std::size_t{500})
        == 10);
}

TEST_CASE("the supervisor's restart policy comes from the config", "[node]") {
  auto cfg = adbatch::config::defaults({}).value();
  cfg.supervisor.restart_backoff = std::chrono::milliseconds{250};
  cfg.supervisor.restart_backoff_max = std::chrono::milliseconds{4000};
  cfg.supervisor.max_restarts = 7;
  cfg.supervisor.restart_window = std::chrono::seconds{30};
  auto sc = adbatch::make_supervisor_config(cfg);
  CHECK(sc.restart.initial_backoff == std::chrono::milliseconds{250});
  CHECK(sc.restart.max_backoff == std::chrono::milliseconds{4000});
  CHECK(sc.restart.max_restarts == 7);
  CHECK(sc.restart.window == std::chrono::milliseconds{30000});
  // The defaults are the policy's own defaults.
  auto d = adbatch::make_supervisor_config(adbatch::config::defaults({}).value());
  adbatch::restart_policy_config plain;
  CHECK(d.restart.initial_backoff == plain.initial_backoff);
  CHECK(d.restart.max_backoff == plain.max_backoff);
  CHECK(d.restart.max_restarts == plain.max_restarts);
  CHECK(d.restart.window == plain.window);
}
