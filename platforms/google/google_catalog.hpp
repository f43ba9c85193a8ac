#pragma once

// The Google Ads request catalog: the original system's request types and
// parameters (filters, start_date, end_date, limit, operation) plus
// structured ones, the GAQL resources and fields adbatch knows with their
// JSON types, and the parse of a request into what the planner needs.
// Every read type has a GAQL template (the original had 8 of 14).

#include "platforms/google/google_gaql.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace adbatch::platforms::google {

/// Row shape of a read: attributes only; metrics over the whole date range
/// (one row per object); metrics per day (segments.date).
enum class read_grain : std::uint8_t { attributes, total, daily };

std::string_view to_string(read_grain g);

/// A read of the catalog, parsed: its own GAQL query and how its rows are
/// cut out of a merged one.
struct read_spec {
  std::string request_type;
  std::string from;                ///< GAQL resource
  std::vector<std::string> select; ///< its own SELECT, in order
  /// Its own WHERE besides the date range (templates' fixed conditions,
  /// ids, filters), in a canonical order.
  std::vector<gaql_condition> conditions;
  read_grain grain = read_grain::attributes;
  gaql_date date; ///< kind::none for attributes
  std::vector<gaql_ordering> order_by;
  std::optional<std::int64_t> limit;
  /// params.customer_id (digits), "" = the connection's customer.
  std::string customer_id;
};

/// `gaql_query`: a raw GAQL query, sent as it is.
struct raw_spec {
  std::string query;
  std::string customer_id;
};

/// update_*: Google mutate operations for one collection.
struct mutate_spec {
  std::string request_type;
  std::string collection; ///< campaigns, adGroups, adGroupCriteria, adGroupAds
  boost::json::array operations;
  /// Given as `operation` (one object): its result says resource_name.
  bool single = false;
  std::string customer_id;
};

using request_spec = std::variant<read_spec, raw_spec, mutate_spec>;

/// A parse: the spec, or a message naming the parameter.
struct parse_result {
  std::optional<request_spec> spec;
  std::string error;
};

/// Validates and parses one request.
parse_result parse_google_request(std::string_view request_type,
                                  const boost::json::object& params);

/// Every request type, reads first.
std::vector<std::string> google_request_types();

/// The type of a field the catalog knows (attributes, metrics, segments).
std::optional<field_type> google_field_type(std::string_view snake_path);

/// Whether a field belongs to a message some entities lack (absent from
/// their rows, where it matches no =, != or IN and sorts first).
bool google_field_nullable(std::string_view snake_path);

/// How a metric is totalled over days: summed (int64 or double) or a ratio
/// of summed metrics (factor * num / den, 0 when den is 0), as the
/// platform computes it.
struct metric_rule {
  enum class kind : std::uint8_t { sum_int, sum_double, ratio };
  kind k = kind::sum_int;
  std::string_view numerator;   ///< ratio: metrics.* path
  std::string_view denominator; ///< ratio: metrics.* path
  double factor = 1.0;
};

/// The rule of a metrics.* field, or nullptr.
const metric_rule* google_metric_rule(std::string_view snake_path);

/// The own GAQL query of a read.
gaql_select own_query(const read_spec& r);

/// "1234567890" from "123-456-7890" / 1234567890; nullopt unless digits.
std::optional<std::string> normalize_customer_id(const boost::json::value& v);

/// The longest date range one query may span (DATE_RANGE_TOO_WIDE past it).
inline constexpr day_number max_query_days = 3650;

/// Operations one mutate call may carry.
inline constexpr std::size_t max_mutate_operations = 10000;

} // namespace adbatch::platforms::google
