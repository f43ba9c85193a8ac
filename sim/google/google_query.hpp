#pragma once

// Runs a GAQL query against the simulated account tree: validates fields
// for the FROM resource, derives the date range from segments.date
// conditions, expands segment rows, filters, sorts, limits, and renders
// GoogleAdsRow objects with the REST API's lowerCamelCase names (int64 as
// strings). Pure, no I/O.

#include "sim/google/google_model.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace adbatch::sim::google {

struct query_rows {
  std::vector<boost::json::object> rows;  ///< rendered GoogleAdsRow objects
  std::string field_mask;                 ///< "campaign.id,metrics.costMicros"
};

/// A query the API would reject: error category (queryError,
/// requestError...), enum name and message.
struct query_failure {
  std::string category = "queryError";
  std::string code;
  std::string message;
};

/// Runs `gaql` for customer index `n` (negative = manager account).
std::variant<query_rows, query_failure> run_query(const google_model& m, int n,
                                                  std::string_view gaql);

} // namespace adbatch::sim::google
