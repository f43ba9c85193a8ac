#pragma once

// Payloads of the flush pipeline's messages (batcher, rate_limiter,
// scheduler). Registered in actors/pipeline_types.cpp.

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace adbatch {

/// rate_limiter's answer to atom::acquire.
struct rate_grant {
  /// True: reserved, the call may go after `wait`. False: nothing reserved;
  /// the units would be there after `wait`.
  bool granted = false;
  caf::timespan wait{0};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rate_grant& x) {
  return f(caf::meta::type_name("adbatch.rate_grant"), x.granted, x.wait);
}

/// A rate budget as it stands.
struct rate_limiter_status {
  std::string platform;
  std::int64_t capacity = 0; ///< units per period
  caf::timespan period{0};
  double available = 0;     ///< units now (negative while in debt)
  std::int64_t granted = 0; ///< acquire calls granted so far
  std::int64_t denied = 0;  ///< acquire calls denied so far
  std::int64_t units_granted = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rate_limiter_status& x) {
  return f(caf::meta::type_name("adbatch.rate_limiter_status"), x.platform,
           x.capacity, x.period, x.available, x.granted, x.denied,
           x.units_granted);
}

/// What a flush did (the original's flush() answer, plus the costs).
struct flush_summary {
  /// Requests claimed and handled (= success + failed + ambiguous +
  /// deferred + retrying).
  std::int64_t processed = 0;
  std::int64_t success = 0;
  /// Failed for good (permanent error or attempts used up).
  std::int64_t failed = 0;
  /// Failed this time, back in the queue after a backoff.
  std::int64_t retrying = 0;
  /// Back in the queue without spending an attempt (throttled, budget
  /// spent, not reached by the platform).
  std::int64_t deferred = 0;
  /// Writes whose outcome is unknown (terminal, never retried blindly).
  std::int64_t ambiguous = 0;
  std::int64_t rounds = 0;
  std::int64_t calls = 0;       ///< upstream HTTP calls made
  std::int64_t quota_units = 0; ///< units the platform really charged
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, flush_summary& x) {
  return f(caf::meta::type_name("adbatch.flush_summary"), x.processed,
           x.success, x.failed, x.retrying, x.deferred, x.ambiguous, x.rounds,
           x.calls, x.quota_units);
}

/// A batcher's counters and schedule.
struct batcher_status {
  std::string platform;
  bool flushing = false;
  std::int64_t flushes = 0;
  /// New rows announced since the last flush started (this node only).
  std::int64_t queued_since_flush = 0;
  caf::timespan flush_interval{0};
  flush_summary totals; ///< summed over every flush since start
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batcher_status& x) {
  return f(caf::meta::type_name("adbatch.batcher_status"), x.platform,
           x.flushing, x.flushes, x.queued_since_flush, x.flush_interval,
           x.totals);
}

/// An upstream call's answer as the HTTPS client delivered it (internal to
/// the batcher; mirrors platforms::upstream_reply).
struct upstream_answer {
  int status = 0;                             ///< 0 = no HTTP answer
  std::map<std::string, std::string> headers; ///< lower-case names
  std::string body;
  std::string transport_error; ///< "" = none
  bool maybe_delivered = false;
  std::int64_t duration_us = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, upstream_answer& x) {
  return f(caf::meta::type_name("adbatch.upstream_answer"), x.status, x.headers,
           x.body, x.transport_error, x.maybe_delivered, x.duration_us);
}

} // namespace adbatch
