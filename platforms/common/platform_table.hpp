#pragma once

// The one platform table every area reads: names, storage enum, default
// flush cadence, batch limits, rate budget and simulator port. config/,
// persistence/, sim/ and actors/ take their per-platform defaults from here
// instead of keeping lists of their own.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace adbatch::platforms {

/// The ad platforms adbatch talks to. X is called `twitter` in storage and
/// config (the old system's name).
enum class platform_id : std::uint8_t {
  meta,
  google,
  tiktok,
  linkedin,
  twitter,
  snapchat
};

/// One row of the platform table.
struct platform_info {
  platform_id id;
  /// Storage, config and URL name ("meta", "google", ...).
  std::string_view name;
  /// For people ("Meta", "Google Ads", ...).
  std::string_view display_name;
  /// Default cadence of the periodic flush (the old system's schedule).
  std::chrono::seconds flush_interval;
  /// Default number of queued requests one flush round claims.
  int max_requests_per_flush;
  /// Default number of requests one upstream call carries.
  int max_batch_size;
  /// Default rate budget: `rate_requests` per `rate_per` (the old system's
  /// figures; see docs/configuration.md).
  std::int64_t rate_requests;
  std::chrono::seconds rate_per;
  /// adbatch-sim's default port for this platform on loopback.
  std::uint16_t sim_port;
};

using std::chrono::seconds;

/// Every platform, in enum order.
inline constexpr std::array<platform_info, 6> platform_table{{
    {platform_id::meta, "meta", "Meta", seconds{300}, 100, 50, 200,
     seconds{3600}, 18101},
    {platform_id::google, "google", "Google Ads", seconds{600}, 100, 100, 15000,
     seconds{86400}, 18102},
    {platform_id::tiktok, "tiktok", "TikTok", seconds{600}, 100, 100, 10,
     seconds{60}, 18103},
    {platform_id::linkedin, "linkedin", "LinkedIn", seconds{1800}, 50, 50, 100,
     seconds{86400}, 18104},
    {platform_id::twitter, "twitter", "X", seconds{300}, 100, 100, 300,
     seconds{900}, 18105},
    {platform_id::snapchat, "snapchat", "Snapchat", seconds{600}, 100, 200,
     1000, seconds{60}, 18106},
}};

/// adbatch-sim's control API port (counters, faults, webhook senders).
inline constexpr std::uint16_t sim_control_port = 18100;

/// The table row of `p`.
constexpr const platform_info& info(platform_id p) {
  return platform_table[static_cast<std::size_t>(p)];
}

/// "meta", "google", ...
constexpr std::string_view name_of(platform_id p) {
  return info(p).name;
}

/// Parses a platform name; also accepts "x" for twitter.
constexpr std::optional<platform_id> parse_platform_name(std::string_view s) {
  for (const auto& row : platform_table)
    if (row.name == s) return row.id;
  if (s == "x") return platform_id::twitter;
  return std::nullopt;
}

} // namespace adbatch::platforms
