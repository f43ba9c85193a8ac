#pragma once

// Runs a GAQL query against the simulated account tree: validates fields
// for the FROM resource, derives the days from segments.date conditions,
// expands segment rows, filters, sorts, limits, and renders GoogleAdsRow
// objects with the REST API's lowerCamelCase names (int64 as strings).
// Pure, no I/O, no state: the same query gives the same rows whatever ran
// before.
//
// Rows: one per entity of the FROM resource in id order; with
// segments.date one per entity and day of the range (every day, ascending,
// zero metrics included), with segments.device one per device (MOBILE,
// DESKTOP, TABLET) after that; ORDER BY sorts stably on top (absent values
// first), LIMIT cuts last. Additive metrics (impressions, clicks,
// cost_micros, conversions, conversions_value, all_conversions,
// all_conversions_value) of an unsegmented row are the exact sums of the
// daily (and per-device) values over the same days; ctr, average_cpc and
// average_cpm derive from those sums.

#include "sim/google/google_model.hpp"

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace adbatch::sim::google {

struct query_rows {
  std::vector<boost::json::object> rows; ///< rendered GoogleAdsRow objects
  std::string field_mask;                ///< "campaign.id,metrics.costMicros"
  /// Totals of the selected metrics over all rows, when asked for.
  std::optional<boost::json::object> summary;
};

/// A query the API would reject: error category (queryError,
/// requestError...), enum name and message.
struct query_failure {
  std::string category = "queryError";
  std::string code;
  std::string message;
};

/// The resources FROM accepts.
std::vector<std::string> resources();

/// The metrics (`metrics.*`) a FROM resource can select or filter on, in
/// canonical order; empty = none (segments are then refused as well).
std::vector<std::string> selectable_metrics(std::string_view from);

/// Runs `gaql` for customer index `n` (negative = manager account). With
/// `summary`, also totals the selected metrics (summaryRowSetting); a query
/// without metrics then fails with
/// CANNOT_RETURN_SUMMARY_ROW_FOR_REQUEST_WITHOUT_METRICS. With
/// `omit_defaults`, fields holding their proto3 default (0, false, "") are
/// left out of rows, as the REST API's JSON does.
std::variant<query_rows, query_failure> run_query(const google_model& m, int n,
                                                  std::string_view gaql,
                                                  bool summary = false,
                                                  bool omit_defaults = true);

} // namespace adbatch::sim::google
