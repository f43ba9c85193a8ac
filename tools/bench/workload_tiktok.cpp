#include "sim/tiktok/tiktok_data.hpp"
#include "tools/bench/workload_gen.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>

// TikTok: what an ad-management product asks of the TikTok Business API,
// aimed at the advertisers (and their objects and pixels) each org's token
// owns in the simulator's model (sim/tiktok/tiktok_data.hpp).

namespace adbatch::bench::gen {

namespace {

namespace json = boost::json;
namespace tt = sim::tiktok;

class tiktok_generator final : public platform_generator {
public:
  explicit tiktok_generator(const workload_options& opts)
      : seed_(opts.sim_seed), writes_(opts.writes) {
    // Reports need explicit dates; ranges end before "today" (the Google
    // simulator's today when given, else the real one).
    today_ = opts.google_today > 0
                 ? opts.google_today
                 : std::chrono::duration_cast<std::chrono::days>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  }

  void connect(int k, workload_connection& c) override {
    json::object ids;
    ids["advertiser_id"] = tt::advertiser_id(main_of(k));
    json::array all;
    for (int a : owned(k))
      all.emplace_back(tt::advertiser_id(a));
    ids["advertiser_ids"] = std::move(all);
    c.account_ids = json::serialize(ids);
  }

  void request(rng& g, int k, const workload_connection&, bool foreign,
               std::string& type, json::object& params) override {
    static const std::vector<std::pair<std::string, double>> reads{
        {"get_advertisers", 1},
        {"get_advertiser_info", 2},
        {"get_campaigns", 3},
        {"get_ad_groups", 3},
        {"get_ads", 3},
        {"get_campaign_metrics", 5},
        {"get_ad_group_metrics", 4},
        {"get_ad_metrics", 4},
        {"get_creatives", 2},
        {"get_images", 1},
        {"get_videos", 1},
        {"get_audiences", 1},
        {"get_custom_audiences", 1}};
    type =
        writes_ && chance(g, 0.1) ? "upload_conversions" : weighted(g, reads);
    params = {};
    // Mostly the connection's own advertiser; now and then its second one
    // (named), or (foreign) another org's one.
    auto mine = owned(k);
    int a = mine.front();
    bool named = false;
    if (foreign) {
      a = main_of(k + 1);
      named = true;
    } else if (mine.size() > 1 && chance(g, 0.15)) {
      a = mine[1];
      named = true;
    }
    auto adv = tt::advertiser_id(a);
    if (named && type != "upload_conversions" && type != "get_advertisers")
      params["advertiser_id"] = adv;

    auto some = [&](const std::vector<std::string>& all, int max) {
      json::array out;
      std::vector<std::string> pool = all;
      std::shuffle(pool.begin(), pool.end(), g);
      int n = std::min<int>(pick(g, 1, max), static_cast<int>(pool.size()));
      for (int i = 0; i < n; ++i)
        out.emplace_back(pool[static_cast<std::size_t>(i)]);
      return out;
    };
    auto ids_of = [&](int level) {
      std::vector<std::string> out;
      for (const auto& n : tt::nodes_of(seed_, a, level))
        out.push_back(level == 1   ? tt::campaign_id(a, n.campaign)
                      : level == 2 ? tt::adgroup_id(a, n.campaign, n.adgroup)
                                   : tt::ad_id(a, n.campaign, n.adgroup, n.ad));
      return out;
    };
    auto library = [&](std::string (*id)(int, int), int count) {
      std::vector<std::string> out;
      for (int i = 1; i <= count; ++i)
        out.push_back(id(a, i));
      return out;
    };

    if (type == "get_advertisers") {
      if (foreign) params["advertiser_ids"] = json::array{adv.c_str()};
      if (chance(g, 0.3))
        params["fields"] = json::array{"advertiser_id", "name", "currency"};
    } else if (type == "get_advertiser_info") {
      if (!params.contains("advertiser_id") && chance(g, 0.5))
        params["advertiser_id"] = adv;
      if (chance(g, 0.3))
        params["fields"] =
            json::array{"advertiser_id", "name", "balance", "timezone"};
    } else if (type == "get_campaigns") {
      if (chance(g, 0.5)) params["campaign_ids"] = some(ids_of(1), 3);
      if (chance(g, 0.3))
        params["fields"] = json::array{"campaign_id", "campaign_name",
                                       "operation_status", "budget"};
    } else if (type == "get_ad_groups") {
      auto r = pick(g, 0, 9);
      if (r < 4)
        params["campaign_ids"] = some(ids_of(1), 2);
      else if (r < 7)
        params["adgroup_ids"] = some(ids_of(2), 3);
    } else if (type == "get_ads") {
      auto r = pick(g, 0, 9);
      if (r < 3)
        params["adgroup_ids"] = some(ids_of(2), 2);
      else if (r < 6)
        params["ad_ids"] = some(ids_of(3), 3);
    } else if (type == "get_creatives") {
      if (chance(g, 0.6)) params["ad_ids"] = some(ids_of(3), 3);
    } else if (type == "get_images") {
      if (chance(g, 0.4))
        params["image_ids"] =
            some(library(tt::image_id, tt::image_count(seed_, a)), 3);
    } else if (type == "get_videos") {
      if (chance(g, 0.4))
        params["video_ids"] =
            some(library(tt::video_id, tt::video_count(seed_, a)), 2);
    } else if (type == "get_audiences") {
      if (chance(g, 0.3))
        params["saved_audience_ids"] = some(
            library(tt::saved_audience_id, tt::saved_audience_count(seed_, a)),
            2);
    } else if (type == "get_custom_audiences") {
      if (chance(g, 0.3))
        params["custom_audience_ids"] =
            some(library(tt::custom_audience_id,
                         tt::custom_audience_count(seed_, a)),
                 2);
    } else if (type == "upload_conversions") {
      params["event_source"] = "web";
      params["event_source_id"] =
          tt::pixel_code(a, pick(g, 1, tt::pixel_count(seed_, a)));
      static const char* names[] = {"CompletePayment", "ViewContent",
                                    "AddToCart", "SubmitForm"};
      json::array events;
      for (int i = 0, n = pick(g, 1, 5); i < n; ++i) {
        json::object e;
        e["event"] = names[pick(g, 0, 3)];
        e["event_time"] = 1767225600 + pick(g, 0, 86400 * 30);
        // A small pool per org: the same event reported twice shares its id.
        e["event_id"] =
            "ev-" + std::to_string(k) + "-" + std::to_string(pick(g, 1, 400));
        e["properties"] = json::object{{"currency", "USD"},
                                       {"value", pick(g, 1, 50000) / 100.0}};
        e["page"] = json::object{{"url", "https://shop.example/p/" +
                                             std::to_string(pick(g, 1, 99))}};
        events.push_back(std::move(e));
      }
      params["events"] = std::move(events);
    } else {
      // The metrics types: dashboards ask for the last 7 or 14 days or a
      // custom range in the last two weeks, per object or account-wide.
      int level = type == "get_campaign_metrics"   ? 1
                  : type == "get_ad_group_metrics" ? 2
                                                   : 3;
      auto end = today_ - 1;
      auto start = end - 6;
      auto r = pick(g, 0, 9);
      if (r < 3) start = end - 13;
      if (r >= 6) {
        end = today_ - pick(g, 1, 7);
        start = end - pick(g, 0, 6);
      }
      bool total = chance(g, 0.4);
      bool filtered = chance(g, 0.7);
      // An account-wide daily report must fit one page: ad groups (up to
      // 160) over at most 6 days, ads (up to 480) only as totals.
      if (!filtered && level == 2 && !total && end - start > 5) start = end - 5;
      if (!filtered && level == 3) total = true;
      params["start_date"] = date_of(start);
      params["end_date"] = date_of(end);
      if (total) params["aggregation"] = "total";
      if (filtered) {
        static const char* keys[] = {"", "campaign_ids", "adgroup_ids",
                                     "ad_ids"};
        params[keys[level]] = some(ids_of(level), 3);
      }
      if (chance(g, 0.3))
        params["metrics"] =
            json::array{"spend", "impressions", "clicks", "cpc"};
    }
  }

private:
  /// Org k's main advertiser and a second one (both owned by its token
  /// under the simulator's rule (a-1) % 5 == k % 5).
  static int main_of(int k) { return (k % 5) + 1 + 5 * (k % 150); }
  static std::vector<int> owned(int k) {
    std::vector<int> out{main_of(k)};
    if (main_of(k) + 250 <= tt::advertiser_count)
      out.push_back(main_of(k) + 250);
    return out;
  }

  std::uint64_t seed_;
  bool writes_;
  std::int64_t today_;
};

} // namespace

std::unique_ptr<platform_generator>
make_tiktok_generator(const workload_options& opts) {
  return std::make_unique<tiktok_generator>(opts);
}

} // namespace adbatch::bench::gen
