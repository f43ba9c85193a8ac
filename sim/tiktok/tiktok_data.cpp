#include "sim/tiktok/tiktok_data.hpp"

#include <charconv>
#include <cstdio>

namespace adbatch::sim::tiktok {

namespace {

constexpr std::uint64_t advertiser_base = 7000000000000000000ULL;
constexpr std::uint64_t campaign_base = 1800000000000000000ULL;
constexpr std::uint64_t adgroup_base = 1810000000000000000ULL;
constexpr std::uint64_t ad_base = 1820000000000000000ULL;

constexpr const char* objectives[] = {"TRAFFIC", "CONVERSIONS", "REACH",
                                      "VIDEO_VIEWS", "APP_PROMOTION"};
constexpr const char* currencies[] = {"USD", "EUR", "GBP", "JPY"};
constexpr const char* timezones[] = {"Etc/GMT", "America/New_York",
                                     "Europe/Berlin", "Asia/Tokyo"};
constexpr const char* countries[] = {"US", "DE", "GB", "JP"};

template <std::size_t N>
const char* pick(const char* const (&arr)[N], std::uint64_t h) {
  return arr[h % N];
}

/// "YYYY-MM-DD HH:MM:SS" somewhere in 2023, TikTok's create_time format
/// for campaigns, ad groups and ads.
std::string stamp(std::uint64_t h) {
  auto day = static_cast<int>(h % 28) + 1;
  auto month = static_cast<int>((h >> 8) % 12) + 1;
  auto sec = static_cast<int>((h >> 16) % 86400);
  char buf[32];
  std::snprintf(buf, sizeof buf, "2023-%02d-%02d %02d:%02d:%02d", month, day,
                sec / 3600, (sec / 60) % 60, sec % 60);
  return buf;
}

std::string fixed2(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

} // namespace

std::uint64_t hash_str(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a: stable across builds
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b,
                  std::uint64_t c, std::uint64_t d) {
  auto step = [](std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  auto h = step(seed);
  for (auto v : {a, b, c, d}) h = step(h ^ v);
  return h;
}

std::string advertiser_id(int a) {
  return std::to_string(advertiser_base + static_cast<std::uint64_t>(a));
}
std::string campaign_id(int a, int c) {
  return std::to_string(campaign_base + static_cast<std::uint64_t>(a) * 10000000ULL
                        + static_cast<std::uint64_t>(c));
}
std::string adgroup_id(int a, int c, int g) {
  return std::to_string(adgroup_base + static_cast<std::uint64_t>(a) * 1000000000ULL
                        + static_cast<std::uint64_t>(c) * 1000ULL
                        + static_cast<std::uint64_t>(g));
}
std::string ad_id(int a, int c, int g, int d) {
  return std::to_string(ad_base + static_cast<std::uint64_t>(a) * 10000000000ULL
                        + static_cast<std::uint64_t>(c) * 1000000ULL
                        + static_cast<std::uint64_t>(g) * 1000ULL
                        + static_cast<std::uint64_t>(d));
}

std::optional<int> advertiser_index(std::string_view id) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc{} || p != id.data() + id.size()) return std::nullopt;
  if (v <= advertiser_base || v > advertiser_base + advertiser_count)
    return std::nullopt;
  return static_cast<int>(v - advertiser_base);
}

int campaign_count(std::uint64_t seed, int a) {
  return 3 + static_cast<int>(mix(seed, 1, a) % 38);
}
int adgroup_count(std::uint64_t seed, int a, int c) {
  return 1 + static_cast<int>(mix(seed, 2, a, c) % 4);
}
int ad_count(std::uint64_t seed, int a, int c, int g) {
  return 1 + static_cast<int>(mix(seed, 3, a, c, g) % 3);
}

std::vector<node> nodes_of(std::uint64_t seed, int a, int level) {
  std::vector<node> out;
  for (int c = 1, nc = campaign_count(seed, a); c <= nc; ++c) {
    if (level == 1) {
      out.push_back({a, c, 0, 0});
      continue;
    }
    for (int g = 1, ng = adgroup_count(seed, a, c); g <= ng; ++g) {
      if (level == 2) {
        out.push_back({a, c, g, 0});
        continue;
      }
      for (int d = 1, nd = ad_count(seed, a, c, g); d <= nd; ++d)
        out.push_back({a, c, g, d});
    }
  }
  return out;
}

boost::json::object advertiser_object(std::uint64_t seed, int a) {
  auto h = mix(seed, 10, a);
  boost::json::object o;
  o["advertiser_id"] = advertiser_id(a);
  o["name"] = "Sim Advertiser " + std::to_string(a);
  o["company"] = "Sim Company " + std::to_string(h % 500);
  o["status"] = "STATUS_ENABLE";
  o["role"] = "ROLE_ADVERTISER";
  o["currency"] = pick(currencies, h);
  o["timezone"] = pick(timezones, h >> 4);
  o["display_timezone"] = pick(timezones, h >> 4);
  o["country"] = pick(countries, h >> 8);
  o["industry"] = std::to_string(290000 + h % 100);
  o["balance"] = static_cast<double>((h >> 12) % 10000000) / 100.0;
  o["create_time"] = 1672531200 + static_cast<std::int64_t>((h >> 20) % 31536000);
  o["language"] = "en";
  o["description"] = "Simulated advertiser " + std::to_string(a);
  return o;
}

boost::json::object campaign_object(std::uint64_t seed, const node& n) {
  auto h = mix(seed, 11, n.advertiser, n.campaign);
  boost::json::object o;
  o["advertiser_id"] = advertiser_id(n.advertiser);
  o["campaign_id"] = campaign_id(n.advertiser, n.campaign);
  o["campaign_name"] = "Campaign " + std::to_string(n.advertiser) + "-"
                       + std::to_string(n.campaign);
  o["objective_type"] = pick(objectives, h);
  o["budget_mode"] = (h >> 4) % 2 ? "BUDGET_MODE_DAY" : "BUDGET_MODE_INFINITE";
  o["budget"] = static_cast<double>(50 + (h >> 8) % 5000);
  o["operation_status"] = (h >> 16) % 5 ? "ENABLE" : "DISABLE";
  o["secondary_status"] = (h >> 16) % 5 ? "CAMPAIGN_STATUS_ENABLE"
                                        : "CAMPAIGN_STATUS_DISABLE";
  o["create_time"] = stamp(h >> 20);
  o["modify_time"] = stamp(h >> 24);
  o["is_new_structure"] = true;
  return o;
}

boost::json::object adgroup_object(std::uint64_t seed, const node& n) {
  auto h = mix(seed, 12, n.advertiser, n.campaign, n.adgroup);
  boost::json::object o;
  o["advertiser_id"] = advertiser_id(n.advertiser);
  o["campaign_id"] = campaign_id(n.advertiser, n.campaign);
  o["adgroup_id"] = adgroup_id(n.advertiser, n.campaign, n.adgroup);
  o["adgroup_name"] = "Ad group " + std::to_string(n.advertiser) + "-"
                      + std::to_string(n.campaign) + "-" + std::to_string(n.adgroup);
  o["placement_type"] = h % 2 ? "PLACEMENT_TYPE_AUTOMATIC" : "PLACEMENT_TYPE_NORMAL";
  o["budget_mode"] = "BUDGET_MODE_DAY";
  o["budget"] = static_cast<double>(20 + (h >> 8) % 1000);
  o["bid_price"] = static_cast<double>((h >> 12) % 500) / 100.0;
  o["optimization_goal"] = (h >> 16) % 2 ? "CLICK" : "CONVERT";
  o["operation_status"] = (h >> 20) % 6 ? "ENABLE" : "DISABLE";
  o["create_time"] = stamp(h >> 24);
  o["modify_time"] = stamp(h >> 28);
  return o;
}

boost::json::object ad_object(std::uint64_t seed, const node& n) {
  auto h = mix(seed, 13, n.advertiser, n.campaign, n.adgroup);
  h = mix(h, n.ad);
  boost::json::object o;
  o["advertiser_id"] = advertiser_id(n.advertiser);
  o["campaign_id"] = campaign_id(n.advertiser, n.campaign);
  o["adgroup_id"] = adgroup_id(n.advertiser, n.campaign, n.adgroup);
  o["ad_id"] = ad_id(n.advertiser, n.campaign, n.adgroup, n.ad);
  o["ad_name"] = "Ad " + std::to_string(n.advertiser) + "-" + std::to_string(n.campaign)
                 + "-" + std::to_string(n.adgroup) + "-" + std::to_string(n.ad);
  o["ad_text"] = "Simulated ad text " + std::to_string(h % 1000);
  o["call_to_action"] = h % 2 ? "LEARN_MORE" : "SHOP_NOW";
  o["ad_format"] = "SINGLE_VIDEO";
  // Creative fields: the ad's video and cover image from its advertiser's
  // library.
  o["video_id"] = video_id(n.advertiser, 1 + static_cast<int>((h >> 24) % video_count(seed, n.advertiser)));
  o["image_ids"] = boost::json::array{
    image_id(n.advertiser, 1 + static_cast<int>((h >> 28) % image_count(seed, n.advertiser)))};
  o["display_name"] = "Sim Advertiser " + std::to_string(n.advertiser);
  o["landing_page_url"] = "https://shop.example/" + std::to_string(n.advertiser) + "/"
                          + std::to_string(h % 100);
  o["operation_status"] = (h >> 8) % 7 ? "ENABLE" : "DISABLE";
  o["create_time"] = stamp(h >> 12);
  o["modify_time"] = stamp(h >> 16);
  return o;
}

metric_base day_base(std::uint64_t seed, std::string_view entity_key,
                     std::int64_t day) {
  auto h = mix(seed, 20, hash_str(entity_key), static_cast<std::uint64_t>(day));
  metric_base b;
  auto impressions = 100 + h % 20000;
  auto clicks = (h >> 20) % (impressions / 20 + 1);
  b.impressions = static_cast<std::int64_t>(impressions);
  b.clicks = static_cast<std::int64_t>(clicks);
  b.spend_cents = static_cast<std::int64_t>((h >> 32) % 500000);
  b.conversions = static_cast<std::int64_t>(clicks / 10);
  return b;
}

std::optional<std::string> render_metric(std::string_view metric,
                                         const metric_base& b) {
  double spend = static_cast<double>(b.spend_cents) / 100.0;
  auto imp = static_cast<double>(b.impressions);
  auto clk = static_cast<double>(b.clicks);
  auto conv = static_cast<double>(b.conversions);
  if (metric == "impressions") return std::to_string(b.impressions);
  if (metric == "clicks") return std::to_string(b.clicks);
  if (metric == "spend") return fixed2(spend);
  if (metric == "conversion") return std::to_string(b.conversions);
  if (metric == "ctr") return fixed2(imp > 0 ? 100.0 * clk / imp : 0.0);
  if (metric == "cpc") return fixed2(b.clicks ? spend / clk : 0.0);
  if (metric == "cpm") return fixed2(imp > 0 ? 1000.0 * spend / imp : 0.0);
  if (metric == "cost_per_conversion")
    return fixed2(b.conversions ? spend / conv : 0.0);
  if (metric == "conversion_rate")
    return fixed2(b.clicks ? 100.0 * conv / clk : 0.0);
  return std::nullopt;
}

std::string metric_value(std::uint64_t seed, std::string_view metric,
                         std::string_view entity_key, std::int64_t day) {
  auto key = hash_str(entity_key);
  auto h = mix(seed, 20, key, static_cast<std::uint64_t>(day));
  // Base quantities all derived metrics agree with.
  auto impressions = 100 + h % 20000;
  auto clicks = (h >> 20) % (impressions / 20 + 1);
  auto spend_cents = (h >> 32) % 500000;
  auto conversions = clicks / 10;
  double spend = static_cast<double>(spend_cents) / 100.0;
  if (metric == "impressions") return std::to_string(impressions);
  if (metric == "clicks") return std::to_string(clicks);
  if (metric == "spend") return fixed2(spend);
  if (metric == "reach") return std::to_string(impressions * 4 / 5);
  if (metric == "conversion") return std::to_string(conversions);
  if (metric == "ctr")
    return fixed2(100.0 * static_cast<double>(clicks) / static_cast<double>(impressions));
  if (metric == "cpc")
    return fixed2(clicks ? spend / static_cast<double>(clicks) : 0.0);
  if (metric == "cpm")
    return fixed2(1000.0 * spend / static_cast<double>(impressions));
  if (metric == "cost_per_conversion")
    return fixed2(conversions ? spend / static_cast<double>(conversions) : 0.0);
  auto other = mix(h, hash_str(metric));
  return std::to_string(other % 10000);
}

int image_count(std::uint64_t seed, int a) {
  return 2 + static_cast<int>(mix(seed, 30, a) % 11);
}
int video_count(std::uint64_t seed, int a) {
  return 1 + static_cast<int>(mix(seed, 31, a) % 8);
}
int saved_audience_count(std::uint64_t seed, int a) {
  return 1 + static_cast<int>(mix(seed, 32, a) % 5);
}
int custom_audience_count(std::uint64_t seed, int a) {
  return 1 + static_cast<int>(mix(seed, 33, a) % 6);
}
int pixel_count(std::uint64_t seed, int a) {
  return 1 + static_cast<int>(mix(seed, 34, a) % 2);
}

std::string image_id(int a, int i) {
  return "img-" + std::to_string(a) + "-" + std::to_string(i);
}
std::string video_id(int a, int i) {
  return "v-" + std::to_string(a) + "-" + std::to_string(i);
}
std::string saved_audience_id(int a, int i) {
  return std::to_string(1830000000000000000ULL + static_cast<std::uint64_t>(a) * 1000ULL
                        + static_cast<std::uint64_t>(i));
}
std::string custom_audience_id(int a, int i) {
  return std::to_string(1840000000000000000ULL + static_cast<std::uint64_t>(a) * 1000ULL
                        + static_cast<std::uint64_t>(i));
}
std::string pixel_code(int a, int p) {
  return "CSIM" + std::to_string(a) + "P" + std::to_string(p);
}

std::optional<int> pixel_advertiser(std::uint64_t seed, std::string_view code) {
  if (code.substr(0, 4) != "CSIM") return std::nullopt;
  auto rest = code.substr(4);
  auto pos = rest.find('P');
  if (pos == std::string_view::npos) return std::nullopt;
  int a = 0, p = 0;
  auto num = [](std::string_view s, int& v) {
    auto [q, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && ec == std::errc{} && q == s.data() + s.size() && s[0] != '0';
  };
  if (!num(rest.substr(0, pos), a) || !num(rest.substr(pos + 1), p)) return std::nullopt;
  if (a < 1 || a > advertiser_count || p < 1 || p > pixel_count(seed, a))
    return std::nullopt;
  return a;
}

boost::json::object image_object(std::uint64_t seed, int a, int i) {
  auto h = mix(seed, 40, a, i);
  boost::json::object o;
  o["image_id"] = image_id(a, i);
  o["material_id"] = std::to_string(7100000000000000000ULL + static_cast<std::uint64_t>(a) * 1000ULL
                                    + static_cast<std::uint64_t>(i));
  o["file_name"] = "image_" + std::to_string(a) + "_" + std::to_string(i) + ".jpg";
  o["format"] = h % 3 ? "jpeg" : "png";
  static const int widths[] = {720, 1080, 1200};
  o["width"] = widths[h % 3];
  o["height"] = (h >> 4) % 2 ? 1280 : 1920;
  o["size"] = static_cast<std::int64_t>(50000 + (h >> 8) % 2000000);
  o["signature"] = std::to_string(h % 100000000000ULL);
  o["image_url"] = "https://sim.tiktok.example/image/" + image_id(a, i) + ".jpg";
  o["displayable"] = true;
  o["create_time"] = stamp(h >> 20);
  o["modify_time"] = stamp(h >> 24);
  return o;
}

boost::json::object video_object(std::uint64_t seed, int a, int i) {
  auto h = mix(seed, 41, a, i);
  boost::json::object o;
  o["video_id"] = video_id(a, i);
  o["material_id"] = std::to_string(7200000000000000000ULL + static_cast<std::uint64_t>(a) * 1000ULL
                                    + static_cast<std::uint64_t>(i));
  o["file_name"] = "video_" + std::to_string(a) + "_" + std::to_string(i) + ".mp4";
  o["format"] = "mp4";
  o["width"] = 720;
  o["height"] = 1280;
  o["duration"] = static_cast<double>(5 + h % 55) + 0.5;
  o["size"] = static_cast<std::int64_t>(1000000 + (h >> 8) % 50000000);
  o["bit_rate"] = static_cast<std::int64_t>(500000 + (h >> 12) % 3000000);
  o["signature"] = std::to_string(h % 100000000000ULL);
  o["video_cover_url"] = "https://sim.tiktok.example/cover/" + video_id(a, i) + ".jpg";
  o["preview_url"] = "https://sim.tiktok.example/video/" + video_id(a, i) + ".mp4";
  o["displayable"] = true;
  o["create_time"] = stamp(h >> 20);
  o["modify_time"] = stamp(h >> 24);
  return o;
}

boost::json::object saved_audience_object(std::uint64_t seed, int a, int i) {
  auto h = mix(seed, 42, a, i);
  boost::json::object o;
  o["saved_audience_id"] = saved_audience_id(a, i);
  o["name"] = "Saved audience " + std::to_string(a) + "-" + std::to_string(i);
  static const char* ages[] = {"AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54"};
  boost::json::array age;
  for (int k = 0; k < 4; ++k)
    if ((h >> k) & 1) age.emplace_back(ages[k]);
  o["age_groups"] = std::move(age);
  o["gender"] = (h >> 4) % 3 == 0 ? "GENDER_MALE"
                : (h >> 4) % 3 == 1 ? "GENDER_FEMALE"
                                    : "GENDER_UNLIMITED";
  o["location_ids"] = boost::json::array{std::to_string(6252001 + (h >> 8) % 4)};
  o["is_valid"] = true;
  o["create_time"] = stamp(h >> 20);
  o["modify_time"] = stamp(h >> 24);
  return o;
}

boost::json::object custom_audience_object(std::uint64_t seed, int a, int i) {
  auto h = mix(seed, 43, a, i);
  boost::json::object o;
  o["audience_id"] = custom_audience_id(a, i);
  o["name"] = "Custom audience " + std::to_string(a) + "-" + std::to_string(i);
  static const char* types[] = {"Customer File", "Engagement", "Website Traffic",
                                "Lookalike"};
  o["audience_type"] = types[h % 4];
  o["cover_num"] = static_cast<std::int64_t>(1000 + (h >> 4) % 5000000);
  o["is_valid"] = (h >> 28) % 8 != 0;
  o["is_expiring"] = (h >> 31) % 10 == 0;
  o["create_time"] = stamp(h >> 20);
  o["expired_time"] = "2027-" + stamp(h >> 24).substr(5);
  return o;
}

bool owns_advertiser(std::string_view token, int a, int modulus) {
  if (modulus <= 0 || token.substr(0, 4) != "org-") return true;
  auto rest = token.substr(4);
  auto end = rest.find('-');
  auto digits = rest.substr(0, end);
  long long k = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), k);
  if (digits.empty() || ec != std::errc{} || p != digits.data() + digits.size() || k < 0)
    return true;
  return (a - 1) % modulus == static_cast<int>(k % modulus);
}

} // namespace adbatch::sim::tiktok
