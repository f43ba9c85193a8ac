#pragma once

// X (Twitter) API v2 lookup simulator (see docs/platforms.md#x--twitter).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "sim/core/platform.hpp"

namespace adbatch::sim {

/// X-specific knobs. Defaults follow platform-contracts.md §6.
struct twitter_options {
  /// Requests per 15-minute window and endpoint for an app (Bearer token).
  std::int64_t app_limit = 300;
  /// Requests per 15-minute window and endpoint for a user (OAuth 1.0a).
  std::int64_t user_limit = 900;
  std::chrono::seconds window{900};
  /// X Ads API (/12/): requests per 15-minute window, endpoint and user
  /// (OAuth 1.0a token) on the list and job endpoints.
  std::int64_t ads_limit = 450;
  /// Synchronous stats (/12/stats/accounts/:id): requests per 15-minute
  /// window and ad account (x-account-rate-limit-*), besides the user's.
  std::int64_t stats_account_limit = 250;
  /// Published seconds an asynchronous stats job takes from creation to
  /// SUCCESS (scaled by platform_options::time_scale like the windows).
  std::int64_t job_seconds = 5;
  /// Body of the 429 answer. §6 gives the v1.1-style code-88 body
  /// `{"errors":[{"code":88,"message":"Rate limit exceeded"}]}`; v2 is
  /// widely reported to answer with the problem shape
  /// `{"title":"Too Many Requests",...,"status":429}` instead (UNCONFIRMED
  /// which one a given endpoint uses), so both are available.
  enum class throttle_body { code88, problem } throttle = throttle_body::code88;
  /// Unix time (seconds) of the first request, for x-rate-limit-reset. When
  /// unset the platform reads std::chrono::system_clock once, at
  /// construction; later epochs are that origin plus simulated time passed.
  std::optional<std::int64_t> epoch_origin;
};

/// make_twitter(opts) with X-specific knobs.
std::unique_ptr<platform> make_twitter(const platform_options& opts,
                                       const twitter_options& tw);

} // namespace adbatch::sim
