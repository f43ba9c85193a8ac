#pragma once

// Packing requests that each name a set of ids into calls that carry at
// most `cap` distinct ids (X: 100 per lookup, 20 per stats call, 200 per
// Ads filter). Every request goes whole into one call. Internal to
// platforms/twitter.

#include <cstddef>
#include <string>
#include <vector>

namespace adbatch::platforms::twitter {

/// Bins of indices into `sets` (each set <= cap ids): first-fit decreasing,
/// then, for up to `exact_limit` sets, an exhaustive search for fewer bins
/// down to ceil(distinct ids / cap). Bins list their sets in input order.
std::vector<std::vector<std::size_t>>
pack_id_sets(const std::vector<std::vector<std::string>>& sets,
             std::size_t cap);

/// Sets up to which pack_id_sets (and the minimum function) are exact.
inline constexpr std::size_t exact_pack_limit = 14;

} // namespace adbatch::platforms::twitter
