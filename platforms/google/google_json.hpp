#pragma once

// JSON helpers of the Google Ads pipeline: an exact parser (doubles read
// with std::from_chars) and the field-path helpers GoogleAdsRow objects
// need (GAQL snake_case paths vs the REST JSON's lowerCamelCase keys).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace adbatch::platforms::google {

/// Parses `text` like boost::json::parse, but reads every double exactly.
/// Boost 1.81's parser can be one ulp off, which would make metrics summed
/// here differ from the platform's own totals. nullopt on invalid JSON.
std::optional<boost::json::value> parse_json_exact(std::string_view text);

/// "ad_group" -> "adGroup" (one path segment).
std::string camel_segment(std::string_view snake);

/// "ad_group_ad.ad.final_urls" -> "adGroupAd.ad.finalUrls".
std::string camel_path(std::string_view snake_path);

/// "adGroupAd.ad.finalUrls" -> "ad_group_ad.ad.final_urls" (snake stays).
std::string snake_path(std::string_view path);

/// The value at a snake_case field path in a GoogleAdsRow (keys in
/// lowerCamelCase), or nullptr.
const boost::json::value* row_value(const boost::json::object& row,
                                    std::string_view snake_path);

/// Sets a value at a snake_case field path, creating nested objects (the
/// order of first insertion is kept, as the platform renders rows).
void put_row_value(boost::json::object& row, std::string_view snake_path,
                   boost::json::value v);

/// Whether proto3 JSON leaves `v` out of a row (0, 0.0, false, "", []).
bool is_proto_default(const boost::json::value& v);

} // namespace adbatch::platforms::google
