#pragma once

// The simulated TikTok Business universe: which advertisers, campaigns, ad
// groups and ads exist, and their attributes. Everything is a pure function
// of the seed and the object's indices, so any test (or the benchmark) can
// compute what a response must contain without talking to the simulator.
//
// Id layout (all ids are decimal strings, as TikTok sends them):
//   advertiser  7000000000000000000 + a                       a in 1..1000
//   campaign    1800000000000000000 + a*10^7 + c               c in 1..campaign_count
//   ad group    1810000000000000000 + a*10^9 + c*10^3 + g      g in 1..adgroup_count
//   ad          1820000000000000000 + a*10^10 + c*10^6 + g*10^3 + d
// Anything else is an unknown id.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace adbatch::sim::tiktok {

/// Number of advertisers in the universe (indices 1..advertiser_count).
inline constexpr int advertiser_count = 1000;

/// A position in the object tree; 0 means "not at that level".
struct node {
  int advertiser = 0;
  int campaign = 0;
  int adgroup = 0;
  int ad = 0;
};

/// A 64-bit mix of the seed and up to four values (splitmix64 finaliser).
std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0,
                  std::uint64_t c = 0, std::uint64_t d = 0);

/// A stable 64-bit hash of a string (FNV-1a), independent of the build.
std::uint64_t hash_str(std::string_view s);

std::string advertiser_id(int a);
std::string campaign_id(int a, int c);
std::string adgroup_id(int a, int c, int g);
std::string ad_id(int a, int c, int g, int d);

/// The advertiser index of a known advertiser id, if it is one.
std::optional<int> advertiser_index(std::string_view id);

/// Children counts, deterministic per seed: 3..40 campaigns per advertiser,
/// 1..4 ad groups per campaign, 1..3 ads per ad group.
int campaign_count(std::uint64_t seed, int a);
int adgroup_count(std::uint64_t seed, int a, int c);
int ad_count(std::uint64_t seed, int a, int c, int g);

/// All nodes of one level under advertiser `a`, in id order.
/// level: 1 = campaigns, 2 = ad groups, 3 = ads.
std::vector<node> nodes_of(std::uint64_t seed, int a, int level);

/// Full attribute objects, as TikTok's get endpoints return them.
boost::json::object advertiser_object(std::uint64_t seed, int a);
boost::json::object campaign_object(std::uint64_t seed, const node& n);
boost::json::object adgroup_object(std::uint64_t seed, const node& n);
boost::json::object ad_object(std::uint64_t seed, const node& n);

/// One report metric for one entity key and day (days since 1970-01-01, or
/// -1 for lifetime / whole range), rendered the way TikTok sends metrics
/// (strings). Unknown metric names get a deterministic integer string.
std::string metric_value(std::uint64_t seed, std::string_view metric,
                         std::string_view entity_key, std::int64_t day);

/// The additive base quantities of one entity key and day, from which every
/// known report metric derives. Range totals are the sums of the daily
/// bases (so a total over a range equals the sum of its daily values) and
/// the ratios are recomputed from the summed bases.
struct metric_base {
  std::int64_t impressions = 0;
  std::int64_t clicks = 0;
  std::int64_t spend_cents = 0;
  std::int64_t conversions = 0;
  metric_base& operator+=(const metric_base& o) {
    impressions += o.impressions;
    clicks += o.clicks;
    spend_cents += o.spend_cents;
    conversions += o.conversions;
    return *this;
  }
};
metric_base day_base(std::uint64_t seed, std::string_view entity_key,
                     std::int64_t day);
/// The metric rendered from (summed) bases as TikTok sends it (a string),
/// or nullopt for a metric the base does not define.
std::optional<std::string> render_metric(std::string_view metric,
                                         const metric_base& b);

// -- creative library, audiences, pixels (per advertiser) --------------------
//   image          "img-<a>-<i>"        i in 1..image_count
//   video          "v-<a>-<i>"          i in 1..video_count
//   saved audience 1830000000000000000 + a*1000 + i
//   custom aud.    1840000000000000000 + a*1000 + i
//   pixel          "CSIM<a>P<p>"        p in 1..pixel_count (event_source_id)
int image_count(std::uint64_t seed, int a);           ///< 2..12
int video_count(std::uint64_t seed, int a);           ///< 1..8
int saved_audience_count(std::uint64_t seed, int a);  ///< 1..5
int custom_audience_count(std::uint64_t seed, int a); ///< 1..6
int pixel_count(std::uint64_t seed, int a);           ///< 1..2
std::string image_id(int a, int i);
std::string video_id(int a, int i);
std::string saved_audience_id(int a, int i);
std::string custom_audience_id(int a, int i);
std::string pixel_code(int a, int p);
/// The advertiser index of a pixel code of the universe, if it is one.
std::optional<int> pixel_advertiser(std::uint64_t seed, std::string_view code);
boost::json::object image_object(std::uint64_t seed, int a, int i);
boost::json::object video_object(std::uint64_t seed, int a, int i);
boost::json::object saved_audience_object(std::uint64_t seed, int a, int i);
boost::json::object custom_audience_object(std::uint64_t seed, int a, int i);

/// Scoped tokens: `org-<k>` or `org-<k>-<anything>` owns advertiser a iff
/// (a-1) % modulus == k % modulus; any other token owns every advertiser.
bool owns_advertiser(std::string_view token, int a, int modulus);

} // namespace adbatch::sim::tiktok
