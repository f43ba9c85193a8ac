#pragma once

// Shared fixtures of the TikTok pipeline tests: connections whose tokens own
// their advertisers in adbatch-sim (org-<k> owns advertiser a iff
// (a-1) % 5 == k % 5), request builders, a fresh pure simulator, and a
// seeded generator of valid random requests of every catalog type aimed at
// objects of the simulator's model.

#include "platforms/common/pipeline.hpp"
#include "platforms/tiktok/tiktok_adapter.hpp"
#include "platforms/tiktok/tiktok_catalog.hpp"
#include "sim/tiktok/tiktok_data.hpp"
#include "sim/tiktok/tiktok_platform.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace tiktok_test {

namespace json = boost::json;
namespace tt = adbatch::sim::tiktok;
namespace sim = adbatch::sim;
using namespace adbatch::platforms;

inline std::string adv(int a) {
  return tt::advertiser_id(a);
}

/// Connection `id` with token `token` on advertiser a (and `extra` ones in
/// advertiser_ids).
inline connection_credential connection(std::string id, std::string token,
                                        int a, std::vector<int> extra = {}) {
  connection_credential c;
  c.connection_id = std::move(id);
  c.org_id = "org";
  c.token = std::move(token);
  c.account_ids["advertiser_id"] = adv(a);
  if (!extra.empty()) {
    json::array all{adv(a).c_str()};
    for (int e : extra)
      all.emplace_back(adv(e));
    c.account_ids["advertiser_ids"] = std::move(all);
  }
  return c;
}

/// Connections used across the tests:
///  a  org-0 -> advertiser 1 (and 6)   a6 org-0 -> advertiser 6
///  b  org-1 -> advertiser 2           c  org-1-x -> advertiser 7 (another
///                                        token of the same owner class)
inline plan_context context() {
  plan_context ctx;
  ctx.now = time_point{std::chrono::seconds{20468LL * 86400}};
  for (auto c : {connection("a", "org-0", 1, {6}), connection("a6", "org-0", 6),
                 connection("b", "org-1", 2), connection("c", "org-1-x", 7)})
    ctx.credentials[c.connection_id] = c;
  return ctx;
}

inline queued_request request(std::int64_t id, std::string conn,
                              std::string type, json::object params = {}) {
  queued_request r;
  r.id = id;
  r.org_id = "org";
  r.connection_id = std::move(conn);
  r.request_type = std::move(type);
  r.params = std::move(params);
  return r;
}

inline std::string header(const upstream_call& c, std::string_view name) {
  for (const auto& [k, v] : c.headers)
    if (k == name) return v;
  return {};
}

/// The simulator as the tests run it: seed 42, QPS windows out of the way.
inline std::unique_ptr<sim::platform> fresh_sim() {
  sim::platform_options o;
  o.seed = 42;
  sim::tiktok_options t;
  t.app_qps = 1'000'000;
  t.app_qpm = 1'000'000;
  t.app_qpd = 1'000'000'000;
  t.advertiser_qps = 0;
  return sim::make_tiktok(o, t);
}

struct run_result {
  upstream_reply reply;
  std::int64_t charged = 0;
};

inline run_result run(sim::platform& p, const upstream_call& c, int tick = 0) {
  sim::http_request req;
  req.method = c.method;
  req.target = c.target;
  for (const auto& [k, v] : c.headers)
    req.headers.emplace(k, v);
  req.body = c.body;
  auto resp = p.handle(req, sim::time_point{} + std::chrono::seconds{tick});
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

/// Valid random requests of every type on the context's connections.
class request_generator {
public:
  explicit request_generator(std::uint64_t seed) : g_(seed) {}

  int pick(int lo, int hi) {
    return std::uniform_int_distribution<int>{lo, hi}(g_);
  }
  bool chance(double p) {
    return std::uniform_real_distribution<double>{0, 1}(g_) < p;
  }

  /// n requests; a share repeats an earlier one exactly; with `wide`, some
  /// sets name more than 100 advertisers or 1000 events per token.
  std::vector<queued_request> set(int n, bool wide = false) {
    std::vector<queued_request> out;
    bool many_ids = wide && chance(0.2);
    for (int i = 0; i < n; ++i) {
      std::int64_t id = next_id_++;
      if (!out.empty() && chance(0.15)) {
        auto copy = out[static_cast<std::size_t>(
            pick(0, static_cast<int>(out.size()) - 1))];
        copy.id = id;
        out.push_back(std::move(copy));
        continue;
      }
      if (many_ids) {
        // Single-id info requests over many advertisers of one token.
        out.push_back(request(id, "a", "get_advertiser_info",
                              {{"advertiser_id", adv(1 + 5 * pick(0, 199))}}));
        continue;
      }
      out.push_back(random_request(id));
    }
    return out;
  }

  queued_request random_request(std::int64_t id) {
    static const char* conns[] = {"a", "a6", "b", "c"};
    static const int advs[] = {1, 6, 2, 7};
    int ci = pick(0, 3);
    std::string conn = conns[ci];
    int a = advs[ci];
    static const std::vector<std::string> types = {"get_advertisers",
                                                   "get_advertiser_info",
                                                   "get_campaigns",
                                                   "get_ad_groups",
                                                   "get_ads",
                                                   "get_campaign_metrics",
                                                   "get_ad_group_metrics",
                                                   "get_ad_metrics",
                                                   "get_creatives",
                                                   "get_images",
                                                   "get_videos",
                                                   "get_audiences",
                                                   "get_custom_audiences",
                                                   "upload_conversions"};
    auto type = types[static_cast<std::size_t>(pick(0, 13))];
    json::object p;
    auto some = [&](std::vector<std::string> all, int max) {
      std::shuffle(all.begin(), all.end(), g_);
      json::array out;
      int k = std::min<int>(pick(1, max), static_cast<int>(all.size()));
      for (int i = 0; i < k; ++i)
        out.emplace_back(all[static_cast<std::size_t>(i)]);
      return out;
    };
    auto ids_of = [&](int level) {
      std::vector<std::string> out;
      for (const auto& n : tt::nodes_of(42, a, level))
        out.push_back(level == 1   ? tt::campaign_id(a, n.campaign)
                      : level == 2 ? tt::adgroup_id(a, n.campaign, n.adgroup)
                                   : tt::ad_id(a, n.campaign, n.adgroup, n.ad));
      return out;
    };
    if (type == "get_advertisers" || type == "get_advertiser_info") {
      auto r = pick(0, 2);
      if (r == 1) p["advertiser_id"] = adv(a + 5 * pick(0, 3));
      if (r == 2)
        p["advertiser_ids"] = json::array{adv(a).c_str(), adv(a + 10).c_str()};
      if (chance(0.4)) p["fields"] = json::array{"name", "currency"};
    } else if (type == "get_campaigns") {
      if (chance(0.5)) p["campaign_ids"] = some(ids_of(1), 3);
      if (chance(0.3)) p["fields"] = json::array{"campaign_id", "budget"};
    } else if (type == "get_ad_groups") {
      auto r = pick(0, 2);
      if (r == 1) p["campaign_ids"] = some(ids_of(1), 2);
      if (r == 2) p["adgroup_ids"] = some(ids_of(2), 3);
    } else if (type == "get_ads" || type == "get_creatives") {
      auto r = pick(0, 2);
      if (r == 1) p["adgroup_ids"] = some(ids_of(2), 2);
      if (r == 2) p["ad_ids"] = some(ids_of(3), 3);
      if (type == "get_ads" && chance(0.3))
        p["fields"] = json::array{"ad_id", "video_id", "image_ids"};
    } else if (type == "get_images") {
      if (chance(0.5)) p["image_ids"] = json::array{tt::image_id(a, 1).c_str()};
    } else if (type == "get_videos") {
      if (chance(0.5)) p["video_ids"] = json::array{tt::video_id(a, 1).c_str()};
    } else if (type == "get_audiences") {
      if (chance(0.5))
        p["saved_audience_ids"] =
            json::array{tt::saved_audience_id(a, 1).c_str()};
    } else if (type == "get_custom_audiences") {
      if (chance(0.5))
        p["custom_audience_ids"] =
            json::array{tt::custom_audience_id(a, 1).c_str()};
    } else if (type == "upload_conversions") {
      p["event_source_id"] = tt::pixel_code(a, 1);
      json::array evs;
      bool big = chance(0.05);
      for (int i = 0, n = big ? pick(100, 250) : pick(1, 4); i < n; ++i)
        evs.push_back(json::object{
            {"event", chance(0.5) ? "ViewContent" : "CompletePayment"},
            {"event_time", 1767225600 + pick(0, 1000)},
            {"event_id",
             "e" + std::to_string(big ? pick(1, 3000) : pick(1, 30))}});
      p["events"] = std::move(evs);
    } else {
      int level = type == "get_campaign_metrics"   ? 1
                  : type == "get_ad_group_metrics" ? 2
                                                   : 3;
      auto end = 20460 - pick(0, 10);
      auto start = end - pick(0, 6);
      bool filtered = chance(0.6);
      bool total = chance(0.4);
      if (!filtered && level == 3) total = true;
      if (!filtered && level == 2 && end - start > 4) start = end - 4;
      if (!filtered && level == 1 && chance(0.2)) start = end - 20;
      auto date = [](std::int64_t d) {
        return adbatch::platforms::tiktok::iso_date(d);
      };
      p["start_date"] = date(start);
      p["end_date"] = date(end);
      if (total) p["aggregation"] = "total";
      static const char* keys[] = {"", "campaign_ids", "adgroup_ids", "ad_ids"};
      if (filtered) p[keys[level]] = some(ids_of(level), chance(0.1) ? 60 : 3);
      if (chance(0.4))
        p["metrics"] = json::array{"spend", "ctr", "cpc", "conversion_rate"};
    }
    return request(id, conn, type, std::move(p));
  }

private:
  std::mt19937_64 g_;
  std::int64_t next_id_ = 1;
};

} // namespace tiktok_test
