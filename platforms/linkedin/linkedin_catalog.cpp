#include "platforms/linkedin/linkedin_catalog.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <set>

namespace adbatch::platforms::linkedin {

namespace json = boost::json;
namespace chr = std::chrono;

namespace {

struct type_info {
  li_type type;
  std::string_view name;
  std::string_view resource;
  std::string_view result_key;
};

constexpr type_info types[] = {
    {li_type::ad_accounts, "get_ad_accounts", "adAccounts", "ad_accounts"},
    {li_type::campaigns, "get_campaigns", "adCampaigns", "campaigns"},
    {li_type::campaign_groups, "get_campaign_groups", "adCampaignGroups",
     "campaign_groups"},
    {li_type::creatives, "get_creatives", "creatives", "creatives"},
    {li_type::analytics, "get_analytics", "adAnalytics", "analytics"},
    {li_type::campaign_analytics, "get_campaign_analytics", "adAnalytics",
     "analytics"},
    {li_type::audiences, "get_audiences", "dmpSegments", "audiences"},
    {li_type::targeting_facets, "get_targeting_facets", "adTargetingFacets",
     "targeting_facets"},
    {li_type::conversions, "get_conversions", "conversions", "conversions"},
    {li_type::lead_gen_forms, "get_lead_gen_forms", "leadForms",
     "lead_gen_forms"},
    {li_type::leads, "get_leads", "leadFormResponses", "leads"},
};

const type_info& info_of(li_type t) {
  return types[static_cast<std::size_t>(t)];
}

/// Most ids one request may name (so that 50 requests always fit one
/// BATCH_GET of 1000 keys).
constexpr std::size_t max_ids_per_request = 20;
/// Longest analytics date range (adbatch-sim's max_analytics_days).
constexpr day_number max_range_days = 1830;

struct fail {
  std::string code;
  std::string message;
};

class parser {
public:
  parser(std::string_view type, const json::object& params)
      : type_(type), params_(params) {}

  std::optional<fail> error;

  void invalid(const std::string& what) {
    if (!error)
      error = fail{"invalid_request", std::string{type_} + ": " + what};
  }

  /// A numeric id given as a number or a string of digits, or a URN
  /// "urn:li:<urn_type>:<digits>" when urn_type is set.
  std::optional<std::string> id_of(const json::value& v,
                                   const std::string& path,
                                   std::string_view urn_type) {
    std::string text;
    if (v.is_int64() && v.as_int64() > 0) return std::to_string(v.as_int64());
    if (v.is_uint64()) return std::to_string(v.as_uint64());
    if (v.is_string()) {
      text = std::string{v.as_string()};
      std::string prefix = "urn:li:" + std::string{urn_type} + ":";
      if (!urn_type.empty() && text.rfind(prefix, 0) == 0)
        text = text.substr(prefix.size());
      bool digits = !text.empty() && text.size() <= 19 &&
                    std::all_of(text.begin(), text.end(),
                                [](char c) { return c >= '0' && c <= '9'; });
      if (digits && text.find_first_not_of('0') != std::string::npos) {
        return text.substr(text.find_first_not_of('0'));
      }
    }
    invalid("params." + path + " must be a numeric id" +
            (urn_type.empty()
                 ? std::string{}
                 : " or urn:li:" + std::string{urn_type} + ":<id>") +
            ", got " + json::serialize(v));
    return std::nullopt;
  }

  /// An optional array of ids (1..max_ids_per_request); order kept, repeats
  /// dropped.
  std::vector<std::string> ids(std::string_view name,
                               std::string_view urn_type) {
    std::vector<std::string> out;
    auto* v = params_.if_contains(name);
    if (!v || v->is_null()) return out;
    std::string path{name};
    if (!v->is_array() || v->as_array().empty() ||
        v->as_array().size() > max_ids_per_request) {
      invalid("params." + path + " must be an array of 1 to " +
              std::to_string(max_ids_per_request) + " ids");
      return out;
    }
    std::set<std::string> seen;
    std::size_t i = 0;
    for (const auto& item : v->as_array()) {
      auto id = id_of(item, path + "[" + std::to_string(i++) + "]", urn_type);
      if (!id) return {};
      if (seen.insert(*id).second) out.push_back(*id);
    }
    return out;
  }

  /// A string or an array of strings, each from `allowed`; sorted, unique.
  std::vector<std::string> enum_list(std::string_view name,
                                     const std::vector<std::string>& allowed) {
    std::set<std::string> out;
    auto* v = params_.if_contains(name);
    if (!v || v->is_null()) return {};
    std::vector<const json::value*> items;
    if (v->is_string())
      items.push_back(v);
    else if (v->is_array() && !v->as_array().empty())
      for (const auto& x : v->as_array())
        items.push_back(&x);
    else {
      invalid("params." + std::string{name} +
              " must be a string or a non-empty array of strings");
      return {};
    }
    for (auto* x : items) {
      std::string s = x->is_string() ? std::string{x->as_string()} : "";
      if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed)
          list += (list.empty() ? "" : ", ") + a;
        invalid("params." + std::string{name} + " must be one of " + list +
                ", got " + json::serialize(*x));
        return {};
      }
      out.insert(s);
    }
    return {out.begin(), out.end()};
  }

  std::optional<std::string> text(std::string_view name) {
    auto* v = params_.if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) {
      invalid("params." + std::string{name} + " must be a string");
      return std::nullopt;
    }
    return std::string{v->as_string()};
  }

  std::optional<day_number> date(std::string_view name) {
    auto t = text(name);
    if (!t) return std::nullopt;
    auto d = parse_date(*t);
    if (!d)
      invalid("params." + std::string{name} + " must be a date YYYY-MM-DD");
    return d;
  }

  void only(std::initializer_list<std::string_view> allowed) {
    for (const auto& [k, v] : params_) {
      if (std::find(allowed.begin(), allowed.end(), std::string_view{k}) ==
          allowed.end()) {
        std::string list;
        for (auto a : allowed)
          list += (list.empty() ? "" : ", ") + std::string{a};
        invalid("unknown parameter params." + std::string{k} +
                (list.empty() ? " (this type takes none)"
                              : " (allowed: " + list + ")"));
        return;
      }
    }
  }

private:
  std::string_view type_;
  const json::object& params_;
};

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : ",") + s;
  return out;
}

const std::vector<std::string> campaign_statuses{
    "ACTIVE",   "PAUSED", "ARCHIVED",         "COMPLETED",
    "CANCELED", "DRAFT",  "PENDING_DELETION", "REMOVED"};
const std::vector<std::string> creative_statuses{
    "ACTIVE", "PAUSED", "DRAFT", "ARCHIVED", "CANCELED", "PENDING_DELETION"};
const std::vector<std::string> pivots{"ACCOUNT", "CAMPAIGN_GROUP", "CAMPAIGN",
                                      "CREATIVE"};
const std::vector<std::string> granularities{"DAILY", "MONTHLY", "YEARLY",
                                             "ALL"};

} // namespace

const std::vector<std::string>& known_metrics() {
  static const std::vector<std::string> m{"impressions",
                                          "clicks",
                                          "landingPageClicks",
                                          "likes",
                                          "shares",
                                          "comments",
                                          "follows",
                                          "totalEngagements",
                                          "videoViews",
                                          "oneClickLeads",
                                          "leadGenerationMailContactInfoShares",
                                          "externalWebsiteConversions",
                                          "costInLocalCurrency",
                                          "costInUsd"};
  return m;
}

const std::vector<std::string>& default_metrics() {
  static const std::vector<std::string> m{
      "impressions", "clicks", "costInLocalCurrency",
      "externalWebsiteConversions", "leadGenerationMailContactInfoShares"};
  return m;
}

analytics_family li_request::family() const {
  if (type == li_type::campaign_analytics)
    return campaign_ids.empty() ? analytics_family::accounts
                                : analytics_family::campaigns;
  return pivot == "CREATIVE" ? analytics_family::creatives
                             : analytics_family::accounts;
}

std::string_view li_request::resource() const {
  return info_of(type).resource;
}

std::string_view li_request::result_key() const {
  return info_of(type).result_key;
}

std::optional<day_number> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, v);
    if (ec != std::errc{} || p != s.data() + pos + len) return std::nullopt;
    return v;
  };
  auto y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (!y || !m || !d || *m < 1 || *d < 1) return std::nullopt;
  chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)},
                          chr::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return chr::sys_days{ymd}.time_since_epoch().count();
}

std::string date_text(day_number d) {
  chr::year_month_day ymd{chr::sys_days{chr::days{d}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

void resolve_dates(li_request& r, time_point now) {
  if (!r.is_analytics()) return;
  auto today = chr::floor<chr::days>(now).time_since_epoch().count();
  if (!r.end) r.end = r.start ? std::max(*r.start, today) : today;
  if (!r.start) r.start = *r.end - 29;
}

std::vector<std::string> request_type_names() {
  std::vector<std::string> out;
  for (const auto& t : types)
    out.emplace_back(t.name);
  return out;
}

parse_outcome parse_request(std::string_view type, const json::object& params,
                            const json::object* account_ids) {
  parse_outcome out;
  const type_info* ti = nullptr;
  for (const auto& t : types)
    if (t.name == type) ti = &t;
  if (!ti) {
    out.error_code = "invalid_request";
    out.error = "unknown LinkedIn request type '" + std::string{type} +
                "' (known: " + join(request_type_names()) + ")";
    return out;
  }
  parser p{type, params};
  li_request r;
  r.type = ti->type;
  r.type_name = std::string{ti->name};

  // The account: params.account_id, else the connection's account_id.
  bool needs_account = false;
  auto account = [&]() {
    needs_account = true;
    if (auto* v = params.if_contains("account_id"); v && !v->is_null()) {
      if (auto id = p.id_of(*v, "account_id", "sponsoredAccount"))
        r.account = *id;
    }
  };

  switch (r.type) {
  case li_type::ad_accounts:
    p.only({"account_ids"});
    r.accounts = p.ids("account_ids", "sponsoredAccount");
    needs_account = r.accounts.empty() && !p.error;
    break;
  case li_type::campaigns:
  case li_type::campaign_groups: {
    bool campaigns = r.type == li_type::campaigns;
    std::string ids_name = campaigns ? "campaign_ids" : "campaign_group_ids";
    p.only({"account_id", ids_name, "status"});
    account();
    r.ids = p.ids(ids_name,
                  campaigns ? "sponsoredCampaign" : "sponsoredCampaignGroup");
    r.statuses = p.enum_list("status", campaign_statuses);
    if (!r.ids.empty() && !r.statuses.empty())
      p.invalid("params.status cannot be combined with params." + ids_name +
                " (ids name exactly the objects wanted)");
    break;
  }
  case li_type::creatives:
    p.only({"account_id", "creative_ids", "campaign_ids", "status"});
    account();
    r.ids = p.ids("creative_ids", "sponsoredCreative");
    r.campaign_ids = p.ids("campaign_ids", "sponsoredCampaign");
    std::sort(r.campaign_ids.begin(), r.campaign_ids.end());
    r.statuses = p.enum_list("status", creative_statuses);
    if (!r.ids.empty() && (!r.statuses.empty() || !r.campaign_ids.empty()))
      p.invalid("params.creative_ids cannot be combined with params.status or "
                "params.campaign_ids (ids name exactly the creatives wanted)");
    break;
  case li_type::analytics:
  case li_type::campaign_analytics: {
    bool by_campaign = r.type == li_type::campaign_analytics;
    if (by_campaign)
      p.only({"account_id", "campaign_ids", "start_date", "end_date",
              "time_granularity", "metrics"});
    else
      p.only({"account_id", "account_ids", "pivot", "start_date", "end_date",
              "time_granularity", "metrics"});
    if (by_campaign) {
      r.campaign_ids = p.ids("campaign_ids", "sponsoredCampaign");
      std::sort(r.campaign_ids.begin(), r.campaign_ids.end());
      r.pivot = "CAMPAIGN";
      if (r.campaign_ids.empty()) account();
    } else {
      r.accounts = p.ids("account_ids", "sponsoredAccount");
      std::sort(r.accounts.begin(), r.accounts.end());
      if (params.contains("account_ids") && params.contains("account_id"))
        p.invalid("give params.account_id or params.account_ids, not both");
      if (r.accounts.empty() && !p.error) account();
      auto pv = p.enum_list("pivot", pivots);
      r.pivot = pv.empty() ? "CAMPAIGN" : pv.front();
      if (auto* v = params.if_contains("pivot"); v && v->is_array())
        p.invalid("params.pivot must be one string");
    }
    auto g = p.enum_list("time_granularity", granularities);
    r.granularity = g.empty() ? "DAILY" : g.front();
    if (auto* v = params.if_contains("time_granularity"); v && v->is_array())
      p.invalid("params.time_granularity must be one string");
    r.start = p.date("start_date");
    r.end = p.date("end_date");
    if (r.start && r.end && *r.end < *r.start)
      p.invalid("params.end_date is before params.start_date");
    if (r.start && r.end && *r.end - *r.start > max_range_days)
      p.invalid(
          "the range params.start_date..params.end_date spans more than " +
          std::to_string(max_range_days) + " days");
    if (auto* v = params.if_contains("metrics"); v && !v->is_null()) {
      if (!v->is_array() || v->as_array().empty())
        p.invalid("params.metrics must be a non-empty array of metric names");
      else
        for (const auto& m : v->as_array()) {
          std::string name = m.is_string() ? std::string{m.as_string()} : "";
          const auto& known = known_metrics();
          if (std::find(known.begin(), known.end(), name) == known.end()) {
            p.invalid("params.metrics: unknown metric " + json::serialize(m) +
                      " (known: " + join(known) + ")");
            break;
          }
          if (std::find(r.metrics.begin(), r.metrics.end(), name) ==
              r.metrics.end())
            r.metrics.push_back(name);
        }
    } else {
      r.metrics = default_metrics();
    }
    break;
  }
  case li_type::audiences:
    p.only({"account_id", "audience_ids"});
    account();
    r.ids = p.ids("audience_ids", "dmpSegment");
    break;
  case li_type::conversions:
    p.only({"account_id", "conversion_ids"});
    account();
    r.ids = p.ids("conversion_ids", "conversion");
    break;
  case li_type::lead_gen_forms:
    p.only({"account_id", "form_ids"});
    account();
    r.ids = p.ids("form_ids", "leadGenForm");
    break;
  case li_type::leads:
    p.only({"account_id", "form_id"});
    account();
    if (auto* v = params.if_contains("form_id"); v && !v->is_null())
      if (auto id = p.id_of(*v, "form_id", "leadGenForm")) r.form_id = *id;
    break;
  case li_type::targeting_facets: {
    p.only({"facet_names"});
    if (auto* v = params.if_contains("facet_names"); v && !v->is_null()) {
      if (!v->is_array() || v->as_array().empty()) {
        p.invalid("params.facet_names must be a non-empty array of strings");
      } else {
        std::set<std::string> names;
        for (const auto& x : v->as_array()) {
          if (!x.is_string() || x.as_string().empty()) {
            p.invalid("params.facet_names must hold facet names (strings)");
            break;
          }
          names.insert(std::string{x.as_string()});
        }
        r.facet_names.assign(names.begin(), names.end());
      }
    }
    break;
  }
  }

  if (p.error) {
    out.error_code = p.error->code;
    out.error = p.error->message;
    return out;
  }
  if (needs_account && r.account.empty() && account_ids) {
    auto* v = account_ids->if_contains("account_id");
    if (v && !v->is_null()) {
      parser cp{type, *account_ids};
      if (auto id = cp.id_of(*v, "account_id", "sponsoredAccount"))
        r.account = *id;
    }
    if (r.account.empty()) {
      out.error_code = "missing_account_id";
      out.error = std::string{type} +
                  ": no params.account_id and the connection has no "
                  "account_id in its account ids";
      return out;
    }
  }
  if (r.type == li_type::ad_accounts && r.accounts.empty() &&
      !r.account.empty())
    r.accounts = {r.account};
  if ((r.type == li_type::analytics ||
       (r.type == li_type::campaign_analytics && r.campaign_ids.empty())) &&
      r.accounts.empty() && !r.account.empty())
    r.accounts = {r.account};

  // Canonical key.
  json::object k;
  k["t"] = r.type_name;
  auto arr = [](const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v)
      a.emplace_back(s);
    return a;
  };
  k["a"] = r.account;
  k["as"] = arr(r.accounts);
  k["ids"] = arr(r.ids);
  k["st"] = arr(r.statuses);
  k["c"] = arr(r.campaign_ids);
  k["f"] = r.form_id;
  k["fn"] = arr(r.facet_names);
  k["p"] = r.pivot;
  k["g"] = r.granularity;
  k["s"] = r.start ? date_text(*r.start) : "";
  k["e"] = r.end ? date_text(*r.end) : "";
  k["m"] = arr(r.metrics);
  r.key = json::serialize(k);
  out.request = std::move(r);
  return out;
}

} // namespace adbatch::platforms::linkedin
