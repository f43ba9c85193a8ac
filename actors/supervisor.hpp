#pragma once

// The node's hand-written supervisor (CAF 0.17 has no restart strategies).
//
// Children are described by `child_spec`s in spawn order. The supervisor
// starts them one after the other (waiting for each to be ready), monitors
// them, restarts a child that goes down abnormally after an exponential
// backoff (one-for-one), escalates when a child crashes more often than the
// restart intensity allows, and on shutdown stops the children in reverse
// spawn order, each waited for, so the first-spawned child (storage) stops
// last. The interface is `supervisor_actor` in actors/actors.hpp.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"
#include "actors/restart_policy.hpp"

namespace adbatch {

/// What a child factory gets to build its actor.
struct child_context {
  /// The system to spawn in.
  caf::actor_system& sys;
  /// The supervisor, e.g. for a child that asks for a sibling by name later.
  supervisor_actor supervisor;
  /// The children currently running, by name. A child spawned later in the
  /// order sees the ones before it (storage comes first).
  std::map<std::string, caf::actor> running;
};

/// Builds (spawns) a child. Returns the actor or an error saying why it
/// cannot start. Called again for every restart. It runs inside the
/// supervisor, so blocking work here blocks the supervisor: keep it short or
/// do slow setup in the child and use `ready_timeout`.
using child_factory
  = std::function<caf::expected<caf::actor>(const child_context&)>;

/// One supervised child.
struct child_spec {
  /// Registry name, unique within the supervisor ("storage", "status", ...).
  std::string name;
  /// A core child must start for the node to run: if it fails to start, the
  /// supervisor stops and reports ec::child_start_failed. A non-core child
  /// that fails to start is retried with backoff like a crash.
  bool core = true;
  /// Spawns the child.
  child_factory start;
  /// Zero: the child counts as started as soon as the factory returns.
  /// Otherwise the supervisor asks it `(atom::ping) -> caf::ok_atom` and the
  /// child counts as started only when it answers within this time; the next
  /// child starts after that. Dying before the answer is a failed start.
  std::chrono::milliseconds ready_timeout{0};
  /// How long shutdown waits for this child's down_msg before killing it
  /// and moving on to the next.
  std::chrono::milliseconds stop_timeout{10000};
};

/// The supervisor's settings.
struct supervisor_config {
  /// Backoff and restart intensity, applied per child.
  restart_policy_config restart;
};

/// Returns a message naming the first problem (duplicate or empty names,
/// missing factory, bad policy), or nothing.
std::optional<std::string> validate(const supervisor_config& cfg,
                                    const std::vector<child_spec>& children);

/// The supervisor's state; one record per child, in spawn order.
struct supervisor_state {
  static inline const char* name = "supervisor";

  enum class phase { idle, starting, running, restarting, stopping, stopped };

  struct child_record {
    child_spec spec;
    restart_tracker tracker;
    phase state = phase::idle;
    /// The running actor; null while idle, restarting or stopped.
    caf::actor handle;
    /// Incremented on every (re)start; timers carry it so a stale timer
    /// (for an earlier incarnation) is ignored.
    std::uint64_t generation = 0;
  };

  /// Where the supervisor as a whole is.
  enum class mode { idle, starting, running, stopping };

  supervisor_config cfg;
  std::vector<child_record> children;
  mode current = mode::idle;
  /// The next child to start during the initial start.
  std::size_t start_index = 0;
  /// The reply to atom::start, pending until every child is up.
  caf::typed_response_promise<std::vector<std::string>> start_promise;
  bool start_pending = false;
  /// Replies to atom::shutdown, delivered once the last child stopped.
  std::vector<caf::typed_response_promise<caf::ok_atom>> shutdown_promises;
  /// The reason the supervisor quits with after stopping the children.
  caf::error final_reason;

  /// Kills children that are still alive if the supervisor dies without an
  /// orderly stop (e.g. an exception), so no child outlives it.
  ~supervisor_state();

  child_record* find(const std::string& child_name);
  child_record* find(const caf::actor_addr& addr);
};

/// Spawn with `sys.spawn(make_supervisor, cfg, children)`; send atom::start
/// to start the tree.
supervisor_actor::behavior_type
make_supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
                supervisor_config cfg, std::vector<child_spec> children);

/// "running", "restarting", ... for logs and atom::status.
const char* to_string(supervisor_state::phase p);

} // namespace adbatch
