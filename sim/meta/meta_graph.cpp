#include "sim/meta/meta_graph.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

namespace adbatch::sim::meta {

namespace json = boost::json;
using detail::find_param;
using detail::param_list;

namespace {

/// Internal: a Graph error raised while rendering, turned into an envelope
/// by execute(). Never escapes the class.
struct graph_failure {
  int status;
  int code;
  std::string message;
  std::string type = "OAuthException";
  std::optional<int> subcode;
};

[[noreturn]] void fail(int status, int code, std::string message,
                       std::string type = "OAuthException",
                       std::optional<int> subcode = {}) {
  throw graph_failure{status, code, std::move(message), std::move(type),
                      subcode};
}

[[noreturn]] void fail_unknown_object(const std::string& id,
                                      const std::string& method) {
  fail(400, 100,
       "Unsupported " + method + " request. Object with ID '" + id
         + "' does not exist, cannot be loaded due to missing permissions, "
           "or does not support this operation. Please read the Graph API "
           "documentation at https://developers.facebook.com/docs/graph-api",
       "GraphMethodException", 33);
}

std::int64_t to_int(const std::string& s, std::int64_t fallback) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return fallback;
  return v;
}

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == sep) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (ch != ' ') {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

const std::set<std::string>& insights_fields() {
  static const std::set<std::string> f = {
    "account_id", "account_name", "account_currency", "campaign_id",
    "campaign_name", "adset_id", "adset_name", "ad_id", "ad_name",
    "impressions", "reach", "clicks", "spend", "ctr", "cpc", "cpm",
    "frequency", "date_start", "date_stop", "objective", "actions",
    "inline_link_clicks"};
  return f;
}

const std::vector<std::string>& breakdown_values(const std::string& name) {
  static const std::map<std::string, std::vector<std::string>> values = {
    {"age", {"18-24", "25-34", "35-44", "45-54", "55-64", "65+"}},
    {"gender", {"female", "male", "unknown"}},
    {"country", {"US", "GB", "DE", "FR", "BR"}},
    {"publisher_platform", {"facebook", "instagram", "audience_network", "messenger"}},
    {"device_platform", {"mobile_app", "mobile_web", "desktop"}}};
  static const std::vector<std::string> none;
  auto it = values.find(name);
  return it == values.end() ? none : it->second;
}

/// Seconds since the epoch of a Graph time ("2026-01-15T10:00:00+0000").
std::optional<std::int64_t> unix_of(std::string_view t) {
  if (t.size() < 19) return std::nullopt;
  auto day = detail::parse_date(t.substr(0, 10));
  if (!day) return std::nullopt;
  auto num = [&](std::size_t pos) { return to_int(std::string(t.substr(pos, 2)), 0); };
  return *day * 86400 + num(11) * 3600 + num(14) * 60 + num(17);
}

/// One Graph `filtering` condition against an object's attributes.
/// `time_created` / `time_updated` compare created_time / updated_time
/// as unix seconds, as the leads edge does.
bool filter_matches(const json::object& attrs, const std::string& field,
                    const std::string& op, const json::value& value) {
  const json::value* have = attrs.if_contains(field);
  json::value time_value;
  if (field == "time_created" || field == "time_updated") {
    auto src = attrs.if_contains(field == "time_created" ? "created_time" : "updated_time");
    if (src && src->is_string())
      if (auto u = unix_of(src->as_string().c_str())) {
        time_value = *u;
        have = &time_value;
      }
  }
  if (!have)
    fail(400, 100, "(#100) Filtering field '" + field + "' is invalid.");
  auto text = [](const json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
  };
  auto number = [&](const json::value& v) -> std::optional<double> {
    if (v.is_int64()) return static_cast<double>(v.as_int64());
    if (v.is_uint64()) return static_cast<double>(v.as_uint64());
    if (v.is_double()) return v.as_double();
    if (v.is_string()) {
      double d = 0;
      auto s = std::string(v.as_string());
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec == std::errc{} && p == s.data() + s.size()) return d;
    }
    return std::nullopt;
  };
  auto in_list = [&]() {
    if (!value.is_array()) return text(*have) == text(value);
    for (const auto& e : value.as_array())
      if (text(*have) == text(e)) return true;
    return false;
  };
  if (op == "EQUAL") return text(*have) == text(value);
  if (op == "NOT_EQUAL") return text(*have) != text(value);
  if (op == "IN") return in_list();
  if (op == "NOT_IN") return !in_list();
  if (op == "CONTAIN") return text(*have).find(text(value)) != std::string::npos;
  if (op == "NOT_CONTAIN") return text(*have).find(text(value)) == std::string::npos;
  if (op == "GREATER_THAN" || op == "LESS_THAN" || op == "GREATER_THAN_OR_EQUAL"
      || op == "LESS_THAN_OR_EQUAL") {
    auto a = number(*have), b = number(value);
    if (!a || !b) return false;
    if (op == "GREATER_THAN") return *a > *b;
    if (op == "LESS_THAN") return *a < *b;
    if (op == "GREATER_THAN_OR_EQUAL") return *a >= *b;
    return *a <= *b;
  }
  fail(400, 100, "(#100) Filtering operator '" + op + "' is not supported.");
}

} // namespace

json::value graph_error_body(int code, const std::string& message,
                             const std::string& type,
                             std::optional<int> subcode,
                             const std::string& fbtrace_id,
                             std::optional<bool> is_transient) {
  json::object e;
  e["message"] = detail::valid_utf8(message);
  e["type"] = type;
  e["code"] = code;
  if (subcode) e["error_subcode"] = *subcode;
  if (is_transient) e["is_transient"] = *is_transient;
  e["fbtrace_id"] = fbtrace_id;
  return json::object{{"error", std::move(e)}};
}

graph::graph(const model& m, std::string public_base_url, int max_ids)
  : model_(m), base_url_(std::move(public_base_url)), max_ids_(max_ids) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string graph::next_trace_id() {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  auto h = detail::stable_hash(model_.seed(), "fbtrace",
                               std::to_string(++trace_counter_));
  std::string out;
  for (int i = 0; i < 11; ++i) {
    out += alphabet[h % 62];
    h /= 62;
  }
  return out;
}

std::optional<object_ref> graph::resolve_id(const std::string& id,
                                            const graph_call& c) const {
  if (id == "me") return model_.user_for_token(c.token);
  return model_.resolve(id);
}

bool graph::ids_form(const graph_call& c) const {
  if (c.method != "GET" || !find_param(c.params, "ids")) return false;
  if (c.path.empty()) return true;
  // GET /{edge}?ids=a,b: the first segment is an edge name, not an object.
  return c.path.size() == 1 && c.path[0] != "me" && !model_.resolve(c.path[0])
         && !created_.count(c.path[0]);
}

bool graph::accessible(const std::string& id, const graph_call& c) const {
  if (auto it = created_.find(id); it != created_.end())
    return model_.owns(c.token, {it->second.k, it->second.account});
  auto r = resolve_id(id, c);
  return r && model_.owns(c.token, *r);
}

void graph::check_access(const graph_call& c) const {
  if (ids_form(c)) {
    auto ids = split(find_param(c.params, "ids").value_or(""), ',');
    if (ids.size() > static_cast<std::size_t>(max_ids_))
      fail(400, 100, "(#100) Too many IDs. Maximum: "
                       + std::to_string(max_ids_) + ". Provided: "
                       + std::to_string(ids.size()) + ".");
    // Not owned ids are reported exactly like unknown ones.
    std::string missing;
    for (const auto& id : ids)
      if (!accessible(id, c)) missing += (missing.empty() ? "" : ",") + id;
    if (!missing.empty())
      fail(404, 803, "(#803) Some of the aliases you requested do not exist: "
                       + missing);
    return;
  }
  bool write = c.method == "POST" || c.method == "DELETE" || c.method == "PUT";
  if (c.path.empty() || (!write && c.method != "GET")) return;
  if (!write && c.path.size() > 2) return;  // "Unknown path components"
  const auto& id = c.path[0];
  if (id == "me" || accessible(id, c)) return;
  fail_unknown_object(id, c.method == "GET"      ? "get"
                          : c.method == "DELETE" ? "delete"
                                                 : "post");
}

graph::admission graph::admit(const graph_call& c) {
  admission out;
  try {
    check_access(c);
  } catch (const graph_failure& f) {
    graph_result r;
    r.status = f.status;
    r.body = graph_error_body(f.code, f.message, f.type, f.subcode,
                              next_trace_id());
    r.endpoint = ids_form(c) ? "ids" : c.method == "GET" ? "node" : "write";
    out.refused = std::move(r);
    return out;
  }
  auto unit_for = [&](const std::string& id, bool insights) {
    call_unit u;
    u.insights = insights;
    // Only an owned account's budget is ever spent.
    if (!accessible(id, c)) return u;
    if (auto it = created_.find(id); it != created_.end()) {
      u.account = model_.account_of({kind::ad_account, it->second.account});
    } else if (auto r = resolve_id(id, c)) {
      u.account = model_.account_of(*r);
    }
    return u;
  };
  if (ids_form(c)) {
    bool ins = !c.path.empty() && c.path[0] == "insights";
    std::set<std::string> seen;
    for (const auto& id : split(*find_param(c.params, "ids"), ','))
      if (seen.insert(id).second) out.units.push_back(unit_for(id, ins));
    if (out.units.empty()) out.units.push_back({});
    return out;
  }
  if (c.path.empty()) {
    out.units.push_back({});
    return out;
  }
  bool ins = c.path.size() >= 2 && c.path[1] == "insights";
  out.units.push_back(unit_for(c.path[0], ins));
  return out;
}

graph_result graph::execute(const graph_call& c) {
  try {
    return execute_or_throw(c);
  } catch (const graph_failure& f) {
    graph_result r;
    r.status = f.status;
    r.body = graph_error_body(f.code, f.message, f.type, f.subcode,
                              next_trace_id());
    r.endpoint = c.method == "GET" ? "node" : "write";
    return r;
  }
}

graph_result graph::execute_or_throw(const graph_call& c) {
  check_access(c);
  if (c.method == "POST" || c.method == "DELETE" || c.method == "PUT")
    return write(c);
  if (c.method != "GET")
    fail(400, 100, "Unsupported method " + c.method);
  if (ids_form(c)) return read_ids(c, c.path.empty() ? "" : c.path[0]);
  if (c.path.empty()) fail(400, 100, "(#100) Missing parameter ids");
  if (c.path.size() > 2) {
    std::string rest;
    for (std::size_t i = 2; i < c.path.size(); ++i) rest += "/" + c.path[i];
    fail(400, 2500, "Unknown path components: " + rest);
  }
  graph_result res;
  res.body = read_target(c, c.path[0], c.path.size() == 2 ? c.path[1] : "",
                         res.items);
  res.endpoint = c.path.size() == 1 ? "node"
                 : c.path[1] == "insights" ? "insights" : "edge";
  return res;
}

graph_result graph::read_ids(const graph_call& c, const std::string& edge) {
  auto ids = split(find_param(c.params, "ids").value_or(""), ',');
  if (ids.empty()) fail(400, 100, "(#100) The parameter ids is required");
  if (ids.size() > static_cast<std::size_t>(max_ids_))
    fail(400, 100, "(#100) Too many IDs. Maximum: " + std::to_string(max_ids_) + ". Provided: "
                     + std::to_string(ids.size()) + ".");
  std::vector<std::string> missing;
  for (const auto& id : ids)
    if (!accessible(id, c)) missing.push_back(id);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ",") + m;
    fail(404, 803, "(#803) Some of the aliases you requested do not exist: "
                     + list);
  }
  graph_result res;
  res.endpoint = "ids";
  json::object out;
  std::int64_t ignored = 0;
  for (const auto& id : ids) {
    if (out.contains(id)) continue;
    out[id] = read_target(c, id, edge, ignored);
    ++res.items;
  }
  res.body = std::move(out);
  return res;
}

json::value graph::read_target(const graph_call& c, const std::string& id,
                               const std::string& edge, std::int64_t& items) {
  std::optional<field_list> fields;
  if (auto f = find_param(c.params, "fields"); f && !f->empty()) {
    std::string err;
    fields = parse_fields(*f, err);
    if (!fields)
      fail(400, 100, "(#100) Syntax error \"" + err + "\" in fields");
  }
  if (auto it = created_.find(id); it != created_.end()) {
    if (!edge.empty() || !accessible(id, c)) fail_unknown_object(id, "get");
    json::object o;
    auto want = fields ? *fields : field_list{{"id", {}, {}}};
    for (const auto& f : want) {
      if (auto v = it->second.attrs.if_contains(f.name)) o[f.name] = *v;
    }
    ++items;
    return o;
  }
  auto r = resolve_id(id, c);
  if (!r || !model_.owns(c.token, *r)) fail_unknown_object(id, "get");
  if (edge.empty()) {
    field_list want;
    if (fields) {
      want = *fields;
    } else {
      for (auto& n : model::default_fields(r->k)) want.push_back({n, {}, {}});
    }
    ++items;
    return render_node(*r, want, c, items);
  }
  if (!model::has_edge(r->k, edge)) {
    fail(400, 100, "(#100) Tried accessing nonexisting field (" + edge
                     + ") on node type (" + std::string(model::type_name(r->k))
                     + ")");
  }
  if (edge == "insights") return render_insights(*r, c.params, fields, c, items);
  return render_edge(*r, edge, c.params, fields, c, items);
}

json::object graph::render_node(const object_ref& r, const field_list& fields,
                                const graph_call& c, std::int64_t& items) {
  auto attrs = model_.attributes(r);
  json::object o;
  for (const auto& f : fields) {
    if (model::has_edge(r.k, f.name)) {
      param_list p;
      for (const auto& [k, v] : f.modifiers) p.emplace_back(k, v);
      if (f.name == "insights")
        o[f.name] = render_insights(r, p, f.children, c, items);
      else
        o[f.name] = render_edge(r, f.name, p, f.children, c, items);
      continue;
    }
    // Object-valued fields (Page.instagram_business_account,
    // Business.primary_page): the object with the nested selection or its
    // default fields; absent when there is none or the token does not own
    // it (Graph leaves empty fields out).
    if (model::has_reference(r.k, f.name)) {
      auto target = model_.reference(r, f.name);
      if (!target || !model_.owns(c.token, *target)) continue;
      field_list want;
      if (f.children && !f.children->empty()) {
        want = *f.children;
      } else {
        for (auto& n : model::default_fields(target->k))
          want.push_back({n, {}, {}});
      }
      o[f.name] = render_node(*target, want, c, items);
      ++items;
      continue;
    }
    auto v = attrs.if_contains(f.name);
    if (!v) {
      fail(400, 100, "(#100) Tried accessing nonexisting field (" + f.name
                       + ") on node type ("
                       + std::string(model::type_name(r.k)) + ")");
    }
    o[f.name] = *v;
  }
  // Graph always answers with the id, even when not asked for it.
  if (!o.contains("id") && attrs.contains("id")) o["id"] = attrs["id"];
  return o;
}

std::string graph::paging_url(const std::vector<std::string>& path,
                              param_list params, const graph_call& c) const {
  std::string url = base_url_ + "/" + c.version;
  for (const auto& s : path) url += "/" + s;
  if (!c.token.empty()) params.insert(params.begin(), {"access_token", c.token});
  return url + "?" + detail::encode_params(params);
}

json::object graph::render_edge(const object_ref& r, const std::string& edge,
                                const param_list& params,
                                const std::optional<field_list>& fields,
                                const graph_call& c, std::int64_t& items) {
  auto all = model_.visible_children(r, edge, c.token);
  // effective_status=["ACTIVE",...] filters campaigns / ad sets / ads.
  if (auto es = find_param(params, "effective_status")) {
    boost::system::error_code ec;
    auto v = json::parse(*es, ec);
    if (ec || !v.is_array())
      fail(400, 100, "(#100) param effective_status must be an array.");
    std::set<std::string> wanted;
    for (const auto& s : v.as_array())
      if (s.is_string()) wanted.insert(std::string(s.as_string()));
    std::vector<object_ref> kept;
    for (const auto& child : all) {
      auto attrs = model_.attributes(child);
      auto st = attrs.if_contains("effective_status");
      if (!st || wanted.count(std::string(st->as_string()))) kept.push_back(child);
    }
    all = std::move(kept);
  }
  // filtering=[{"field","operator","value"}] on edges (all must match).
  if (auto fl = find_param(params, "filtering"); fl && !fl->empty()) {
    boost::system::error_code ec;
    auto v = json::parse(*fl, ec);
    if (ec || !v.is_array())
      fail(400, 100, "(#100) param filtering must be an array.");
    std::vector<object_ref> kept;
    for (const auto& child : all) {
      auto attrs = model_.attributes(child);
      bool ok = true;
      for (const auto& f : v.as_array()) {
        const auto* fo = f.if_object();
        if (!fo || !fo->contains("field") || !fo->contains("operator")
            || !fo->at("field").is_string() || !fo->at("operator").is_string())
          fail(400, 100, "(#100) filtering entries need field, operator and value");
        if (!filter_matches(attrs, std::string(fo->at("field").as_string()),
                            std::string(fo->at("operator").as_string()),
                            fo->contains("value") ? fo->at("value") : json::value{}))
          ok = false;
      }
      if (ok) kept.push_back(child);
    }
    all = std::move(kept);
  }
  auto n = static_cast<std::int64_t>(all.size());
  auto limit = to_int(find_param(params, "limit").value_or("25"), 25);
  limit = std::clamp<std::int64_t>(limit, 1, 5000);
  std::int64_t begin = 0, end = 0;
  if (auto after = find_param(params, "after")) {
    auto off = detail::decode_cursor(*after);
    if (!off) fail(400, 100, "(#100) Invalid cursor: after");
    begin = *off + 1;
    end = begin + limit;
  } else if (auto before = find_param(params, "before")) {
    auto off = detail::decode_cursor(*before);
    if (!off) fail(400, 100, "(#100) Invalid cursor: before");
    end = *off;
    begin = std::max<std::int64_t>(0, end - limit);
  } else {
    begin = std::max<std::int64_t>(0, to_int(find_param(params, "offset").value_or("0"), 0));
    end = begin + limit;
  }
  begin = std::min(begin, n);
  end = std::clamp(end, begin, n);

  field_list want;
  if (fields) {
    want = *fields;
  } else if (r.k == kind::user && edge == "accounts") {
    for (auto n2 : {"access_token", "category", "name", "id", "tasks"})
      want.push_back({n2, {}, {}});
  } else {
    kind child = all.empty() ? kind::campaign : all.front().k;
    for (auto& f : model::default_fields(child)) want.push_back({f, {}, {}});
  }
  json::array data;
  for (auto i = begin; i < end; ++i) {
    data.push_back(render_node(all[static_cast<std::size_t>(i)], want, c, items));
    ++items;
  }
  json::object out;
  out["data"] = std::move(data);
  // summary=true (the Python SDK always sends it) adds the total count.
  if (find_param(params, "summary").value_or("") == "true")
    out["summary"] = json::object{{"total_count", n}};
  if (begin < end) {
    json::object paging;
    paging["cursors"] = json::object{{"before", detail::encode_cursor(begin)},
                                     {"after", detail::encode_cursor(end - 1)}};
    // Links repeat the request with a new cursor.
    param_list base;
    bool top_level = !c.path.empty() && c.path.back() == edge;
    if (top_level) {
      for (const auto& p : c.params)
        if (p.first != "after" && p.first != "before" && p.first != "access_token"
            && p.first != "offset" && p.first != "ids")
          base.push_back(p);
    } else {
      if (fields) base.emplace_back("fields", render_fields(*fields));
      base.emplace_back("limit", std::to_string(limit));
    }
    std::vector<std::string> path{model_.id_of(r), edge};
    if (end < n) {
      auto p = base;
      p.emplace_back("after", detail::encode_cursor(end - 1));
      paging["next"] = paging_url(path, p, c);
    }
    if (begin > 0) {
      auto p = base;
      p.emplace_back("before", detail::encode_cursor(begin));
      paging["previous"] = paging_url(path, p, c);
    }
    out["paging"] = std::move(paging);
  }
  return out;
}

json::object graph::render_insights(const object_ref& r,
                                    const param_list& params,
                                    const std::optional<field_list>& fields,
                                    const graph_call& c, std::int64_t& items) {
  const auto today = model_.options().today;
  std::int64_t since = today - 30, until = today - 1;  // last_30d
  if (auto tr = find_param(params, "time_range")) {
    std::string text = *tr;
    std::replace(text.begin(), text.end(), '\'', '"');
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    const json::object* o = ec ? nullptr : v.if_object();
    std::int64_t s = -1, u = -1;
    if (o) {
      auto date_of = [&](const char* key) -> std::int64_t {
        auto p = o->if_contains(key);
        if (!p || !p->is_string()) return -1;
        return detail::parse_date(p->as_string().c_str()).value_or(-1);
      };
      s = date_of("since");
      u = date_of("until");
    }
    if (s < 0 || u < 0 || s > u)
      fail(400, 100, "(#100) param time_range must be a JSON object with "
                     "since and until dates (YYYY-MM-DD)");
    since = s;
    until = u;
  } else if (auto dp = find_param(params, "date_preset")) {
    auto p = lower(*dp);
    if (p == "today") { since = until = today; }
    else if (p == "yesterday") { since = until = today - 1; }
    else if (p == "maximum") { since = today - 365; until = today; }
    else if (p.size() > 6 && p.substr(0, 5) == "last_" && p.back() == 'd') {
      auto n = to_int(p.substr(5, p.size() - 6), -1);
      if (n < 1 || n > 90) fail(400, 100, "(#100) date_preset must be one of the following values: today, yesterday, last_3d, last_7d, last_14d, last_28d, last_30d, last_90d, maximum");
      since = today - n;
      until = today - 1;
    } else {
      fail(400, 100, "(#100) date_preset must be one of the following values: today, yesterday, last_3d, last_7d, last_14d, last_28d, last_30d, last_90d, maximum");
    }
  }
  std::int64_t step = until - since + 1;  // all_days
  if (auto ti = find_param(params, "time_increment")) {
    if (*ti == "monthly") step = 30;
    else if (*ti != "all_days") {
      step = to_int(*ti, -1);
      if (step < 1 || step > 90)
        fail(400, 100, "(#100) time_increment must be all_days, monthly or 1-90");
    }
  }
  // The objects rows are made of: r itself or its descendants at `level`.
  auto level = lower(find_param(params, "level").value_or(""));
  std::vector<object_ref> objs;
  if (level.empty() || (level == "account" && r.k == kind::ad_account)
      || (level == "campaign" && r.k == kind::campaign)
      || (level == "adset" && r.k == kind::adset)
      || (level == "ad" && r.k == kind::ad)) {
    objs.push_back(r);
    if (level.empty()) level = r.k == kind::ad_account ? "account"
                             : r.k == kind::campaign ? "campaign"
                             : r.k == kind::adset ? "adset" : "ad";
  } else if (level == "campaign" || level == "adset" || level == "ad") {
    auto edge = level == "campaign" ? "campaigns" : level == "adset" ? "adsets" : "ads";
    if (!model::has_edge(r.k, edge))
      fail(400, 100, "(#100) level must be one of the following values: ad, adset, campaign, account");
    objs = model_.children(r, edge);
  } else {
    fail(400, 100, "(#100) level must be one of the following values: ad, adset, campaign, account");
  }

  field_list want;
  if (fields) want = *fields;
  else
    for (auto n : {"account_id", "impressions", "spend"}) want.push_back({n, {}, {}});
  for (const auto& f : want)
    if (!insights_fields().count(f.name))
      fail(400, 100, "(#100) " + f.name + " is not valid for fields param. please check https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ for all valid values");

  // Rows: one per object and time bucket.
  // breakdowns=age,gender,...: one row per combination of values.
  using combo = std::vector<std::pair<std::string, std::string>>;
  std::vector<combo> combos{combo{}};
  std::vector<std::vector<std::string>> all_values;  // per combination, for weights
  if (auto b = find_param(params, "breakdowns"); b && !b->empty()) {
    std::string text = *b;
    // JSON array (SDKs) or comma list.
    std::vector<std::string> names;
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (!ec && v.is_array()) {
      for (const auto& e : v.as_array())
        if (e.is_string()) names.emplace_back(e.as_string());
    } else {
      names = split(text, ',');
    }
    for (const auto& name : names) {
      const auto& values = breakdown_values(name);
      if (values.empty())
        fail(400, 100, "(#100) breakdowns[0] must be one of the following values: age, gender, country, publisher_platform, device_platform");
      std::vector<combo> next;
      for (const auto& c0 : combos)
        for (const auto& val : values) {
          auto c1 = c0;
          c1.emplace_back(name, val);
          next.push_back(std::move(c1));
        }
      combos = std::move(next);
    }
  }
  struct row_key { object_ref obj; std::int64_t from, to; std::size_t combo; };
  std::vector<row_key> keys;
  for (const auto& o : objs)
    for (auto d = since; d <= until; d += step)
      for (std::size_t ci = 0; ci < combos.size(); ++ci)
        keys.push_back({o, d, std::min(until, d + step - 1), ci});
  // Weights split each object's numbers over the combinations, so the
  // broken-down rows add up to the unbroken total (up to rounding).
  auto weight = [&](const object_ref& o, std::size_t ci) -> std::int64_t {
    std::string key;
    for (const auto& [k2, v2] : combos[ci]) key += k2 + "=" + v2 + ";";
    return 1 + static_cast<std::int64_t>(
                 detail::stable_hash(model_.seed(), "bd", model_.id_of(o), key) % 10);
  };

  auto n = static_cast<std::int64_t>(keys.size());
  auto limit = std::clamp<std::int64_t>(
    to_int(find_param(params, "limit").value_or("25"), 25), 1, 5000);
  std::int64_t begin = 0;
  if (auto after = find_param(params, "after")) {
    auto off = detail::decode_cursor(*after);
    if (!off) fail(400, 100, "(#100) Invalid cursor: after");
    begin = *off + 1;
  }
  begin = std::min(begin, n);
  auto end = std::min(n, begin + limit);

  auto identity_of = [&](const object_ref& o) {
    json::object all;
    auto acct = model_.attributes({kind::ad_account, o.a});
    all["account_id"] = acct["account_id"];
    all["account_name"] = acct["name"];
    all["account_currency"] = acct["currency"];
    if (o.k != kind::ad_account) {
      auto camp = model_.attributes({kind::campaign, o.a, o.c, 0, 0});
      all["campaign_id"] = camp["id"];
      all["campaign_name"] = camp["name"];
      all["objective"] = camp["objective"];
    }
    if (o.k == kind::adset || o.k == kind::ad) {
      auto as = model_.attributes({kind::adset, o.a, o.c, o.s, 0});
      all["adset_id"] = as["id"];
      all["adset_name"] = as["name"];
    }
    if (o.k == kind::ad) {
      auto attrs = model_.attributes(o);
      all["ad_id"] = attrs["id"];
      all["ad_name"] = attrs["name"];
    }
    return all;
  };
  std::map<std::string, json::object> identity;
  json::array data;
  for (auto i = begin; i < end; ++i) {
    const auto& k = keys[static_cast<std::size_t>(i)];
    model::daily_metrics m;
    for (auto d = k.from; d <= k.to; ++d) {
      auto x = model_.metrics(k.obj, d);
      m.impressions += x.impressions;
      m.reach += x.reach;
      m.clicks += x.clicks;
      m.spend_cents += x.spend_cents;
    }
    if (combos.size() > 1) {
      std::int64_t total_w = 0;
      for (std::size_t ci = 0; ci < combos.size(); ++ci) total_w += weight(k.obj, ci);
      auto w = weight(k.obj, k.combo);
      m.impressions = m.impressions * w / total_w;
      m.reach = m.reach * w / total_w;
      m.clicks = m.clicks * w / total_w;
      m.spend_cents = m.spend_cents * w / total_w;
    }
    // Identity fields per object, computed once per request.
    auto cached = identity.find(model_.id_of(k.obj));
    if (cached == identity.end())
      cached = identity.emplace(model_.id_of(k.obj), identity_of(k.obj)).first;
    json::object all = cached->second;
    // Insights numbers are strings in the Graph API.
    all["impressions"] = std::to_string(m.impressions);
    all["reach"] = std::to_string(m.reach);
    all["clicks"] = std::to_string(m.clicks);
    all["spend"] = fixed(static_cast<double>(m.spend_cents) / 100.0, 2);
    double imp = static_cast<double>(std::max<std::int64_t>(m.impressions, 1));
    all["ctr"] = fixed(100.0 * static_cast<double>(m.clicks) / imp, 6);
    all["cpm"] = fixed(10.0 * static_cast<double>(m.spend_cents) / imp, 6);
    all["cpc"] = fixed(static_cast<double>(m.spend_cents) / 100.0
                         / static_cast<double>(std::max<std::int64_t>(m.clicks, 1)), 6);
    all["frequency"] = fixed(imp / static_cast<double>(std::max<std::int64_t>(m.reach, 1)), 6);
    all["inline_link_clicks"] = std::to_string(m.clicks * 9 / 10);
    all["actions"] = json::array{
      json::object{{"action_type", "link_click"}, {"value", std::to_string(m.clicks * 9 / 10)}},
      json::object{{"action_type", "lead"}, {"value", std::to_string(m.clicks / 20)}},
      json::object{{"action_type", "purchase"}, {"value", std::to_string(m.clicks / 50)}}};
    json::object row;
    for (const auto& f : want)
      if (auto v = all.if_contains(f.name)) row[f.name] = *v;
    for (const auto& [bk, bv] : combos[k.combo]) row[bk] = bv;
    row["date_start"] = detail::civil_from_days(k.from);
    row["date_stop"] = detail::civil_from_days(k.to);
    data.push_back(std::move(row));
    ++items;
  }
  json::object out;
  out["data"] = std::move(data);
  if (begin < end) {
    json::object paging;
    paging["cursors"] = json::object{{"before", detail::encode_cursor(begin)},
                                     {"after", detail::encode_cursor(end - 1)}};
    if (end < n) {
      param_list p;
      bool top_level = !c.path.empty() && c.path.back() == "insights";
      if (top_level) {
        for (const auto& q : c.params)
          if (q.first != "after" && q.first != "access_token" && q.first != "ids")
            p.push_back(q);
      } else {
        for (const auto& q : params)
          if (q.first != "after") p.push_back(q);
        if (fields) p.emplace_back("fields", render_fields(*fields));
      }
      p.emplace_back("after", detail::encode_cursor(end - 1));
      paging["next"] = paging_url({model_.id_of(r), "insights"}, p, c);
    }
    out["paging"] = std::move(paging);
  }
  return out;
}

graph_result graph::write(const graph_call& c) {
  graph_result res;
  res.endpoint = "write";
  res.items = 1;
  if (c.path.empty()) fail(400, 100, "(#100) Unsupported post request.");
  const auto& id = c.path[0];
  auto created = created_.find(id);
  auto r = resolve_id(id, c);
  if (!accessible(id, c))
    fail_unknown_object(id, lower(c.method) == "delete" ? "delete" : "post");
  if (c.method == "DELETE") {
    if (c.path.size() != 1) fail(400, 100, "(#100) Unsupported delete request.");
    if (created != created_.end()) created_.erase(created);
    res.body = json::object{{"success", true}};
    return res;
  }
  if (c.path.size() == 1) {  // update
    if (created != created_.end())
      for (const auto& [k, v] : c.params)
        if (k != "access_token") created->second.attrs[k] = v;
    res.body = json::object{{"success", true}};
    return res;
  }
  const auto& edge = c.path[1];
  if (c.path.size() != 2 || !r || r->k != kind::ad_account
      || (edge != "campaigns" && edge != "adsets" && edge != "ads"))
    fail(400, 100, "(#100) Unsupported post request.");
  auto name = find_param(c.params, "name");
  if (!name || name->empty())
    fail(400, 100, "(#100) The parameter name is required");
  created_object obj{kind::campaign, r->a, {}};
  auto require_parent = [&](const char* param, kind parent_kind) {
    auto pid = find_param(c.params, param);
    if (!pid || pid->empty())
      fail(400, 100, std::string("(#100) The parameter ") + param + " is required");
    auto pr = model_.resolve(*pid);
    auto pc = created_.find(*pid);
    bool ok = (pr && pr->k == parent_kind && pr->a == r->a)
              || (pc != created_.end() && pc->second.k == parent_kind
                  && pc->second.account == r->a);
    if (!ok)
      fail(400, 100, std::string("(#100) Param ") + param + " must be a valid "
                       + std::string(model::type_name(parent_kind))
                       + " id in this ad account", "OAuthException", 1487);
  };
  if (edge == "adsets") {
    obj.k = kind::adset;
    require_parent("campaign_id", kind::campaign);
  } else if (edge == "ads") {
    obj.k = kind::ad;
    require_parent("adset_id", kind::adset);
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "129%014llu",
                static_cast<unsigned long long>(next_created_++));
  std::string new_id = buf;
  obj.attrs["id"] = new_id;
  obj.attrs["account_id"] = *model_.account_of(*r);
  obj.attrs["status"] = "PAUSED";
  for (const auto& [k, v] : c.params)
    if (k != "access_token") obj.attrs[k] = v;
  created_.emplace(new_id, std::move(obj));
  res.body = json::object{{"id", new_id}};
  return res;
}

} // namespace adbatch::sim::meta
