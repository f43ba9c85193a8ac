#pragma once

// The simulated Google Ads API, REST flavour (platform "google"):
// googleAds:searchStream / googleAds:search with a GAQL subset,
// {campaigns,adGroups,adGroupCriteria,adGroupAds,conversionActions,
// userLists,assets,campaignAssets}:mutate with partialFailure and
// validateOnly, customers:listAccessibleCustomers, the required headers
// (Authorization, developer-token, login-customer-id for manager-owned
// clients), per-token customer ownership, the developer token's daily
// operations budget and a per-customer request rate. See
// docs/platforms.md#google-ads.

#include "sim/core/platform.hpp"
#include "sim/google/google_model.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::sim {

/// Google-specific settings (published limits are further multiplied by
/// platform_options::limit_scale).
struct google_options {
  google::google_world world; ///< size of the simulated account tree
  int min_version = 17;       ///< older versions answer as sunset (404)
  int max_version = 25;       ///< newer versions do not exist yet (404)
  /// Scoped tokens: an access token `org-<k>` or `org-<k>-<anything>` owns
  /// client i (1-based) iff (i-1) % ownership_modulus == k %
  /// ownership_modulus. Any other token owns every client.
  int ownership_modulus = 5;
  /// Explicit ownership: access token -> the client indices it owns
  /// (overrides the rule above for that token).
  std::map<std::string, std::vector<int>> token_owners;
  /// Daily operations per developer token: Basic access 15,000
  /// (Explorer 2,880; Standard unlimited -> set very high).
  std::int64_t daily_operations = 15000;
  /// Requests per second per customer id. Google publishes no number (a
  /// load-dependent token bucket); this is the simulator's choice.
  std::int64_t customer_qps = 20;
  int max_mutate_operations = 10000; ///< TOO_MANY_MUTATE_OPERATIONS past it
  int page_size = 10000;             ///< fixed :search page / stream batch size
  /// Whether the daily RESOURCE_EXHAUSTED error carries a retryDelay (the
  /// forum says it does not; the short-term one always does).
  bool daily_retry_delay_hint = false;
  /// Leave fields holding their default value (0 metrics, false, "") out
  /// of result rows, as proto3 JSON does; clients must read a missing
  /// metric as 0. false = always include them.
  bool omit_default_values = true;
};

namespace google {

/// Whether access token `token` (the Bearer value) may use client i
/// (1-based: customer 1000000001 is i = 1). See google_options.
bool owns_customer(const google_options& opts, std::string_view token, int i);

/// The clients (1-based indices, ascending, within world.customers) that
/// `token` owns.
std::vector<int> owned_customers(const google_options& opts,
                                 std::string_view token);

/// Whether `token` may use manager m (1-based: 9000000001 is m = 1): it
/// owns at least one client that manager manages.
bool owns_manager(const google_options& opts, std::string_view token, int m);

/// The customer id of client i ("1000000001" for i = 1).
std::string client_customer_id(int i);

/// The login-customer-id a request for client i needs: its manager's id,
/// or empty when it needs none (the client's own id also works).
std::string login_customer_for(const google_options& opts, int i);

} // namespace google

/// Builds the Google Ads simulator with explicit Google settings.
std::unique_ptr<platform> make_google(const platform_options& opts,
                                      const google_options& google_opts);

} // namespace adbatch::sim
