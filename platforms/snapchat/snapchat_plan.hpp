#pragma once

// Internals shared by the Snapchat planner and splitter: how a claimed
// request resolves to a token and ad account, and what a call carries from
// plan() to split().

#include "platforms/common/pipeline.hpp"
#include "platforms/snapchat/snapchat_catalog.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace adbatch::platforms::snapchat {

/// A request with its token and ad account resolved (stats ranges too).
struct resolved_request {
  const queued_request* request = nullptr;
  request_spec spec;
  std::string token;
  /// list and ad stats: params.ad_account_id, else the connection's.
  std::string account;
};

struct resolution {
  std::optional<resolved_request> ok;
  std::optional<request_outcome> rejected;
};

/// Parses the params, finds the token and the ad account and resolves a
/// default stats range with ctx.now.
resolution resolve_request(const queued_request& r, const plan_context& ctx);

/// What one served request takes from a call's answer.
struct part {
  std::int64_t request_id = 0;
  request_spec spec;
  std::string account;
};

/// The shape of a call's answer.
enum class call_shape : std::uint8_t {
  orgs,      ///< organizations with their ad accounts
  list,      ///< one collection's items ("adaccounts" too)
  stats,     ///< total_stats / timeseries_stats
  targeting, ///< targeting_dimensions
};

struct sc_call_context : call_context {
  call_shape shape = call_shape::list;
  /// The call is one request's own call (naive_call): a parent's own list
  /// needs no "not in this ad account" check.
  bool own = false;
  std::string account;
  std::string entity; ///< list: item key ("campaign"); targeting: the type
  /// stats: the call's range, granularity and breakdown ("" = none).
  std::int64_t first_day = 0;
  std::int64_t last_day = 0;
  bool daily = false;
  std::string breakdown;
  std::string scope;
  std::vector<part> parts;
  /// naive_call of a request plan() rejects: its outcome, no call.
  std::optional<request_outcome> rejected;
};

/// "token:<12 hex>" (no secret in it).
std::string token_scope(const std::string& token);

/// The Snapchat plan for `requests` (the adapter's make_plan).
plan plan_snapchat(std::span<const queued_request> requests,
                   const plan_context& ctx);

/// The single call serving `r` alone (the adapter's naive_call).
upstream_call naive_snapchat_call(const queued_request& r,
                                  const plan_context& ctx);

/// Cuts a call's answer into its requests' outcomes (the adapter's split).
split_result split_snapchat(const upstream_call& call,
                            const upstream_reply& reply,
                            const plan_context& ctx);

/// Rate signals of one answer: HTTP 429 -> throttled, pause_for =
/// Retry-After when given, else one second (Snapchat's budgets are per
/// second and it documents no rate-limit headers).
std::vector<rate_signal> snapchat_rate_signals(const upstream_reply& reply,
                                               const std::string& scope);

/// Percent-encodes a query value.
std::string encode(std::string_view s);

} // namespace adbatch::platforms::snapchat
