#pragma once

// The supervisor's restart rules as plain code: exponential backoff inside a
// restart-intensity limit, one tracker per child. No CAF, no clock reads:
// the caller passes `now` (the supervisor passes self->now(), so tests drive
// it with the test_coordinator's clock).

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>

namespace adbatch {

/// How a supervisor restarts a crashed child. Defaults: 100 ms doubling to at
/// most 5 s; at most 3 restarts per child within 10 s, the 4th crash in that
/// window escalates.
struct restart_policy_config {
  /// Delay before the first restart after a quiet period.
  std::chrono::milliseconds initial_backoff{100};
  /// The delay doubles with each crash inside the window, up to this cap.
  std::chrono::milliseconds max_backoff{5000};
  /// At most this many restarts of one child inside `window`.
  std::size_t max_restarts = 3;
  /// The sliding window the intensity limit counts in.
  std::chrono::milliseconds window{10000};
};

/// Returns a message naming the first bad field, or nothing if `cfg` is usable.
std::optional<std::string> validate(const restart_policy_config& cfg);

/// What to do about one crash.
struct restart_decision {
  enum class action { restart, escalate };
  action what = action::restart;
  /// How long to wait before restarting (zero when escalating).
  std::chrono::milliseconds delay{0};
  /// Crashes counted inside the window, this one included.
  std::size_t crashes_in_window = 0;
};

/// Counts one child's crashes and decides restart-after-delay or escalate.
/// Crashes older than the window are forgotten, so a child that has been
/// quiet for a window starts again at the initial backoff.
class restart_tracker {
public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit restart_tracker(restart_policy_config cfg = {});

  /// Records a crash at `now` and decides what follows. The n-th crash in
  /// the window waits initial_backoff * 2^(n-1) (capped); a crash that would
  /// make more than max_restarts restarts in the window escalates.
  restart_decision on_crash(time_point now);

  /// Crashes currently inside the window as of the last on_crash.
  std::size_t crashes_in_window() const {
    return crashes_.size();
  }

  /// Restarts granted so far over the tracker's lifetime.
  std::size_t total_restarts() const {
    return total_restarts_;
  }

  const restart_policy_config& config() const {
    return cfg_;
  }

private:
  restart_policy_config cfg_;
  std::deque<time_point> crashes_;
  std::size_t total_restarts_ = 0;
};

/// The backoff of the n-th crash in a window (n >= 1), capped.
std::chrono::milliseconds backoff_for(const restart_policy_config& cfg,
                                      std::size_t n);

} // namespace adbatch
