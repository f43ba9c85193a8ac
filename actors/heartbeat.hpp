#pragma once

// heartbeat: the smallest supervised child. It proves the tree runs (it
// answers the supervisor's readiness probe) and logs the node's uptime at
// debug level on a fixed interval.

#include <chrono>
#include <string>

#include <caf/actor_clock.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"

namespace adbatch {

struct heartbeat_state {
  static inline const char* name = "heartbeat";
  /// Node name for the log line.
  std::string node_name;
  /// When the child started (the actor clock).
  caf::actor_clock::time_point started;
  /// Ticks so far.
  std::uint64_t beats = 0;
};

/// Spawn with `sys.spawn(make_heartbeat, node_name, interval)`.
heartbeat_actor::behavior_type
make_heartbeat(heartbeat_actor::stateful_pointer<heartbeat_state> self,
               std::string node_name, std::chrono::milliseconds interval);

} // namespace adbatch
