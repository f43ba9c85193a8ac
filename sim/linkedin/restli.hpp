#pragma once

// Rest.li protocol 2.0 values as they appear in URLs: `List(a,b)`, records
// `(k:v,k2:v2)` and percent-encoded leaves such as URN keys
// (`urn%3Ali%3AsponsoredAccount%3A123`). Pure: no I/O.
//
// The parser is lenient where real clients differ:
// - reserved characters inside leaves may be percent-encoded (what the
//   official clients send) or raw (`List(urn:li:sponsoredAccount:1)`), since
//   a list item or a record value ends only at `,` or `)`;
// - a whole value whose delimiters were percent-encoded once more
//   (`List%28urn%253Ali...%29`, a client that form-encoded the Rest.li text)
//   is decoded once and parsed again;
// - `+` decodes to a space (application/x-www-form-urlencoded bodies of
//   tunnelled queries).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace adbatch::sim::restli {

struct value;
/// `List(...)` items in order.
using list = std::vector<value>;
/// `(k:v,...)` fields in the order they were sent (keys decoded).
using record = std::vector<std::pair<std::string, value>>;

/// One Rest.li value: a decoded string leaf, a list or a record.
struct value {
  std::variant<std::string, list, record> v;

  bool is_string() const { return v.index() == 0; }
  bool is_list() const { return v.index() == 1; }
  bool is_record() const { return v.index() == 2; }
  /// Preconditions: the matching is_*().
  const std::string& str() const { return std::get<0>(v); }
  const list& items() const { return std::get<1>(v); }
  const record& fields() const { return std::get<2>(v); }
  /// The field with that key of a record, or nullptr (also for non-records).
  const value* find(std::string_view key) const;
};

/// Parses one URL-encoded Rest.li 2.0 value (a query parameter value or a
/// path segment, still percent-encoded). On failure returns nullopt and, if
/// `error` is given, a short reason.
std::optional<value> parse(std::string_view encoded,
                           std::string* error = nullptr);

/// Percent-decodes a plain (non-Rest.li) query component; nullopt if it has
/// a malformed escape.
std::optional<std::string> decode_component(std::string_view encoded);

/// Encodes a string leaf the way the official clients do: everything but
/// ALPHA / DIGIT / `-._~` percent-encoded. The empty string becomes `''`.
std::string encode_string(std::string_view s);

/// Encodes a whole value (lists and records with raw delimiters).
std::string encode(const value& v);

/// One query parameter: the decoded name and the still-encoded value (so that
/// Rest.li structure survives until parse()).
struct query_param {
  std::string name;
  std::string raw_value;
};

/// Splits a raw query string (`a=1&b=List(x)`). Returns nullopt if it is not
/// a valid URL query.
std::optional<std::vector<query_param>> split_query(std::string_view query);

} // namespace adbatch::sim::restli
