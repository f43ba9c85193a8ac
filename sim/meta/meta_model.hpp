#pragma once

// The simulated Meta object graph: ad accounts -> campaigns -> ad sets -> ads,
// pages -> lead forms -> leads, and users. Nothing is stored: an id encodes
// its type and position (so its parents are known and unknown ids are
// detected), and every attribute derives from hash(seed, id).
//
// Object ids are 17 digits: "12" T(1) A(6) C(3) S(3) D(2) with T the type
// (1 campaign, 2 ad set, 3 ad, 4 page, 5 lead form, 6 lead, 7 user) and
// A/C/S/D the 1-based positions. Ad accounts are "act_" + 14 digits.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::sim::meta {

enum class kind { ad_account, campaign, adset, ad, page, lead_form, lead, user };

/// A resolved object: its kind and 1-based positions.
struct object_ref {
  kind k = kind::ad_account;
  int a = 0;  ///< account / page / user index
  int c = 0;  ///< campaign / lead form index
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
  /// The simulated "today" (days since 1970-01-01) for insights date ranges;
  /// a fixed date keeps results deterministic. Default 2026-01-15.
  std::int64_t today = 20468;
};

class model {
public:
  model(std::uint64_t seed, model_options opts);

  /// Resolves "act_N", an object id or nothing (unknown / malformed).
  std::optional<object_ref> resolve(std::string_view id) const;
  /// The Graph id of a reference ("act_..." for accounts).
  std::string id_of(const object_ref& r) const;
  /// The user a token stands for (one stable user per token).
  object_ref user_for_token(std::string_view token) const;

  /// The numeric ad account id owning r (BUC key), if r is an ads object.
  std::optional<std::string> account_of(const object_ref& r) const;

  /// Graph node type name: AdAccount, Campaign, AdSet, Ad, Page, ...
  static std::string_view type_name(kind k);

  /// Every scalar field the object has (edges are not included).
  boost::json::object attributes(const object_ref& r) const;
  /// Fields returned when the request names none.
  static std::vector<std::string> default_fields(kind k);

  /// Whether `edge` is a list edge of kind k (campaigns, adsets, ads,
  /// leadgen_forms, leads, adaccounts, accounts, insights).
  static bool has_edge(kind k, std::string_view edge);
  /// The children of r along a list edge (not insights), in order.
  std::vector<object_ref> children(const object_ref& r,
                                   std::string_view edge) const;

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

  /// Daily metric values of one object on one day.
  struct daily_metrics {
    std::int64_t impressions = 0;
    std::int64_t reach = 0;
    std::int64_t clicks = 0;
    std::int64_t spend_cents = 0;
  };
  daily_metrics metrics(const object_ref& r, std::int64_t day) const;

  const model_options& options() const { return opts_; }
  std::uint64_t seed() const { return seed_; }

private:
  std::uint64_t h(std::string_view a, std::string_view b = {}) const;
  std::string status_of(const object_ref& r) const;
  std::string effective_status_of(const object_ref& r) const;
  std::string iso_time(std::int64_t days_ago, std::uint64_t salt) const;

  std::uint64_t seed_;
  model_options opts_;
};

} // namespace adbatch::sim::meta
