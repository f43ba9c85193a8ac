#include "sim/snapchat/snapchat_data.hpp"
#include "tools/bench/workload_gen.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <set>

// Snapchat: what an ad-management product asks of the Snapchat Marketing
// API, aimed at the objects each org's token owns in the simulator's model
// (token "org-<k>-snapchat" owns organizations i with (i - 1) % 5 == k % 5).
// Each connection is for one ad account; most requests are about it, a few
// name another ad account of the same organizations.

namespace adbatch::bench::gen {

namespace {

namespace json = boost::json;
namespace sc = sim::snapchat;
using sc::kind;
using sc::node;

class snapchat_generator final : public platform_generator {
public:
  explicit snapchat_generator(const workload_options& opts)
      : seed_(opts.sim_seed),
        today_(std::chrono::duration_cast<std::chrono::days>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count()) {}

  /// The ad account a connection of org k is for.
  node home(int k) const {
    auto orgs = owned_orgs(k);
    int org = orgs[static_cast<std::size_t>((k / 5) % orgs.size())];
    int n = sc::account_count(seed_, org);
    return node{kind::adaccount, org, 1 + (k / 10) % n};
  }

  void connect(int k, workload_connection& c) override {
    json::object ids;
    ids["ad_account_id"] = sc::id_of(seed_, home(k));
    c.account_ids = json::serialize(ids);
  }

  void request(rng& g, int k, const workload_connection&, bool foreign,
               std::string& type, json::object& params) override {
    // Another org's token owns these (k + 1 has the next residue).
    int owner = foreign ? k + 1 : k;
    auto acct = home(owner);
    bool explicit_account = foreign || chance(g, 0.4);
    if (!foreign && chance(g, 0.08)) {
      // Another ad account of the same organizations.
      auto orgs = owned_orgs(k);
      int org = pick_of(g, orgs);
      acct = node{kind::adaccount, org,
                  pick(g, 1, std::min(3, sc::account_count(seed_, org)))};
      explicit_account = true;
    }
    auto acct_id = sc::id_of(seed_, acct);
    static const std::vector<std::pair<std::string, double>> types{
        {"get_organizations", 1},
        {"get_ad_accounts", 2},
        {"get_campaigns", 4},
        {"get_ad_squads", 4},
        {"get_ads", 4},
        {"get_creatives", 2},
        {"get_media", 1},
        {"get_targeting_options", 1},
        {"get_audiences", 1},
        {"get_audience_segments", 1},
        {"get_campaign_stats", 5},
        {"get_ad_squad_stats", 3},
        {"get_ad_stats", 3},
        {"get_pixels", 1},
        {"get_pixel_events", 2}};
    type = weighted(g, types);
    json::object p;
    auto with_account = [&] {
      if (explicit_account) p["ad_account_id"] = acct_id;
    };
    auto some = [&](kind child, int most) {
      auto all = sc::children(seed_, acct, child);
      json::array ids;
      std::set<int> taken;
      int n = pick(g, 1, std::min<int>(most, static_cast<int>(all.size())));
      while (static_cast<int>(taken.size()) < n)
        taken.insert(pick(g, 0, static_cast<int>(all.size()) - 1));
      for (int i : taken)
        ids.push_back(
            json::string{sc::id_of(seed_, all[static_cast<std::size_t>(i)])});
      return ids;
    };
    auto one = [&](kind child) {
      auto all = sc::children(seed_, acct, child);
      return sc::id_of(seed_, pick_of(g, all));
    };
    if (type == "get_organizations") {
      // no params
    } else if (type == "get_ad_accounts") {
      if (foreign || chance(g, 0.5))
        p["organization_id"] =
            sc::id_of(seed_, node{kind::organization, acct.org});
      if (!foreign && chance(g, 0.2))
        p["ad_account_ids"] = json::array{json::string{acct_id}};
    } else if (type == "get_campaigns") {
      with_account();
      if (chance(g, 0.4)) p["campaign_ids"] = some(kind::campaign, 5);
    } else if (type == "get_ad_squads") {
      with_account();
      auto r = pick(g, 0, 2);
      if (r == 0) p["campaign_id"] = one(kind::campaign);
      if (r == 1) p["ad_squad_ids"] = some(kind::adsquad, 4);
    } else if (type == "get_ads") {
      with_account();
      auto r = pick(g, 0, 2);
      if (r == 0) p["ad_squad_id"] = one(kind::adsquad);
      if (r == 1) p["ad_ids"] = some(kind::ad, 4);
    } else if (type == "get_creatives") {
      with_account();
      if (chance(g, 0.3)) p["creative_ids"] = some(kind::creative, 3);
    } else if (type == "get_media") {
      with_account();
      if (chance(g, 0.3)) p["media_ids"] = some(kind::media, 3);
    } else if (type == "get_audiences" || type == "get_audience_segments") {
      with_account();
      if (chance(g, 0.3)) p["segment_ids"] = some(kind::segment, 2);
    } else if (type == "get_pixels") {
      with_account();
    } else if (type == "get_targeting_options") {
      static const std::vector<std::pair<std::string, std::string>> dims{
          {"geo", "country"},
          {"demographics", "age_group"},
          {"demographics", "gender"},
          {"device", "os_type"},
          {"interests", "scls"}};
      const auto& [d, t] = pick_of(g, dims);
      p["dimension"] = d;
      p["type"] = t;
    } else {
      // Stats: the last week or month, whole days; TOTAL or DAY.
      auto until = today_ - pick(g, 0, 3);
      auto days = pick_of(g, std::vector<int>{7, 7, 14, 28});
      p["start_time"] = date_of(until - days);
      p["end_time"] = date_of(until);
      if (chance(g, 0.4)) p["granularity"] = "DAY";
      if (type == "get_pixel_events") {
        p["pixel_id"] = sc::id_of(
            seed_, node{kind::pixel, acct.org, acct.account, 0, 0, 0, 1});
        if (chance(g, 0.5))
          p["event_types"] = json::array{"page_view", "purchase"};
      } else {
        with_account();
        auto child = type == "get_campaign_stats"   ? kind::campaign
                     : type == "get_ad_squad_stats" ? kind::adsquad
                                                    : kind::ad;
        if (chance(g, 0.6)) p["entity_ids"] = some(child, 5);
        if (chance(g, 0.4))
          p["fields"] = json::array{"impressions", "swipes", "spend"};
      }
    }
    params = std::move(p);
  }

private:
  std::vector<int> owned_orgs(int k) const {
    std::vector<int> out;
    for (int o = 1; o <= sc::org_count; ++o)
      if (sc::owns_org("org-" + std::to_string(k) + "-snapchat", o))
        out.push_back(o);
    return out;
  }

  std::uint64_t seed_;
  std::int64_t today_;
};

} // namespace

std::unique_ptr<platform_generator>
make_snapchat_generator(const workload_options& opts) {
  return std::make_unique<snapchat_generator>(opts);
}

} // namespace adbatch::bench::gen
