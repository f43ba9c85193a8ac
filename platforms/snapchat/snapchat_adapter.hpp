#pragma once

// Snapchat Marketing API v1 in the flush pipeline: the request catalog, the
// planner (per token: one /v1/me/organizations?with_ad_accounts=true for
// organizations and ad accounts; one list per ad account and collection
// serving whole-list, by-id and per-parent requests; one stats call per ad
// account, breakdown and offset with the requests' ranges unified; one per
// pixel; one per targeting dimension), the splitter, the independent
// minimum function and the rate-signal parser. Pure: no CAF, no I/O, time
// passed in. docs/requests.md#snapchat lists the request types.

#include "platforms/common/pipeline.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace adbatch::platforms {

/// The Snapchat adapter.
std::unique_ptr<platform_adapter> make_snapchat_adapter();

/// The best possible cost of serving `requests` (see snapchat_minimum.cpp):
/// one unit per call; one call per distinct (token, endpoint, ad account)
/// and, for stats, per 366-day window their ranges need.
plan_cost snapchat_minimum_cost(std::span<const queued_request> requests,
                                const plan_context& ctx);

namespace snapchat {

/// The rate signals of one answer (HTTP 429 -> throttled on `scope`,
/// pause_for = Retry-After or one second).
std::vector<rate_signal> parse_rate_signals(const upstream_reply& reply,
                                            const std::string& scope);

} // namespace snapchat

} // namespace adbatch::platforms
