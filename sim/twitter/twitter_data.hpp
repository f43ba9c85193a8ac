#pragma once

// The simulated X universe: users and posts (tweets), pure functions of the
// seed and the object's index, so tests can compute expected answers.
//
//   user   id 1500000000000000000 + u, username "sim<u>"   u in 1..user_count
//   tweet  id 1700000000000000000 + k                        k in 1..tweet_count
//   author of tweet k = ((k - 1) mod user_count) + 1
// Any other id or username is unknown (X's per-id "Not Found Error").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace adbatch::sim::twitter {

inline constexpr std::int64_t user_count = 1000000;
inline constexpr std::int64_t tweet_count = 100000000;

/// A 64-bit mix of the seed and up to three values (splitmix64 finaliser).
std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0,
                  std::uint64_t c = 0);

std::string user_id(std::int64_t u);
std::string username(std::int64_t u);
std::string tweet_id(std::int64_t k);

/// Index of a known user id / username (case-insensitive) / tweet id.
std::optional<std::int64_t> user_index(std::string_view id);
std::optional<std::int64_t> username_index(std::string_view name);
std::optional<std::int64_t> tweet_index(std::string_view id);

/// The author (user index) of tweet k.
std::int64_t author_of(std::int64_t k);
/// The pinned tweet of user u, if the user has one.
std::optional<std::int64_t> pinned_tweet_of(std::uint64_t seed, std::int64_t u);

/// Every field the simulator models, as X v2 names them.
boost::json::object user_object(std::uint64_t seed, std::int64_t u);
boost::json::object tweet_object(std::uint64_t seed, std::int64_t k);

} // namespace adbatch::sim::twitter
