#pragma once

// The simulated X Ads API world (ads-api.x.com/12/): ad accounts and the
// objects under them, pure functions of the seed and the object's indices,
// so tests and workload generators can compute expected answers.
//
//   account a in 1..account_count, id base36(account_base + a)
//   under account a: campaigns c (line items l under each, promoted tweets
//   and targeting criteria under each line item), media creatives, cards,
//   tailored audiences; every id is base36 of (kind, a, c, l, p) packed.
// Ownership: a scoped token "org-<k>" / "org-<k>-<anything>" reaches
// account a iff (a - 1) % 5 == k % 5; any other token reaches every account.
// Stats: per entity, day (days since 1970-01-01), placement and metric, a
// daily value; totals over a range are the sums of the days.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::sim::twitter::ads {

inline constexpr int account_count = 200;
inline constexpr std::uint64_t ownership_modulus = 5;

enum class kind : int {
  campaign = 1,
  line_item = 2,
  promoted_tweet = 3,
  media_creative = 4,
  card = 5,
  targeting_criterion = 6,
  tailored_audience = 7,
  funding_instrument = 8,
};

/// One object under an account: indices as far as the kind needs them
/// (campaign c, line item l of it, p = the item's own index).
struct ref {
  kind k = kind::campaign;
  int a = 0, c = 0, l = 0, p = 0;
};

std::string account_id(int a);
std::optional<int> account_index(std::string_view id);
/// Whether `token` reaches account a (see the top of the file).
bool owns(std::string_view token, int a);

int campaign_count(std::uint64_t seed, int a);
int line_item_count(std::uint64_t seed, int a, int c);
int promoted_tweet_count(std::uint64_t seed, int a, int c, int l);
int targeting_count(std::uint64_t seed, int a, int c, int l);
int media_creative_count(std::uint64_t seed, int a);
int card_count(std::uint64_t seed, int a);
int tailored_audience_count(std::uint64_t seed, int a);

std::string id_of(const ref& r);
/// The object an id names, if it exists in the world of `seed`.
std::optional<ref> parse_id(std::uint64_t seed, std::string_view id);

/// Every object of a list kind under account a, in the API's order (by id).
std::vector<ref> list(std::uint64_t seed, kind k, int a);

/// The object as X Ads v12 returns it.
boost::json::object account_object(std::uint64_t seed, int a);
boost::json::object object(std::uint64_t seed, const ref& r);

/// Metric groups and their metrics (v12 names).
const std::vector<std::string>& metric_group_names();
const std::vector<std::string>& metrics_of(std::string_view group);

/// One day's value of a metric of an entity (kind campaign, line item or
/// promoted tweet) at a placement.
std::int64_t daily_metric(std::uint64_t seed, const ref& r, std::int64_t day,
                          std::string_view placement, std::string_view metric);

} // namespace adbatch::sim::twitter::ads
