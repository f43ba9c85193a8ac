#pragma once

// The node: the supervisor tree built from the typed config, and the
// process-level run loop of adbatchd (start, wait for SIGINT/SIGTERM, stop).

#include <chrono>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "actors/supervisor.hpp"
#include "config/config.hpp"

namespace adbatch {

/// Process exit codes of adbatchd (documented in docs/getting-started.md).
namespace exit_code {
/// Started, ran, stopped cleanly on SIGINT/SIGTERM; or a config check passed.
inline constexpr int ok = 0;
/// Anything unexpected (e.g. the tree did not stop in time).
inline constexpr int failure = 1;
/// The configuration or the command line is invalid.
inline constexpr int invalid_config = 2;
/// A core child failed to start.
inline constexpr int start_failed = 3;
/// A child crashed more often than the restart intensity allows.
inline constexpr int escalated = 4;
} // namespace exit_code

/// The supervisor's children for `cfg`, in spawn order (the first one stops
/// last). Each component contributes one line here.
std::vector<child_spec> make_children(const config::config& cfg);

/// The supervisor settings for `cfg` (restart policy).
supervisor_config make_supervisor_config(const config::config& cfg);

/// Spawns the supervisor over `children`, sends it atom::start and blocks
/// until every child is up or the start failed (then the supervisor has
/// already stopped what it started and quit). `timeout` bounds the wait.
caf::expected<supervisor_actor>
start_node(caf::actor_system& sys, supervisor_config cfg,
           std::vector<child_spec> children, caf::timespan timeout);

/// Asks the supervisor to shut down and blocks until it terminated. Returns
/// its exit reason: none for a clean stop, the escalation or start error if
/// it had already quit on its own, ec::timeout if it did not stop in time.
caf::error stop_node(caf::actor_system& sys, const supervisor_actor& sup,
                     caf::timespan timeout);

/// Blocks SIGINT, SIGTERM, SIGUSR1 and SIGUSR2 in the calling thread (and
/// resets them to their default action, undoing an inherited "ignore"). Call it in
/// main before the actor_system is constructed, so every CAF thread
/// inherits the mask and run_node's sigwait is the only receiver.
void block_stop_signals();

/// Runs the node for `cfg`: starts the tree, logs "adbatchd <name> is up",
/// waits for SIGINT/SIGTERM (or for the supervisor to quit on its own),
/// stops the tree and logs "adbatchd stopped". Returns an exit_code value.
/// A signal during the start stops the tree at once (exit 0). Requires
/// block_stop_signals() first; uses SIGUSR1/SIGUSR2 internally.
int run_node(caf::actor_system& sys, const config::config& cfg);

/// run_node over an explicit tree (tests use it with their own children).
/// SIGINT/SIGTERM must be blocked in every thread (block_stop_signals).
int run_node(caf::actor_system& sys, const config::config& cfg,
             supervisor_config sup_cfg, std::vector<child_spec> children);

} // namespace adbatch
