#pragma once

// A token bucket that hands out reservations: the rate_limiter actor's rule
// (time passed in, no clock, no I/O). `capacity` units refill at
// capacity / period; a caller asks for `units` and learns how long to wait
// before its call may go. A grant reserves the units at once (the bucket may
// go into debt, so later callers queue behind earlier ones in order); a
// denial reserves nothing and says when the units would be there.
//
// Why a reservation bucket rather than "try now, fail if empty": a flush
// knows its calls up front, so waiting a little inside the flush is better
// than giving requests back to the queue; the caller's max_wait decides.

#include <chrono>
#include <cstdint>

namespace adbatch::platforms {

class token_bucket {
public:
  using clock = std::chrono::steady_clock;
  using duration = clock::duration;
  using time_point = clock::time_point;

  /// Answer of acquire().
  struct grant {
    /// True: the units are reserved; the call may go after `wait`.
    /// False: nothing reserved; the units would be there after `wait`.
    bool granted = false;
    duration wait{0};
  };

  /// `capacity` units per `period`, starting full. capacity > 0, period > 0.
  token_bucket(std::int64_t capacity, duration period, time_point now);

  /// Reserves `units` if they are there within `max_wait`. A call dearer than
  /// the whole capacity is granted once the bucket is full (it goes into
  /// debt), so no call is refused for ever.
  grant acquire(std::int64_t units, time_point now, duration max_wait);

  /// Gives back units reserved for a call that was not made (never above
  /// capacity).
  void refund(std::int64_t units, time_point now);

  /// Units available now (negative while in debt).
  double available(time_point now);

  std::int64_t capacity() const { return capacity_; }
  duration period() const { return period_; }

private:
  void refill(time_point now);

  std::int64_t capacity_;
  duration period_;
  double tokens_;
  time_point last_;
};

} // namespace adbatch::platforms
