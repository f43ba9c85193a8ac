#pragma once

#include <caf/fwd.hpp>

namespace adbatch {

/// Registers adbatch's message types and its error category with a CAF
/// config. Every actor_system_config of the project (node, CLI, tests) calls
/// this before the system is constructed.
void register_types(caf::actor_system_config& cfg);

} // namespace adbatch
