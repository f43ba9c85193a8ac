#pragma once

// TikTok Business API v1.3 in the flush pipeline: the request catalog, the
// planner, the splitter, the independent minimum function and the
// rate-signal parser. Pure: no CAF, no I/O. docs/requests.md#tiktok lists
// the request types; the connection's account_ids carry `advertiser_id`
// (and optionally `advertiser_ids`, the advertisers get_advertisers
// reports).

#include "platforms/common/pipeline.hpp"

#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace adbatch::platforms {

/// The TikTok adapter.
std::unique_ptr<platform_adapter> make_tiktok_adapter();

/// The best possible cost of serving `requests`, by formula, independent of
/// the planner. TikTok's budgets count calls, so units = calls:
///
///   advertiser/info/  sum over tokens of ceil(distinct advertiser ids / 100)
///   list reads        one per distinct (token, advertiser, endpoint)
///   event/track/      sum over (token, event source) of
///                     ceil(distinct (event, event_id) / 1,000)
///   reports           per (token, advertiser, data level): the requests
///                     with ids cost 1 when the union of their ids (<= 100)
///                     times the days of the union of their ranges (1 when
///                     they all want totals over one range) fits one page
///                     of 1,000 rows; requests without ids (and ids whose
///                     union does not fit, per distinct id list) cost one
///                     per maximal daily range plus one per total range no
///                     daily range covers (a report of unknown size is
///                     never widened beyond one of its own requests).
///
/// Requests plan() rejects cost nothing. The advertiser/info/ and
/// event/track/ terms are lower bounds the planner reaches unless requests'
/// id or event lists cannot be packed into full calls (a request is never
/// split over two calls).
plan_cost tiktok_minimum_cost(std::span<const queued_request> requests,
                              const plan_context& ctx);

namespace tiktok {

/// The rate signals of one reply: code 40100 / 40016 (app) and 40133
/// (advertiser, scope "advertiser:<id>") -> throttled, pause_for 1 s.
std::vector<rate_signal> parse_rate_signals(const upstream_reply& reply,
                                            std::string_view advertiser_id);

} // namespace tiktok

} // namespace adbatch::platforms
