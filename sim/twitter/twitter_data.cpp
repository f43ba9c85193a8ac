#include "sim/twitter/twitter_data.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace adbatch::sim::twitter {

namespace {

constexpr std::uint64_t user_base = 1500000000000000000ULL;
constexpr std::uint64_t tweet_base = 1700000000000000000ULL;

constexpr const char* locations[] = {"Berlin", "Tokyo", "New York", "Lagos", "Lima", ""};
constexpr const char* langs[] = {"en", "de", "ja", "es", "fr"};

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

/// ISO 8601 with milliseconds, X's created_at format, between 2009 and 2024.
std::string iso_time(std::uint64_t h) {
  auto year = 2009 + static_cast<int>(h % 16);
  auto month = static_cast<int>((h >> 8) % 12) + 1;
  auto day = static_cast<int>((h >> 12) % 28) + 1;
  auto sec = static_cast<int>((h >> 20) % 86400);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", year, month, day,
                sec / 3600, (sec / 60) % 60, sec % 60);
  return buf;
}

} // namespace

std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  auto step = [](std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  auto h = step(seed);
  for (auto v : {a, b, c}) h = step(h ^ v);
  return h;
}

std::string user_id(std::int64_t u) {
  return std::to_string(user_base + static_cast<std::uint64_t>(u));
}
std::string username(std::int64_t u) { return "sim" + std::to_string(u); }
std::string tweet_id(std::int64_t k) {
  return std::to_string(tweet_base + static_cast<std::uint64_t>(k));
}

std::optional<std::int64_t> user_index(std::string_view id) {
  auto v = parse_u64(id);
  if (!v || *v <= user_base || *v > user_base + user_count) return std::nullopt;
  return static_cast<std::int64_t>(*v - user_base);
}

std::optional<std::int64_t> username_index(std::string_view name) {
  if (name.size() < 4) return std::nullopt;
  for (std::size_t i = 0; i < 3; ++i)
    if (std::tolower(static_cast<unsigned char>(name[i])) != "sim"[i]) return std::nullopt;
  auto digits = name.substr(3);
  if (digits[0] == '0') return std::nullopt;  // one spelling per user
  auto v = parse_u64(digits);
  if (!v || *v < 1 || *v > static_cast<std::uint64_t>(user_count)) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

std::optional<std::int64_t> tweet_index(std::string_view id) {
  auto v = parse_u64(id);
  if (!v || *v <= tweet_base || *v > tweet_base + tweet_count) return std::nullopt;
  return static_cast<std::int64_t>(*v - tweet_base);
}

std::int64_t author_of(std::int64_t k) { return ((k - 1) % user_count) + 1; }

std::optional<std::int64_t> pinned_tweet_of(std::uint64_t seed, std::int64_t u) {
  auto h = mix(seed, 30, static_cast<std::uint64_t>(u));
  if (h % 3 != 0) return std::nullopt;
  return u + user_count * static_cast<std::int64_t>((h >> 8) % 50);
}

boost::json::object user_object(std::uint64_t seed, std::int64_t u) {
  auto h = mix(seed, 31, static_cast<std::uint64_t>(u));
  boost::json::object o;
  o["id"] = user_id(u);
  o["name"] = "Sim User " + std::to_string(u);
  o["username"] = username(u);
  o["created_at"] = iso_time(h);
  o["description"] = "Simulated account number " + std::to_string(u) + ".";
  o["location"] = locations[(h >> 24) % std::size(locations)];
  o["url"] = "";
  o["profile_image_url"] =
    "https://pbs.twimg.com/profile_images/" + std::to_string(h % 100000000) + "/sim_normal.jpg";
  o["protected"] = false;
  o["verified"] = (h >> 28) % 10 == 0;
  o["verified_type"] = (h >> 28) % 10 == 0 ? "blue" : "none";
  boost::json::object pm;
  pm["followers_count"] = static_cast<std::int64_t>((h >> 32) % 1000000);
  pm["following_count"] = static_cast<std::int64_t>((h >> 40) % 5000);
  pm["tweet_count"] = static_cast<std::int64_t>((h >> 44) % 100000);
  pm["listed_count"] = static_cast<std::int64_t>((h >> 50) % 1000);
  pm["like_count"] = static_cast<std::int64_t>((h >> 36) % 50000);
  o["public_metrics"] = std::move(pm);
  if (auto pin = pinned_tweet_of(seed, u)) o["pinned_tweet_id"] = tweet_id(*pin);
  return o;
}

boost::json::object tweet_object(std::uint64_t seed, std::int64_t k) {
  auto h = mix(seed, 32, static_cast<std::uint64_t>(k));
  auto id = tweet_id(k);
  boost::json::object o;
  o["id"] = id;
  o["text"] = "Simulated post " + std::to_string(k) + " by @" + username(author_of(k));
  o["edit_history_tweet_ids"] = boost::json::array{boost::json::value(id)};
  o["author_id"] = user_id(author_of(k));
  o["created_at"] = iso_time(h);
  o["conversation_id"] = id;
  o["lang"] = langs[(h >> 24) % std::size(langs)];
  o["possibly_sensitive"] = false;
  o["reply_settings"] = "everyone";
  boost::json::object pm;
  pm["retweet_count"] = static_cast<std::int64_t>((h >> 28) % 1000);
  pm["reply_count"] = static_cast<std::int64_t>((h >> 34) % 300);
  pm["like_count"] = static_cast<std::int64_t>((h >> 40) % 10000);
  pm["quote_count"] = static_cast<std::int64_t>((h >> 46) % 100);
  pm["bookmark_count"] = static_cast<std::int64_t>((h >> 50) % 100);
  pm["impression_count"] = static_cast<std::int64_t>((h >> 20) % 1000000);
  o["public_metrics"] = std::move(pm);
  return o;
}

} // namespace adbatch::sim::twitter
