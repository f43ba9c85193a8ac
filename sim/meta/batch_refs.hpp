#pragma once

// Batch API references between operations: `{result=<name>:<JSONPath>}`
// inside relative_url or body is replaced by the values the JSONPath selects
// in the named operation's answer, joined with ','. Pure functions.

#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::sim::meta {

/// The values a JSONPath subset selects, as strings: `$.id`, `$.data.*.id`,
/// `$.data.0.id`, `$.data[0].id`, `$.data[*].id`. Arrays at the end are
/// flattened; objects and nulls are skipped.
std::vector<std::string> eval_jsonpath(const boost::json::value& v,
                                       std::string_view path);

/// The operation names `s` references with {result=name:...}.
std::set<std::string> referenced_names(std::string_view s);

/// Looks up a named operation's answer; nullptr when it did not succeed.
using result_lookup = std::function<const boost::json::value*(const std::string&)>;

/// Replaces every reference in `s`. Returns nullopt and sets `error` when a
/// reference is malformed, names an operation without a successful answer
/// or selects nothing.
std::optional<std::string> substitute_results(std::string_view s,
                                              const result_lookup& lookup,
                                              std::string& error);

} // namespace adbatch::sim::meta
