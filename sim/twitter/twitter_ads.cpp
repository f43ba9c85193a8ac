#include "sim/twitter/twitter_ads.hpp"

#include "sim/twitter/twitter_data.hpp"

#include <algorithm>
#include <cstdio>

namespace adbatch::sim::twitter::ads {

namespace {

namespace json = boost::json;

constexpr std::uint64_t account_base = 18'000'000'000ULL;
constexpr std::uint64_t object_base = 60'466'176ULL; // 36^5: six digits

std::string base36(std::uint64_t v) {
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.insert(out.begin(), digits[v % 36]);
    v /= 36;
  } while (v);
  return out;
}

std::optional<std::uint64_t> from_base36(std::string_view s) {
  if (s.empty() || s.size() > 12 || s[0] == '0') return std::nullopt;
  std::uint64_t v = 0;
  for (char ch : s) {
    int d;
    if (ch >= '0' && ch <= '9')
      d = ch - '0';
    else if (ch >= 'a' && ch <= 'z')
      d = ch - 'a' + 10;
    else
      return std::nullopt;
    v = v * 36 + static_cast<std::uint64_t>(d);
  }
  return v;
}

int count(std::uint64_t seed, std::uint64_t tag, int a, int c, int l, int lo,
          int spread) {
  auto h =
      mix(seed, tag, static_cast<std::uint64_t>(a),
          (static_cast<std::uint64_t>(c) << 8) | static_cast<std::uint64_t>(l));
  return lo + static_cast<int>(h % static_cast<std::uint64_t>(spread));
}

std::string iso(std::uint64_t h) {
  char buf[40];
  std::snprintf(
      buf, sizeof buf, "20%02d-%02d-%02dT%02d:%02d:%02dZ",
      19 + static_cast<int>(h % 6), static_cast<int>((h >> 8) % 12) + 1,
      static_cast<int>((h >> 12) % 28) + 1, static_cast<int>((h >> 20) % 24),
      static_cast<int>((h >> 26) % 60), static_cast<int>((h >> 32) % 60));
  return buf;
}

std::uint64_t ref_hash(std::uint64_t seed, const ref& r) {
  return mix(seed, 900 + static_cast<std::uint64_t>(r.k),
             static_cast<std::uint64_t>(r.a),
             (static_cast<std::uint64_t>(r.c) << 16) |
                 (static_cast<std::uint64_t>(r.l) << 8) |
                 static_cast<std::uint64_t>(r.p));
}

void common(json::object& o, std::uint64_t h) {
  o["created_at"] = iso(h);
  o["updated_at"] = iso(h >> 3);
  o["deleted"] = false;
}

} // namespace

std::string account_id(int a) {
  return base36(account_base + static_cast<std::uint64_t>(a));
}

std::optional<int> account_index(std::string_view id) {
  auto v = from_base36(id);
  if (!v || *v <= account_base || *v > account_base + account_count)
    return std::nullopt;
  return static_cast<int>(*v - account_base);
}

bool owns(std::string_view token, int a) {
  if (a < 1 || a > account_count) return false;
  if (token.substr(0, 4) != "org-") return true;
  token.remove_prefix(4);
  std::size_t i = 0;
  std::uint64_t r = 0;
  for (; i < token.size() && token[i] >= '0' && token[i] <= '9'; ++i)
    r = (r * 10 + static_cast<std::uint64_t>(token[i] - '0')) %
        ownership_modulus;
  if (i == 0 || (i < token.size() && token[i] != '-')) return true;
  return static_cast<std::uint64_t>(a - 1) % ownership_modulus == r;
}

int campaign_count(std::uint64_t seed, int a) {
  return count(seed, 801, a, 0, 0, 2, 10);
}
int line_item_count(std::uint64_t seed, int a, int c) {
  return count(seed, 802, a, c, 0, 1, 3);
}
int promoted_tweet_count(std::uint64_t seed, int a, int c, int l) {
  return count(seed, 803, a, c, l, 1, 2);
}
int targeting_count(std::uint64_t seed, int a, int c, int l) {
  return count(seed, 804, a, c, l, 1, 3);
}
int media_creative_count(std::uint64_t seed, int a) {
  return count(seed, 805, a, 0, 0, 1, 6);
}
int card_count(std::uint64_t seed, int a) {
  return count(seed, 806, a, 0, 0, 1, 4);
}
int tailored_audience_count(std::uint64_t seed, int a) {
  return count(seed, 807, a, 0, 0, 1, 5);
}

std::string id_of(const ref& r) {
  auto packed = ((((static_cast<std::uint64_t>(r.k) * 256 +
                    static_cast<std::uint64_t>(r.a)) *
                       64 +
                   static_cast<std::uint64_t>(r.c)) *
                      8 +
                  static_cast<std::uint64_t>(r.l)) *
                     8 +
                 static_cast<std::uint64_t>(r.p));
  return base36(object_base + packed);
}

std::optional<ref> parse_id(std::uint64_t seed, std::string_view id) {
  auto v = from_base36(id);
  if (!v || *v < object_base) return std::nullopt;
  auto x = *v - object_base;
  ref r;
  r.p = static_cast<int>(x % 8);
  x /= 8;
  r.l = static_cast<int>(x % 8);
  x /= 8;
  r.c = static_cast<int>(x % 64);
  x /= 64;
  r.a = static_cast<int>(x % 256);
  x /= 256;
  if (x < 1 || x > 8) return std::nullopt;
  r.k = static_cast<kind>(x);
  if (r.a < 1 || r.a > account_count) return std::nullopt;
  auto in = [](int v, int n) { return v >= 1 && v <= n; };
  bool ok = false;
  switch (r.k) {
  case kind::campaign:
    ok = in(r.c, campaign_count(seed, r.a)) && r.l == 0 && r.p == 0;
    break;
  case kind::line_item:
    ok = in(r.c, campaign_count(seed, r.a)) &&
         in(r.l, line_item_count(seed, r.a, r.c)) && r.p == 0;
    break;
  case kind::promoted_tweet:
  case kind::targeting_criterion:
    ok = in(r.c, campaign_count(seed, r.a)) &&
         in(r.l, line_item_count(seed, r.a, r.c)) &&
         in(r.p, r.k == kind::promoted_tweet
                     ? promoted_tweet_count(seed, r.a, r.c, r.l)
                     : targeting_count(seed, r.a, r.c, r.l));
    break;
  case kind::media_creative:
    ok = r.c == 0 && r.l == 0 && in(r.p, media_creative_count(seed, r.a));
    break;
  case kind::card:
    ok = r.c == 0 && r.l == 0 && in(r.p, card_count(seed, r.a));
    break;
  case kind::tailored_audience:
    ok = r.c == 0 && r.l == 0 && in(r.p, tailored_audience_count(seed, r.a));
    break;
  case kind::funding_instrument:
    ok = r.c == 0 && r.l == 0 && r.p == 1;
    break;
  }
  if (!ok) return std::nullopt;
  if (id_of(r) != id) return std::nullopt; // one spelling per object
  return r;
}

std::vector<ref> list(std::uint64_t seed, kind k, int a) {
  std::vector<ref> out;
  auto cs = campaign_count(seed, a);
  switch (k) {
  case kind::campaign:
    for (int c = 1; c <= cs; ++c)
      out.push_back({k, a, c, 0, 0});
    break;
  case kind::line_item:
    for (int c = 1; c <= cs; ++c)
      for (int l = 1; l <= line_item_count(seed, a, c); ++l)
        out.push_back({k, a, c, l, 0});
    break;
  case kind::promoted_tweet:
  case kind::targeting_criterion:
    for (int c = 1; c <= cs; ++c)
      for (int l = 1; l <= line_item_count(seed, a, c); ++l) {
        auto n = k == kind::promoted_tweet ? promoted_tweet_count(seed, a, c, l)
                                           : targeting_count(seed, a, c, l);
        for (int p = 1; p <= n; ++p)
          out.push_back({k, a, c, l, p});
      }
    break;
  case kind::media_creative:
    for (int p = 1; p <= media_creative_count(seed, a); ++p)
      out.push_back({k, a, 0, 0, p});
    break;
  case kind::card:
    for (int p = 1; p <= card_count(seed, a); ++p)
      out.push_back({k, a, 0, 0, p});
    break;
  case kind::tailored_audience:
    for (int p = 1; p <= tailored_audience_count(seed, a); ++p)
      out.push_back({k, a, 0, 0, p});
    break;
  case kind::funding_instrument:
    out.push_back({k, a, 0, 0, 1});
    break;
  }
  std::sort(out.begin(), out.end(),
            [](const ref& x, const ref& y) { return id_of(x) < id_of(y); });
  return out;
}

json::object account_object(std::uint64_t seed, int a) {
  auto h = mix(seed, 810, static_cast<std::uint64_t>(a));
  json::object o;
  o["id"] = account_id(a);
  o["name"] = "Sim Ads Account " + std::to_string(a);
  o["business_name"] = "Sim Business " + std::to_string(h % 700);
  o["business_id"] = nullptr;
  o["timezone"] = "Etc/UTC";
  o["timezone_switch_at"] = iso(h >> 5);
  o["approval_status"] = "ACCEPTED";
  o["industry_type"] = (h >> 10) % 2 ? "RETAIL" : "TECHNOLOGY";
  o["salt"] = base36(h % 100000000000ULL);
  common(o, h);
  return o;
}

json::object object(std::uint64_t seed, const ref& r) {
  auto h = ref_hash(seed, r);
  json::object o;
  auto id = id_of(r);
  o["id"] = id;
  auto status = (h >> 7) % 4 ? "ACTIVE" : "PAUSED";
  switch (r.k) {
  case kind::campaign:
    o["name"] = "Sim campaign " + std::to_string(r.c) + " of account " +
                std::to_string(r.a);
    o["account_id"] = account_id(r.a);
    o["funding_instrument_id"] =
        id_of({kind::funding_instrument, r.a, 0, 0, 1});
    o["entity_status"] = status;
    o["effective_status"] = (h >> 7) % 4 ? "RUNNING" : "PAUSED";
    o["currency"] = "USD";
    o["daily_budget_amount_local_micro"] =
        static_cast<std::int64_t>((h >> 12) % 500 + 10) * 1000000;
    o["total_budget_amount_local_micro"] = nullptr;
    o["budget_optimization"] = "CAMPAIGN";
    o["standard_delivery"] = nullptr;
    o["purchase_order_number"] = nullptr;
    o["servable"] = (h >> 7) % 4 != 0;
    o["reasons_not_servable"] = json::array{};
    break;
  case kind::line_item:
    o["name"] = "Sim line item " + std::to_string(r.l) + " of campaign " +
                std::to_string(r.c);
    o["campaign_id"] = id_of({kind::campaign, r.a, r.c, 0, 0});
    o["objective"] = (h >> 9) % 3 == 0 ? "WEBSITE_CLICKS" : "ENGAGEMENTS";
    o["product_type"] = "PROMOTED_TWEETS";
    o["placements"] = json::array{"ALL_ON_TWITTER"};
    o["bid_amount_local_micro"] =
        static_cast<std::int64_t>((h >> 14) % 3000 + 100) * 1000;
    o["goal"] = "ENGAGEMENT";
    o["pay_by"] = "IMPRESSION";
    o["entity_status"] = status;
    o["currency"] = "USD";
    o["start_time"] = iso(h >> 2);
    o["end_time"] = nullptr;
    break;
  case kind::promoted_tweet:
    o["line_item_id"] = id_of({kind::line_item, r.a, r.c, r.l, 0});
    o["tweet_id"] =
        tweet_id(static_cast<std::int64_t>((h >> 4) % tweet_count) + 1);
    o["entity_status"] = status;
    o["approval_status"] = "ACCEPTED";
    break;
  case kind::media_creative:
    o["account_media_id"] = base36(object_base * 3 + (h % 1000000));
    o["line_item_id"] = id_of({kind::line_item, r.a, 1, 1, 0});
    o["landing_url"] = "https://example.com/sim/" + std::to_string(r.a) + "/" +
                       std::to_string(r.p);
    o["serving_status"] = status;
    o["approval_status"] = "ACCEPTED";
    break;
  case kind::card:
    o["name"] = "Sim card " + std::to_string(r.p);
    o["card_uri"] = "card://" + std::to_string(1500000000000000000ULL +
                                               h % 100000000000ULL);
    o["card_type"] = (h >> 6) % 2 ? "IMAGE_WEBSITE" : "VIDEO_WEBSITE";
    break;
  case kind::targeting_criterion: {
    static constexpr const char* places[][2] = {
        {"96683cc9126741d1", "United States"},
        {"fa8ad6bd8b1b1ec6", "Germany"},
        {"06ef846bfc783874", "Japan"},
        {"b9f7dffd7bc6a48b", "Brazil"}};
    auto& pl = places[(h >> 5) % 4];
    o["line_item_id"] = id_of({kind::line_item, r.a, r.c, r.l, 0});
    o["name"] = pl[1];
    o["localized_name"] = pl[1];
    o["targeting_type"] = "LOCATION";
    o["targeting_value"] = pl[0];
    o["operator_type"] = "EQ";
    o["tailored_audience_expansion"] = false;
    break;
  }
  case kind::tailored_audience:
    o["name"] = "Sim audience " + std::to_string(r.p);
    o["audience_type"] = (h >> 6) % 2 ? "CRM" : "WEB";
    o["audience_size"] = static_cast<std::int64_t>((h >> 10) % 900000 + 1000);
    o["targetable"] = true;
    o["targetable_types"] = json::array{"CRM", "EXCLUDED_CRM"};
    o["reasons_not_targetable"] = json::array{};
    o["partner_source"] = "OTHER";
    break;
  case kind::funding_instrument:
    o["name"] = "Sim credit line";
    o["type"] = "CREDIT_CARD";
    o["currency"] = "USD";
    o["entity_status"] = "ACTIVE";
    break;
  }
  common(o, h);
  return o;
}

const std::vector<std::string>& metric_group_names() {
  static const std::vector<std::string> v{"BILLING", "ENGAGEMENT", "MEDIA",
                                          "VIDEO"};
  return v;
}

const std::vector<std::string>& metrics_of(std::string_view group) {
  static const std::vector<std::string> engagement{
      "impressions", "engagements", "clicks",  "retweets",
      "replies",     "likes",       "follows", "url_clicks"};
  static const std::vector<std::string> billing{"billed_engagements",
                                                "billed_charge_local_micro"};
  static const std::vector<std::string> video{
      "video_total_views", "video_views_25", "video_views_50", "video_views_75",
      "video_views_100"};
  static const std::vector<std::string> media{"media_views",
                                              "media_engagements"};
  static const std::vector<std::string> none;
  if (group == "ENGAGEMENT") return engagement;
  if (group == "BILLING") return billing;
  if (group == "VIDEO") return video;
  if (group == "MEDIA") return media;
  return none;
}

std::int64_t daily_metric(std::uint64_t seed, const ref& r, std::int64_t day,
                          std::string_view placement, std::string_view metric) {
  std::uint64_t mh = 1469598103934665603ULL;
  for (unsigned char ch : metric)
    mh = (mh ^ ch) * 1099511628211ULL;
  for (unsigned char ch : placement)
    mh = (mh ^ ch) * 1099511628211ULL;
  auto h = mix(ref_hash(seed, r), static_cast<std::uint64_t>(day), mh);
  auto base = static_cast<std::int64_t>(h % 5000);
  if (metric == "billed_charge_local_micro") return base * 1370;
  if (metric == "impressions" || metric == "media_views" ||
      metric == "video_total_views")
    return base * 7;
  return base / 40;
}

} // namespace adbatch::sim::twitter::ads
