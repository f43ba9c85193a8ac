#pragma once

// Payload types carried in messages between actors. Each one has an
// `inspect` overload and is registered in actors/types.cpp, so it can also
// cross CAF remote connections.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "actors/pipeline_messages.hpp" // batcher, rate_limiter, scheduler
#include "actors/storage_messages.hpp" // storage payloads (persistence types)

namespace adbatch {

// -- supervisor ---------------------------------------------------------------

/// One supervised child as the supervisor sees it (reply to atom::status).
struct child_status {
  /// The child's registry name, e.g. "storage".
  std::string name;
  /// Core children must start for the node to run.
  bool core = false;
  /// "idle", "starting", "running", "restarting", "stopping" or "stopped".
  std::string phase;
  /// Restarts granted so far.
  std::uint64_t restarts = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, child_status& x) {
  return f(caf::meta::type_name("adbatch.child_status"), x.name, x.core,
           x.phase, x.restarts);
}

} // namespace adbatch
