#include "platforms/meta/catalog.hpp"

#include "platforms/meta/graph_text.hpp"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <set>

namespace adbatch::platforms::meta {

namespace json = boost::json;

namespace {

// -- field tables (what Graph and adbatch-sim know per node type) ------------

enum class field_set : std::uint8_t {
  ad_account,
  campaign,
  adset,
  ad,
  page,
  lead,
  insights,
  ig_user,
  ads_pixel,
  product_catalog,
  business,
  whatsapp_account
};

struct field_table {
  std::string_view graph_name;
  std::vector<std::string_view> known;
  std::vector<std::string_view> defaults;
};

const field_table& table(field_set s) {
  static const std::array<field_table, 12> tables{{
      {"AdAccount",
       {"id", "account_id", "name", "account_status", "currency",
        "amount_spent", "balance", "spend_cap", "timezone_name",
        "business_name", "created_time", "disable_reason", "age"},
       {"id", "account_id", "name", "account_status", "currency",
        "timezone_name", "amount_spent", "balance", "spend_cap",
        "business_name"}},
      {"Campaign",
       {"id", "account_id", "name", "status", "configured_status",
        "effective_status", "objective", "buying_type", "daily_budget",
        "lifetime_budget", "bid_strategy", "special_ad_categories",
        "created_time", "start_time", "updated_time"},
       {"id", "name", "status", "effective_status", "objective", "daily_budget",
        "lifetime_budget", "created_time", "updated_time"}},
      {"AdSet",
       {"id", "account_id", "campaign_id", "name", "status",
        "configured_status", "effective_status", "daily_budget",
        "billing_event", "optimization_goal", "bid_amount", "targeting",
        "created_time", "updated_time"},
       {"id", "name", "campaign_id", "status", "effective_status",
        "daily_budget", "optimization_goal", "billing_event", "created_time",
        "updated_time"}},
      {"Ad",
       {"id", "account_id", "campaign_id", "adset_id", "name", "status",
        "configured_status", "effective_status", "creative", "created_time",
        "updated_time"},
       {"id", "name", "campaign_id", "adset_id", "status", "effective_status",
        "creative", "created_time", "updated_time"}},
      {"Page",
       {"id", "name", "category", "fan_count", "followers_count", "link",
        "tasks"},
       {"id", "name", "category", "fan_count", "followers_count", "link"}},
      {"Lead",
       {"id", "form_id", "created_time", "platform", "is_organic", "ad_id",
        "adset_id", "campaign_id", "field_data"},
       {"id", "created_time", "form_id", "ad_id", "adset_id", "campaign_id",
        "platform", "is_organic", "field_data"}},
      {"AdsInsights",
       {"account_id",
        "account_name",
        "account_currency",
        "campaign_id",
        "campaign_name",
        "adset_id",
        "adset_name",
        "ad_id",
        "ad_name",
        "objective",
        "impressions",
        "reach",
        "clicks",
        "inline_link_clicks",
        "spend",
        "ctr",
        "cpc",
        "cpm",
        "frequency",
        "actions",
        "date_start",
        "date_stop"},
       {"impressions", "reach", "clicks", "spend", "ctr", "cpc", "cpm"}},
      {"IGUser",
       {"id", "username", "name", "followers_count", "media_count",
        "profile_picture_url"},
       {"id", "username", "name", "profile_picture_url", "followers_count",
        "media_count"}},
      {"AdsPixel",
       {"id", "name", "creation_time", "last_fired_time", "is_unavailable"},
       {"id", "name", "creation_time", "last_fired_time"}},
      {"ProductCatalog",
       {"id", "name", "product_count", "vertical"},
       {"id", "name", "product_count", "vertical"}},
      {"Business",
       {"id", "name", "verification_status", "created_time"},
       {"id", "name", "verification_status"}},
      {"WhatsAppBusinessAccount",
       {"id", "name", "currency", "timezone_id", "message_template_namespace"},
       {"id", "name", "currency", "timezone_id"}},
  }};
  return tables[static_cast<std::size_t>(s)];
}

field_set asset_fields(asset a) {
  switch (a) {
  case asset::pages:
    return field_set::page;
  case asset::instagram:
    return field_set::ig_user;
  case asset::ad_accounts:
    return field_set::ad_account;
  case asset::pixels:
    return field_set::ads_pixel;
  case asset::catalogs:
    return field_set::product_catalog;
  case asset::businesses:
    return field_set::business;
  case asset::whatsapp:
    return field_set::whatsapp_account;
  }
  return field_set::page;
}

constexpr std::array<std::string_view, 12> effective_statuses = {
    "ACTIVE",
    "PAUSED",
    "DELETED",
    "PENDING_REVIEW",
    "DISAPPROVED",
    "PREAPPROVED",
    "PENDING_BILLING_INFO",
    "CAMPAIGN_PAUSED",
    "ARCHIVED",
    "ADSET_PAUSED",
    "IN_PROCESS",
    "WITH_ISSUES"};
constexpr std::array<std::string_view, 9> date_presets = {
    "today",    "yesterday", "last_3d",  "last_7d", "last_14d",
    "last_28d", "last_30d",  "last_90d", "maximum"};
constexpr std::array<std::string_view, 5> breakdown_names = {
    "age", "gender", "country", "publisher_platform", "device_platform"};
constexpr std::array<std::string_view, 4> levels = {"account", "campaign",
                                                    "adset", "ad"};

template <class Range>
bool contains(const Range& r, std::string_view v) {
  return std::find(std::begin(r), std::end(r), v) != std::end(r);
}

template <class Range>
std::string join(const Range& r) {
  std::string out;
  for (const auto& s : r) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

// -- the request types -------------------------------------------------------

enum class shape : std::uint8_t { asset_one, asset_all, node, edge, generic };

struct type_spec {
  std::string_view name;
  shape kind;
  std::vector<std::string_view> params;
};

const std::vector<type_spec>& types() {
  static const std::vector<type_spec> all = {
      {"get_all_assets", shape::asset_all, {"fields"}},
      {"get_pages", shape::asset_one, {"fields"}},
      {"get_instagram_accounts", shape::asset_one, {"fields"}},
      {"get_ad_accounts", shape::asset_one, {"fields"}},
      {"get_pixels", shape::asset_one, {"fields"}},
      {"get_catalogs", shape::asset_one, {"fields"}},
      {"get_businesses", shape::asset_one, {"fields"}},
      {"get_whatsapp_accounts", shape::asset_one, {"fields"}},
      {"get_page_details", shape::node, {"page_id", "fields"}},
      {"get_account_details", shape::node, {"ad_account_id", "fields"}},
      {"get_lead", shape::node, {"lead_id", "fields"}},
      {"get_campaigns",
       shape::edge,
       {"ad_account_id", "fields", "effective_status", "limit", "after"}},
      {"get_ad_sets",
       shape::edge,
       {"ad_account_id", "campaign_id", "fields", "effective_status", "limit",
        "after"}},
      {"get_ads",
       shape::edge,
       {"ad_account_id", "campaign_id", "adset_id", "fields",
        "effective_status", "limit", "after"}},
      {"get_insights",
       shape::edge,
       {"object_id", "level", "fields", "date_preset", "time_range",
        "breakdowns", "time_increment", "limit", "after"}},
      {"generic", shape::generic, {"method", "endpoint", "body"}},
  };
  return all;
}

/// A parameter error; caught in parse_request.
struct bad_request {
  std::string code;
  std::string message;
};

class parser {
public:
  parser(std::string_view type, const json::object& params)
      : type_(type), params_(params) {}

  [[noreturn]] void fail(const std::string& what,
                         std::string code = "invalid_request") const {
    throw bad_request{std::move(code), std::string(type_) + ": " + what};
  }

  const json::value* get(std::string_view name) const {
    return params_.if_contains(name);
  }

  std::string text(std::string_view name, const json::value& v) const {
    if (!v.is_string())
      fail("params." + std::string(name) + " must be a string");
    return std::string(v.as_string());
  }

  std::vector<std::string> fields(std::string_view name, field_set s) const {
    const auto& t = table(s);
    const auto* v = get(name);
    std::vector<std::string> out;
    if (!v) {
      for (auto f : t.defaults)
        out.emplace_back(f);
      return out;
    }
    return field_list("params." + std::string(name), *v, s);
  }

  std::vector<std::string> field_list(const std::string& label,
                                      const json::value& v, field_set s) const {
    const auto& t = table(s);
    std::vector<std::string> names;
    if (v.is_string()) {
      std::string_view all = v.as_string();
      std::size_t i = 0;
      while (i <= all.size()) {
        auto j = all.find(',', i);
        if (j == std::string_view::npos) j = all.size();
        auto piece = all.substr(i, j - i);
        while (!piece.empty() && piece.front() == ' ')
          piece.remove_prefix(1);
        while (!piece.empty() && piece.back() == ' ')
          piece.remove_suffix(1);
        if (piece.empty()) fail(label + " has an empty field name");
        names.emplace_back(piece);
        i = j + 1;
      }
    } else if (v.is_array()) {
      for (const auto& e : v.as_array()) {
        if (!e.is_string() || e.as_string().empty())
          fail(label + " must list field names (strings)");
        names.emplace_back(e.as_string());
      }
    } else {
      fail(label + " must be a comma-separated string or an array of "
                   "field names");
    }
    if (names.empty()) fail(label + " must name at least one field");
    std::vector<std::string> out;
    for (auto& n : names) {
      if (!contains(t.known, n))
        fail(label + ": '" + n + "' is not a field of " +
             std::string(t.graph_name) + " (known: " + join(t.known) + ")");
      if (std::find(out.begin(), out.end(), n) == out.end())
        out.push_back(std::move(n));
    }
    return out;
  }

  std::optional<std::int64_t> integer(std::string_view name, std::int64_t lo,
                                      std::int64_t hi) const {
    const auto* v = get(name);
    if (!v) return std::nullopt;
    std::int64_t n = 0;
    bool ok = false;
    if (v->is_int64()) {
      n = v->as_int64();
      ok = true;
    } else if (v->is_uint64() && v->as_uint64() <= 1'000'000'000ULL) {
      n = static_cast<std::int64_t>(v->as_uint64());
      ok = true;
    } else if (v->is_string()) {
      std::string_view s = v->as_string();
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      ok = !s.empty() && ec == std::errc{} && p == s.data() + s.size();
    }
    if (!ok || n < lo || n > hi)
      fail("params." + std::string(name) + " must be an integer from " +
           std::to_string(lo) + " to " + std::to_string(hi));
    return n;
  }

  static bool digits(std::string_view s) {
    return !s.empty() && s.size() <= 25 &&
           std::all_of(s.begin(), s.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
  }

  std::string id_text(std::string_view name, const json::value& v) const {
    if (v.is_int64() && v.as_int64() > 0) return std::to_string(v.as_int64());
    if (v.is_uint64()) return std::to_string(v.as_uint64());
    if (v.is_string()) return std::string(v.as_string());
    fail("params." + std::string(name) + " must be a string id");
  }

  /// A numeric Graph id (campaign, ad set, page, lead ...).
  std::optional<std::string> numeric_id(std::string_view name) const {
    const auto* v = get(name);
    if (!v) return std::nullopt;
    auto s = id_text(name, *v);
    if (!digits(s))
      fail("params." + std::string(name) + " must be a numeric id");
    return s;
  }

  /// "act_<digits>" (a bare number gets the prefix).
  static std::optional<std::string> account_id(std::string s) {
    if (s.rfind("act_", 0) == 0) s = s.substr(4);
    if (!digits(s)) return std::nullopt;
    return "act_" + s;
  }

  std::optional<std::string> account_param(std::string_view name) const {
    const auto* v = get(name);
    if (!v) return std::nullopt;
    auto id = account_id(id_text(name, *v));
    if (!id)
      fail("params." + std::string(name) +
           " must be an ad account id like act_123");
    return id;
  }

  std::string_view type() const { return type_; }

private:
  std::string_view type_;
  const json::object& params_;
};

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
          (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1970 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int days[] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string default_account(const parser& p, const json::object* account_ids,
                            std::string_view param) {
  if (!account_ids) return {}; // enqueue: checked when planned
  const auto* v = account_ids->if_contains("ad_account_id");
  std::optional<std::string> id;
  if (v && v->is_string()) id = parser::account_id(std::string(v->as_string()));
  if (v && (v->is_int64() || v->is_uint64()))
    id = parser::account_id(v->is_int64() ? std::to_string(v->as_int64())
                                          : std::to_string(v->as_uint64()));
  if (!id)
    p.fail("params." + std::string(param) +
               " is missing and the connection has no "
               "account_ids.ad_account_id",
           "missing_account_id");
  return *id;
}

void check_known_params(const parser& p, const type_spec& spec,
                        const json::object& params) {
  for (const auto& kv : params) {
    std::string_view k = kv.key();
    if (!contains(spec.params, k))
      p.fail("params." + std::string(k) + " is not a parameter of " +
             std::string(spec.name) + " (known: " + join(spec.params) + ")");
  }
}

// -- the shapes
// ----------------------------------------------------------------

void parse_generic(const parser& p, const json::object& params, meta_request& r,
                   json::object& norm) {
  for (const auto& kv : params) {
    std::string_view k = kv.key();
    if (k != "method" && k != "endpoint" && k != "body")
      p.fail("params." + std::string(k) +
             " cannot be combined with params.endpoint (a generic call "
             "takes method, endpoint and body)");
  }
  r.kind = request_kind::generic;
  r.method = "GET";
  if (const auto* m = p.get("method")) {
    auto s = p.text("method", *m);
    for (auto& c : s)
      c = static_cast<char>(std::toupper(c));
    if (s != "GET" && s != "POST" && s != "DELETE")
      p.fail("params.method must be GET, POST or DELETE");
    r.method = s;
  }
  const auto* e = p.get("endpoint");
  if (!e) p.fail("params.endpoint is required");
  auto ep = p.text("endpoint", *e);
  while (!ep.empty() && ep.front() == '/')
    ep.erase(ep.begin());
  if (ep.empty()) p.fail("params.endpoint must not be empty");
  if (ep.size() > 4000) p.fail("params.endpoint is too long");
  if (ep.find("://") != std::string::npos)
    p.fail("params.endpoint must be a relative Graph path like "
           "act_123/campaigns?fields=name, not a URL");
  for (unsigned char c : ep)
    if (c <= ' ' || c == 0x7f || c == '#')
      p.fail("params.endpoint must not contain spaces, control characters "
             "or '#'");
  auto parts = split_endpoint(ep);
  for (const auto& [k, v] : parts.query)
    if (k == "access_token")
      p.fail("params.endpoint must not carry an access_token (the "
             "connection's token is used)");
  bool has_ids = false;
  for (const auto& [k, v] : parts.query)
    has_ids = has_ids || k == "ids";
  if (parts.path.empty() && !has_ids)
    p.fail("params.endpoint must name a Graph node or edge");
  r.endpoint = ep;
  if (const auto* b = p.get("body")) {
    if (r.method != "POST") p.fail("params.body is only allowed with POST");
    param_pairs form;
    if (b->is_object()) {
      for (const auto& kv : b->as_object()) {
        const auto& v = kv.value();
        form.emplace_back(std::string(kv.key()),
                          v.is_string() ? std::string(v.as_string())
                                        : json::serialize(v));
      }
    } else if (b->is_string()) {
      form = parse_form(b->as_string());
    } else {
      p.fail("params.body must be an object or a form string");
    }
    for (const auto& [k, v] : form)
      if (k == "access_token")
        p.fail("params.body must not carry an access_token (the "
               "connection's token is used)");
    r.body = form_encode(form);
  }
  norm["method"] = r.method;
  norm["endpoint"] = r.endpoint;
  norm["body"] = r.body;
}

void parse_assets(const parser& p, const type_spec& spec,
                  const json::object& params, meta_request& r,
                  json::object& norm) {
  check_known_params(p, spec, params);
  r.kind = request_kind::assets;
  r.root = "me";
  r.root_type = node_type::user;
  json::object fields;
  if (spec.kind == shape::asset_all) {
    r.all_assets = true;
    const json::object* given = nullptr;
    if (const auto* f = p.get("fields")) {
      given = f->if_object();
      if (!given)
        p.fail("params.fields must be an object keyed by pages, "
               "instagram_accounts, ad_accounts, pixels, catalogs, "
               "businesses, whatsapp_accounts");
      for (const auto& kv : *given) {
        bool known = false;
        for (auto a : all_assets)
          known = known || info(a).all_key == kv.key();
        if (!known)
          p.fail("params.fields." + std::string(kv.key()) +
                 " is not an asset list (known: pages, instagram_accounts, "
                 "ad_accounts, pixels, catalogs, businesses, "
                 "whatsapp_accounts)");
      }
    }
    for (auto a : all_assets) {
      const auto& ai = info(a);
      std::vector<std::string> list;
      const json::value* v = given ? given->if_contains(ai.all_key) : nullptr;
      if (v) {
        list = p.field_list("params.fields." + std::string(ai.all_key), *v,
                            asset_fields(a));
      } else {
        for (auto f : table(asset_fields(a)).defaults)
          list.emplace_back(f);
      }
      json::array arr;
      for (const auto& f : list)
        arr.emplace_back(f);
      fields[ai.all_key] = std::move(arr);
      r.assets.emplace_back(a, std::move(list));
    }
  } else {
    for (auto a : all_assets) {
      if (info(a).type != spec.name) continue;
      auto list = p.fields("fields", asset_fields(a));
      json::array arr;
      for (const auto& f : list)
        arr.emplace_back(f);
      fields[info(a).key] = std::move(arr);
      r.assets.emplace_back(a, std::move(list));
    }
  }
  norm["fields"] = std::move(fields);
}

void parse_node(const parser& p, const type_spec& spec,
                const json::object& params, const json::object* account_ids,
                meta_request& r, json::object& norm) {
  check_known_params(p, spec, params);
  r.kind = request_kind::node;
  field_set fs = field_set::page;
  if (spec.name == "get_page_details") {
    auto id = p.numeric_id("page_id");
    if (!id) p.fail("params.page_id is required");
    r.root = *id;
    r.root_type = node_type::page;
  } else if (spec.name == "get_lead") {
    auto id = p.numeric_id("lead_id");
    if (!id) p.fail("params.lead_id is required");
    r.root = *id;
    r.root_type = node_type::lead;
    fs = field_set::lead;
  } else {
    auto id = p.account_param("ad_account_id");
    r.root = id ? *id : default_account(p, account_ids, "ad_account_id");
    r.root_type = node_type::ad_account;
    fs = field_set::ad_account;
  }
  r.fields = p.fields("fields", fs);
  json::array arr;
  for (const auto& f : r.fields)
    arr.emplace_back(f);
  norm["root"] = r.root;
  norm["fields"] = std::move(arr);
}

void parse_edge(const parser& p, const type_spec& spec,
                const json::object& params, const json::object* account_ids,
                meta_request& r, json::object& norm) {
  check_known_params(p, spec, params);
  r.kind = request_kind::edge;
  bool insights = spec.name == "get_insights";
  field_set fs = field_set::campaign;
  std::optional<std::string> root;
  if (spec.name == "get_campaigns") {
    r.edge = "campaigns";
    root = p.account_param("ad_account_id");
    r.root_type = node_type::ad_account;
  } else if (spec.name == "get_ad_sets" || spec.name == "get_ads") {
    bool ads = spec.name == "get_ads";
    r.edge = ads ? "ads" : "adsets";
    fs = ads ? field_set::ad : field_set::adset;
    auto account = p.account_param("ad_account_id");
    auto campaign = p.numeric_id("campaign_id");
    auto adset = ads ? p.numeric_id("adset_id") : std::nullopt;
    int given = (account ? 1 : 0) + (campaign ? 1 : 0) + (adset ? 1 : 0);
    if (given > 1)
      p.fail(ads ? "give only one of params.ad_account_id, "
                   "params.campaign_id and params.adset_id"
                 : "give only one of params.ad_account_id and "
                   "params.campaign_id");
    r.root_type = node_type::ad_account;
    root = account;
    if (campaign) {
      root = campaign;
      r.root_type = node_type::campaign;
    }
    if (adset) {
      root = adset;
      r.root_type = node_type::adset;
    }
  } else { // get_insights
    r.edge = "insights";
    fs = field_set::insights;
    r.root_type = node_type::ad_account;
    if (const auto* v = p.get("object_id")) {
      auto s = p.id_text("object_id", *v);
      if (auto act =
              s.rfind("act_", 0) == 0 ? parser::account_id(s) : std::nullopt) {
        root = act;
      } else if (parser::digits(s)) {
        root = s;
        r.root_type = node_type::ads_object;
      } else {
        p.fail("params.object_id must be an ad account (act_123), campaign, "
               "ad set or ad id");
      }
    }
  }
  r.root = root ? *root
                : default_account(p, account_ids,
                                  insights ? "object_id" : "ad_account_id");
  r.fields = p.fields("fields", fs);

  edge_params ps;
  auto limit = p.integer("limit", 1, 5000).value_or(25);
  ps.emplace_back("limit", std::to_string(limit));
  if (const auto* a = p.get("after")) {
    auto s = p.text("after", *a);
    bool ok = !s.empty() && s.size() <= 512 &&
              std::all_of(s.begin(), s.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) ||
                       c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
              });
    if (!ok)
      p.fail("params.after must be a paging cursor (paging.cursors.after)");
    ps.emplace_back("after", s);
  }
  if (!insights) {
    if (const auto* es = p.get("effective_status")) {
      const auto* arr = es->if_array();
      if (!arr || arr->empty())
        p.fail("params.effective_status must be a non-empty array of "
               "statuses");
      json::array out;
      for (const auto& s : *arr) {
        if (!s.is_string() || !contains(effective_statuses, s.as_string()))
          p.fail("params.effective_status values must be one of " +
                 join(effective_statuses));
        out.push_back(s);
      }
      ps.emplace_back("effective_status", json::serialize(out));
    }
  } else {
    if (const auto* l = p.get("level")) {
      auto s = p.text("level", *l);
      if (!contains(levels, s))
        p.fail("params.level must be one of account, campaign, adset, ad");
      if (s == "account" && r.root_type != node_type::ad_account)
        p.fail("params.level account needs an ad account object_id "
               "(act_123)");
      ps.emplace_back("level", s);
    }
    const auto* dp = p.get("date_preset");
    const auto* tr = p.get("time_range");
    if (dp && tr)
      p.fail("params.date_preset and params.time_range exclude each other");
    if (dp) {
      auto s = p.text("date_preset", *dp);
      if (!contains(date_presets, s))
        p.fail("params.date_preset must be one of " + join(date_presets));
      ps.emplace_back("date_preset", s);
    }
    if (tr) {
      const auto* o = tr->if_object();
      if (!o)
        p.fail("params.time_range must be an object {since, until} of dates "
               "YYYY-MM-DD");
      for (const auto& kv : *o)
        if (kv.key() != "since" && kv.key() != "until")
          p.fail("params.time_range." + std::string(kv.key()) +
                 " is not allowed (only since and until)");
      std::string dates[2];
      int i = 0;
      for (const char* k : {"since", "until"}) {
        const auto* d = o->if_contains(k);
        if (!d || !d->is_string() || !valid_date(d->as_string()))
          p.fail(std::string("params.time_range.") + k +
                 " must be a date YYYY-MM-DD");
        dates[i++] = std::string(d->as_string());
      }
      if (dates[0] > dates[1])
        p.fail("params.time_range.since must not be after "
               "params.time_range.until");
      ps.emplace_back("time_range",
                      json::serialize(json::object{{"since", dates[0]},
                                                   {"until", dates[1]}}));
    }
    if (const auto* b = p.get("breakdowns")) {
      std::vector<std::string> names;
      if (b->is_string()) {
        std::string_view s = b->as_string();
        std::size_t i0 = 0;
        while (i0 <= s.size()) {
          auto j = s.find(',', i0);
          if (j == std::string_view::npos) j = s.size();
          names.emplace_back(s.substr(i0, j - i0));
          i0 = j + 1;
        }
      } else if (b->is_array()) {
        for (const auto& e : b->as_array()) {
          if (!e.is_string())
            p.fail("params.breakdowns must list breakdown names");
          names.emplace_back(e.as_string());
        }
      } else {
        p.fail("params.breakdowns must be an array or a comma-separated "
               "string");
      }
      if (names.empty()) p.fail("params.breakdowns must not be empty");
      std::string joined;
      for (const auto& n : names) {
        if (!contains(breakdown_names, n))
          p.fail("params.breakdowns: '" + n + "' is not one of " +
                 join(breakdown_names));
        if (std::count(names.begin(), names.end(), n) > 1)
          p.fail("params.breakdowns names '" + n + "' twice");
        joined += (joined.empty() ? "" : ",") + n;
      }
      r.breakdowns = names;
      ps.emplace_back("breakdowns", joined);
    }
    if (const auto* ti = p.get("time_increment")) {
      std::string s;
      if (ti->is_string() &&
          (ti->as_string() == "all_days" || ti->as_string() == "monthly")) {
        s = std::string(ti->as_string());
      } else {
        auto n = p.integer("time_increment", 1, 90);
        if (!n)
          p.fail("params.time_increment must be all_days, monthly or 1-90");
        s = std::to_string(*n);
      }
      ps.emplace_back("time_increment", s);
    }
  }
  std::sort(ps.begin(), ps.end());
  r.params = ps;

  json::array arr;
  for (const auto& f : r.fields)
    arr.emplace_back(f);
  json::object pobj;
  for (const auto& [k, v] : ps)
    pobj[k] = v;
  norm["root"] = r.root;
  norm["fields"] = std::move(arr);
  norm["params"] = std::move(pobj);
}

} // namespace

std::string_view graph_type_name(node_type t) {
  switch (t) {
  case node_type::ad_account:
    return "AdAccount";
  case node_type::campaign:
    return "Campaign";
  case node_type::adset:
    return "AdSet";
  case node_type::ad:
    return "Ad";
  case node_type::page:
    return "Page";
  case node_type::lead:
    return "Lead";
  case node_type::ads_object:
    return "AdsObject";
  case node_type::user:
    return "User";
  }
  return "Node";
}

const asset_info& info(asset a) {
  static const std::array<asset_info, 7> infos{{
      {asset::pages, "get_pages", "pages", "pages", "accounts", "", false},
      {asset::instagram, "get_instagram_accounts", "instagram",
       "instagram_accounts", "accounts", "instagram_business_account", false},
      {asset::ad_accounts, "get_ad_accounts", "ad_accounts", "ad_accounts",
       "adaccounts", "", false},
      {asset::pixels, "get_pixels", "pixels", "pixels", "adaccounts",
       "adspixels", true},
      {asset::catalogs, "get_catalogs", "catalogs", "catalogs", "businesses",
       "owned_product_catalogs", true},
      {asset::businesses, "get_businesses", "businesses", "businesses",
       "businesses", "", false},
      {asset::whatsapp, "get_whatsapp_accounts", "whatsapp",
       "whatsapp_accounts", "businesses", "owned_whatsapp_business_accounts",
       true},
  }};
  return infos[static_cast<std::size_t>(a)];
}

std::int64_t meta_request::limit() const {
  auto s = param("limit");
  std::int64_t n = 25;
  if (!s.empty()) std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

std::string meta_request::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

parse_outcome parse_request(std::string_view type, const json::object& params,
                            const json::object* account_ids) {
  parse_outcome out;
  const type_spec* spec = nullptr;
  for (const auto& t : types())
    if (t.name == type) spec = &t;
  if (!spec) {
    out.error_code = "invalid_request";
    out.error = "unknown request type '" + std::string(type) +
                "' for meta (known: " + join(request_type_names()) + ")";
    return out;
  }
  try {
    parser p{type, params};
    meta_request r;
    r.type = std::string(type);
    json::object norm;
    norm["type"] = r.type;
    if (spec->kind == shape::generic || params.contains("endpoint"))
      parse_generic(p, params, r, norm);
    else if (spec->kind == shape::asset_one || spec->kind == shape::asset_all)
      parse_assets(p, *spec, params, r, norm);
    else if (spec->kind == shape::node)
      parse_node(p, *spec, params, account_ids, r, norm);
    else
      parse_edge(p, *spec, params, account_ids, r, norm);
    r.key = json::serialize(norm);
    out.request = std::move(r);
  } catch (const bad_request& e) {
    out.error_code = e.code;
    out.error = e.message;
  }
  return out;
}

std::vector<std::string> request_type_names() {
  std::vector<std::string> out;
  for (const auto& t : types())
    out.emplace_back(t.name);
  return out;
}

endpoint_parts split_endpoint(std::string_view endpoint) {
  endpoint_parts out;
  auto q = endpoint.find('?');
  auto path = endpoint.substr(0, q);
  if (q != std::string_view::npos)
    out.query = parse_form(endpoint.substr(q + 1));
  std::size_t i = 0;
  while (i <= path.size()) {
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.path.push_back(pct_decode(path.substr(i, j - i)));
    i = j + 1;
  }
  if (!out.path.empty()) {
    const auto& s = out.path.front();
    bool version = s.size() >= 2 && s[0] == 'v' &&
                   std::all_of(s.begin() + 1, s.end(), [](char c) {
                     return (c >= '0' && c <= '9') || c == '.';
                   });
    if (version) {
      out.version = s;
      out.path.erase(out.path.begin());
    }
  }
  return out;
}

std::int64_t generic_units(const meta_request& r) {
  if (r.kind != request_kind::generic || r.method != "GET") return 1;
  auto parts = split_endpoint(r.endpoint);
  // GET ?ids=a,b or GET {edge}?ids=a,b; not a node read that happens to
  // carry an ids parameter.
  if (parts.path.size() > 1) return 1;
  if (parts.path.size() == 1) {
    const auto& first = parts.path.front();
    bool node = first == "me" || first.rfind("act_", 0) == 0 ||
                std::all_of(first.begin(), first.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
    if (node) return 1;
  }
  for (const auto& [k, v] : parts.query) {
    if (k != "ids") continue;
    std::set<std::string> ids;
    std::size_t i = 0;
    while (i <= v.size()) {
      auto j = v.find(',', i);
      if (j == std::string::npos) j = v.size();
      auto id = v.substr(i, j - i);
      if (!id.empty()) ids.insert(id);
      i = j + 1;
    }
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(ids.size()));
  }
  return 1;
}

} // namespace adbatch::platforms::meta
