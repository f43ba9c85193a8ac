#include "sim/google/google_model.hpp"

#include "sim/meta/sim_util.hpp"

#include <boost/json/array.hpp>

#include <array>
#include <charconv>
#include <cstdio>

namespace adbatch::sim::google {

namespace json = boost::json;

namespace {

constexpr std::int64_t client_base = 1'000'000'000;
constexpr std::int64_t manager_base = 9'000'000'000;
constexpr std::int64_t campaign_base = 20'000'000'000;
constexpr std::int64_t ad_group_base = 150'000'000'000;
constexpr std::int64_t ad_base = 600'000'000'000;
constexpr std::int64_t criterion_base = 300'000'000'000;

constexpr std::array<std::string_view, 10> words = {
  "Brand", "Generic", "Competitor", "Remarketing", "Shopping",
  "Spring Sale", "Evergreen", "Local", "Launch", "Holiday"};
constexpr std::array<std::string_view, 8> keywords = {
  "running shoes", "trail shoes", "buy sneakers", "shoe store near me",
  "waterproof boots", "kids shoes", "sports socks", "marathon training"};

bool parse_i64(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

std::int64_t campaign_id(int n, int c) { return campaign_base + n * 1000LL + c; }
std::int64_t ad_group_id(int n, int c, int g) {
  return ad_group_base + n * 100000LL + c * 100LL + g;
}
std::int64_t leaf_id(std::int64_t base, int n, int c, int g, int x) {
  return base + n * 10'000'000LL + c * 10'000LL + g * 100LL + x;
}

} // namespace

std::string camel(std::string_view snake) {
  std::string out;
  bool up = false;
  for (char ch : snake) {
    if (ch == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    up = false;
  }
  return out;
}

std::string camel_path(std::string_view path) {
  std::string out;
  std::size_t i = 0;
  while (i <= path.size()) {
    auto j = path.find('.', i);
    if (j == std::string_view::npos) j = path.size();
    if (!out.empty()) out += '.';
    out += camel(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

google_model::google_model(std::uint64_t seed, google_world w)
  : seed_(seed), world_(w) {}

std::uint64_t google_model::h(std::string_view a, std::string_view b) const {
  return detail::stable_hash(seed_, a, b);
}

int google_model::customer_index(std::string_view id) const {
  std::int64_t v = 0;
  if (!parse_i64(id, v)) return 0;
  if (v > client_base && v <= client_base + world_.customers)
    return static_cast<int>(v - client_base);
  if (v > manager_base && v <= manager_base + world_.managers)
    return -static_cast<int>(v - manager_base);
  return 0;
}

std::string google_model::customer_id(int n) const {
  return std::to_string(n > 0 ? client_base + n : manager_base - n);
}

std::string google_model::manager_of(int n) const {
  if (n <= 0 || n % 2 != 0 || world_.managers < 1) return {};
  return std::to_string(manager_base + 1 + (n / 2) % world_.managers);
}

int google_model::campaigns_in(int n) const {
  if (n <= 0) return 0;
  return 1 + static_cast<int>(h("ncamp", std::to_string(n))
                              % static_cast<unsigned>(world_.max_campaigns));
}
int google_model::ad_groups_in(int n, int c) const {
  return 1 + static_cast<int>(h("nag", std::to_string(campaign_id(n, c)))
                              % static_cast<unsigned>(world_.max_ad_groups));
}
int google_model::ads_in(int n, int c, int g) const {
  return 1 + static_cast<int>(h("nad", std::to_string(ad_group_id(n, c, g)))
                              % static_cast<unsigned>(world_.max_ads));
}
int google_model::keywords_in(int n, int c, int g) const {
  return 1 + static_cast<int>(h("nkw", std::to_string(ad_group_id(n, c, g)))
                              % static_cast<unsigned>(world_.max_keywords));
}

std::vector<entity> google_model::enumerate(std::string_view resource, int n) const {
  std::vector<entity> out;
  if (resource == "customer") {
    out.push_back({n, 0, 0, 0});
    return out;
  }
  for (int c = 1; c <= campaigns_in(n); ++c) {
    if (resource == "campaign") {
      out.push_back({n, c, 0, 0});
      continue;
    }
    for (int g = 1; g <= ad_groups_in(n, c); ++g) {
      if (resource == "ad_group") out.push_back({n, c, g, 0});
      else if (resource == "ad_group_ad")
        for (int a = 1; a <= ads_in(n, c, g); ++a) out.push_back({n, c, g, a});
      else if (resource == "ad_group_criterion" || resource == "keyword_view")
        for (int k = 1; k <= keywords_in(n, c, g); ++k) out.push_back({n, c, g, k});
    }
  }
  return out;
}

flat_row google_model::attributes(std::string_view resource, const entity& e) const {
  flat_row r;
  auto cid = customer_id(e.n);
  auto cv = h("customer", cid);
  r["customer.resource_name"] = "customers/" + cid;
  r["customer.id"] = static_cast<std::int64_t>(std::stoll(cid));
  r["customer.descriptive_name"] =
    (e.n > 0 ? "Sim Client " + std::to_string(e.n) : "Sim Manager " + std::to_string(-e.n))
    + " " + std::string(words[cv % words.size()]);
  r["customer.currency_code"] = (cv >> 8) % 2 ? "USD" : "EUR";
  r["customer.time_zone"] = (cv >> 9) % 2 ? "America/New_York" : "Europe/Berlin";
  r["customer.manager"] = e.n < 0;
  r["customer.test_account"] = false;
  r["customer.status"] = "ENABLED";
  r["customer.auto_tagging_enabled"] = ((cv >> 10) % 2) == 1;
  if (resource == "customer" || e.c == 0) return r;

  auto status = [](std::uint64_t v) {
    auto x = v % 10;
    return x < 7 ? "ENABLED" : x < 9 ? "PAUSED" : "REMOVED";
  };
  auto camp = campaign_id(e.n, e.c);
  auto camp_rn = "customers/" + cid + "/campaigns/" + std::to_string(camp);
  auto v = h("campaign", std::to_string(camp));
  r["campaign.resource_name"] = camp_rn;
  r["campaign.id"] = camp;
  r["campaign.name"] = std::string(words[v % words.size()]) + " Campaign " + std::to_string(e.c);
  r["campaign.status"] = status(v >> 4);
  r["campaign.serving_status"] = "SERVING";
  static constexpr std::array<std::string_view, 4> channels = {"SEARCH", "DISPLAY", "SHOPPING", "PERFORMANCE_MAX"};
  r["campaign.advertising_channel_type"] = std::string(channels[(v >> 8) % channels.size()]);
  r["campaign.bidding_strategy_type"] = (v >> 12) % 2 ? "MAXIMIZE_CONVERSIONS" : "TARGET_CPA";
  r["campaign.start_date"] = detail::civil_from_days(world_.today - 30 - static_cast<std::int64_t>(v % 300));
  r["campaign.end_date"] = "2037-12-30";
  auto budget_rn = "customers/" + cid + "/campaignBudgets/" + std::to_string(camp + 7'000'000'000);
  r["campaign.campaign_budget"] = budget_rn;
  if (resource == "campaign") {
    r["campaign_budget.resource_name"] = budget_rn;
    r["campaign_budget.amount_micros"] = static_cast<std::int64_t>((10 + (v >> 16) % 490) * 1'000'000);
    r["campaign_budget.delivery_method"] = "STANDARD";
  }
  if (resource == "campaign" || e.g == 0) return r;

  auto ag = ad_group_id(e.n, e.c, e.g);
  auto ag_rn = "customers/" + cid + "/adGroups/" + std::to_string(ag);
  auto gv = h("ad_group", std::to_string(ag));
  r["ad_group.resource_name"] = ag_rn;
  r["ad_group.id"] = ag;
  r["ad_group.name"] = "Ad Group " + std::to_string(e.c) + "." + std::to_string(e.g);
  r["ad_group.status"] = status(gv);
  r["ad_group.type"] = "SEARCH_STANDARD";
  r["ad_group.campaign"] = camp_rn;
  r["ad_group.cpc_bid_micros"] = static_cast<std::int64_t>((gv >> 8) % 3'000'000 + 100'000);
  if (resource == "ad_group" || e.leaf == 0) return r;

  if (resource == "ad_group_ad") {
    auto ad = leaf_id(ad_base, e.n, e.c, e.g, e.leaf);
    auto av = h("ad", std::to_string(ad));
    r["ad_group_ad.resource_name"] = "customers/" + cid + "/adGroupAds/" + std::to_string(ag) + "~" + std::to_string(ad);
    r["ad_group_ad.status"] = status(av);
    r["ad_group_ad.ad_group"] = ag_rn;
    r["ad_group_ad.ad.resource_name"] = "customers/" + cid + "/ads/" + std::to_string(ad);
    r["ad_group_ad.ad.id"] = ad;
    r["ad_group_ad.ad.name"] = "Ad " + std::to_string(e.c) + "." + std::to_string(e.g) + "." + std::to_string(e.leaf);
    r["ad_group_ad.ad.type"] = "RESPONSIVE_SEARCH_AD";
    r["ad_group_ad.ad.final_urls"] = json::array{"https://example.com/p/" + std::to_string(ad)};
    r["ad_group_ad.policy_summary.approval_status"] = (av >> 8) % 10 ? "APPROVED" : "APPROVED_LIMITED";
    return r;
  }
  auto crit = leaf_id(criterion_base, e.n, e.c, e.g, e.leaf);
  auto kv = h("criterion", std::to_string(crit));
  auto key = std::to_string(ag) + "~" + std::to_string(crit);
  r["ad_group_criterion.resource_name"] = "customers/" + cid + "/adGroupCriteria/" + key;
  r["ad_group_criterion.criterion_id"] = crit;
  r["ad_group_criterion.status"] = status(kv);
  r["ad_group_criterion.type"] = "KEYWORD";
  r["ad_group_criterion.negative"] = false;
  r["ad_group_criterion.ad_group"] = ag_rn;
  r["ad_group_criterion.keyword.text"] = std::string(keywords[kv % keywords.size()]);
  static constexpr std::array<std::string_view, 3> match = {"EXACT", "PHRASE", "BROAD"};
  r["ad_group_criterion.keyword.match_type"] = std::string(match[(kv >> 8) % match.size()]);
  r["ad_group_criterion.cpc_bid_micros"] = static_cast<std::int64_t>((kv >> 12) % 2'000'000 + 50'000);
  if (resource == "keyword_view")
    r["keyword_view.resource_name"] = "customers/" + cid + "/keywordViews/" + key;
  return r;
}

google_model::day_metrics google_model::metrics(std::string_view resource, const entity& e,
                                                std::int64_t day, std::string_view device) const {
  char key[96];
  std::snprintf(key, sizeof key, "%.*s:%d.%d.%d.%d:%lld", static_cast<int>(resource.size()),
                resource.data(), e.n, e.c, e.g, e.leaf, static_cast<long long>(day));
  auto v = h(key, device);
  std::int64_t scale = resource == "customer" ? 40 : resource == "campaign" ? 10
                       : resource == "ad_group" ? 4 : 1;
  day_metrics m;
  m.impressions = static_cast<std::int64_t>(v % 2000) * scale;
  m.clicks = m.impressions * static_cast<std::int64_t>((v >> 16) % 60) / 1000;
  m.cost_micros = m.clicks * static_cast<std::int64_t>(200'000 + (v >> 24) % 2'000'000);
  m.conversions = static_cast<double>(m.clicks * static_cast<std::int64_t>((v >> 40) % 100) / 1000);
  return m;
}

bool google_model::exists(std::string_view rn) const {
  // customers/{cid}/{collection}/{id}[~{id}]
  if (rn.substr(0, 10) != "customers/") return false;
  rn.remove_prefix(10);
  auto slash = rn.find('/');
  if (slash == std::string_view::npos) return false;
  int n = customer_index(rn.substr(0, slash));
  if (n <= 0) return false;
  rn.remove_prefix(slash + 1);
  slash = rn.find('/');
  if (slash == std::string_view::npos) return false;
  auto coll = rn.substr(0, slash);
  auto id = rn.substr(slash + 1);
  auto tilde = id.find('~');
  std::int64_t a = 0, b = 0;
  if (!parse_i64(id.substr(0, tilde), a)) return false;
  if (tilde != std::string_view::npos && !parse_i64(id.substr(tilde + 1), b)) return false;
  auto check_group = [&](std::int64_t ag, int& c, int& g) {
    auto off = ag - ad_group_base - n * 100000LL;
    c = static_cast<int>(off / 100);
    g = static_cast<int>(off % 100);
    return off > 0 && c >= 1 && c <= campaigns_in(n) && g >= 1 && g <= ad_groups_in(n, c);
  };
  if (coll == "campaigns") {
    auto off = a - campaign_base - n * 1000LL;
    return tilde == std::string_view::npos && off >= 1 && off <= campaigns_in(n);
  }
  int c = 0, g = 0;
  if (coll == "adGroups") return tilde == std::string_view::npos && check_group(a, c, g);
  if (tilde == std::string_view::npos || !check_group(a, c, g)) return false;
  auto leaf_base = coll == "adGroupAds" ? ad_base : coll == "adGroupCriteria" ? criterion_base : 0;
  if (!leaf_base) return false;
  auto leaf = b - leaf_id(leaf_base, n, c, g, 0);
  auto max = coll == "adGroupAds" ? ads_in(n, c, g) : keywords_in(n, c, g);
  return leaf >= 1 && leaf <= max;
}

} // namespace adbatch::sim::google
