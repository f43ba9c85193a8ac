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

} // namespace adbatch::sim::tiktok
