#include "sim/twitter/twitter_ads.hpp"
#include "sim/twitter/twitter_data.hpp"
#include "tools/bench/workload_gen.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <set>

// X: what an ad-management product asks of X, aimed at the objects each
// org's token reaches in the simulator's model: profiles and posts of the
// accounts it follows (v2 lookups), and its X Ads accounts' objects and
// stats (org k's token reaches accounts a with (a - 1) % 5 == k % 5).

namespace adbatch::bench::gen {

namespace {

namespace json = boost::json;
namespace ads = sim::twitter::ads;

struct twitter_gen final : platform_generator {
  std::uint64_t seed;
  std::int64_t today;

  explicit twitter_gen(const workload_options& o)
      : seed(o.sim_seed),
        today(std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count() /
              86400) {}

  /// Accounts org k reaches: the primary one first.
  static std::vector<int> accounts_of(int k) {
    std::vector<int> out;
    auto r = k % 5;
    auto primary = r + 1 + 5 * ((k / 5) % (ads::account_count / 5));
    out.push_back(primary);
    for (int a = r + 1; a <= ads::account_count; a += 5)
      if (a != primary && out.size() < 4) out.push_back(a);
    return out;
  }
  static int foreign_account(rng& g, int k) {
    int a;
    do
      a = pick(g, 1, ads::account_count);
    while ((a - 1) % 5 == k % 5);
    return a;
  }

  void connect(int k, workload_connection& c) override {
    c.account_ids = json::serialize(
        json::object{{"account_id", ads::account_id(accounts_of(k).front())}});
  }

  static json::array strings(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v)
      a.emplace_back(s);
    return a;
  }

  /// Up to n distinct ids of objects of kind k under account a.
  std::vector<std::string> some(rng& g, ads::kind k, int a, int n) {
    auto all = ads::list(seed, k, a);
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (int i = 0; i < n; ++i) {
      auto id = ads::id_of(pick_of(g, all));
      if (seen.insert(id).second) out.push_back(id);
    }
    return out;
  }

  void request(rng& g, int k, const workload_connection&, bool foreign,
               std::string& type, json::object& p) override {
    static const std::vector<std::pair<std::string, double>> lookups{
        {"get_users", 4},
        {"lookup_users", 2},
        {"get_users_by_username", 2},
        {"get_tweets", 3}};
    static const std::vector<std::pair<std::string, double>> ads_types{
        {"get_accounts", 1},
        {"get_campaigns", 2},
        {"get_line_items", 2},
        {"get_promoted_tweets", 1},
        {"get_media_creatives", 1},
        {"get_cards", 1},
        {"get_targeting_criteria", 1},
        {"get_tailored_audiences", 1},
        {"get_stats", 4}};
    type = !foreign && chance(g, 11.0 / 25.0) ? weighted(g, lookups)
                                              : weighted(g, ads_types);
    if (foreign && type == "get_accounts") type = "get_campaigns";
    // The users an org follows: 150 of them, its own slice of the world.
    auto user = [&] { return std::int64_t{1} + k * 1000 + pick(g, 0, 149); };
    auto n = pick(g, 1, 8);
    if (type == "get_users" || type == "lookup_users" ||
        type == "get_users_by_username" || type == "get_tweets") {
      std::vector<std::string> keys;
      std::set<std::string> seen;
      for (int i = 0; i < n; ++i) {
        std::string key;
        bool unknown = chance(g, 0.03);
        if (type == "get_tweets") {
          auto t = unknown ? sim::twitter::tweet_count + 7
                           : user() + sim::twitter::user_count * pick(g, 0, 20);
          key = unknown ? std::to_string(1700000000000000000LL + t)
                        : sim::twitter::tweet_id(t);
        } else if (type == "get_users_by_username") {
          key = unknown ? "nosuchuser" + std::to_string(pick(g, 1, 99))
                        : sim::twitter::username(user());
        } else {
          key = unknown ? std::to_string(1500000000000000000LL +
                                         sim::twitter::user_count + 9)
                        : sim::twitter::user_id(user());
        }
        if (seen.insert(key).second) keys.push_back(key);
      }
      p[type == "get_tweets"              ? "tweet_ids"
        : type == "get_users_by_username" ? "usernames"
                                          : "user_ids"] = strings(keys);
      return;
    }
    auto mine = accounts_of(k);
    int a = foreign          ? foreign_account(g, k)
            : chance(g, 0.8) ? mine.front()
                             : pick_of(g, mine);
    bool other = a != mine.front();
    if (type == "get_accounts") {
      if (chance(g, 0.4))
        p["account_ids"] = json::array{json::value(ads::account_id(a))};
      return;
    }
    if (other) p["account_id"] = ads::account_id(a);
    if (type == "get_stats") {
      static const std::vector<std::pair<std::string, double>> entities{
          {"CAMPAIGN", 3}, {"LINE_ITEM", 2}, {"PROMOTED_TWEET", 1}};
      auto entity = weighted(g, entities);
      auto kind = entity == "CAMPAIGN"    ? ads::kind::campaign
                  : entity == "LINE_ITEM" ? ads::kind::line_item
                                          : ads::kind::promoted_tweet;
      if (entity != "CAMPAIGN" || chance(g, 0.5)) p["entity_type"] = entity;
      p["entity_ids"] = strings(some(g, kind, a, pick(g, 1, 4)));
      if (chance(g, 0.5)) {
        auto end = today - pick(g, 0, 2);
        p["start_time"] = date_of(end - pick(g, 1, 5));
        p["end_time"] = date_of(end);
      }
      if (chance(g, 0.3)) p["granularity"] = "TOTAL";
      if (chance(g, 0.3))
        p["metric_groups"] = chance(g, 0.5)
                                 ? json::array{"ENGAGEMENT"}
                                 : json::array{"ENGAGEMENT", "VIDEO"};
      return;
    }
    auto spec_kind = [&]() {
      if (type == "get_campaigns") return ads::kind::campaign;
      if (type == "get_line_items") return ads::kind::line_item;
      if (type == "get_promoted_tweets") return ads::kind::promoted_tweet;
      if (type == "get_media_creatives") return ads::kind::media_creative;
      if (type == "get_cards") return ads::kind::card;
      if (type == "get_targeting_criteria")
        return ads::kind::targeting_criterion;
      return ads::kind::tailored_audience;
    }();
    if (type == "get_targeting_criteria") {
      p["line_item_ids"] =
          strings(some(g, ads::kind::line_item, a, pick(g, 1, 3)));
      return;
    }
    if (chance(g, 0.5)) return; // the whole list
    static const std::map<std::string, std::string> own{
        {"get_campaigns", "campaign_ids"},
        {"get_line_items", "line_item_ids"},
        {"get_promoted_tweets", "promoted_tweet_ids"},
        {"get_media_creatives", "media_creative_ids"},
        {"get_cards", "card_ids"},
        {"get_tailored_audiences", "tailored_audience_ids"}};
    if (type == "get_line_items" && chance(g, 0.5)) {
      p["campaign_ids"] =
          strings(some(g, ads::kind::campaign, a, pick(g, 1, 2)));
      return;
    }
    if (type == "get_promoted_tweets" && chance(g, 0.5)) {
      p["line_item_ids"] =
          strings(some(g, ads::kind::line_item, a, pick(g, 1, 2)));
      return;
    }
    p[own.at(type)] = strings(some(g, spec_kind, a, pick(g, 1, 3)));
  }
};

} // namespace

std::unique_ptr<platform_generator>
make_twitter_generator(const workload_options& opts) {
  return std::make_unique<twitter_gen>(opts);
}

} // namespace adbatch::bench::gen
