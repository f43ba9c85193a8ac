#include "tools/bench/workload.hpp"

#include "sim/google/google_model.hpp"
#include "sim/meta/meta_model.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <memory>
#include <random>

namespace adbatch::bench {

namespace {

namespace json = boost::json;
namespace pl = platforms;
using rng = std::mt19937_64;

std::string uuid(std::uint32_t a, std::uint16_t b, std::uint64_t c) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4000-8000-%012llx", a,
                static_cast<unsigned>(b),
                static_cast<unsigned long long>(c & 0xffffffffffffULL));
  return buf;
}

int pick(rng& g, int lo, int hi) { // inclusive
  return std::uniform_int_distribution<int>{lo, hi}(g);
}

template <class T>
const T& pick_of(rng& g, const std::vector<T>& v) {
  return v[static_cast<std::size_t>(
      pick(g, 0, static_cast<int>(v.size()) - 1))];
}

/// A name drawn by weight.
const std::string&
weighted(rng& g, const std::vector<std::pair<std::string, double>>& v) {
  std::vector<double> w;
  for (auto& [_, x] : v)
    w.push_back(x);
  std::discrete_distribution<std::size_t> d{w.begin(), w.end()};
  return v[d(g)].first;
}

bool chance(rng& g, double p) {
  return std::uniform_real_distribution<double>{0, 1}(g) < p;
}

/// "2026-01-15" for days since 1970-01-01.
std::string date_of(std::int64_t day) {
  auto ymd = std::chrono::year_month_day{
      std::chrono::sys_days{std::chrono::days{day}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

// -- Meta ---------------------------------------------------------------------

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

// -- Google Ads ---------------------------------------------------------------

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

} // namespace

workload make_workload(const workload_options& opts) {
  workload out;
  rng g{opts.seed};
  std::unique_ptr<meta_gen> meta;
  std::unique_ptr<google_gen> google;
  for (auto p : opts.platforms) {
    if (p == pl::platform_id::meta)
      meta = std::make_unique<meta_gen>(opts.sim_seed);
    if (p == pl::platform_id::google)
      google = std::make_unique<google_gen>(opts.sim_seed, opts.google_today);
  }
  for (int k = 0; k < opts.orgs; ++k) {
    auto org = uuid(0x0a000000u + static_cast<std::uint32_t>(k), 0,
                    static_cast<std::uint64_t>(k) + 1);
    std::vector<persistence::enqueue_request> mine;
    for (auto p : opts.platforms) {
      workload_connection c;
      c.org_id = org;
      c.platform = p;
      c.connection_id = uuid(0x0c000000u + static_cast<std::uint32_t>(k),
                             static_cast<std::uint16_t>(p) + 1,
                             static_cast<std::uint64_t>(k) + 1);
      c.token = "org-" + std::to_string(k) + "-" + std::string{pl::name_of(p)};
      // Another org's token: its objects are foreign to this org.
      auto foreign_token = "org-" + std::to_string(k + 1) + "-x";
      int n = opts.requests_per_org;
      std::vector<persistence::enqueue_request> reqs;
      if (p == pl::platform_id::meta && meta) {
        auto accounts = meta->model.owned_accounts(c.token);
        auto pages = meta->model.owned_pages(c.token);
        auto other_accounts = meta->model.owned_accounts(foreign_token);
        auto other_pages = meta->model.owned_pages(foreign_token);
        json::object ids;
        ids["ad_account_id"] = meta->model.id_of(sim::meta::object_ref{
            sim::meta::kind::ad_account, accounts.front()});
        c.account_ids = json::serialize(ids);
        for (int i = 0; i < n; ++i) {
          bool foreign = chance(g, opts.foreign_share);
          std::string type;
          auto params =
              meta->request(g, type, foreign ? other_accounts : accounts,
                            foreign ? other_pages : pages, opts.writes);
          reqs.push_back(persistence::enqueue_request{
              org, "meta", c.connection_id, type, json::serialize(params),
              pick(g, 1, 10), 3});
        }
      } else if (p == pl::platform_id::google && google) {
        std::vector<int> customers;
        for (int i = 1; i <= google->model.world().customers; ++i)
          if ((i - 1) % 5 == k % 5) customers.push_back(i);
        std::vector<int> others;
        for (int i = 1; i <= google->model.world().customers; ++i)
          if ((i - 1) % 5 == (k + 1) % 5) others.push_back(i);
        auto n_cust = customers.front();
        json::object ids;
        ids["customer_id"] = google->model.customer_id(n_cust);
        if (auto m = google->model.manager_of(n_cust); !m.empty())
          ids["login_customer_id"] = m;
        c.account_ids = json::serialize(ids);
        for (int i = 0; i < n; ++i) {
          bool foreign = chance(g, opts.foreign_share);
          // The connection's customer, or (foreign) another org's one named
          // in params.customer_id.
          int target = foreign ? pick_of(g, others) : n_cust;
          std::string type;
          auto params = google->request(g, type, target, opts.writes,
                                        google->model.world().today);
          if (foreign)
            params["customer_id"] = google->model.customer_id(target);
          reqs.push_back(persistence::enqueue_request{
              org, "google", c.connection_id, type, json::serialize(params),
              pick(g, 1, 10), 3});
        }
      }
      out.connections.push_back(std::move(c));
      for (auto& r : reqs)
        mine.push_back(std::move(r));
    }
    // Duplicates: other users of the org ask for what someone already
    // asked (same connection, type and params, maybe another priority).
    std::shuffle(mine.begin(), mine.end(), g);
    auto distinct = mine.size();
    auto dups = static_cast<std::size_t>(
        static_cast<double>(distinct) * opts.duplicate_share /
        std::max(0.1, 1.0 - opts.duplicate_share));
    for (std::size_t i = 0; i < distinct; ++i) {
      out.requests.push_back(mine[i]);
      out.duplicate.push_back(false);
    }
    for (std::size_t i = 0; i < dups && distinct > 0; ++i) {
      auto copy = mine[static_cast<std::size_t>(
          pick(g, 0, static_cast<int>(distinct) - 1))];
      copy.priority = pick(g, 1, 10);
      out.requests.push_back(std::move(copy));
      out.duplicate.push_back(true);
    }
  }
  return out;
}

} // namespace adbatch::bench
