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
#include <set>
#include <vector>

#include <boost/json.hpp>

#include "sim/core/rate_window.hpp"
#include "sim/meta/sim_util.hpp"
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
