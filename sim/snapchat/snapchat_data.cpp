#include "sim/snapchat/snapchat_data.hpp"

#include <charconv>
#include <cstdio>

namespace adbatch::sim::snapchat {

namespace {

/// Snapchat's timestamp format, somewhere in 2023.
std::string stamp(std::uint64_t h) {
  auto month = static_cast<int>(h % 12) + 1;
  auto day = static_cast<int>((h >> 4) % 28) + 1;
  auto sec = static_cast<int>((h >> 10) % 86400);
  char buf[40];
  std::snprintf(buf, sizeof buf, "2023-%02d-%02dT%02d:%02d:%02d.%03dZ", month, day,
                sec / 3600, (sec / 60) % 60, sec % 60, static_cast<int>((h >> 30) % 1000));
  return buf;
}

std::uint32_t type_tag(std::uint64_t seed, kind k) {
  return (static_cast<std::uint32_t>(mix(seed, 40)) & 0xfffffff0U)
         | static_cast<std::uint32_t>(k);
}

bool hex_field(std::string_view s, std::uint64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
  return ec == std::errc{} && p == s.data() + s.size();
}

/// Tree depth: organization 1, ad account 2, ..., ad 5; account-level
/// assets sit at depth 3 beside campaigns.
int depth(kind k) { return account_asset(k) ? 3 : static_cast<int>(k); }

} // namespace

bool account_asset(kind k) {
  return k == kind::creative || k == kind::media || k == kind::segment || k == kind::pixel;
}

int asset_count(std::uint64_t seed, kind k, int org, int account) {
  switch (k) {
  case kind::creative: return 5 + static_cast<int>(mix(seed, 50, org, account) % 20);
  case kind::media: return 5 + static_cast<int>(mix(seed, 51, org, account) % 15);
  case kind::segment: return 2 + static_cast<int>(mix(seed, 52, org, account) % 8);
  case kind::pixel: return 1;  // Snapchat: one Snap Pixel per ad account
  default: return 0;
  }
}

bool owns_org(std::string_view token, int org) {
  // "org-<k>" or "org-<k>-<anything>", k a non-negative decimal.
  if (token.substr(0, 4) != "org-") return true;
  auto rest = token.substr(4);
  std::size_t i = 0;
  std::uint64_t k = 0;
  while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && i < 18)
    k = k * 10 + static_cast<std::uint64_t>(rest[i++] - '0');
  if (i == 0 || (i < rest.size() && rest[i] != '-')) return true;
  return org >= 1
         && static_cast<std::uint64_t>(org - 1) % ownership_modulus == k % ownership_modulus;
}

std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c,
                  std::uint64_t d) {
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

std::uint64_t hash_str(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 1099511628211ULL;
  }
  return h;
}

int account_count(std::uint64_t seed, int org) {
  if (org == 1) return 120;
  return 2 + static_cast<int>(mix(seed, 41, org) % 5);
}
int campaign_count(std::uint64_t seed, int org, int account) {
  return 20 + static_cast<int>(mix(seed, 42, org, account) % 120);
}
int squad_count(std::uint64_t seed, int org, int account, int campaign) {
  return 1 + static_cast<int>(mix(seed, 43, org, account, campaign) % 3);
}
int ad_count(std::uint64_t seed, int org, int account, int campaign, int squad) {
  return 1 + static_cast<int>(mix(mix(seed, 44, org, account, campaign), squad) % 3);
}

std::string id_of(std::uint64_t seed, const node& n) {
  char buf[48];
  if (account_asset(n.type)) {
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8000-0000%08x", type_tag(seed, n.type),
                  static_cast<unsigned>(n.org), static_cast<unsigned>(n.account),
                  static_cast<unsigned>(n.item));
    return buf;
  }
  auto d = depth(n.type);
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8%03x-%04x%08x", type_tag(seed, n.type),
                static_cast<unsigned>(n.org), static_cast<unsigned>(d >= 2 ? n.account : 0),
                static_cast<unsigned>(d >= 3 ? n.campaign : 0),
                static_cast<unsigned>(d >= 4 ? n.squad : 0),
                static_cast<unsigned>(d >= 5 ? n.ad : 0));
  return buf;
}

std::optional<node> parse_id(std::uint64_t seed, std::string_view id, kind expected) {
  if (id.size() != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-'
      || id[14] != '4' || id[19] != '8')
    return std::nullopt;
  std::uint64_t tag = 0, org = 0, acct = 0, camp = 0, squad = 0, ad = 0;
  if (!hex_field(id.substr(0, 8), tag) || !hex_field(id.substr(9, 4), org)
      || !hex_field(id.substr(15, 3), acct) || !hex_field(id.substr(20, 3), camp)
      || !hex_field(id.substr(24, 4), squad) || !hex_field(id.substr(28, 8), ad))
    return std::nullopt;
  if (tag != type_tag(seed, expected)) return std::nullopt;
  node n{expected, static_cast<int>(org), static_cast<int>(acct), static_cast<int>(camp),
         static_cast<int>(squad), static_cast<int>(ad)};
  if (account_asset(expected)) {
    n.ad = 0;
    n.item = static_cast<int>(ad);
    if (n.org < 1 || n.org > org_count || n.account < 1
        || n.account > account_count(seed, n.org) || camp != 0 || squad != 0 || ad > 0xffffff
        || n.item < 1 || n.item > asset_count(seed, expected, n.org, n.account))
      return std::nullopt;
    if (id_of(seed, n) != id) return std::nullopt;
    return n;
  }
  auto d = depth(expected);
  // Each level must exist; levels below the type must be 0.
  if (n.org < 1 || n.org > org_count) return std::nullopt;
  if (d >= 2 ? (n.account < 1 || n.account > account_count(seed, n.org)) : n.account != 0)
    return std::nullopt;
  if (d >= 3 ? (n.campaign < 1 || n.campaign > campaign_count(seed, n.org, n.account))
             : n.campaign != 0)
    return std::nullopt;
  if (d >= 4 ? (n.squad < 1 || n.squad > squad_count(seed, n.org, n.account, n.campaign))
             : n.squad != 0)
    return std::nullopt;
  if (d >= 5 ? (n.ad < 1 || n.ad > ad_count(seed, n.org, n.account, n.campaign, n.squad))
             : n.ad != 0)
    return std::nullopt;
  // Canonical spelling only (lower-case), so an id has one form.
  if (id_of(seed, n) != id) return std::nullopt;
  return n;
}

std::vector<node> children(std::uint64_t seed, const node& parent, kind child) {
  std::vector<node> out;
  auto walk = [&](auto& self, node n) -> void {
    if (n.type == child) {
      out.push_back(n);
      return;
    }
    switch (n.type) {
    case kind::organization:
      for (int a = 1, na = account_count(seed, n.org); a <= na; ++a)
        self(self, node{kind::adaccount, n.org, a, 0, 0, 0});
      break;
    case kind::adaccount:
      if (account_asset(child)) {
        for (int i = 1, ni = asset_count(seed, child, n.org, n.account); i <= ni; ++i)
          out.push_back(node{child, n.org, n.account, 0, 0, 0, i});
        break;
      }
      for (int c = 1, nc = campaign_count(seed, n.org, n.account); c <= nc; ++c)
        self(self, node{kind::campaign, n.org, n.account, c, 0, 0});
      break;
    case kind::campaign:
      for (int s = 1, ns = squad_count(seed, n.org, n.account, n.campaign); s <= ns; ++s)
        self(self, node{kind::adsquad, n.org, n.account, n.campaign, s, 0});
      break;
    case kind::adsquad:
      for (int d = 1, nd = ad_count(seed, n.org, n.account, n.campaign, n.squad); d <= nd; ++d)
        self(self, node{kind::ad, n.org, n.account, n.campaign, n.squad, d});
      break;
    default: break;
    }
  };
  if (account_asset(parent.type)) return out;
  if (account_asset(child) ? depth(parent.type) < 3 : depth(child) > depth(parent.type))
    walk(walk, parent);
  return out;
}

std::string_view singular(kind k) {
  switch (k) {
  case kind::organization: return "organization";
  case kind::adaccount: return "adaccount";
  case kind::campaign: return "campaign";
  case kind::adsquad: return "adsquad";
  case kind::ad: return "ad";
  case kind::creative: return "creative";
  case kind::media: return "media";
  case kind::segment: return "segment";
  case kind::pixel: return "pixel";
  }
  return "";
}

std::string_view stats_type(kind k) {
  switch (k) {
  case kind::adaccount: return "AD_ACCOUNT";
  case kind::campaign: return "CAMPAIGN";
  case kind::adsquad: return "AD_SQUAD";
  case kind::ad: return "AD";
  case kind::pixel: return "PIXEL";
  default: return "ORGANIZATION";
  }
}

boost::json::object object_of(std::uint64_t seed, const node& n) {
  auto id = id_of(seed, n);
  auto h = mix(seed, 45, hash_str(id));
  boost::json::object o;
  o["id"] = id;
  o["updated_at"] = stamp(h >> 8);
  o["created_at"] = stamp(h);
  auto parent = n;
  switch (n.type) {
  case kind::organization:
    o["name"] = "Sim Organization " + std::to_string(n.org);
    o["country"] = "US";
    o["postal_code"] = "90291";
    o["locality"] = "Santa Monica";
    o["administrative_district_level_1"] = "US-CA";
    o["address_line_1"] = std::to_string(n.org) + " Sim Street";
    o["type"] = "ENTERPRISE";
    o["state"] = "ACTIVE";
    o["roles"] = boost::json::array{"admin"};
    break;
  case kind::adaccount:
    parent.type = kind::organization;
    o["name"] = "Ad account " + std::to_string(n.org) + "-" + std::to_string(n.account);
    o["type"] = "PARTNER";
    o["status"] = h % 9 ? "ACTIVE" : "PAUSED";
    o["organization_id"] = id_of(seed, parent);
    o["funding_source_ids"] = boost::json::array{};
    o["currency"] = (h >> 4) % 3 ? "USD" : "EUR";
    o["timezone"] = (h >> 4) % 3 ? "America/Los_Angeles" : "Europe/Berlin";
    o["billing_type"] = "IO";
    o["agency_representing_client"] = false;
    o["client_paying_invoices"] = false;
    break;
  case kind::campaign:
    parent.type = kind::adaccount;
    o["name"] = "Campaign " + std::to_string(n.account) + "-" + std::to_string(n.campaign);
    o["ad_account_id"] = id_of(seed, parent);
    o["status"] = h % 5 ? "ACTIVE" : "PAUSED";
    o["objective"] = (h >> 4) % 2 ? "BRAND_AWARENESS" : "WEB_CONVERSION";
    o["start_time"] = stamp(h >> 16);
    o["daily_budget_micro"] = static_cast<std::int64_t>((h >> 20) % 1000 + 20) * 1000000;
    o["buy_model"] = "AUCTION";
    o["delivery_status"] = boost::json::array{"VALID"};
    break;
  case kind::adsquad:
    parent.type = kind::campaign;
    o["name"] = "Ad squad " + std::to_string(n.campaign) + "-" + std::to_string(n.squad);
    o["campaign_id"] = id_of(seed, parent);
    o["status"] = h % 6 ? "ACTIVE" : "PAUSED";
    o["type"] = "SNAP_ADS";
    o["placement"] = "SNAP_ADS";
    o["billing_event"] = "IMPRESSION";
    o["auto_bid"] = (h >> 4) % 2 == 0;
    o["bid_micro"] = static_cast<std::int64_t>((h >> 8) % 5000 + 100) * 1000;
    o["daily_budget_micro"] = static_cast<std::int64_t>((h >> 20) % 500 + 20) * 1000000;
    o["optimization_goal"] = "IMPRESSIONS";
    o["delivery_constraint"] = "DAILY_BUDGET";
    o["pacing_type"] = "STANDARD";
    o["start_time"] = stamp(h >> 16);
    o["delivery_status"] = boost::json::array{"VALID"};
    break;
  case kind::ad:
    parent.type = kind::adsquad;
    o["name"] = "Ad " + std::to_string(n.squad) + "-" + std::to_string(n.ad);
    o["ad_squad_id"] = id_of(seed, parent);
    o["creative_id"] = id_of(
      seed, node{kind::creative, n.org, n.account, 0, 0, 0,
                 1 + static_cast<int>((h >> 12)
                                      % static_cast<std::uint64_t>(asset_count(
                                        seed, kind::creative, n.org, n.account)))});
    o["status"] = h % 7 ? "ACTIVE" : "PAUSED";
    o["type"] = "SNAP_AD";
    o["review_status"] = "APPROVED";
    o["delivery_status"] = boost::json::array{"VALID"};
    break;
  case kind::creative: {
    auto acct = node{kind::adaccount, n.org, n.account};
    auto media = node{kind::media, n.org, n.account, 0, 0, 0,
                      1 + static_cast<int>((h >> 12)
                                           % static_cast<std::uint64_t>(asset_count(
                                             seed, kind::media, n.org, n.account)))};
    o["name"] = "Creative " + std::to_string(n.account) + "-" + std::to_string(n.item);
    o["ad_account_id"] = id_of(seed, acct);
    o["type"] = (h >> 4) % 3 ? "SNAP_AD" : "WEB_VIEW";
    o["packaging_status"] = "SUCCESS";
    o["review_status"] = "APPROVED";
    o["shareable"] = (h >> 6) % 2 == 0;
    o["headline"] = "Sim headline " + std::to_string(n.item);
    o["brand_name"] = "Sim Brand " + std::to_string(n.org);
    o["call_to_action"] = (h >> 4) % 3 ? "INSTALL_NOW" : "MORE";
    o["top_snap_media_id"] = id_of(seed, media);
    o["top_snap_crop_position"] = "MIDDLE";
    break;
  }
  case kind::media:
    o["name"] = "Media " + std::to_string(n.account) + "-" + std::to_string(n.item);
    o["ad_account_id"] = id_of(seed, node{kind::adaccount, n.org, n.account});
    o["type"] = (h >> 4) % 2 ? "VIDEO" : "IMAGE";
    o["media_status"] = "READY";
    o["file_name"] = "media-" + std::to_string(n.item) + ((h >> 4) % 2 ? ".mp4" : ".png");
    o["file_size_in_bytes"] = static_cast<std::int64_t>((h >> 16) % 5000000 + 10000);
    o["is_demo_media"] = false;
    break;
  case kind::segment: {
    static constexpr const char* sources[] = {"FIRST_PARTY", "PIXEL", "ENGAGEMENT",
                                              "LOOKALIKE"};
    o["name"] = "Audience " + std::to_string(n.account) + "-" + std::to_string(n.item);
    o["ad_account_id"] = id_of(seed, node{kind::adaccount, n.org, n.account});
    o["description"] = "Simulated audience segment";
    o["status"] = "ACTIVE";
    o["source_type"] = sources[(h >> 4) % 4];
    o["retention_in_days"] = static_cast<std::int64_t>(30 + (h >> 8) % 150);
    o["approximate_number_users"] = static_cast<std::int64_t>(1000 + (h >> 20) % 5000000);
    o["targetable_status"] = (h >> 6) % 5 ? "READY" : "TOO_FEW_USERS";
    o["upload_status"] = "COMPLETE";
    o["organization_id"] = id_of(seed, node{kind::organization, n.org});
    break;
  }
  case kind::pixel:
    o["name"] = "Pixel " + std::to_string(n.org) + "-" + std::to_string(n.account);
    o["ad_account_id"] = id_of(seed, node{kind::adaccount, n.org, n.account});
    o["status"] = "ACTIVE";
    o["effective_status"] = "ACTIVE";
    o["pixel_javascript"] = "<!-- Snap Pixel Code -->snaptr('init', '" + id + "');";
    break;
  }
  return o;
}

std::optional<std::vector<boost::json::object>> targeting_options(std::uint64_t seed,
                                                                  std::string_view dimension,
                                                                  std::string_view type) {
  using list = std::vector<std::pair<const char*, const char*>>;
  auto simple = [](const list& l) {
    std::vector<boost::json::object> out;
    for (const auto& [id, name] : l) {
      boost::json::object o;
      o["id"] = id;
      o["name"] = name;
      out.push_back(std::move(o));
    }
    return out;
  };
  if (dimension == "geo" && type == "country") {
    static const list countries{{"us", "United States"}, {"ca", "Canada"},
                                {"gb", "United Kingdom"}, {"de", "Germany"},
                                {"fr", "France"},        {"au", "Australia"},
                                {"nl", "Netherlands"},   {"se", "Sweden"},
                                {"no", "Norway"},        {"sa", "Saudi Arabia"},
                                {"ae", "United Arab Emirates"}, {"in", "India"}};
    auto out = simple(countries);
    for (auto& o : out) {
      o["code"] = o["id"];
      o["code2"] = o["id"];
    }
    return out;
  }
  if (dimension == "demographics" && type == "age_group")
    return simple({{"13-17", "13-17"}, {"18-20", "18-20"}, {"21-24", "21-24"},
                   {"25-34", "25-34"}, {"35+", "35+"}});
  if (dimension == "demographics" && type == "gender")
    return simple({{"MALE", "Male"}, {"FEMALE", "Female"}});
  if (dimension == "demographics" && type == "languages")
    return simple({{"en", "English"}, {"de", "German"}, {"fr", "French"}, {"es", "Spanish"},
                   {"ar", "Arabic"}, {"hi", "Hindi"}});
  if (dimension == "device" && type == "os_type")
    return simple({{"iOS", "iOS"}, {"ANDROID", "Android"}});
  if (dimension == "device" && type == "connection_type")
    return simple({{"WIFI", "Wi-Fi"}, {"CELL", "Cellular"}});
  if (dimension == "interests" && type == "scls") {
    static constexpr const char* words[] = {"Sports", "Music", "Gaming", "Fashion", "Travel",
                                            "Food", "Beauty", "Tech", "Movies", "Fitness"};
    std::vector<boost::json::object> out;
    for (int i = 1; i <= 30; ++i) {
      boost::json::object o;
      char id[16];
      std::snprintf(id, sizeof id, "SLC_%d", i);
      o["id"] = id;
      o["name"] = std::string(words[(i - 1) % 10]) + " Fans "
                  + std::to_string(1 + mix(seed, 53, static_cast<std::uint64_t>(i)) % 9);
      o["path"] = std::string("/Lifestyles/") + words[(i - 1) % 10];
      out.push_back(std::move(o));
    }
    return out;
  }
  return std::nullopt;
}

std::int64_t stat_value(std::uint64_t seed, std::string_view field, std::string_view id,
                        std::int64_t bucket) {
  auto h = mix(seed, 46, hash_str(id), static_cast<std::uint64_t>(bucket));
  auto impressions = static_cast<std::int64_t>(100 + h % 50000);
  if (field == "impressions") return impressions;
  if (field == "swipes") return static_cast<std::int64_t>((h >> 20) % (impressions / 50 + 1));
  if (field == "spend") return static_cast<std::int64_t>((h >> 32) % 500000) * 100;
  if (field == "video_views") return impressions * 3 / 5;
  return static_cast<std::int64_t>(mix(h, hash_str(field)) % 10000);
}

} // namespace adbatch::sim::snapchat
