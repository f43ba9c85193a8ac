#pragma once

// TikTok Business API v1.3 simulator (see docs/platforms.md#tiktok).

#include <cstdint>
#include <memory>

#include "sim/core/platform.hpp"

namespace adbatch::sim {

/// TikTok-specific knobs. Defaults are the Basic app tier of
/// platform-contracts.md §4.3; the ones marked UNCONFIRMED there are
/// conservative guesses, kept configurable.
struct tiktok_options {
  std::int64_t app_qps = 10;       ///< app, per second (code 40100)
  std::int64_t app_qpm = 600;      ///< app, per minute (code 40100)
  std::int64_t app_qpd = 864000;   ///< app, per day (code 40100)
  /// Per advertiser and second (code 40133). UNCONFIRMED figure; 0 disables.
  std::int64_t advertiser_qps = 5;
  /// advertiser/info/ ids per request (code 40011 above). UNCONFIRMED.
  int max_advertiser_ids = 100;
  /// page_size maximum of the get endpoints (code 40002 above).
  int max_page_size = 1000;
  /// page_size maximum of report/integrated/get/. UNCONFIRMED.
  int max_report_page_size = 1000;
  /// page_size maximum of file/image/ad/search/, file/video/ad/search/,
  /// dmp/saved_audience/list/ and dmp/custom_audience/list/ (40002 above).
  int max_library_page_size = 100;
  /// Events per event/track/ call (40002 above). UNCONFIRMED (the "2000"
  /// figure is Mixpanel's; contracts §4.2).
  int max_events = 1000;
  /// Scoped tokens: `org-<k>` or `org-<k>-<anything>` owns advertiser a
  /// (and its objects and pixels) iff (a-1) % ownership_modulus == k %
  /// ownership_modulus; any other token owns everything. 0 = all tokens own
  /// everything.
  int ownership_modulus = 5;
};

/// make_tiktok(opts) with TikTok-specific knobs.
std::unique_ptr<platform> make_tiktok(const platform_options& opts,
                                      const tiktok_options& tt);

} // namespace adbatch::sim
