#pragma once

// The message graph in one file: every typed actor interface of the node,
// each with a one-line role and a comment per handler. Message payload types
// live in actors/messages.hpp and are registered in actors/types.cpp.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

namespace adbatch {

// Sections are added by each component (supervisor, storage, ...).

// -- supervisor ---------------------------------------------------------------

/// The node's root: starts the children in spawn order, watches them,
/// restarts a crashed one after a backoff (one-for-one) inside a restart
/// intensity limit, escalates past it (quits with
/// ec::restart_intensity_exceeded) and stops the children in reverse spawn
/// order. Implementation: actors/supervisor.{hpp,cpp}.
///
/// Readiness contract: a child whose spec sets `ready_timeout` must answer
/// `(atom::ping) -> (caf::ok_atom)` once it can serve; see child_ready_actor.
using supervisor_actor = caf::typed_actor<
  /// Starts every child in spawn order, each waited for until ready. Replies
  /// with the names of the started children. A core child that fails to
  /// start -> error ec::child_start_failed naming it; the supervisor then
  /// stops the others and quits with that error.
  caf::replies_to<atom::start>::with<std::vector<std::string>>,
  /// The current handle of a running child by name; ec::not_found when
  /// unknown or between restarts. Cast it to the child's typed handle.
  caf::replies_to<atom::child, std::string>::with<caf::actor>,
  /// Every child's name, phase and restart count, in spawn order.
  caf::replies_to<atom::status>::with<std::vector<child_status>>,
  /// Stops the children in reverse spawn order, each waited for (down_msg)
  /// up to its stop timeout, replies ok, then quits normally.
  caf::replies_to<atom::shutdown>::with<caf::ok_atom>,
  /// Internal timer: restart child (name) of the given generation.
  caf::reacts_to<atom::restart, std::string, std::uint64_t>,
  /// Internal timer: the stop timeout of child (name, generation) expired.
  caf::reacts_to<atom::shutdown, std::string, std::uint64_t>>;

/// The readiness probe a supervised child may implement (see
/// child_spec::ready_timeout). Children add this handler to their interface.
using child_ready_actor
  = caf::typed_actor<caf::replies_to<atom::ping>::with<caf::ok_atom>>;

/// heartbeat: the smallest supervised child; proves the tree runs and logs
/// the node's uptime at debug level. Implementation: actors/heartbeat.*.
using heartbeat_actor = caf::typed_actor<
  /// Readiness probe: answers ok.
  caf::replies_to<atom::ping>::with<caf::ok_atom>,
  /// Internal: the periodic tick (re-armed on every tick).
  caf::reacts_to<atom::tick>>;

} // namespace adbatch
