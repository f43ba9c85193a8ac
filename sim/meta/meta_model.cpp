#include "sim/meta/meta_model.hpp"

#include "sim/meta/sim_util.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace adbatch::sim::meta {

namespace json = boost::json;
using detail::stable_hash;

namespace {

constexpr std::int64_t account_base = 10'000'000'000'000;  // 14 digits

/// The two-digit prefix and the type digit of a kind's ids.
std::pair<int, int> type_digits(kind k) {
  switch (k) {
    case kind::campaign: return {12, 1};
    case kind::adset: return {12, 2};
    case kind::ad: return {12, 3};
    case kind::page: return {12, 4};
    case kind::lead_form: return {12, 5};
    case kind::lead: return {12, 6};
    case kind::user: return {12, 7};
    case kind::business: return {13, 1};
    case kind::product_catalog: return {13, 2};
    case kind::whatsapp_account: return {13, 3};
    case kind::ads_pixel: return {13, 4};
    case kind::ig_user: return {13, 5};
    case kind::ad_account: return {0, 0};
  }
  return {0, 0};
}

/// Whether an index is in a grant list.
bool listed(const std::vector<int>& v, int i) {
  return std::find(v.begin(), v.end(), i) != v.end();
}

/// Shared rule of owns_account / owns_page / owns_business.
bool owns_index(const ownership_options& o, std::string_view token, int i,
                std::vector<int> token_grant::*list) {
  if (const auto* grant = grant_of(o, token)) return listed(grant->*list, i);
  int residue = 0;
  if (!scoped_token(token, o.modulus, &residue)) return true;
  return i >= 1 && (i - 1) % o.modulus == residue;
}

std::string lower(std::string s) {
  for (auto& ch : s)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool parse_int(std::string_view s, long long& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}


constexpr std::array<std::string_view, 12> words = {
  "Spring", "Summer", "Autumn", "Winter", "Brand", "Retarget",
  "Launch", "Promo", "Lookalike", "Prospecting", "Holiday", "Evergreen"};
constexpr std::array<std::string_view, 6> currencies = {
  "USD", "EUR", "GBP", "CAD", "AUD", "BRL"};
constexpr std::array<std::string_view, 5> objectives = {
  "OUTCOME_TRAFFIC", "OUTCOME_SALES", "OUTCOME_LEADS", "OUTCOME_AWARENESS",
  "OUTCOME_ENGAGEMENT"};
constexpr std::array<std::string_view, 8> verticals = {
  "commerce", "commerce", "commerce", "hotels", "flights", "destinations",
  "home_listings", "vehicles"};
constexpr std::array<std::string_view, 5> verification = {
  "verified", "verified", "not_verified", "pending", "not_verified"};

} // namespace

const token_grant* grant_of(const ownership_options& o,
                            std::string_view token) {
  for (const auto& owner : o.token_owners)
    if (owner.token == token) return &owner.grant;
  return nullptr;
}

bool scoped_token(std::string_view token, int modulus, int* residue) {
  constexpr std::string_view prefix = "org-";
  if (token.substr(0, prefix.size()) != prefix) return false;
  auto rest = token.substr(prefix.size());
  std::size_t n = 0;
  // k % modulus digit by digit: any number of digits, no overflow.
  long long r = 0;
  auto m = static_cast<long long>(std::max(1, modulus));
  while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
    r = (r * 10 + (rest[n] - '0')) % m;
    ++n;
  }
  if (n == 0 || (n < rest.size() && rest[n] != '-')) return false;
  if (residue) *residue = static_cast<int>(r);
  return true;
}

bool owns_account(const ownership_options& o, std::string_view token,
                  int i) {
  return owns_index(o, token, i, &token_grant::accounts);
}

bool owns_page(const ownership_options& o, std::string_view token, int i) {
  return owns_index(o, token, i, &token_grant::pages);
}

bool owns_business(const ownership_options& o, std::string_view token,
                   int i) {
  return owns_index(o, token, i, &token_grant::businesses);
}

model::model(std::uint64_t seed, model_options opts,
             ownership_options ownership)
  : seed_(seed), opts_(opts), own_(std::move(ownership)) {
  own_.modulus = std::max(1, own_.modulus);
}

std::uint64_t model::h(std::string_view a, std::string_view b) const {
  return stable_hash(seed_, a, b);
}

int model::campaigns_in(int account) const {
  return 1 + static_cast<int>(h("ncamp", std::to_string(account))
                              % static_cast<unsigned>(opts_.max_campaigns));
}

int model::adsets_in(int account, int campaign) const {
  return 1 + static_cast<int>(
           h("nadset", std::to_string(account) + "." + std::to_string(campaign))
           % static_cast<unsigned>(opts_.max_adsets));
}

int model::ads_in(int account, int campaign, int adset) const {
  return 1 + static_cast<int>(
           h("nad", std::to_string(account) + "." + std::to_string(campaign)
                      + "." + std::to_string(adset))
           % static_cast<unsigned>(opts_.max_ads));
}

int model::forms_in(int page) const {
  return 1 + static_cast<int>(h("nform", std::to_string(page))
                              % static_cast<unsigned>(opts_.max_forms));
}

int model::leads_in(int page, int form) const {
  auto span = std::max(1, opts_.max_leads - 4);
  return 5 + static_cast<int>(
           h("nlead", std::to_string(page) + "." + std::to_string(form))
           % static_cast<unsigned>(span));
}

int model::catalogs_in(int business) const {
  return 1 + static_cast<int>(h("ncatalog", std::to_string(business))
                              % static_cast<unsigned>(opts_.max_catalogs));
}

int model::whatsapp_accounts_in(int business) const {
  return 1 + static_cast<int>(
           h("nwaba", std::to_string(business))
           % static_cast<unsigned>(opts_.max_whatsapp_accounts));
}

int model::pixels_in(int account) const {
  return 1 + static_cast<int>(h("npixel", std::to_string(account))
                              % static_cast<unsigned>(opts_.max_pixels));
}

bool model::page_has_instagram(int page) const {
  return h("hasig", std::to_string(page)) % 3 != 0;
}

bool model::business_has_primary_page(int business) const {
  return business <= opts_.pages
         && h("primarypage", std::to_string(business)) % 3 != 0;
}

std::optional<object_ref> model::resolve(std::string_view id) const {
  long long n = 0;
  if (id.substr(0, 4) == "act_") {
    if (!parse_int(id.substr(4), n)) return std::nullopt;
    auto a = n - account_base;
    if (a < 1 || a > opts_.accounts) return std::nullopt;
    return object_ref{kind::ad_account, static_cast<int>(a)};
  }
  if (id.size() != 17 || (id.substr(0, 2) != "12" && id.substr(0, 2) != "13")
      || !parse_int(id, n))
    return std::nullopt;
  auto digits = [&](std::size_t pos, std::size_t len) {
    long long v = 0;
    parse_int(id.substr(pos, len), v);
    return static_cast<int>(v);
  };
  int t = digits(2, 1) + (id[1] == '3' ? 10 : 0);
  object_ref r{kind::ad_account, digits(3, 6), digits(9, 3), digits(12, 3),
               digits(15, 2)};
  switch (t) {
    case 11: r.k = kind::business; break;
    case 12: r.k = kind::product_catalog; break;
    case 13: r.k = kind::whatsapp_account; break;
    case 14: r.k = kind::ads_pixel; break;
    case 15: r.k = kind::ig_user; break;
    case 1: r.k = kind::campaign; break;
    case 2: r.k = kind::adset; break;
    case 3: r.k = kind::ad; break;
    case 4: r.k = kind::page; break;
    case 5: r.k = kind::lead_form; break;
    case 6: r.k = kind::lead; break;
    case 7: r.k = kind::user; break;
    default: return std::nullopt;
  }
  // Validate positions: unknown ids must be "not found".
  switch (r.k) {
    case kind::campaign:
      if (r.a < 1 || r.a > opts_.accounts || r.c < 1
          || r.c > campaigns_in(r.a) || r.s || r.d)
        return std::nullopt;
      break;
    case kind::adset:
      if (r.a < 1 || r.a > opts_.accounts || r.c < 1
          || r.c > campaigns_in(r.a) || r.s < 1
          || r.s > adsets_in(r.a, r.c) || r.d)
        return std::nullopt;
      break;
    case kind::ad:
      if (r.a < 1 || r.a > opts_.accounts || r.c < 1
          || r.c > campaigns_in(r.a) || r.s < 1
          || r.s > adsets_in(r.a, r.c) || r.d < 1
          || r.d > ads_in(r.a, r.c, r.s))
        return std::nullopt;
      break;
    case kind::page:
      if (r.a < 1 || r.a > opts_.pages || r.c || r.s || r.d)
        return std::nullopt;
      break;
    case kind::lead_form:
      if (r.a < 1 || r.a > opts_.pages || r.c < 1 || r.c > forms_in(r.a)
          || r.s || r.d)
        return std::nullopt;
      break;
    case kind::lead: {
      int idx = r.s * 100 + r.d;
      if (r.a < 1 || r.a > opts_.pages || r.c < 1 || r.c > forms_in(r.a)
          || idx < 1 || idx > leads_in(r.a, r.c))
        return std::nullopt;
      break;
    }
    case kind::user:
      if (r.a < 1 || r.c || r.s || r.d) return std::nullopt;
      break;
    case kind::business:
      if (r.a < 1 || r.a > opts_.businesses || r.c || r.s || r.d)
        return std::nullopt;
      break;
    case kind::product_catalog:
      if (r.a < 1 || r.a > opts_.businesses || r.c < 1
          || r.c > catalogs_in(r.a) || r.s || r.d)
        return std::nullopt;
      break;
    case kind::whatsapp_account:
      if (r.a < 1 || r.a > opts_.businesses || r.c < 1
          || r.c > whatsapp_accounts_in(r.a) || r.s || r.d)
        return std::nullopt;
      break;
    case kind::ads_pixel:
      if (r.a < 1 || r.a > opts_.accounts || r.c < 1 || r.c > pixels_in(r.a)
          || r.s || r.d)
        return std::nullopt;
      break;
    case kind::ig_user:
      if (r.a < 1 || r.a > opts_.pages || !page_has_instagram(r.a) || r.c
          || r.s || r.d)
        return std::nullopt;
      break;
    case kind::ad_account:
      break;
  }
  return r;
}

std::string model::id_of(const object_ref& r) const {
  if (r.k == kind::ad_account)
    return "act_" + std::to_string(account_base + r.a);
  auto [prefix, type] = type_digits(r.k);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02d%d%06d%03d%03d%02d", prefix, type, r.a,
                r.c, r.s, r.d);
  return buf;
}

object_ref model::user_for_token(std::string_view token) const {
  return object_ref{kind::user,
                    1 + static_cast<int>(h("user", token) % 900000)};
}

std::optional<std::string> model::account_of(const object_ref& r) const {
  switch (r.k) {
    case kind::ad_account: case kind::campaign: case kind::adset:
    case kind::ad: case kind::ads_pixel:
      return std::to_string(account_base + r.a);
    default:
      return std::nullopt;
  }
}

bool model::owns(std::string_view token, const object_ref& r) const {
  switch (r.k) {
    case kind::ad_account: case kind::campaign: case kind::adset:
    case kind::ad: case kind::ads_pixel:
      return owns_account(own_, token, r.a);
    case kind::page: case kind::lead_form: case kind::lead:
    case kind::ig_user:
      return owns_page(own_, token, r.a);
    case kind::business: case kind::product_catalog:
    case kind::whatsapp_account:
      return owns_business(own_, token, r.a);
    case kind::user:
      return true;
  }
  return true;
}

std::vector<int> model::owned_accounts(std::string_view token) const {
  std::vector<int> out;
  for (int i = 1; i <= opts_.accounts; ++i)
    if (owns_account(own_, token, i)) out.push_back(i);
  return out;
}

std::vector<int> model::owned_pages(std::string_view token) const {
  std::vector<int> out;
  for (int i = 1; i <= opts_.pages; ++i)
    if (owns_page(own_, token, i)) out.push_back(i);
  return out;
}

std::vector<int> model::owned_businesses(std::string_view token) const {
  std::vector<int> out;
  for (int i = 1; i <= opts_.businesses; ++i)
    if (owns_business(own_, token, i)) out.push_back(i);
  return out;
}

std::string_view model::type_name(kind k) {
  switch (k) {
    case kind::ad_account: return "AdAccount";
    case kind::campaign: return "Campaign";
    case kind::adset: return "AdSet";
    case kind::ad: return "Ad";
    case kind::page: return "Page";
    case kind::lead_form: return "LeadgenForm";
    case kind::lead: return "Lead";
    case kind::user: return "User";
    case kind::business: return "Business";
    case kind::product_catalog: return "ProductCatalog";
    case kind::whatsapp_account: return "WhatsAppBusinessAccount";
    case kind::ads_pixel: return "AdsPixel";
    case kind::ig_user: return "IGUser";
  }
  return "Node";
}

std::vector<std::string> model::default_fields(kind k) {
  switch (k) {
    case kind::ad_account: return {"id", "account_id"};
    case kind::page: case kind::user: case kind::lead_form:
    case kind::business: case kind::product_catalog:
    case kind::whatsapp_account: case kind::ads_pixel:
      return {"name", "id"};
    case kind::lead: return {"created_time", "id"};
    default: return {"id"};
  }
}

bool model::has_edge(kind k, std::string_view e) {
  switch (k) {
    case kind::ad_account:
      return e == "campaigns" || e == "adsets" || e == "ads"
             || e == "insights" || e == "adspixels";
    case kind::campaign:
      return e == "adsets" || e == "ads" || e == "insights";
    case kind::adset: return e == "ads" || e == "insights";
    case kind::ad: return e == "insights" || e == "leads";
    case kind::page: return e == "leadgen_forms";
    case kind::lead_form: return e == "leads";
    case kind::user:
      return e == "adaccounts" || e == "accounts" || e == "businesses";
    case kind::business:
      return e == "owned_product_catalogs"
             || e == "owned_whatsapp_business_accounts";
    case kind::lead: case kind::product_catalog: case kind::whatsapp_account:
    case kind::ads_pixel: case kind::ig_user:
      return false;
  }
  return false;
}

bool model::has_reference(kind k, std::string_view field) {
  return (k == kind::page && field == "instagram_business_account")
         || (k == kind::business && field == "primary_page");
}

std::optional<object_ref> model::reference(const object_ref& r,
                                           std::string_view field) const {
  if (r.k == kind::page && field == "instagram_business_account"
      && page_has_instagram(r.a))
    return object_ref{kind::ig_user, r.a};
  if (r.k == kind::business && field == "primary_page"
      && business_has_primary_page(r.a))
    return object_ref{kind::page, r.a};
  return std::nullopt;
}

std::vector<object_ref> model::visible_children(const object_ref& r,
                                                std::string_view edge,
                                                std::string_view token) const {
  auto all = children(r, edge);
  std::erase_if(all, [&](const object_ref& c) { return !owns(token, c); });
  return all;
}

std::vector<object_ref> model::children(const object_ref& r,
                                        std::string_view e) const {
  std::vector<object_ref> out;
  auto ads_of_adset = [&](int a, int c, int s) {
    for (int d = 1; d <= ads_in(a, c, s); ++d)
      out.push_back({kind::ad, a, c, s, d});
  };
  auto adsets_of_campaign = [&](int a, int c, bool ads) {
    for (int s = 1; s <= adsets_in(a, c); ++s) {
      if (ads) ads_of_adset(a, c, s);
      else out.push_back({kind::adset, a, c, s, 0});
    }
  };
  switch (r.k) {
    case kind::ad_account:
      if (e == "adspixels") {
        for (int p = 1; p <= pixels_in(r.a); ++p)
          out.push_back({kind::ads_pixel, r.a, p, 0, 0});
        break;
      }
      for (int c = 1; c <= campaigns_in(r.a); ++c) {
        if (e == "campaigns") out.push_back({kind::campaign, r.a, c, 0, 0});
        else adsets_of_campaign(r.a, c, e == "ads");
      }
      break;
    case kind::campaign: adsets_of_campaign(r.a, r.c, e == "ads"); break;
    case kind::adset: ads_of_adset(r.a, r.c, r.s); break;
    case kind::page:
      for (int f = 1; f <= forms_in(r.a); ++f)
        out.push_back({kind::lead_form, r.a, f, 0, 0});
      break;
    case kind::lead_form:
      for (int i = 1; i <= leads_in(r.a, r.c); ++i)
        out.push_back({kind::lead, r.a, r.c, i / 100, i % 100});
      break;
    case kind::ad:
      // Leads attributed to an ad: the leads of one form picked by hash.
      if (e == "leads") {
        int page = 1 + static_cast<int>(h("adpage", id_of(r))
                                        % static_cast<unsigned>(opts_.pages));
        int form = 1 + static_cast<int>(h("adform", id_of(r))
                                        % static_cast<unsigned>(forms_in(page)));
        for (int i = 1; i <= leads_in(page, form); ++i)
          if (h("leadad", id_of({kind::lead, page, form, i / 100, i % 100}))
              % 3 == 0)
            out.push_back({kind::lead, page, form, i / 100, i % 100});
      }
      break;
    case kind::user:
      if (e == "adaccounts")
        for (int a = 1; a <= opts_.accounts; ++a)
          out.push_back({kind::ad_account, a, 0, 0, 0});
      else if (e == "businesses")
        for (int b = 1; b <= opts_.businesses; ++b)
          out.push_back({kind::business, b, 0, 0, 0});
      else
        for (int p = 1; p <= opts_.pages; ++p)
          out.push_back({kind::page, p, 0, 0, 0});
      break;
    case kind::business:
      if (e == "owned_product_catalogs")
        for (int c = 1; c <= catalogs_in(r.a); ++c)
          out.push_back({kind::product_catalog, r.a, c, 0, 0});
      else
        for (int c = 1; c <= whatsapp_accounts_in(r.a); ++c)
          out.push_back({kind::whatsapp_account, r.a, c, 0, 0});
      break;
    case kind::lead: case kind::product_catalog: case kind::whatsapp_account:
    case kind::ads_pixel: case kind::ig_user:
      break;
  }
  return out;
}

std::string model::status_of(const object_ref& r) const {
  auto v = h("status", id_of(r)) % 10;
  return v < 7 ? "ACTIVE" : v < 9 ? "PAUSED" : "ARCHIVED";
}

std::string model::effective_status_of(const object_ref& r) const {
  auto own = status_of(r);
  if (own != "ACTIVE") return own;
  if (r.k == kind::adset || r.k == kind::ad) {
    if (status_of({kind::campaign, r.a, r.c, 0, 0}) != "ACTIVE")
      return "CAMPAIGN_PAUSED";
  }
  if (r.k == kind::ad && status_of({kind::adset, r.a, r.c, r.s, 0}) != "ACTIVE")
    return "ADSET_PAUSED";
  return own;
}

int model::active_ads(int account) const {
  int n = 0;
  for (const auto& ad : children({kind::ad_account, account}, "ads"))
    if (effective_status_of(ad) == "ACTIVE") ++n;
  return n;
}

object_ref model::lead_at(std::uint64_t index) const {
  std::uint64_t total = 0;
  for (int p = 1; p <= opts_.pages; ++p)
    for (int f = 1; f <= forms_in(p); ++f) total += static_cast<std::uint64_t>(leads_in(p, f));
  if (total == 0) return {};
  index %= total;
  for (int p = 1; p <= opts_.pages; ++p)
    for (int f = 1; f <= forms_in(p); ++f) {
      auto n = static_cast<std::uint64_t>(leads_in(p, f));
      if (index < n) {
        int i = static_cast<int>(index) + 1;
        return {kind::lead, p, f, i / 100, i % 100};
      }
      index -= n;
    }
  return {};
}

std::string model::iso_time(std::int64_t days_ago, std::uint64_t salt) const {
  auto day = opts_.today - days_ago;
  char buf[40];
  auto secs = salt % 86400;
  std::snprintf(buf, sizeof buf, "%sT%02llu:%02llu:%02llu+0000",
                detail::civil_from_days(day).c_str(),
                static_cast<unsigned long long>(secs / 3600),
                static_cast<unsigned long long>(secs / 60 % 60),
                static_cast<unsigned long long>(secs % 60));
  return buf;
}

model::daily_metrics model::metrics(const object_ref& r,
                                    std::int64_t day) const {
  daily_metrics m;
  auto id = id_of(r);
  auto ds = std::to_string(day);
  auto sum_ads = [&](const std::vector<object_ref>& ads) {
    for (const auto& ad : ads) {
      auto x = metrics(ad, day);
      m.impressions += x.impressions;
      m.reach += x.reach;
      m.clicks += x.clicks;
      m.spend_cents += x.spend_cents;
    }
  };
  switch (r.k) {
    case kind::ad: {
      auto v = h(id, ds);
      m.impressions = static_cast<std::int64_t>(v % 5000);
      m.reach = m.impressions * 7 / 10;
      m.clicks = m.impressions * static_cast<std::int64_t>((v >> 16) % 40) / 1000;
      m.spend_cents = m.impressions * static_cast<std::int64_t>((v >> 32) % 900 + 100) / 1000;
      break;
    }
    case kind::adset: case kind::campaign: case kind::ad_account:
      sum_ads(children(r, "ads"));
      break;
    default:
      break;
  }
  return m;
}

json::object model::attributes(const object_ref& r) const {
  json::object o;
  auto id = id_of(r);
  auto v = h("attr", id);
  auto word = [&](int shift) {
    return std::string(words[(v >> shift) % words.size()]);
  };
  auto acct = account_of(r);
  switch (r.k) {
    case kind::ad_account: {
      o["id"] = id;
      o["account_id"] = *acct;
      o["name"] = "Sim Account " + std::to_string(r.a) + " " + word(0);
      static constexpr std::array<int, 8> statuses = {1, 1, 1, 1, 1, 2, 3, 9};
      o["account_status"] = statuses[(v >> 8) % statuses.size()];
      o["currency"] = std::string(currencies[(v >> 12) % currencies.size()]);
      o["amount_spent"] = std::to_string((v >> 16) % 100000000);
      o["balance"] = std::to_string((v >> 20) % 100000);
      o["spend_cap"] = "0";
      o["timezone_name"] = "America/Los_Angeles";
      o["business_name"] = "Sim Business " + std::to_string(r.a % 7 + 1);
      o["created_time"] = iso_time(static_cast<std::int64_t>(400 + v % 900), v);
      o["disable_reason"] = 0;
      o["age"] = static_cast<double>(400 + v % 900);
      break;
    }
    case kind::campaign:
      o["id"] = id;
      o["account_id"] = *acct;
      o["name"] = word(0) + " Campaign " + std::to_string(r.c);
      o["status"] = status_of(r);
      o["configured_status"] = status_of(r);
      o["effective_status"] = effective_status_of(r);
      o["objective"] = std::string(objectives[(v >> 8) % objectives.size()]);
      o["buying_type"] = "AUCTION";
      o["daily_budget"] = std::to_string(1000 + (v >> 16) % 50000);
      o["lifetime_budget"] = "0";
      o["bid_strategy"] = "LOWEST_COST_WITHOUT_CAP";
      o["special_ad_categories"] = json::array{};
      o["created_time"] = iso_time(static_cast<std::int64_t>(30 + v % 300), v);
      o["start_time"] = iso_time(static_cast<std::int64_t>(29 + v % 300), v >> 3);
      o["updated_time"] = iso_time(static_cast<std::int64_t>(v % 29), v >> 5);
      break;
    case kind::adset:
      o["id"] = id;
      o["account_id"] = *acct;
      o["campaign_id"] = id_of({kind::campaign, r.a, r.c, 0, 0});
      o["name"] = word(0) + " Ad Set " + std::to_string(r.c) + "."
                  + std::to_string(r.s);
      o["status"] = status_of(r);
      o["configured_status"] = status_of(r);
      o["effective_status"] = effective_status_of(r);
      o["daily_budget"] = std::to_string(500 + (v >> 16) % 20000);
      o["billing_event"] = "IMPRESSIONS";
      o["optimization_goal"] = (v >> 8) % 2 ? "LINK_CLICKS" : "REACH";
      o["bid_amount"] = static_cast<std::int64_t>(50 + (v >> 24) % 500);
      o["targeting"] = json::object{
        {"age_min", 18 + static_cast<int>((v >> 28) % 10)},
        {"age_max", 65},
        {"geo_locations",
         json::object{{"countries", json::array{(v >> 30) % 2 ? "US" : "GB"}}}}};
      o["created_time"] = iso_time(static_cast<std::int64_t>(30 + v % 300), v);
      o["updated_time"] = iso_time(static_cast<std::int64_t>(v % 29), v >> 5);
      break;
    case kind::ad:
      o["id"] = id;
      o["account_id"] = *acct;
      o["campaign_id"] = id_of({kind::campaign, r.a, r.c, 0, 0});
      o["adset_id"] = id_of({kind::adset, r.a, r.c, r.s, 0});
      o["name"] = word(0) + " Ad " + std::to_string(r.c) + "."
                  + std::to_string(r.s) + "." + std::to_string(r.d);
      o["status"] = status_of(r);
      o["configured_status"] = status_of(r);
      o["effective_status"] = effective_status_of(r);
      o["creative"] = json::object{
        {"id", std::to_string(23800000000000000ULL + v % 99999999999ULL)}};
      o["created_time"] = iso_time(static_cast<std::int64_t>(30 + v % 300), v);
      o["updated_time"] = iso_time(static_cast<std::int64_t>(v % 29), v >> 5);
      break;
    case kind::page:
      o["id"] = id;
      o["name"] = "Sim Page " + std::to_string(r.a) + " " + word(0);
      o["category"] = (v >> 8) % 2 ? "Retail Company" : "Local Business";
      o["fan_count"] = static_cast<std::int64_t>((v >> 12) % 1000000);
      o["followers_count"] = static_cast<std::int64_t>((v >> 14) % 1000000);
      o["link"] = "https://www.facebook.com/" + id;
      o["access_token"] = "EAAsimpage" + detail::hex_id(v, 24);
      o["tasks"] = json::array{"ADVERTISE", "ANALYZE", "CREATE_CONTENT",
                               "MESSAGING", "MODERATE", "MANAGE"};
      break;
    case kind::lead_form:
      o["id"] = id;
      o["name"] = word(0) + " Lead Form " + std::to_string(r.c);
      o["status"] = (v >> 8) % 5 ? "ACTIVE" : "ARCHIVED";
      o["locale"] = "en_US";
      o["leads_count"] = leads_in(r.a, r.c);
      o["page_id"] = id_of({kind::page, r.a, 0, 0, 0});
      o["created_time"] = iso_time(static_cast<std::int64_t>(30 + v % 300), v);
      break;
    case kind::lead: {
      int idx = r.s * 100 + r.d;
      o["id"] = id;
      o["form_id"] = id_of({kind::lead_form, r.a, r.c, 0, 0});
      o["created_time"] = iso_time(static_cast<std::int64_t>(v % 60), v);
      o["platform"] = (v >> 8) % 3 ? "fb" : "ig";
      o["is_organic"] = false;
      auto acct_idx = 1 + static_cast<int>((v >> 12)
                                           % static_cast<unsigned>(opts_.accounts));
      object_ref ad{kind::ad, acct_idx, 1, 1, 1};
      o["ad_id"] = id_of(ad);
      o["adset_id"] = id_of({kind::adset, acct_idx, 1, 1, 0});
      o["campaign_id"] = id_of({kind::campaign, acct_idx, 1, 0, 0});
      auto person = "lead" + std::to_string(r.a) + "-" + std::to_string(r.c)
                    + "-" + std::to_string(idx);
      o["field_data"] = json::array{
        json::object{{"name", "email"},
                     {"values", json::array{person + "@example.com"}}},
        json::object{{"name", "full_name"},
                     {"values", json::array{"Sim " + word(16) + " "
                                            + std::to_string(idx)}}},
        json::object{{"name", "phone_number"},
                     {"values", json::array{"+1555" + std::to_string(
                                              1000000 + v % 8999999)}}}};
      break;
    }
    case kind::user:
      o["id"] = id;
      o["name"] = "Sim User " + std::to_string(r.a);
      o["first_name"] = "Sim";
      o["last_name"] = "User " + std::to_string(r.a);
      break;
    case kind::business:
      o["id"] = id;
      o["name"] = "Sim Business " + std::to_string(r.a) + " " + word(0);
      o["verification_status"] =
        std::string(verification[(v >> 8) % verification.size()]);
      o["created_time"] = iso_time(static_cast<std::int64_t>(500 + v % 1500), v);
      break;
    case kind::product_catalog:
      o["id"] = id;
      o["name"] = word(0) + " Catalog " + std::to_string(r.a) + "."
                  + std::to_string(r.c);
      o["product_count"] = static_cast<std::int64_t>((v >> 8) % 20000);
      o["vertical"] = std::string(verticals[(v >> 24) % verticals.size()]);
      break;
    case kind::whatsapp_account: {
      o["id"] = id;
      o["name"] = "Sim WhatsApp " + std::to_string(r.a) + "."
                  + std::to_string(r.c) + " " + word(0);
      o["currency"] = std::string(currencies[(v >> 12) % currencies.size()]);
      o["timezone_id"] = std::to_string(1 + (v >> 16) % 150);
      auto ns = detail::hex_id(v, 32);
      o["message_template_namespace"] = ns.substr(0, 8) + "_" + ns.substr(8, 4)
                                        + "_" + ns.substr(12, 4) + "_"
                                        + ns.substr(16, 4) + "_"
                                        + ns.substr(20, 12);
      break;
    }
    case kind::ads_pixel:
      o["id"] = id;
      o["name"] = "Sim Pixel " + std::to_string(r.a) + "."
                  + std::to_string(r.c) + " " + word(0);
      o["creation_time"] =
        iso_time(static_cast<std::int64_t>(100 + v % 900), v);
      o["last_fired_time"] = iso_time(static_cast<std::int64_t>(v % 3), v >> 7);
      o["is_unavailable"] = (v >> 20) % 10 == 0;
      break;
    case kind::ig_user: {
      auto page = attributes({kind::page, r.a, 0, 0, 0});
      o["id"] = id;
      o["username"] = "sim_page_" + std::to_string(r.a) + "_" + lower(word(0));
      o["name"] = page["name"];
      o["followers_count"] = static_cast<std::int64_t>((v >> 8) % 500000);
      o["media_count"] = static_cast<std::int64_t>((v >> 28) % 2000);
      o["profile_picture_url"] =
        "https://scontent.cdninstagram.com/v/sim/" + id + ".jpg";
      break;
    }
  }
  return o;
}

} // namespace adbatch::sim::meta
