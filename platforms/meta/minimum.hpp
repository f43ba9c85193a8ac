#pragma once

// Internal helper of meta_minimum_cost (minimum.cpp), exposed for tests.

#include <cstdint>
#include <span>

namespace adbatch::platforms::meta {

/// Batch calls needed for operations of these estimated batch times: 0 for
/// none, their number if one or cap <= 1, else the least m >= ceil(n / cap)
/// that is at least the number of operations heavier than the budget and
/// has sum - (m largest) <= m * budget (a batch runs its operations in
/// order and stops once those before exceed the budget, so each batch's
/// heaviest goes last; budget <= 0 = unlimited).
std::int64_t batch_calls_lower_bound(std::span<const std::int64_t> costs,
                                     int cap, std::int64_t budget);

} // namespace adbatch::platforms::meta
