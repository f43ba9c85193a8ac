#pragma once

// Internals shared by the TikTok planner and splitter: how a claimed request
// resolves to a token and advertiser, and what a call carries from plan()
// to split().

#include "platforms/common/pipeline.hpp"
#include "platforms/tiktok/tiktok_catalog.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace adbatch::platforms::tiktok {

/// Path prefix of every call (the base URL is the API host).
inline constexpr std::string_view api_prefix = "/open_api/v1.3/";

/// A request with its token and advertiser resolved.
struct resolved_request {
  const queued_request* request = nullptr;
  request_spec spec;
  std::string token;
  /// The advertiser (list/report), or "" (info, events).
  std::string advertiser_id;
};

struct resolution {
  std::optional<resolved_request> ok;
  std::optional<request_outcome> rejected;
};

/// Parses the params and finds the token and advertiser (params.advertiser_id,
/// else the connection's account_ids.advertiser_id; get_advertisers and
/// get_advertiser_info without ids take account_ids.advertiser_ids or
/// advertiser_id).
resolution resolve_request(const queued_request& r, const plan_context& ctx);

/// What split() needs of one call.
struct tiktok_call_context : call_context {
  enum class kind : std::uint8_t { info, list, report, events } k = kind::info;
  /// The requests of the call (identical ones share a part).
  struct part {
    std::vector<std::int64_t> request_ids;
    request_spec spec;
    /// events: indices into the call's data array of this part's events.
    std::vector<std::size_t> event_indices;
    /// list / report: the call asks exactly what the part's own call would
    /// (so an answer too big for one page would be too big alone too).
    bool as_alone = false;
  };
  std::vector<part> parts;
  std::string advertiser_id; ///< list / report
  int level = 0;             ///< report
  bool report_daily = true;  ///< report: stat_time_day in the dimensions
};

plan plan_tiktok(std::span<const queued_request> requests,
                 const plan_context& ctx);
upstream_call naive_tiktok_call(const queued_request& r,
                                const plan_context& ctx);
split_result split_tiktok(const upstream_call& call,
                          const upstream_reply& reply, const plan_context& ctx);

/// The canonical key of a request's spec (identical requests share it).
std::string spec_key(const request_spec& s);

/// The rate signals of one reply (codes 40100 / 40016 app, 40133
/// advertiser: throttled, pause 1 s: TikTok's QPS windows are per second).
std::vector<rate_signal> rate_signals_of(const upstream_reply& reply,
                                         std::string_view advertiser_id);

/// Percent-encodes a query value.
std::string url_encode(std::string_view s);

} // namespace adbatch::platforms::tiktok
