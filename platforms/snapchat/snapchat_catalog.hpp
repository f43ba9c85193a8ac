#pragma once

// The Snapchat Marketing API request catalog: the original system's 15
// request types (get_organizations ... get_pixel_events) and their
// parameters (entity_ids, start_time, end_time for the stats types) plus
// the ones a request needs to say what it wants (ad_account_id, parents,
// ids, granularity, fields). Validated at enqueue; parsed into what the
// planner needs. docs/requests.md#snapchat lists them.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adbatch::platforms::snapchat {

/// Which upstream call family serves a request.
enum class op_kind : std::uint8_t {
  orgs,      ///< GET /v1/me/organizations?with_ad_accounts=true
  list,      ///< GET /v1/adaccounts/{id}/{collection}
  stats,     ///< GET /v1/adaccounts/{id}/stats?breakdown=... or
             ///< /v1/pixels/{id}/stats
  targeting, ///< GET /v1/targeting/{dimension}/{type}
};

/// A request of the catalog, parsed.
struct request_spec {
  std::string type;
  op_kind op = op_kind::list;

  // -- orgs and lists -------------------------------------------------------
  /// Snapchat's collection ("campaigns", "adsquads", "ads", "creatives",
  /// "media", "segments", "pixels"; "adaccounts" for get_ad_accounts,
  /// "organizations" for get_organizations) and its item key ("campaign").
  std::string collection;
  std::string entity;
  /// The key of the request's result list ({"campaigns": [...]}).
  std::string result_key;
  /// params.ad_account_id (lower-case), "" = the connection's.
  std::string account;
  /// A parent filter: field of the items ("campaign_id", "ad_squad_id",
  /// "organization_id"), the parent's Snapchat plural and its id.
  std::string parent_field;
  std::string parent_plural;
  std::string parent_id;
  /// A by-id filter (sorted, distinct, lower-case); empty = all.
  std::vector<std::string> ids;

  // -- stats ----------------------------------------------------------------
  /// Breakdown of the account's stats ("campaign", "adsquad", "ad"); "" for
  /// get_pixel_events (the pixel's own stats).
  std::string breakdown;
  std::string pixel_id;
  /// Days since 1970 in `offset`: [first_day, last_day). has_range false =
  /// the default (the 7 whole days before today, UTC), resolved at plan
  /// time.
  bool has_range = false;
  std::int64_t first_day = 0;
  std::int64_t last_day = 0;
  std::string offset = "Z";
  bool daily = false; ///< granularity DAY (else TOTAL)
  /// Metric names (sorted, distinct).
  std::vector<std::string> fields;

  // -- targeting ------------------------------------------------------------
  std::string dimension;
  std::string target_type;
};

struct parse_result {
  std::optional<request_spec> spec;
  std::string error;
};

/// Validates and parses one request; the error names the parameter.
parse_result parse_snapchat_request(std::string_view request_type,
                                    const boost::json::object& params);

/// Every request type of the catalog.
std::vector<std::string> snapchat_request_types();

/// The longest stats range one call may span, in days (the API rejects
/// longer ones).
inline constexpr std::int64_t max_range_days = 366;

/// "2026-01-15T00:00:00.000" + offset for a day number.
std::string format_day(std::int64_t day, std::string_view offset);

/// The default stats range [today - 7, today) (UTC) for `now_days`.
inline std::pair<std::int64_t, std::int64_t> default_range(std::int64_t today) {
  return {today - 7, today};
}

/// Ad stats metrics a request may ask for (all add up over days).
const std::vector<std::string>& ad_stat_fields();
/// Snap Pixel event types (get_pixel_events' event_types).
const std::vector<std::string>& pixel_event_fields();

} // namespace adbatch::platforms::snapchat
