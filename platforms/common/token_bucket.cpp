#include "platforms/common/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace adbatch::platforms {

token_bucket::token_bucket(std::int64_t capacity, duration period,
                           time_point now)
    : capacity_(std::max<std::int64_t>(1, capacity)),
      period_(period.count() > 0 ? period : duration{1}),
      tokens_(static_cast<double>(capacity_)), last_(now) {}

void token_bucket::refill(time_point now) {
  if (now <= last_) return;
  auto elapsed = std::chrono::duration<double>(now - last_).count();
  auto per_second = static_cast<double>(capacity_) /
                    std::chrono::duration<double>(period_).count();
  tokens_ =
      std::min(static_cast<double>(capacity_), tokens_ + elapsed * per_second);
  last_ = now;
}

double token_bucket::available(time_point now) {
  refill(now);
  return tokens_;
}

token_bucket::grant token_bucket::acquire(std::int64_t units, time_point now,
                                          duration max_wait) {
  refill(now);
  // A call dearer than the capacity needs a full bucket, then goes into debt.
  auto needed = static_cast<double>(std::min(units, capacity_));
  grant g;
  if (tokens_ >= needed) {
    tokens_ -= static_cast<double>(units);
    g.granted = true;
    return g;
  }
  auto per_second = static_cast<double>(capacity_) /
                    std::chrono::duration<double>(period_).count();
  auto seconds = (needed - tokens_) / per_second;
  g.wait = std::chrono::duration_cast<duration>(
      std::chrono::duration<double>(std::ceil(seconds * 1e6) / 1e6));
  if (g.wait <= max_wait) {
    tokens_ -= static_cast<double>(units);
    g.granted = true;
  }
  return g;
}

void token_bucket::refund(std::int64_t units, time_point now) {
  refill(now);
  tokens_ = std::min(static_cast<double>(capacity_),
                     tokens_ + static_cast<double>(units));
}

} // namespace adbatch::platforms
