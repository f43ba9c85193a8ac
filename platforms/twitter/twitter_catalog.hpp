#pragma once

// The X request catalog: the original TwitterBatcher's type names and
// parameters (user_ids; entity_type, entity_ids, start_time, end_time, ...)
// plus users by username and posts by id, validated at enqueue, and the
// parse of a request into what the planner needs. Internal to
// platforms/twitter. Types, params and results: docs/requests.md#x.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::platforms::twitter {

/// How a type is served.
enum class family : std::uint8_t {
  users,       ///< GET /2/users?ids=
  usernames,   ///< GET /2/users/by?usernames=
  tweets,      ///< GET /2/tweets?ids=
  accounts,    ///< GET /12/accounts
  list,        ///< GET /12/accounts/:id/<entities>
  stats,       ///< GET /12/stats/accounts/:id
  async_stats, ///< POST/GET /12/stats/jobs/accounts/:id + the result file
};

/// An X Ads list endpoint under an account.
struct list_spec {
  std::string type;       ///< get_campaigns
  std::string path;       ///< campaigns
  std::string result_key; ///< campaigns
  /// Filters the request may give (params name = API name), the own-id
  /// filter first; with the field of the item each parent filter matches.
  std::vector<std::pair<std::string, std::string>> filters;
  /// A filter the API requires (targeting_criteria: line_item_ids).
  std::string required;
};

/// One request, parsed.
struct x_request {
  std::string type;
  family fam = family::users;
  /// users / usernames / tweets: the keys in the request's order, without
  /// repeats. stats: entity ids in order.
  std::vector<std::string> keys;
  const list_spec* list = nullptr;
  /// params.account_id ("" = the connection's account_id).
  std::string account_id;
  /// list / accounts: filter name -> ids (sorted, unique).
  std::map<std::string, std::vector<std::string>> filters;
  // stats / async_stats
  std::string entity, placement, granularity;
  std::vector<std::string> metric_groups; ///< canonical order, unique
  /// [start_day, end_day) in days since 1970-01-01; unset = the default
  /// range ending today (resolved at plan time).
  std::optional<std::int64_t> start_day, end_day;
};

struct parse_result {
  std::optional<x_request> request;
  std::string error;
};

/// Validates and parses one request ("get_stats: params.entity_ids must
/// ...").
parse_result parse_request(std::string_view type,
                           const boost::json::object& params);

/// Every request type served (get_reach_frequency is not: it is rejected
/// at enqueue with a clear "unsupported" message).
std::vector<std::string> request_type_names();

/// The list endpoint of a list type, or nullptr.
const list_spec* list_spec_of(std::string_view type);

/// Days a synchronous stats call may span (X: 7) and an async job (90).
inline constexpr std::int64_t max_sync_days = 7;
inline constexpr std::int64_t max_async_days = 90;
/// Entity ids per stats call or job (X: 20); ids per v2 lookup (100); ids
/// per Ads list filter (200); items per Ads list page (1000).
inline constexpr std::size_t max_stats_ids = 20;
inline constexpr std::size_t max_lookup_ids = 100;
inline constexpr std::size_t max_filter_ids = 200;
inline constexpr int max_page = 1000;

/// Metric groups in canonical order.
const std::vector<std::string>& metric_group_order();

/// "2026-11-01T00:00:00Z" of a day.
std::string iso_midnight(std::int64_t day);
/// Days since 1970-01-01 of a time point (UTC).
std::int64_t day_of(std::chrono::system_clock::time_point t);

/// A canonical text of the parsed request (identical requests share it).
std::string normalized(const x_request& r);

} // namespace adbatch::platforms::twitter
