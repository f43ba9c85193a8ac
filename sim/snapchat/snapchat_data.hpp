#pragma once

// The simulated Snapchat Marketing universe: organizations, ad accounts,
// campaigns, ad squads and ads, pure functions of the seed and indices.
//
// Ids are UUID-shaped and encode the position in the tree:
//   tttttttt-oooo-4aaa-8ccc-ssssdddddddd   (lower-case hex)
// t = seed-dependent type tag, o/a/c/s/d = org / ad account / campaign /
// ad squad / ad index (0 above the object's level). Organizations 1..10;
// organization 1 has 120 ad accounts (to exercise paging), the others 2..6;
// 20..139 campaigns per ad account, 1..3 ad squads per campaign, 1..3 ads
// per ad squad. Account-level assets (creatives, media, audience segments,
// the pixel) put their index in the last field (c = s = 0). Any other id is
// unknown.
//
// Ownership (as the Meta and Google simulators decide it): a token
// "org-<k>" or "org-<k>-<anything>" owns organization i when
// (i - 1) % 5 == k % 5, and everything below it; any other token owns all.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace adbatch::sim::snapchat {

inline constexpr int org_count = 10;
inline constexpr int ownership_modulus = 5;

enum class kind {
  organization = 1,
  adaccount,
  campaign,
  adsquad,
  ad,
  creative,  ///< below an ad account, index in `item`
  media,     ///< below an ad account, index in `item`
  segment,   ///< audience segment, below an ad account, index in `item`
  pixel,     ///< below an ad account (one each), index in `item`
};

/// Whether k is one of the account-level assets (creative .. pixel).
bool account_asset(kind k);

/// A position in the object tree; indices below the object's level are 0.
struct node {
  kind type = kind::organization;
  int org = 0, account = 0, campaign = 0, squad = 0, ad = 0;
  int item = 0;  ///< account-level assets only
};

std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0,
                  std::uint64_t c = 0, std::uint64_t d = 0);
/// A stable 64-bit hash of a string (FNV-1a), independent of the build.
std::uint64_t hash_str(std::string_view s);

int account_count(std::uint64_t seed, int org);
int campaign_count(std::uint64_t seed, int org, int account);
int squad_count(std::uint64_t seed, int org, int account, int campaign);
int ad_count(std::uint64_t seed, int org, int account, int campaign, int squad);
/// Account-level assets of `k` (creative .. pixel) in an ad account.
int asset_count(std::uint64_t seed, kind k, int org, int account);

/// Whether `token` may read objects of organization `org` (see above).
bool owns_org(std::string_view token, int org);

/// The id of a node (its type decides which indices count).
std::string id_of(std::uint64_t seed, const node& n);
/// The node of a known id of the expected type, else nullopt.
std::optional<node> parse_id(std::uint64_t seed, std::string_view id, kind expected);

/// The children of `parent` of type `child` (any depth below), in id order.
std::vector<node> children(std::uint64_t seed, const node& parent, kind child);

/// The entity object as Snapchat returns it (without sub_request_status).
boost::json::object object_of(std::uint64_t seed, const node& n);

/// Snapchat's names: "organization", "adaccount", "campaign", "adsquad", "ad",
/// "creative", "media", "segment", "pixel".
std::string_view singular(kind k);
/// Stats entity types: "AD_ACCOUNT", "CAMPAIGN", "AD_SQUAD", "AD", "PIXEL".
std::string_view stats_type(kind k);

/// One integer stat for an entity id and time bucket (spend in micro-currency).
/// A day's value is the value of the bucket of its first hour; a TOTAL over
/// whole days is the sum of its days' values.
std::int64_t stat_value(std::uint64_t seed, std::string_view field, std::string_view id,
                        std::int64_t bucket);

/// A targeting dimension's options (`/v1/targeting/{dimension}/{type}`):
/// the objects, or nullopt for an unknown dimension/type.
std::optional<std::vector<boost::json::object>> targeting_options(std::uint64_t seed,
                                                                  std::string_view dimension,
                                                                  std::string_view type);

} // namespace adbatch::sim::snapchat
