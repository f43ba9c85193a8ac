#include "persistence/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace adbatch::persistence {

std::chrono::milliseconds retry_backoff(int attempts, double jitter_unit,
                                        const backoff_policy& policy) {
  attempts = std::max(attempts, 1);
  // Doubling stops long before overflow matters: cap the exponent.
  const int exponent = std::min(attempts - 1, 30);
  const double raw =
      static_cast<double>(policy.base.count()) * std::ldexp(1.0, exponent);
  const double capped = std::min(raw, static_cast<double>(policy.cap.count()));
  const double unit = std::clamp(jitter_unit, 0.0, 1.0);
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  const double delay = capped * (1.0 - jitter * unit);
  return std::chrono::milliseconds{
      static_cast<std::int64_t>(std::llround(delay))};
}

} // namespace adbatch::persistence
