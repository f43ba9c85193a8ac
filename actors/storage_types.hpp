#pragma once

#include <caf/fwd.hpp>

namespace adbatch {

/// Registers the storage actor's payload types (persistence types and the
/// vectors of them); called by register_types().
void register_storage_types(caf::actor_system_config& cfg);

} // namespace adbatch
