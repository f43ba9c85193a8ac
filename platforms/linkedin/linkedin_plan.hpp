#pragma once

// LinkedIn's planner and splitter internals (the public face is
// linkedin_adapter.hpp).
//
// One upstream call is one Rest.li operation through one token:
//   - BATCH_GET /adAccounts?ids=List(...)            every get_ad_accounts
//     of a token (the union of their ids);
//   - per (token, ad account, resource) for campaigns, campaign groups and
//     creatives: one finder (q=search / q=criteria, count 1000) when a
//     request lists, which also serves the by-id requests, else one
//     BATCH_GET of the union of the ids;
//   - per (token, ad account, resource) one finder for dmpSegments
//     (q=account), conversions (q=account), leadForms (q=owner) and
//     leadFormResponses (q=owner: every form of the account at once);
//   - per token one GET_ALL of adTargetingFacets;
//   - per token and analytics family one adAnalytics finder over the union
//     of the accounts (or campaigns), metrics and date ranges, DAILY, with
//     the pivots every request's own pivot can be summed from;
// each split further when it would serve more than max_batch_size requests
// or name more than max_batch_ids distinct keys (BATCH_GET ids, analytics
// facets), and analytics when the merged range would exceed max_merge_days
// or its facets x days max_analytics_elements (a request alone over it is
// sent at its own granularity and pivot, op_kind::naive_analytics).
// A retried get_ad_accounts gets a BATCH_GET of its own, a retried list
// read a finder of its own (its filters sent where the finder has them: a
// merged page may have been cut). A
// retried request (attempts > 1) is isolated where a merged call could have
// failed for another request's sake (analytics with other facets; by-id
// reads from a finder page). Queries longer than max_url_length are
// tunnelled (POST + X-HTTP-Method-Override: GET).

#include "platforms/common/pipeline.hpp"
#include "platforms/linkedin/linkedin_catalog.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace adbatch::platforms::linkedin {

struct li_limits {
  /// LinkedIn-Version when plan_settings::api_version is empty: "" = the
  /// month before `now` (LinkedIn keeps about a year of monthly versions).
  std::string api_version;
  /// Keys per BATCH_GET (UNCONFIRMED upstream; adbatch-sim: 1000).
  int max_batch_ids = 1000;
  /// Finder page size (LinkedIn's largest count: 1000).
  int page_count = 1000;
  /// Longest merged adAnalytics range (days, inclusive).
  int max_merge_days = 366;
  /// Most elements one adAnalytics answer may hold (LinkedIn: 15,000);
  /// a merged call's estimate is its facets x days (DAILY).
  std::int64_t max_analytics_elements = 15000;
  /// Longest GET target before the query is tunnelled.
  std::size_t max_url_length = 4000;
};

/// Identical requests (same token, same key): one result.
struct served_group {
  std::shared_ptr<const li_request> request;
  std::vector<std::int64_t> ids;
};

enum class op_kind : std::uint8_t {
  batch_get,       ///< BATCH_GET: results/statuses/errors by key
  finder,          ///< a finder or GET_ALL page, filtered per request here
  naive_list,      ///< a request's own server-filtered finder: elements as is
  analytics,       ///< merged adAnalytics (DAILY), summed per request here
  naive_analytics, ///< a request's own adAnalytics: elements as is
};

struct li_call_context final : call_context {
  op_kind kind = op_kind::finder;
  li_type type = li_type::ad_accounts;
  analytics_family family = analytics_family::accounts;
  /// batch_get: the keys sent (decoded), in order.
  std::vector<std::string> keys;
  /// analytics: the merged range.
  day_number start = 0, end = 0;
  /// True when every served request names the same facets (analytics) or
  /// object (per-account reads): an error is then every request's own.
  bool own_error = true;
  /// finder: a retried list request alone (its filters sent where the API
  /// has them): a truncated page is then its own, permanent, failure.
  bool solo_list = false;
  /// finder: the page size asked (a page this full may be truncated).
  int page_count = 0;
  std::vector<served_group> groups;

  std::vector<std::int64_t> request_ids() const;
};

/// The LinkedIn-Version to send.
std::string effective_version(const plan_settings& s, const li_limits& l,
                              time_point now);

plan make_li_plan(std::span<const queued_request> requests,
                  const plan_context& ctx, const li_limits& limits);

upstream_call make_li_naive_call(const queued_request& request,
                                 const plan_context& ctx,
                                 const li_limits& limits);

split_result split_li_call(const upstream_call& call,
                           const upstream_reply& reply,
                           const plan_context& ctx);

/// Rest.li encoding of a string leaf (everything but ALPHA / DIGIT /
/// -._~ percent-encoded), as the official clients send keys.
std::string restli_encode(std::string_view s);

/// Rate signals of a reply (LinkedIn sends none but the 429 itself).
std::vector<rate_signal> li_rate_signals(const upstream_reply& reply,
                                         std::string_view resource,
                                         time_point now);

} // namespace adbatch::platforms::linkedin
