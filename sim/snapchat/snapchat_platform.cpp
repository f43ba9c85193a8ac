#include "sim/snapchat/snapchat_platform.hpp"

// Snapchat Marketing API (platform-contracts.md §7): envelope
// {request_status, request_id, <plural>: [{sub_request_status, <singular>}]},
// cursor paging through an absolute paging.next_link when `limit` (50..1000)
// is given, Bearer auth, HTTP 429 past 20 req/s per app or 10 req/s per token
// (no rate-limit headers).

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <vector>

#include <boost/json.hpp>
#include <boost/url/url.hpp>

#include "sim/core/rate_window.hpp"
#include "sim/meta/sim_util.hpp"
#include "sim/snapchat/snapchat_data.hpp"

namespace adbatch::sim {

namespace {

namespace json = boost::json;
namespace urls = boost::urls;
using namespace std::chrono_literals;
using snapchat::kind;
using snapchat::node;

using param_map = std::map<std::string, std::string, std::less<>>;

/// Decodes a query string with the simulators' shared, tolerant parser
/// ('+' = space as Python's requests/urllib send it, raw `[`, `"` or `,`
/// accepted, invalid UTF-8 replaced so echoed values stay valid JSON).
/// Repeated keys: the first value wins.
std::optional<param_map> parse_params(std::string_view q) {
  param_map out;
  for (auto& [k, v] : detail::parse_params(q)) out.emplace(std::move(k), std::move(v));
  return out;
}

template <class T>
bool parse_num(std::string_view s, T& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size();
}

/// A stats time: whole hours since 1970 in the caller's offset, which is
/// echoed back unchanged.
struct sc_time {
  std::int64_t hours = 0;
  std::string offset;
};

/// YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM). A '+' decoded as a space
/// (raw '+' in a query) is taken as '+'.
std::optional<sc_time> parse_time(std::string_view s) {
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':'
      || s[16] != ':')
    return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  int hh = 0, mm = 0, ss = 0;
  if (!parse_num(s.substr(0, 4), y) || !parse_num(s.substr(5, 2), m)
      || !parse_num(s.substr(8, 2), d) || !parse_num(s.substr(11, 2), hh)
      || !parse_num(s.substr(14, 2), mm) || !parse_num(s.substr(17, 2), ss) || hh > 23)
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                  std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  auto rest = s.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    std::size_t i = 1;
    while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
    rest = rest.substr(i);
  }
  sc_time t;
  t.hours = std::chrono::sys_days{ymd}.time_since_epoch().count() * 24 + hh;
  if (rest.empty() || rest == "Z") {
    t.offset = "Z";
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-' || rest[0] == ' ')
             && rest[3] == ':') {
    t.offset = std::string(rest);
    if (t.offset[0] == ' ') t.offset[0] = '+';
  } else {
    return std::nullopt;
  }
  return t;
}

std::string format_time(std::int64_t hours, const std::string& offset) {
  auto days = hours >= 0 ? hours / 24 : (hours - 23) / 24;
  auto hour = static_cast<int>(hours - days * 24);
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:00:00.000", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hour);
  return buf + offset;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto pos = s.find(',', start);
    auto part = s.substr(start, pos == std::string_view::npos ? s.npos : pos - start);
    if (!part.empty()) out.emplace_back(part);
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

/// An error answer: Snapchat's error envelope with an HTTP status.
struct sc_error {
  int status;
  std::string error_code;
  std::string debug_message;
};

std::optional<kind> collection_kind(std::string_view plural) {
  if (plural == "organizations") return kind::organization;
  if (plural == "adaccounts") return kind::adaccount;
  if (plural == "campaigns") return kind::campaign;
  if (plural == "adsquads") return kind::adsquad;
  if (plural == "ads") return kind::ad;
  if (plural == "creatives") return kind::creative;
  if (plural == "media") return kind::media;
  if (plural == "segments") return kind::segment;
  if (plural == "pixels") return kind::pixel;
  return std::nullopt;
}

std::string plural(kind k) {
  if (k == kind::media) return "media";
  return std::string(snapchat::singular(k)) + "s";
}

/// Which children a parent lists (Snapchat's api-patterns page and the
/// creatives, media, audience segment and Snap Pixel pages).
bool lists_children(kind parent, kind child) {
  switch (parent) {
  case kind::organization: return child == kind::adaccount;
  case kind::adaccount:
    return child == kind::campaign || child == kind::adsquad || child == kind::ad
           || snapchat::account_asset(child);
  case kind::campaign: return child == kind::adsquad;
  case kind::adsquad: return child == kind::ad;
  default: return false;
  }
}

/// Breakdowns of a stats target (children it aggregates).
bool breaks_down(kind target, kind child) {
  switch (target) {
  case kind::adaccount:
    return child == kind::campaign || child == kind::adsquad || child == kind::ad;
  case kind::campaign: return child == kind::adsquad || child == kind::ad;
  case kind::adsquad: return child == kind::ad;
  default: return false;
  }
}

class snapchat_platform final : public platform {
public:
  snapchat_platform(const platform_options& opts, const snapchat_options& sc)
    : opts_(opts),
      sc_(sc),
      rng_(opts.seed ^ 0x5ca7'c4a7ULL),
      app_(scaled(sc.app_rps), 1s, opts.time_scale) {}

  std::string_view name() const override { return "snapchat"; }
  void set_faults(const fault_profile& faults) override { opts_.faults = faults; }
  void reset_limits() override {
    app_.reset();
    tokens_.clear();
  }

  http_response handle(const http_request& req, time_point now) override {
    accounting acct;
    acct.endpoint = "unknown";
    // Units: one per answered call that spent the app and token budgets
    // (rejected before the budget check or throttled: nothing spent).
    acct.quota_units = 0;
    try {
      auto segs = segments(req.path());
      if (segs.empty()) throw sc_error{404, "E1002", "Unknown endpoint"};
      acct.endpoint = label(segs);
      if (req.method != "GET") throw sc_error{405, "E1003", "Method not allowed"};
      auto token = bearer(req);
      if (!token)
        throw sc_error{401, "E3001", "Unauthorized: missing or invalid access token"};
      if (!spend(*token, now)) {
        acct.throttled = true;
        throw sc_error{429, "E3006", "Too many requests"};
      }
      acct.quota_units = 1;
      if (chance(opts_.faults.error_rate))
        throw sc_error{500, "E9000", "Internal server error, please retry"};
      auto params = parse_params(req.query());
      if (!params) throw sc_error{400, "E1001", "Malformed query string"};
      auto r = route(segs, *params, req.path(), *token, acct);
      r.acct = std::move(acct);
      return r;
    } catch (const sc_error& e) {
      json::object o;
      o["request_status"] = "ERROR";
      o["request_id"] = next_request_id();
      o["debug_message"] = e.debug_message;
      o["display_message"] = "We're sorry, but the request could not be processed.";
      o["error_code"] = e.error_code;
      auto r = json_response(e.status, o);
      acct.error = true;
      r.acct = std::move(acct);
      return r;
    }
  }

private:
  std::int64_t scaled(std::int64_t limit) const {
    return std::max<std::int64_t>(
      1, std::llround(static_cast<double>(limit) * opts_.limit_scale));
  }

  bool chance(double p) {
    if (p <= 0.0) return false;
    return std::uniform_real_distribution<double>{0.0, 1.0}(rng_) < p;
  }

  std::string next_request_id() {
    auto h = snapchat::mix(opts_.seed, 47, ++requests_);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%016llx%08llx", static_cast<unsigned long long>(h),
                  static_cast<unsigned long long>(requests_ & 0xffffffffULL));
    return buf;
  }

  static std::vector<std::string> segments(std::string_view path) {
    if (path.substr(0, 4) != "/v1/") return {};
    std::vector<std::string> out;
    auto rest = path.substr(4);
    std::size_t start = 0;
    while (start <= rest.size()) {
      auto pos = rest.find('/', start);
      auto seg = rest.substr(start, pos == std::string_view::npos ? rest.npos : pos - start);
      if (seg.empty()) return {};
      out.emplace_back(seg);
      if (pos == std::string_view::npos) break;
      start = pos + 1;
    }
    return out;
  }

  /// Stable endpoint label: ids are dropped ("campaigns/stats", "adaccounts").
  static std::string label(const std::vector<std::string>& segs) {
    if (segs[0] == "me") return segs.size() == 1 ? "me" : "me/" + segs[1];
    std::string l = segs[0];
    if (segs.size() > 2) l += "/" + segs[2];
    return l;
  }

  static std::optional<std::string> bearer(const http_request& req) {
    auto auth = req.header("Authorization");
    if (!auth || auth->size() < 8) return std::nullopt;
    std::string scheme = auth->substr(0, 7);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme != "bearer ") return std::nullopt;
    auto token = auth->substr(7);
    if (token.empty() || token.rfind("invalid", 0) == 0) return std::nullopt;
    return token;
  }

  bool spend(const std::string& token, time_point now) {
    if (opts_.faults.throttle_storm || chance(opts_.faults.throttle_rate)) return false;
    auto it = tokens_.try_emplace(token, scaled(sc_.token_rps), 1s, opts_.time_scale).first;
    if (app_.remaining(now) < 1 || it->second.remaining(now) < 1) return false;
    app_.spend(1, now);
    it->second.spend(1, now);
    return true;
  }

  static http_response json_response(int status, const json::object& o) {
    http_response r;
    r.status = status;
    r.content_type = "application/json;charset=UTF-8";
    r.body = json::serialize(o);
    return r;
  }

  node find(kind k, const std::string& id, const std::string& token) const {
    auto n = snapchat::parse_id(opts_.seed, id, k);
    if (!n)
      throw sc_error{404, "E3003", "Resource can not be found: " + std::string(snapchat::singular(k))
                                     + " " + id};
    // Snapchat's authorisation failure for an object of an organization
    // the token's user is no member of.
    if (!snapchat::owns_org(token, n->org))
      throw sc_error{403, "E3002", "None of the requested actions [READ_CONTAINER_ENTITY] can "
                                   "be authorized for " + std::string(snapchat::singular(k))
                                     + " " + id};
    return *n;
  }

  json::object entity(const node& n, bool with_accounts) const {
    auto o = snapchat::object_of(opts_.seed, n);
    if (with_accounts && n.type == kind::organization) {
      json::array accounts;
      for (const auto& a : snapchat::children(opts_.seed, n, kind::adaccount))
        accounts.push_back(snapchat::object_of(opts_.seed, a));
      o[sc_.nested_accounts_key] = std::move(accounts);
    }
    return o;
  }

  http_response route(const std::vector<std::string>& segs, const param_map& params,
                      std::string_view path, const std::string& token, accounting& acct) {
    auto with_accounts = [&] {
      auto it = params.find("with_ad_accounts");
      return it != params.end() && (it->second == "true" || it->second == "True");
    };
    if (segs[0] == "me") {
      if (segs.size() == 1) return me();
      if (segs.size() == 2 && segs[1] == "organizations") {
        std::vector<node> orgs;  // the organizations the user is a member of
        for (int o = 1; o <= snapchat::org_count; ++o)
          if (snapchat::owns_org(token, o)) orgs.push_back(node{kind::organization, o, 0, 0, 0, 0});
        return listing(kind::organization, orgs, params, path, acct, with_accounts());
      }
      throw sc_error{404, "E1002", "Unknown endpoint"};
    }
    if (segs[0] == "targeting") return targeting(segs, params, path, acct);
    auto k = collection_kind(segs[0]);
    if (!k || segs.size() < 2 || segs.size() > 3)
      throw sc_error{404, "E1002", "Unknown endpoint"};
    auto parent = find(*k, segs[1], token);
    if (segs.size() == 2) return listing(*k, {parent}, {}, path, acct, with_accounts());
    if (segs[2] == "stats") {
      if (*k == kind::organization || *k == kind::creative || *k == kind::media
          || *k == kind::segment)
        throw sc_error{404, "E1002", "Unknown endpoint"};
      return stats(parent, params, acct);
    }
    auto child = collection_kind(segs[2]);
    if (!child || !lists_children(*k, *child)) throw sc_error{404, "E1002", "Unknown endpoint"};
    return listing(*child, snapchat::children(opts_.seed, parent, *child), params, path, acct,
                   false);
  }

  http_response me() {
    json::object me;
    me["id"] = snapchat::id_of(opts_.seed, node{kind::organization, 0x7fff, 0, 0, 0, 0});
    me["display_name"] = "Sim User";
    me["email"] = "sim@example.invalid";
    me["organization_id"] =
      snapchat::id_of(opts_.seed, node{kind::organization, 1, 0, 0, 0, 0});
    me["member_status"] = "MEMBER";
    json::object o;
    o["request_status"] = "SUCCESS";
    o["request_id"] = next_request_id();
    o["me"] = std::move(me);
    return json_response(200, o);
  }

  /// Cursor: offset plus a check value, opaque to clients.
  std::string cursor_for(std::size_t offset, std::string_view path) const {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%zu_%08llx", offset,
                  static_cast<unsigned long long>(
                    snapchat::mix(opts_.seed, 48, offset, snapchat::hash_str(path))
                    & 0xffffffffULL));
    return buf;
  }

  std::size_t parse_cursor(const std::string& c, std::string_view path) const {
    auto pos = c.find('_');
    std::size_t offset = 0;
    if (pos == std::string::npos || !parse_num(std::string_view(c).substr(0, pos), offset)
        || cursor_for(offset, path) != c)
      throw sc_error{400, "E1001", "Invalid cursor"};
    return offset;
  }

  http_response listing(kind k, const std::vector<node>& all, const param_map& params,
                        std::string_view path, accounting& acct, bool with_accounts) {
    std::size_t begin = 0, end = all.size();
    std::optional<std::string> next;
    if (auto it = params.find("limit"); it != params.end()) {
      int limit = 0;
      if (!parse_num(std::string_view(it->second), limit) || limit < sc_.min_limit
          || limit > sc_.max_limit)
        throw sc_error{400, "E1001", "Invalid limit: must be an integer between "
                                       + std::to_string(sc_.min_limit) + " and "
                                       + std::to_string(sc_.max_limit)};
      if (auto c = params.find("cursor"); c != params.end())
        begin = std::min(parse_cursor(c->second, path), all.size());
      end = std::min(all.size(), begin + static_cast<std::size_t>(limit));
      if (end < all.size()) {
        urls::url u(opts_.public_base_url.empty() ? std::string("http://127.0.0.1")
                                                  : opts_.public_base_url);
        u.set_path(path);
        for (const auto& [key, value] : params)
          if (key != "cursor") u.params().append({key, value});
        u.params().append({"cursor", cursor_for(end, path)});
        next = std::string(u.buffer());
      }
    } else if (params.count("cursor")) {
      throw sc_error{400, "E1001", "cursor requires limit"};
    }
    json::array items;
    for (auto i = begin; i < end; ++i) {
      json::object item;
      if (chance(opts_.faults.partial_batch_rate)) {
        // The failed entity is named by its id (as Snapchat echoes the
        // entity of a failed sub-request), so clients can tell which failed.
        item["sub_request_status"] = "ERROR";
        item["sub_request_error_reason"] = "Simulated failure of this item";
        item[snapchat::singular(k)] = json::object{{"id", snapchat::id_of(opts_.seed, all[i])}};
      } else {
        item["sub_request_status"] = "SUCCESS";
        item[snapchat::singular(k)] = entity(all[i], with_accounts);
      }
      items.push_back(std::move(item));
    }
    acct.items = static_cast<std::int64_t>(items.size());
    json::object o;
    o["request_status"] = "SUCCESS";
    o["request_id"] = next_request_id();
    if (next) {
      json::object paging;
      paging["next_link"] = *next;
      o["paging"] = std::move(paging);
    }
    o[plural(k)] = std::move(items);
    return json_response(200, o);
  }

  json::object stats_of(const std::vector<std::string>& fields, const std::string& id,
                        std::int64_t bucket) const {
    json::object s;
    for (const auto& f : fields) s[f] = snapchat::stat_value(opts_.seed, f, id, bucket);
    return s;
  }

  http_response stats(const node& target, const param_map& params, accounting& acct) {
    auto get = [&](std::string_view key, std::string def) {
      auto it = params.find(key);
      return it == params.end() ? def : it->second;
    };
    auto granularity = get("granularity", "TOTAL");
    if (granularity != "TOTAL" && granularity != "DAY" && granularity != "HOUR"
        && granularity != "LIFETIME")
      throw sc_error{400, "E1001", "Invalid granularity: " + granularity};
    auto fields = split_commas(get("fields", "impressions,spend"));
    if (fields.empty()) throw sc_error{400, "E1001", "fields must not be empty"};

    std::optional<sc_time> start, end;
    if (params.count("start_time") || params.count("end_time")) {
      start = parse_time(get("start_time", ""));
      end = parse_time(get("end_time", ""));
      if (!start || !end)
        throw sc_error{400, "E1001", "start_time and end_time must be ISO 8601 with offset"};
    }
    bool series = granularity == "DAY" || granularity == "HOUR";
    if (series && !start)
      throw sc_error{400, "E1001", "start_time and end_time are required for " + granularity};
    std::int64_t step = granularity == "HOUR" ? 1 : 24;
    std::int64_t first = 0, last = 0;  // [first, last) in hours
    if (start) {
      first = start->hours;
      last = end->hours;
      if (granularity != "HOUR") {  // whole days, as Snapchat requires for DAY
        first = first / 24 * 24;
        last = (last + 23) / 24 * 24;
      }
      if (last <= first) throw sc_error{400, "E1001", "end_time must be after start_time"};
      auto span = last - first;
      if (granularity == "HOUR" && span > sc_.max_hour_range)
        throw sc_error{400, "E1001", "HOUR granularity allows at most "
                                       + std::to_string(sc_.max_hour_range) + " hours"};
      if (span > 366 * 24) throw sc_error{400, "E1001", "Time range too long"};
    }
    std::string offset = start ? start->offset : "Z";

    // Optional breakdown into children (ad / adsquad / campaign).
    std::optional<kind> breakdown;
    if (auto it = params.find("breakdown"); it != params.end()) {
      auto b = collection_kind(it->second + "s");
      if (!b || !breaks_down(target.type, *b))
        throw sc_error{400, "E1001", "Invalid breakdown: " + it->second};
      breakdown = b;
    }

    auto target_id = snapchat::id_of(opts_.seed, target);
    std::int64_t points = 0;
    auto fill = [&](json::object& o, const std::string& id) {
      if (series) {
        json::array ts;
        for (auto h = first; h < last; h += step) {
          json::object p;
          p["start_time"] = format_time(h, offset);
          p["end_time"] = format_time(std::min(h + step, last), offset);
          p["stats"] = stats_of(fields, id, h);
          ts.push_back(std::move(p));
          ++points;
        }
        o["timeseries"] = std::move(ts);
      } else if (start) {
        // A TOTAL over whole days is the sum of the days' values.
        json::object sum;
        for (const auto& f : fields) {
          std::int64_t v = 0;
          for (auto h = first; h < last; h += 24) v += snapchat::stat_value(opts_.seed, f, id, h);
          sum[f] = v;
        }
        o["stats"] = std::move(sum);
        ++points;
      } else {
        o["stats"] = stats_of(fields, id, -1);  // LIFETIME / TOTAL without times
        ++points;
      }
    };
    json::object stat;
    stat["id"] = target_id;
    stat["type"] = snapchat::stats_type(target.type);
    stat["granularity"] = granularity;
    if (start) {
      stat["start_time"] = format_time(first, offset);
      stat["end_time"] = format_time(last, offset);
      stat["finalized_data_end_time"] = format_time(last, offset);
    }
    if (breakdown) {
      json::array parts;
      for (const auto& child : snapchat::children(opts_.seed, target, *breakdown)) {
        json::object c;
        auto cid = snapchat::id_of(opts_.seed, child);
        c["id"] = cid;
        c["type"] = snapchat::stats_type(child.type);
        c["granularity"] = granularity;
        fill(c, cid);
        parts.push_back(std::move(c));
      }
      json::object bs;
      bs[snapchat::singular(*breakdown)] = std::move(parts);
      stat["breakdown_stats"] = std::move(bs);
    } else {
      fill(stat, target_id);
    }
    acct.items = points;
    json::object item;
    item["sub_request_status"] = "SUCCESS";
    item[series ? "timeseries_stat" : "total_stat"] = std::move(stat);
    json::object o;
    o["request_status"] = "SUCCESS";
    o["request_id"] = next_request_id();
    o[series ? "timeseries_stats" : "total_stats"] = json::array{std::move(item)};
    return json_response(200, o);
  }

  /// GET /v1/targeting/{dimension}/{type}: the dimension's options in
  /// {"targeting_dimensions": [{"sub_request_status", "<type>": {...}}]}.
  http_response targeting(const std::vector<std::string>& segs, const param_map& params,
                          std::string_view path, accounting& acct) {
    if (segs.size() != 3) throw sc_error{404, "E1002", "Unknown endpoint"};
    auto options = snapchat::targeting_options(opts_.seed, segs[1], segs[2]);
    if (!options)
      throw sc_error{400, "E1001", "Unknown targeting dimension: " + segs[1] + "/" + segs[2]};
    (void)params;
    (void)path;
    json::array items;
    for (auto& o : *options) {
      json::object item;
      if (chance(opts_.faults.partial_batch_rate)) {
        item["sub_request_status"] = "ERROR";
        item["sub_request_error_reason"] = "Simulated failure of this item";
        item[segs[2]] = json::object{{"id", o.at("id")}};
      } else {
        item["sub_request_status"] = "SUCCESS";
        item[segs[2]] = std::move(o);
      }
      items.push_back(std::move(item));
    }
    acct.items = static_cast<std::int64_t>(items.size());
    json::object out;
    out["request_status"] = "SUCCESS";
    out["request_id"] = next_request_id();
    out["targeting_dimensions"] = std::move(items);
    return json_response(200, out);
  }

  platform_options opts_;
  snapchat_options sc_;
  std::mt19937_64 rng_;
  std::uint64_t requests_ = 0;
  rate_window app_;
  std::map<std::string, rate_window> tokens_;
};

} // namespace

std::unique_ptr<platform> make_snapchat(const platform_options& opts,
                                        const snapchat_options& sc) {
  return std::make_unique<snapchat_platform>(opts, sc);
}

std::unique_ptr<platform> make_snapchat(const platform_options& opts) {
  return make_snapchat(opts, snapchat_options{});
}

} // namespace adbatch::sim
