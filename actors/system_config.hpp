#pragma once

// CAF settings the node (adbatchd) and adbatch-bench share, so the bench
// measures the node as it runs.

#include <caf/fwd.hpp>

namespace adbatch {

/// Sets the actor system options every adbatch process uses: its message
/// types, CAF's own logger off (adbatch logs through common/logger), and a
/// scheduler that stops polling soon when it runs out of work.
///
/// Why the scheduler setting: CAF's work-stealing workers poll an empty
/// queue 100 times, then 500 times with a 50 us sleep between polls (25 ms
/// of wake-ups) before they wait on a condition variable. adbatch's actors
/// do little CPU work each (the blocking and CPU-heavy parts run on storage
/// and HTTP threads), so its workers are idle most of the time, and those
/// wake-ups cost CPU that PostgreSQL, on the same cores, needs: measured
/// with `adbatch-bench enqueue`, the process used ~1.9-2.4 s of CPU per
/// 100,000 enqueues with CAF's defaults and ~1.2-1.4 s with 10 + 10 polls
/// (docs/benchmarks.md). A waiting worker is woken by new work from outside
/// at once (condition variable), so latency stays in microseconds.
void configure_actor_system(caf::actor_system_config& cfg);

} // namespace adbatch
