#pragma once

// Meta's rate-limit signals: the usage headers Graph sends with every answer
// (X-App-Usage, X-Business-Use-Case-Usage / X-Business-Use-Case,
// X-Ad-Account-Usage, x-fb-ads-insights-throttle) and the throttle error
// codes, as rate_signal values. Pure.

#include "platforms/common/pipeline.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::platforms::meta {

/// One entry of X-Business-Use-Case-Usage.
struct buc_usage {
  std::string object_id;   ///< business object (ad account) id, numeric
  std::string type;        ///< ads_management, ads_insights, pages, ...
  double used_percent = 0; ///< max of call_count, total_cputime, total_time
  std::int64_t regain_minutes = 0; ///< estimated_time_to_regain_access
};

/// Parses an X-Business-Use-Case-Usage value (bad JSON: nothing).
std::vector<buc_usage> parse_buc_usage(std::string_view header);

/// The BUC entries of a header set (either spelling of the header).
std::vector<buc_usage>
buc_usage_of(const std::map<std::string, std::string>& lower_headers);

/// Every signal in a header set (names lower-case):
///   "app" (X-App-Usage), "buc:<object>:<type>" (BUC, paused while
///   estimated_time_to_regain_access > 0), "ad_account"
///   (X-Ad-Account-Usage), "insights:app" / "insights:ad_account"
///   (x-fb-ads-insights-throttle). A scope at 100 % counts as throttled.
std::vector<rate_signal>
parse_rate_headers(const std::map<std::string, std::string>& lower_headers);

/// Graph's throttle codes: 4, 17, 32, 341, 613, 80000-80014.
bool is_throttle_code(std::int64_t code);
/// The BUC type a throttle code is about (80000 ads_insights, 80004
/// ads_management, ...), "" for the app/user/custom ones.
std::string_view buc_type_of(std::int64_t code);

/// How long to wait after a throttle: the BUC estimate for `account` and
/// the code's type when Graph gives one (> 0), else the largest estimate of
/// that type, else `fallback`.
milliseconds throttle_retry_after(std::int64_t code,
                                  const std::optional<std::string>& account,
                                  const std::vector<buc_usage>& buc,
                                  milliseconds fallback);

/// The signal a throttle error gives: scope "app" (4, 341, 613), "user"
/// (17), "pages" (32) or "buc:<account|*>:<type>" (800xx).
rate_signal throttle_signal(std::int64_t code,
                            const std::optional<std::string>& account,
                            milliseconds pause);

} // namespace adbatch::platforms::meta
