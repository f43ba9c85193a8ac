#pragma once

// Small pure helpers the Meta and Google simulators share: seeded hashing
// (every simulated object's attributes derive from hash(seed, id)), tolerant
// query/form parsing over boost::url, opaque paging cursors, and civil dates.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adbatch::sim::detail {

/// A stable 64-bit hash of (seed, parts...): same inputs, same value, on every
/// platform and run (FNV-1a over the bytes, then a splitmix64 finaliser).
std::uint64_t stable_hash(std::uint64_t seed, std::string_view a,
                          std::string_view b = {}, std::string_view c = {});

/// Decoded key/value pairs of a query string or form body, in order.
using param_list = std::vector<std::pair<std::string, std::string>>;

/// Parses `a=b&c=d` (no leading '?'), percent-decoding keys and values and
/// treating '+' as a space (form bodies and most SDK query strings). Bytes
/// that RFC 3986 does not allow in a query (raw '{', '"', ' ' ...) are
/// tolerated, as real platforms tolerate them.
param_list parse_params(std::string_view s);

/// The last value of `key` in `params`, if present.
std::optional<std::string> find_param(const param_list& params,
                                      std::string_view key);

/// Percent-encodes a query parameter list back into `a=b&c=d`.
std::string encode_params(const param_list& params);

/// Opaque, base64-looking cursor for a list offset (clients never parse it).
std::string encode_cursor(std::int64_t offset);
/// The offset inside a cursor made by encode_cursor, if it is one.
std::optional<std::int64_t> decode_cursor(std::string_view cursor);

/// Days since 1970-01-01 of a civil date, and back ("YYYY-MM-DD").
std::int64_t days_from_civil(int y, unsigned m, unsigned d);
std::string civil_from_days(std::int64_t days);
/// Parses "YYYY-MM-DD"; nullopt if malformed.
std::optional<std::int64_t> parse_date(std::string_view s);

/// `s` with every byte sequence that is not valid UTF-8 replaced by U+FFFD,
/// so text echoed from a request into a JSON answer stays valid JSON.
std::string valid_utf8(std::string_view s);

/// Lower-case hex id for request ids / trace ids, from a hash.
std::string hex_id(std::uint64_t h, std::size_t len);

} // namespace adbatch::sim::detail
