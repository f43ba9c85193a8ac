#include "platforms/google/google_catalog.hpp"

#include "platforms/google/google_json.hpp"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

namespace adbatch::platforms::google {

namespace json = boost::json;

namespace {

using ft = field_type;

// -- fields ------------------------------------------------------------------

struct field_def {
  std::string_view path;
  field_type type;
  /// A field of a message some entities lack (a callout asset has no
  /// sitelink_asset): absent from their rows, matching no condition.
  bool nullable = false;
};

/// Attribute fields by resource prefix (what adbatch-sim serves and the
/// original's templates select).
const std::map<std::string_view, std::vector<field_def>>& attribute_fields() {
  static const std::map<std::string_view, std::vector<field_def>> f = {
      {"customer",
       {{"customer.resource_name", ft::string},
        {"customer.id", ft::int64},
        {"customer.descriptive_name", ft::string},
        {"customer.currency_code", ft::string},
        {"customer.time_zone", ft::string},
        {"customer.manager", ft::boolean},
        {"customer.test_account", ft::boolean},
        {"customer.status", ft::string},
        {"customer.auto_tagging_enabled", ft::boolean}}},
      {"campaign",
       {{"campaign.resource_name", ft::string},
        {"campaign.id", ft::int64},
        {"campaign.name", ft::string},
        {"campaign.status", ft::string},
        {"campaign.serving_status", ft::string},
        {"campaign.advertising_channel_type", ft::string},
        {"campaign.bidding_strategy_type", ft::string},
        {"campaign.start_date", ft::string},
        {"campaign.end_date", ft::string},
        {"campaign.campaign_budget", ft::string}}},
      {"campaign_budget",
       {{"campaign_budget.resource_name", ft::string},
        {"campaign_budget.amount_micros", ft::int64},
        {"campaign_budget.delivery_method", ft::string}}},
      {"ad_group",
       {{"ad_group.resource_name", ft::string},
        {"ad_group.id", ft::int64},
        {"ad_group.name", ft::string},
        {"ad_group.status", ft::string},
        {"ad_group.type", ft::string},
        {"ad_group.campaign", ft::string},
        {"ad_group.cpc_bid_micros", ft::int64}}},
      {"ad_group_ad",
       {{"ad_group_ad.resource_name", ft::string},
        {"ad_group_ad.status", ft::string},
        {"ad_group_ad.ad_group", ft::string},
        {"ad_group_ad.ad.resource_name", ft::string},
        {"ad_group_ad.ad.id", ft::int64},
        {"ad_group_ad.ad.name", ft::string},
        {"ad_group_ad.ad.type", ft::string},
        {"ad_group_ad.ad.final_urls", ft::string_list},
        {"ad_group_ad.policy_summary.approval_status", ft::string}}},
      {"ad_group_criterion",
       {{"ad_group_criterion.resource_name", ft::string},
        {"ad_group_criterion.criterion_id", ft::int64},
        {"ad_group_criterion.status", ft::string},
        {"ad_group_criterion.type", ft::string},
        {"ad_group_criterion.negative", ft::boolean},
        {"ad_group_criterion.ad_group", ft::string},
        {"ad_group_criterion.keyword.text", ft::string},
        {"ad_group_criterion.keyword.match_type", ft::string},
        {"ad_group_criterion.cpc_bid_micros", ft::int64}}},
      {"keyword_view", {{"keyword_view.resource_name", ft::string}}},
      {"conversion_action",
       {{"conversion_action.resource_name", ft::string},
        {"conversion_action.id", ft::int64},
        {"conversion_action.name", ft::string},
        {"conversion_action.status", ft::string},
        {"conversion_action.type", ft::string},
        {"conversion_action.category", ft::string},
        {"conversion_action.counting_type", ft::string},
        {"conversion_action.include_in_conversions_metric", ft::boolean},
        {"conversion_action.owner_customer", ft::string}}},
      {"user_list",
       {{"user_list.resource_name", ft::string},
        {"user_list.id", ft::int64},
        {"user_list.name", ft::string},
        {"user_list.description", ft::string},
        {"user_list.type", ft::string},
        {"user_list.membership_status", ft::string},
        {"user_list.membership_life_span", ft::int64},
        {"user_list.size_for_display", ft::int64},
        {"user_list.size_for_search", ft::int64},
        {"user_list.read_only", ft::boolean}}},
      {"asset",
       {{"asset.resource_name", ft::string},
        {"asset.id", ft::int64},
        {"asset.name", ft::string},
        {"asset.type", ft::string},
        {"asset.final_urls", ft::string_list},
        {"asset.sitelink_asset.link_text", ft::string, true},
        {"asset.sitelink_asset.description1", ft::string, true},
        {"asset.callout_asset.callout_text", ft::string, true}}},
      {"campaign_asset",
       {{"campaign_asset.resource_name", ft::string},
        {"campaign_asset.campaign", ft::string},
        {"campaign_asset.asset", ft::string},
        {"campaign_asset.field_type", ft::string},
        {"campaign_asset.status", ft::string},
        {"campaign_asset.source", ft::string}}},
  };
  return f;
}

const std::map<std::string_view, metric_rule>& metric_rules() {
  using k = metric_rule::kind;
  static const std::map<std::string_view, metric_rule> m = {
      {"metrics.impressions", {k::sum_int, {}, {}, 1.0}},
      {"metrics.clicks", {k::sum_int, {}, {}, 1.0}},
      {"metrics.cost_micros", {k::sum_int, {}, {}, 1.0}},
      {"metrics.conversions", {k::sum_double, {}, {}, 1.0}},
      {"metrics.conversions_value", {k::sum_double, {}, {}, 1.0}},
      {"metrics.all_conversions", {k::sum_double, {}, {}, 1.0}},
      {"metrics.all_conversions_value", {k::sum_double, {}, {}, 1.0}},
      {"metrics.ctr", {k::ratio, "metrics.clicks", "metrics.impressions", 1.0}},
      {"metrics.average_cpc",
       {k::ratio, "metrics.cost_micros", "metrics.clicks", 1.0}},
      {"metrics.average_cpm",
       {k::ratio, "metrics.cost_micros", "metrics.impressions", 1000.0}},
  };
  return m;
}

// -- resources ---------------------------------------------------------------

struct resource_def {
  std::string_view name;
  /// Prefixes selectable with it (its own first, then the resources each
  /// row also carries).
  std::vector<std::string_view> carries;
  /// metrics.* it serves (empty: none).
  std::vector<std::string_view> metrics;
};

const std::vector<std::string_view>& ad_metrics() {
  static const std::vector<std::string_view> m = {
      "metrics.impressions",           "metrics.clicks",
      "metrics.cost_micros",           "metrics.conversions",
      "metrics.conversions_value",     "metrics.all_conversions",
      "metrics.all_conversions_value", "metrics.ctr",
      "metrics.average_cpc",           "metrics.average_cpm"};
  return m;
}

const std::vector<std::string_view>& conversion_metrics() {
  static const std::vector<std::string_view> m = {
      "metrics.conversions", "metrics.conversions_value",
      "metrics.all_conversions", "metrics.all_conversions_value"};
  return m;
}

const std::vector<resource_def>& resources() {
  static const std::vector<resource_def> r = {
      {"customer", {"customer"}, ad_metrics()},
      {"campaign", {"campaign", "campaign_budget", "customer"}, ad_metrics()},
      {"ad_group", {"ad_group", "campaign", "customer"}, ad_metrics()},
      {"ad_group_ad",
       {"ad_group_ad", "ad_group", "campaign", "customer"},
       ad_metrics()},
      {"ad_group_criterion",
       {"ad_group_criterion", "ad_group", "campaign", "customer"},
       {}},
      {"keyword_view",
       {"keyword_view", "ad_group_criterion", "ad_group", "campaign",
        "customer"},
       ad_metrics()},
      {"conversion_action",
       {"conversion_action", "customer"},
       conversion_metrics()},
      {"user_list", {"user_list", "customer"}, {}},
      {"asset", {"asset", "customer"}, {}},
      {"campaign_asset",
       {"campaign_asset", "campaign", "asset", "customer"},
       {}},
  };
  return r;
}

const resource_def* find_resource(std::string_view name) {
  for (const auto& r : resources())
    if (r.name == name) return &r;
  return nullptr;
}

std::string_view prefix_of(std::string_view path) {
  return path.substr(0, path.find('.'));
}

bool carries(const resource_def& r, std::string_view prefix) {
  return std::find(r.carries.begin(), r.carries.end(), prefix) !=
         r.carries.end();
}

const field_def* attribute_def(std::string_view path) {
  auto it = attribute_fields().find(prefix_of(path));
  if (it == attribute_fields().end()) return nullptr;
  for (const auto& f : it->second)
    if (f.path == path) return &f;
  return nullptr;
}

std::optional<field_type> attribute_type(std::string_view path) {
  if (auto f = attribute_def(path)) return f->type;
  return std::nullopt;
}

// -- request types -----------------------------------------------------------

struct fixed_condition {
  std::string_view field;
  std::string_view op;
  std::string_view value;
};

struct read_type_def {
  std::string_view type;
  std::string_view resource;
  /// Default SELECT (segments.date is added for daily rows).
  std::vector<std::string_view> fields;
  /// The template's own conditions (the original's).
  std::vector<fixed_condition> fixed;
  /// ORDER BY of the template; daily rows are ordered by segments.date DESC
  /// first.
  std::vector<std::pair<std::string_view, bool>> order;
  /// Metrics come per day unless params.aggregate says "total".
  bool daily = false;
};

const std::vector<read_type_def>& read_types() {
  static const std::vector<read_type_def> t = {
      {"get_account",
       "customer",
       {"customer.id", "customer.descriptive_name", "customer.currency_code",
        "customer.time_zone", "customer.test_account"},
       {},
       {},
       false},
      {"get_campaigns",
       "campaign",
       {"campaign.id", "campaign.name", "campaign.status",
        "campaign.advertising_channel_type", "campaign.bidding_strategy_type",
        "campaign.campaign_budget", "campaign.start_date", "campaign.end_date",
        "metrics.impressions", "metrics.clicks", "metrics.cost_micros",
        "metrics.conversions"},
       {{"campaign.status", "!=", "REMOVED"}},
       {{"campaign.id", true}},
       false},
      {"get_ad_groups",
       "ad_group",
       {"ad_group.id", "ad_group.name", "ad_group.status", "ad_group.type",
        "ad_group.campaign", "ad_group.cpc_bid_micros", "metrics.impressions",
        "metrics.clicks", "metrics.cost_micros"},
       {{"ad_group.status", "!=", "REMOVED"}},
       {{"ad_group.id", true}},
       false},
      {"get_ads",
       "ad_group_ad",
       {"ad_group_ad.ad.id", "ad_group_ad.ad.type", "ad_group_ad.ad.final_urls",
        "ad_group_ad.status", "ad_group_ad.ad_group", "metrics.impressions",
        "metrics.clicks", "metrics.cost_micros"},
       {{"ad_group_ad.status", "!=", "REMOVED"}},
       {},
       false},
      {"get_keywords",
       "keyword_view",
       {"ad_group_criterion.criterion_id", "ad_group_criterion.keyword.text",
        "ad_group_criterion.keyword.match_type", "ad_group_criterion.status",
        "ad_group_criterion.cpc_bid_micros", "ad_group_criterion.ad_group",
        "metrics.impressions", "metrics.clicks", "metrics.cost_micros",
        "metrics.conversions"},
       {{"ad_group_criterion.type", "=", "KEYWORD"},
        {"ad_group_criterion.status", "!=", "REMOVED"}},
       {},
       false},
      {"get_campaign_metrics",
       "campaign",
       {"campaign.id", "campaign.name", "metrics.impressions", "metrics.clicks",
        "metrics.cost_micros", "metrics.conversions",
        "metrics.conversions_value", "metrics.ctr", "metrics.average_cpc",
        "metrics.average_cpm"},
       {{"campaign.status", "!=", "REMOVED"}},
       {},
       true},
      {"get_ad_group_metrics",
       "ad_group",
       {"ad_group.id", "ad_group.name", "ad_group.campaign",
        "metrics.impressions", "metrics.clicks", "metrics.cost_micros",
        "metrics.conversions", "metrics.conversions_value", "metrics.ctr",
        "metrics.average_cpc", "metrics.average_cpm"},
       {{"ad_group.status", "!=", "REMOVED"}},
       {},
       true},
      {"get_keyword_metrics",
       "keyword_view",
       {"ad_group_criterion.criterion_id", "ad_group_criterion.keyword.text",
        "ad_group_criterion.keyword.match_type", "ad_group_criterion.ad_group",
        "metrics.impressions", "metrics.clicks", "metrics.cost_micros",
        "metrics.conversions", "metrics.conversions_value", "metrics.ctr",
        "metrics.average_cpc", "metrics.average_cpm"},
       {{"ad_group_criterion.status", "!=", "REMOVED"}},
       {},
       true},
      {"get_assets",
       "asset",
       {"asset.id", "asset.name", "asset.type", "asset.final_urls",
        "asset.sitelink_asset.link_text", "asset.callout_asset.callout_text"},
       {},
       {},
       false},
      {"get_extensions",
       "campaign_asset",
       {"campaign_asset.campaign", "campaign_asset.asset",
        "campaign_asset.field_type", "campaign_asset.status", "asset.name"},
       {{"campaign_asset.status", "!=", "REMOVED"}},
       {},
       false},
      {"get_audiences",
       "user_list",
       {"user_list.id", "user_list.name", "user_list.type",
        "user_list.size_for_display", "user_list.size_for_search",
        "user_list.membership_status"},
       {{"user_list.membership_status", "!=", "CLOSED"}},
       {},
       false},
      {"get_user_lists",
       "user_list",
       {"user_list.id", "user_list.name", "user_list.description",
        "user_list.type", "user_list.membership_status",
        "user_list.membership_life_span", "user_list.size_for_display",
        "user_list.size_for_search"},
       {},
       {},
       false},
      {"get_conversion_actions",
       "conversion_action",
       {"conversion_action.id", "conversion_action.name",
        "conversion_action.category", "conversion_action.type",
        "conversion_action.status", "metrics.all_conversions",
        "metrics.all_conversions_value"},
       {{"conversion_action.status", "=", "ENABLED"}},
       {},
       false},
      {"get_conversions",
       "conversion_action",
       {"conversion_action.id", "conversion_action.name",
        "conversion_action.category", "metrics.conversions",
        "metrics.conversions_value", "metrics.all_conversions",
        "metrics.all_conversions_value"},
       {},
       {},
       true},
  };
  return t;
}

const read_type_def* find_read_type(std::string_view type) {
  for (const auto& t : read_types())
    if (t.type == type) return &t;
  return nullptr;
}

struct mutate_type_def {
  std::string_view type;
  std::string_view collection;
};

constexpr std::array<mutate_type_def, 4> mutate_types = {{
    {"update_campaigns", "campaigns"},
    {"update_ad_groups", "adGroups"},
    {"update_keywords", "adGroupCriteria"},
    {"update_ads", "adGroupAds"},
}};

constexpr std::string_view raw_type = "gaql_query";

// -- parameter parsing
// ---------------------------------------------------------

std::string join(const std::vector<std::string_view>& v) {
  std::string out;
  for (auto s : v) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::string describe(const json::value& v) {
  auto s = json::serialize(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

/// A JSON value as an int64 (integer or digit string).
std::optional<std::int64_t> as_int64(const json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() &&
      v.as_uint64() <=
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v.as_uint64());
  if (v.is_string()) {
    std::string_view s = v.as_string();
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc{} && p == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

/// A typed literal for `type` from a JSON value; "" error on success.
std::optional<gaql_literal> literal_for(field_type type, const json::value& v,
                                        std::string& error) {
  switch (type) {
  case ft::int64:
    if (auto i = as_int64(v)) return gaql_literal{type, std::to_string(*i)};
    error = "must be an integer (or a string of digits), got " + describe(v);
    return std::nullopt;
  case ft::dbl: {
    double d = 0;
    if (v.is_double())
      d = v.as_double();
    else if (auto i = as_int64(v); i && !v.is_string())
      d = static_cast<double>(*i);
    else {
      error = "must be a number, got " + describe(v);
      return std::nullopt;
    }
    if (!std::isfinite(d)) {
      error = "must be a finite number";
      return std::nullopt;
    }
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
    return gaql_literal{type, std::string(buf, p)};
  }
  case ft::boolean:
    if (v.is_bool()) return gaql_literal{type, v.as_bool() ? "TRUE" : "FALSE"};
    if (v.is_string()) {
      std::string s(v.as_string());
      for (auto& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (s == "TRUE" || s == "FALSE") return gaql_literal{type, s};
    }
    error = "must be true or false, got " + describe(v);
    return std::nullopt;
  case ft::string:
    if (v.is_string()) {
      std::string_view s = v.as_string();
      for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20) {
          error = "must not contain control characters (newlines, tabs)";
          return std::nullopt;
        }
      return gaql_literal{type, std::string(s)};
    }
    error = "must be a string, got " + describe(v);
    return std::nullopt;
  case ft::string_list:
    error = "is a list field and cannot be filtered on";
    return std::nullopt;
  }
  return std::nullopt;
}

/// The =/IN condition for a value or a list of values.
std::optional<gaql_condition> condition_for(const std::string& field,
                                            field_type type,
                                            const json::value& v,
                                            std::string& error) {
  gaql_condition c{field, "=", {}};
  if (v.is_array()) {
    const auto& a = v.as_array();
    if (a.empty()) {
      error = "must not be an empty list";
      return std::nullopt;
    }
    std::set<gaql_literal> seen;
    for (const auto& item : a) {
      auto lit = literal_for(type, item, error);
      if (!lit) return std::nullopt;
      if (seen.insert(*lit).second) c.values.push_back(*lit);
    }
    std::sort(c.values.begin(), c.values.end());
    c.op = c.values.size() == 1 ? "=" : "IN";
    return c;
  }
  auto lit = literal_for(type, v, error);
  if (!lit) return std::nullopt;
  c.values.push_back(*lit);
  return c;
}

struct read_parser {
  const read_type_def& def;
  const resource_def& res;
  const json::object& params;
  std::string error;

  bool fail(std::string_view param, const std::string& msg) {
    error =
        std::string(def.type) + ": params." + std::string(param) + " " + msg;
    return false;
  }

  /// A field valid on the resource; "" error otherwise.
  bool check_field(std::string_view param, const std::string& f,
                   bool for_filter) {
    auto p = prefix_of(f);
    if (f.find('.') == std::string::npos)
      return fail(param, "'" + f + "' is not a field path (resource.field)");
    if (p == "segments")
      return fail(param, "'" + f +
                             "': segments are set by params.aggregate "
                             "(daily adds segments.date)");
    if (p == "metrics") {
      if (for_filter)
        return fail(param, "'" + f +
                               "': metrics cannot be filtered on (use "
                               "gaql_query for metric conditions)");
      if (std::find(res.metrics.begin(), res.metrics.end(), f) ==
          res.metrics.end())
        return fail(param, "'" + f + "' is not a metric of " +
                               std::string(res.name) +
                               (res.metrics.empty()
                                    ? " (it has none)"
                                    : " (known: " + join(res.metrics) + ")"));
      return true;
    }
    if (!carries(res, p))
      return fail(param, "'" + f + "': " + std::string(res.name) +
                             " rows carry " + join(res.carries) +
                             " fields only");
    auto t = attribute_type(f);
    if (!t) {
      std::vector<std::string_view> known;
      for (const auto& fd : attribute_fields().at(p))
        known.push_back(fd.path);
      return fail(param, "'" + f + "' is not a known field (known " +
                             std::string(p) + " fields: " + join(known) +
                             "; use gaql_query for others)");
    }
    return true;
  }

  std::optional<read_spec> run() {
    read_spec r;
    r.request_type = def.type;
    r.from = def.resource;
    static const std::vector<std::string_view> common = {
        "customer_id", "fields",       "filters",     "limit",
        "start_date",  "end_date",     "date_range",  "aggregate",
        "campaign_id", "campaign_ids", "ad_group_id", "ad_group_ids"};
    for (const auto& [k, v] : params)
      if (std::find(common.begin(), common.end(), k) == common.end()) {
        fail(k, "is not a parameter of " + std::string(def.type) +
                    " (known: " + join(common) + ")");
        return std::nullopt;
      }
    if (auto v = params.if_contains("customer_id")) {
      auto c = normalize_customer_id(*v);
      if (!c) {
        fail("customer_id", "must be a Google Ads customer id (digits, "
                            "dashes allowed), got " +
                                describe(*v));
        return std::nullopt;
      }
      r.customer_id = *c;
    }
    // SELECT
    std::vector<std::string> fields;
    if (auto v = params.if_contains("fields")) {
      if (!v->is_array() || v->as_array().empty()) {
        fail("fields", "must be a non-empty list of field paths");
        return std::nullopt;
      }
      for (const auto& f : v->as_array()) {
        if (!f.is_string()) {
          fail("fields", "must list strings, got " + describe(f));
          return std::nullopt;
        }
        auto path = snake_path(f.as_string());
        if (!check_field("fields", path, false)) return std::nullopt;
        if (std::find(fields.begin(), fields.end(), path) != fields.end()) {
          fail("fields", "lists '" + path + "' twice");
          return std::nullopt;
        }
        fields.push_back(path);
      }
    } else {
      for (auto f : def.fields)
        fields.emplace_back(f);
    }
    bool metrics = std::any_of(fields.begin(), fields.end(), [](auto& f) {
      return prefix_of(f) == "metrics";
    });
    // Grain.
    r.grain = metrics ? (def.daily ? read_grain::daily : read_grain::total)
                      : read_grain::attributes;
    if (auto v = params.if_contains("aggregate")) {
      if (!v->is_string() ||
          (v->as_string() != "daily" && v->as_string() != "total")) {
        fail("aggregate",
             "must be \"daily\" or \"total\", got " + describe(*v));
        return std::nullopt;
      }
      if (!metrics) {
        fail("aggregate", "needs at least one metrics.* field in the "
                          "selection");
        return std::nullopt;
      }
      r.grain =
          v->as_string() == "daily" ? read_grain::daily : read_grain::total;
    }
    // Dates (validated always; they apply when metrics are selected).
    gaql_date date;
    auto sd = params.if_contains("start_date");
    auto ed = params.if_contains("end_date");
    auto dr = params.if_contains("date_range");
    if (sd || ed) {
      if (!sd || !ed) {
        fail(sd ? "end_date" : "start_date",
             "is required with params." +
                 std::string(sd ? "start_date" : "end_date"));
        return std::nullopt;
      }
      std::optional<day_number> a, b;
      if (sd->is_string()) a = parse_iso_date(sd->as_string());
      if (ed->is_string()) b = parse_iso_date(ed->as_string());
      if (!a) {
        fail("start_date", "must be a date YYYY-MM-DD, got " + describe(*sd));
        return std::nullopt;
      }
      if (!b) {
        fail("end_date", "must be a date YYYY-MM-DD, got " + describe(*ed));
        return std::nullopt;
      }
      if (*b < *a) {
        fail("end_date", "must not be before params.start_date");
        return std::nullopt;
      }
      if (*b - *a > max_query_days) {
        fail("end_date", "must be at most " + std::to_string(max_query_days) +
                             " days after params.start_date");
        return std::nullopt;
      }
      if (dr) {
        fail("date_range", "cannot be combined with start_date/end_date");
        return std::nullopt;
      }
      date.k = gaql_date::kind::between;
      date.range = {*a, *b};
    } else if (dr) {
      std::string p = dr->is_string() ? std::string(dr->as_string()) : "";
      for (auto& c : p)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!is_date_preset(p)) {
        fail("date_range", "must be one of " + date_presets_list() + ", got " +
                               describe(*dr));
        return std::nullopt;
      }
      date.k = gaql_date::kind::during;
      date.preset = p;
    } else {
      date.k = gaql_date::kind::during;
      date.preset = "LAST_30_DAYS";
    }
    if (r.grain != read_grain::attributes) r.date = date;
    // SELECT as sent: daily rows carry segments.date before the metrics.
    if (r.grain == read_grain::daily) {
      auto it = std::find_if(fields.begin(), fields.end(),
                             [](auto& f) { return prefix_of(f) == "metrics"; });
      fields.insert(it, "segments.date");
    }
    r.select = std::move(fields);
    // WHERE.
    for (const auto& f : def.fixed) {
      auto t = attribute_type(f.field).value_or(ft::string);
      r.conditions.push_back({std::string(f.field),
                              std::string(f.op),
                              {{t, std::string(f.value)}}});
    }
    auto ids = [&](std::string_view one, std::string_view many,
                   std::string_view prefix) -> bool {
      for (auto param : {one, many}) {
        auto v = params.if_contains(param);
        if (!v) continue;
        if (!carries(res, prefix))
          return fail(param, "does not apply: " + std::string(res.name) +
                                 " rows carry no " + std::string(prefix));
        if ((param == many) != v->is_array())
          return fail(param, param == many
                                 ? "must be a list of ids"
                                 : "must be one id (use " + std::string(many) +
                                       " for a list)");
        std::string err;
        auto c = condition_for(std::string(prefix) + ".id", ft::int64, *v, err);
        if (!c) return fail(param, err);
        r.conditions.push_back(std::move(*c));
      }
      return true;
    };
    if (!ids("campaign_id", "campaign_ids", "campaign") ||
        !ids("ad_group_id", "ad_group_ids", "ad_group"))
      return std::nullopt;
    if (auto v = params.if_contains("filters")) {
      if (!v->is_object()) {
        fail("filters", "must be an object of field path -> exact value");
        return std::nullopt;
      }
      std::vector<gaql_condition> filters;
      for (const auto& [k, val] : v->as_object()) {
        auto path = snake_path(k);
        auto param = "filters." + std::string(k);
        if (!check_field(param, path, true)) return std::nullopt;
        std::string err;
        auto c = condition_for(path, *attribute_type(path), val, err);
        if (!c) {
          fail(param, err);
          return std::nullopt;
        }
        filters.push_back(std::move(*c));
      }
      std::sort(filters.begin(), filters.end());
      for (auto& c : filters)
        r.conditions.push_back(std::move(c));
    }
    // ORDER BY, LIMIT.
    if (r.grain == read_grain::daily)
      r.order_by.push_back({"segments.date", true});
    for (const auto& [f, desc] : def.order)
      r.order_by.push_back({std::string(f), desc});
    if (auto v = params.if_contains("limit")) {
      auto n = as_int64(*v);
      if (!n || *n < 1 || *n > (std::int64_t{1} << 40)) {
        fail("limit", "must be a positive integer, got " + describe(*v));
        return std::nullopt;
      }
      r.limit = *n;
    }
    return r;
  }
};

parse_result parse_raw(const json::object& params) {
  for (const auto& [k, v] : params)
    if (k != "query" && k != "customer_id")
      return {std::nullopt, "gaql_query: params." + std::string(k) +
                                " is not a parameter of gaql_query (known: "
                                "query, customer_id)"};
  auto q = params.if_contains("query");
  if (!q || !q->is_string())
    return {std::nullopt, "gaql_query: params.query must be a GAQL string"};
  std::string_view s = q->as_string();
  auto start = s.find_first_not_of(" \t\r\n");
  auto head = start == std::string_view::npos ? std::string{}
                                              : std::string(s.substr(start, 6));
  for (auto& c : head)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (head != "SELECT")
    return {std::nullopt,
            "gaql_query: params.query must be a GAQL query starting with "
            "SELECT"};
  if (s.size() > 100000)
    return {std::nullopt,
            "gaql_query: params.query must be at most 100000 characters"};
  raw_spec r;
  r.query = std::string(s);
  if (auto v = params.if_contains("customer_id")) {
    auto c = normalize_customer_id(*v);
    if (!c)
      return {std::nullopt, "gaql_query: params.customer_id must be a Google "
                            "Ads customer id (digits, dashes allowed)"};
    r.customer_id = *c;
  }
  return {r, {}};
}

/// Whether a resource name is customers/<id>/<collection>/<key>.
bool names_collection(std::string_view rn, std::string_view collection) {
  if (rn.substr(0, 10) != "customers/") return false;
  auto rest = rn.substr(10);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  rest = rest.substr(slash + 1);
  return rest.size() > collection.size() + 1 &&
         rest.substr(0, collection.size()) == collection &&
         rest[collection.size()] == '/';
}

std::string check_operation(const mutate_type_def& def, const json::value& op,
                            const std::string& where) {
  auto bad = [&](const std::string& msg) {
    return std::string(def.type) + ": params." + where + " " + msg;
  };
  if (!op.is_object())
    return bad("must be a mutate operation object (create, update or "
               "remove)");
  const auto& o = op.as_object();
  int kinds = (o.contains("create") ? 1 : 0) + (o.contains("update") ? 1 : 0) +
              (o.contains("remove") ? 1 : 0);
  if (kinds != 1)
    return bad("must set exactly one of create, update or remove");
  if (auto c = o.if_contains("create"); c && !c->is_object())
    return bad("create must be an object");
  if (auto u = o.if_contains("update")) {
    if (!u->is_object()) return bad("update must be an object");
    auto rn = u->as_object().if_contains("resourceName");
    if (!rn || !rn->is_string())
      return bad("update.resourceName must be a resource name");
    if (!names_collection(rn->as_string(), def.collection))
      return bad("update.resourceName must name a " +
                 std::string(def.collection) +
                 " resource "
                 "(customers/<id>/" +
                 std::string(def.collection) + "/...)");
    auto mask = o.if_contains("updateMask");
    if (!mask || !mask->is_string() || mask->as_string().empty())
      return bad("updateMask must list the updated fields (e.g. "
                 "\"status,name\")");
  }
  if (auto r = o.if_contains("remove")) {
    if (!r->is_string() || !names_collection(r->as_string(), def.collection))
      return bad("remove must name a " + std::string(def.collection) +
                 " resource (customers/<id>/" + std::string(def.collection) +
                 "/...)");
  }
  return {};
}

parse_result parse_mutate(const mutate_type_def& def,
                          const json::object& params) {
  std::string type(def.type);
  for (const auto& [k, v] : params)
    if (k != "operation" && k != "operations" && k != "customer_id")
      return {std::nullopt, type + ": params." + std::string(k) +
                                " is not a parameter of " + type +
                                " (known: operation, operations, customer_id)"};
  auto one = params.if_contains("operation");
  auto many = params.if_contains("operations");
  if (!one && !many)
    return {std::nullopt,
            type + ": params.operation (one operation) or params.operations "
                   "(a list) is required"};
  if (one && many)
    return {std::nullopt, type + ": params.operation and params.operations "
                                 "cannot both be set"};
  mutate_spec m;
  m.request_type = type;
  m.collection = def.collection;
  if (one) {
    if (auto e = check_operation(def, *one, "operation"); !e.empty())
      return {std::nullopt, e};
    m.operations.push_back(*one);
    m.single = true;
  } else {
    if (!many->is_array() || many->as_array().empty())
      return {std::nullopt,
              type + ": params.operations must be a non-empty list"};
    if (many->as_array().size() > max_mutate_operations)
      return {std::nullopt, type + ": params.operations must hold at most " +
                                std::to_string(max_mutate_operations) +
                                " operations (one mutate call)"};
    std::size_t i = 0;
    for (const auto& op : many->as_array()) {
      auto e =
          check_operation(def, op, "operations[" + std::to_string(i++) + "]");
      if (!e.empty()) return {std::nullopt, e};
    }
    m.operations = many->as_array();
  }
  if (auto v = params.if_contains("customer_id")) {
    auto c = normalize_customer_id(*v);
    if (!c)
      return {std::nullopt, type + ": params.customer_id must be a Google Ads "
                                   "customer id (digits, dashes allowed)"};
    m.customer_id = *c;
  }
  return {m, {}};
}

} // namespace

std::string_view to_string(read_grain g) {
  switch (g) {
  case read_grain::attributes:
    return "attributes";
  case read_grain::total:
    return "total";
  case read_grain::daily:
    return "daily";
  }
  return "?";
}

parse_result parse_google_request(std::string_view type,
                                  const json::object& params) {
  if (auto def = find_read_type(type)) {
    read_parser p{*def, *find_resource(def->resource), params, {}};
    auto r = p.run();
    if (!r) return {std::nullopt, p.error};
    return {std::move(*r), {}};
  }
  if (type == raw_type) return parse_raw(params);
  for (const auto& m : mutate_types)
    if (m.type == type) return parse_mutate(m, params);
  std::string known;
  for (const auto& t : google_request_types())
    known += (known.empty() ? "" : ", ") + t;
  return {std::nullopt, "unknown Google Ads request type '" +
                            std::string(type) + "' (known: " + known + ")"};
}

std::vector<std::string> google_request_types() {
  std::vector<std::string> out;
  for (const auto& t : read_types())
    out.emplace_back(t.type);
  out.emplace_back(raw_type);
  for (const auto& m : mutate_types)
    out.emplace_back(m.type);
  return out;
}

std::optional<field_type> google_field_type(std::string_view path) {
  if (path == "segments.date") return ft::string;
  if (auto m = google_metric_rule(path))
    return m->k == metric_rule::kind::sum_int ? ft::int64 : ft::dbl;
  return attribute_type(path);
}

bool google_field_nullable(std::string_view path) {
  auto f = attribute_def(path);
  return f && f->nullable;
}

const metric_rule* google_metric_rule(std::string_view path) {
  auto it = metric_rules().find(path);
  return it == metric_rules().end() ? nullptr : &it->second;
}

gaql_select own_query(const read_spec& r) {
  gaql_select q;
  q.select = r.select;
  q.from = r.from;
  q.where = r.conditions;
  q.date = r.date;
  q.order_by = r.order_by;
  q.limit = r.limit;
  return q;
}

std::optional<std::string> normalize_customer_id(const json::value& v) {
  std::string s;
  if (v.is_string())
    s = std::string(v.as_string());
  else if (v.is_int64() && v.as_int64() > 0)
    s = std::to_string(v.as_int64());
  else if (v.is_uint64())
    s = std::to_string(v.as_uint64());
  else
    return std::nullopt;
  std::string out;
  for (char c : s) {
    if (c == '-') continue;
    if (c < '0' || c > '9') return std::nullopt;
    out += c;
  }
  if (out.empty() || out.size() > 20) return std::nullopt;
  return out;
}

} // namespace adbatch::platforms::google
