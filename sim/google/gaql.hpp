#pragma once

// A parser for the subset of the Google Ads Query Language the simulator
// serves: SELECT fields FROM resource [WHERE cond AND ...] [ORDER BY f
// [ASC|DESC], ...] [LIMIT n] [PARAMETERS ...]. Pure, no I/O. Errors carry
// the real QueryError enum name so answers look like the API's.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace adbatch::sim::google {

/// A literal on the right of a condition.
struct gaql_value {
  enum class type { number, string, identifier, list };
  type t = type::identifier;
  std::string text;              ///< number / string content / identifier
  std::vector<gaql_value> items; ///< list elements (IN, BETWEEN)
};

/// `field op value`; op is upper case: = != > >= < <= IN, NOT IN, LIKE,
/// NOT LIKE, CONTAINS ANY, CONTAINS ALL, CONTAINS NONE, IS NULL,
/// IS NOT NULL, DURING, BETWEEN, REGEXP_MATCH, NOT REGEXP_MATCH.
struct gaql_condition {
  std::string field;
  std::string op;
  gaql_value value;
};

struct gaql_ordering {
  std::string field;
  bool descending = false;
};

struct gaql_query {
  std::vector<std::string> select;
  std::string from;
  std::vector<gaql_condition> where;
  std::vector<gaql_ordering> order_by;
  std::optional<std::int64_t> limit;
};

/// A parse failure: QueryError enum name plus a human message.
struct gaql_error {
  std::string code; ///< e.g. "EXPECTED_FROM", "UNEXPECTED_END_OF_QUERY"
  std::string message;
};

/// Parses a GAQL query (syntax only; field names are checked by the caller).
std::variant<gaql_query, gaql_error> parse_gaql(std::string_view text);

} // namespace adbatch::sim::google
