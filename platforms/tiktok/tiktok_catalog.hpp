#pragma once

// The TikTok Business API v1.3 request catalog: the original TikTokBatcher's
// fourteen request types (and its parameter names advertiser_id and events)
// with the parameters adbatch adds so each request asks for exactly what
// it wants (ids, fields, date ranges, metrics, aggregation), validated at
// enqueue. docs/requests.md#tiktok lists them.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace adbatch::platforms::tiktok {

/// Days since 1970-01-01.
using day_number = std::int64_t;

/// get_advertisers / get_advertiser_info: advertiser/info/.
struct info_spec {
  std::string request_type;
  /// Its ids, in its order ("" list = the connection's advertisers).
  std::vector<std::string> advertiser_ids;
  std::vector<std::string> fields;
};

/// The per-advertiser list reads (campaign/get/, ..., dmp/*/list/).
struct list_spec {
  std::string request_type;
  std::string endpoint;      ///< "campaign/get/"
  int max_page_size = 1000;  ///< the endpoint's page_size maximum
  std::string advertiser_id; ///< "" = the connection's
  std::string filter_key;    ///< "campaign_ids", ... ("" = no filter)
  std::vector<std::string> ids;
  std::vector<std::string> fields;
};

/// The metrics types: report/integrated/get/ BASIC at one data level.
struct report_spec {
  std::string request_type;
  int level = 1; ///< 1 campaign, 2 ad group, 3 ad
  std::string advertiser_id;
  day_number first = 0, last = 0;
  bool daily = true; ///< aggregation daily (stat_time_day) or total
  std::vector<std::string> metrics;
  std::vector<std::string> ids; ///< the level's ids (empty = all)
};

/// upload_conversions: Events API 2.0 event/track/.
struct events_spec {
  std::string event_source; ///< web, app, offline, crm
  std::string event_source_id;
  boost::json::array events;
};

using request_spec =
    std::variant<info_spec, list_spec, report_spec, events_spec>;

struct parse_result {
  std::optional<request_spec> spec;
  std::string error;
};

/// Validates and parses one request; the error names the parameter.
parse_result parse_tiktok_request(std::string_view request_type,
                                  const boost::json::object& params);

/// Every request type of the catalog.
std::vector<std::string> tiktok_request_types();

/// Report data level names and id dimension.
std::string_view data_level_name(int level); ///< AUCTION_CAMPAIGN, ...
std::string_view id_dimension(int level);    ///< campaign_id, ...
std::string_view id_filter_key(int level);   ///< campaign_ids, ...

/// The object field a list filter key matches (campaign_ids -> campaign_id,
/// custom_audience_ids -> audience_id).
std::string_view filter_field(std::string_view filter_key);

/// The report metrics the catalog knows, in canonical order, and whether a
/// metric is additive (summed over days) or a ratio of additive ones.
const std::vector<std::string>& known_metrics();
/// The additive base metrics every ratio derives from.
inline constexpr std::string_view base_metrics[] = {"impressions", "clicks",
                                                    "spend", "conversion"};

/// "2026-01-15" -> days; nullopt unless a valid date.
std::optional<day_number> parse_date(std::string_view s);
/// days -> "2026-01-15".
std::string iso_date(day_number d);

// Platform limits (platform-contracts.md §4.2; UNCONFIRMED ones as the
// simulator sets them).
inline constexpr std::size_t max_advertiser_ids = 100; ///< advertiser/info/
inline constexpr std::size_t max_filter_ids = 100;     ///< filtering lists
inline constexpr std::size_t max_report_rows = 1000;   ///< report page_size
inline constexpr std::size_t max_events = 1000;        ///< event/track/
inline constexpr day_number max_report_days = 366;     ///< start..end

} // namespace adbatch::platforms::tiktok
