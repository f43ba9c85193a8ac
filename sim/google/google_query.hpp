#pragma once

// Runs a GAQL query against the simulated account tree: validates fields
// for the FROM resource, derives the date range from segments.date
// conditions, expands segment rows, filters, sorts, limits, and renders
// GoogleAdsRow objects with the REST API's lowerCamelCase names (int64 as
// strings). Pure, no I/O.

#include "sim/google/google_model.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace adbatch::sim::google {

struct query_rows {
  std::vector<boost::json::object> rows;  ///< rendered GoogleAdsRow objects
  std::string field_mask;                 ///< "campaign.id,metrics.costMicros"
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
