// The node's supervisor tree and adbatchd's run loop.
//
// HOW TO ADD A COMPONENT (e.g. storage): write, next to your actor, a
// function that builds its child_spec from the config, e.g. in
// actors/storage.hpp:
//
//   /// The storage child: core, answers atom::ping after the migrations.
//   child_spec make_storage_child(const config::config& cfg);
//
// with `spec.start = [db = cfg.database, ...](const child_context& ctx)
//   -> caf::expected<caf::actor> { ...; return caf::actor_cast<caf::actor>(
//   ctx.sys.spawn(make_storage, ...)); }`, `core = true`, a `ready_timeout`
// long enough for the embedded PostgreSQL to start, and a `stop_timeout`
// long enough for in-flight writes to commit. Then add ONE line to
// make_children() below, at the position of its spawn order. Storage goes
// FIRST: the supervisor stops children in reverse spawn order, so the first
// child stops last and everything else can still write while stopping.
// Later children find earlier ones in `ctx.running` ("storage" -> handle) or
// ask the supervisor at run time: `(atom::child, "storage") -> caf::actor`.

#include "actors/node.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <memory>
#include <mutex>
#include <utility>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/error.hpp"
#include "actors/heartbeat.hpp"
#include "actors/pipeline_children.hpp"
#include "actors/storage_child.hpp"
#include "common/logger.hpp"

namespace adbatch {

namespace {

using namespace std::chrono_literals;

/// The trivial child that proves the tree runs.
child_spec make_heartbeat_child(const config::config& cfg) {
  child_spec spec;
  spec.name = "heartbeat";
  spec.core = false;
  spec.ready_timeout = 5s;
  spec.stop_timeout = 5s;
  spec.start = [name = cfg.node.name](const child_context& ctx)
    -> caf::expected<caf::actor> {
    return caf::actor_cast<caf::actor>(
      ctx.sys.spawn(make_heartbeat, name, std::chrono::milliseconds{60s}));
  };
  return spec;
}

sigset_t stop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  // Raised by the supervisor watch when the tree quits on its own.
  sigaddset(&set, SIGUSR1);
  // Raised when the start finished (either way).
  sigaddset(&set, SIGUSR2);
  return set;
}

/// Consumes SIGUSR1/SIGUSR2 left pending by an earlier run in this process
/// (tests run the node several times); they cannot concern this run.
void drain_internal_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  timespec zero{0, 0};
  while (sigtimedwait(&set, nullptr, &zero) > 0) {
    // drop it
  }
}

/// The start's result, handed from a CAF thread to the main thread.
class start_outcome {
public:
  void set(std::vector<std::string> names, caf::error err) {
    std::lock_guard<std::mutex> guard{mtx_};
    names_ = std::move(names);
    err_ = std::move(err);
  }

  std::pair<std::vector<std::string>, caf::error> take() {
    std::lock_guard<std::mutex> guard{mtx_};
    return {std::move(names_), std::move(err_)};
  }

private:
  std::mutex mtx_;
  std::vector<std::string> names_;
  caf::error err_;
};

int wait_for_signal() {
  auto set = stop_signal_set();
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
    // sigwait only fails for an invalid set; retry defensively.
  }
  return sig;
}

bool is(const caf::error& err, ec code) {
  return err.category() == caf::atom("adbatch")
         && err.code() == static_cast<std::uint8_t>(code);
}

int exit_code_for(const caf::error& err) {
  if (!err)
    return exit_code::ok;
  if (is(err, ec::child_start_failed))
    return exit_code::start_failed;
  if (is(err, ec::restart_intensity_exceeded))
    return exit_code::escalated;
  return exit_code::failure;
}

caf::timespan total(const std::vector<child_spec>& children,
                    std::chrono::milliseconds child_spec::*field,
                    caf::timespan base) {
  caf::timespan out = base;
  for (auto& spec : children)
    out += spec.*field;
  return out;
}

/// The endpoints that are really served, for the "is up" line.
std::string describe_up(const config::config& cfg,
                        const std::vector<std::string>& running) {
  // `running` is the start's reply: the children that came up.
  auto has = [&](const char* name) {
    return std::find(running.begin(), running.end(), name) != running.end();
  };
  std::string out;
  if (has("gateway"))
    out += fmt::format("http {}:{}, ", cfg.node.http.address,
                       cfg.node.http.port);
  if (has("service") && cfg.node.caf.port != 0)
    out += fmt::format("caf {}:{}, ", cfg.node.caf.address, cfg.node.caf.port);
  out += "children: ";
  for (std::size_t i = 0; i < running.size(); ++i)
    out += (i == 0 ? "" : ", ") + running[i];
  return out;
}

} // namespace

std::vector<child_spec> make_children(const config::config& cfg) {
  std::vector<child_spec> out;
  // Spawn order. Storage goes first so that it stops last.
  out.push_back(make_storage_child(cfg));
  out.push_back(make_heartbeat_child(cfg));
  // Per platform: its rate budget, then its batcher (which needs both).
  for (auto& spec : make_pipeline_children(cfg))
    out.push_back(std::move(spec));
  return out;
}

supervisor_config make_supervisor_config(const config::config& cfg) {
  const auto& sv = cfg.supervisor;
  supervisor_config out;
  out.restart.initial_backoff = sv.restart_backoff;
  out.restart.max_backoff = sv.restart_backoff_max;
  out.restart.max_restarts = static_cast<std::size_t>(sv.max_restarts);
  out.restart.window
    = std::chrono::duration_cast<std::chrono::milliseconds>(sv.restart_window);
  return out;
}

caf::expected<supervisor_actor>
start_node(caf::actor_system& sys, supervisor_config cfg,
           std::vector<child_spec> children, caf::timespan timeout) {
  auto sup = sys.spawn(make_supervisor, std::move(cfg), std::move(children));
  caf::scoped_actor self{sys};
  caf::error failure;
  self->request(sup, timeout, atom::start::value)
    .receive([](std::vector<std::string>&) {},
             [&](caf::error& err) { failure = std::move(err); });
  if (failure) {
    // On a start error the supervisor has stopped its children and quit;
    // after a timeout it is told to stop in order.
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    return failure;
  }
  return sup;
}

caf::error stop_node(caf::actor_system& sys, const supervisor_actor& sup,
                     caf::timespan timeout) {
  caf::scoped_actor self{sys};
  // A monitor on an actor that already quit delivers its down_msg at once,
  // so the escalation reason is not lost if the tree quit on its own.
  self->monitor(sup);
  self->send(sup, atom::shutdown::value);
  caf::error reason;
  bool down = false;
  self->receive_while([&] { return !down; })(
    [&](caf::down_msg& msg) {
      down = true;
      if (msg.reason != caf::exit_reason::user_shutdown)
        reason = msg.reason;
    },
    [](caf::ok_atom) {
      // The shutdown reply; the down_msg follows.
    },
    [](caf::error&) {
      // The shutdown request bounced: the supervisor is already gone.
    },
    caf::after(timeout) >> [&] {
      down = true;
      reason = make_error(ec::timeout, "the supervisor did not stop in time");
    });
  return reason;
}

void block_stop_signals() {
  // A parent may hand down SIGINT as ignored (e.g. a non-interactive shell's
  // background job); an ignored signal is discarded even while blocked, so
  // restore the default first.
  for (int sig : {SIGINT, SIGTERM, SIGUSR1, SIGUSR2})
    std::signal(sig, SIG_DFL);
  auto set = stop_signal_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int run_node(caf::actor_system& sys, const config::config& cfg) {
  return run_node(sys, cfg, make_supervisor_config(cfg), make_children(cfg));
}

int run_node(caf::actor_system& sys, const config::config& cfg,
             supervisor_config sup_cfg, std::vector<child_spec> children) {
  const auto& name = cfg.node.name;
  auto start_timeout = total(children, &child_spec::ready_timeout, 60s);
  auto stop_timeout = total(children, &child_spec::stop_timeout, 10s);
  drain_internal_signals();
  log().info("adbatchd {} starts {} children", name, children.size());
  auto sup = sys.spawn(make_supervisor, std::move(sup_cfg), std::move(children));
  // Wake the main thread if the tree quits on its own (escalation or a
  // failed start): SIGUSR1 joins SIGINT/SIGTERM at the one wait point.
  auto stopping = std::make_shared<std::atomic<bool>>(false);
  caf::actor_cast<caf::abstract_actor*>(sup)->attach_functor(
    [stopping](const caf::error&) {
      if (!stopping->load())
        ::kill(::getpid(), SIGUSR1);
    });
  // The start runs asynchronously so that SIGINT/SIGTERM are acted on even
  // while a slow child (storage's first connection) is starting. The
  // outcome is handed over under a mutex and announced with SIGUSR2.
  auto outcome = std::make_shared<start_outcome>();
  sys.spawn([sup, outcome, start_timeout](caf::event_based_actor* self) {
    self->request(sup, start_timeout, atom::start::value)
      .then(
        [self, outcome](std::vector<std::string>& names) {
          outcome->set(std::move(names), caf::error{});
          ::kill(::getpid(), SIGUSR2);
          self->quit();
        },
        [self, outcome](caf::error& err) {
          outcome->set({}, std::move(err));
          ::kill(::getpid(), SIGUSR2);
          self->quit();
        });
  });
  bool up = false;
  for (;;) {
    auto sig = wait_for_signal();
    if (sig == SIGUSR2) {
      auto [names, err] = outcome->take();
      up = !err;
      if (err) {
        stopping->store(true);
        log().critical("adbatchd {} failed to start: {}", name, render(err));
        stop_node(sys, sup, stop_timeout);
        auto code = exit_code_for(err);
        return code == exit_code::ok ? exit_code::failure : code;
      }
      log().info("adbatchd {} is up ({})", name, describe_up(cfg, names));
      continue;
    }
    if (sig == SIGUSR1) {
      // The supervisor quit by itself; stop_node collects its reason.
      auto reason = stop_node(sys, sup, stop_timeout);
      if (up)
        log().critical("adbatchd {} stops: the supervisor quit: {}", name,
                       render(reason));
      else
        log().critical("adbatchd {} failed to start: {}", name,
                       render(reason));
      auto code = exit_code_for(reason);
      return code == exit_code::ok ? exit_code::failure : code;
    }
    stopping->store(true);
    log().info("adbatchd {} received {}, shutting down", name,
               sig == SIGINT ? "SIGINT" : "SIGTERM");
    auto reason = stop_node(sys, sup, stop_timeout);
    if (reason) {
      log().error("adbatchd {} did not stop cleanly: {}", name,
                  render(reason));
      return exit_code_for(reason) == exit_code::ok ? exit_code::failure
                                                    : exit_code_for(reason);
    }
    log().info("adbatchd stopped");
    return exit_code::ok;
  }
}

} // namespace adbatch
