#include "platforms/snapchat/snapchat_catalog.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

namespace adbatch::platforms::snapchat {

namespace {

namespace json = boost::json;

/// How a request type maps onto the API.
struct type_info {
  op_kind op;
  const char* collection;
  const char* entity;
  const char* result_key;
  const char* parent_param; ///< "" = no parent filter
  const char* parent_plural;
  const char* ids_param; ///< "" = no by-id filter
  const char* breakdown; ///< stats: "campaign" ...; "" = the pixel
};

const std::map<std::string, type_info, std::less<>>& types() {
  static const std::map<std::string, type_info, std::less<>> t{
      {"get_organizations",
       {op_kind::orgs, "organizations", "organization", "organizations", "", "",
        "", ""}},
      {"get_ad_accounts",
       {op_kind::orgs, "adaccounts", "adaccount", "ad_accounts",
        "organization_id", "organizations", "ad_account_ids", ""}},
      {"get_campaigns",
       {op_kind::list, "campaigns", "campaign", "campaigns", "", "",
        "campaign_ids", ""}},
      {"get_ad_squads",
       {op_kind::list, "adsquads", "adsquad", "ad_squads", "campaign_id",
        "campaigns", "ad_squad_ids", ""}},
      {"get_ads",
       {op_kind::list, "ads", "ad", "ads", "ad_squad_id", "adsquads", "ad_ids",
        ""}},
      {"get_creatives",
       {op_kind::list, "creatives", "creative", "creatives", "", "",
        "creative_ids", ""}},
      {"get_media",
       {op_kind::list, "media", "media", "media", "", "", "media_ids", ""}},
      {"get_audiences",
       {op_kind::list, "segments", "segment", "audiences", "", "",
        "segment_ids", ""}},
      {"get_audience_segments",
       {op_kind::list, "segments", "segment", "segments", "", "", "segment_ids",
        ""}},
      {"get_pixels",
       {op_kind::list, "pixels", "pixel", "pixels", "", "", "pixel_ids", ""}},
      {"get_targeting_options",
       {op_kind::targeting, "", "", "targeting_options", "", "", "", ""}},
      {"get_campaign_stats",
       {op_kind::stats, "", "", "stats", "", "", "entity_ids", "campaign"}},
      {"get_ad_squad_stats",
       {op_kind::stats, "", "", "stats", "", "", "entity_ids", "adsquad"}},
      {"get_ad_stats",
       {op_kind::stats, "", "", "stats", "", "", "entity_ids", "ad"}},
      {"get_pixel_events", {op_kind::stats, "", "", "stats", "", "", "", ""}},
  };
  return t;
}

/// The targeting dimensions and types the API (and adbatch-sim) serves.
const std::map<std::string, std::set<std::string>, std::less<>>&
targeting_types() {
  static const std::map<std::string, std::set<std::string>, std::less<>> t{
      {"geo", {"country"}},
      {"demographics", {"age_group", "gender", "languages"}},
      {"device", {"os_type", "connection_type"}},
      {"interests", {"scls"}},
  };
  return t;
}

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

/// A Snapchat id: a UUID, lower-cased.
std::optional<std::string> uuid_of(const json::value& v) {
  if (!v.is_string()) return std::nullopt;
  std::string s{v.as_string()};
  if (s.size() != 36) return std::nullopt;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return std::nullopt;
    s[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  }
  return s;
}

bool parse_int(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

/// "YYYY-MM-DD" (offset Z) or "YYYY-MM-DDT00:00:00[.000](Z|+HH:MM|-HH:MM)":
/// the day number and the offset.
std::optional<std::pair<std::int64_t, std::string>>
parse_day(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), m) ||
      !parse_int(s.substr(8, 2), d))
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y},
                                  std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1971 || y > 2999) return std::nullopt;
  auto day = std::chrono::sys_days{ymd}.time_since_epoch().count();
  auto rest = s.substr(10);
  if (rest.empty()) return std::pair{day, std::string{"Z"}};
  if (rest.substr(0, 9) != "T00:00:00") return std::nullopt;
  rest = rest.substr(9);
  if (rest.substr(0, 4) == ".000") rest = rest.substr(4);
  if (rest == "Z") return std::pair{day, std::string{"Z"}};
  int hh = 0, mm = 0;
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') &&
      rest[3] == ':' && parse_int(rest.substr(1, 2), hh) &&
      parse_int(rest.substr(4, 2), mm) && hh <= 14 && mm < 60)
    return std::pair{day, std::string{rest}};
  return std::nullopt;
}

struct parser {
  std::string_view type;
  const json::object& params;
  std::string error;

  bool fail(std::string msg) {
    if (error.empty()) error = std::string{type} + ": " + std::move(msg);
    return false;
  }

  bool uuid(std::string_view key, std::string& out) {
    auto* v = params.if_contains(key);
    if (!v) return true;
    auto id = uuid_of(*v);
    if (!id)
      return fail("params." + std::string{key} +
                  " must be a Snapchat id (a UUID string)");
    out = *id;
    return true;
  }

  bool uuids(std::string_view key, std::vector<std::string>& out) {
    auto* v = params.if_contains(key);
    if (!v) return true;
    if (!v->is_array() || v->as_array().empty())
      return fail("params." + std::string{key} +
                  " must be a non-empty array of Snapchat ids");
    std::set<std::string> s;
    for (const auto& e : v->as_array()) {
      auto id = uuid_of(e);
      if (!id)
        return fail("params." + std::string{key} +
                    " must be a non-empty array of Snapchat ids (UUID "
                    "strings)");
      s.insert(*id);
    }
    if (s.size() > 1000)
      return fail("params." + std::string{key} + " may list at most 1000 ids");
    out.assign(s.begin(), s.end());
    return true;
  }

  bool names(std::string_view key, const std::vector<std::string>& allowed,
             std::vector<std::string>& out) {
    auto* v = params.if_contains(key);
    if (!v) {
      out = allowed;
      std::sort(out.begin(), out.end());
      return true;
    }
    std::string list;
    for (const auto& a : allowed)
      list += (list.empty() ? "" : ", ") + a;
    if (!v->is_array() || v->as_array().empty())
      return fail("params." + std::string{key} +
                  " must be a non-empty array of: " + list);
    std::set<std::string> s;
    for (const auto& e : v->as_array()) {
      if (!e.is_string() || std::find(allowed.begin(), allowed.end(),
                                      e.as_string()) == allowed.end())
        return fail("params." + std::string{key} + " must name only: " + list);
      s.insert(std::string{e.as_string()});
    }
    out.assign(s.begin(), s.end());
    return true;
  }

  bool range(request_spec& r) {
    auto* a = params.if_contains("start_time");
    auto* b = params.if_contains("end_time");
    if (!a && !b) return true;
    if (!a || !b)
      return fail("params.start_time and params.end_time go together");
    auto sa = a->is_string() ? parse_day(a->as_string()) : std::nullopt;
    if (!sa)
      return fail("params.start_time must be a date YYYY-MM-DD or a midnight "
                  "YYYY-MM-DDT00:00:00[.000] with Z or an offset +HH:MM");
    auto sb = b->is_string() ? parse_day(b->as_string()) : std::nullopt;
    if (!sb)
      return fail("params.end_time must be a date YYYY-MM-DD or a midnight "
                  "YYYY-MM-DDT00:00:00[.000] with Z or an offset +HH:MM");
    if (sa->second != sb->second)
      return fail("params.start_time and params.end_time must have the same "
                  "offset");
    if (sb->first <= sa->first)
      return fail("params.end_time must be after params.start_time (it is "
                  "exclusive)");
    if (sb->first - sa->first > max_range_days)
      return fail("params.start_time..end_time may span at most " +
                  std::to_string(max_range_days) + " days");
    r.has_range = true;
    r.first_day = sa->first;
    r.last_day = sb->first;
    r.offset = sa->second;
    return true;
  }

  bool granularity(request_spec& r) {
    auto* v = params.if_contains("granularity");
    if (!v) return true;
    if (v->is_string() && v->as_string() == "TOTAL") return true;
    if (v->is_string() && v->as_string() == "DAY") {
      r.daily = true;
      return true;
    }
    return fail("params.granularity must be \"TOTAL\" or \"DAY\"");
  }
};

} // namespace

const std::vector<std::string>& ad_stat_fields() {
  // The original's fields: all of them add up over days.
  static const std::vector<std::string> f{
      "impressions",        "swipes",     "spend",      "video_views",
      "screen_time_millis", "quartile_1", "quartile_2", "quartile_3",
      "view_completion"};
  return f;
}

const std::vector<std::string>& pixel_event_fields() {
  static const std::vector<std::string> f{"page_view", "view_content",
                                          "add_cart",  "start_checkout",
                                          "purchase",  "sign_up"};
  return f;
}

std::string format_day(std::int64_t day, std::string_view offset) {
  std::chrono::year_month_day ymd{
      std::chrono::sys_days{std::chrono::days{day}}};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT00:00:00.000",
                static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return std::string{buf} + std::string{offset};
}

std::vector<std::string> snapchat_request_types() {
  std::vector<std::string> out;
  for (const auto& [name, _] : types())
    out.push_back(name);
  return out;
}

parse_result parse_snapchat_request(std::string_view request_type,
                                    const json::object& params) {
  parse_result out;
  auto it = types().find(request_type);
  if (it == types().end()) {
    std::string list;
    for (const auto& [name, _] : types())
      list += (list.empty() ? "" : ", ") + name;
    out.error = "unknown Snapchat request type \"" + std::string{request_type} +
                "\" (known: " + list + ")";
    return out;
  }
  const auto& ti = it->second;
  parser p{request_type, params, {}};
  request_spec r;
  r.type = std::string{request_type};
  r.op = ti.op;
  r.collection = ti.collection;
  r.entity = ti.entity;
  r.result_key = ti.result_key;
  r.breakdown = ti.breakdown;

  // Which params the type takes.
  std::set<std::string> allowed;
  auto allow = [&](std::string_view k) {
    if (!k.empty()) allowed.insert(std::string{k});
  };
  switch (ti.op) {
  case op_kind::orgs:
    allow(ti.parent_param);
    allow(ti.ids_param);
    break;
  case op_kind::list:
    allow("ad_account_id");
    allow(ti.parent_param);
    allow(ti.ids_param);
    break;
  case op_kind::targeting:
    allow("dimension");
    allow("type");
    break;
  case op_kind::stats:
    for (auto k : {"start_time", "end_time", "granularity"})
      allow(k);
    if (r.breakdown.empty()) {
      allow("pixel_id");
      allow("event_types");
    } else {
      allow("ad_account_id");
      allow("entity_ids");
      allow("fields");
    }
    break;
  }
  for (const auto& [k, _] : params)
    if (!allowed.count(std::string{k})) {
      std::string list;
      for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
      out.error =
          std::string{request_type} + ": unknown parameter params." +
          std::string{k} +
          (list.empty() ? " (it takes none)" : " (it takes " + list + ")");
      return out;
    }

  switch (ti.op) {
  case op_kind::orgs:
  case op_kind::list:
    p.uuid("ad_account_id", r.account);
    if (*ti.parent_param) {
      p.uuid(ti.parent_param, r.parent_id);
      if (!r.parent_id.empty()) {
        // The items' field naming their parent.
        r.parent_field = std::string{ti.parent_param};
        r.parent_plural = ti.parent_plural;
      }
    }
    if (*ti.ids_param) p.uuids(ti.ids_param, r.ids);
    break;
  case op_kind::targeting: {
    auto* d = params.if_contains("dimension");
    auto* t = params.if_contains("type");
    std::string list;
    for (const auto& [dim, ts] : targeting_types())
      for (const auto& ty : ts)
        list += (list.empty() ? "" : ", ") + dim + "/" + ty;
    if (!d || !d->is_string() || !targeting_types().count(d->as_string())) {
      p.fail("params.dimension must be one of geo, demographics, device, "
             "interests (with params.type: " +
             list + ")");
      break;
    }
    r.dimension = std::string{d->as_string()};
    if (!t || !t->is_string() ||
        !targeting_types().at(r.dimension).count(std::string{t->as_string()})) {
      p.fail("params.type must be a type of dimension " + r.dimension + " (" +
             list + ")");
      break;
    }
    r.target_type = std::string{t->as_string()};
    break;
  }
  case op_kind::stats:
    p.range(r);
    p.granularity(r);
    if (r.breakdown.empty()) {
      p.uuid("pixel_id", r.pixel_id);
      if (r.pixel_id.empty() && p.error.empty())
        p.fail("params.pixel_id is required (the Snap Pixel's id)");
      p.names("event_types", pixel_event_fields(), r.fields);
    } else {
      p.uuid("ad_account_id", r.account);
      p.uuids("entity_ids", r.ids);
      p.names("fields", ad_stat_fields(), r.fields);
    }
    break;
  }
  if (!p.error.empty()) {
    out.error = p.error;
    return out;
  }
  out.spec = std::move(r);
  return out;
}

} // namespace adbatch::platforms::snapchat
