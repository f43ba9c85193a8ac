#pragma once

// Small text helpers of the Meta adapter: query/form encoding as Graph
// reads it, and the clean-up every result gets before it is stored.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adbatch::platforms::meta {

using param_pairs = std::vector<std::pair<std::string, std::string>>;

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string pct_encode(std::string_view s);
/// Decodes %XX and '+' (as a space), as form and query parsers do.
std::string pct_decode(std::string_view s);
/// `a=b&c=d` with keys and values percent-encoded.
std::string form_encode(const param_pairs& params);
/// Parses `a=b&c=d` (decoded); empty pieces are skipped.
param_pairs parse_form(std::string_view s);

/// What every stored result goes through: `paging.next` / `paging.previous`
/// links are replaced by `paging.has_next` / `paging.has_previous` (Graph
/// puts the access token in the links, and builds them differently for
/// expanded and ?ids= reads; `paging.cursors` stay: ask again with
/// `after`), and every `access_token` member is dropped (page tokens of
/// /me/accounts). Tokens never reach a result.
void sanitize_result(boost::json::value& v);

} // namespace adbatch::platforms::meta
