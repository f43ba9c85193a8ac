#pragma once

// Graph API `fields=` parameter, including field expansion:
//   fields=id,name,campaigns.limit(2).after(X){name,adsets{name}}
// Pure parser, no I/O.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::sim::meta {

/// One requested field; edges may carry modifiers and a nested selection.
struct field_spec {
  std::string name;
  /// `.limit(2)`, `.after(X)`, `.date_preset(last_7d)` ... raw argument text.
  std::map<std::string, std::string> modifiers;
  /// Nested `{...}` selection; nullopt when the field had no braces.
  std::optional<std::vector<field_spec>> children;
};

using field_list = std::vector<field_spec>;

/// Parses a fields= value. Returns nullopt (and sets `error`) when malformed.
std::optional<field_list> parse_fields(std::string_view text,
                                       std::string& error);

/// Re-renders a field list in Graph syntax (for paging.next URLs).
std::string render_fields(const field_list& fields);

} // namespace adbatch::sim::meta
