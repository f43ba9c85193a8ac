#pragma once

// Google Ads in the flush pipeline: the request catalog, the planner (one
// searchStream per credential, customer, resource and row grain; one
// partial-failure mutate per credential, customer and collection), the
// splitter, the independent minimum function and the rate-signal parser.
// Pure: no CAF, no I/O, time passed in. docs/requests.md#google-ads lists
// the request types.
//
// plan_settings the batcher must pass:
//   platform_credentials["developer_token"]  the developer-token header
//   api_version                              "v22" (default: the newest
//                                            adbatch-sim accepts)

#include "platforms/common/pipeline.hpp"

#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace adbatch::platforms {

/// The Google Ads adapter.
std::unique_ptr<platform_adapter> make_google_adapter();

/// The best possible cost of serving `requests`, by a plain formula
/// independent of the planner:
///
///   units = read groups + distinct raw queries + mutate operations
///   calls = read groups + distinct raw queries
///           + sum over (credential, customer, collection) of
///             ceil(operations / 10,000)
///
/// A read group is a distinct (credential = token + login-customer-id,
/// customer, GAQL resource, grain) with grain attributes / total / daily;
/// it counts once more for each further 3,650-day window its dates need
/// (the API rejects wider queries). A raw query is a distinct (credential,
/// customer, gaql_query text). Mutate operations count once per distinct
/// (credential, customer, collection, operation list): identical requests
/// share. Requests plan() rejects (invalid params, missing token or
/// customer id) cost nothing. The calls term is a lower bound the planner
/// reaches unless requests' operation lists cannot be packed into full
/// calls (a request's operations never straddle two calls).
plan_cost google_minimum_cost(std::span<const queued_request> requests,
                              const plan_context& ctx);

namespace google {

/// The rate signals of one reply (RESOURCE_EXHAUSTED /
/// RESOURCE_TEMPORARILY_EXHAUSTED -> throttled, pause_for = retryDelay;
/// scope "developer_token" or "customer:<cid>").
std::vector<rate_signal> parse_rate_signals(const upstream_reply& reply,
                                            std::string_view customer_id,
                                            time_point now);

} // namespace google

} // namespace adbatch::platforms
