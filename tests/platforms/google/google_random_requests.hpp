#pragma once

// Random Google request sets for the property and equivalence tests:
// every read type with random fields, filters (some on nullable fields,
// some with quotes), ids, date ranges (presets, explicit, into the
// future), aggregation and limits; raw GAQL; update/remove mutates on
// existing and missing resources; duplicates of earlier requests.

#include "tests/platforms/google/google_test_support.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace google_test {

/// Connections of context() and the sim client each one uses.
struct conn_client {
  const char* connection;
  int client;
};
inline constexpr conn_client conns[] = {
    {"a", 1}, {"a6", 6}, {"b", 2}, {"c", 7}, {"d", 11}};

class request_generator {
public:
  explicit request_generator(std::uint64_t seed) : rng_(seed) {}

  std::vector<queued_request> set(int max_requests, bool with_creates) {
    std::vector<queued_request> out;
    int n = 1 + pick(max_requests);
    for (int i = 0; i < n; ++i) {
      if (!out.empty() && chance(0.15)) {
        auto dup =
            out[static_cast<std::size_t>(pick(static_cast<int>(out.size())))];
        dup.id = next_id_++;
        out.push_back(dup);
        continue;
      }
      out.push_back(one(with_creates));
    }
    return out;
  }

private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
  }
  template <class T>
  const T& any(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(pick(static_cast<int>(v.size())))];
  }

  static std::int64_t campaign_id(int n, int c) {
    return 20000000000LL + n * 1000LL + c;
  }
  static std::int64_t ad_group_id(int n, int c, int g) {
    return 150000000000LL + n * 100000LL + c * 100LL + g;
  }

  json::array some_campaigns(int n) {
    json::array a;
    int k = 1 + pick(3);
    for (int i = 0; i < k; ++i)
      a.push_back(campaign_id(n, 1 + pick(6)));
    return a;
  }

  json::object update(const std::string& rn, const char* field, json::value v) {
    return {{"update", json::object{{"resourceName", rn}, {field, v}}},
            {"updateMask", field}};
  }

  queued_request mutate(const conn_client& cc, bool with_creates) {
    auto cid = client(cc.client);
    int n = cc.client;
    auto camp_rn = [&](int c) {
      return "customers/" + cid + "/campaigns/" +
             std::to_string(campaign_id(n, c));
    };
    auto ag_rn = [&](int c, int g) {
      return "customers/" + cid + "/adGroups/" +
             std::to_string(ad_group_id(n, c, g));
    };
    bool campaigns = chance(0.6);
    auto op = [&]() -> json::value {
      int c = 1 + pick(7); // 7: never exists
      if (campaigns) {
        if (with_creates && chance(0.1))
          return json::object{
              {"create",
               json::object{{"name", "new " + std::to_string(pick(9))}}}};
        if (chance(0.15)) return json::object{{"remove", camp_rn(c)}};
        return update(camp_rn(c), "status", chance(0.5) ? "PAUSED" : "ENABLED");
      }
      int g = 1 + pick(5);
      if (chance(0.15)) return json::object{{"remove", ag_rn(c, g)}};
      return update(ag_rn(c, g), "cpcBidMicros",
                    json::string(std::to_string(100000 * (1 + pick(9)))));
    };
    json::object params;
    if (chance(0.5))
      params["operation"] = op();
    else {
      json::array ops;
      int k = 1 + pick(4);
      for (int i = 0; i < k; ++i)
        ops.push_back(op());
      params["operations"] = ops;
    }
    return request(next_id_++, cc.connection,
                   campaigns ? "update_campaigns" : "update_ad_groups", params);
  }

  queued_request one(bool with_creates) {
    // Half on one connection, so requests meet in groups.
    auto cc = chance(0.5) ? conns[0] : conns[pick(5)];
    if (chance(0.12)) return mutate(cc, with_creates);
    if (chance(0.05)) {
      static const std::vector<std::string> queries = {
          "SELECT campaign.id, campaign.name FROM campaign",
          "SELECT ad_group.id, metrics.clicks FROM ad_group WHERE "
          "segments.date DURING LAST_7_DAYS ORDER BY metrics.clicks DESC "
          "LIMIT 3",
          "SELECT customer.id FROM customer"};
      return request(next_id_++, cc.connection, "gaql_query",
                     {{"query", any(queries)}});
    }
    static const std::vector<std::string> types = {"get_account",
                                                   "get_campaigns",
                                                   "get_ad_groups",
                                                   "get_ads",
                                                   "get_keywords",
                                                   "get_campaign_metrics",
                                                   "get_ad_group_metrics",
                                                   "get_keyword_metrics",
                                                   "get_assets",
                                                   "get_extensions",
                                                   "get_audiences",
                                                   "get_user_lists",
                                                   "get_conversion_actions",
                                                   "get_conversions"};
    const auto& type = any(types);
    json::object p;
    int n = cc.client;
    if (std::string(cc.connection) == "c" && chance(0.2)) {
      p["customer_id"] = "100-000-0017";
      n = 17;
    }
    bool campaign_carried =
        type != "get_account" && type != "get_assets" &&
        type != "get_audiences" && type != "get_user_lists" &&
        type != "get_conversion_actions" && type != "get_conversions";
    bool ad_group_carried = type == "get_ad_groups" || type == "get_ads" ||
                            type == "get_keywords" ||
                            type == "get_ad_group_metrics" ||
                            type == "get_keyword_metrics";
    bool metrics = type != "get_account" && type != "get_assets" &&
                   type != "get_extensions" && type != "get_audiences" &&
                   type != "get_user_lists";
    if (campaign_carried && chance(0.35)) {
      if (chance(0.5))
        p["campaign_id"] = campaign_id(n, 1 + pick(6));
      else
        p["campaign_ids"] = some_campaigns(n);
    }
    if (ad_group_carried && chance(0.2))
      p["ad_group_ids"] = json::array{ad_group_id(n, 1 + pick(3), 1 + pick(3)),
                                      std::to_string(ad_group_id(n, 1, 1))};
    if (chance(0.35)) {
      json::object f;
      if (campaign_carried) {
        static const std::vector<json::value> st = {
            json::value("ENABLED"), json::value("PAUSED"),
            json::value(json::array{"ENABLED", "PAUSED"})};
        if (chance(0.5))
          f["campaign.status"] = any(st);
        else if (chance(0.5))
          f["campaign.advertisingChannelType"] = "SEARCH";
        else
          f["campaign.name"] = "Brand Campaign 1";
      } else if (type == "get_assets") {
        if (chance(0.5))
          f["asset.callout_asset.callout_text"] = "Free Returns";
        else
          f["asset.type"] = "SITELINK";
      } else if (type == "get_audiences" || type == "get_user_lists") {
        if (chance(0.5))
          f["user_list.type"] = "CRM_BASED";
        else
          f["user_list.read_only"] = false;
      } else if (type == "get_account") {
        f["customer.manager"] = chance(0.5);
      } else {
        if (chance(0.5))
          f["conversion_action.category"] = "PURCHASE";
        else
          f["conversion_action.name"] = "it's 1";
      }
      p["filters"] = f;
    }
    if (metrics) {
      int d = pick(4);
      if (d == 1) {
        static const std::vector<std::string> presets = {"TODAY",
                                                         "YESTERDAY",
                                                         "LAST_7_DAYS",
                                                         "LAST_14_DAYS",
                                                         "THIS_MONTH",
                                                         "LAST_MONTH",
                                                         "LAST_WEEK_MON_SUN",
                                                         "LAST_BUSINESS_WEEK"};
        p["date_range"] = any(presets);
      } else if (d >= 2) {
        // 2026-01-15 is day 20468: ranges from 60 days back into the future.
        auto start = 20468 - 60 + pick(64);
        auto end = start + pick(12);
        p["start_date"] = iso(start);
        p["end_date"] = iso(end);
      }
      if (chance(0.3)) p["aggregate"] = chance(0.5) ? "daily" : "total";
    }
    if (chance(0.25)) p["limit"] = 1 + pick(8);
    if (chance(0.2)) {
      // A subset of the default fields, or a metric-free selection.
      static const std::map<std::string, std::vector<std::string>> extra = {
          {"get_campaigns",
           {"campaign.id", "campaign_budget.amount_micros", "metrics.ctr",
            "metrics.all_conversions"}},
          {"get_campaign_metrics",
           {"campaign.id", "metrics.average_cpm", "metrics.conversions_value"}},
          {"get_ad_groups", {"ad_group.id", "campaign.name"}},
          {"get_keywords",
           {"ad_group_criterion.keyword.text", "metrics.average_cpc"}},
          {"get_assets", {"asset.id", "asset.sitelink_asset.description1"}},
          {"get_user_lists", {"user_list.id", "user_list.read_only"}},
          {"get_conversion_actions",
           {"conversion_action.id", "metrics.conversions"}},
      };
      if (auto it = extra.find(type); it != extra.end()) {
        json::array f;
        for (const auto& x : it->second)
          if (chance(0.7)) f.push_back(json::string(x));
        if (!f.empty()) p["fields"] = f;
      }
    }
    return request(next_id_++, cc.connection, type, p);
  }

  static std::string iso(std::int64_t day) {
    auto t = std::chrono::sys_days{std::chrono::days{day}};
    std::chrono::year_month_day ymd{t};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()));
    return buf;
  }

  std::mt19937_64 rng_;
  std::int64_t next_id_ = 1;
};

} // namespace google_test
