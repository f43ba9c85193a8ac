#pragma once

// fault_profile <-> JSON, for POST/GET /__sim/faults/<platform>.
// Field names: error_rate, partial_batch_rate, throttle_rate, throttle_storm,
// timeout_rate, drop_rate, latency_min_ms, latency_max_ms.

#include <optional>
#include <string>
#include <string_view>

#include "sim/core/platform.hpp"

namespace adbatch::sim {

/// Serializes a profile as a JSON object.
std::string fault_profile_to_json(const fault_profile& f);

/// Applies the fields present in `json` (an object) on top of `base`.
/// Returns nullopt and sets `error` for bad JSON, unknown fields, rates
/// outside [0, 1] or negative latencies.
std::optional<fault_profile> apply_fault_json(std::string_view json,
                                              const fault_profile& base,
                                              std::string& error);

/// Checks ranges; returns an error text or empty.
std::string validate(const fault_profile& f);

} // namespace adbatch::sim
