#include "sim/google/google_model.hpp"
#include "tools/bench/workload_gen.hpp"

#include <boost/json.hpp>

// Google Ads: what an ad-management product asks of Google Ads, aimed at the
// objects each org's token owns in the simulator's model.

namespace adbatch::bench::gen {

namespace {

namespace json = boost::json;

struct google_gen {
  sim::google::google_model model;

  static sim::google::google_world world_of(std::int64_t today) {
    sim::google::google_world w;
    if (today > 0) w.today = today;
    return w;
  }

  google_gen(std::uint64_t seed, std::int64_t today)
      : model(seed, world_of(today)) {}

  std::string attr(std::string_view resource, const sim::google::entity& e,
                   const std::string& field) {
    auto row = model.attributes(resource, e);
    auto it = row.find(field);
    if (it == row.end()) return {};
    auto& v = it->second;
    if (v.is_string()) return std::string{v.as_string()};
    return json::serialize(v);
  }

  sim::google::entity pick_entity(rng& g, std::string_view resource, int n) {
    auto all = model.enumerate(resource, n);
    return pick_of(g, all);
  }

  json::object request(rng& g, std::string& type, int n, bool writes,
                       std::int64_t today) {
    // Dashboards ask most for entities and their metrics, per campaign
    // and ad group; account-wide lists now and then.
    static const std::vector<std::pair<std::string, double>> reads{
        {"get_account", 1},
        {"get_campaigns", 2},
        {"get_ad_groups", 4},
        {"get_ads", 3},
        {"get_keywords", 4},
        {"get_campaign_metrics", 6},
        {"get_ad_group_metrics", 4},
        {"get_keyword_metrics", 3},
        {"get_assets", 1},
        {"get_extensions", 1},
        {"get_audiences", 1},
        {"get_user_lists", 1},
        {"get_conversion_actions", 1},
        {"get_conversions", 2},
        {"gaql_query", 1}};
    static const std::vector<std::pair<std::string, double>> mutates{
        {"update_campaigns", 1},
        {"update_ad_groups", 1},
        {"update_keywords", 1},
        {"update_ads", 1}};
    type = writes && chance(g, 0.1) ? weighted(g, mutates) : weighted(g, reads);
    json::object p;
    auto camp_id = [&] {
      return attr("campaign", pick_entity(g, "campaign", n), "campaign.id");
    };
    auto range = [&] {
      if (chance(g, 0.3)) {
        p["date_range"] = chance(g, 0.5) ? "LAST_7_DAYS" : "LAST_30_DAYS";
        return;
      }
      auto end = today - pick(g, 1, 10);
      p["start_date"] = date_of(end - pick(g, 0, 13));
      p["end_date"] = date_of(end);
    };
    if (type == "get_ad_groups" || type == "get_ads") {
      if (chance(g, 0.6)) p["campaign_id"] = camp_id();
    } else if (type == "get_keywords") {
      auto e = pick_entity(g, "ad_group", n);
      p["ad_group_id"] = attr("ad_group", e, "ad_group.id");
    } else if (type == "get_campaign_metrics") {
      range();
      if (chance(g, 0.5)) p["campaign_ids"] = json::array{camp_id().c_str()};
      if (chance(g, 0.5)) p["aggregate"] = "total";
    } else if (type == "get_ad_group_metrics" ||
               type == "get_keyword_metrics") {
      range();
      if (chance(g, 0.5)) p["campaign_id"] = camp_id();
      if (chance(g, 0.3)) p["aggregate"] = "total";
    } else if (type == "get_conversions") {
      range();
    } else if (type == "gaql_query") {
      p["query"] = "SELECT campaign.id, campaign.name, campaign.status FROM "
                   "campaign ORDER BY campaign.id";
    } else if (type == "update_campaigns") {
      auto e = pick_entity(g, "campaign", n);
      p["operation"] = json::object{
          {"update",
           json::object{
               {"resourceName", attr("campaign", e, "campaign.resource_name")},
               {"name", "renamed " + std::to_string(pick(g, 1, 999))}}},
          {"updateMask", "name"}};
    } else if (type == "update_ad_groups") {
      auto e = pick_entity(g, "ad_group", n);
      p["operation"] = json::object{
          {"update",
           json::object{
               {"resourceName", attr("ad_group", e, "ad_group.resource_name")},
               {"status", chance(g, 0.5) ? "PAUSED" : "ENABLED"}}},
          {"updateMask", "status"}};
    } else if (type == "update_keywords") {
      auto e = pick_entity(g, "ad_group_criterion", n);
      p["operation"] = json::object{
          {"update", json::object{{"resourceName",
                                   attr("ad_group_criterion", e,
                                        "ad_group_criterion.resource_name")},
                                  {"status", "PAUSED"}}},
          {"updateMask", "status"}};
    } else if (type == "update_ads") {
      auto e = pick_entity(g, "ad_group_ad", n);
      p["operation"] = json::object{
          {"update",
           json::object{{"resourceName",
                         attr("ad_group_ad", e, "ad_group_ad.resource_name")},
                        {"status", "PAUSED"}}},
          {"updateMask", "status"}};
    }
    return p;
  }
};

class google_generator final : public platform_generator {
public:
  explicit google_generator(const workload_options& opts)
      : gen_(opts.sim_seed, opts.google_today), writes_(opts.writes) {}

  void connect(int k, workload_connection& c) override {
    auto n_cust = customers_of(k).front();
    json::object ids;
    ids["customer_id"] = gen_.model.customer_id(n_cust);
    if (auto m = gen_.model.manager_of(n_cust); !m.empty())
      ids["login_customer_id"] = m;
    c.account_ids = json::serialize(ids);
  }

  void request(rng& g, int k, const workload_connection&, bool foreign,
               std::string& type, json::object& params) override {
    // The connection's customer, or (foreign) another org's one named in
    // params.customer_id.
    auto n_cust = customers_of(k).front();
    int target = foreign ? pick_of(g, customers_of(k + 1)) : n_cust;
    params = gen_.request(g, type, target, writes_, gen_.model.world().today);
    if (foreign) params["customer_id"] = gen_.model.customer_id(target);
  }

private:
  /// The customers org k's token owns (the simulator's ownership rule).
  std::vector<int> customers_of(int k) const {
    std::vector<int> out;
    for (int i = 1; i <= gen_.model.world().customers; ++i)
      if ((i - 1) % 5 == k % 5) out.push_back(i);
    return out;
  }

  google_gen gen_;
  bool writes_;
};

} // namespace

std::unique_ptr<platform_generator>
make_google_generator(const workload_options& opts) {
  return std::make_unique<google_generator>(opts);
}

} // namespace adbatch::bench::gen
