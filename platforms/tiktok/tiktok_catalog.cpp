#include "platforms/tiktok/tiktok_catalog.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

namespace adbatch::platforms::tiktok {

namespace json = boost::json;

namespace {

const std::vector<std::string> advertiser_fields = {
    "advertiser_id", "name",       "company",  "status",
    "role",          "currency",   "timezone", "display_timezone",
    "country",       "industry",   "balance",  "create_time",
    "language",      "description"};
const std::vector<std::string> advertiser_brief = {
    "advertiser_id", "name",     "status", "role",
    "currency",      "timezone", "country"};
const std::vector<std::string> campaign_fields = {
    "advertiser_id", "campaign_id", "campaign_name",    "objective_type",
    "budget_mode",   "budget",      "operation_status", "secondary_status",
    "create_time",   "modify_time", "is_new_structure"};
const std::vector<std::string> adgroup_fields = {
    "advertiser_id",     "campaign_id",      "adgroup_id",  "adgroup_name",
    "placement_type",    "budget_mode",      "budget",      "bid_price",
    "optimization_goal", "operation_status", "create_time", "modify_time"};
const std::vector<std::string> ad_fields = {
    "advertiser_id",    "campaign_id",  "adgroup_id",      "ad_id",
    "ad_name",          "ad_text",      "call_to_action",  "ad_format",
    "operation_status", "create_time",  "modify_time",     "video_id",
    "image_ids",        "display_name", "landing_page_url"};
const std::vector<std::string> ad_default = {
    "advertiser_id",    "campaign_id", "adgroup_id",     "ad_id",
    "ad_name",          "ad_text",     "call_to_action", "ad_format",
    "operation_status", "create_time", "modify_time"};
const std::vector<std::string> creative_fields = {
    "ad_id",          "ad_name",      "ad_format",        "ad_text",
    "call_to_action", "display_name", "landing_page_url", "video_id",
    "image_ids"};
const std::vector<std::string> image_fields = {
    "image_id",  "material_id", "file_name",   "format",
    "width",     "height",      "size",        "signature",
    "image_url", "displayable", "create_time", "modify_time"};
const std::vector<std::string> video_fields = {
    "video_id",    "material_id", "file_name",       "format",
    "width",       "height",      "duration",        "size",
    "bit_rate",    "signature",   "video_cover_url", "preview_url",
    "displayable", "create_time", "modify_time"};
const std::vector<std::string> saved_audience_fields = {
    "saved_audience_id", "name",     "age_groups",  "gender",
    "location_ids",      "is_valid", "create_time", "modify_time"};
const std::vector<std::string> custom_audience_fields = {
    "audience_id", "name",        "audience_type", "cover_num",
    "is_valid",    "is_expiring", "create_time",   "expired_time"};

struct list_type {
  std::string_view endpoint;
  int max_page_size;
  std::vector<std::string_view> filters; ///< allowed filter keys
  const std::vector<std::string>* fields;
  const std::vector<std::string>* defaults;
};

const std::map<std::string, list_type, std::less<>>& list_types() {
  static const std::map<std::string, list_type, std::less<>> t = {
      {"get_campaigns",
       {"campaign/get/",
        1000,
        {"campaign_ids"},
        &campaign_fields,
        &campaign_fields}},
      {"get_ad_groups",
       {"adgroup/get/",
        1000,
        {"campaign_ids", "adgroup_ids"},
        &adgroup_fields,
        &adgroup_fields}},
      {"get_ads",
       {"ad/get/",
        1000,
        {"campaign_ids", "adgroup_ids", "ad_ids"},
        &ad_fields,
        &ad_default}},
      // Creatives live on ads in v1.3 (ad/get/ creative fields).
      {"get_creatives",
       {"ad/get/",
        1000,
        {"campaign_ids", "adgroup_ids", "ad_ids"},
        &creative_fields,
        &creative_fields}},
      {"get_images",
       {"file/image/ad/search/",
        100,
        {"image_ids"},
        &image_fields,
        &image_fields}},
      {"get_videos",
       {"file/video/ad/search/",
        100,
        {"video_ids"},
        &video_fields,
        &video_fields}},
      {"get_audiences",
       {"dmp/saved_audience/list/",
        100,
        {"saved_audience_ids"},
        &saved_audience_fields,
        &saved_audience_fields}},
      {"get_custom_audiences",
       {"dmp/custom_audience/list/",
        100,
        {"custom_audience_ids"},
        &custom_audience_fields,
        &custom_audience_fields}},
  };
  return t;
}

const std::map<std::string, int, std::less<>> report_types = {
    {"get_campaign_metrics", 1},
    {"get_ad_group_metrics", 2},
    {"get_ad_metrics", 3}};

const std::vector<std::string> default_metrics = {
    "spend",      "impressions",         "clicks",         "ctr",
    "conversion", "cost_per_conversion", "conversion_rate"};

std::string join(const std::vector<std::string_view>& v) {
  std::string out;
  for (auto s : v) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  return join(std::vector<std::string_view>(v.begin(), v.end()));
}

/// An id: a non-empty string without control characters or a JSON
/// integer (TikTok ids are decimal strings).
std::optional<std::string> id_of(const json::value& v, bool digits_only) {
  std::string s;
  if (v.is_string())
    s = std::string(v.as_string());
  else if (v.is_int64() && v.as_int64() > 0)
    s = std::to_string(v.as_int64());
  else if (v.is_uint64())
    s = std::to_string(v.as_uint64());
  else
    return std::nullopt;
  if (s.empty() || s.size() > 64) return std::nullopt;
  for (unsigned char c : s) {
    if (digits_only && (c < '0' || c > '9')) return std::nullopt;
    if (c < 0x21 || c == '"' || c == '\\' || c > 0x7e) return std::nullopt;
  }
  return s;
}

struct checker {
  std::string_view type;
  const json::object& params;
  std::string error;

  bool fail(std::string msg) {
    if (error.empty()) error = std::string(type) + ": " + msg;
    return false;
  }

  bool only(std::initializer_list<std::string_view> allowed) {
    for (const auto& [k, v] : params)
      if (std::find(allowed.begin(), allowed.end(), std::string_view(k)) ==
          allowed.end()) {
        std::vector<std::string_view> a(allowed);
        return fail("params." + std::string(k) +
                    " is not a parameter of this type (known: " + join(a) +
                    ")");
      }
    return true;
  }

  /// params.<key> as an id (digits when `digits`).
  bool id(std::string_view key, std::string& out, bool digits = true) {
    auto* v = params.if_contains(key);
    if (!v) return true;
    auto s = id_of(*v, digits);
    if (!s)
      return fail("params." + std::string(key) + " must be " +
                  (digits ? "a TikTok id (digits)" : "a non-empty id string"));
    out = *s;
    return true;
  }

  /// params.<key> as a list of 1..max distinct ids.
  bool ids(std::string_view key, std::size_t max, std::vector<std::string>& out,
           bool digits) {
    auto* v = params.if_contains(key);
    if (!v) return true;
    if (!v->is_array() || v->as_array().empty() || v->as_array().size() > max)
      return fail("params." + std::string(key) + " must be an array of 1 to " +
                  std::to_string(max) + " ids");
    std::set<std::string> seen;
    for (const auto& e : v->as_array()) {
      auto s = id_of(e, digits);
      if (!s)
        return fail("params." + std::string(key) + " must hold " +
                    (digits ? "TikTok ids (digits)" : "id strings"));
      if (!seen.insert(*s).second)
        return fail("params." + std::string(key) + " names " + *s + " twice");
      out.push_back(*s);
    }
    return true;
  }

  /// params.fields: an array or comma list of known names, or the defaults.
  bool fields(const std::vector<std::string>& known,
              const std::vector<std::string>& defaults,
              std::vector<std::string>& out, std::string_view key = "fields") {
    auto* v = params.if_contains(key);
    if (!v) {
      out = defaults;
      return true;
    }
    std::vector<std::string> names;
    if (v->is_string()) {
      std::string_view s = v->as_string();
      while (!s.empty()) {
        auto comma = s.find(',');
        auto part = s.substr(0, comma);
        while (!part.empty() && part.front() == ' ')
          part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ')
          part.remove_suffix(1);
        names.emplace_back(part);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
      }
    } else if (v->is_array()) {
      for (const auto& e : v->as_array()) {
        if (!e.is_string())
          return fail("params." + std::string(key) + " must hold strings");
        names.emplace_back(e.as_string());
      }
    } else {
      return fail("params." + std::string(key) +
                  " must be an array of names or a comma-separated string");
    }
    if (names.empty())
      return fail("params." + std::string(key) + " must name at least one");
    std::set<std::string> seen;
    for (const auto& n : names) {
      if (std::find(known.begin(), known.end(), n) == known.end())
        return fail("params." + std::string(key) + ": unknown name '" + n +
                    "' (known: " + join(known) + ")");
      if (seen.insert(n).second) out.push_back(n);
    }
    return true;
  }
};

} // namespace

std::optional<day_number> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [](std::string_view part, auto& v) {
    for (char c : part)
      if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    return ec == std::errc{} && p == part.data() + part.size();
  };
  if (!num(s.substr(0, 4), y) || !num(s.substr(5, 2), m) ||
      !num(s.substr(8, 2), d))
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                  std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

std::string iso_date(day_number days) {
  std::chrono::year_month_day ymd{
      std::chrono::sys_days{std::chrono::days{days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string_view data_level_name(int level) {
  return level == 1   ? "AUCTION_CAMPAIGN"
         : level == 2 ? "AUCTION_ADGROUP"
                      : "AUCTION_AD";
}
std::string_view id_dimension(int level) {
  return level == 1 ? "campaign_id" : level == 2 ? "adgroup_id" : "ad_id";
}
std::string_view id_filter_key(int level) {
  return level == 1 ? "campaign_ids" : level == 2 ? "adgroup_ids" : "ad_ids";
}

std::string_view filter_field(std::string_view key) {
  if (key == "campaign_ids") return "campaign_id";
  if (key == "adgroup_ids") return "adgroup_id";
  if (key == "ad_ids") return "ad_id";
  if (key == "image_ids") return "image_id";
  if (key == "video_ids") return "video_id";
  if (key == "saved_audience_ids") return "saved_audience_id";
  if (key == "custom_audience_ids") return "audience_id";
  return {};
}

const std::vector<std::string>& known_metrics() {
  static const std::vector<std::string> m = {"spend",
                                             "impressions",
                                             "clicks",
                                             "ctr",
                                             "cpc",
                                             "cpm",
                                             "conversion",
                                             "cost_per_conversion",
                                             "conversion_rate"};
  return m;
}

std::vector<std::string> tiktok_request_types() {
  return {"get_advertisers",
          "get_advertiser_info",
          "get_campaigns",
          "get_ad_groups",
          "get_ads",
          "get_campaign_metrics",
          "get_ad_group_metrics",
          "get_ad_metrics",
          "get_creatives",
          "get_images",
          "get_videos",
          "get_audiences",
          "get_custom_audiences",
          "upload_conversions"};
}

parse_result parse_tiktok_request(std::string_view type,
                                  const json::object& params) {
  parse_result out;
  checker c{type, params, {}};
  auto done = [&](request_spec spec) {
    if (!c.error.empty())
      out.error = c.error;
    else
      out.spec = std::move(spec);
    return out;
  };

  if (type == "get_advertisers" || type == "get_advertiser_info") {
    info_spec s;
    s.request_type = std::string(type);
    c.only({"advertiser_id", "advertiser_ids", "fields"});
    if (params.contains("advertiser_id") && params.contains("advertiser_ids"))
      c.fail("give params.advertiser_id or params.advertiser_ids, not both");
    std::string one;
    c.id("advertiser_id", one);
    if (!one.empty()) s.advertiser_ids.push_back(one);
    c.ids("advertiser_ids", max_advertiser_ids, s.advertiser_ids, true);
    c.fields(advertiser_fields,
             type == "get_advertisers" ? advertiser_brief : advertiser_fields,
             s.fields);
    return done(std::move(s));
  }

  if (auto it = list_types().find(type); it != list_types().end()) {
    const auto& lt = it->second;
    list_spec s;
    s.request_type = std::string(type);
    s.endpoint = std::string(lt.endpoint);
    s.max_page_size = lt.max_page_size;
    std::vector<std::string_view> allowed{"advertiser_id", "fields"};
    for (auto f : lt.filters)
      allowed.push_back(f);
    for (const auto& [k, v] : params)
      if (std::find(allowed.begin(), allowed.end(), std::string_view(k)) ==
          allowed.end()) {
        c.fail("params." + std::string(k) +
               " is not a parameter of this type (known: " + join(allowed) +
               ")");
        break;
      }
    c.id("advertiser_id", s.advertiser_id);
    for (auto f : lt.filters) {
      if (!params.contains(f)) continue;
      if (!s.filter_key.empty()) {
        c.fail("give at most one of " + join(lt.filters));
        break;
      }
      s.filter_key = std::string(f);
      bool digits = f != "image_ids" && f != "video_ids";
      c.ids(f, max_filter_ids, s.ids, digits);
    }
    c.fields(*lt.fields, *lt.defaults, s.fields);
    return done(std::move(s));
  }

  if (auto it = report_types.find(type); it != report_types.end()) {
    report_spec s;
    s.request_type = std::string(type);
    s.level = it->second;
    auto ids_key = id_filter_key(s.level);
    std::vector<std::string_view> allowed{"advertiser_id", "start_date",
                                          "end_date",      "metrics",
                                          "aggregation",   ids_key};
    for (const auto& [k, v] : params)
      if (std::find(allowed.begin(), allowed.end(), std::string_view(k)) ==
          allowed.end()) {
        c.fail("params." + std::string(k) +
               " is not a parameter of this type (known: " + join(allowed) +
               ")");
        break;
      }
    c.id("advertiser_id", s.advertiser_id);
    for (auto key : {"start_date", "end_date"}) {
      auto* v = params.if_contains(key);
      std::optional<day_number> d;
      if (v && v->is_string()) d = parse_date(v->as_string());
      if (!d)
        c.fail(std::string("params.") + key + " must be a date YYYY-MM-DD");
      else
        (std::string_view(key) == "start_date" ? s.first : s.last) = *d;
    }
    if (c.error.empty() && s.last < s.first)
      c.fail("params.end_date must not be before params.start_date");
    if (c.error.empty() && s.last - s.first + 1 > max_report_days)
      c.fail("params.start_date..end_date must span at most " +
             std::to_string(max_report_days) + " days");
    if (auto* v = params.if_contains("aggregation")) {
      if (v->is_string() && v->as_string() == "daily")
        s.daily = true;
      else if (v->is_string() && v->as_string() == "total")
        s.daily = false;
      else
        c.fail("params.aggregation must be \"daily\" or \"total\"");
    }
    c.fields(known_metrics(), default_metrics, s.metrics, "metrics");
    c.ids(ids_key, max_filter_ids, s.ids, true);
    if (c.error.empty() && !s.ids.empty()) {
      auto rows = s.ids.size() *
                  static_cast<std::size_t>(s.daily ? s.last - s.first + 1 : 1);
      if (rows > max_report_rows)
        c.fail("params." + std::string(ids_key) + " x days gives " +
               std::to_string(rows) + " rows, more than one report page (" +
               std::to_string(max_report_rows) +
               "): narrow the range or the ids");
    }
    return done(std::move(s));
  }

  if (type == "upload_conversions") {
    events_spec s;
    c.only({"event_source", "event_source_id", "events"});
    s.event_source = "web";
    if (auto* v = params.if_contains("event_source")) {
      static const std::set<std::string_view> sources = {"web", "app",
                                                         "offline", "crm"};
      if (!v->is_string() || !sources.count(v->as_string()))
        c.fail("params.event_source must be one of web, app, offline, crm");
      else
        s.event_source = std::string(v->as_string());
    }
    if (!params.contains("event_source_id"))
      c.fail("params.event_source_id (the pixel code or app id) is required");
    c.id("event_source_id", s.event_source_id, false);
    auto* ev = params.if_contains("events");
    if (!ev || !ev->is_array() || ev->as_array().empty() ||
        ev->as_array().size() > max_events)
      c.fail("params.events must be an array of 1 to " +
             std::to_string(max_events) + " events");
    else {
      std::size_t i = 0;
      for (const auto& e : ev->as_array()) {
        auto at = "params.events[" + std::to_string(i++) + "]";
        const auto* o = e.if_object();
        if (!o) {
          c.fail(at + " must be an object");
          break;
        }
        for (const auto& [k, v] : *o)
          if (k != "event" && k != "event_time" && k != "event_id" &&
              k != "user" && k != "properties" && k != "page" &&
              k != "limited_data_use") {
            c.fail(at + "." + std::string(k) +
                   " is not an event field (event, event_time, event_id, "
                   "user, properties, page, limited_data_use)");
            break;
          }
        auto* name = o->if_contains("event");
        if (!name || !name->is_string() || name->as_string().empty())
          c.fail(at + ".event must be a non-empty string");
        auto* t = o->if_contains("event_time");
        if (!t || !((t->is_int64() && t->as_int64() > 0) || t->is_uint64()))
          c.fail(at + ".event_time must be a Unix time in seconds");
        auto* id = o->if_contains("event_id");
        if (!id || !id->is_string() || id->as_string().empty())
          c.fail(at + ".event_id must be a non-empty string (TikTok "
                      "de-duplicates by it)");
        for (auto key : {"user", "properties", "page"})
          if (auto* x = o->if_contains(key); x && !x->is_object())
            c.fail(at + "." + key + " must be an object");
        if (!c.error.empty()) break;
      }
      if (c.error.empty()) s.events = ev->as_array();
    }
    return done(std::move(s));
  }

  std::vector<std::string> all = tiktok_request_types();
  out.error = "unknown TikTok request type '" + std::string(type) +
              "' (known: " + join(all) + ")";
  return out;
}

} // namespace adbatch::platforms::tiktok
