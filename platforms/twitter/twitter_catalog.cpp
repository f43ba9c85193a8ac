#include "platforms/twitter/twitter_catalog.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <set>

namespace adbatch::platforms::twitter {

namespace {

namespace json = boost::json;

const std::vector<list_spec>& list_specs() {
  static const std::vector<list_spec> v{
      {"get_campaigns",
       "campaigns",
       "campaigns",
       {{"campaign_ids", "id"},
        {"funding_instrument_ids", "funding_instrument_id"}},
       ""},
      {"get_line_items",
       "line_items",
       "line_items",
       {{"line_item_ids", "id"}, {"campaign_ids", "campaign_id"}},
       ""},
      {"get_promoted_tweets",
       "promoted_tweets",
       "promoted_tweets",
       {{"promoted_tweet_ids", "id"}, {"line_item_ids", "line_item_id"}},
       ""},
      {"get_media_creatives",
       "media_creatives",
       "media_creatives",
       {{"media_creative_ids", "id"}, {"line_item_ids", "line_item_id"}},
       ""},
      {"get_cards", "cards", "cards", {{"card_ids", "id"}}, ""},
      {"get_targeting_criteria",
       "targeting_criteria",
       "targeting_criteria",
       {{"targeting_criterion_ids", "id"}, {"line_item_ids", "line_item_id"}},
       "line_item_ids"},
      {"get_tailored_audiences",
       "tailored_audiences",
       "tailored_audiences",
       {{"tailored_audience_ids", "id"}},
       ""},
  };
  return v;
}

bool digits(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

bool ads_id(std::string_view s) {
  return !s.empty() && s.size() <= 20 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
         });
}

bool username_ok(std::string_view s) {
  return !s.empty() && s.size() <= 15 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                  (c >= 'A' && c <= 'Z') || c == '_';
         });
}

struct bad {
  std::string msg;
};

/// An array of strings (1..max, each `ok`), repeats dropped (first kept).
std::vector<std::string> id_list(std::string_view type, const json::object& p,
                                 const std::string& key, std::size_t max,
                                 bool (*ok)(std::string_view), const char* what,
                                 bool unique_required = false) {
  auto prefix = std::string(type) + ": params." + key;
  const auto& v = p.at(key);
  if (!v.is_array()) throw bad{prefix + " must be an array of " + what};
  const auto& a = v.as_array();
  if (a.empty() || a.size() > max)
    throw bad{prefix + " must hold 1 to " + std::to_string(max) + " " + what +
              " (got " + std::to_string(a.size()) + ")"};
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string() || !ok(a[i].as_string()))
      throw bad{prefix + "[" + std::to_string(i) + "] must be " + what};
    std::string s{a[i].as_string()};
    if (!seen.insert(s).second) {
      if (unique_required) throw bad{prefix + " repeats " + s};
      continue;
    }
    out.push_back(std::move(s));
  }
  return out;
}

bool is_digits19(std::string_view s) {
  return digits(s, 19);
}

std::string one_of(const json::object& p, std::string_view type,
                   const std::string& key,
                   const std::vector<std::string>& allowed, std::string def) {
  auto* v = p.if_contains(key);
  if (!v) return def;
  std::string list;
  for (const auto& a : allowed)
    list += (list.empty() ? "" : ", ") + a;
  if (!v->is_string() ||
      std::find(allowed.begin(), allowed.end(), std::string(v->as_string())) ==
          allowed.end())
    throw bad{std::string(type) + ": params." + key + " must be one of " +
              list};
  return std::string(v->as_string());
}

std::optional<std::int64_t> days_from_civil(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr int mdays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > mdays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 +
      static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 +
         static_cast<std::int64_t>(doe) - 719468;
}

/// "YYYY-MM-DD" or "YYYY-MM-DDT00:00:00Z" (optionally ".000Z").
std::optional<std::int64_t> parse_day(std::string_view s) {
  std::string str(s);
  if (str.size() == 24 && str.substr(19) == ".000Z")
    str = str.substr(0, 19) + "Z";
  if (str.size() == 20) {
    if (str.substr(10) != "T00:00:00Z") return std::nullopt;
    str = str.substr(0, 10);
  }
  if (str.size() != 10 || str[4] != '-' || str[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (str[i] < '0' || str[i] > '9') return std::nullopt;
  return days_from_civil(std::stoi(str.substr(0, 4)),
                         std::stoi(str.substr(5, 2)),
                         std::stoi(str.substr(8, 2)));
}

void only(std::string_view type, const json::object& p,
          const std::set<std::string>& allowed) {
  for (const auto& kv : p)
    if (!allowed.count(std::string(kv.key())))
      throw bad{std::string(type) + ": params." + std::string(kv.key()) +
                " is not a parameter of " + std::string(type)};
}

void parse_account_id(std::string_view type, const json::object& p,
                      x_request& r) {
  if (auto* v = p.if_contains("account_id")) {
    if (!v->is_string() || !ads_id(v->as_string()))
      throw bad{std::string(type) + ": params.account_id must be an X Ads "
                                    "account id (lower-case letters and "
                                    "digits, e.g. \"18ce54d4x5t\")"};
    r.account_id = std::string(v->as_string());
  }
}

void parse_stats(std::string_view type, const json::object& p, x_request& r,
                 bool async) {
  only(type, p,
       {"account_id", "entity_type", "entity_ids", "start_time", "end_time",
        "granularity", "metric_groups", "placement"});
  parse_account_id(type, p, r);
  r.entity = one_of(p, type, "entity_type",
                    {"CAMPAIGN", "LINE_ITEM", "PROMOTED_TWEET"}, "CAMPAIGN");
  if (!p.contains("entity_ids"))
    throw bad{std::string(type) +
              ": params.entity_ids is required (1 to 20 ids of " + r.entity +
              " entities)"};
  r.keys = id_list(type, p, "entity_ids", max_stats_ids, ads_id,
                   "X Ads entity ids (strings)", true);
  r.granularity = one_of(p, type, "granularity", {"DAY", "TOTAL"}, "DAY");
  r.placement =
      one_of(p, type, "placement", {"ALL_ON_TWITTER", "PUBLISHER_NETWORK"},
             "ALL_ON_TWITTER");
  std::set<std::string> groups;
  if (auto* v = p.if_contains("metric_groups")) {
    std::vector<std::string> given;
    if (v->is_string()) {
      std::string s(v->as_string());
      std::size_t start = 0;
      while (true) {
        auto pos = s.find(',', start);
        given.push_back(
            s.substr(start, pos == std::string::npos ? pos : pos - start));
        if (pos == std::string::npos) break;
        start = pos + 1;
      }
    } else if (v->is_array()) {
      for (const auto& g : v->as_array()) {
        if (!g.is_string())
          throw bad{std::string(type) +
                    ": params.metric_groups must hold strings"};
        given.emplace_back(g.as_string());
      }
    } else {
      throw bad{std::string(type) + ": params.metric_groups must be an array "
                                    "(or comma-separated string) of "
                                    "BILLING, ENGAGEMENT, MEDIA, VIDEO"};
    }
    if (given.empty())
      throw bad{std::string(type) + ": params.metric_groups must not be empty"};
    for (const auto& g : given) {
      const auto& order = metric_group_order();
      if (std::find(order.begin(), order.end(), g) == order.end())
        throw bad{std::string(type) + ": params.metric_groups: \"" + g +
                  "\" is not one of BILLING, ENGAGEMENT, MEDIA, VIDEO"};
      groups.insert(g);
    }
  } else {
    groups = async ? std::set<std::string>{"ENGAGEMENT", "BILLING", "VIDEO"}
                   : std::set<std::string>{"ENGAGEMENT", "BILLING"};
  }
  for (const auto& g : metric_group_order())
    if (groups.count(g)) r.metric_groups.push_back(g);
  bool has_start = p.contains("start_time"), has_end = p.contains("end_time");
  if (has_start != has_end)
    throw bad{std::string(type) + ": params.start_time and params.end_time go "
                                  "together (both or neither)"};
  auto max_days = async ? max_async_days : max_sync_days;
  if (has_start) {
    auto day = [&](const char* key) {
      const auto& v = p.at(key);
      std::optional<std::int64_t> d;
      if (v.is_string()) d = parse_day(v.as_string());
      if (!d)
        throw bad{std::string(type) + ": params." + key +
                  " must be a date YYYY-MM-DD or a UTC midnight "
                  "YYYY-MM-DDT00:00:00Z"};
      return *d;
    };
    r.start_day = day("start_time");
    r.end_day = day("end_time");
    if (*r.end_day <= *r.start_day)
      throw bad{std::string(type) +
                ": params.end_time must be after params.start_time (end_time "
                "is exclusive)"};
    if (*r.end_day - *r.start_day > max_days)
      throw bad{std::string(type) +
                ": params.start_time to params.end_time spans " +
                std::to_string(*r.end_day - *r.start_day) +
                " days; X allows at most " + std::to_string(max_days)};
  }
}

} // namespace

const std::vector<std::string>& metric_group_order() {
  static const std::vector<std::string> v{"BILLING", "ENGAGEMENT", "MEDIA",
                                          "VIDEO"};
  return v;
}

const list_spec* list_spec_of(std::string_view type) {
  for (const auto& s : list_specs())
    if (s.type == type) return &s;
  return nullptr;
}

std::vector<std::string> request_type_names() {
  std::vector<std::string> v{"get_users", "lookup_users",
                             "get_users_by_username", "get_tweets",
                             "get_accounts"};
  for (const auto& s : list_specs())
    v.push_back(s.type);
  v.push_back("get_stats");
  return v;
}

std::string iso_midnight(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT00:00:00Z",
                static_cast<long long>(y + (m <= 2)), m, d);
  return buf;
}

std::int64_t day_of(std::chrono::system_clock::time_point t) {
  auto s =
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch())
          .count();
  return s >= 0 ? s / 86400 : (s - 86399) / 86400;
}

parse_result parse_request(std::string_view type, const json::object& p) {
  parse_result out;
  x_request r;
  r.type = std::string(type);
  try {
    if (type == "get_users" || type == "lookup_users") {
      r.fam = family::users;
      only(type, p, {"user_ids"});
      if (!p.contains("user_ids"))
        throw bad{std::string(type) +
                  ": params.user_ids is required (1 to 100 user ids)"};
      r.keys = id_list(type, p, "user_ids", max_lookup_ids, is_digits19,
                       "X user ids (strings of 1 to 19 digits)");
    } else if (type == "get_users_by_username") {
      r.fam = family::usernames;
      only(type, p, {"usernames"});
      if (!p.contains("usernames"))
        throw bad{"get_users_by_username: params.usernames is required (1 to "
                  "100 usernames)"};
      r.keys = id_list(type, p, "usernames", max_lookup_ids, username_ok,
                       "usernames (1 to 15 letters, digits or _)");
    } else if (type == "get_tweets") {
      r.fam = family::tweets;
      only(type, p, {"tweet_ids"});
      if (!p.contains("tweet_ids"))
        throw bad{
            "get_tweets: params.tweet_ids is required (1 to 100 post ids)"};
      r.keys = id_list(type, p, "tweet_ids", max_lookup_ids, is_digits19,
                       "X post ids (strings of 1 to 19 digits)");
    } else if (type == "get_accounts") {
      r.fam = family::accounts;
      only(type, p, {"account_ids"});
      if (p.contains("account_ids")) {
        auto ids = id_list(type, p, "account_ids", max_filter_ids, ads_id,
                           "X Ads account ids (lower-case letters and digits)");
        std::sort(ids.begin(), ids.end());
        r.filters["account_ids"] = std::move(ids);
      }
    } else if (auto* spec = list_spec_of(type)) {
      r.fam = family::list;
      r.list = spec;
      std::set<std::string> allowed{"account_id"};
      for (const auto& f : spec->filters)
        allowed.insert(f.first);
      only(type, p, allowed);
      parse_account_id(type, p, r);
      for (const auto& f : spec->filters)
        if (p.contains(f.first)) {
          auto ids = id_list(type, p, f.first, max_filter_ids, ads_id,
                             "X Ads ids (lower-case letters and digits)");
          std::sort(ids.begin(), ids.end());
          r.filters[f.first] = std::move(ids);
        }
      if (!spec->required.empty() && !r.filters.count(spec->required))
        throw bad{std::string(type) + ": params." + spec->required +
                  " is required (X lists targeting criteria per line item; 1 "
                  "to 200 ids)"};
    } else if (type == "get_stats") {
      r.fam = family::stats;
      parse_stats(type, p, r, false);
    } else if (type == "get_async_stats") {
      r.fam = family::async_stats;
      parse_stats(type, p, r, true);
    } else if (type == "get_reach_frequency") {
      throw bad{
          "get_reach_frequency: unsupported request type: X Ads API v12 has no "
          "reach-and-frequency endpoint adbatch can call (the original system "
          "answered \"Unsupported request type\" too)"};
    } else {
      std::string list;
      for (const auto& t : request_type_names())
        list += (list.empty() ? "" : ", ") + t;
      list += ", get_async_stats";
      throw bad{"unknown X request type \"" + std::string(type) +
                "\" (known: " + list + ")"};
    }
  } catch (const bad& b) {
    out.error = b.msg;
    return out;
  }
  out.request = std::move(r);
  return out;
}

std::string normalized(const x_request& r) {
  json::object o;
  auto arr = [](const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v)
      a.emplace_back(s);
    return a;
  };
  o["f"] = static_cast<int>(r.fam);
  o["t"] = r.list ? r.list->type : std::string{};
  o["k"] = arr(r.keys);
  o["a"] = r.account_id;
  json::object f;
  for (const auto& [k, v] : r.filters)
    f[k] = arr(v);
  o["fl"] = std::move(f);
  o["e"] = r.entity;
  o["p"] = r.placement;
  o["g"] = r.granularity;
  o["m"] = arr(r.metric_groups);
  o["s"] = r.start_day ? json::value(*r.start_day) : json::value(nullptr);
  o["n"] = r.end_day ? json::value(*r.end_day) : json::value(nullptr);
  return json::serialize(o);
}

} // namespace adbatch::platforms::twitter
