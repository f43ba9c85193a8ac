#include "platforms/google/google_dates.hpp"

#include <array>
#include <cstdio>

namespace adbatch::platforms::google {

namespace {

constexpr std::array<std::string_view, 12> presets = {"TODAY",
                                                      "YESTERDAY",
                                                      "LAST_7_DAYS",
                                                      "LAST_14_DAYS",
                                                      "LAST_30_DAYS",
                                                      "THIS_MONTH",
                                                      "LAST_MONTH",
                                                      "THIS_WEEK_MON_TODAY",
                                                      "THIS_WEEK_SUN_TODAY",
                                                      "LAST_WEEK_MON_SUN",
                                                      "LAST_WEEK_SUN_SAT",
                                                      "LAST_BUSINESS_WEEK"};

// Howard Hinnant's civil calendar algorithms.
day_number days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
  std::int64_t y;
  unsigned m, d;
};

civil civil_from_days(day_number z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

} // namespace

std::optional<day_number> parse_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t n) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  static constexpr std::array<int, 12> len = {31, 28, 31, 30, 31, 30,
                                              31, 31, 30, 31, 30, 31};
  int max = len[static_cast<std::size_t>(*m - 1)] + (*m == 2 && leap(*y));
  if (*d > max) return std::nullopt;
  return days_from_civil(*y, static_cast<unsigned>(*m),
                         static_cast<unsigned>(*d));
}

std::string iso_date(day_number d) {
  auto c = civil_from_days(d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u",
                static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

day_number utc_day(std::chrono::system_clock::time_point t) {
  auto s =
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch())
          .count();
  return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

bool is_date_preset(std::string_view p) {
  for (auto x : presets)
    if (x == p) return true;
  return false;
}

std::optional<day_range> resolve_preset(std::string_view c, day_number today) {
  // 1970-01-01 was a Thursday: weekday 0 = Monday.
  const auto weekday = ((today % 7) + 10) % 7;
  if (c == "TODAY") return day_range{today, today};
  if (c == "YESTERDAY") return day_range{today - 1, today - 1};
  if (c == "LAST_7_DAYS") return day_range{today - 7, today - 1};
  if (c == "LAST_14_DAYS") return day_range{today - 14, today - 1};
  if (c == "LAST_30_DAYS") return day_range{today - 30, today - 1};
  if (c == "THIS_WEEK_MON_TODAY") return day_range{today - weekday, today};
  if (c == "THIS_WEEK_SUN_TODAY")
    return day_range{today - (weekday + 1) % 7, today};
  if (c == "LAST_WEEK_MON_SUN")
    return day_range{today - weekday - 7, today - weekday - 1};
  if (c == "LAST_WEEK_SUN_SAT") {
    auto sunday = today - (weekday + 1) % 7;
    return day_range{sunday - 7, sunday - 1};
  }
  if (c == "LAST_BUSINESS_WEEK")
    return day_range{today - weekday - 7, today - weekday - 3};
  auto t = civil_from_days(today);
  auto first = days_from_civil(t.y, t.m, 1);
  if (c == "THIS_MONTH") return day_range{first, today};
  if (c == "LAST_MONTH") {
    auto p = civil_from_days(first - 1);
    return day_range{days_from_civil(p.y, p.m, 1), first - 1};
  }
  return std::nullopt;
}

std::string date_presets_list() {
  std::string out;
  for (auto p : presets) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

} // namespace adbatch::platforms::google
