#include "sim/twitter/twitter_platform.hpp"

// X API v2 user and post lookups (platform-contracts.md §6): up to 100 ids
// per request, per-id "Not Found Error" problems next to the found data,
// x-rate-limit-* headers on every authenticated answer, HTTP 429 when a
// 15-minute window is spent.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <random>
#include <cstdio>
#include <set>
#include <vector>

#include <boost/json.hpp>

#include "sim/core/rate_window.hpp"
#include "sim/meta/sim_util.hpp"
#include "sim/twitter/twitter_ads.hpp"
#include "sim/twitter/twitter_data.hpp"

namespace adbatch::sim {

namespace {

namespace json = boost::json;

using param_map = std::map<std::string, std::string, std::less<>>;

constexpr std::string_view problem_base = "https://api.twitter.com/2/problems/";

const std::vector<std::string_view> user_fields = {
  "affiliation", "connection_status", "created_at", "description", "entities", "id",
  "is_identity_verified", "location", "most_recent_tweet_id", "name", "parody",
  "pinned_tweet_id", "profile_banner_url", "profile_image_url", "protected",
  "public_metrics", "receives_your_dm", "subscription", "subscription_type", "url",
  "username", "verified", "verified_followers_count", "verified_type", "withheld"};

const std::vector<std::string_view> tweet_fields = {
  "article", "attachments", "author_id", "card_uri", "community_id", "context_annotations",
  "conversation_id", "created_at", "display_text_range", "edit_controls",
  "edit_history_tweet_ids", "entities", "geo", "id", "in_reply_to_user_id", "lang",
  "media_metadata", "non_public_metrics", "note_tweet", "organic_metrics",
  "possibly_sensitive", "promoted_metrics", "public_metrics", "referenced_tweets",
  "reply_settings", "scopes", "source", "text", "withheld"};

const std::vector<std::string_view> user_expansions = {
  "affiliation.user_id", "most_recent_tweet_id", "pinned_tweet_id"};

const std::vector<std::string_view> tweet_expansions = {
  "article.cover_media", "article.media_entities", "attachments.media_keys",
  "attachments.media_source_tweet", "attachments.poll_ids", "author_id",
  "edit_history_tweet_ids", "entities.mentions.username", "geo.place_id",
  "in_reply_to_user_id", "entities.note.mentions.username", "referenced_tweets.id",
  "referenced_tweets.id.attachments.media_keys", "referenced_tweets.id.author_id"};

/// Decodes a query string with the simulators' shared, tolerant parser
/// ('+' = space as Python's requests/urllib send it, raw `[`, `"` or `,`
/// accepted, invalid UTF-8 replaced so echoed values stay valid JSON).
/// Repeated keys: the first value wins.
std::optional<param_map> parse_params(std::string_view q) {
  param_map out;
  for (auto& [k, v] : detail::parse_params(q)) out.emplace(std::move(k), std::move(v));
  return out;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(',', start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? s.npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

bool all_digits(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max
         && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_username(std::string_view s) {
  return !s.empty() && s.size() <= 15 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || c == '_';
  });
}

std::string join(const std::vector<std::string_view>& v) {
  std::string out;
  for (auto s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

/// One parameter problem of a 400 Invalid Request answer.
struct param_problem {
  std::string parameter;
  std::string value;
  std::string message;
};

struct invalid_request {
  std::vector<param_problem> problems;
};

/// What the path names.
enum class route_kind { users, user, users_by, user_by_name, tweets, tweet };

struct route {
  route_kind kind;
  std::string label;  ///< accounting and rate-window key
  std::string arg;    ///< :id or :username from the path
};

std::optional<route> match_route(std::string_view path) {
  auto rest = [&](std::string_view prefix) -> std::optional<std::string> {
    if (path.substr(0, prefix.size()) != prefix || path.size() == prefix.size())
      return std::nullopt;
    auto arg = path.substr(prefix.size());
    if (arg.find('/') != std::string_view::npos) return std::nullopt;
    return std::string(arg);
  };
  if (path == "/2/users") return route{route_kind::users, "users", {}};
  if (path == "/2/users/by") return route{route_kind::users_by, "users/by", {}};
  if (path == "/2/tweets") return route{route_kind::tweets, "tweets", {}};
  if (auto a = rest("/2/users/by/username/"))
    return route{route_kind::user_by_name, "users/by/username", *a};
  if (path.substr(0, 12) != "/2/users/by/")
    if (auto a = rest("/2/users/")) return route{route_kind::user, "users/:id", *a};
  if (auto a = rest("/2/tweets/")) return route{route_kind::tweet, "tweets/:id", *a};
  return std::nullopt;
}

class twitter_platform final : public platform {
public:
  twitter_platform(const platform_options& opts, const twitter_options& tw)
    : opts_(opts), tw_(tw), rng_(opts.seed ^ 0x7717'7e77ULL) {
    if (tw_.epoch_origin)
      epoch_origin_ = *tw_.epoch_origin;
    else  // the one clock read, documented in twitter_options::epoch_origin
      epoch_origin_ = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  }

  std::string_view name() const override { return "twitter"; }
  void set_faults(const fault_profile& faults) override { opts_.faults = faults; }
  void reset_limits() override { windows_.clear(); }

  http_response handle(const http_request& req, time_point now) override {
    if (!first_seen_) first_seen_ = now;
    if (req.path().substr(0, 4) == "/12/"
        || req.path().substr(0, 32) == "/advertiser-api-async-analytics/")
      return handle_ads(req, now);
    auto rt = match_route(req.path());
    if (!rt) {
      auto r = json_response(404, json::parse(
                                    R"({"errors":[{"message":"Sorry, that page does not exist","code":34}]})"));
      r.acct.endpoint = "unknown";
      r.acct.error = true;
      return r;
    }
    accounting acct;
    acct.endpoint = rt->label;
    if (req.method != "GET") {
      auto r = problem(405, "Method Not Allowed", "Method Not Allowed");
      r.acct = acct;
      r.acct.error = true;
      return r;
    }

    auto principal = principal_of(req);
    if (!principal) {
      auto r = problem(401, "Unauthorized", "Unauthorized");
      r.acct = acct;
      r.acct.error = true;
      return r;
    }
    auto& window = window_for(rt->label, *principal);

    http_response r;
    if (opts_.faults.throttle_storm || chance(opts_.faults.throttle_rate)
        || !window.try_spend(1, now)) {
      r = throttled();
      acct.throttled = true;
      acct.error = true;
      acct.quota_units = 0; // nothing of the window was spent
    } else if (chance(opts_.faults.error_rate)) {
      r = problem(503, "Service Unavailable", "Service Unavailable");
      acct.error = true;
    } else {
      try {
        r = lookup(*rt, req, acct);
      } catch (const invalid_request& bad) {
        r = invalid(bad);
        acct.error = true;
      }
    }
    r.acct = std::move(acct);
    add_rate_headers(r, window, now);
    return r;
  }

private:
  bool chance(double p) {
    if (p <= 0.0) return false;
    return std::uniform_real_distribution<double>{0.0, 1.0}(rng_) < p;
  }

  /// "app:<bearer>" or "user:<oauth_token>"; nullopt when unauthenticated.
  static std::optional<std::string> principal_of(const http_request& req) {
    auto auth = req.header("Authorization");
    if (!auth) return std::nullopt;
    std::string_view a{*auth};
    auto starts = [&](std::string_view p) {
      if (a.size() < p.size()) return false;
      for (std::size_t i = 0; i < p.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != p[i]) return false;
      return true;
    };
    if (starts("bearer ")) {
      auto token = a.substr(7);
      if (token.empty() || token.substr(0, 7) == "invalid") return std::nullopt;
      return "app:" + std::string(token);
    }
    if (starts("oauth ")) {
      // OAuth 1.0a user context: the user is the oauth_token.
      auto pos = a.find("oauth_token=\"");
      if (pos == std::string_view::npos) return std::nullopt;
      auto start = pos + 13;
      auto end = a.find('"', start);
      if (end == std::string_view::npos || end == start) return std::nullopt;
      return "user:" + std::string(a.substr(start, end - start));
    }
    return std::nullopt;
  }

  rate_window& window_for(const std::string& label, const std::string& principal) {
    auto key = label + "|" + principal;
    auto it = windows_.find(key);
    if (it == windows_.end()) {
      bool user = principal.rfind("user:", 0) == 0;
      auto limit = std::max<std::int64_t>(
        1, std::llround(static_cast<double>(user ? tw_.user_limit : tw_.app_limit)
                        * opts_.limit_scale));
      it = windows_.emplace(key, rate_window(limit, tw_.window, opts_.time_scale)).first;
    }
    return it->second;
  }

  void add_rate_headers(http_response& r, rate_window& w, time_point now) {
    auto elapsed = std::chrono::duration<double>(now - *first_seen_).count();
    auto reset_in = std::chrono::duration<double>(w.reset_in(now)).count();
    auto reset = epoch_origin_ + static_cast<std::int64_t>(std::ceil(elapsed + reset_in));
    r.with_header("x-rate-limit-limit", std::to_string(w.limit()));
    r.with_header("x-rate-limit-remaining", std::to_string(w.remaining(now)));
    r.with_header("x-rate-limit-reset", std::to_string(reset));
  }

  static http_response json_response(int status, const json::value& v) {
    http_response r;
    r.status = status;
    r.content_type = "application/json; charset=utf-8";
    r.body = json::serialize(v);
    return r;
  }

  static http_response problem(int status, std::string_view title, std::string_view detail) {
    json::object o;
    o["title"] = title;
    o["detail"] = detail;
    o["type"] = "about:blank";
    o["status"] = status;
    auto r = json_response(status, o);
    r.content_type = "application/problem+json";
    return r;
  }

  http_response throttled() const {
    if (tw_.throttle == twitter_options::throttle_body::problem)
      return problem(429, "Too Many Requests", "Too Many Requests");
    return json_response(
      429, json::parse(R"({"errors":[{"code":88,"message":"Rate limit exceeded"}]})"));
  }

  static http_response invalid(const invalid_request& bad) {
    json::array errors;
    for (const auto& p : bad.problems) {
      json::object e, params;
      params[p.parameter] = json::array{json::value(p.value)};
      e["parameters"] = std::move(params);
      e["message"] = p.message;
      errors.push_back(std::move(e));
    }
    json::object o;
    o["errors"] = std::move(errors);
    o["title"] = "Invalid Request";
    o["detail"] = "One or more parameters to your request was invalid.";
    o["type"] = std::string(problem_base) + "invalid-request";
    return json_response(400, o);
  }

  static json::object not_found(std::string_view resource, std::string_view parameter,
                                const std::string& value) {
    json::object e;
    e["value"] = value;
    e["detail"] = "Could not find " + std::string(resource) + " with " + std::string(parameter)
                  + ": [" + value + "].";
    e["title"] = "Not Found Error";
    e["resource_type"] = resource;
    e["parameter"] = parameter;
    e["resource_id"] = value;
    e["type"] = std::string(problem_base) + "resource-not-found";
    return e;
  }

  /// The per-item answer of partial_batch_rate: the item exists but may not
  /// be shown (X's authorization problem).
  static json::object not_authorized(std::string_view resource, std::string_view parameter,
                                     const std::string& value) {
    json::object e;
    e["value"] = value;
    e["detail"] = "Sorry, you are not authorized to see the " + std::string(resource)
                  + " with " + std::string(parameter) + ": [" + value + "].";
    e["title"] = "Authorization Error";
    e["resource_type"] = resource;
    e["parameter"] = parameter;
    e["resource_id"] = value;
    e["section"] = "data";
    e["type"] = std::string(problem_base) + "not-authorized-for-resource";
    return e;
  }

  /// Splits and checks a fields/expansions parameter against X's list.
  static std::set<std::string> list_param(const param_map& params, const std::string& key,
                                          const std::vector<std::string_view>& allowed,
                                          std::vector<param_problem>& problems) {
    std::set<std::string> out;
    auto it = params.find(key);
    if (it == params.end()) return out;
    for (auto& v : split_commas(it->second)) {
      if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
        problems.push_back({key, v,
                            "The `" + key + "` query parameter value [" + v
                              + "] is not one of [" + join(allowed) + "]"});
      else
        out.insert(v);
    }
    return out;
  }

  struct shape {
    std::set<std::string> user_fields, tweet_fields, expansions;
  };

  json::object project_user(std::int64_t u, const shape& s) const {
    auto full = twitter::user_object(opts_.seed, u);
    json::object out;
    for (auto k : {"id", "name", "username"}) out[k] = full.at(k);
    for (const auto& f : s.user_fields)
      if (auto* v = full.if_contains(f)) out[f] = *v;
    if (s.expansions.count("pinned_tweet_id"))
      if (auto* v = full.if_contains("pinned_tweet_id")) out["pinned_tweet_id"] = *v;
    return out;
  }

  json::object project_tweet(std::int64_t k, const shape& s) const {
    auto full = twitter::tweet_object(opts_.seed, k);
    json::object out;
    for (auto f : {"id", "text", "edit_history_tweet_ids"}) out[f] = full.at(f);
    for (const auto& f : s.tweet_fields)
      if (auto* v = full.if_contains(f)) out[f] = *v;
    if (s.expansions.count("author_id")) out["author_id"] = full.at("author_id");
    return out;
  }

  http_response lookup(const route& rt, const http_request& req, accounting& acct) {
    auto parsed = parse_params(req.query());
    if (!parsed)
      throw invalid_request{{{"query", std::string(req.query()), "The query string is malformed"}}};
    const auto& params = *parsed;
    bool users = rt.kind == route_kind::users || rt.kind == route_kind::user
                 || rt.kind == route_kind::users_by || rt.kind == route_kind::user_by_name;

    // Only the parameters X lists for the endpoint are accepted.
    std::vector<std::string_view> allowed = {"expansions", "tweet.fields", "user.fields"};
    if (!users)
      for (auto p : {"media.fields", "place.fields", "poll.fields"}) allowed.push_back(p);
    std::string list_key;
    if (rt.kind == route_kind::users || rt.kind == route_kind::tweets) list_key = "ids";
    if (rt.kind == route_kind::users_by) list_key = "usernames";
    if (!list_key.empty()) allowed.push_back(list_key);
    std::sort(allowed.begin(), allowed.end());

    std::vector<param_problem> problems;
    for (const auto& [k, v] : params)
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
        problems.push_back({k, v,
                            "The query parameter [" + k + "] is not one of [" + join(allowed)
                              + "]"});
    shape s;
    s.user_fields = list_param(params, "user.fields", user_fields, problems);
    s.tweet_fields = list_param(params, "tweet.fields", tweet_fields, problems);
    s.expansions = list_param(params, "expansions", users ? user_expansions : tweet_expansions,
                              problems);

    // The requested keys: several for list endpoints, one from the path.
    std::vector<std::string> keys;
    std::string key_param = list_key;
    bool by_name = rt.kind == route_kind::users_by || rt.kind == route_kind::user_by_name;
    if (!list_key.empty()) {
      auto it = params.find(list_key);
      if (it == params.end() || it->second.empty()) {
        problems.push_back({list_key, "", "The `" + list_key
                                            + "` query parameter can not be empty"});
      } else {
        keys = split_commas(it->second);
        if (keys.size() > 100)
          problems.push_back({list_key, it->second,
                              "The number of values in the `" + list_key
                                + "` query parameter list [" + std::to_string(keys.size())
                                + "] is not between 1 and 100"});
      }
    } else {
      keys.push_back(rt.arg);
      key_param = by_name ? "username" : "id";
    }
    for (const auto& k : keys) {
      bool ok = by_name ? valid_username(k) : all_digits(k, 19);
      if (!ok)
        problems.push_back({key_param, k,
                            "The `" + key_param + "` query parameter value [" + k
                              + "] does not match "
                              + (by_name ? "^[A-Za-z0-9_]{1,15}$" : "^[0-9]{1,19}$")});
    }
    if (!problems.empty()) throw invalid_request{std::move(problems)};

    // Lookups, in request order; unknown keys become per-id problems.
    std::string_view resource = users ? "user" : "tweet";
    json::array data, errors;
    std::vector<std::int64_t> found;
    std::set<std::string> seen;
    for (const auto& k : keys) {
      if (!seen.insert(by_name ? std::string(k) : k).second) continue;
      std::optional<std::int64_t> idx = !users    ? twitter::tweet_index(k)
                                        : by_name ? twitter::username_index(k)
                                                  : twitter::user_index(k);
      if (!idx) {
        errors.push_back(not_found(resource, key_param, k));
      } else if (chance(opts_.faults.partial_batch_rate)) {
        errors.push_back(not_authorized(resource, key_param, k));
      } else {
        data.push_back(users ? project_user(*idx, s) : project_tweet(*idx, s));
        found.push_back(*idx);
      }
    }

    // Expansions: the referenced objects once each, in first-seen order.
    json::object includes;
    if (users && s.expansions.count("pinned_tweet_id")) {
      json::array tweets;
      std::set<std::int64_t> done;
      for (auto u : found)
        if (auto pin = twitter::pinned_tweet_of(opts_.seed, u); pin && done.insert(*pin).second)
          tweets.push_back(project_tweet(*pin, shape{s.user_fields, s.tweet_fields, {}}));
      if (!tweets.empty()) includes["tweets"] = std::move(tweets);
    }
    if (!users && s.expansions.count("author_id")) {
      json::array authors;
      std::set<std::int64_t> done;
      for (auto k : found)
        if (auto a = twitter::author_of(k); done.insert(a).second)
          authors.push_back(project_user(a, shape{s.user_fields, s.tweet_fields, {}}));
      if (!authors.empty()) includes["users"] = std::move(authors);
    }

    json::object out;
    bool single = list_key.empty();
    if (!data.empty()) {
      if (single) out["data"] = data.front();
      else out["data"] = std::move(data);
    }
    if (!includes.empty()) out["includes"] = std::move(includes);
    if (!errors.empty()) out["errors"] = std::move(errors);
    acct.items = static_cast<std::int64_t>(found.size());
    return json_response(200, out);
  }

  // -- X Ads API v12 (ads-api.x.com/12/) ---------------------------------
  //
  // Lists (/12/accounts, /12/accounts/:id/<entities>) with `count` 1..1000
  // (default 200), opaque `cursor` / `next_cursor`, id filters of up to 200;
  // synchronous stats (/12/stats/accounts/:id, at most 20 entity ids and 7
  // days, whole UTC days for DAY); asynchronous stats jobs
  // (POST/GET /12/stats/jobs/accounts/:id, 20 ids, 90 days) whose result is
  // a JSON file under /advertiser-api-async-analytics/. OAuth 1.0a user
  // context only: the oauth_token is the user, who reaches the accounts
  // twitter::ads::owns() gives. Errors: {"errors":[{"code","message",
  // "parameter"?}],"request":{"params":{..}}}.

  struct ads_error {
    int status;
    std::string code;
    std::string message;
    std::string parameter;
  };

  struct stats_job {
    std::string id;
    int account = 0;
    std::string entity;
    std::vector<std::string> entity_ids;
    std::int64_t start_day = 0, end_day = 0; // [start, end)
    std::string granularity, placement;
    std::vector<std::string> groups;
    std::string start_time, end_time;
    time_point created;
    std::string file; // result file name
  };

  static http_response ads_error_response(const ads_error& e, const json::object& params) {
    json::object err;
    err["code"] = e.code;
    err["message"] = e.message;
    if (!e.parameter.empty()) err["parameter"] = e.parameter;
    json::object o;
    o["errors"] = json::array{err};
    o["request"] = json::object{{"params", params}};
    return json_response(e.status, o);
  }

  static std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
  }

  /// "2026-11-01T00:00:00Z" (or with ".000Z") -> day; nullopt when the
  /// text is not that or not midnight UTC (the sim's accounts are Etc/UTC).
  static std::optional<std::int64_t> midnight_day(std::string_view s) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    char z = 0;
    std::string str(s);
    if (str.size() == 24 && str.substr(19) == ".000Z") str = str.substr(0, 19) + "Z";
    if (str.size() != 20
        || std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z)
             != 7
        || z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31)
      return std::nullopt;
    if (h != 0 || mi != 0 || se != 0) return std::nullopt;
    return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  }

  static std::string iso_of_day(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp + (mp < 10 ? 3 : -9);
    char buf[64]; // room for any int64 year: no truncation warning
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT00:00:00Z",
                  static_cast<long long>(y + (m <= 2)), m, d);
    return buf;
  }

  rate_window& ads_window(const std::string& key, std::int64_t limit) {
    auto it = windows_.find(key);
    if (it == windows_.end()) {
      auto l = std::max<std::int64_t>(
        1, std::llround(static_cast<double>(limit) * opts_.limit_scale));
      it = windows_.emplace(key, rate_window(l, tw_.window, opts_.time_scale)).first;
    }
    return it->second;
  }

  void add_account_rate_headers(http_response& r, rate_window& w, time_point now) {
    auto elapsed = std::chrono::duration<double>(now - *first_seen_).count();
    auto reset_in = std::chrono::duration<double>(w.reset_in(now)).count();
    auto reset = epoch_origin_ + static_cast<std::int64_t>(std::ceil(elapsed + reset_in));
    r.with_header("x-account-rate-limit-limit", std::to_string(w.limit()));
    r.with_header("x-account-rate-limit-remaining", std::to_string(w.remaining(now)));
    r.with_header("x-account-rate-limit-reset", std::to_string(reset));
  }

  http_response handle_ads(const http_request& req, time_point now) {
    auto path = std::string(req.path());
    auto params = parse_params(req.query()).value_or(param_map{});
    json::object echo;
    for (const auto& [k, v] : params) echo[k] = v;

    // The route and its label.
    std::vector<std::string> seg;
    {
      std::size_t s = 1;
      while (s <= path.size()) {
        auto e = path.find('/', s);
        seg.push_back(path.substr(s, e == std::string::npos ? std::string::npos : e - s));
        if (e == std::string::npos) break;
        s = e + 1;
      }
    }
    std::string label, account_str, entity_path;
    bool file = seg.size() == 2 && seg[0] == "advertiser-api-async-analytics";
    if (file)
      label = "ads/async_result";
    else if (seg.size() == 2 && seg[1] == "accounts")
      label = "ads/accounts";
    else if (seg.size() == 3 && seg[1] == "accounts")
      label = "ads/accounts/:id", account_str = seg[2];
    else if (seg.size() == 4 && seg[1] == "accounts")
      label = "ads/accounts/:id/" + seg[3], account_str = seg[2], entity_path = seg[3];
    else if (seg.size() == 4 && seg[1] == "stats" && seg[2] == "accounts")
      label = "ads/stats", account_str = seg[3];
    else if (seg.size() == 5 && seg[1] == "stats" && seg[2] == "jobs" && seg[3] == "accounts")
      label = "ads/stats/jobs", account_str = seg[4];
    static const std::set<std::string> entity_paths{
      "campaigns",          "line_items", "promoted_tweets",    "media_creatives",
      "cards",              "targeting_criteria", "tailored_audiences"};
    if (label.empty() || (!entity_path.empty() && !entity_paths.count(entity_path))) {
      auto r = ads_error_response({404, "ROUTE_NOT_FOUND",
                                   "The requested resource could not be found", ""},
                                  echo);
      r.acct.endpoint = "ads/unknown";
      r.acct.error = true;
      return r;
    }
    accounting acct;
    acct.endpoint = label;
    bool post = label == "ads/stats/jobs" && req.method == "POST";
    if (req.method != "GET" && !post) {
      auto r = ads_error_response({405, "METHOD_NOT_ALLOWED", "Method Not Allowed", ""}, echo);
      r.acct = acct;
      r.acct.error = true;
      return r;
    }
    if (file) {
      // The job's result file (real X: a gzip file on ton.twimg.com; no
      // authentication, not rate limited).
      http_response r;
      auto it = files_.find(seg[1]);
      if (it == files_.end()) {
        r.status = 404;
        r.content_type = "text/plain";
        r.body = "Not Found";
        acct.error = true;
      } else {
        r = json_response(200, json::parse(it->second));
      }
      r.acct = acct;
      return r;
    }
    auto principal = principal_of(req);
    if (!principal || principal->rfind("user:", 0) != 0) {
      auto r = ads_error_response(
        {401, "UNAUTHORIZED_ACCESS",
         "This request must be made using OAuth 1.0a user context", ""},
        echo);
      r.acct = acct;
      r.acct.error = true;
      r.acct.quota_units = 0;
      return r;
    }
    auto token = principal->substr(5);
    auto& window = ads_window(label + "|" + *principal, tw_.ads_limit);
    rate_window* account_window = nullptr;
    if (label == "ads/stats")
      account_window = &ads_window("ads/stats|account:" + account_str, tw_.stats_account_limit);

    http_response r;
    bool fits = window.try_spend(1, now);
    if (fits && account_window && !account_window->try_spend(1, now)) fits = false;
    if (opts_.faults.throttle_storm || chance(opts_.faults.throttle_rate) || !fits) {
      r = ads_error_response({429, "TOO_MANY_REQUESTS", "Rate limit exceeded", ""}, echo);
      acct.throttled = true;
      acct.error = true;
      acct.quota_units = 0; // nothing of the window was spent
    } else if (chance(opts_.faults.error_rate)) {
      r = ads_error_response({503, "SERVICE_UNAVAILABLE", "Service Unavailable", ""}, echo);
      acct.error = true;
    } else {
      try {
        r = ads_answer(label, account_str, entity_path, params, echo, token, req, now, acct);
      } catch (const ads_error& e) {
        r = ads_error_response(e, echo);
        acct.error = true;
      }
    }
    r.acct = std::move(acct);
    add_rate_headers(r, window, now);
    if (account_window) add_account_rate_headers(r, *account_window, now);
    return r;
  }

  static std::vector<std::string> ads_list(const param_map& params, const std::string& key,
                                           std::size_t max) {
    auto it = params.find(key);
    if (it == params.end()) return {};
    if (it->second.empty())
      throw ads_error{400, "INVALID_PARAMETER", key + " parameter can not be empty", key};
    auto v = split_commas(it->second);
    if (v.size() > max)
      throw ads_error{400, "INVALID_PARAMETER",
                      "Expected at most " + std::to_string(max) + " values for " + key
                        + ", got " + std::to_string(v.size()),
                      key};
    return v;
  }

  static bool ads_bool(const param_map& params, const std::string& key) {
    auto it = params.find(key);
    if (it == params.end()) return false;
    if (it->second == "true") return true;
    if (it->second == "false") return false;
    throw ads_error{400, "INVALID_PARAMETER", "Expected boolean for " + key + ", got \""
                                                + it->second + "\"",
                    key};
  }

  static void ads_only(const param_map& params, std::vector<std::string> allowed) {
    for (const auto& [k, v] : params)
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
        throw ads_error{400, "INVALID_PARAMETER", "Unknown parameter " + k, k};
  }

  /// One page of `items` (objects) per count / cursor.
  static json::object ads_page(const param_map& params, std::vector<json::object> items,
                               const json::object& echo) {
    std::int64_t count = 200, offset = 0;
    if (auto it = params.find("count"); it != params.end()) {
      if (!all_digits(it->second, 4) || std::stoll(it->second) < 1
          || std::stoll(it->second) > 1000)
        throw ads_error{400, "INVALID_PARAMETER",
                        "Expected integer between 1 and 1000 for count, got \"" + it->second
                          + "\"",
                        "count"};
      count = std::stoll(it->second);
    }
    if (auto it = params.find("cursor"); it != params.end()) {
      auto c = it->second;
      if (c.size() < 3 || c.substr(0, 2) != "cx" || !all_digits(c.substr(2), 9))
        throw ads_error{400, "INVALID_PARAMETER", "Invalid cursor", "cursor"};
      offset = std::stoll(c.substr(2));
    }
    json::object o;
    o["request"] = json::object{{"params", echo}};
    json::array data;
    auto n = static_cast<std::int64_t>(items.size());
    for (auto i = offset; i < n && i < offset + count; ++i)
      data.push_back(std::move(items[static_cast<std::size_t>(i)]));
    if (ads_bool(params, "with_total_count")) o["total_count"] = n;
    o["next_cursor"] = offset + count < n ? json::value("cx" + std::to_string(offset + count))
                                          : json::value(nullptr);
    o["data"] = std::move(data);
    return o;
  }

  int ads_account(const std::string& account_str, const std::string& token) {
    auto a = twitter::ads::account_index(account_str);
    if (!a)
      throw ads_error{404, "NOT_FOUND", "Account " + account_str + " was not found",
                      "account_id"};
    if (!twitter::ads::owns(token, *a))
      throw ads_error{403, "UNAUTHORIZED_CLIENT_APPLICATION",
                      "User is not authorized to access account " + account_str, "account_id"};
    return *a;
  }

  http_response ads_answer(const std::string& label, const std::string& account_str,
                           const std::string& entity_path, const param_map& params,
                           const json::object& echo, const std::string& token,
                           const http_request& req, time_point now, accounting& acct) {
    namespace ads = twitter::ads;
    const auto seed = opts_.seed;
    if (label == "ads/accounts") {
      ads_only(params, {"account_ids", "count", "cursor", "q", "sort_by", "with_deleted",
                        "with_total_count"});
      auto ids = ads_list(params, "account_ids", 200);
      std::set<std::string> want(ids.begin(), ids.end());
      std::vector<json::object> items;
      for (int a = 1; a <= ads::account_count; ++a)
        if (ads::owns(token, a) && (want.empty() || want.count(ads::account_id(a))))
          items.push_back(ads::account_object(seed, a));
      std::sort(items.begin(), items.end(), [](const json::object& x, const json::object& y) {
        return x.at("id").as_string() < y.at("id").as_string();
      });
      auto o = ads_page(params, std::move(items), echo);
      acct.items = static_cast<std::int64_t>(o.at("data").as_array().size());
      return json_response(200, o);
    }
    auto a = ads_account(account_str, token);
    if (label == "ads/accounts/:id") {
      ads_only(params, {"with_deleted"});
      json::object o;
      o["request"] = json::object{{"params", echo}};
      o["data"] = ads::account_object(seed, a);
      acct.items = 1;
      return json_response(200, o);
    }
    if (!entity_path.empty()) return ads_entities(a, entity_path, params, echo, acct);
    if (label == "ads/stats") return ads_stats(a, params, echo, acct);
    // stats jobs
    if (req.method == "POST") return ads_create_job(a, params, echo, now, acct);
    ads_only(params, {"count", "cursor", "job_ids", "with_total_count"});
    auto ids = ads_list(params, "job_ids", 200);
    std::set<std::string> want(ids.begin(), ids.end());
    std::vector<json::object> items;
    for (const auto& [id, job] : jobs_)
      if (job.account == a && (want.empty() || want.count(id))) items.push_back(job_object(job, now));
    auto o = ads_page(params, std::move(items), echo);
    acct.items = static_cast<std::int64_t>(o.at("data").as_array().size());
    return json_response(200, o);
  }

  http_response ads_entities(int a, const std::string& entity_path, const param_map& params,
                             const json::object& echo, accounting& acct) {
    namespace ads = twitter::ads;
    struct spec {
      ads::kind k;
      std::string own_ids;
      std::vector<std::string> parent_filters; // parent id fields
    };
    static const std::map<std::string, spec> specs{
      {"campaigns", {ads::kind::campaign, "campaign_ids", {"funding_instrument_ids"}}},
      {"line_items", {ads::kind::line_item, "line_item_ids", {"campaign_ids"}}},
      {"promoted_tweets", {ads::kind::promoted_tweet, "promoted_tweet_ids", {"line_item_ids"}}},
      {"media_creatives",
       {ads::kind::media_creative, "media_creative_ids", {"line_item_ids"}}},
      {"cards", {ads::kind::card, "card_ids", {}}},
      {"targeting_criteria",
       {ads::kind::targeting_criterion, "targeting_criterion_ids", {"line_item_ids"}}},
      {"tailored_audiences", {ads::kind::tailored_audience, "tailored_audience_ids", {}}}};
    const auto& sp = specs.at(entity_path);
    std::vector<std::string> allowed{"count", "cursor", "sort_by", "with_deleted",
                                     "with_total_count", sp.own_ids};
    for (const auto& f : sp.parent_filters) allowed.push_back(f);
    ads_only(params, allowed);
    auto own = ads_list(params, sp.own_ids, 200);
    std::map<std::string, std::set<std::string>> parents;
    for (const auto& f : sp.parent_filters)
      if (params.count(f)) {
        auto v = ads_list(params, f, 200);
        parents[f] = {v.begin(), v.end()};
      }
    if (sp.k == ads::kind::targeting_criterion && !parents.count("line_item_ids"))
      throw ads_error{400, "MISSING_PARAMETER", "line_item_ids is required", "line_item_ids"};
    std::set<std::string> want(own.begin(), own.end());
    std::vector<json::object> items;
    for (const auto& r : ads::list(opts_.seed, sp.k, a)) {
      auto o = ads::object(opts_.seed, r);
      if (!want.empty() && !want.count(std::string(o.at("id").as_string()))) continue;
      bool ok = true;
      for (const auto& [f, set] : parents) {
        std::string field = f == "funding_instrument_ids" ? "funding_instrument_id"
                            : f == "campaign_ids"         ? "campaign_id"
                                                          : "line_item_id";
        auto* v = o.if_contains(field);
        if (!v || !v->is_string() || !set.count(std::string(v->as_string()))) ok = false;
      }
      if (ok) items.push_back(std::move(o));
    }
    auto o = ads_page(params, std::move(items), echo);
    acct.items = static_cast<std::int64_t>(o.at("data").as_array().size());
    return json_response(200, o);
  }

  struct stats_spec {
    std::string entity;
    std::vector<std::string> ids;
    std::vector<twitter::ads::ref> refs;
    std::int64_t start = 0, end = 0;
    std::string granularity, placement;
    std::vector<std::string> groups;
  };

  stats_spec read_stats_spec(int a, const param_map& params, std::size_t max_days) {
    namespace ads = twitter::ads;
    ads_only(params, {"entity", "entity_ids", "start_time", "end_time", "granularity",
                      "metric_groups", "placement", "segmentation_type", "country",
                      "platform"});
    auto need = [&](const std::string& k) -> const std::string& {
      auto it = params.find(k);
      if (it == params.end() || it->second.empty())
        throw ads_error{400, "MISSING_PARAMETER", k + " is required", k};
      return it->second;
    };
    if (params.count("segmentation_type"))
      throw ads_error{400, "INVALID_PARAMETER",
                      "segmentation_type is not supported by this simulator",
                      "segmentation_type"};
    stats_spec s;
    s.entity = need("entity");
    static const std::map<std::string, ads::kind> entities{
      {"CAMPAIGN", ads::kind::campaign},
      {"LINE_ITEM", ads::kind::line_item},
      {"PROMOTED_TWEET", ads::kind::promoted_tweet}};
    auto ek = entities.find(s.entity);
    if (ek == entities.end())
      throw ads_error{400, "INVALID_PARAMETER",
                      "Expected one of CAMPAIGN, LINE_ITEM, PROMOTED_TWEET for entity, got \""
                        + s.entity + "\"",
                      "entity"};
    need("entity_ids");
    s.ids = ads_list(params, "entity_ids", 20);
    for (const auto& id : s.ids) {
      auto r = ads::parse_id(opts_.seed, id);
      if (!r || r->k != ek->second || r->a != a)
        throw ads_error{400, "INVALID_PARAMETER",
                        "Entity " + id + " is not a " + s.entity + " of this account",
                        "entity_ids"};
      s.refs.push_back(*r);
    }
    auto st = midnight_day(need("start_time"));
    auto en = midnight_day(need("end_time"));
    if (!st)
      throw ads_error{400, "INVALID_PARAMETER",
                      "start_time must be an ISO 8601 time at midnight of the account's "
                      "time zone",
                      "start_time"};
    if (!en)
      throw ads_error{400, "INVALID_PARAMETER",
                      "end_time must be an ISO 8601 time at midnight of the account's time "
                      "zone",
                      "end_time"};
    if (*en <= *st)
      throw ads_error{400, "INVALID_PARAMETER", "end_time must be after start_time",
                      "end_time"};
    if (static_cast<std::size_t>(*en - *st) > max_days)
      throw ads_error{400, "INVALID_PARAMETER",
                      "The time span between start_time and end_time may be at most "
                        + std::to_string(max_days) + " days",
                      "end_time"};
    s.start = *st;
    s.end = *en;
    s.granularity = need("granularity");
    if (s.granularity != "DAY" && s.granularity != "TOTAL")
      throw ads_error{400, "INVALID_PARAMETER",
                      "Expected DAY or TOTAL for granularity, got \"" + s.granularity
                        + "\" (HOUR is not simulated)",
                      "granularity"};
    s.placement = need("placement");
    if (s.placement != "ALL_ON_TWITTER" && s.placement != "PUBLISHER_NETWORK")
      throw ads_error{400, "INVALID_PARAMETER",
                      "Expected ALL_ON_TWITTER or PUBLISHER_NETWORK for placement, got \""
                        + s.placement + "\"",
                      "placement"};
    need("metric_groups");
    for (const auto& g : ads_list(params, "metric_groups", 10)) {
      if (ads::metrics_of(g).empty())
        throw ads_error{400, "INVALID_PARAMETER",
                        "Unknown metric group " + g, "metric_groups"};
      s.groups.push_back(g);
    }
    return s;
  }

  json::array stats_data(const stats_spec& s) const {
    namespace ads = twitter::ads;
    json::array data;
    for (std::size_t i = 0; i < s.ids.size(); ++i) {
      json::object metrics;
      for (const auto& g : s.groups)
        for (const auto& m : ads::metrics_of(g)) {
          json::array series;
          if (s.granularity == "TOTAL") {
            std::int64_t sum = 0;
            for (auto d = s.start; d < s.end; ++d)
              sum += ads::daily_metric(opts_.seed, s.refs[i], d, s.placement, m);
            series.push_back(sum);
          } else {
            for (auto d = s.start; d < s.end; ++d)
              series.push_back(ads::daily_metric(opts_.seed, s.refs[i], d, s.placement, m));
          }
          metrics[m] = std::move(series);
        }
      json::object seg;
      seg["segment"] = nullptr;
      seg["metrics"] = std::move(metrics);
      json::object item;
      item["id"] = s.ids[i];
      item["id_data"] = json::array{seg};
      data.push_back(std::move(item));
    }
    return data;
  }

  http_response ads_stats(int a, const param_map& params, const json::object& echo,
                          accounting& acct) {
    auto s = read_stats_spec(a, params, 7);
    json::object o;
    o["data_type"] = "stats";
    o["time_series_length"] =
      s.granularity == "TOTAL" ? std::int64_t{1} : static_cast<std::int64_t>(s.end - s.start);
    o["data"] = stats_data(s);
    o["request"] = json::object{{"params", echo}};
    acct.items = static_cast<std::int64_t>(s.ids.size());
    return json_response(200, o);
  }

  json::object job_object(const stats_job& j, time_point now) const {
    bool done = std::chrono::duration<double>(now - j.created).count() * opts_.time_scale
                >= static_cast<double>(tw_.job_seconds);
    json::object o;
    o["start_time"] = j.start_time;
    o["end_time"] = j.end_time;
    o["entity"] = j.entity;
    json::array ids;
    for (const auto& i : j.entity_ids) ids.push_back(json::value(i));
    o["entity_ids"] = std::move(ids);
    o["placement"] = j.placement;
    o["id"] = std::stoll(j.id);
    o["id_str"] = j.id;
    o["status"] = done ? "SUCCESS" : "PROCESSING";
    // Real X names a file on ton.twimg.com; the simulator serves the file
    // itself, at the address its clients use (public_base_url) when known.
    const std::string files_host =
      opts_.public_base_url.empty() ? std::string{"https://ton.twimg.com"}
                                    : opts_.public_base_url;
    o["url"] = done ? json::value(files_host + "/advertiser-api-async-analytics/"
                                  + j.file)
                    : json::value(nullptr);
    o["granularity"] = j.granularity;
    json::array groups;
    for (const auto& g : j.groups) groups.push_back(json::value(g));
    o["metric_groups"] = std::move(groups);
    o["segmentation_type"] = nullptr;
    o["country"] = nullptr;
    o["platform"] = nullptr;
    o["account_id"] = twitter::ads::account_id(j.account);
    return o;
  }

  http_response ads_create_job(int a, const param_map& params, const json::object& echo,
                               time_point now, accounting& acct) {
    auto s = read_stats_spec(a, params, 90);
    stats_job j;
    j.id = std::to_string(1'300'000'000'000'000'000LL + static_cast<std::int64_t>(++job_seq_));
    j.account = a;
    j.entity = s.entity;
    j.entity_ids = s.ids;
    j.start_day = s.start;
    j.end_day = s.end;
    j.start_time = iso_of_day(s.start);
    j.end_time = iso_of_day(s.end);
    j.granularity = s.granularity;
    j.placement = s.placement;
    j.groups = s.groups;
    j.created = now;
    j.file = std::to_string(mix_file(j.id)) + ".json.gz";
    json::object file;
    file["request"] = json::object{{"params", echo}};
    file["time_series_length"] =
      s.granularity == "TOTAL" ? std::int64_t{1} : static_cast<std::int64_t>(s.end - s.start);
    file["data"] = stats_data(s);
    files_[j.file] = json::serialize(file);
    auto o = json::object{};
    o["request"] = json::object{{"params", echo}};
    o["data"] = job_object(j, now);
    jobs_.emplace(j.id, std::move(j));
    acct.items = static_cast<std::int64_t>(s.ids.size());
    return json_response(200, o);
  }

  std::uint64_t mix_file(const std::string& id) const {
    return twitter::mix(opts_.seed, 820, std::stoull(id)) % 100000000000000ULL;
  }

  std::map<std::string, stats_job> jobs_;
  std::map<std::string, std::string> files_;
  std::uint64_t job_seq_ = 0;

  platform_options opts_;
  twitter_options tw_;
  std::mt19937_64 rng_;
  std::int64_t epoch_origin_ = 0;
  std::optional<time_point> first_seen_;
  std::map<std::string, rate_window> windows_;
};

} // namespace

std::unique_ptr<platform> make_twitter(const platform_options& opts,
                                       const twitter_options& tw) {
  return std::make_unique<twitter_platform>(opts, tw);
}

std::unique_ptr<platform> make_twitter(const platform_options& opts) {
  return make_twitter(opts, twitter_options{});
}

} // namespace adbatch::sim
