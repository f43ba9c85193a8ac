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

int depth(kind k) { return static_cast<int>(k); }

} // namespace

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
  auto d = depth(n.type);
  char buf[48];
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
    case kind::ad: break;
    }
  };
  if (depth(child) > depth(parent.type)) walk(walk, parent);
  return out;
}

std::string_view singular(kind k) {
  switch (k) {
  case kind::organization: return "organization";
  case kind::adaccount: return "adaccount";
  case kind::campaign: return "campaign";
  case kind::adsquad: return "adsquad";
  case kind::ad: return "ad";
  }
  return "";
}

std::string_view stats_type(kind k) {
  switch (k) {
  case kind::adaccount: return "AD_ACCOUNT";
  case kind::campaign: return "CAMPAIGN";
  case kind::adsquad: return "AD_SQUAD";
  case kind::ad: return "AD";
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
    o["creative_id"] = id_of(seed, node{kind::ad, n.org, n.account, n.campaign, n.squad,
                                        n.ad + 0x100000});
    o["status"] = h % 7 ? "ACTIVE" : "PAUSED";
    o["type"] = "SNAP_AD";
    o["review_status"] = "APPROVED";
    o["delivery_status"] = boost::json::array{"VALID"};
    break;
  }
  return o;
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
