#pragma once

// rate_limiter: one per platform; the platform's rate budget as a token
// bucket over the configured `rate_limit` (requests per window). The
// batcher asks it before every upstream call with the call's quota units.
// The rule itself is platforms/common/token_bucket.hpp (pure, time passed
// in); this actor only feeds it the actor clock, so tests drive it with the
// test coordinator's clock.

#include "actors/actors.hpp"
#include "platforms/common/token_bucket.hpp"

#include <caf/typed_event_based_actor.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace adbatch {

struct rate_limiter_config {
  /// "meta", ... (logs and status).
  std::string platform;
  /// Units per period, > 0.
  std::int64_t capacity = 1;
  /// The window, > 0.
  caf::timespan period = std::chrono::seconds(1);
};

/// A message naming the first invalid setting, or an empty error.
caf::error validate(const rate_limiter_config& cfg);

struct rate_limiter_state {
  static inline const char* name = "rate_limiter";
  rate_limiter_config cfg;
  std::optional<platforms::token_bucket> bucket;
  rate_limiter_status counters;
};

/// Spawn with `sys.spawn(make_rate_limiter, cfg)`.
rate_limiter_actor::behavior_type
make_rate_limiter(rate_limiter_actor::stateful_pointer<rate_limiter_state> self,
                  rate_limiter_config cfg);

} // namespace adbatch
