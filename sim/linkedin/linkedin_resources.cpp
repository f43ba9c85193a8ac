// Keyed collections: GET, BATCH_GET and finders, plus the lead finder.

#include <algorithm>
#include <charconv>
#include <set>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "sim/linkedin/linkedin_internal.hpp"
#include "sim/meta/sim_util.hpp"

namespace adbatch::sim::linkedin {

namespace json = boost::json;

namespace {

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size() || s.empty())
    return std::nullopt;
  return v;
}

const std::string* param(const query_map& q, const std::string& name) {
  auto it = q.find(name);
  return it == q.end() ? nullptr : &it->second;
}

// The string form of a JSON scalar, as a Rest.li filter compares it.
std::string scalar_text(const json::value& v) {
  if (v.is_string()) return std::string{v.get_string()};
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return json::serialize(v);
}

// Does `entity` pass one criterion of a search record? `(values:List(..))`
// means "field is one of", a plain leaf means "field equals".
bool matches(const json::object& entity, const std::string& field,
             const restli::value& criterion) {
  auto it = entity.find(field);
  if (it == entity.end()) return false;
  auto actual = scalar_text(it->value());
  if (auto* values = criterion.find("values")) {
    if (!values->is_list()) return false;
    for (auto& v : values->items())
      if (v.is_string() && v.str() == actual) return true;
    return false;
  }
  if (criterion.is_string()) return criterion.str() == actual;
  return false;
}

std::string rebuild_query(const query_map& q, std::int64_t start,
                          std::int64_t count) {
  std::string out;
  for (auto& [name, raw] : q) {
    if (name == "start" || name == "count") continue;
    if (!out.empty()) out += '&';
    out += name + "=" + raw;
  }
  if (!out.empty()) out += '&';
  out += "start=" + std::to_string(start) + "&count=" + std::to_string(count);
  return out;
}

json::object collection_answer(std::vector<json::object> all, const page& p,
                               const query_map& q, const request_context& ctx) {
  auto total = static_cast<std::int64_t>(all.size());
  auto fields = projection_fields(q);
  json::array elements;
  for (auto i = p.start; i < total && i < p.start + p.count; ++i)
    elements.push_back(project(all[static_cast<std::size_t>(i)], fields));
  std::string next;
  if (p.start + p.count < total)
    next = ctx.path_prefix + "?" + rebuild_query(q, p.start + p.count, p.count);
  return json::object{{"elements", std::move(elements)},
                      {"paging", paging_object(p, total, next)}};
}

} // namespace

http_response restli_error(int status, std::string_view code,
                           std::string_view message,
                           std::optional<int> service_error_code) {
  json::object body{{"status", status}};
  if (service_error_code) body["serviceErrorCode"] = *service_error_code;
  if (!code.empty()) body["code"] = code;
  // Messages echo request text: keep the answer valid UTF-8 JSON.
  body["message"] = detail::valid_utf8(message);
  http_response r;
  r.status = status;
  r.body = json::serialize(body);
  r.acct.error = true;
  return r;
}

http_response access_denied(std::string_view what) {
  return restli_error(403, "ACCESS_DENIED",
                      "Not enough permissions to access: " + std::string{what}, 100);
}

http_response json_ok(const json::object& body) {
  http_response r;
  r.status = 200;
  r.body = json::serialize(body);
  return r;
}

std::optional<page> parse_page(const query_map& q, int max_count,
                               http_response& err) {
  page p;
  if (auto* s = param(q, "start")) {
    auto v = to_int(*s);
    if (!v || *v < 0) {
      err = restli_error(400, "ILLEGAL_ARGUMENT", "Invalid value for param start: " + *s);
      return std::nullopt;
    }
    p.start = *v;
  }
  if (auto* c = param(q, "count")) {
    auto v = to_int(*c);
    if (!v || *v < 0) {
      err = restli_error(400, "ILLEGAL_ARGUMENT", "Invalid value for param count: " + *c);
      return std::nullopt;
    }
    p.count = std::min<std::int64_t>(*v, max_count);
  }
  return p;
}

json::object paging_object(const page& p, std::int64_t total,
                           const std::string& next_href) {
  json::array links;
  if (!next_href.empty())
    links.push_back(json::object{{"type", "application/json"},
                                 {"rel", "next"},
                                 {"href", next_href}});
  return json::object{{"start", p.start},
                      {"count", p.count},
                      {"total", total},
                      {"links", std::move(links)}};
}

std::vector<std::string> projection_fields(const query_map& q) {
  std::vector<std::string> out;
  auto* f = param(q, "fields");
  if (!f) return out;
  auto decoded = restli::decode_component(*f);
  if (!decoded) return out;
  // Top-level names only; nested projections `a(b,c)` select all of `a`.
  int depth = 0;
  std::string cur;
  for (char c : *decoded) {
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (depth == 0 && c != ' ') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

json::object project(const json::object& o, const std::vector<std::string>& fields) {
  if (fields.empty()) return o;
  json::object out;
  for (auto& name : fields)
    if (auto it = o.find(name); it != o.end()) out[name] = it->value();
  return out;
}

http_response handle_get(const collection& c, const std::string& key,
                         const query_map& q) {
  if (c.forbidden && c.forbidden(key)) return access_denied(c.label + " " + key);
  auto entity = c.find(key);
  if (!entity)
    return restli_error(404, "NOT_FOUND", "Not found: " + key);
  auto r = json_ok(project(*entity, projection_fields(q)));
  r.acct.items = 1;
  return r;
}

http_response handle_batch_get(const collection& c, const query_map& q,
                               request_context& ctx) {
  auto ids = restli::parse(q.at("ids"));
  if (!ids || !ids->is_list())
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Invalid value for param ids: expected List(...)");
  if (ctx.opts.max_batch_ids > 0
      && ids->items().size() > static_cast<std::size_t>(ctx.opts.max_batch_ids))
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Batch size " + std::to_string(ids->items().size())
                          + " exceeds the maximum of "
                          + std::to_string(ctx.opts.max_batch_ids));
  auto fields = projection_fields(q);
  json::object results;
  json::object statuses;
  json::object errors;
  std::set<std::string> seen;
  std::bernoulli_distribution partial(std::clamp(ctx.partial_batch_rate, 0.0, 1.0));
  for (auto& item : ids->items()) {
    if (!item.is_string())
      return restli_error(400, "ILLEGAL_ARGUMENT",
                          "Invalid value for param ids: complex keys are not supported");
    // Keys come back in their Rest.li-encoded form, as the official
    // clients expect (they look results up by the encoded id).
    auto key = restli::encode_string(item.str());
    if (!seen.insert(key).second) continue;
    if (ctx.rng && ctx.partial_batch_rate > 0 && partial(*ctx.rng)) {
      statuses[key] = 500;
      errors[key] = json::object{{"status", 500},
                                 {"code", "INTERNAL_SERVER_ERROR"},
                                 {"message", "Internal Server Error"}};
      continue;
    }
    if (c.forbidden && c.forbidden(item.str())) {
      statuses[key] = 403;
      errors[key] = json::object{
        {"status", 403},
        {"serviceErrorCode", 100},
        {"code", "ACCESS_DENIED"},
        {"message", detail::valid_utf8("Not enough permissions to access: " + c.label + " "
                                       + item.str())}};
      continue;
    }
    if (auto entity = c.find(item.str())) {
      results[key] = project(*entity, fields);
      statuses[key] = 200;
    } else {
      statuses[key] = 404;
      errors[key] = json::object{{"status", 404},
                                 {"code", "NOT_FOUND"},
                                 {"message", detail::valid_utf8("Not found: " + item.str())}};
    }
  }
  auto r = json_ok(json::object{{"results", std::move(results)},
                                {"statuses", std::move(statuses)},
                                {"errors", std::move(errors)}});
  r.acct.items = static_cast<std::int64_t>(seen.size());
  return r;
}

http_response handle_finder(const collection& c, const query_map& q,
                            request_context& ctx) {
  auto& finder = q.at("q");
  if (std::find(c.finders.begin(), c.finders.end(), finder) == c.finders.end())
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Finder '" + finder + "' is not supported by " + c.label);
  http_response err;
  auto p = parse_page(q, ctx.opts.max_page_count, err);
  if (!p) return err;

  auto all = c.all();
  // search=(field:(values:List(..)),field2:value) -- every criterion must hold.
  if (auto it = q.find("search"); it != q.end()) {
    std::string why;
    auto search = restli::parse(it->second, &why);
    if (!search || !search->is_record())
      return restli_error(400, "ILLEGAL_ARGUMENT",
                          "Invalid value for param search: " + (why.empty() ? "expected a record" : why));
    std::erase_if(all, [&](const json::object& e) {
      for (auto& [field, criterion] : search->fields())
        if (!matches(e, field, criterion)) return true;
      return false;
    });
  }
  // creatives?q=criteria&campaigns=List(..)&intendedStatuses=List(..)
  auto list_filter = [&](const char* param_name, const char* field) -> std::optional<http_response> {
    auto it = q.find(param_name);
    if (it == q.end()) return std::nullopt;
    auto v = restli::parse(it->second);
    if (!v) return restli_error(400, "ILLEGAL_ARGUMENT", std::string{"Invalid value for param "} + param_name);
    restli::value criterion{restli::record{{"values", v->is_list() ? *v : restli::value{restli::list{*v}}}}};
    std::erase_if(all, [&](const json::object& e) { return !matches(e, field, criterion); });
    return std::nullopt;
  };
  if (finder == "criteria") {
    if (auto e = list_filter("campaigns", "campaign")) return *e;
    if (auto e = list_filter("intendedStatuses", "intendedStatus")) return *e;
    if (auto e = list_filter("creatives", "id")) return *e;
  }
  auto body = collection_answer(std::move(all), *p, q, ctx);
  auto r = json_ok(body);
  r.acct.items = static_cast<std::int64_t>(body.at("elements").as_array().size());
  return r;
}

http_response handle_lead_finder(const query_map& q, request_context& ctx) {
  if (q.at("q") != "owner")
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Finder '" + q.at("q") + "' is not supported by leadFormResponses");
  auto owner_it = q.find("owner");
  if (owner_it == q.end())
    return restli_error(400, "ILLEGAL_ARGUMENT", "Missing required parameter: owner");
  auto owner = restli::parse(owner_it->second);
  const restli::value* acct_v = owner ? owner->find("sponsoredAccount") : nullptr;
  std::optional<std::int64_t> account;
  if (acct_v && acct_v->is_string()) account = urn_id(acct_v->str(), "sponsoredAccount");
  if (!account)
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Invalid value for param owner: expected (sponsoredAccount:urn:li:sponsoredAccount:<id>)");
  if (ctx.data.has_account(*account) && !ctx.owns(*account))
    return access_denied("leadFormResponses.FINDER-owner " + account_urn(*account));
  auto lt_it = q.find("leadType");
  if (lt_it == q.end())
    return restli_error(400, "ILLEGAL_ARGUMENT", "Missing required parameter: leadType");
  auto lead_type = restli::parse(lt_it->second);
  const restli::value* lt = lead_type ? lead_type->find("leadType") : nullptr;
  if (!lt || !lt->is_string())
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Invalid value for param leadType: expected (leadType:SPONSORED)");
  http_response err;
  auto p = parse_page(q, ctx.opts.max_page_count, err);
  if (!p) return err;

  std::vector<json::object> all;
  if (lt->str() == "SPONSORED") {
    for (auto& id : ctx.data.lead_ids(*account))
      if (auto lead = ctx.data.lead(id)) all.push_back(std::move(*lead));
  }
  if (auto it = q.find("versionedLeadGenFormUrn"); it != q.end()) {
    auto form = restli::parse(it->second);
    if (!form || !form->is_string())
      return restli_error(400, "ILLEGAL_ARGUMENT", "Invalid value for param versionedLeadGenFormUrn");
    std::erase_if(all, [&](const json::object& e) {
      return e.at("versionedLeadGenFormUrn").as_string() != form->str();
    });
  }
  if (auto it = q.find("submittedAtTimeRange"); it != q.end()) {
    auto range = restli::parse(it->second);
    auto bound = [&](const char* name) -> std::optional<std::int64_t> {
      auto* b = range ? range->find(name) : nullptr;
      if (!b || !b->is_string()) return std::nullopt;
      return to_int(b->str());
    };
    auto from = bound("start");
    auto to = bound("end");
    std::erase_if(all, [&](const json::object& e) {
      auto t = e.at("submittedAt").as_int64();
      return (from && t < *from) || (to && t >= *to);
    });
  }
  auto body = collection_answer(std::move(all), *p, q, ctx);
  auto r = json_ok(body);
  r.acct.items = static_cast<std::int64_t>(body.at("elements").as_array().size());
  return r;
}

} // namespace adbatch::sim::linkedin

namespace adbatch::sim::linkedin {

http_response handle_account_finder(
    const std::string& resource, const query_map& q, request_context& ctx,
    const std::function<std::vector<json::object>(std::int64_t)>& entities) {
  // dmpSegments and conversions: q=account&account=<urn>; leadForms:
  // q=owner&owner=(sponsoredAccount:<urn>).
  bool by_owner = resource == "leadForms";
  const std::string finder = by_owner ? "owner" : "account";
  if (q.at("q") != finder)
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Finder '" + q.at("q") + "' is not supported by " + resource);
  auto it = q.find(finder);
  if (it == q.end())
    return restli_error(400, "ILLEGAL_ARGUMENT", "Missing required parameter: " + finder);
  auto v = restli::parse(it->second);
  const restli::value* leaf = v ? (by_owner ? v->find("sponsoredAccount") : &*v) : nullptr;
  std::optional<std::int64_t> account;
  if (leaf && leaf->is_string()) account = urn_id(leaf->str(), "sponsoredAccount");
  if (!account || (leaf->str().rfind("urn:li:", 0) != 0))
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Invalid value for param " + finder
                          + (by_owner ? ": expected (sponsoredAccount:urn:li:sponsoredAccount:<id>)"
                                      : ": expected urn:li:sponsoredAccount:<id>"));
  if (!ctx.data.has_account(*account))
    return restli_error(404, "NOT_FOUND", "Not found: " + account_urn(*account));
  if (!ctx.owns(*account))
    return access_denied(resource + ".FINDER-" + finder + " " + account_urn(*account));
  http_response err;
  auto p = parse_page(q, ctx.opts.max_page_count, err);
  if (!p) return err;
  auto body = collection_answer(entities(*account), *p, q, ctx);
  auto r = json_ok(body);
  r.acct.items = static_cast<std::int64_t>(body.at("elements").as_array().size());
  return r;
}

} // namespace adbatch::sim::linkedin
