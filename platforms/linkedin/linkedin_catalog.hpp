#pragma once

// LinkedIn's request catalog: every request type the original
// LinkedInBatcher listed (same type names; its parameter names form_id,
// start_date and end_date kept), parsed and validated into a normalized
// li_request that the planner, the minimum function and the splitter share.
// Pure: no I/O. Types, params and results: docs/requests.md#linkedin.

#include "platforms/common/pipeline.hpp"

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::platforms::linkedin {

enum class li_type : std::uint8_t {
  ad_accounts,
  campaigns,
  campaign_groups,
  creatives,
  analytics,
  campaign_analytics,
  audiences,
  targeting_facets,
  conversions,
  lead_gen_forms,
  leads,
};

/// How an analytics request is fetched when merged (see the planner).
enum class analytics_family : std::uint8_t {
  accounts,  ///< accounts facet, pivots ACCOUNT, CAMPAIGN_GROUP, CAMPAIGN
  campaigns, ///< campaigns facet, pivot CAMPAIGN
  creatives, ///< accounts facet, pivots ACCOUNT, CREATIVE
};

/// Days since 1970-01-01.
using day_number = std::int64_t;

/// The adAnalytics metrics a request may ask for (all additive over days
/// and entities; at most 20 per call, so any union of them fits one call).
const std::vector<std::string>& known_metrics();
/// The original's default metric list (its "conversions" is not an
/// adAnalytics metric and is left out).
const std::vector<std::string>& default_metrics();

/// A parsed, validated, normalized request.
struct li_request {
  li_type type = li_type::ad_accounts;
  std::string type_name;

  /// The ad account (numeric id as text) of per-account reads and of
  /// get_campaign_analytics without campaign_ids.
  std::string account;
  /// get_ad_accounts: the accounts asked for (request order, unique);
  /// get_analytics: the accounts facet (sorted, unique).
  std::vector<std::string> accounts;
  /// By-id reads (campaign, campaign group, creative, audience,
  /// conversion, lead form ids; numeric text), request order, unique.
  /// Empty: the whole list of the account.
  std::vector<std::string> ids;
  /// Status filter (campaigns, campaign groups: status; creatives:
  /// intendedStatus), sorted, unique; empty = all.
  std::vector<std::string> statuses;
  /// get_creatives: campaign filter; get_campaign_analytics: the campaigns
  /// facet (numeric text, sorted, unique).
  std::vector<std::string> campaign_ids;
  /// get_leads: lead form filter (numeric text); "" = every form.
  std::string form_id;
  /// get_targeting_facets: facet names to keep (sorted); empty = all.
  std::vector<std::string> facet_names;

  // -- analytics --
  std::string pivot;       ///< ACCOUNT, CAMPAIGN_GROUP, CAMPAIGN, CREATIVE
  std::string granularity; ///< DAILY, MONTHLY, YEARLY, ALL
  std::optional<day_number> start, end; ///< unset: resolved at plan time
  std::vector<std::string> metrics;     ///< unique, request order

  /// Canonical text of type + normalized params (dates as given):
  /// identical requests (same token, same key) share one result.
  std::string key;

  bool by_ids() const { return !ids.empty(); }
  bool is_analytics() const {
    return type == li_type::analytics || type == li_type::campaign_analytics;
  }
  analytics_family family() const;
  /// The resource's name on the wire (adCampaigns, dmpSegments, ...).
  std::string_view resource() const;
  /// The result key ({"campaigns": [...]}, {"analytics": [...]}, ...).
  std::string_view result_key() const;
};

struct parse_outcome {
  std::optional<li_request> request;
  /// "invalid_request" or "missing_account_id".
  std::string error_code;
  std::string error;
};

/// Parses and validates one request. `account_ids` are the connection's
/// (account_id is the default account); nullptr at enqueue, where a missing
/// default is not an error yet.
parse_outcome parse_request(std::string_view type,
                            const boost::json::object& params,
                            const boost::json::object* account_ids);

/// Every request type of the catalog.
std::vector<std::string> request_type_names();

/// Resolves an analytics request's dates at `now` (end: today UTC, start:
/// end - 29, the original's last 30 days).
void resolve_dates(li_request& r, time_point now);

/// "2026-01-15" <-> days.
std::optional<day_number> parse_date(std::string_view s);
std::string date_text(day_number d);

} // namespace adbatch::platforms::linkedin
