#pragma once

// Shared by the LinkedIn pipeline tests: a plan context with scoped tokens
// (org-<k>-linkedin, the simulator's ownership rule), random request sets
// over the whole catalog aimed at the simulator's objects, and a runner of
// upstream calls against the pure simulator.

#include "platforms/linkedin/linkedin_adapter.hpp"
#include "platforms/linkedin/linkedin_plan.hpp"
#include "sim/linkedin/linkedin_data.hpp"
#include "sim/linkedin/linkedin_platform.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace linkedin_test {

using namespace adbatch::platforms;
namespace json = boost::json;
namespace li = adbatch::sim::linkedin;

inline constexpr int orgs = 6;

inline std::vector<std::int64_t> accounts_of(int k) {
  std::vector<std::int64_t> out;
  adbatch::sim::linkedin_options o;
  for (int i = 0; i < 20; ++i)
    if (li::owns_account(o, "org-" + std::to_string(k) + "-linkedin",
                         li::account_base + i))
      out.push_back(li::account_base + i);
  return out;
}

inline std::string conn(int k) {
  return "conn-" + std::to_string(k);
}

/// Connections conn-0..conn-5 with tokens org-<k>-linkedin; conn-9 has no
/// token.
inline plan_context context(int max_batch_size = 50) {
  plan_context ctx;
  ctx.now = std::chrono::sys_days{std::chrono::year{2026} /
                                  std::chrono::November / 20} +
            std::chrono::hours{12};
  ctx.settings.max_batch_size = max_batch_size;
  for (int k = 0; k < orgs; ++k) {
    connection_credential c;
    c.connection_id = conn(k);
    c.org_id = "org-" + std::to_string(k);
    c.token = "org-" + std::to_string(k) + "-linkedin";
    c.account_ids["account_id"] = std::to_string(accounts_of(k).front());
    ctx.credentials[c.connection_id] = c;
  }
  connection_credential none;
  none.connection_id = "conn-9";
  ctx.credentials["conn-9"] = none;
  return ctx;
}

inline queued_request req(std::int64_t id, int k, std::string type,
                          json::object params = {}) {
  queued_request q;
  q.id = id;
  q.org_id = "org-" + std::to_string(k);
  q.connection_id = conn(k);
  q.request_type = std::move(type);
  q.params = std::move(params);
  return q;
}

/// Random requests over the whole catalog; `foreign` is the share naming
/// another org's account.
class request_generator {
public:
  explicit request_generator(std::uint64_t seed) : g_(seed), data_(42, {}) {}

  int pick(int lo, int hi) {
    return std::uniform_int_distribution<int>{lo, hi}(g_);
  }
  bool chance(double p) {
    return std::uniform_real_distribution<double>{0, 1}(g_) < p;
  }
  template <class T>
  const T& one(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(pick(0, static_cast<int>(v.size()) - 1))];
  }
  json::array some(const std::vector<std::int64_t>& from, int most,
                   const std::string& prefix = "") {
    json::array a;
    int n = pick(1, std::min<int>(most, static_cast<int>(from.size())));
    for (int i = 0; i < n; ++i)
      a.push_back(json::value(prefix + std::to_string(one(from))));
    return a;
  }
  std::string date(std::int64_t d) {
    std::chrono::year_month_day ymd{
        std::chrono::sys_days{std::chrono::days{d}}};
    char buf[16];
    std::snprintf(
        buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
  }

  queued_request next(std::int64_t id, double foreign,
                      int max_attempts_seen = 1) {
    static const std::vector<std::string> types{"get_ad_accounts",
                                                "get_campaigns",
                                                "get_campaign_groups",
                                                "get_creatives",
                                                "get_analytics",
                                                "get_campaign_analytics",
                                                "get_audiences",
                                                "get_targeting_facets",
                                                "get_conversions",
                                                "get_lead_gen_forms",
                                                "get_leads"};
    int k = pick(0, orgs - 1);
    auto type = one(types);
    auto mine = accounts_of(k);
    std::int64_t acct = chance(foreign) ? one(accounts_of(k + 1)) : one(mine);
    json::object p;
    bool own_main = acct == mine.front() && chance(0.5);
    auto set_account = [&] {
      if (!own_main) p["account_id"] = std::to_string(acct);
    };
    auto campaigns = data_.campaign_ids(acct);
    auto range = [&] {
      std::int64_t today = 20'777;
      auto end = today - pick(0, chance(0.1) ? 500 : 20);
      p["start_date"] = date(end - pick(0, chance(0.1) ? 400 : 40));
      p["end_date"] = date(end);
      if (chance(0.6))
        p["time_granularity"] =
            one(std::vector<std::string>{"DAILY", "MONTHLY", "YEARLY", "ALL"});
      if (chance(0.5)) {
        json::array m;
        for (const auto& name : linkedin::known_metrics())
          if (chance(0.2)) m.push_back(json::value(name));
        if (!m.empty()) p["metrics"] = m;
      }
    };
    if (type == "get_ad_accounts") {
      if (chance(0.6)) {
        std::vector<std::int64_t> pool = mine;
        pool.push_back(acct);
        if (chance(0.1)) pool.push_back(li::account_base + 999);
        p["account_ids"] = some(pool, 4);
      }
    } else if (type == "get_campaigns") {
      set_account();
      if (chance(0.5)) {
        auto pool = campaigns;
        if (chance(0.1)) pool.push_back(li::campaign_base + 9999);
        p["campaign_ids"] =
            some(pool, 3, chance(0.3) ? "urn:li:sponsoredCampaign:" : "");
      } else if (chance(0.4)) {
        p["status"] = chance(0.5) ? json::value("ACTIVE")
                                  : json::value(json::array{"PAUSED", "DRAFT"});
      }
    } else if (type == "get_campaign_groups") {
      set_account();
      if (chance(0.4))
        p["campaign_group_ids"] = json::array{json::value(std::to_string(
            data_.campaign_group_of(chance(0.8) ? acct : mine.back())))};
      else if (chance(0.3))
        p["status"] = "ACTIVE";
    } else if (type == "get_creatives") {
      set_account();
      std::vector<std::int64_t> creatives;
      for (auto c : campaigns)
        for (auto cr : data_.creative_ids_of_campaign(c))
          creatives.push_back(cr);
      double r = std::uniform_real_distribution<double>{0, 1}(g_);
      if (r < 0.35)
        p["creative_ids"] =
            some(creatives, 3, chance(0.5) ? "urn:li:sponsoredCreative:" : "");
      else if (r < 0.6)
        p["campaign_ids"] = some(campaigns, 2);
      else if (r < 0.75)
        p["status"] = chance(0.5) ? "ACTIVE" : "PAUSED";
    } else if (type == "get_analytics") {
      if (chance(0.3))
        p["account_ids"] = some(mine, 3);
      else
        set_account();
      if (chance(0.8))
        p["pivot"] = one(std::vector<std::string>{"ACCOUNT", "CAMPAIGN_GROUP",
                                                  "CAMPAIGN", "CREATIVE"});
      range();
    } else if (type == "get_campaign_analytics") {
      if (chance(0.5))
        p["campaign_ids"] = some(campaigns, 3);
      else
        set_account();
      range();
    } else if (type == "get_audiences") {
      set_account();
      if (chance(0.3)) p["audience_ids"] = some(data_.segment_ids(acct), 2);
    } else if (type == "get_targeting_facets") {
      if (chance(0.4))
        p["facet_names"] =
            json::array{"locations", chance(0.5) ? "titles" : "nope"};
    } else if (type == "get_conversions") {
      set_account();
      if (chance(0.3))
        p["conversion_ids"] = some(data_.conversion_ids(acct), 2);
    } else if (type == "get_lead_gen_forms") {
      set_account();
      if (chance(0.3)) p["form_ids"] = some(data_.lead_form_ids(acct), 2);
    } else if (type == "get_leads") {
      set_account();
      if (chance(0.6))
        p["form_id"] = std::to_string(one(data_.lead_form_ids(acct)));
    }
    auto q = req(id, k, type, p);
    q.attempts = pick(1, max_attempts_seen);
    if (chance(0.02)) q.connection_id = "conn-9";
    return q;
  }

  /// n requests, about a fifth repeating an earlier one.
  std::vector<queued_request> set(int n, double foreign = 0.0,
                                  int max_attempts_seen = 1) {
    std::vector<queued_request> out;
    for (int i = 0; i < n; ++i) {
      if (!out.empty() && chance(0.2)) {
        auto q = one(out);
        q.id = i + 1;
        out.push_back(q);
      } else {
        out.push_back(next(i + 1, foreign, max_attempts_seen));
      }
    }
    return out;
  }

private:
  std::mt19937_64 g_;
  li::catalog data_;
};

/// A fresh simulator like the tests' (seed 42, every version active).
inline std::unique_ptr<adbatch::sim::platform> fresh_sim(double partial = 0) {
  adbatch::sim::platform_options o;
  o.seed = 42;
  o.faults.partial_batch_rate = partial;
  adbatch::sim::linkedin_options l;
  l.current_version = "202611";
  return adbatch::sim::make_linkedin(o, l);
}

struct run_result {
  upstream_reply reply;
  std::int64_t charged = 0;
  std::string endpoint;
};

inline run_result run(adbatch::sim::platform& p, const upstream_call& c,
                      int tick = 0) {
  adbatch::sim::http_request r;
  r.method = c.method;
  r.target = c.target;
  for (const auto& [k, v] : c.headers)
    r.headers[k] = v;
  r.body = c.body;
  auto resp =
      p.handle(r, adbatch::sim::time_point{} + std::chrono::seconds{tick});
  run_result out;
  out.reply.status = resp.status;
  for (const auto& [k, v] : resp.headers) {
    std::string lower;
    for (char ch : k)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.reply.headers[lower] = v;
  }
  out.reply.body = resp.body;
  out.charged = resp.acct.quota_units;
  out.endpoint = resp.acct.endpoint;
  return out;
}

} // namespace linkedin_test
