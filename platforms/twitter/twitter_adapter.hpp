#pragma once

// X (Twitter) flush pipeline: request catalog, planner (v2 lookups of up to
// 100 keys, X Ads lists per account, synchronous stats merged over ids and
// ranges, asynchronous stats jobs), splitter, rate signals and the
// independent minimum-cost function. Pure: no CAF, no I/O, time passed in.
// Request types, params and result shapes: docs/requests.md#x.

#include "platforms/common/pipeline.hpp"

#include <memory>
#include <span>

namespace adbatch::platforms {

std::unique_ptr<platform_adapter> make_twitter_adapter();

/// The best possible (quota units, calls) for serving `requests` under X's
/// limits and the merge rules (see twitter_minimum.cpp): one unit per call.
plan_cost twitter_minimum_cost(std::span<const queued_request> requests,
                               const plan_context& ctx);

} // namespace adbatch::platforms
