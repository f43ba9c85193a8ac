#pragma once

// The GAQL the planner sends: typed literals (escaped properly), the
// conditions the catalog generates (=, !=, IN on attribute fields; the date
// range on segments.date) and the text of a whole query. Pure.

#include "platforms/google/google_dates.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adbatch::platforms::google {

/// How a field's value is typed in GoogleAdsRow JSON (int64 travel as
/// strings, doubles as numbers) and compared by the platform.
enum class field_type : std::uint8_t {
  int64,
  dbl,
  boolean,
  string, ///< strings, enums, dates, resource names
  string_list,
};

/// A literal on the right of a condition, in canonical text: decimal digits
/// (int64), the shortest round-trip form (double), TRUE/FALSE (boolean) or
/// the raw, unescaped string.
struct gaql_literal {
  field_type type = field_type::string;
  std::string text;
  friend bool operator==(const gaql_literal&, const gaql_literal&) = default;
  friend auto operator<=>(const gaql_literal&, const gaql_literal&) = default;
};

/// `field op value(s)`; op is "=", "!=" or "IN".
struct gaql_condition {
  std::string field;
  std::string op;
  std::vector<gaql_literal> values;
  friend bool operator==(const gaql_condition&,
                         const gaql_condition&) = default;
  friend auto operator<=>(const gaql_condition&,
                          const gaql_condition&) = default;
};

/// The segments.date condition of a query.
struct gaql_date {
  enum class kind : std::uint8_t { none, during, between };
  kind k = kind::none;
  std::string preset; ///< during
  day_range range;    ///< between
  friend bool operator==(const gaql_date&, const gaql_date&) = default;
};

struct gaql_ordering {
  std::string field;
  bool descending = false;
  friend bool operator==(const gaql_ordering&, const gaql_ordering&) = default;
};

/// A query as the planner builds it.
struct gaql_select {
  std::vector<std::string> select;
  std::string from;
  std::vector<gaql_condition> where;
  gaql_date date;
  std::vector<gaql_ordering> order_by;
  std::optional<std::int64_t> limit;
};

/// A GAQL string literal: single quotes, backslash and quote escaped.
/// (Newlines are refused by the catalog: GAQL strings may not hold them.)
std::string gaql_quote(std::string_view raw);

/// A literal as GAQL text: numbers bare, booleans TRUE/FALSE, strings
/// quoted.
std::string gaql_render_literal(const gaql_literal& v);

/// One condition as GAQL text.
std::string gaql_render_condition(const gaql_condition& c);

/// The whole query: SELECT ... FROM ... [WHERE ...] [ORDER BY ...]
/// [LIMIT n]; the date condition comes last in WHERE.
std::string gaql_render(const gaql_select& q);

} // namespace adbatch::platforms::google
