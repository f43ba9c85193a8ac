#pragma once

// The simulated Google Ads account tree: manager (MCC) accounts, client
// customers -> campaigns -> ad groups -> ads / keyword criteria, plus each
// client's conversion actions, user lists and assets (sitelinks, callouts)
// and the campaign assets that link assets to campaigns. Nothing is
// stored: ids encode positions, attributes and metrics derive from
// hash(seed, id), so unknown ids are detected and two instances with one
// seed agree.
//
// Ids: clients 1000000000+n, managers 9000000000+m, campaigns
// 20000000000+n*1000+c, ad groups 150000000000+n*100000+c*100+g, ads
// 600000000000+n*10^7+c*10^4+g*100+a, criteria 300000000000+(same),
// conversion actions 420000000000+n*1000+x, user lists
// 430000000000+n*1000+x, assets 440000000000+n*1000+x.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::sim::google {

struct google_world {
  int customers = 20;             ///< client accounts 1000000001..
  int managers = 3;               ///< manager accounts 9000000001..
  int max_campaigns = 6;          ///< per client: 1..max (<= 99)
  int max_ad_groups = 4;          ///< per campaign: 1..max (<= 99)
  int max_ads = 3;                ///< per ad group: 1..max (<= 99)
  int max_keywords = 5;           ///< per ad group: 1..max (<= 99)
  int max_conversion_actions = 4; ///< per client: 1..max (<= 99)
  int max_user_lists = 4;         ///< per client: 1..max (<= 99)
  /// Assets per client: 2..max (2 <= max <= 99); odd positions are
  /// sitelinks, even ones callouts.
  int max_assets = 6;
  /// Campaign assets per campaign: 1..min(max, the client's assets).
  int max_campaign_assets = 3;
  /// Simulated "today" (2026-01-15), days since 1970-01-01.
  std::int64_t today = 20468;
};

/// One row before selection: flat snake_case field path -> value. int64
/// values are json int64 (rendered as strings), enums/strings as strings,
/// null = a field of a message the entity does not have (e.g. the
/// sitelink fields of a callout asset; rendered as absent).
using flat_row = std::map<std::string, boost::json::value>;

/// A position in the tree (0 = not applicable). Conversion actions, user
/// lists and assets are {n, 0, 0, x}; campaign assets {n, c, 0, asset x}.
struct entity {
  int n = 0, c = 0, g = 0, leaf = 0;
};

/// Additive metrics of one entity over one day (or a sum of days).
/// Doubles are multiples of 1/2, so sums are exact in any order.
struct day_metrics {
  std::int64_t impressions = 0;
  std::int64_t clicks = 0;
  std::int64_t cost_micros = 0;
  double conversions = 0;
  double conversions_value = 0;
  double all_conversions = 0;
  double all_conversions_value = 0;

  day_metrics& operator+=(const day_metrics& o);
};

/// The manager id whose login-customer-id client n needs (even clients
/// belong to manager 9000000001 + (n/2) % managers), or empty.
std::string manager_of(const google_world& w, int n);

/// Devices of segments.device, in row order.
inline constexpr const char* devices[] = {"MOBILE", "DESKTOP", "TABLET"};

class google_model {
public:
  google_model(std::uint64_t seed, google_world w);

  /// Client n for a customer id, or 0; managers give -m.
  int customer_index(std::string_view customer_id) const;
  std::string customer_id(int n) const;
  /// The manager id that owns client n, or empty when n needs none.
  std::string manager_of(int n) const;

  int campaigns_in(int n) const;
  int ad_groups_in(int n, int c) const;
  int ads_in(int n, int c, int g) const;
  int keywords_in(int n, int c, int g) const;
  int conversion_actions_in(int n) const;
  int user_lists_in(int n) const;
  int assets_in(int n) const;
  /// Asset positions (1-based, ascending) linked to campaign c of client n.
  std::vector<int> campaign_assets_in(int n, int c) const;

  /// Entities of one FROM resource under customer n, in id order.
  std::vector<entity> enumerate(std::string_view resource, int n) const;

  /// Attribute fields of an entity for `resource` and every resource it
  /// carries (e.g. ad_group rows also carry campaign.* and customer.*).
  flat_row attributes(std::string_view resource, const entity& e) const;

  /// Metrics of one entity (resource level) on one day; `device` is an
  /// index into `devices`, or -1 for the sum over the three devices. Days
  /// after today have none.
  day_metrics metrics(std::string_view resource, const entity& e,
                      std::int64_t day, int device = -1) const;

  /// Whether a resource name (customers/N/campaigns/ID ...) exists.
  bool exists(std::string_view resource_name) const;

  const google_world& world() const { return world_; }

private:
  std::uint64_t h(std::string_view a, std::string_view b = {}) const;
  void add_customer(flat_row& r, int n) const;
  void add_campaign(flat_row& r, int n, int c, bool budget) const;
  void add_ad_group(flat_row& r, int n, int c, int g) const;
  void add_asset(flat_row& r, int n, int x) const;
  std::uint64_t seed_;
  google_world world_;
};

/// snake_case -> lowerCamelCase for one path segment.
std::string camel(std::string_view snake);
/// "ad_group_ad.ad.final_urls" -> "adGroupAd.ad.finalUrls".
std::string camel_path(std::string_view path);

} // namespace adbatch::sim::google
