#pragma once

// The simulated Meta object graph: ad accounts -> campaigns -> ad sets -> ads
// (and pixels), pages -> lead forms -> leads (and an Instagram account),
// businesses -> product catalogs / WhatsApp Business accounts, and users.
// Nothing is stored: an id encodes its type and position (so its parents are
// known and unknown ids are detected), and every attribute derives from
// hash(seed, id).
//
// Object ids are 17 digits: P(2) T(1) A(6) C(3) S(3) D(2) with P T the type
// ("12": 1 campaign, 2 ad set, 3 ad, 4 page, 5 lead form, 6 lead, 7 user;
// "13": 1 business, 2 product catalog, 3 WhatsApp Business account, 4 ads
// pixel, 5 Instagram account) and A/C/S/D the 1-based positions. Ad accounts
// are "act_" + 14 digits.
//
// Ownership: a token sees only the ad accounts, pages and businesses it owns
// (and their children); see ownership_options and docs/platforms.md#meta.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::sim::meta {

enum class kind {
  ad_account,
  campaign,
  adset,
  ad,
  page,
  lead_form,
  lead,
  user,
  business,
  product_catalog,
  whatsapp_account,
  ads_pixel,
  ig_user
};

/// A resolved object: its kind and 1-based positions.
struct object_ref {
  kind k = kind::ad_account;
  int a = 0;  ///< account / page / user / business index
  int c = 0;  ///< campaign / lead form / catalog / WhatsApp / pixel index
  int s = 0;  ///< ad set index (leads: lead index / 100)
  int d = 0;  ///< ad index (leads: lead index % 100)
  bool operator==(const object_ref&) const = default;
};

/// Sizes of the simulated world (all configurable, defaults are small).
struct model_options {
  int accounts = 20;        ///< ad accounts act_10000000000001..
  int max_campaigns = 8;    ///< per account: 1..max
  int max_adsets = 4;       ///< per campaign: 1..max
  int max_ads = 3;          ///< per ad set: 1..max
  int pages = 5;            ///< pages visible through /me/accounts
  int max_forms = 3;        ///< lead forms per page: 1..max
  int max_leads = 60;       ///< leads per form: 5..max
  int businesses = 5;       ///< businesses visible through /me/businesses
  int max_catalogs = 3;     ///< product catalogs per business: 1..max
  int max_whatsapp_accounts = 2;  ///< WhatsApp Business accounts per business
  int max_pixels = 2;       ///< ads pixels per ad account: 1..max
  /// The simulated "today" (days since 1970-01-01) for insights date ranges;
  /// a fixed date keeps results deterministic. Default 2026-01-15.
  std::int64_t today = 20468;
};

/// Explicit grants of one token (1-based indexes; an absent list = none).
struct token_grant {
  std::vector<int> accounts;
  std::vector<int> pages;
  std::vector<int> businesses;
  bool operator==(const token_grant&) const = default;
};

/// Which token owns which ad accounts, pages and businesses.
///
/// A token "org-<k>" or "org-<k>-<anything>" (k a non-negative decimal
/// integer) is scoped: it owns ad account, page and business number i
/// (1-based) iff (i - 1) % modulus == k % modulus. Any other token owns
/// everything. A token listed in token_owners owns exactly what its grant
/// lists, whatever its form. Children (campaigns, ad sets, ads, insights,
/// pixels; lead forms, leads, Instagram account; catalogs, WhatsApp
/// accounts) belong to their parent's owner.
struct token_owner {
  std::string token;
  token_grant grant;
  bool operator==(const token_owner&) const = default;
};
struct ownership_options {
  int modulus = 5;  ///< config key ownership_modulus
  /// Config key token_owners; one entry per token (the first one counts).
  /// A vector, not a map: g++ 12 -O2 warns (-Wmaybe-uninitialized) on
  /// moved-from std::map members of default-argument temporaries.
  std::vector<token_owner> token_owners;
};

/// The explicit grant of `token`, if token_owners lists it.
const token_grant* grant_of(const ownership_options& o,
                            std::string_view token);

/// Whether `token` has the scoped form "org-<k>[-...]"; sets k % modulus.
bool scoped_token(std::string_view token, int modulus, int* residue = nullptr);
/// Whether `token` owns ad account / page / business number i (1-based).
bool owns_account(const ownership_options& o, std::string_view token, int i);
bool owns_page(const ownership_options& o, std::string_view token, int i);
bool owns_business(const ownership_options& o, std::string_view token, int i);

class model {
public:
  model(std::uint64_t seed, model_options opts,
        ownership_options ownership = {});

  /// Resolves "act_N", an object id or nothing (unknown / malformed).
  std::optional<object_ref> resolve(std::string_view id) const;
  /// The Graph id of a reference ("act_..." for accounts).
  std::string id_of(const object_ref& r) const;
  /// The user a token stands for (one stable user per token).
  object_ref user_for_token(std::string_view token) const;

  /// The numeric ad account id owning r (BUC key), if r is an ads object.
  std::optional<std::string> account_of(const object_ref& r) const;

  /// Whether `token` may read or write r (its root account, page or
  /// business is owned; users and everything else: yes).
  bool owns(std::string_view token, const object_ref& r) const;
  /// The ad accounts / pages / businesses of this world `token` owns
  /// (1-based indexes, ascending).
  std::vector<int> owned_accounts(std::string_view token) const;
  std::vector<int> owned_pages(std::string_view token) const;
  std::vector<int> owned_businesses(std::string_view token) const;

  /// Graph node type name: AdAccount, Campaign, AdSet, Ad, Page, ...
  static std::string_view type_name(kind k);

  /// Every scalar field the object has (edges are not included).
  boost::json::object attributes(const object_ref& r) const;
  /// Fields returned when the request names none.
  static std::vector<std::string> default_fields(kind k);

  /// Whether `edge` is a list edge of kind k (campaigns, adsets, ads,
  /// adspixels, leadgen_forms, leads, adaccounts, accounts, businesses,
  /// owned_product_catalogs, owned_whatsapp_business_accounts, insights).
  static bool has_edge(kind k, std::string_view edge);
  /// The children of r along a list edge (not insights), in order.
  std::vector<object_ref> children(const object_ref& r,
                                   std::string_view edge) const;
  /// The children `token` sees: children() without those it does not own
  /// (/me edges list owned objects only; an ad's leads only on owned pages).
  std::vector<object_ref> visible_children(const object_ref& r,
                                           std::string_view edge,
                                           std::string_view token) const;

  /// Whether `field` is an object-valued field of kind k
  /// (Page.instagram_business_account, Business.primary_page).
  static bool has_reference(kind k, std::string_view field);
  /// The object such a field points at, if r has one.
  std::optional<object_ref> reference(const object_ref& r,
                                      std::string_view field) const;

  /// Active ads in an account (drives the BUC ads_management budget).
  int active_ads(int account) const;

  /// The index-th lead of the whole world (pages, then forms, then leads,
  /// wrapping around): lets a webhook sender name leads this simulator
  /// really serves. Its page and form are {kind::page, r.a} and
  /// {kind::lead_form, r.a, r.c}.
  object_ref lead_at(std::uint64_t index) const;

  int campaigns_in(int account) const;
  int adsets_in(int account, int campaign) const;
  int ads_in(int account, int campaign, int adset) const;
  int forms_in(int page) const;
  int leads_in(int page, int form) const;
  int catalogs_in(int business) const;
  int whatsapp_accounts_in(int business) const;
  int pixels_in(int account) const;
  /// Whether page p has an Instagram business account (some have none).
  bool page_has_instagram(int page) const;
  /// Whether business b has a primary page (page number b, if it exists).
  bool business_has_primary_page(int business) const;

  /// Daily metric values of one object on one day.
  struct daily_metrics {
    std::int64_t impressions = 0;
    std::int64_t reach = 0;
    std::int64_t clicks = 0;
    std::int64_t spend_cents = 0;
  };
  daily_metrics metrics(const object_ref& r, std::int64_t day) const;

  const model_options& options() const { return opts_; }
  const ownership_options& ownership() const { return own_; }
  std::uint64_t seed() const { return seed_; }

private:
  std::uint64_t h(std::string_view a, std::string_view b = {}) const;
  std::string status_of(const object_ref& r) const;
  std::string effective_status_of(const object_ref& r) const;
  std::string iso_time(std::int64_t days_ago, std::uint64_t salt) const;

  std::uint64_t seed_;
  model_options opts_;
  ownership_options own_;
};

} // namespace adbatch::sim::meta
