#include "sim/linkedin/linkedin_data.hpp"
#include "sim/linkedin/linkedin_platform.hpp"
#include "tools/bench/workload_gen.hpp"

#include <boost/json.hpp>

// LinkedIn: what an ad-management product asks of the LinkedIn Marketing
// API, aimed at the ad accounts each org's token may access in the
// simulator's model (token org-<k>-linkedin: account index i with
// i % 5 == k % 5, the simulator's ownership rule).

namespace adbatch::bench::gen {

namespace {

namespace json = boost::json;
namespace li = adbatch::sim::linkedin;

class linkedin_generator final : public platform_generator {
public:
  explicit linkedin_generator(const workload_options& opts)
      : data_(opts.sim_seed, li::catalog_options{}),
        // Explicit ranges end before this day (the simulator has no
        // calendar: any date has metrics).
        today_(opts.google_today > 0 ? opts.google_today : 20'777) {}

  void connect(int k, workload_connection& c) override {
    json::object ids;
    ids["account_id"] = std::to_string(accounts_of(k).front());
    c.account_ids = json::serialize(ids);
  }

  void request(rng& g, int k, const workload_connection&, bool foreign,
               std::string& type, json::object& p) override {
    // Dashboards ask most for campaigns, creatives and their analytics;
    // leads often (CRM sync); the rest now and then.
    static const std::vector<std::pair<std::string, double>> types{
        {"get_ad_accounts", 2},
        {"get_campaigns", 4},
        {"get_campaign_groups", 2},
        {"get_creatives", 3},
        {"get_analytics", 5},
        {"get_campaign_analytics", 5},
        {"get_audiences", 2},
        {"get_targeting_facets", 1},
        {"get_conversions", 2},
        {"get_lead_gen_forms", 2},
        {"get_leads", 3}};
    type = weighted(g, types);
    auto mine = accounts_of(k);
    auto others = accounts_of(k + 1);
    // The account: mostly the connection's own (no account_id), else
    // another of the org's, or (foreign) another org's.
    std::int64_t acct = mine.front();
    bool explicit_account = false;
    if (foreign) {
      acct = pick_of(g, others);
      explicit_account = true;
    } else if (chance(g, 0.35)) {
      acct = pick_of(g, mine);
      explicit_account = acct != mine.front();
    }
    auto set_account = [&] {
      if (explicit_account) p["account_id"] = std::to_string(acct);
    };
    auto some = [&](const std::vector<std::int64_t>& from, int most) {
      json::array a;
      int n = pick(g, 1, std::min<int>(most, static_cast<int>(from.size())));
      std::vector<std::int64_t> pool = from;
      for (int i = 0; i < n; ++i) {
        auto at = static_cast<std::size_t>(
            pick(g, 0, static_cast<int>(pool.size()) - 1));
        a.push_back(json::value(std::to_string(pool[at])));
        pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(at));
      }
      return a;
    };
    auto range = [&] {
      auto end = today_ - pick(g, 1, 10);
      p["start_date"] = date_of(end - pick(g, 0, 29));
      p["end_date"] = date_of(end);
      if (chance(g, 0.5))
        p["time_granularity"] = chance(g, 0.6) ? "ALL" : "MONTHLY";
      if (chance(g, 0.4)) {
        static const std::vector<std::string> metrics{
            "impressions",         "clicks",
            "costInLocalCurrency", "likes",
            "videoViews",          "oneClickLeads",
            "totalEngagements",    "landingPageClicks"};
        json::array m;
        for (const auto& name : metrics)
          if (chance(g, 0.4)) m.push_back(json::value(name));
        if (m.empty()) m.push_back("impressions");
        p["metrics"] = std::move(m);
      }
    };
    auto campaigns = data_.campaign_ids(acct);

    if (type == "get_ad_accounts") {
      if (foreign)
        p["account_ids"] = json::array{json::value(std::to_string(acct))};
      else if (chance(g, 0.5))
        p["account_ids"] = some(mine, 3);
    } else if (type == "get_campaigns") {
      set_account();
      if (chance(g, 0.5))
        p["campaign_ids"] = some(campaigns, 3);
      else if (chance(g, 0.3))
        p["status"] = chance(g, 0.5)
                          ? json::value("ACTIVE")
                          : json::value(json::array{"ACTIVE", "PAUSED"});
    } else if (type == "get_campaign_groups") {
      set_account();
      if (chance(g, 0.3))
        p["campaign_group_ids"] = json::array{
            json::value(std::to_string(data_.campaign_group_of(acct)))};
    } else if (type == "get_creatives") {
      set_account();
      double r = std::uniform_real_distribution<double>{0, 1}(g);
      if (r < 0.3) {
        std::vector<std::int64_t> creatives;
        for (auto c : campaigns)
          for (auto cr : data_.creative_ids_of_campaign(c))
            creatives.push_back(cr);
        auto ids = some(creatives, 3);
        for (auto& v : ids)
          v = json::value("urn:li:sponsoredCreative:" +
                          std::string{v.as_string()});
        p["creative_ids"] = std::move(ids);
      } else if (r < 0.55) {
        p["campaign_ids"] = some(campaigns, 2);
      } else if (r < 0.65) {
        p["status"] = "ACTIVE";
      }
    } else if (type == "get_analytics") {
      if (chance(g, 0.3) && !foreign)
        p["account_ids"] = some(mine, 2);
      else
        set_account();
      static const std::vector<std::pair<std::string, double>> pivots{
          {"CAMPAIGN", 4},
          {"ACCOUNT", 2},
          {"CAMPAIGN_GROUP", 1},
          {"CREATIVE", 2}};
      auto pv = weighted(g, pivots);
      if (pv != "CAMPAIGN" || chance(g, 0.5)) p["pivot"] = pv;
      range();
    } else if (type == "get_campaign_analytics") {
      if (chance(g, 0.5))
        p["campaign_ids"] = some(campaigns, 3);
      else
        set_account();
      range();
    } else if (type == "get_audiences") {
      set_account();
      if (chance(g, 0.2)) p["audience_ids"] = some(data_.segment_ids(acct), 2);
    } else if (type == "get_targeting_facets") {
      if (chance(g, 0.3))
        p["facet_names"] =
            json::array{"locations", chance(g, 0.5) ? "titles" : "skills"};
    } else if (type == "get_conversions") {
      set_account();
      if (chance(g, 0.2))
        p["conversion_ids"] = some(data_.conversion_ids(acct), 1);
    } else if (type == "get_lead_gen_forms") {
      set_account();
      if (chance(g, 0.2)) p["form_ids"] = some(data_.lead_form_ids(acct), 1);
    } else if (type == "get_leads") {
      set_account();
      if (chance(g, 0.6))
        p["form_id"] = std::to_string(pick_of(g, data_.lead_form_ids(acct)));
    }
  }

private:
  /// The ad accounts org k's token may access.
  std::vector<std::int64_t> accounts_of(int k) const {
    std::vector<std::int64_t> out;
    sim::linkedin_options opts;
    for (auto id : data_.account_ids())
      if (li::owns_account(opts, "org-" + std::to_string(k) + "-linkedin", id))
        out.push_back(id);
    return out;
  }

  li::catalog data_;
  std::int64_t today_;
};

} // namespace

std::unique_ptr<platform_generator>
make_linkedin_generator(const workload_options& opts) {
  return std::make_unique<linkedin_generator>(opts);
}

} // namespace adbatch::bench::gen
