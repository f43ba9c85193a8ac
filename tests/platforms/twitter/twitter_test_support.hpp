#pragma once

// Shared by the X pipeline tests: a plan context, connections, requests,
// a seeded generator of random request sets over the simulator's model,
// and running a call through adbatch-sim's pure X platform.

#include "platforms/twitter/twitter_adapter.hpp"
#include "platforms/twitter/twitter_catalog.hpp"
#include "platforms/twitter/twitter_plan.hpp"
#include "sim/core/platform.hpp"
#include "sim/twitter/twitter_ads.hpp"
#include "sim/twitter/twitter_data.hpp"
#include "sim/twitter/twitter_platform.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <random>
#include <set>

namespace x_test {

using namespace adbatch::platforms;
namespace json = boost::json;
namespace ads = adbatch::sim::twitter::ads;
namespace simx = adbatch::sim::twitter;

/// 2026-12-03T12:00:00Z.
inline time_point test_now() {
  return time_point{std::chrono::seconds{1796299200}};
}
inline std::int64_t test_today() {
  return twitter::day_of(test_now());
}

/// The primary account of org k (its token reaches (a - 1) % 5 == k % 5).
inline int primary_account(int k) {
  return k % 5 + 1 + 5 * (k / 5);
}

inline connection_credential connection(const std::string& id, int k) {
  connection_credential c;
  c.connection_id = id;
  c.org_id = "org-" + std::to_string(k);
  c.token = "org-" + std::to_string(k) + "-twitter";
  c.account_ids["account_id"] = ads::account_id(primary_account(k));
  return c;
}

inline plan_context context(int orgs = 5) {
  plan_context ctx;
  ctx.now = test_now();
  for (int k = 0; k < orgs; ++k)
    ctx.credentials["c" + std::to_string(k)] =
        connection("c" + std::to_string(k), k);
  return ctx;
}

inline queued_request request(std::int64_t id, const std::string& conn,
                              const std::string& type,
                              json::object params = {}) {
  queued_request q;
  q.id = id;
  q.org_id = "org";
  q.connection_id = conn;
  q.request_type = type;
  q.params = std::move(params);
  return q;
}

inline json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v)
    a.emplace_back(s);
  return a;
}

/// Random request sets over `orgs` connections, small pools so requests
/// overlap; `foreign` adds requests for accounts the token does not reach.
struct request_generator {
  std::mt19937_64 g;
  std::int64_t next_id = 1;
  explicit request_generator(std::uint64_t seed) : g(seed) {}

  int pick(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(g);
  }
  bool chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(g) < p;
  }

  std::vector<std::string> ids(ads::kind k, int a, int n) {
    auto all = ads::list(42, k, a);
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (int i = 0; i < n; ++i) {
      auto id = ads::id_of(all[static_cast<std::size_t>(
          pick(0, static_cast<int>(all.size()) - 1))]);
      if (seen.insert(id).second) out.push_back(id);
    }
    return out;
  }

  queued_request one(int orgs, bool foreign, int key_max = 30) {
    static const std::vector<std::string> types{"get_users",
                                                "lookup_users",
                                                "get_users_by_username",
                                                "get_tweets",
                                                "get_accounts",
                                                "get_campaigns",
                                                "get_line_items",
                                                "get_promoted_tweets",
                                                "get_media_creatives",
                                                "get_cards",
                                                "get_targeting_criteria",
                                                "get_tailored_audiences",
                                                "get_stats",
                                                "get_stats"};
    int k = pick(0, orgs - 1);
    auto type = types[static_cast<std::size_t>(
        pick(0, static_cast<int>(types.size()) - 1))];
    json::object p;
    auto n = pick(1, key_max);
    if (type == "get_users" || type == "lookup_users" ||
        type == "get_users_by_username" || type == "get_tweets") {
      std::vector<std::string> keys;
      std::set<std::string> seen;
      for (int i = 0; i < n; ++i) {
        auto u = pick(1, 150);
        bool unknown = chance(0.05);
        std::string key =
            type == "get_tweets"
                ? (unknown ? "1700000000100000009" : simx::tweet_id(u))
            : type == "get_users_by_username"
                ? (unknown ? "nobody" + std::to_string(u) : simx::username(u))
                : (unknown ? "1500000000001000009" : simx::user_id(u));
        if (seen.insert(key).second) keys.push_back(key);
      }
      p[type == "get_tweets"              ? "tweet_ids"
        : type == "get_users_by_username" ? "usernames"
                                          : "user_ids"] = strings(keys);
    } else if (type == "get_accounts") {
      if (chance(0.5))
        p["account_ids"] = strings({ads::account_id(primary_account(k))});
    } else {
      int a = primary_account(k);
      if (foreign && chance(0.3)) {
        a = (primary_account(k) % ads::account_count) + 1; // another residue
        p["account_id"] = ads::account_id(a);
      } else if (chance(0.2)) {
        a = primary_account(k) + 5 * pick(1, 3);
        p["account_id"] = ads::account_id(a);
      }
      if (type == "get_stats") {
        static const std::vector<std::string> ent{"CAMPAIGN", "LINE_ITEM",
                                                  "PROMOTED_TWEET"};
        auto e = ent[static_cast<std::size_t>(pick(0, 2))];
        auto kind = e == "CAMPAIGN"    ? ads::kind::campaign
                    : e == "LINE_ITEM" ? ads::kind::line_item
                                       : ads::kind::promoted_tweet;
        p["entity_type"] = e;
        p["entity_ids"] = strings(ids(kind, a, pick(1, 8)));
        if (chance(0.7)) {
          auto end = test_today() - pick(0, 12);
          p["start_time"] =
              twitter::iso_midnight(end - pick(1, 7)).substr(0, 10);
          p["end_time"] = twitter::iso_midnight(end).substr(0, 10);
        }
        if (chance(0.4)) p["granularity"] = "TOTAL";
        if (chance(0.3))
          p["metric_groups"] = json::array{"VIDEO", "ENGAGEMENT"};
        if (chance(0.1)) p["placement"] = "PUBLISHER_NETWORK";
      } else if (type == "get_targeting_criteria") {
        p["line_item_ids"] = strings(ids(ads::kind::line_item, a, pick(1, 4)));
      } else if (chance(0.5)) {
        const auto* spec = twitter::list_spec_of(type);
        auto f = spec->filters[static_cast<std::size_t>(
            pick(0, static_cast<int>(spec->filters.size()) - 1))];
        if (f.first == "funding_instrument_ids") f = spec->filters[0];
        auto kind = f.first == "campaign_ids"       ? ads::kind::campaign
                    : f.first == "line_item_ids"    ? ads::kind::line_item
                    : type == "get_campaigns"       ? ads::kind::campaign
                    : type == "get_line_items"      ? ads::kind::line_item
                    : type == "get_promoted_tweets" ? ads::kind::promoted_tweet
                    : type == "get_media_creatives" ? ads::kind::media_creative
                    : type == "get_cards"           ? ads::kind::card
                                          : ads::kind::tailored_audience;
        p[f.first] = strings(ids(kind, a, pick(1, 3)));
      }
    }
    return request(next_id++, "c" + std::to_string(k), type, std::move(p));
  }

  std::vector<queued_request> set(int n, int orgs, bool foreign,
                                  int key_max = 30) {
    std::vector<queued_request> out;
    for (int i = 0; i < n; ++i) {
      if (!out.empty() && chance(0.15)) {
        auto copy = out[static_cast<std::size_t>(
            pick(0, static_cast<int>(out.size()) - 1))];
        copy.id = next_id++;
        out.push_back(std::move(copy));
      } else {
        out.push_back(one(orgs, foreign, key_max));
      }
    }
    return out;
  }
};

inline std::unique_ptr<adbatch::sim::platform> fresh_sim() {
  adbatch::sim::platform_options o;
  o.seed = 42;
  adbatch::sim::twitter_options tw;
  tw.epoch_origin = 1796299200;
  return adbatch::sim::make_twitter(o, tw);
}

struct run_result {
  upstream_reply reply;
  std::int64_t charged = 0;
};

inline run_result run(adbatch::sim::platform& p, const upstream_call& c,
                      int tick) {
  adbatch::sim::http_request req;
  req.method = c.method;
  req.target = c.target;
  for (const auto& [k, v] : c.headers) {
    std::string lower;
    for (char ch : k)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    req.headers.emplace(lower, v);
  }
  req.body = c.body;
  auto resp =
      p.handle(req, adbatch::sim::time_point{} + std::chrono::seconds{tick});
  run_result r;
  r.reply.status = resp.status;
  for (const auto& [k, v] : resp.headers) {
    std::string lower;
    for (char ch : k)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.reply.headers[lower] = v;
  }
  r.reply.body = resp.body;
  r.charged = resp.acct.quota_units;
  return r;
}

} // namespace x_test
