#pragma once

// The simulated Google Ads account tree: manager (MCC) accounts, client
// customers -> campaigns -> ad groups -> ads / keyword criteria. Nothing is
// stored: ids encode positions, attributes derive from hash(seed, id), so
// unknown ids are detected and two instances with one seed agree.
//
// Ids: clients 1000000000+n, managers 9000000000+m, campaigns
// 20000000000+n*1000+c, ad groups 150000000000+n*100000+c*100+g, ads
// 600000000000+n*10^7+c*10^4+g*100+a, criteria 300000000000+(same).

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
  int customers = 20;        ///< client accounts 1000000001..
  int managers = 3;          ///< manager accounts 9000000001..
  int max_campaigns = 6;     ///< per client: 1..max (<= 99)
  int max_ad_groups = 4;     ///< per campaign: 1..max (<= 99)
  int max_ads = 3;           ///< per ad group: 1..max (<= 99)
  int max_keywords = 5;      ///< per ad group: 1..max (<= 99)
  std::int64_t today = 20468;  ///< simulated "today" (2026-01-15), days since epoch
};

/// One row before selection: flat snake_case field path -> value. int64
/// values are json int64 (rendered as strings), enums/strings as strings.
using flat_row = std::map<std::string, boost::json::value>;

/// A position in the tree (0 = not applicable).
struct entity {
  int n = 0, c = 0, g = 0, leaf = 0;
};

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

  /// Entities of one FROM resource under customer n, in id order.
  std::vector<entity> enumerate(std::string_view resource, int n) const;

  /// Attribute fields of an entity for `resource` and every resource it
  /// carries (e.g. ad_group rows also carry campaign.* and customer.*).
  flat_row attributes(std::string_view resource, const entity& e) const;

  /// Base metrics of one entity (resource level) on one day and device.
  struct day_metrics {
    std::int64_t impressions = 0;
    std::int64_t clicks = 0;
    std::int64_t cost_micros = 0;
    double conversions = 0;
  };
  day_metrics metrics(std::string_view resource, const entity& e,
                      std::int64_t day, std::string_view device) const;

  /// Whether a resource name (customers/N/campaigns/ID ...) exists.
  bool exists(std::string_view resource_name) const;

  const google_world& world() const { return world_; }

private:
  std::uint64_t h(std::string_view a, std::string_view b = {}) const;
  std::uint64_t seed_;
  google_world world_;
};

/// snake_case -> lowerCamelCase for one path segment.
std::string camel(std::string_view snake);
/// "ad_group_ad.ad.final_urls" -> "adGroupAd.ad.finalUrls".
std::string camel_path(std::string_view path);

} // namespace adbatch::sim::google
