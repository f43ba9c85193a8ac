#include "sim/google/google_model.hpp"

#include "sim/meta/sim_util.hpp"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <charconv>

namespace adbatch::sim::google {

namespace json = boost::json;

namespace {

constexpr std::int64_t client_base = 1'000'000'000;
constexpr std::int64_t manager_base = 9'000'000'000;
constexpr std::int64_t campaign_base = 20'000'000'000;
constexpr std::int64_t ad_group_base = 150'000'000'000;
constexpr std::int64_t ad_base = 600'000'000'000;
constexpr std::int64_t criterion_base = 300'000'000'000;
constexpr std::int64_t conversion_action_base = 420'000'000'000;
constexpr std::int64_t user_list_base = 430'000'000'000;
constexpr std::int64_t asset_base = 440'000'000'000;

constexpr std::array<std::string_view, 10> words = {
    "Brand",       "Generic",   "Competitor", "Remarketing", "Shopping",
    "Spring Sale", "Evergreen", "Local",      "Launch",      "Holiday"};
constexpr std::array<std::string_view, 8> keywords = {
    "running shoes",    "trail shoes", "buy sneakers", "shoe store near me",
    "waterproof boots", "kids shoes",  "sports socks", "marathon training"};

bool parse_i64(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

std::int64_t campaign_id(int n, int c) {
  return campaign_base + n * 1000LL + c;
}
std::int64_t ad_group_id(int n, int c, int g) {
  return ad_group_base + n * 100000LL + c * 100LL + g;
}
std::int64_t leaf_id(std::int64_t base, int n, int c, int g, int x) {
  return base + n * 10'000'000LL + c * 10'000LL + g * 100LL + x;
}
std::int64_t client_item_id(std::int64_t base, int n, int x) {
  return base + n * 1000LL + x;
}

/// Odd asset positions are sitelinks, even ones callouts.
std::string_view asset_type(int x) {
  return x % 2 ? "SITELINK" : "CALLOUT";
}

const char* status(std::uint64_t v) {
  auto x = v % 10;
  return x < 7 ? "ENABLED" : x < 9 ? "PAUSED" : "REMOVED";
}

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// The id metrics hash under, per metric-bearing resource.
std::int64_t metric_id(std::string_view resource, const entity& e) {
  if (resource == "customer") return client_base + e.n;
  if (resource == "campaign") return campaign_id(e.n, e.c);
  if (resource == "ad_group") return ad_group_id(e.n, e.c, e.g);
  if (resource == "ad_group_ad") return leaf_id(ad_base, e.n, e.c, e.g, e.leaf);
  if (resource == "conversion_action")
    return client_item_id(conversion_action_base, e.n, e.leaf);
  return leaf_id(criterion_base, e.n, e.c, e.g, e.leaf); // keyword_view
}

} // namespace

day_metrics& day_metrics::operator+=(const day_metrics& o) {
  impressions += o.impressions;
  clicks += o.clicks;
  cost_micros += o.cost_micros;
  conversions += o.conversions;
  conversions_value += o.conversions_value;
  all_conversions += o.all_conversions;
  all_conversions_value += o.all_conversions_value;
  return *this;
}

std::string manager_of(const google_world& w, int n) {
  if (n <= 0 || n % 2 != 0 || w.managers < 1) return {};
  return std::to_string(manager_base + 1 + (n / 2) % w.managers);
}

std::string camel(std::string_view snake) {
  std::string out;
  bool up = false;
  for (char ch : snake) {
    if (ch == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch)))
              : ch;
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
  return google::manager_of(world_, n);
}

int google_model::campaigns_in(int n) const {
  if (n <= 0) return 0;
  return 1 + static_cast<int>(h("ncamp", std::to_string(n)) %
                              static_cast<unsigned>(world_.max_campaigns));
}
int google_model::ad_groups_in(int n, int c) const {
  return 1 + static_cast<int>(h("nag", std::to_string(campaign_id(n, c))) %
                              static_cast<unsigned>(world_.max_ad_groups));
}
int google_model::ads_in(int n, int c, int g) const {
  return 1 + static_cast<int>(h("nad", std::to_string(ad_group_id(n, c, g))) %
                              static_cast<unsigned>(world_.max_ads));
}
int google_model::keywords_in(int n, int c, int g) const {
  return 1 + static_cast<int>(h("nkw", std::to_string(ad_group_id(n, c, g))) %
                              static_cast<unsigned>(world_.max_keywords));
}
int google_model::conversion_actions_in(int n) const {
  if (n <= 0) return 0;
  return 1 + static_cast<int>(h("nconv", std::to_string(n)) %
                              static_cast<unsigned>(
                                  std::max(1, world_.max_conversion_actions)));
}
int google_model::user_lists_in(int n) const {
  if (n <= 0) return 0;
  return 1 + static_cast<int>(
                 h("nul", std::to_string(n)) %
                 static_cast<unsigned>(std::max(1, world_.max_user_lists)));
}
int google_model::assets_in(int n) const {
  if (n <= 0) return 0;
  auto max = std::max(2, world_.max_assets);
  return 2 + static_cast<int>(h("nasset", std::to_string(n)) %
                              static_cast<unsigned>(max - 1));
}

std::vector<int> google_model::campaign_assets_in(int n, int c) const {
  std::vector<int> out;
  auto a = assets_in(n);
  if (a <= 0) return out;
  auto v = h("ncampasset", std::to_string(campaign_id(n, c)));
  auto k = 1 + static_cast<int>(
                   v % static_cast<unsigned>(std::min(
                           std::max(1, world_.max_campaign_assets), a)));
  auto off = static_cast<int>((v >> 20) % static_cast<unsigned>(a));
  for (int j = 0; j < k; ++j)
    out.push_back((off + j) % a + 1);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<entity> google_model::enumerate(std::string_view resource,
                                            int n) const {
  std::vector<entity> out;
  if (resource == "customer") {
    out.push_back({n, 0, 0, 0});
    return out;
  }
  if (n <= 0) return out;
  auto per_client = [&](int count) {
    for (int x = 1; x <= count; ++x)
      out.push_back({n, 0, 0, x});
    return out;
  };
  if (resource == "conversion_action")
    return per_client(conversion_actions_in(n));
  if (resource == "user_list") return per_client(user_lists_in(n));
  if (resource == "asset") return per_client(assets_in(n));
  for (int c = 1; c <= campaigns_in(n); ++c) {
    if (resource == "campaign") {
      out.push_back({n, c, 0, 0});
      continue;
    }
    if (resource == "campaign_asset") {
      for (int x : campaign_assets_in(n, c))
        out.push_back({n, c, 0, x});
      continue;
    }
    for (int g = 1; g <= ad_groups_in(n, c); ++g) {
      if (resource == "ad_group")
        out.push_back({n, c, g, 0});
      else if (resource == "ad_group_ad")
        for (int a = 1; a <= ads_in(n, c, g); ++a)
          out.push_back({n, c, g, a});
      else if (resource == "ad_group_criterion" || resource == "keyword_view")
        for (int k = 1; k <= keywords_in(n, c, g); ++k)
          out.push_back({n, c, g, k});
    }
  }
  return out;
}

void google_model::add_customer(flat_row& r, int n) const {
  auto cid = customer_id(n);
  auto cv = h("customer", cid);
  r["customer.resource_name"] = "customers/" + cid;
  r["customer.id"] = static_cast<std::int64_t>(std::stoll(cid));
  r["customer.descriptive_name"] =
      (n > 0 ? "Sim Client " + std::to_string(n)
             : "Sim Manager " + std::to_string(-n)) +
      " " + std::string(words[cv % words.size()]);
  r["customer.currency_code"] = (cv >> 8) % 2 ? "USD" : "EUR";
  r["customer.time_zone"] =
      (cv >> 9) % 2 ? "America/New_York" : "Europe/Berlin";
  r["customer.manager"] = n < 0;
  r["customer.test_account"] = false;
  r["customer.status"] = "ENABLED";
  r["customer.auto_tagging_enabled"] = ((cv >> 10) % 2) == 1;
}

void google_model::add_campaign(flat_row& r, int n, int c, bool budget) const {
  auto cid = customer_id(n);
  auto camp = campaign_id(n, c);
  auto camp_rn = "customers/" + cid + "/campaigns/" + std::to_string(camp);
  auto v = h("campaign", std::to_string(camp));
  r["campaign.resource_name"] = camp_rn;
  r["campaign.id"] = camp;
  r["campaign.name"] =
      std::string(words[v % words.size()]) + " Campaign " + std::to_string(c);
  r["campaign.status"] = status(v >> 4);
  r["campaign.serving_status"] = "SERVING";
  static constexpr std::array<std::string_view, 4> channels = {
      "SEARCH", "DISPLAY", "SHOPPING", "PERFORMANCE_MAX"};
  r["campaign.advertising_channel_type"] =
      std::string(channels[(v >> 8) % channels.size()]);
  r["campaign.bidding_strategy_type"] =
      (v >> 12) % 2 ? "MAXIMIZE_CONVERSIONS" : "TARGET_CPA";
  r["campaign.start_date"] = detail::civil_from_days(
      world_.today - 30 - static_cast<std::int64_t>(v % 300));
  r["campaign.end_date"] = "2037-12-30";
  auto budget_rn = "customers/" + cid + "/campaignBudgets/" +
                   std::to_string(camp + 7'000'000'000);
  r["campaign.campaign_budget"] = budget_rn;
  if (budget) {
    r["campaign_budget.resource_name"] = budget_rn;
    r["campaign_budget.amount_micros"] =
        static_cast<std::int64_t>((10 + (v >> 16) % 490) * 1'000'000);
    r["campaign_budget.delivery_method"] = "STANDARD";
  }
}

void google_model::add_ad_group(flat_row& r, int n, int c, int g) const {
  auto cid = customer_id(n);
  auto ag = ad_group_id(n, c, g);
  auto gv = h("ad_group", std::to_string(ag));
  r["ad_group.resource_name"] =
      "customers/" + cid + "/adGroups/" + std::to_string(ag);
  r["ad_group.id"] = ag;
  r["ad_group.name"] =
      "Ad Group " + std::to_string(c) + "." + std::to_string(g);
  r["ad_group.status"] = status(gv);
  r["ad_group.type"] = "SEARCH_STANDARD";
  r["ad_group.campaign"] =
      "customers/" + cid + "/campaigns/" + std::to_string(campaign_id(n, c));
  r["ad_group.cpc_bid_micros"] =
      static_cast<std::int64_t>((gv >> 8) % 3'000'000 + 100'000);
}

void google_model::add_asset(flat_row& r, int n, int x) const {
  auto cid = customer_id(n);
  auto id = client_item_id(asset_base, n, x);
  auto v = h("asset", std::to_string(id));
  auto type = asset_type(x);
  r["asset.resource_name"] =
      "customers/" + cid + "/assets/" + std::to_string(id);
  r["asset.id"] = id;
  r["asset.type"] = std::string(type);
  static constexpr std::array<std::string_view, 6> links = {
      "Shop Now",     "Contact Us", "Free Shipping",
      "New Arrivals", "Sale",       "Store Finder"};
  static constexpr std::array<std::string_view, 6> callouts = {
      "Free Returns",  "24/7 Support", "Price Match",
      "Fast Delivery", "Since 1998",   "Eco Friendly"};
  if (type == "SITELINK") {
    auto text = std::string(links[v % links.size()]);
    r["asset.name"] = "Sitelink " + std::to_string(x) + ": " + text;
    r["asset.final_urls"] =
        json::array{"https://example.com/s/" + std::to_string(id)};
    r["asset.sitelink_asset.link_text"] = text;
    r["asset.sitelink_asset.description1"] = "Sim sitelink " + text;
    r["asset.callout_asset.callout_text"] = nullptr;
  } else {
    auto text = std::string(callouts[v % callouts.size()]);
    r["asset.name"] = "Callout " + std::to_string(x) + ": " + text;
    r["asset.final_urls"] = json::array{};
    r["asset.sitelink_asset.link_text"] = nullptr;
    r["asset.sitelink_asset.description1"] = nullptr;
    r["asset.callout_asset.callout_text"] = text;
  }
}

flat_row google_model::attributes(std::string_view resource,
                                  const entity& e) const {
  flat_row r;
  add_customer(r, e.n);
  if (resource == "customer") return r;
  auto cid = customer_id(e.n);

  if (resource == "conversion_action") {
    auto id = client_item_id(conversion_action_base, e.n, e.leaf);
    auto v = h("conversion_action", std::to_string(id));
    static constexpr std::array<std::string_view, 4> types = {
        "WEBPAGE", "UPLOAD_CLICKS", "AD_CALL", "GOOGLE_ANALYTICS_4_PURCHASE"};
    static constexpr std::array<std::string_view, 5> categories = {
        "PURCHASE", "LEAD", "SIGNUP", "PAGE_VIEW", "ADD_TO_CART"};
    static constexpr std::array<std::string_view, 5> names = {
        "Purchase", "Lead form", "Sign-up", "Page view", "Add to cart"};
    auto s = v % 10;
    r["conversion_action.resource_name"] =
        "customers/" + cid + "/conversionActions/" + std::to_string(id);
    r["conversion_action.id"] = id;
    r["conversion_action.name"] = std::string(names[(v >> 8) % names.size()]) +
                                  " " + std::to_string(e.leaf);
    r["conversion_action.status"] = s < 7   ? "ENABLED"
                                    : s < 9 ? "HIDDEN"
                                            : "REMOVED";
    r["conversion_action.type"] = std::string(types[(v >> 12) % types.size()]);
    r["conversion_action.category"] =
        std::string(categories[(v >> 8) % categories.size()]);
    r["conversion_action.counting_type"] =
        (v >> 16) % 2 ? "ONE_PER_CLICK" : "MANY_PER_CLICK";
    r["conversion_action.include_in_conversions_metric"] = (v >> 17) % 4 != 0;
    r["conversion_action.owner_customer"] = "customers/" + cid;
    return r;
  }
  if (resource == "user_list") {
    auto id = client_item_id(user_list_base, e.n, e.leaf);
    auto v = h("user_list", std::to_string(id));
    static constexpr std::array<std::string_view, 3> types = {
        "CRM_BASED", "RULE_BASED", "LOGICAL"};
    static constexpr std::array<std::string_view, 5> names = {
        "All visitors", "Customers", "Cart abandoners", "Newsletter",
        "High value"};
    static constexpr std::array<std::int64_t, 5> spans = {30, 90, 180, 540,
                                                          10000};
    r["user_list.resource_name"] =
        "customers/" + cid + "/userLists/" + std::to_string(id);
    r["user_list.id"] = id;
    r["user_list.name"] =
        std::string(names[v % names.size()]) + " " + std::to_string(e.leaf);
    r["user_list.description"] =
        "Sim audience " + std::to_string(e.n) + "." + std::to_string(e.leaf);
    r["user_list.type"] = std::string(types[(v >> 8) % types.size()]);
    r["user_list.membership_status"] = (v >> 12) % 5 ? "OPEN" : "CLOSED";
    r["user_list.membership_life_span"] = spans[(v >> 16) % spans.size()];
    // Small lists report 0 (Google hides sizes below its thresholds).
    r["user_list.size_for_display"] =
        static_cast<std::int64_t>((v >> 20) % 8 ? (v >> 24) % 500'000 : 0);
    r["user_list.size_for_search"] =
        static_cast<std::int64_t>((v >> 28) % 8 ? (v >> 32) % 200'000 : 0);
    r["user_list.read_only"] = false;
    return r;
  }
  if (resource == "asset") {
    add_asset(r, e.n, e.leaf);
    return r;
  }
  if (resource == "campaign_asset") {
    add_campaign(r, e.n, e.c, false);
    add_asset(r, e.n, e.leaf);
    auto camp = campaign_id(e.n, e.c);
    auto asset = client_item_id(asset_base, e.n, e.leaf);
    auto type = std::string(asset_type(e.leaf));
    auto v =
        h("campaign_asset", std::to_string(camp) + "~" + std::to_string(asset));
    r["campaign_asset.resource_name"] =
        "customers/" + cid + "/campaignAssets/" + std::to_string(camp) + "~" +
        std::to_string(asset) + "~" + type;
    r["campaign_asset.campaign"] =
        "customers/" + cid + "/campaigns/" + std::to_string(camp);
    r["campaign_asset.asset"] =
        "customers/" + cid + "/assets/" + std::to_string(asset);
    r["campaign_asset.field_type"] = type;
    r["campaign_asset.status"] = status(v);
    r["campaign_asset.source"] = "ADVERTISER";
    return r;
  }

  add_campaign(r, e.n, e.c, resource == "campaign");
  if (resource == "campaign") return r;
  add_ad_group(r, e.n, e.c, e.g);
  if (resource == "ad_group") return r;

  auto ag = ad_group_id(e.n, e.c, e.g);
  auto ag_rn = "customers/" + cid + "/adGroups/" + std::to_string(ag);
  if (resource == "ad_group_ad") {
    auto ad = leaf_id(ad_base, e.n, e.c, e.g, e.leaf);
    auto av = h("ad", std::to_string(ad));
    r["ad_group_ad.resource_name"] = "customers/" + cid + "/adGroupAds/" +
                                     std::to_string(ag) + "~" +
                                     std::to_string(ad);
    r["ad_group_ad.status"] = status(av);
    r["ad_group_ad.ad_group"] = ag_rn;
    r["ad_group_ad.ad.resource_name"] =
        "customers/" + cid + "/ads/" + std::to_string(ad);
    r["ad_group_ad.ad.id"] = ad;
    r["ad_group_ad.ad.name"] = "Ad " + std::to_string(e.c) + "." +
                               std::to_string(e.g) + "." +
                               std::to_string(e.leaf);
    r["ad_group_ad.ad.type"] = "RESPONSIVE_SEARCH_AD";
    r["ad_group_ad.ad.final_urls"] =
        json::array{"https://example.com/p/" + std::to_string(ad)};
    r["ad_group_ad.policy_summary.approval_status"] =
        (av >> 8) % 10 ? "APPROVED" : "APPROVED_LIMITED";
    return r;
  }
  auto crit = leaf_id(criterion_base, e.n, e.c, e.g, e.leaf);
  auto kv = h("criterion", std::to_string(crit));
  auto key = std::to_string(ag) + "~" + std::to_string(crit);
  r["ad_group_criterion.resource_name"] =
      "customers/" + cid + "/adGroupCriteria/" + key;
  r["ad_group_criterion.criterion_id"] = crit;
  r["ad_group_criterion.status"] = status(kv);
  r["ad_group_criterion.type"] = "KEYWORD";
  r["ad_group_criterion.negative"] = false;
  r["ad_group_criterion.ad_group"] = ag_rn;
  r["ad_group_criterion.keyword.text"] =
      std::string(keywords[kv % keywords.size()]);
  static constexpr std::array<std::string_view, 3> match = {"EXACT", "PHRASE",
                                                            "BROAD"};
  r["ad_group_criterion.keyword.match_type"] =
      std::string(match[(kv >> 8) % match.size()]);
  r["ad_group_criterion.cpc_bid_micros"] =
      static_cast<std::int64_t>((kv >> 12) % 2'000'000 + 50'000);
  if (resource == "keyword_view")
    r["keyword_view.resource_name"] =
        "customers/" + cid + "/keywordViews/" + key;
  return r;
}

day_metrics google_model::metrics(std::string_view resource, const entity& e,
                                  std::int64_t day, int device) const {
  day_metrics m;
  if (day > world_.today) return m; // no traffic in the future
  if (device < 0) {
    // The unsegmented value is the sum over the devices, so device rows
    // add up to it.
    for (int d = 0; d < 3; ++d)
      m += metrics(resource, e, day, d);
    return m;
  }
  bool conv_action = resource == "conversion_action";
  auto v = splitmix(seed_ ^ 0x6d657472696373ULL); // "metrics"
  v = splitmix(v ^ static_cast<std::uint64_t>(metric_id(resource, e)));
  v = splitmix(v ^ static_cast<std::uint64_t>(day) * 4);
  v = splitmix(v ^ static_cast<std::uint64_t>(device + 1));
  std::int64_t conv_halves = 0, all_halves = 0, value_halves = 0;
  // A quarter of (entity, day, device) cells have no traffic at all.
  if ((v >> 62) == 0) return m;
  if (conv_action) {
    // Conversion actions have conversions only.
    conv_halves = static_cast<std::int64_t>(v % 40);
    value_halves = conv_halves * static_cast<std::int64_t>(5 + (v >> 8) % 60);
    all_halves = conv_halves + static_cast<std::int64_t>((v >> 16) % 10);
  } else {
    std::int64_t scale = resource == "customer"   ? 40
                         : resource == "campaign" ? 10
                         : resource == "ad_group" ? 4
                                                  : 1;
    std::int64_t device_weight = device == 0 ? 3 : device == 1 ? 2 : 1;
    m.impressions = static_cast<std::int64_t>(v % 700) * scale * device_weight;
    m.clicks = m.impressions * static_cast<std::int64_t>((v >> 16) % 60) / 1000;
    m.cost_micros =
        m.clicks * static_cast<std::int64_t>(200'000 + (v >> 24) % 2'000'000);
    conv_halves = m.clicks * static_cast<std::int64_t>((v >> 40) % 100) / 500;
    value_halves = conv_halves * static_cast<std::int64_t>(40 + (v >> 48) % 80);
    all_halves = conv_halves +
                 m.clicks * static_cast<std::int64_t>((v >> 56) % 16) / 1000;
  }
  m.conversions = static_cast<double>(conv_halves) / 2;
  m.conversions_value = static_cast<double>(value_halves) / 2;
  m.all_conversions = static_cast<double>(all_halves) / 2;
  m.all_conversions_value =
      m.conversions_value +
      static_cast<double>(all_halves - conv_halves) * 12.5;
  return m;
}

bool google_model::exists(std::string_view rn) const {
  // customers/{cid}/{collection}/{id}[~{id}[~{field type}]]
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
  std::vector<std::string_view> parts;
  for (auto rest = rn.substr(slash + 1);;) {
    auto t = rest.find('~');
    parts.push_back(rest.substr(0, t));
    if (t == std::string_view::npos) break;
    rest.remove_prefix(t + 1);
  }
  std::int64_t a = 0, b = 0;
  if (!parse_i64(parts[0], a)) return false;
  if (parts.size() >= 2 && !parse_i64(parts[1], b)) return false;
  auto client_item = [&](std::int64_t base, int count) {
    auto off = a - base - n * 1000LL;
    return parts.size() == 1 && off >= 1 && off <= count;
  };
  if (coll == "conversionActions")
    return client_item(conversion_action_base, conversion_actions_in(n));
  if (coll == "userLists") return client_item(user_list_base, user_lists_in(n));
  if (coll == "assets") return client_item(asset_base, assets_in(n));
  auto campaign_of = [&](std::int64_t id, int& c) {
    auto off = id - campaign_base - n * 1000LL;
    c = static_cast<int>(off);
    return off >= 1 && off <= campaigns_in(n);
  };
  int c = 0, g = 0;
  if (coll == "campaigns") return parts.size() == 1 && campaign_of(a, c);
  if (coll == "campaignAssets") {
    if (parts.size() != 3 || !campaign_of(a, c)) return false;
    auto x = b - asset_base - n * 1000LL;
    auto linked = campaign_assets_in(n, c);
    return x >= 1 && std::count(linked.begin(), linked.end(), x) == 1 &&
           parts[2] == asset_type(static_cast<int>(x));
  }
  auto check_group = [&](std::int64_t ag) {
    auto off = ag - ad_group_base - n * 100000LL;
    c = static_cast<int>(off / 100);
    g = static_cast<int>(off % 100);
    return off > 0 && c >= 1 && c <= campaigns_in(n) && g >= 1 &&
           g <= ad_groups_in(n, c);
  };
  if (coll == "adGroups") return parts.size() == 1 && check_group(a);
  if (parts.size() != 2 || !check_group(a)) return false;
  auto base = coll == "adGroupAds"        ? ad_base
              : coll == "adGroupCriteria" ? criterion_base
                                          : 0;
  if (!base) return false;
  auto leaf = b - leaf_id(base, n, c, g, 0);
  auto max = coll == "adGroupAds" ? ads_in(n, c, g) : keywords_in(n, c, g);
  return leaf >= 1 && leaf <= max;
}

} // namespace adbatch::sim::google
