#pragma once

// The simulated LinkedIn ad catalog: ad accounts, campaign groups, campaigns,
// creatives, lead form responses and daily metrics, all derived from a seed
// (same seed, same objects, same numbers). Pure: no I/O, no clock.
//
// Ids are dense ranges so a test can name existing and missing objects
// without asking: account i is account_base + i; campaign j of account i is
// campaign_base + i * campaigns_per_account + j; and so on.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace adbatch::sim::linkedin {

/// How big the catalog is.
struct catalog_options {
  int accounts = 20;
  int campaigns_per_account = 6;
  int creatives_per_campaign = 2;
  int leads_per_account = 30;
};

inline constexpr std::int64_t account_base = 508000000;
inline constexpr std::int64_t campaign_group_base = 612000000;
inline constexpr std::int64_t campaign_base = 671000000;
inline constexpr std::int64_t creative_base = 7310000000;
inline constexpr std::int64_t lead_form_base = 9100000;
inline constexpr std::int64_t dmp_segment_base = 15000000;
inline constexpr std::int64_t conversion_base = 4400000;
/// Lead forms, DMP segments (audiences) and conversions per account.
inline constexpr int lead_forms_per_account = 2;
inline constexpr int segments_per_account = 3;
inline constexpr int conversions_per_account = 2;

/// "urn:li:sponsoredAccount:123" and friends.
std::string account_urn(std::int64_t id);
std::string campaign_group_urn(std::int64_t id);
std::string campaign_urn(std::int64_t id);
std::string creative_urn(std::int64_t id);
std::string lead_form_urn(std::int64_t id);
/// The trailing numeric id of "urn:li:<type>:<n>" when the type matches, or
/// of a plain number ("123"); nullopt otherwise.
std::optional<std::int64_t> urn_id(std::string_view key,
                                   std::string_view type);

/// Summed delivery metrics of some entity over some days.
struct metrics {
  std::int64_t impressions = 0;
  std::int64_t clicks = 0;
  std::int64_t landing_page_clicks = 0;
  std::int64_t likes = 0;
  std::int64_t shares = 0;
  std::int64_t comments = 0;
  std::int64_t follows = 0;
  std::int64_t video_views = 0;
  std::int64_t one_click_leads = 0;
  std::int64_t external_website_conversions = 0;
  /// leadGenerationMailContactInfoShares (half the one-click leads of each
  /// campaign-day, summed: additive over days and entities).
  std::int64_t lead_contact_shares = 0;
  std::int64_t cost_micros = 0;  ///< local currency (USD), micro units

  metrics& operator+=(const metrics& o);
  /// The metric by its adAnalytics field name, as JSON (numbers, and the
  /// cost fields as decimal strings the way LinkedIn sends them); nullopt
  /// for an unknown name.
  std::optional<boost::json::value> field(std::string_view name) const;
};

class catalog {
public:
  catalog(std::uint64_t seed, catalog_options opts);

  const catalog_options& options() const { return opts_; }

  std::vector<std::int64_t> account_ids() const;
  bool has_account(std::int64_t id) const;
  boost::json::object account(std::int64_t id) const;

  /// The one campaign group of each account.
  std::int64_t campaign_group_of(std::int64_t account) const;
  std::optional<std::int64_t> account_of_group(std::int64_t group) const;
  boost::json::object campaign_group(std::int64_t id) const;

  std::vector<std::int64_t> campaign_ids(std::int64_t account) const;
  std::optional<std::int64_t> account_of_campaign(std::int64_t campaign) const;
  boost::json::object campaign(std::int64_t id) const;

  std::vector<std::int64_t> creative_ids_of_campaign(std::int64_t campaign) const;
  std::optional<std::int64_t> campaign_of_creative(std::int64_t creative) const;
  boost::json::object creative(std::int64_t id) const;

  /// Lead form responses of an account, newest last. Ids are stable
  /// strings derived from the seed.
  std::vector<std::string> lead_ids(std::int64_t account) const;
  /// The response with that id, if it exists.
  std::optional<boost::json::object> lead(std::string_view id) const;
  /// The lead form a response (index n of the account) belongs to.
  std::int64_t lead_form_of(std::int64_t account, int n) const;
  /// The stable id of the n-th lead of an account (also used by the
  /// LinkedIn webhook sender so notifications point at existing leads).
  std::string lead_id(std::int64_t account, int n) const;

  /// Lead forms of an account (lead_forms_per_account, ids
  /// lead_form_base + index * 2 + n) and the form with that id.
  std::vector<std::int64_t> lead_form_ids(std::int64_t account) const;
  std::optional<std::int64_t> account_of_lead_form(std::int64_t form) const;
  boost::json::object lead_form(std::int64_t id) const;

  /// DMP segments (matched audiences) of an account.
  std::vector<std::int64_t> segment_ids(std::int64_t account) const;
  std::optional<std::int64_t> account_of_segment(std::int64_t segment) const;
  boost::json::object segment(std::int64_t id) const;

  /// Conversion rules of an account.
  std::vector<std::int64_t> conversion_ids(std::int64_t account) const;
  std::optional<std::int64_t> account_of_conversion(std::int64_t conv) const;
  boost::json::object conversion(std::int64_t id) const;

  /// The ad targeting facets (the same for every member).
  std::vector<boost::json::object> targeting_facets() const;

  /// Metrics of one campaign on one day (days since 1970-01-01).
  metrics campaign_day(std::int64_t campaign, std::int64_t day) const;
  /// Metrics of one creative on one day: its share of the campaign's.
  metrics creative_day(std::int64_t creative, std::int64_t day) const;

private:
  std::uint64_t mix(std::uint64_t a, std::uint64_t b = 0) const;

  std::uint64_t seed_;
  catalog_options opts_;
};

} // namespace adbatch::sim::linkedin
