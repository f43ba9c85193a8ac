#pragma once

// Per-platform, per-endpoint counters for GET /__sim/stats. Plain data; the
// front end guards each platform's counters with that platform's mutex.

#include <cstdint>
#include <map>
#include <string>

#include "sim/core/platform.hpp"

namespace adbatch::sim {

struct endpoint_counters {
  std::int64_t calls = 0;        ///< HTTP calls the platform answered
  std::int64_t quota_units = 0;  ///< units charged against its budget
  std::int64_t items = 0;        ///< logical items served
  std::int64_t errors = 0;       ///< error answers (any kind)
  std::int64_t throttles = 0;    ///< rate-limit / throttle answers
};

struct platform_counters {
  std::int64_t received = 0;   ///< HTTP calls received (excluding /__sim/*)
  std::int64_t dropped = 0;    ///< closed without an answer (drop fault)
  std::int64_t timed_out = 0;  ///< held unanswered (timeout fault)
  endpoint_counters total;     ///< sum over endpoints
  std::map<std::string, endpoint_counters> endpoints;

  /// Counts one answered call.
  void record(const accounting& a);
  void reset() { *this = platform_counters{}; }
};

} // namespace adbatch::sim
