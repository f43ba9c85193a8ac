#pragma once

// Calendar arithmetic for GAQL date ranges: days since 1970-01-01, ISO
// dates and the DURING presets, resolved as Google Ads (and adbatch-sim)
// resolve them relative to "today".

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace adbatch::platforms::google {

/// Days since 1970-01-01 (may be negative).
using day_number = std::int64_t;

/// An inclusive range of days.
struct day_range {
  day_number first = 0;
  day_number last = 0;
  friend bool operator==(const day_range&, const day_range&) = default;
};

/// "2026-01-15" -> days; nullopt unless a valid YYYY-MM-DD date.
std::optional<day_number> parse_iso_date(std::string_view s);

/// days -> "2026-01-15".
std::string iso_date(day_number d);

/// The UTC calendar day of a time point.
day_number utc_day(std::chrono::system_clock::time_point t);

/// Whether `preset` is a DURING constant the planner knows (upper case).
bool is_date_preset(std::string_view preset);

/// The days a DURING preset covers when today is `today`.
std::optional<day_range> resolve_preset(std::string_view preset,
                                        day_number today);

/// The presets, for error messages ("TODAY, YESTERDAY, ...").
std::string date_presets_list();

} // namespace adbatch::platforms::google
