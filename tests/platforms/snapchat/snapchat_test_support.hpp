#pragma once

// Helpers of the Snapchat platform tests: contexts with scoped tokens,
// queued requests, random request sets aimed at the simulator's model, and
// running a call through the simulator's pure handle().

#include "platforms/snapchat/snapchat_adapter.hpp"
#include "platforms/snapchat/snapchat_plan.hpp"
#include "sim/snapchat/snapchat_data.hpp"
#include "sim/snapchat/snapchat_platform.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace snapchat_test {

using namespace adbatch::platforms;
using namespace adbatch::platforms::snapchat;
namespace json = boost::json;
namespace sc = adbatch::sim::snapchat;
using sc::kind;
using sc::node;

inline constexpr std::uint64_t seed = 42;

inline std::string id(const node& n) {
  return sc::id_of(seed, n);
}

/// The home ad account of token "org-<k>": its first organization's
/// account 1 + k / 5 (2..6 accounts, so k < 10 stays in range).
inline node home(int k) {
  int org = k % 5 + 1;
  return node{kind::adaccount, org, 1 + (k / 5) % 2};
}

/// Connections "c<k>" with token "org-<k>" and their home ad account, for
/// k in [0, n).
inline plan_context context(int n = 10) {
  plan_context ctx;
  ctx.now = std::chrono::system_clock::time_point{} + std::chrono::days{20600} +
            std::chrono::hours{10};
  for (int k = 0; k < n; ++k) {
    connection_credential c;
    c.connection_id = "c" + std::to_string(k);
    c.org_id = "org" + std::to_string(k);
    c.token = "org-" + std::to_string(k);
    c.account_ids["ad_account_id"] = id(home(k));
    ctx.credentials[c.connection_id] = c;
  }
  return ctx;
}

inline queued_request request(std::int64_t rid, int k, std::string type,
                              json::object params = {}) {
  queued_request q;
  q.id = rid;
  q.org_id = "org" + std::to_string(k);
  q.connection_id = "c" + std::to_string(k);
  q.request_type = std::move(type);
  q.params = std::move(params);
  return q;
}

inline std::string day(std::int64_t d) {
  return format_day(d, "Z").substr(0, 10);
}

/// A random valid request of connection k (ids from the simulator's model,
/// owned by its token unless `foreign`).
inline queued_request random_request(std::mt19937_64& g, std::int64_t rid,
                                     int k, bool foreign = false,
                                     bool long_ranges = true) {
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>{lo, hi}(g);
  };
  static const std::vector<std::string> types{"get_organizations",
                                              "get_ad_accounts",
                                              "get_campaigns",
                                              "get_ad_squads",
                                              "get_ads",
                                              "get_creatives",
                                              "get_media",
                                              "get_targeting_options",
                                              "get_audiences",
                                              "get_audience_segments",
                                              "get_campaign_stats",
                                              "get_ad_squad_stats",
                                              "get_ad_stats",
                                              "get_pixels",
                                              "get_pixel_events"};
  auto type = types[static_cast<std::size_t>(pick(0, 14))];
  auto acct = home(foreign ? k + 1 : k);
  if (pick(0, 4) == 0) acct.account = 3 - acct.account; // the other one
  bool explicit_acct = foreign || acct.account != home(k).account || pick(0, 1);
  json::object p;
  auto children_of = [&](kind child) {
    return sc::children(seed, acct, child);
  };
  auto some = [&](kind child, int most) {
    auto all = children_of(child);
    json::array a;
    int n = pick(1, most);
    for (int i = 0; i < n; ++i)
      a.push_back(json::string{id(all[static_cast<std::size_t>(
          pick(0, static_cast<int>(all.size()) - 1))])});
    return a;
  };
  auto one = [&](kind child) {
    auto all = children_of(child);
    return id(all[static_cast<std::size_t>(
        pick(0, static_cast<int>(all.size()) - 1))]);
  };
  if (type == "get_ad_accounts") {
    if (pick(0, 1))
      p["organization_id"] = id(node{kind::organization, acct.org});
    if (pick(0, 3) == 0)
      p["ad_account_ids"] = json::array{json::string{id(acct)}};
  } else if (type == "get_targeting_options") {
    static const std::vector<std::pair<std::string, std::string>> d{
        {"geo", "country"}, {"device", "os_type"}, {"interests", "scls"}};
    auto& [a, b] = d[static_cast<std::size_t>(pick(0, 2))];
    p["dimension"] = a;
    p["type"] = b;
  } else if (type == "get_pixel_events") {
    p["pixel_id"] = id(node{kind::pixel, acct.org, acct.account, 0, 0, 0, 1});
  } else if (type != "get_organizations") {
    if (explicit_acct) p["ad_account_id"] = id(acct);
    if (type == "get_campaigns" && pick(0, 1))
      p["campaign_ids"] = some(kind::campaign, 3);
    if (type == "get_ad_squads") {
      auto r = pick(0, 2);
      if (r == 0) p["campaign_id"] = one(kind::campaign);
      if (r == 1) p["ad_squad_ids"] = some(kind::adsquad, 3);
    }
    if (type == "get_ads") {
      auto r = pick(0, 2);
      if (r == 0) p["ad_squad_id"] = one(kind::adsquad);
      if (r == 1) p["ad_ids"] = some(kind::ad, 3);
    }
    if (type == "get_creatives" && pick(0, 1))
      p["creative_ids"] = some(kind::creative, 2);
    if (type == "get_media" && pick(0, 1))
      p["media_ids"] = some(kind::media, 2);
    if ((type == "get_audiences" || type == "get_audience_segments") &&
        pick(0, 1))
      p["segment_ids"] = some(kind::segment, 2);
    if (type == "get_campaign_stats" && pick(0, 1))
      p["entity_ids"] = some(kind::campaign, 3);
    if (type == "get_ad_squad_stats" && pick(0, 1))
      p["entity_ids"] = some(kind::adsquad, 3);
    if (type == "get_ad_stats" && pick(0, 1))
      p["entity_ids"] = some(kind::ad, 3);
    if (type.find("_stats") != std::string::npos && pick(0, 1))
      p["fields"] = json::array{"impressions", "spend"};
  }
  if (type.find("_stats") != std::string::npos || type == "get_pixel_events") {
    if (pick(0, 4)) {
      std::int64_t end = 20590 - pick(0, 40);
      std::int64_t len =
          long_ranges && pick(0, 6) == 0 ? pick(100, 366) : pick(1, 30);
      p["start_time"] = day(end - len);
      p["end_time"] = day(end);
    }
    if (pick(0, 1)) p["granularity"] = "DAY";
  }
  return request(rid, k, type, p);
}

/// Calls the simulator's pure handle() with `c`; the reply as the
/// upstream client would hand it over, and the units it charged.
struct run_result {
  upstream_reply reply;
  std::int64_t charged = 0;
};

inline run_result run(adbatch::sim::platform& p, const upstream_call& c,
                      int tick = 0) {
  adbatch::sim::http_request req;
  req.method = c.method;
  req.target = c.target;
  for (const auto& [k, v] : c.headers)
    req.headers.emplace(k, v);
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

/// A fresh pure simulator without per-second budgets (not under test).
inline std::unique_ptr<adbatch::sim::platform> fresh_sim() {
  adbatch::sim::platform_options o;
  o.seed = seed;
  o.public_base_url = "http://127.0.0.1:18106";
  adbatch::sim::snapchat_options s;
  s.app_rps = s.token_rps = 1'000'000;
  return adbatch::sim::make_snapchat(o, s);
}

} // namespace snapchat_test
