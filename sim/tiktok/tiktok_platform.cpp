#include "sim/tiktok/tiktok_platform.hpp"

// TikTok Business API v1.3: every answer is HTTP 200 with the envelope
// {code, message, request_id, data}; clients branch on `code`
// (platform-contracts.md §4.1). Throttles are codes 40100 (app) and 40133
// (advertiser), with no rate-limit headers (§4.3).

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include <boost/json.hpp>

#include "sim/core/rate_window.hpp"
#include "sim/meta/sim_util.hpp"
#include "sim/tiktok/tiktok_data.hpp"

namespace adbatch::sim {

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

using param_map = std::map<std::string, std::string, std::less<>>;

constexpr std::string_view prefix = "/open_api/v1.3/";

// Codes (platform-contracts.md §4): 0 OK, 40002 parameter error, 40011 too
// many ids, 40100 app throttle, 40133 advertiser throttle, 5xxxx server.
// 40001 / 40104 / 40105 are the codes TikTok is commonly reported to use
// for "no permission" and a missing / invalid token (UNCONFIRMED).
constexpr int code_ok = 0;
constexpr int code_partial = 20001;
constexpr int code_no_permission = 40001;
constexpr int code_param = 40002;
constexpr int code_too_many_ids = 40011;
constexpr int code_throttle = 40100;
constexpr int code_token_missing = 40104;
constexpr int code_token_invalid = 40105;
constexpr int code_adv_throttle = 40133;
constexpr int code_system = 50000;

/// Decodes a query string with the simulators' shared, tolerant parser
/// ('+' = space as Python's requests/urllib send it, raw `[`, `"` or `,`
/// accepted, invalid UTF-8 replaced so echoed values stay valid JSON).
/// Repeated keys: the first value wins.
std::optional<param_map> parse_params(std::string_view q) {
  param_map out;
  for (auto& [k, v] : detail::parse_params(q)) out.emplace(std::move(k), std::move(v));
  return out;
}

std::optional<std::int64_t> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [](std::string_view part, auto& v) {
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    return ec == std::errc{} && p == part.data() + part.size();
  };
  if (!num(s.substr(0, 4), y) || !num(s.substr(5, 2), m) || !num(s.substr(8, 2), d))
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                  std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

std::string format_day(std::int64_t days) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u 00:00:00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

/// A JSON array of strings or numbers as strings; nullopt if it is not one.
std::optional<std::vector<std::string>> string_array(const json::value& v) {
  if (!v.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) {
    if (e.is_string())
      out.emplace_back(e.as_string());
    else if (e.is_int64())
      out.push_back(std::to_string(e.as_int64()));
    else if (e.is_uint64())
      out.push_back(std::to_string(e.as_uint64()));
    else
      return std::nullopt;
  }
  return out;
}

/// Thrown inside the handlers to answer with an error envelope.
struct tt_error {
  int code;
  std::string message;
};

std::int64_t scaled(std::int64_t limit, double scale) {
  return std::max<std::int64_t>(1, std::llround(static_cast<double>(limit) * scale));
}

/// Filters of the get endpoints and the report, by id level.
struct id_filter {
  std::optional<std::set<std::string>> campaigns, adgroups, ads;

  bool admits(const tiktok::node& n) const {
    if (campaigns && !campaigns->count(tiktok::campaign_id(n.advertiser, n.campaign)))
      return false;
    if (adgroups
        && (n.adgroup == 0
            || !adgroups->count(tiktok::adgroup_id(n.advertiser, n.campaign, n.adgroup))))
      return false;
    if (ads
        && (n.ad == 0
            || !ads->count(tiktok::ad_id(n.advertiser, n.campaign, n.adgroup, n.ad))))
      return false;
    return true;
  }

  void set(std::string_view field, std::vector<std::string> ids) {
    std::set<std::string> s(ids.begin(), ids.end());
    if (field == "campaign_ids") campaigns = std::move(s);
    else if (field == "adgroup_ids") adgroups = std::move(s);
    else if (field == "ad_ids") ads = std::move(s);
  }
};

class tiktok_platform final : public platform {
public:
  tiktok_platform(const platform_options& opts, const tiktok_options& tt)
    : opts_(opts),
      tt_(tt),
      rng_(opts.seed ^ 0x7417'7014ULL),
      app_qps_(scaled(tt.app_qps, opts.limit_scale), 1s, opts.time_scale),
      app_qpm_(scaled(tt.app_qpm, opts.limit_scale), 60s, opts.time_scale),
      app_qpd_(scaled(tt.app_qpd, opts.limit_scale), 24h, opts.time_scale) {}

  std::string_view name() const override { return "tiktok"; }

  void set_faults(const fault_profile& faults) override { opts_.faults = faults; }

  void reset_limits() override {
    app_qps_.reset();
    app_qpm_.reset();
    app_qpd_.reset();
    adv_qps_.clear();
  }

  http_response handle(const http_request& req, time_point now) override {
    auto path = req.path();
    accounting acct;
    acct.endpoint = "unknown";
    acct.quota_units = 0;
    if (path.substr(0, prefix.size()) != prefix)
      return envelope(404, 40000, "Not found: " + std::string(path), {}, acct);
    auto endpoint = path.substr(prefix.size());
    acct.endpoint = std::string(endpoint);
    if (!acct.endpoint.empty() && acct.endpoint.back() == '/') acct.endpoint.pop_back();
    static const std::set<std::string_view> known = {
      "advertiser/info/", "campaign/get/", "adgroup/get/", "ad/get/",
      "report/integrated/get/", "file/image/ad/search/", "file/video/ad/search/",
      "dmp/saved_audience/list/", "dmp/custom_audience/list/", "event/track/"};
    // The trailing slash is part of TikTok's paths; without it the request
    // does not reach the API.
    if (!known.count(endpoint))
      return envelope(404, 40000, "Not found: " + std::string(path), {}, acct);
    bool is_post = endpoint == "event/track/";
    if (req.method != (is_post ? "POST" : "GET"))
      return envelope(405, 40000, "Method not allowed", {}, acct);

    auto token = req.header("Access-Token");
    if (!token || token->empty())
      return envelope(200, code_token_missing, "Access token is null, please check.", {},
                      acct);
    if (token->rfind("invalid", 0) == 0)
      return envelope(200, code_token_invalid,
                      "Access token is incorrect or has been revoked.", {}, acct);

    token_ = *token;
    auto params = parse_params(req.query());
    if (!params)
      return envelope(200, code_param, "Invalid query string.", {}, acct);

    if (auto t = throttle(*params, now); t != 0) {
      acct.throttled = true;
      return envelope(200, t,
                      t == code_throttle ? "Requests made too frequently."
                                         : "Too many requests for this advertiser.",
                      {}, acct);
    }
    // Past the throttle the call has spent one unit of the app's budget,
    // whatever it answers.
    acct.quota_units = 1;
    if (chance(opts_.faults.error_rate))
      return envelope(200, code_system, "System error, please try again later.", {},
                      acct);

    try {
      json::object data;
      if (is_post)
        return track_events(req.body, acct);
      if (endpoint == "advertiser/info/")
        data = advertiser_info(*params, acct);
      else if (endpoint == "report/integrated/get/")
        data = report(*params, acct);
      else if (endpoint == "file/image/ad/search/" || endpoint == "file/video/ad/search/"
               || endpoint == "dmp/saved_audience/list/"
               || endpoint == "dmp/custom_audience/list/")
        data = get_library(endpoint, *params, acct);
      else
        data = get_objects(endpoint, *params, acct);
      return envelope(200, code_ok, "OK", std::move(data), acct);
    } catch (const tt_error& e) {
      return envelope(200, e.code, e.message, {}, acct);
    }
  }

private:
  bool chance(double p) {
    if (p <= 0.0) return false;
    return std::uniform_real_distribution<double>{0.0, 1.0}(rng_) < p;
  }

  std::string next_request_id() {
    char buf[40];
    ++requests_;
    std::snprintf(buf, sizeof buf, "2026%016llX%012llX",
                  static_cast<unsigned long long>(tiktok::mix(opts_.seed, requests_)),
                  static_cast<unsigned long long>(requests_ & 0xFFFFFFFFFFFFULL));
    return buf;
  }

  /// `acct.quota_units` is 0 until the call got past the throttle (auth
  /// errors, unknown paths and throttles spend nothing); handle() sets it.
  http_response envelope(int status, int code, std::string message, json::object data,
                         accounting acct) {
    json::object o;
    o["code"] = code;
    o["message"] = std::move(message);
    o["request_id"] = next_request_id();
    o["data"] = std::move(data);
    http_response r;
    r.status = status;
    r.body = json::serialize(o);
    acct.error = code != code_ok;
    r.acct = std::move(acct);
    r.with_header("X-Tt-Logid", o["request_id"].as_string().c_str());
    return r;
  }

  /// Spends one unit of every window; returns the throttle code if one of
  /// them is spent (nothing is charged then), or 0.
  int throttle(const param_map& params, time_point now) {
    if (opts_.faults.throttle_storm || chance(opts_.faults.throttle_rate))
      return code_throttle;
    if (app_qps_.remaining(now) < 1 || app_qpm_.remaining(now) < 1
        || app_qpd_.remaining(now) < 1)
      return code_throttle;
    rate_window* adv = nullptr;
    if (auto it = params.find("advertiser_id"); it != params.end() && tt_.advertiser_qps > 0) {
      auto w = adv_qps_.try_emplace(it->second, scaled(tt_.advertiser_qps, opts_.limit_scale),
                                    1s, opts_.time_scale);
      adv = &w.first->second;
      if (adv->remaining(now) < 1) return code_adv_throttle;
    }
    app_qps_.spend(1, now);
    app_qpm_.spend(1, now);
    app_qpd_.spend(1, now);
    if (adv) adv->spend(1, now);
    return 0;
  }

  static json::value json_param(const param_map& params, std::string_view key) {
    auto it = params.find(key);
    if (it == params.end()) return nullptr;
    boost::system::error_code ec;
    auto v = json::parse(it->second, ec);
    if (ec) throw tt_error{code_param, std::string(key) + ": Invalid JSON value."};
    return v;
  }

  static std::vector<std::string> string_list_param(const param_map& params,
                                                    std::string_view key) {
    auto v = json_param(params, key);
    if (v.is_null()) return {};
    auto list = string_array(v);
    if (!list) throw tt_error{code_param, std::string(key) + ": Not a valid list."};
    return *list;
  }

  static int int_param(const param_map& params, std::string_view key, int def, int lo,
                       int hi) {
    auto it = params.find(key);
    if (it == params.end()) return def;
    auto v = parse_int(it->second);
    if (!v) throw tt_error{code_param, std::string(key) + ": Not a valid integer."};
    if (*v < lo || *v > hi)
      throw tt_error{code_param, std::string(key) + ": Value must be between "
                                   + std::to_string(lo) + " and " + std::to_string(hi)
                                   + "."};
    return *v;
  }

  int advertiser_param(const param_map& params) const {
    auto it = params.find("advertiser_id");
    if (it == params.end() || it->second.empty())
      throw tt_error{code_param, "advertiser_id: Missing data for required field."};
    auto a = tiktok::advertiser_index(it->second);
    if (!a || !tiktok::owns_advertiser(token_, *a, tt_.ownership_modulus))
      throw tt_error{code_no_permission,
                     "No permission to operate advertiser " + it->second + "."};
    return *a;
  }

  /// Keeps only the requested fields (unknown names are ignored).
  static json::object project(json::object full, const std::vector<std::string>& fields) {
    if (fields.empty()) return full;
    json::object out;
    for (const auto& f : fields)
      if (auto* v = full.if_contains(f)) out[f] = *v;
    return out;
  }

  static json::object page_info(int page, int page_size, std::size_t total) {
    json::object pi;
    pi["page"] = page;
    pi["page_size"] = page_size;
    pi["total_number"] = total;
    pi["total_page"] = (total + static_cast<std::size_t>(page_size) - 1)
                       / static_cast<std::size_t>(page_size);
    return pi;
  }

  json::object advertiser_info(const param_map& params, accounting& acct) {
    if (!params.count("advertiser_ids"))
      throw tt_error{code_param, "advertiser_ids: Missing data for required field."};
    auto ids = string_list_param(params, "advertiser_ids");
    if (ids.empty())
      throw tt_error{code_param, "advertiser_ids: Length must be at least 1."};
    if (static_cast<int>(ids.size()) > tt_.max_advertiser_ids)
      throw tt_error{code_too_many_ids, "advertiser_ids: Length must be between 1 and "
                                          + std::to_string(tt_.max_advertiser_ids) + "."};
    auto fields = string_list_param(params, "fields");
    // An id of the universe the token may not see refuses the whole call
    // (naming it); unknown ids are left out of the list.
    for (const auto& id : ids)
      if (auto a = tiktok::advertiser_index(id);
          a && !tiktok::owns_advertiser(token_, *a, tt_.ownership_modulus))
        throw tt_error{code_no_permission, "No permission to operate advertiser " + id + "."};
    json::array list;
    for (const auto& id : ids)
      if (auto a = tiktok::advertiser_index(id))
        list.push_back(project(tiktok::advertiser_object(opts_.seed, *a), fields));
    acct.items = static_cast<std::int64_t>(list.size());
    json::object data;
    data["list"] = std::move(list);
    return data;
  }

  static id_filter parse_object_filter(const json::value& f) {
    id_filter filter;
    if (f.is_null()) return filter;
    if (!f.is_object()) throw tt_error{code_param, "filtering: Not a valid object."};
    for (const auto& [k, v] : f.as_object()) {
      if (k != "campaign_ids" && k != "adgroup_ids" && k != "ad_ids") continue;
      auto ids = string_array(v);
      if (!ids) throw tt_error{code_param, "filtering." + std::string(k) + ": Not a valid list."};
      if (ids->size() > 100)
        throw tt_error{code_param, "filtering." + std::string(k)
                                     + ": Length must be between 0 and 100."};
      filter.set(k, std::move(*ids));
    }
    return filter;
  }

  json::object get_objects(std::string_view endpoint, const param_map& params,
                           accounting& acct) {
    int a = advertiser_param(params);
    int level = endpoint == "campaign/get/" ? 1 : endpoint == "adgroup/get/" ? 2 : 3;
    auto filter = parse_object_filter(json_param(params, "filtering"));
    auto fields = string_list_param(params, "fields");
    int page = int_param(params, "page", 1, 1, 1 << 30);
    int page_size = int_param(params, "page_size", 10, 1, tt_.max_page_size);
    std::vector<tiktok::node> matched;
    for (const auto& n : tiktok::nodes_of(opts_.seed, a, level))
      if (filter.admits(n)) matched.push_back(n);
    json::array list;
    auto begin = static_cast<std::size_t>(page - 1) * static_cast<std::size_t>(page_size);
    for (auto i = begin; i < matched.size() && i < begin + static_cast<std::size_t>(page_size);
         ++i) {
      const auto& n = matched[i];
      auto full = level == 1   ? tiktok::campaign_object(opts_.seed, n)
                  : level == 2 ? tiktok::adgroup_object(opts_.seed, n)
                               : tiktok::ad_object(opts_.seed, n);
      list.push_back(project(std::move(full), fields));
    }
    acct.items = static_cast<std::int64_t>(list.size());
    json::object data;
    data["list"] = std::move(list);
    data["page_info"] = page_info(page, page_size, matched.size());
    return data;
  }

  /// Report filtering: v1.3 sends a list of {field_name, filter_type,
  /// filter_value}; filter_value is itself a JSON string. The object form of
  /// the get endpoints is accepted too.
  static id_filter parse_report_filter(const json::value& f) {
    if (!f.is_array()) return parse_object_filter(f);
    id_filter filter;
    for (const auto& e : f.as_array()) {
      const auto* o = e.if_object();
      const json::value* field = o ? o->if_contains("field_name") : nullptr;
      const json::value* value = o ? o->if_contains("filter_value") : nullptr;
      if (!field || !field->is_string() || !value)
        throw tt_error{code_param, "filtering: Invalid filter."};
      json::value parsed = *value;
      if (value->is_string()) {
        boost::system::error_code ec;
        parsed = json::parse(value->as_string(), ec);
        if (ec) throw tt_error{code_param, "filtering: Invalid filter_value."};
      }
      auto ids = string_array(parsed);
      if (!ids) throw tt_error{code_param, "filtering: Invalid filter_value."};
      filter.set(field->as_string(), std::move(*ids));
    }
    return filter;
  }

  json::object report(const param_map& params, accounting& acct) {
    int a = advertiser_param(params);
    auto get = [&](std::string_view k) -> std::string {
      auto it = params.find(k);
      return it == params.end() ? std::string{} : it->second;
    };
    auto report_type = get("report_type");
    if (report_type.empty())
      throw tt_error{code_param, "report_type: Missing data for required field."};
    if (report_type != "BASIC")
      throw tt_error{code_param, "report_type: Only BASIC is supported by the simulator."};
    static const std::map<std::string_view, std::pair<int, std::string_view>> levels = {
      {"AUCTION_ADVERTISER", {0, "advertiser_id"}},
      {"AUCTION_CAMPAIGN", {1, "campaign_id"}},
      {"AUCTION_ADGROUP", {2, "adgroup_id"}},
      {"AUCTION_AD", {3, "ad_id"}}};
    auto lvl = levels.find(get("data_level"));
    if (lvl == levels.end())
      throw tt_error{code_param, "data_level: Must be one of AUCTION_ADVERTISER, "
                                 "AUCTION_CAMPAIGN, AUCTION_ADGROUP, AUCTION_AD."};
    auto [level, id_dim] = lvl->second;

    auto dims = string_list_param(params, "dimensions");
    if (dims.empty() || dims.size() > 4)
      throw tt_error{code_param, "dimensions: Length must be between 1 and 4."};
    bool by_day = false, by_id = false;
    for (const auto& d : dims) {
      if (d == "stat_time_day") by_day = true;
      else if (d == id_dim) by_id = true;
      else
        throw tt_error{code_param, "dimensions: " + d + " is not valid for data_level "
                                     + std::string(lvl->first) + "."};
    }
    auto metrics = string_list_param(params, "metrics");
    if (metrics.empty()) metrics = {"spend", "impressions"};

    std::int64_t first_day = -1, last_day = -1;
    auto lifetime_flag = get("query_lifetime");
    // Python SDKs send booleans as "True".
    bool lifetime = lifetime_flag == "true" || lifetime_flag == "True";
    if (lifetime) {
      if (by_day)
        throw tt_error{code_param, "dimensions: stat_time_day is not allowed with "
                                   "query_lifetime."};
    } else {
      auto s = parse_date(get("start_date"));
      auto e = parse_date(get("end_date"));
      if (!s || !e)
        throw tt_error{code_param, "start_date, end_date: Required (YYYY-MM-DD) unless "
                                   "query_lifetime is true."};
      if (*e < *s || *e - *s > 365)
        throw tt_error{code_param, "end_date: Must be on or after start_date and at most "
                                   "365 days later."};
      first_day = *s;
      last_day = *e;
    }
    auto filter = parse_report_filter(json_param(params, "filtering"));
    int page = int_param(params, "page", 1, 1, 1 << 30);
    int page_size = int_param(params, "page_size", 10, 1, tt_.max_report_page_size);

    std::vector<tiktok::node> entities;
    if (level == 0) entities.push_back({a, 0, 0, 0});
    else
      for (const auto& n : tiktok::nodes_of(opts_.seed, a, level))
        if (filter.admits(n)) entities.push_back(n);
    // Without the id dimension all entities collapse into one row per day.
    std::size_t groups = by_id ? entities.size() : (entities.empty() ? 0 : 1);
    std::size_t days = by_day ? static_cast<std::size_t>(last_day - first_day + 1) : 1;
    std::size_t total = groups * days;

    static const std::set<std::string_view> numeric = {
      "spend", "impressions", "clicks", "reach", "conversion", "ctr", "cpc", "cpm",
      "cost_per_conversion", "conversion_rate"};
    bool wants_attrs = std::any_of(metrics.begin(), metrics.end(),
                                   [](const std::string& m) { return !numeric.count(m); });
    json::array list;
    auto begin = static_cast<std::size_t>(page - 1) * static_cast<std::size_t>(page_size);
    for (auto i = begin; i < total && i < begin + static_cast<std::size_t>(page_size); ++i) {
      auto g = i / days;
      std::int64_t day = by_day ? first_day + static_cast<std::int64_t>(i % days) : -1;
      json::object dim_obj, met_obj;
      std::string key;
      json::object attrs;
      if (by_id) {
        const auto& n = entities[g];
        switch (level) {
        case 0: key = tiktok::advertiser_id(a); break;
        case 1: key = tiktok::campaign_id(a, n.campaign); break;
        case 2: key = tiktok::adgroup_id(a, n.campaign, n.adgroup); break;
        default: key = tiktok::ad_id(a, n.campaign, n.adgroup, n.ad); break;
        }
        // The full object only when a metric names an attribute (it costs
        // more than the row itself).
        if (wants_attrs) switch (level) {
          case 0: attrs = tiktok::advertiser_object(opts_.seed, a); break;
          case 1: attrs = tiktok::campaign_object(opts_.seed, n); break;
          case 2: attrs = tiktok::adgroup_object(opts_.seed, n); break;
          default: attrs = tiktok::ad_object(opts_.seed, n); break;
          }
        dim_obj[id_dim] = key;
      } else {
        key = "all:" + tiktok::advertiser_id(a) + ":" + std::to_string(level);
      }
      if (by_day) dim_obj["stat_time_day"] = format_day(day);
      // Known metrics derive from additive daily bases: a range total
      // (no day dimension) sums the range's days and recomputes the
      // ratios, so it equals what the daily rows add up to. Lifetime keeps
      // its own draw (day -1).
      tiktok::metric_base base;
      if (by_day || lifetime)
        base = tiktok::day_base(opts_.seed, key, day);
      else
        for (auto d = first_day; d <= last_day; ++d)
          base += tiktok::day_base(opts_.seed, key, d);
      for (const auto& m : metrics) {
        if (auto* attr = attrs.if_contains(m); attr && attr->is_string())
          met_obj[m] = *attr;  // attribute metrics such as campaign_name
        else if (auto v = tiktok::render_metric(m, base))
          met_obj[m] = *v;
        else
          met_obj[m] = tiktok::metric_value(opts_.seed, m, key,
                                            by_day ? day : (first_day * 100000 + last_day));
      }
      json::object row;
      row["dimensions"] = std::move(dim_obj);
      row["metrics"] = std::move(met_obj);
      list.push_back(std::move(row));
    }
    acct.items = static_cast<std::int64_t>(list.size());
    json::object data;
    data["list"] = std::move(list);
    data["page_info"] = page_info(page, page_size, total);
    return data;
  }

  /// The creative library and audiences of an advertiser: same paging and
  /// `filtering` (the endpoint's id list, at most 100) as the get
  /// endpoints, page_size up to max_library_page_size.
  json::object get_library(std::string_view endpoint, const param_map& params,
                           accounting& acct) {
    int a = advertiser_param(params);
    std::string_view filter_key;
    int count = 0;
    json::object (*make)(std::uint64_t, int, int) = nullptr;
    if (endpoint == "file/image/ad/search/") {
      filter_key = "image_ids";
      count = tiktok::image_count(opts_.seed, a);
      make = tiktok::image_object;
    } else if (endpoint == "file/video/ad/search/") {
      filter_key = "video_ids";
      count = tiktok::video_count(opts_.seed, a);
      make = tiktok::video_object;
    } else if (endpoint == "dmp/saved_audience/list/") {
      filter_key = "saved_audience_ids";
      count = tiktok::saved_audience_count(opts_.seed, a);
      make = tiktok::saved_audience_object;
    } else {
      filter_key = "custom_audience_ids";
      count = tiktok::custom_audience_count(opts_.seed, a);
      make = tiktok::custom_audience_object;
    }
    std::optional<std::set<std::string>> wanted;
    // The dmp lists take their ids as a top-level list (custom_audience_ids,
    // saved_audience_ids: TikTok's SDK) and have no `filtering`, which they
    // ignore; the file searches filter through `filtering`.
    bool top_level = endpoint.substr(0, 4) == "dmp/";
    if (top_level && params.count(filter_key)) {
      auto ids = string_list_param(params, filter_key);
      if (ids.size() > 100)
        throw tt_error{code_param, std::string(filter_key)
                                     + ": Length must be between 1 and 100."};
      wanted.emplace(ids.begin(), ids.end());
    }
    auto f = top_level ? json::value(nullptr) : json_param(params, "filtering");
    if (!f.is_null()) {
      if (!f.is_object()) throw tt_error{code_param, "filtering: Not a valid object."};
      for (const auto& [k, v] : f.as_object()) {
        if (k != filter_key)
          throw tt_error{code_param, "filtering." + std::string(k) + ": Unknown field."};
        auto ids = string_array(v);
        if (!ids)
          throw tt_error{code_param, "filtering." + std::string(k) + ": Not a valid list."};
        if (ids->size() > 100)
          throw tt_error{code_param, "filtering." + std::string(k)
                                       + ": Length must be between 0 and 100."};
        wanted.emplace(ids->begin(), ids->end());
      }
    }
    auto fields = string_list_param(params, "fields");
    int page = int_param(params, "page", 1, 1, 1 << 30);
    // Defaults as TikTok's SDK documents them: 20 for the file searches, 10
    // for the dmp lists.
    int page_size =
      int_param(params, "page_size", top_level ? 10 : 20, 1, tt_.max_library_page_size);
    std::vector<json::object> matched;
    for (int i = 1; i <= count; ++i) {
      auto o = make(opts_.seed, a, i);
      auto id_key = filter_key == "image_ids"            ? "image_id"
                    : filter_key == "video_ids"          ? "video_id"
                    : filter_key == "saved_audience_ids" ? "saved_audience_id"
                                                         : "audience_id";
      if (wanted && !wanted->count(std::string(o.at(id_key).as_string()))) continue;
      matched.push_back(std::move(o));
    }
    json::array list;
    auto begin = static_cast<std::size_t>(page - 1) * static_cast<std::size_t>(page_size);
    for (auto i = begin; i < matched.size() && i < begin + static_cast<std::size_t>(page_size);
         ++i)
      list.push_back(project(matched[i], fields));
    acct.items = static_cast<std::int64_t>(list.size());
    json::object data;
    data["list"] = std::move(list);
    data["page_info"] = page_info(page, page_size, matched.size());
    return data;
  }

  /// Events API 2.0: POST event/track/ {event_source, event_source_id,
  /// data: [{event, event_time, event_id?, user?, properties?, page?}],
  /// test_event_code?}. The pixel (event_source_id) must belong to an
  /// advertiser the token owns. partial_batch_rate fails single events:
  /// code 20001 with data.failed_events [{index, code, message}].
  http_response track_events(const std::string& raw, accounting& acct) {
    acct.endpoint = "event/track";
    boost::system::error_code ec;
    auto v = json::parse(raw, ec);
    if (ec || !v.is_object())
      return envelope(200, code_param, "Request body must be a JSON object.", {}, acct);
    const auto& o = v.as_object();
    const auto* source = o.if_contains("event_source");
    static const std::set<std::string_view> sources = {"web", "app", "offline", "crm"};
    if (!source || !source->is_string() || !sources.count(source->as_string()))
      return envelope(200, code_param,
                      "event_source: Must be one of web, app, offline, crm.", {}, acct);
    const auto* sid = o.if_contains("event_source_id");
    if (!sid || !sid->is_string() || sid->as_string().empty())
      return envelope(200, code_param, "event_source_id: Missing data for required field.",
                      {}, acct);
    std::string code(sid->as_string());
    auto a = tiktok::pixel_advertiser(opts_.seed, code);
    if (!a || !tiktok::owns_advertiser(token_, *a, tt_.ownership_modulus))
      return envelope(200, code_no_permission,
                      "No permission to operate event source " + code + ".", {}, acct);
    const auto* data = o.if_contains("data");
    if (!data || !data->is_array() || data->as_array().empty())
      return envelope(200, code_param, "data: Length must be at least 1.", {}, acct);
    const auto& events = data->as_array();
    if (static_cast<int>(events.size()) > tt_.max_events)
      return envelope(200, code_param, "data: Length must be between 1 and "
                                         + std::to_string(tt_.max_events) + ".",
                      {}, acct);
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto* e = events[i].if_object();
      const json::value* name = e ? e->if_contains("event") : nullptr;
      const json::value* t = e ? e->if_contains("event_time") : nullptr;
      if (!name || !name->is_string() || name->as_string().empty())
        return envelope(200, code_param, "data[" + std::to_string(i)
                                           + "].event: Missing data for required field.",
                        {}, acct);
      if (!t || !(t->is_int64() || t->is_uint64()))
        return envelope(200, code_param, "data[" + std::to_string(i)
                                           + "].event_time: Not a valid integer.",
                        {}, acct);
    }
    json::array failed;
    std::int64_t accepted = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (chance(opts_.faults.partial_batch_rate)) {
        json::object f;
        f["index"] = i;
        f["code"] = code_system;
        f["message"] = "System error, please try again later.";
        failed.push_back(std::move(f));
        continue;
      }
      ++accepted;
    }
    acct.items = accepted;
    if (failed.empty()) return envelope(200, code_ok, "OK", {}, acct);
    json::object d;
    d["failed_events"] = std::move(failed);
    auto r = envelope(200, code_partial, "Partial success.", std::move(d), acct);
    r.acct.error = true;
    return r;
  }

  platform_options opts_;
  tiktok_options tt_;
  std::string token_;
  std::mt19937_64 rng_;
  std::uint64_t requests_ = 0;
  rate_window app_qps_, app_qpm_, app_qpd_;
  std::map<std::string, rate_window, std::less<>> adv_qps_;
};

} // namespace

std::unique_ptr<platform> make_tiktok(const platform_options& opts,
                                      const tiktok_options& tt) {
  return std::make_unique<tiktok_platform>(opts, tt);
}

std::unique_ptr<platform> make_tiktok(const platform_options& opts) {
  return make_tiktok(opts, tiktok_options{});
}

} // namespace adbatch::sim
