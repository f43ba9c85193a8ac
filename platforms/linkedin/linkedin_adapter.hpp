#pragma once

// LinkedIn Marketing API (Rest.li 2.0, versioned /rest/) flush pipeline:
// request catalog, planner (BATCH_GET, finders covering by-id requests,
// adAnalytics merged over accounts, metrics and date ranges), splitter,
// rate signals and the independent minimum-cost function. Pure: no CAF, no
// I/O, time passed in. Request types, params and result shapes:
// docs/requests.md#linkedin.

#include "platforms/common/pipeline.hpp"
#include "platforms/linkedin/linkedin_plan.hpp"

#include <memory>
#include <span>

namespace adbatch::platforms {

/// The LinkedIn adapter with the default limits (1000 keys per BATCH_GET,
/// finder pages of 1000, merged analytics ranges up to 366 days, queries
/// tunnelled beyond 4000 characters).
std::unique_ptr<platform_adapter> make_linkedin_adapter();
std::unique_ptr<platform_adapter>
make_linkedin_adapter(const linkedin::li_limits& limits);

/// The best possible (quota units, calls) for serving `requests` (see
/// linkedin_minimum.cpp): LinkedIn charges a unit per call, so both are
/// the number of (token, operation) buckets, each split by max_batch_size
/// and analytics by date clusters of at most max_merge_days.
plan_cost linkedin_minimum_cost(std::span<const queued_request> requests,
                                const plan_context& ctx);
plan_cost linkedin_minimum_cost(std::span<const queued_request> requests,
                                const plan_context& ctx,
                                const linkedin::li_limits& limits);

} // namespace adbatch::platforms
