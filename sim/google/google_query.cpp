#include "sim/google/google_query.hpp"

#include "sim/google/gaql.hpp"
#include "sim/meta/sim_util.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <regex>
#include <set>

namespace adbatch::sim::google {

namespace json = boost::json;

namespace {

/// Every metric the simulator knows, in canonical order.
const std::vector<std::string>& all_metrics() {
  static const std::vector<std::string> f = {
      "metrics.impressions",           "metrics.clicks",
      "metrics.cost_micros",           "metrics.conversions",
      "metrics.conversions_value",     "metrics.all_conversions",
      "metrics.all_conversions_value", "metrics.ctr",
      "metrics.average_cpc",           "metrics.average_cpm"};
  return f;
}

const std::set<std::string>& segment_fields() {
  static const std::set<std::string> f = {"segments.date", "segments.device"};
  return f;
}

/// Resources a FROM resource carries (selectable prefixes).
std::vector<std::string> attributed(std::string_view from) {
  if (from == "customer") return {"customer"};
  if (from == "campaign") return {"campaign", "campaign_budget", "customer"};
  if (from == "ad_group") return {"ad_group", "campaign", "customer"};
  if (from == "ad_group_ad")
    return {"ad_group_ad", "ad_group", "campaign", "customer"};
  if (from == "ad_group_criterion")
    return {"ad_group_criterion", "ad_group", "campaign", "customer"};
  if (from == "keyword_view")
    return {"keyword_view", "ad_group_criterion", "ad_group", "campaign",
            "customer"};
  if (from == "conversion_action") return {"conversion_action", "customer"};
  if (from == "user_list") return {"user_list", "customer"};
  if (from == "asset") return {"asset", "customer"};
  if (from == "campaign_asset")
    return {"campaign_asset", "campaign", "asset", "customer"};
  return {};
}

std::string prefix_of(const std::string& f) {
  return f.substr(0, f.find('.'));
}

/// The metric fields of a totals record (derived ones from the sums).
void put_metrics(flat_row& row, const day_metrics& m) {
  auto imp = static_cast<double>(m.impressions);
  auto clicks = static_cast<double>(m.clicks);
  auto cost = static_cast<double>(m.cost_micros);
  row["metrics.impressions"] = m.impressions;
  row["metrics.clicks"] = m.clicks;
  row["metrics.cost_micros"] = m.cost_micros;
  row["metrics.conversions"] = m.conversions;
  row["metrics.conversions_value"] = m.conversions_value;
  row["metrics.all_conversions"] = m.all_conversions;
  row["metrics.all_conversions_value"] = m.all_conversions_value;
  row["metrics.ctr"] = m.impressions ? clicks / imp : 0.0;
  row["metrics.average_cpc"] = m.clicks ? cost / clicks : 0.0;
  row["metrics.average_cpm"] = m.impressions ? 1000.0 * cost / imp : 0.0;
}

/// Reads the additive metrics back from a row.
day_metrics read_metrics(const flat_row& r) {
  day_metrics m;
  auto i64 = [&](const char* f) -> std::int64_t {
    auto it = r.find(f);
    return it != r.end() && it->second.is_int64() ? it->second.as_int64() : 0;
  };
  auto dbl = [&](const char* f) -> double {
    auto it = r.find(f);
    return it != r.end() && it->second.is_double() ? it->second.as_double()
                                                   : 0.0;
  };
  m.impressions = i64("metrics.impressions");
  m.clicks = i64("metrics.clicks");
  m.cost_micros = i64("metrics.cost_micros");
  m.conversions = dbl("metrics.conversions");
  m.conversions_value = dbl("metrics.conversions_value");
  m.all_conversions = dbl("metrics.all_conversions");
  m.all_conversions_value = dbl("metrics.all_conversions_value");
  return m;
}

std::optional<double> as_number(const std::string& s) {
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return d;
}

std::optional<double> value_number(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nullopt;
}

std::string value_text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool() ? "TRUE" : "FALSE";
  if (auto n = value_number(v)) {
    if (v.is_double()) return std::to_string(*n);
    return std::to_string(v.is_int64() ? v.as_int64()
                                       : static_cast<std::int64_t>(*n));
  }
  return {};
}

bool upper_eq(std::string a, std::string b) {
  for (auto& c : a)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto& c : b)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return a == b;
}

/// -1/0/1 comparison of a row value with a literal.
std::optional<int> compare(const json::value& v, const gaql_value& lit) {
  if (auto n = value_number(v)) {
    auto l = as_number(lit.text);
    if (!l) return std::nullopt;
    return *n < *l ? -1 : *n > *l ? 1 : 0;
  }
  if (v.is_bool()) return upper_eq(value_text(v), lit.text) ? 0 : 1;
  auto t = value_text(v);
  return t < lit.text ? -1 : t > lit.text ? 1 : 0;
}

bool like(std::string_view s, std::string_view p) {
  // '%' any run, '_' one character; iterative with backtracking on '%'.
  std::size_t si = 0, pi = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '_' || p[pi] == s[si])) {
      ++si;
      ++pi;
    } else if (pi < p.size() && p[pi] == '%') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%')
    ++pi;
  return pi == p.size();
}

bool matches(const json::value* v, const gaql_condition& c) {
  if (c.op == "IS NULL") return !v || v->is_null();
  if (c.op == "IS NOT NULL") return v && !v->is_null();
  if (!v || v->is_null()) return false;
  if (c.op == "=" || c.op == "!=") {
    auto r = compare(*v, c.value);
    bool eq = r && *r == 0;
    return c.op == "=" ? eq : !eq;
  }
  if (c.op == ">" || c.op == ">=" || c.op == "<" || c.op == "<=") {
    auto r = compare(*v, c.value);
    if (!r) return false;
    if (c.op == ">") return *r > 0;
    if (c.op == ">=") return *r >= 0;
    if (c.op == "<") return *r < 0;
    return *r <= 0;
  }
  if (c.op == "IN" || c.op == "NOT IN") {
    bool any = false;
    for (const auto& item : c.value.items) {
      auto r = compare(*v, item);
      if (r && *r == 0) any = true;
    }
    return c.op == "IN" ? any : !any;
  }
  if (c.op == "LIKE" || c.op == "NOT LIKE") {
    bool m = like(value_text(*v), c.value.text);
    return c.op == "LIKE" ? m : !m;
  }
  if (c.op == "REGEXP_MATCH" || c.op == "NOT REGEXP_MATCH") {
    bool m = false;
    try {
      m = std::regex_search(value_text(*v), std::regex(c.value.text));
    } catch (const std::regex_error&) {
      m = false;
    }
    return c.op == "REGEXP_MATCH" ? m : !m;
  }
  if (c.op.rfind("CONTAINS", 0) == 0) {
    if (!v->is_array()) return false;
    std::size_t hits = 0;
    for (const auto& item : c.value.items)
      for (const auto& e : v->as_array())
        if (value_text(e) == item.text) {
          ++hits;
          break;
        }
    if (c.op == "CONTAINS ANY") return hits > 0;
    if (c.op == "CONTAINS ALL") return hits == c.value.items.size();
    return hits == 0;
  }
  return true; // DURING / BETWEEN are applied through the date range
}

/// The date range a DURING constant stands for, relative to `today`.
std::optional<std::pair<std::int64_t, std::int64_t>>
during(std::string c, std::int64_t today) {
  for (auto& ch : c)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  // 1970-01-01 was a Thursday: weekday 0 = Monday.
  auto weekday = ((today % 7) + 10) % 7;
  if (c == "TODAY") return std::pair{today, today};
  if (c == "YESTERDAY") return std::pair{today - 1, today - 1};
  if (c == "LAST_7_DAYS") return std::pair{today - 7, today - 1};
  if (c == "LAST_14_DAYS") return std::pair{today - 14, today - 1};
  if (c == "LAST_30_DAYS") return std::pair{today - 30, today - 1};
  if (c == "THIS_WEEK_MON_TODAY") return std::pair{today - weekday, today};
  if (c == "THIS_WEEK_SUN_TODAY")
    return std::pair{today - (weekday + 1) % 7, today};
  if (c == "LAST_WEEK_MON_SUN")
    return std::pair{today - weekday - 7, today - weekday - 1};
  if (c == "LAST_WEEK_SUN_SAT") {
    auto sun = today - (weekday + 1) % 7;
    return std::pair{sun - 7, sun - 1};
  }
  if (c == "LAST_BUSINESS_WEEK")
    return std::pair{today - weekday - 7, today - weekday - 3};
  auto civil = detail::civil_from_days(today);
  auto first = *detail::parse_date(civil.substr(0, 8) + "01");
  if (c == "THIS_MONTH") return std::pair{first, today};
  if (c == "LAST_MONTH") {
    auto prev_last = first - 1;
    auto pc = detail::civil_from_days(prev_last);
    return std::pair{*detail::parse_date(pc.substr(0, 8) + "01"), prev_last};
  }
  return std::nullopt;
}

/// Orders two row values: absent/null first, then numbers, booleans
/// (false < true) and text.
int compare_values(const json::value* a, const json::value* b) {
  bool an = !a || a->is_null(), bn = !b || b->is_null();
  if (an || bn) return an == bn ? 0 : an ? -1 : 1;
  auto na = value_number(*a), nb = value_number(*b);
  if (na && nb) return *na < *nb ? -1 : *na > *nb ? 1 : 0;
  if (a->is_bool() && b->is_bool())
    return a->as_bool() == b->as_bool() ? 0 : a->as_bool() ? 1 : -1;
  auto ta = value_text(*a), tb = value_text(*b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

} // namespace

std::vector<std::string> selectable_metrics(std::string_view from) {
  if (from == "customer" || from == "campaign" || from == "ad_group" ||
      from == "ad_group_ad" || from == "keyword_view")
    return all_metrics();
  if (from == "conversion_action")
    return {"metrics.conversions", "metrics.conversions_value",
            "metrics.all_conversions", "metrics.all_conversions_value"};
  return {};
}

std::vector<std::string> resources() {
  return {"customer",          "campaign",           "ad_group",
          "ad_group_ad",       "ad_group_criterion", "keyword_view",
          "conversion_action", "user_list",          "asset",
          "campaign_asset"};
}

std::variant<query_rows, query_failure> run_query(const google_model& m, int n,
                                                  std::string_view gaql,
                                                  bool summary,
                                                  bool omit_defaults) {
  auto parsed = parse_gaql(gaql);
  if (auto* e = std::get_if<gaql_error>(&parsed))
    return query_failure{"queryError", e->code, e->message};
  auto& q = std::get<gaql_query>(parsed);
  auto res = attributed(q.from);
  if (res.empty())
    return query_failure{"queryError", "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE",
                         "Invalid resource type in FROM clause: '" + q.from +
                             "'."};
  auto allowed_metrics = selectable_metrics(q.from);
  const bool has_metrics = !allowed_metrics.empty();

  // Known attribute fields: from a synthetic full-depth entity (fields a
  // particular entity lacks are null there, so every name is present).
  auto known = m.attributes(q.from, entity{1, 1, 1, 1});
  bool wants_metrics = false, wants_date = false, wants_device = false;
  auto unrecognized = [](const std::string& f) {
    return query_failure{"queryError", "UNRECOGNIZED_FIELD",
                         "Unrecognized field in the query: '" + f + "'."};
  };
  auto check_field = [&](const std::string& f,
                         bool in_select) -> std::optional<query_failure> {
    auto p = prefix_of(f);
    if (p == "metrics") {
      if (std::find(all_metrics().begin(), all_metrics().end(), f) ==
          all_metrics().end())
        return unrecognized(f);
      if (std::find(allowed_metrics.begin(), allowed_metrics.end(), f) ==
          allowed_metrics.end())
        return query_failure{
            "queryError", "PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE",
            "Cannot select or filter on the following metrics: '" + f +
                "' (could not support requested resources: '" + q.from + "')."};
      wants_metrics = true;
      return std::nullopt;
    }
    if (p == "segments") {
      if (!segment_fields().count(f)) return unrecognized(f);
      if (!has_metrics)
        return query_failure{
            "queryError", "PROHIBITED_SEGMENT_IN_SELECT_OR_WHERE_CLAUSE",
            "Cannot select or filter on the following segments: '" + f + "'."};
      if (in_select && f == "segments.date") wants_date = true;
      // A device filter or ordering segments the rows as well.
      if (f == "segments.device") wants_device = true;
      return std::nullopt;
    }
    if (std::find(res.begin(), res.end(), p) == res.end())
      return query_failure{"queryError",
                           "PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE",
                           "The following resource cannot be selected with '" +
                               q.from + "': '" + p + "'."};
    if (!known.count(f)) return unrecognized(f);
    return std::nullopt;
  };
  for (const auto& f : q.select)
    if (auto e = check_field(f, true)) return *e;
  for (const auto& c : q.where)
    if (auto e = check_field(c.field, false)) return *e;
  for (const auto& o : q.order_by)
    if (auto e = check_field(o.field, false)) return *e;
  if (summary &&
      !std::any_of(q.select.begin(), q.select.end(), [](const std::string& f) {
        return prefix_of(f) == "metrics";
      }))
    return query_failure{
        "requestError", "CANNOT_RETURN_SUMMARY_ROW_FOR_REQUEST_WITHOUT_METRICS",
        "Summary row cannot be returned for a request without metrics."};
  if (n < 0 && wants_metrics)
    return query_failure{
        "queryError", "REQUESTED_METRICS_FOR_MANAGER",
        "Metrics cannot be requested for a manager account. To retrieve "
        "metrics, issue separate requests against each client account under "
        "the manager account."};

  // The days the query covers: the intersection of the range conditions
  // on segments.date (DURING, BETWEEN, = > >= < <=, the span of an IN
  // list), then each day checked against the other date conditions (IN,
  // NOT IN, !=, LIKE ...). A side without a bound: up to today, from 89
  // days before the upper bound. No date condition: the last 90 days.
  const auto today = m.world().today;
  std::optional<std::int64_t> lo, hi;
  auto narrow = [&](std::int64_t a, std::int64_t b) {
    lo = lo ? std::max(*lo, a) : a;
    hi = hi ? std::min(*hi, b) : b;
  };
  constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min() / 4;
  constexpr std::int64_t all = std::numeric_limits<std::int64_t>::max() / 4;
  bool has_date_filter = false;
  std::vector<const gaql_condition*> day_filters;
  auto bad_date = [](const std::string& text) {
    return query_failure{"queryError", "BAD_VALUE",
                         "Invalid date value '" + text +
                             "'; expected 'YYYY-MM-DD'."};
  };
  for (const auto& c : q.where) {
    if (c.field != "segments.date") continue;
    has_date_filter = true;
    auto date = [&](const gaql_value& v) { return detail::parse_date(v.text); };
    if (c.op == "DURING") {
      auto r = during(c.value.text, today);
      if (!r)
        return query_failure{"queryError", "INVALID_VALUE_WITH_DURING_OPERATOR",
                             "Invalid date range constant for DURING: '" +
                                 c.value.text + "'."};
      narrow(r->first, r->second);
    } else if (c.op == "BETWEEN") {
      auto a = date(c.value.items[0]), b = date(c.value.items[1]);
      if (!a || !b)
        return query_failure{
            "queryError", "INVALID_VALUE_WITH_BETWEEN_OPERATOR",
            "Invalid date values for BETWEEN; expected 'YYYY-MM-DD'."};
      narrow(*a, *b);
    } else if (c.op == "=" || c.op == ">=" || c.op == ">" || c.op == "<=" ||
               c.op == "<") {
      auto d = date(c.value);
      if (!d) return bad_date(c.value.text);
      if (c.op == "=")
        narrow(*d, *d);
      else if (c.op == ">=")
        narrow(*d, all);
      else if (c.op == ">")
        narrow(*d + 1, all);
      else if (c.op == "<=")
        narrow(none, *d);
      else
        narrow(none, *d - 1);
    } else if (c.op == "IN") {
      std::int64_t a = all, b = none;
      for (const auto& item : c.value.items) {
        auto d = date(item);
        if (!d) return bad_date(item.text);
        a = std::min(a, *d);
        b = std::max(b, *d);
      }
      narrow(a, b);
      day_filters.push_back(&c);
    } else {
      day_filters.push_back(&c);
    }
  }
  std::int64_t since = today - 89, until = today;
  if (has_date_filter) {
    until = hi && *hi != all ? *hi : today;
    since = lo && *lo != none ? *lo : until - 89;
  }
  if (wants_date && !has_date_filter)
    return query_failure{
        "queryError", "EXPECTED_FILTERS_ON_DATE_RANGE",
        "Filters on date range are expected when segments.date is selected."};
  if (until - since > 3650)
    return query_failure{"queryError", "DATE_RANGE_TOO_WIDE",
                         "The date range is too wide."};
  std::vector<std::int64_t> days;
  for (auto d = since; d <= until; ++d) {
    json::value text(detail::civil_from_days(d));
    if (std::all_of(
            day_filters.begin(), day_filters.end(),
            [&](const gaql_condition* c) { return matches(&text, *c); }))
      days.push_back(d);
  }

  // Rows: entities in id order; with segments.date one row per day of the
  // range (ascending), with segments.device one per device (MOBILE,
  // DESKTOP, TABLET). Without segments.date the metrics are the sums of
  // the daily values over the range.
  std::vector<flat_row> rows;
  bool need_metrics = wants_metrics || wants_date || wants_device;
  std::vector<int> devs =
      wants_device ? std::vector<int>{0, 1, 2} : std::vector<int>{-1};
  // Only the fields the query touches travel with each row.
  std::set<std::string> needed(q.select.begin(), q.select.end());
  for (const auto& c : q.where)
    needed.insert(c.field);
  for (const auto& o : q.order_by)
    needed.insert(o.field);
  for (const auto& r : res)
    needed.insert(r + ".resource_name");
  for (const auto& e : m.enumerate(q.from, n)) {
    auto full = m.attributes(q.from, e);
    flat_row attrs;
    for (auto& [k, v] : full)
      if (needed.count(k)) attrs.emplace(k, std::move(v));
    if (!need_metrics) {
      rows.push_back(std::move(attrs));
      continue;
    }
    auto emit = [&](const day_metrics& x, std::optional<std::int64_t> day,
                    int dev) {
      auto row = attrs;
      put_metrics(row, x);
      if (day) row["segments.date"] = detail::civil_from_days(*day);
      if (dev >= 0) row["segments.device"] = devices[dev];
      rows.push_back(std::move(row));
    };
    if (wants_date) {
      for (auto d : days)
        for (int dev : devs)
          emit(m.metrics(q.from, e, d, dev), d, dev);
    } else {
      for (int dev : devs) {
        day_metrics sum;
        for (auto d : days)
          sum += m.metrics(q.from, e, d, dev);
        emit(sum, std::nullopt, dev);
      }
    }
  }

  // WHERE (date conditions already chose the days).
  std::vector<flat_row> kept;
  for (auto& r : rows) {
    bool ok = true;
    for (const auto& c : q.where) {
      if (c.field == "segments.date") continue;
      auto it = r.find(c.field);
      if (!matches(it == r.end() ? nullptr : &it->second, c)) {
        ok = false;
        break;
      }
    }
    if (ok) kept.push_back(std::move(r));
  }
  // ORDER BY: stable, so ties keep the default order above.
  if (!q.order_by.empty()) {
    std::stable_sort(
        kept.begin(), kept.end(), [&](const flat_row& a, const flat_row& b) {
          for (const auto& o : q.order_by) {
            auto ia = a.find(o.field), ib = b.find(o.field);
            int cmp = compare_values(ia == a.end() ? nullptr : &ia->second,
                                     ib == b.end() ? nullptr : &ib->second);
            if (cmp != 0) return o.descending ? cmp > 0 : cmp < 0;
          }
          return false;
        });
  }
  if (q.limit && static_cast<std::int64_t>(kept.size()) > *q.limit)
    kept.resize(static_cast<std::size_t>(*q.limit));

  // Render GoogleAdsRow objects.
  query_rows out;
  if (summary) {
    day_metrics total;
    for (const auto& r : kept)
      total += read_metrics(r);
    flat_row totals;
    put_metrics(totals, total);
    json::object metrics;
    for (const auto& f : q.select) {
      if (prefix_of(f) != "metrics") continue;
      const auto& v = totals[f];
      metrics[camel(f.substr(8))] =
          v.is_int64() ? json::value(std::to_string(v.as_int64())) : v;
    }
    out.summary = json::object{{"metrics", std::move(metrics)}};
  }
  for (const auto& f : q.select) {
    if (!out.field_mask.empty()) out.field_mask += ',';
    out.field_mask += camel_path(f);
  }
  std::set<std::string> resources_selected;
  for (const auto& f : q.select) {
    auto p = prefix_of(f);
    if (p != "metrics" && p != "segments") resources_selected.insert(p);
  }
  resources_selected.insert(q.from);
  for (const auto& r : kept) {
    json::object row;
    auto put = [&](const std::string& path, const json::value& v) {
      // A field of a message the entity lacks is absent; proto3 JSON also
      // leaves out fields holding their default value.
      if (v.is_null()) return;
      if (omit_defaults && ((v.is_int64() && v.as_int64() == 0) ||
                            (v.is_double() && v.as_double() == 0.0) ||
                            (v.is_bool() && !v.as_bool()) ||
                            (v.is_string() && v.as_string().empty()) ||
                            (v.is_array() && v.as_array().empty())))
        return;
      json::object* cur = &row;
      std::size_t i = 0;
      while (true) {
        auto j = path.find('.', i);
        auto seg = camel(std::string_view(path).substr(
            i, j == std::string::npos ? std::string::npos : j - i));
        if (j == std::string::npos) {
          if (v.is_int64())
            (*cur)[seg] = std::to_string(v.as_int64());
          else
            (*cur)[seg] = v;
          return;
        }
        auto& next = (*cur)[seg];
        if (!next.is_object()) next = json::object{};
        cur = &next.as_object();
        i = j + 1;
      }
    };
    for (const auto& res_name : resources_selected)
      if (auto it = r.find(res_name + ".resource_name"); it != r.end())
        put(res_name + ".resource_name", it->second);
    for (const auto& f : q.select)
      if (auto it = r.find(f); it != r.end()) put(f, it->second);
    out.rows.push_back(std::move(row));
  }
  return out;
}

} // namespace adbatch::sim::google
