#include "actors/supervisor.hpp"

#include <exception>
#include <set>
#include <utility>

#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/error.hpp"
#include "common/logger.hpp"

namespace adbatch {

namespace {

using self_ptr = supervisor_actor::stateful_pointer<supervisor_state>;
using phase = supervisor_state::phase;
using mode = supervisor_state::mode;

void start_next(self_ptr self);
void launch(self_ptr self, std::size_t idx);
void begin_stop(self_ptr self, caf::error reason);
void on_crash(self_ptr self, std::size_t idx, const caf::error& reason);

/// True while child `idx` is part of the initial, sequential start.
bool in_initial_start(self_ptr self, std::size_t idx) {
  return self->state.current == mode::starting
         && self->state.start_index == idx;
}

/// A down or exit reason that means "stopped on purpose", not a crash.
bool is_deliberate_exit(const caf::error& reason) {
  return !reason || reason == caf::exit_reason::normal
         || reason == caf::exit_reason::user_shutdown;
}

std::string describe(const caf::error& reason) {
  return reason ? render(reason) : std::string{"normal exit"};
}

std::map<std::string, caf::actor> running_children(self_ptr self) {
  std::map<std::string, caf::actor> out;
  for (auto& rec : self->state.children)
    if (rec.handle && rec.state == phase::running)
      out.emplace(rec.spec.name, rec.handle);
  return out;
}

/// Calls the factory and, on success, registers and monitors the new
/// incarnation. No exception escapes the supervisor.
caf::error spawn_child(self_ptr self, supervisor_state::child_record& rec) {
  child_context ctx{self->system(), caf::actor_cast<supervisor_actor>(self),
                    running_children(self)};
  caf::expected<caf::actor> hdl{caf::actor{}};
  try {
    hdl = rec.spec.start(ctx);
  } catch (const std::exception& e) {
    return make_error(ec::child_start_failed,
                      std::string{"factory threw: "} + e.what());
  } catch (...) {
    return make_error(ec::child_start_failed, "factory threw");
  }
  if (!hdl)
    return std::move(hdl.error());
  if (!*hdl)
    return make_error(ec::child_start_failed, "factory returned no actor");
  rec.handle = std::move(*hdl);
  ++rec.generation;
  self->monitor(rec.handle);
  return {};
}

/// Child `idx` is up: continue the initial start if it is part of it.
void started(self_ptr self, std::size_t idx) {
  auto& rec = self->state.children[idx];
  rec.state = phase::running;
  log().info("supervisor runs child {} (generation {})", rec.spec.name,
             rec.generation);
  if (in_initial_start(self, idx)) {
    ++self->state.start_index;
    start_next(self);
  }
}

/// Child `idx` did not come up (factory error, died or timed out before
/// ready). A core child in the initial start stops the node; everything
/// else counts as a crash.
void start_failed(self_ptr self, std::size_t idx, const caf::error& why) {
  auto& rec = self->state.children[idx];
  if (rec.handle) {
    // A probe timeout leaves the incarnation alive: it must not linger.
    self->demonitor(rec.handle);
    self->send_exit(rec.handle, caf::exit_reason::kill);
    rec.handle = nullptr;
  }
  auto initial = in_initial_start(self, idx);
  if (initial && rec.spec.core) {
    rec.state = phase::stopped;
    auto err = make_error(ec::child_start_failed,
                          "core child '" + rec.spec.name
                            + "' failed to start: " + describe(why));
    log().error("supervisor aborts the start: {}", render(err));
    begin_stop(self, std::move(err));
    return;
  }
  log().warn("supervisor fails to start child {}: {}", rec.spec.name,
             describe(why));
  on_crash(self, idx, why);
  if (initial && self->state.current == mode::starting) {
    ++self->state.start_index;
    start_next(self);
  }
}

/// Spawns child `idx` and, if its spec asks for it, waits for its readiness
/// answer before counting it as started.
void launch(self_ptr self, std::size_t idx) {
  auto& rec = self->state.children[idx];
  rec.state = phase::starting;
  log().debug("supervisor starts child {}", rec.spec.name);
  if (auto err = spawn_child(self, rec)) {
    start_failed(self, idx, err);
    return;
  }
  if (rec.spec.ready_timeout.count() == 0) {
    started(self, idx);
    return;
  }
  auto gen = rec.generation;
  // Both callbacks ignore answers for an incarnation that is gone or already
  // handled (e.g. the down_msg came first).
  auto current = [self, idx, gen] {
    auto& r = self->state.children[idx];
    return r.generation == gen && r.state == phase::starting;
  };
  self->request(rec.handle, rec.spec.ready_timeout, atom::ping::value)
    .then(
      [self, idx, current](caf::ok_atom) {
        if (current())
          started(self, idx);
      },
      [self, idx, current](caf::error& err) {
        // A child that died before answering bounces the probe; its
        // down_msg follows and carries the real reason, so wait for that.
        if (err == caf::sec::request_receiver_down)
          return;
        if (!current())
          return;
        if (err == caf::sec::request_timeout) {
          auto ms = self->state.children[idx].spec.ready_timeout.count();
          start_failed(self, idx,
                       make_error(ec::timeout,
                                  "no answer to the readiness probe within "
                                    + std::to_string(ms) + " ms"));
          return;
        }
        start_failed(self, idx, err);
      });
}

void start_next(self_ptr self) {
  auto& st = self->state;
  if (st.current != mode::starting)
    return;
  if (st.start_index < st.children.size()) {
    launch(self, st.start_index);
    return;
  }
  st.current = mode::running;
  std::vector<std::string> names;
  for (auto& rec : st.children)
    if (rec.state == phase::running)
      names.push_back(rec.spec.name);
  log().info("supervisor started {} of {} children", names.size(),
             st.children.size());
  if (st.start_promise.pending())
    st.start_promise.deliver(std::move(names));
}

/// Child `idx` went down abnormally (or failed to restart): restart it after
/// the backoff, or escalate past the intensity limit.
void on_crash(self_ptr self, std::size_t idx, const caf::error& reason) {
  auto& rec = self->state.children[idx];
  rec.handle = nullptr;
  // clock().now(), not self->now(): Debian's libcaf_core 0.17.6 does not
  // export local_actor::now() (undefined reference at link time).
  auto decision = rec.tracker.on_crash(self->clock().now());
  if (decision.what == restart_decision::action::escalate) {
    rec.state = phase::stopped;
    const auto& policy = rec.tracker.config();
    auto err = make_error(
      ec::restart_intensity_exceeded,
      "child '" + rec.spec.name + "' crashed "
        + (decision.crashes_in_window == 1
             ? std::string{"once"}
             : std::to_string(decision.crashes_in_window) + " times")
        + " within "
        + std::to_string(policy.window.count()) + " ms (at most "
        + std::to_string(policy.max_restarts)
        + " restarts allowed); last reason: " + describe(reason));
    log().error("supervisor escalates: {}", render(err));
    begin_stop(self, std::move(err));
    return;
  }
  rec.state = phase::restarting;
  log().warn("supervisor restarts child {} in {} ms ({} of {} in window): {}",
             rec.spec.name, decision.delay.count(), decision.crashes_in_window,
             rec.tracker.config().max_restarts, describe(reason));
  self->delayed_send(self, decision.delay, atom::restart::value, rec.spec.name,
                     rec.generation);
}

/// Delivers every pending reply and quits with the final reason.
void finish(self_ptr self) {
  auto& st = self->state;
  for (auto& p : st.shutdown_promises)
    p.deliver(caf::ok_atom::value);
  st.shutdown_promises.clear();
  if (st.start_promise.pending())
    st.start_promise.deliver(
      st.final_reason ? st.final_reason
                      : make_error(ec::shutting_down,
                                   "supervisor stopped before the start "
                                   "completed"));
  if (st.final_reason)
    log().error("supervisor stops: {}", render(st.final_reason));
  else
    log().info("supervisor stopped all children");
  self->quit(st.final_reason);
}

/// Stops the last child (in spawn order) that is still alive; finishes when
/// none is left. Called again from the down handler and the stop timeout.
void stop_next(self_ptr self) {
  auto& children = self->state.children;
  for (auto i = children.size(); i-- > 0;) {
    auto& rec = children[i];
    if (rec.state == phase::stopping)
      return; // already waiting for this one
    if (!rec.handle) {
      rec.state = phase::stopped;
      continue;
    }
    rec.state = phase::stopping;
    log().info("supervisor stops child {}", rec.spec.name);
    self->send_exit(rec.handle, caf::exit_reason::user_shutdown);
    self->delayed_send(self, rec.spec.stop_timeout, atom::shutdown::value,
                       rec.spec.name, rec.generation);
    return;
  }
  finish(self);
}

void begin_stop(self_ptr self, caf::error reason) {
  auto& st = self->state;
  if (st.current == mode::stopping)
    return; // the first reason wins
  st.current = mode::stopping;
  st.final_reason = std::move(reason);
  stop_next(self);
}

void on_down(self_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  auto* rec = st.find(msg.source);
  if (rec == nullptr)
    return; // a stale incarnation or a stranger
  auto idx = static_cast<std::size_t>(rec - st.children.data());
  rec->handle = nullptr;
  switch (rec->state) {
    case phase::stopping:
      rec->state = phase::stopped;
      log().info("supervisor stopped child {}", rec->spec.name);
      stop_next(self);
      return;
    case phase::starting:
      start_failed(self, idx, msg.reason ? msg.reason
                                         : make_error(ec::child_start_failed,
                                                      "exited before ready"));
      return;
    case phase::running:
      if (st.current == mode::stopping) {
        // Went down on its own while another child is being stopped.
        rec->state = phase::stopped;
        return;
      }
      if (is_deliberate_exit(msg.reason)) {
        rec->state = phase::stopped;
        log().warn("supervisor sees child {} exit ({}); not restarting it",
                   rec->spec.name, describe(msg.reason));
        return;
      }
      log().warn("supervisor sees child {} crash: {}", rec->spec.name,
                 describe(msg.reason));
      on_crash(self, idx, msg.reason);
      return;
    default:
      return;
  }
}

} // namespace

const char* to_string(supervisor_state::phase p) {
  switch (p) {
    case phase::idle: return "idle";
    case phase::starting: return "starting";
    case phase::running: return "running";
    case phase::restarting: return "restarting";
    case phase::stopping: return "stopping";
    case phase::stopped: return "stopped";
  }
  return "unknown";
}

std::optional<std::string> validate(const supervisor_config& cfg,
                                    const std::vector<child_spec>& children) {
  if (auto err = validate(cfg.restart))
    return "restart policy: " + *err;
  std::set<std::string> names;
  for (auto& spec : children) {
    if (spec.name.empty())
      return "a child has an empty name";
    if (!names.insert(spec.name).second)
      return "duplicate child name '" + spec.name + "'";
    if (!spec.start)
      return "child '" + spec.name + "' has no factory";
    if (spec.stop_timeout.count() <= 0)
      return "child '" + spec.name + "' needs a stop_timeout > 0";
  }
  return std::nullopt;
}

supervisor_state::~supervisor_state() {
  for (auto& rec : children)
    if (rec.handle)
      caf::anon_send_exit(rec.handle, caf::exit_reason::user_shutdown);
}

supervisor_state::child_record*
supervisor_state::find(const std::string& child_name) {
  for (auto& rec : children)
    if (rec.spec.name == child_name)
      return &rec;
  return nullptr;
}

supervisor_state::child_record*
supervisor_state::find(const caf::actor_addr& addr) {
  for (auto& rec : children)
    if (rec.handle && rec.handle.address() == addr)
      return &rec;
  return nullptr;
}

supervisor_actor::behavior_type
make_supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
                supervisor_config cfg, std::vector<child_spec> children) {
  auto& st = self->state;
  st.cfg = cfg;
  if (auto err = validate(cfg, children)) {
    self->quit(make_error(ec::invalid_argument, "supervisor: " + *err));
    return supervisor_actor::behavior_type::make_empty_behavior();
  }
  st.children.reserve(children.size());
  for (auto& spec : children)
    st.children.push_back({std::move(spec), restart_tracker{cfg.restart},
                           phase::idle, caf::actor{}, 0});
  self->set_down_handler([self](caf::down_msg& msg) { on_down(self, msg); });
  // An exit message (e.g. from the main thread) stops the tree in order
  // instead of orphaning the children.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    log().info("supervisor received exit: {}", describe(msg.reason));
    begin_stop(self, is_deliberate_exit(msg.reason) ? caf::error{}
                                                    : msg.reason);
  });
  return {
    [self](atom::start) -> caf::result<std::vector<std::string>> {
      auto& st = self->state;
      if (st.current != mode::idle)
        return make_error(ec::invalid_argument, "supervisor already started");
      st.current = mode::starting;
      st.start_promise = self->make_response_promise<std::vector<std::string>>();
      log().info("supervisor starts {} children", st.children.size());
      auto promise = st.start_promise;
      start_next(self);
      return promise;
    },
    [self](atom::child, const std::string& name) -> caf::result<caf::actor> {
      auto* rec = self->state.find(name);
      if (rec == nullptr)
        return make_error(ec::not_found, "no child named '" + name + "'");
      if (!rec->handle || rec->state != phase::running)
        return make_error(ec::not_found, "child '" + name + "' is "
                                           + to_string(rec->state));
      return rec->handle;
    },
    [self](atom::status) -> std::vector<child_status> {
      std::vector<child_status> out;
      for (auto& rec : self->state.children)
        out.push_back({rec.spec.name, rec.spec.core, to_string(rec.state),
                       rec.tracker.total_restarts()});
      return out;
    },
    [self](atom::shutdown) -> caf::result<caf::ok_atom> {
      auto& st = self->state;
      if (st.current == mode::idle) {
        st.current = mode::stopping;
        self->quit();
        return caf::ok_atom::value;
      }
      auto promise = self->make_response_promise<caf::ok_atom>();
      st.shutdown_promises.push_back(promise);
      log().info("supervisor shuts down");
      begin_stop(self, caf::error{});
      return promise;
    },
    [self](atom::restart, const std::string& name, std::uint64_t gen) {
      auto& st = self->state;
      auto* rec = st.find(name);
      if (rec == nullptr || rec->state != phase::restarting
          || rec->generation != gen || st.current == mode::stopping)
        return;
      launch(self, static_cast<std::size_t>(rec - st.children.data()));
    },
    [self](atom::shutdown, const std::string& name, std::uint64_t gen) {
      auto* rec = self->state.find(name);
      if (rec == nullptr || rec->state != phase::stopping
          || rec->generation != gen)
        return;
      log().warn("supervisor kills child {}: it did not stop within {} ms",
                 name, rec->spec.stop_timeout.count());
      if (rec->handle) {
        self->demonitor(rec->handle);
        self->send_exit(rec->handle, caf::exit_reason::kill);
        rec->handle = nullptr;
      }
      rec->state = phase::stopped;
      stop_next(self);
    },
  };
}

} // namespace adbatch
