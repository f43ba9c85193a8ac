#pragma once

// A fixed-window budget for the simulators: at most `limit` units per window.
// Pure: the caller passes the time. `time_scale` > 1 makes windows pass
// faster (60 => a one-hour window lasts one real minute) so tests and
// benchmarks can spend and regain a budget in seconds.

#include <chrono>
#include <cstdint>

#include "sim/core/platform.hpp"

namespace adbatch::sim {

class rate_window {
public:
  /// `window` is the platform's published window (e.g. 15 min); the real
  /// duration is window / time_scale.
  rate_window(std::int64_t limit, std::chrono::nanoseconds window,
              double time_scale = 1.0);

  /// Spends `units` if they fit into what is left of the current window.
  /// Returns false, spending nothing, when they do not.
  bool try_spend(std::int64_t units, time_point now);

  /// Spends `units` even past the limit (platforms that count over-use).
  void spend(std::int64_t units, time_point now);

  std::int64_t limit() const { return limit_; }
  std::int64_t used(time_point now);
  std::int64_t remaining(time_point now);
  /// used / limit in percent (0-100+), as Meta's usage headers report it.
  double used_percent(time_point now);

  /// Real (scaled) time until the current window ends.
  std::chrono::nanoseconds reset_in(time_point now);
  /// The published (unscaled) time until the window ends, e.g. for headers
  /// that state minutes or seconds to regain access.
  std::chrono::nanoseconds published_reset_in(time_point now);

  /// Forgets everything spent.
  void reset();

private:
  void roll(time_point now);

  std::int64_t limit_;
  std::chrono::nanoseconds window_;  ///< published window
  std::chrono::nanoseconds scaled_;  ///< real window = window_ / time_scale
  double time_scale_;
  bool started_ = false;
  time_point window_start_{};
  std::int64_t used_ = 0;
};

} // namespace adbatch::sim
