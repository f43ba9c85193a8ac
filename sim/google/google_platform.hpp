#pragma once

// The simulated Google Ads API, REST flavour (platform "google"):
// googleAds:searchStream / googleAds:search with a GAQL subset,
// campaigns/adGroups/adGroupCriteria/adGroupAds:mutate with partialFailure
// and validateOnly, customers:listAccessibleCustomers, the required headers
// (Authorization, developer-token, login-customer-id for manager-owned
// clients), the developer token's daily operations budget and a
// per-customer request rate. See docs/platforms.md#google.

#include "sim/core/platform.hpp"
#include "sim/google/google_model.hpp"

#include <cstdint>
#include <memory>

namespace adbatch::sim {

/// Google-specific settings (published limits are further multiplied by
/// platform_options::limit_scale).
struct google_options {
  google::google_world world;     ///< size of the simulated account tree
  int min_version = 17;           ///< older versions answer as sunset (404)
  int max_version = 22;           ///< newer versions do not exist yet (404)
  /// Daily operations per developer token: Basic access 15,000
  /// (Explorer 2,880; Standard unlimited -> set very high).
  std::int64_t daily_operations = 15000;
  /// Requests per second per customer id. Google publishes no number (a
  /// load-dependent token bucket); this is the simulator's choice.
  std::int64_t customer_qps = 20;
  int max_mutate_operations = 10000;  ///< TOO_MANY_MUTATE_OPERATIONS past it
  int page_size = 10000;              ///< fixed :search page / stream batch size
  /// Whether the daily RESOURCE_EXHAUSTED error carries a retryDelay (the
  /// forum says it does not; the short-term one always does).
  bool daily_retry_delay_hint = false;
  /// Leave fields holding their default value (0 metrics, false, "") out
  /// of result rows, as proto3 JSON does; clients must read a missing
  /// metric as 0. false = always include them.
  bool omit_default_values = true;
};

/// Builds the Google Ads simulator with explicit Google settings.
std::unique_ptr<platform> make_google(const platform_options& opts,
                                      const google_options& google_opts);

} // namespace adbatch::sim
