#pragma once

// Snapchat Marketing API simulator (see docs/platforms.md#snapchat).

#include <cstdint>
#include <memory>
#include <string>

#include "sim/core/platform.hpp"

namespace adbatch::sim {

/// Snapchat-specific knobs; defaults follow platform-contracts.md §7.
struct snapchat_options {
  std::int64_t app_rps = 20;    ///< whole app, requests per second (HTTP 429 above)
  std::int64_t token_rps = 10;  ///< each access token, requests per second
  int min_limit = 50;           ///< paging `limit` range (HTTP 400 outside)
  int max_limit = 1000;
  /// Key of the ad accounts embedded by with_ad_accounts=true (UNCONFIRMED).
  std::string nested_accounts_key = "ad_accounts";
  /// Longest HOUR-granularity stats range, in hours (UNCONFIRMED).
  int max_hour_range = 168;
};

/// make_snapchat(opts) with Snapchat-specific knobs.
std::unique_ptr<platform> make_snapchat(const platform_options& opts,
                                        const snapchat_options& sc);

} // namespace adbatch::sim
