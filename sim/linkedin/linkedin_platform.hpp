#pragma once

// LinkedIn Marketing API (Rest.li 2.0, versioned /rest/ endpoints) simulator.
// See docs/platforms.md#linkedin for what is served and how faithfully.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/platform.hpp"
#include "sim/linkedin/linkedin_data.hpp"

namespace adbatch::sim {

/// LinkedIn-specific knobs. LinkedIn publishes no quota numbers
/// (platform-contracts.md §5): the daily limits below are assumptions, kept
/// configurable and multiplied by platform_options::limit_scale.
struct linkedin_options {
  linkedin::catalog_options catalog;
  /// Newest active `LinkedIn-Version` (YYYYMM). Empty: the current UTC month
  /// when the platform is built (the only clock read, in make_linkedin).
  std::string current_version;
  /// How many monthly versions are active, newest first (LinkedIn sunsets
  /// a version about a year after release).
  int active_months = 12;
  /// If not empty, exactly these versions (YYYYMM) are active instead.
  std::vector<std::string> active_versions;
  /// Calls per application per day and resource. ASSUMED figure.
  std::int64_t app_daily_limit = 100000;
  /// Calls per member (access token) per day and resource. ASSUMED figure.
  std::int64_t member_daily_limit = 20000;
  /// Most keys in one BATCH_GET (UNCONFIRMED upstream); 0 = no limit.
  int max_batch_ids = 1000;
  /// Largest `count` of a finder page.
  int max_page_count = 1000;
  /// adAnalytics: most metrics per request (3rd-party figure).
  int max_analytics_fields = 20;
  /// adAnalytics: most elements per response (3rd-party figure).
  int max_analytics_elements = 15000;
  /// adAnalytics: longest dateRange in days (a simulator bound).
  int max_analytics_days = 1830;
  /// Scoped tokens: an access token `org-<k>` or `org-<k>-<anything>` may
  /// access ad account index i (1-based: account_base + i - 1) iff
  /// (i-1) % ownership_modulus == k % ownership_modulus; any other token
  /// accesses every account (the official-client compat tests).
  int ownership_modulus = 5;
};

namespace linkedin {
/// Whether `token` may access the ad account with that id (see
/// linkedin_options::ownership_modulus).
bool owns_account(const linkedin_options& opts, std::string_view token,
                  std::int64_t account_id);
} // namespace linkedin

/// make_linkedin(opts) with LinkedIn-specific knobs.
std::unique_ptr<platform> make_linkedin(const platform_options& opts,
                                        const linkedin_options& li);

} // namespace adbatch::sim
