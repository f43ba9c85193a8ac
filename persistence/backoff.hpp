#pragma once

// Retry delay of a failed request: pure, the jitter is passed in.

#include "persistence/backend.hpp"

#include <chrono>

namespace adbatch::persistence {

/// Delay before the next attempt after `attempts` attempts have failed
/// (attempts >= 1): base * 2^(attempts-1), capped at policy.cap, then
/// shortened by jitter: delay * (1 - policy.jitter * jitter_unit) with
/// jitter_unit in [0, 1). So with the defaults the first retry waits
/// 48..60 s, the second 96..120 s, and from the fifth on 720..900 s.
std::chrono::milliseconds retry_backoff(int attempts, double jitter_unit,
                                        const backoff_policy& policy = {});

} // namespace adbatch::persistence
