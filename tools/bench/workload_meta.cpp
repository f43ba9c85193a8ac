#include "sim/meta/meta_model.hpp"
#include "tools/bench/workload_gen.hpp"

#include <boost/json.hpp>

// Meta: what an ad-management product asks of Meta, aimed at the
// objects each org's token owns in the simulator's model.

namespace adbatch::bench::gen {

namespace {

namespace json = boost::json;

struct meta_gen {
  sim::meta::model model;
  std::int64_t today;

  explicit meta_gen(std::uint64_t seed)
      : model(seed, sim::meta::model_options{}, sim::meta::ownership_options{}),
        today(sim::meta::model_options{}.today) {}

  using ref = sim::meta::object_ref;
  using kind = sim::meta::kind;

  ref account(rng& g, const std::vector<int>& accounts) {
    return ref{kind::ad_account, pick_of(g, accounts)};
  }
  ref campaign(rng& g, const std::vector<int>& accounts) {
    auto a = pick_of(g, accounts);
    return ref{kind::campaign, a, pick(g, 1, model.campaigns_in(a))};
  }
  ref adset(rng& g, const std::vector<int>& accounts) {
    auto c = campaign(g, accounts);
    return ref{kind::adset, c.a, c.c, pick(g, 1, model.adsets_in(c.a, c.c))};
  }

  /// One request of a random type for a token owning `accounts`/`pages`.
  json::object request(rng& g, std::string& type,
                       const std::vector<int>& accounts,
                       const std::vector<int>& pages, bool writes) {
    // What an ad-management product asks most: objects and their insights;
    // asset lists now and then.
    static const std::vector<std::pair<std::string, double>> types{
        {"get_ad_accounts", 1},
        {"get_pages", 1},
        {"get_instagram_accounts", 1},
        {"get_pixels", 1},
        {"get_catalogs", 1},
        {"get_businesses", 1},
        {"get_whatsapp_accounts", 1},
        {"get_all_assets", 1},
        {"get_page_details", 2},
        {"get_account_details", 3},
        {"get_campaigns", 4},
        {"get_ad_sets", 4},
        {"get_ads", 4},
        {"get_insights", 6},
        {"get_lead", 3},
        {"generic", 2}};
    type = weighted(g, types);
    json::object p;
    auto id = [&](const ref& r) { return model.id_of(r); };
    if (type == "get_ad_accounts" && chance(g, 0.5))
      p["fields"] = json::array{"id", "name", "currency"};
    else if (type == "get_page_details") {
      p["page_id"] = id(ref{kind::page, pick_of(g, pages)});
      if (chance(g, 0.5)) p["fields"] = json::array{"id", "name"};
    } else if (type == "get_account_details") {
      p["ad_account_id"] = id(account(g, accounts));
      if (chance(g, 0.5))
        p["fields"] = json::array{"id", "name", "account_status", "currency"};
    } else if (type == "get_campaigns") {
      p["ad_account_id"] = id(account(g, accounts));
      if (chance(g, 0.3)) p["fields"] = json::array{"id", "name", "status"};
    } else if (type == "get_ad_sets") {
      if (chance(g, 0.5))
        p["campaign_id"] = id(campaign(g, accounts));
      else
        p["ad_account_id"] = id(account(g, accounts));
    } else if (type == "get_ads") {
      switch (pick(g, 0, 2)) {
      case 0:
        p["adset_id"] = id(adset(g, accounts));
        break;
      case 1:
        p["campaign_id"] = id(campaign(g, accounts));
        break;
      default:
        p["ad_account_id"] = id(account(g, accounts));
      }
    } else if (type == "get_insights") {
      if (chance(g, 0.5)) {
        p["object_id"] = id(account(g, accounts));
        p["level"] = chance(g, 0.5) ? "account" : "campaign";
      } else {
        p["object_id"] = id(campaign(g, accounts));
        p["level"] = "campaign";
      }
      p["fields"] = json::array{"impressions", "clicks", "spend"};
      if (chance(g, 0.5)) {
        p["date_preset"] = chance(g, 0.5) ? "last_7d" : "last_30d";
      } else {
        auto until = today - pick(g, 1, 5);
        p["time_range"] = json::object{{"since", date_of(until - 6)},
                                       {"until", date_of(until)}};
      }
    } else if (type == "get_lead") {
      auto page = pick_of(g, pages);
      auto form = pick(g, 1, model.forms_in(page));
      auto lead = pick(g, 1, model.leads_in(page, form));
      p["lead_id"] = id(ref{kind::lead, page, form, lead / 100, lead % 100});
    } else if (type == "generic") {
      if (writes && chance(g, 0.3)) {
        // An update: the answer does not depend on the order of writes.
        p["method"] = "POST";
        p["endpoint"] = id(campaign(g, accounts));
        p["body"] = json::object{
            {"name", "renamed " + std::to_string(pick(g, 1, 999))}};
      } else {
        p["method"] = "GET";
        p["endpoint"] = id(account(g, accounts)) + "/campaigns?fields=id,name";
      }
    }
    return p;
  }
};

class meta_generator final : public platform_generator {
public:
  explicit meta_generator(const workload_options& opts)
      : gen_(opts.sim_seed), writes_(opts.writes) {}

  void connect(int, workload_connection& c) override {
    auto accounts = gen_.model.owned_accounts(c.token);
    json::object ids;
    ids["ad_account_id"] = gen_.model.id_of(
        sim::meta::object_ref{sim::meta::kind::ad_account, accounts.front()});
    c.account_ids = json::serialize(ids);
  }

  void request(rng& g, int k, const workload_connection& c, bool foreign,
               std::string& type, json::object& params) override {
    // Another org's token: its objects are foreign to this org.
    auto token = foreign ? "org-" + std::to_string(k + 1) + "-x" : c.token;
    params = gen_.request(g, type, gen_.model.owned_accounts(token),
                          gen_.model.owned_pages(token), writes_);
  }

private:
  meta_gen gen_;
  bool writes_;
};

} // namespace

std::unique_ptr<platform_generator>
make_meta_generator(const workload_options& opts) {
  return std::make_unique<meta_generator>(opts);
}

} // namespace adbatch::bench::gen
