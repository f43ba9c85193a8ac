#include "platforms/google/google_plan.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <map>
#include <set>

namespace adbatch::platforms::google {

namespace json = boost::json;

// -- resolution
// ----------------------------------------------------------------

std::string api_version_of(const plan_settings& s) {
  std::string v = s.api_version;
  if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v = v.substr(1);
  if (auto dot = v.find('.'); dot != std::string::npos) v = v.substr(0, dot);
  bool digits = !v.empty() && v.size() <= 3 &&
                std::all_of(v.begin(), v.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
  return digits ? "v" + v : std::string(default_api_version);
}

std::string resolved_request::credential_key() const {
  return token + '\n' + login_customer_id;
}

resolution resolve_request(const queued_request& r, const plan_context& ctx) {
  auto reject = [&](std::string code, std::string msg) {
    resolution x;
    request_outcome o;
    o.request_id = r.id;
    o.kind = outcome_kind::permanent;
    o.error_code = std::move(code);
    o.error_message = std::move(msg);
    x.rejected = std::move(o);
    return x;
  };
  auto parsed = parse_google_request(r.request_type, r.params);
  if (!parsed.spec) return reject("invalid_params", parsed.error);
  auto it = ctx.credentials.find(r.connection_id);
  if (it == ctx.credentials.end() || it->second.token.empty())
    return reject("missing_token",
                  "connection " + r.connection_id + " has no access token");
  auto dev = ctx.settings.platform_credentials.find("developer_token");
  if (dev == ctx.settings.platform_credentials.end() || dev->second.empty())
    return reject("missing_developer_token",
                  "no Google Ads developer token is configured "
                  "(platform credential developer_token)");
  const auto& ids = it->second.account_ids;
  std::string customer =
      std::visit([](const auto& s) { return s.customer_id; }, *parsed.spec);
  if (customer.empty()) {
    auto v = ids.if_contains("customer_id");
    if (!v || v->is_null() || (v->is_string() && v->as_string().empty()))
      return reject("missing_customer_id",
                    "connection " + r.connection_id +
                        " has no Google Ads customer_id in its account ids");
    auto c = normalize_customer_id(*v);
    if (!c)
      return reject("invalid_customer_id",
                    "connection " + r.connection_id +
                        ": account id customer_id is not a Google Ads "
                        "customer id (digits, dashes allowed)");
    customer = *c;
  }
  std::string login;
  if (auto v = ids.if_contains("login_customer_id");
      v && !v->is_null() && !(v->is_string() && v->as_string().empty())) {
    auto c = normalize_customer_id(*v);
    if (!c)
      return reject("invalid_login_customer_id",
                    "connection " + r.connection_id +
                        ": account id login_customer_id is not a Google Ads "
                        "customer id (digits, dashes allowed)");
    login = *c;
  }
  resolution x;
  x.ok = resolved_request{&r, std::move(*parsed.spec), it->second.token,
                          std::move(login), std::move(customer)};
  return x;
}

namespace {

// -- calls
// ---------------------------------------------------------------------

struct target {
  std::string version;
  std::string developer_token;
  std::string token;
  std::string login;
  std::string customer;
};

target target_of(const resolved_request& r, const plan_context& ctx) {
  target t;
  t.version = api_version_of(ctx.settings);
  if (auto it = ctx.settings.platform_credentials.find("developer_token");
      it != ctx.settings.platform_credentials.end())
    t.developer_token = it->second;
  t.token = r.token;
  t.login = r.login_customer_id;
  t.customer = r.customer_id;
  return t;
}

upstream_call base_call(const target& t, std::string_view method) {
  upstream_call c;
  c.method = "POST";
  c.target =
      "/" + t.version + "/customers/" + t.customer + "/" + std::string(method);
  c.headers.emplace_back("Authorization", "Bearer " + t.token);
  c.headers.emplace_back("developer-token", t.developer_token);
  if (!t.login.empty()) c.headers.emplace_back("login-customer-id", t.login);
  c.headers.emplace_back("Content-Type", "application/json");
  c.scope = "customer:" + t.customer;
  return c;
}

/// One distinct read of a group (identical requests share it).
struct distinct_read {
  const read_spec* spec = nullptr;
  std::vector<std::int64_t> ids;
  std::string text;  ///< its own GAQL
  day_range range{}; ///< its dates resolved (total / daily)
  std::size_t order = 0;
};

bool is_eq_or_in(const gaql_condition& c) {
  return c.op == "=" || c.op == "IN";
}

bool contains(const std::vector<gaql_condition>& v, const gaql_condition& c) {
  return std::find(v.begin(), v.end(), c) != v.end();
}

std::string plural(std::size_t n, std::string_view one) {
  return std::to_string(n) + " " + std::string(one) + (n == 1 ? "" : "s");
}

/// The searchStream call serving `parts` (same credential, customer,
/// resource and grain; their dates fit one query).
upstream_call build_read_call(const target& t, read_grain g,
                              const std::vector<const distinct_read*>& parts) {
  auto ctx = std::make_shared<read_call_context>();
  ctx->customer_id = t.customer;
  std::string text;
  if (parts.size() == 1) {
    const auto& s = *parts[0]->spec;
    text = parts[0]->text;
    read_part p;
    p.request_ids = parts[0]->ids;
    p.request_type = s.request_type;
    p.from = s.from;
    p.select = s.select;
    p.exact = true;
    p.order_by = s.order_by;
    p.limit = s.limit;
    ctx->parts.push_back(std::move(p));
  } else {
    const auto& first = *parts[0]->spec;
    gaql_select q;
    q.from = first.from;
    bool mixed = std::any_of(parts.begin(), parts.end(), [&](auto* p) {
      return !(p->spec->date == first.date);
    });
    bool fetch_daily =
        g == read_grain::daily || (g == read_grain::total && mixed);
    // WHERE: the conditions every part has, then for each field every part
    // restricts by = / IN the union of their values.
    std::vector<gaql_condition> common;
    for (const auto& c : first.conditions)
      if (!contains(common, c) &&
          std::all_of(parts.begin(), parts.end(), [&](auto* p) {
            return contains(p->spec->conditions, c);
          }))
        common.push_back(c);
    std::set<std::string> union_fields;
    for (const auto& c : first.conditions)
      if (is_eq_or_in(c)) union_fields.insert(c.field);
    std::vector<gaql_condition> unions;
    for (const auto& f : union_fields) {
      bool pushed = std::any_of(common.begin(), common.end(), [&](auto& c) {
        return c.field == f && is_eq_or_in(c);
      });
      if (pushed) continue;
      std::set<gaql_literal> values;
      bool everyone = true;
      for (auto* p : parts) {
        const gaql_condition* best = nullptr;
        for (const auto& c : p->spec->conditions)
          if (c.field == f && is_eq_or_in(c) &&
              (!best || c.values.size() < best->values.size()))
            best = &c;
        if (!best) {
          everyone = false;
          break;
        }
        values.insert(best->values.begin(), best->values.end());
      }
      if (!everyone) continue;
      gaql_condition u{
          f, values.size() == 1 ? "=" : "IN", {values.begin(), values.end()}};
      unions.push_back(std::move(u));
    }
    q.where = common;
    q.where.insert(q.where.end(), unions.begin(), unions.end());
    // Dates: the shared range, else the span of all.
    if (!mixed) {
      q.date = first.date;
    } else {
      day_range span = parts[0]->range;
      for (auto* p : parts) {
        span.first = std::min(span.first, p->range.first);
        span.last = std::max(span.last, p->range.last);
      }
      q.date.k = gaql_date::kind::between;
      q.date.range = span;
    }
    // SELECT: the union, plus what local conditions and totals need.
    auto add = [&](std::string_view f) {
      if (std::find(q.select.begin(), q.select.end(), f) == q.select.end())
        q.select.emplace_back(f);
    };
    for (auto* p : parts)
      for (const auto& f : p->spec->select)
        add(f);
    for (auto* p : parts) {
      read_part rp;
      rp.request_ids = p->ids;
      rp.request_type = p->spec->request_type;
      rp.from = p->spec->from;
      rp.select = p->spec->select;
      for (const auto& c : p->spec->conditions)
        if (!contains(common, c)) {
          rp.local.push_back(c);
          add(c.field);
        }
      if (fetch_daily && mixed) rp.cut = p->range;
      rp.aggregate = g == read_grain::total && mixed;
      rp.order_by = p->spec->order_by;
      rp.limit = p->spec->limit;
      ctx->parts.push_back(std::move(rp));
    }
    if (fetch_daily) add("segments.date");
    if (g == read_grain::total && mixed)
      for (auto* p : parts)
        for (const auto& f : p->spec->select)
          if (auto rule = google_metric_rule(f);
              rule && rule->k == metric_rule::kind::ratio) {
            add(rule->numerator);
            add(rule->denominator);
          }
    text = gaql_render(q);
  }
  auto call = base_call(t, "googleAds:searchStream");
  call.body = json::serialize(json::object{{"query", text}});
  std::size_t n = 0;
  for (const auto& p : ctx->parts) {
    call.serves.insert(call.serves.end(), p.request_ids.begin(),
                       p.request_ids.end());
    n += p.request_ids.size();
  }
  call.quota_units = 1;
  call.label = "searchStream " + parts[0]->spec->from + " " +
               std::string(to_string(g)) + " (" + plural(n, "request") + ")";
  ctx->query = std::move(text);
  call.context = std::move(ctx);
  return call;
}

upstream_call build_raw_call(const target& t, const std::string& query,
                             const std::vector<std::int64_t>& ids) {
  auto ctx = std::make_shared<read_call_context>();
  ctx->customer_id = t.customer;
  ctx->query = query;
  read_part p;
  p.request_ids = ids;
  p.request_type = "gaql_query";
  p.raw = true;
  p.exact = true;
  ctx->parts.push_back(std::move(p));
  auto call = base_call(t, "googleAds:searchStream");
  call.body = json::serialize(json::object{{"query", query}});
  call.serves = ids;
  call.quota_units = 1;
  call.label =
      "searchStream gaql_query (" + plural(ids.size(), "request") + ")";
  call.context = std::move(ctx);
  return call;
}

/// Distinct operations of a mutate group (identical requests share them).
struct distinct_ops {
  json::array operations;
  /// (request id, single) of the requests sending exactly these.
  std::vector<std::pair<std::int64_t, bool>> requests;
};

upstream_call build_mutate_call(const target& t, const std::string& collection,
                                const std::vector<const distinct_ops*>& set) {
  auto ctx = std::make_shared<mutate_call_context>();
  ctx->customer_id = t.customer;
  ctx->collection = collection;
  json::array ops;
  for (const auto* d : set) {
    std::vector<std::size_t> idx;
    for (const auto& op : d->operations) {
      idx.push_back(ops.size());
      ops.push_back(op);
    }
    for (bool single : {true, false}) {
      mutate_part part;
      part.single = single;
      part.op_indices = idx;
      for (const auto& [id, s] : d->requests)
        if (s == single) part.request_ids.push_back(id);
      if (!part.request_ids.empty()) ctx->parts.push_back(std::move(part));
    }
  }
  ctx->operations = ops.size();
  auto call = base_call(t, collection + ":mutate");
  call.quota_units = static_cast<std::int64_t>(ops.size());
  call.is_write = true;
  std::size_t n = 0;
  for (const auto& p : ctx->parts) {
    call.serves.insert(call.serves.end(), p.request_ids.begin(),
                       p.request_ids.end());
    n += p.request_ids.size();
  }
  call.label = "mutate " + collection + " (" + plural(ops.size(), "operation") +
               ", " + plural(n, "request") + ")";
  call.body = json::serialize(
      json::object{{"operations", std::move(ops)}, {"partialFailure", true}});
  call.context = std::move(ctx);
  return call;
}

/// Splits distinct operation sets into calls of at most 10,000 operations:
/// all in one when they fit, else first-fit decreasing (a request's
/// operations never straddle two calls).
std::vector<std::vector<const distinct_ops*>>
pack_operations(const std::vector<distinct_ops>& all) {
  std::size_t total = 0;
  for (const auto& d : all)
    total += d.operations.size();
  std::vector<std::vector<std::size_t>> bins;
  if (total <= max_mutate_operations) {
    bins.emplace_back();
    for (std::size_t i = 0; i < all.size(); ++i)
      bins[0].push_back(i);
  } else {
    std::vector<std::size_t> order(all.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
      return all[a].operations.size() > all[b].operations.size();
    });
    std::vector<std::size_t> fill;
    for (auto i : order) {
      auto n = all[i].operations.size();
      std::size_t b = 0;
      while (b < bins.size() && fill[b] + n > max_mutate_operations)
        ++b;
      if (b == bins.size()) {
        bins.emplace_back();
        fill.push_back(0);
      }
      bins[b].push_back(i);
      fill[b] += n;
    }
    for (auto& b : bins)
      std::sort(b.begin(), b.end());
  }
  std::vector<std::vector<const distinct_ops*>> out;
  for (const auto& b : bins) {
    out.emplace_back();
    for (auto i : b)
      out.back().push_back(&all[i]);
  }
  return out;
}

/// Greedy windows of at most max_query_days: the fewest queries whose
/// ranges each contain whole parts (sorting by start and cutting when a
/// part would end past start + max is optimal for this interval problem).
std::vector<std::vector<const distinct_read*>>
date_clusters(const std::vector<distinct_read>& parts) {
  std::vector<const distinct_read*> left;
  for (const auto& p : parts)
    left.push_back(&p);
  std::stable_sort(left.begin(), left.end(), [](auto* a, auto* b) {
    return a->range.first < b->range.first;
  });
  std::vector<std::vector<const distinct_read*>> out;
  while (!left.empty()) {
    auto start = left.front()->range.first;
    std::vector<const distinct_read*> in, rest;
    for (auto* p : left)
      (p->range.last - start <= max_query_days ? in : rest).push_back(p);
    std::sort(in.begin(), in.end(),
              [](auto* a, auto* b) { return a->order < b->order; });
    out.push_back(std::move(in));
    left = std::move(rest);
  }
  return out;
}

day_range resolve_range(const gaql_date& d, day_number today) {
  if (d.k == gaql_date::kind::between) return d.range;
  if (d.k == gaql_date::kind::during)
    if (auto r = resolve_preset(d.preset, today)) return *r;
  return {today, today};
}

struct read_group {
  target t;
  read_grain grain = read_grain::attributes;
  std::vector<distinct_read> parts;
  std::map<std::string, std::size_t> by_text;
};

struct raw_group {
  target t;
  std::string query;
  std::vector<std::int64_t> ids;
};

struct mutate_group {
  target t;
  std::string collection;
  std::vector<distinct_ops> sets;
  std::map<std::string, std::size_t> by_ops;
};

struct grouped {
  std::vector<read_group> reads;
  std::vector<raw_group> raws;
  std::vector<mutate_group> mutates;
};

grouped group_requests(const std::vector<resolved_request>& ok,
                       const plan_context& ctx) {
  grouped g;
  std::map<std::string, std::size_t> reads, raws, mutates;
  auto today = utc_day(ctx.now);
  for (const auto& r : ok) {
    auto base = r.credential_key() + '\x1f' + r.customer_id + '\x1f';
    auto id = r.request->id;
    if (auto* s = std::get_if<read_spec>(&r.spec)) {
      auto key = base + s->from + '\x1f' + std::string(to_string(s->grain));
      auto [it, fresh] = reads.emplace(key, g.reads.size());
      if (fresh) g.reads.push_back({target_of(r, ctx), s->grain, {}, {}});
      auto& grp = g.reads[it->second];
      auto text = gaql_render(own_query(*s));
      auto sig = s->request_type + '\x1f' + text;
      auto [pit, pfresh] = grp.by_text.emplace(sig, grp.parts.size());
      if (pfresh)
        grp.parts.push_back(
            {s, {}, text, resolve_range(s->date, today), grp.parts.size()});
      grp.parts[pit->second].ids.push_back(id);
    } else if (auto* raw = std::get_if<raw_spec>(&r.spec)) {
      auto key = base + raw->query;
      auto [it, fresh] = raws.emplace(key, g.raws.size());
      if (fresh) g.raws.push_back({target_of(r, ctx), raw->query, {}});
      g.raws[it->second].ids.push_back(id);
    } else {
      const auto& m = std::get<mutate_spec>(r.spec);
      auto key = base + m.collection;
      auto [it, fresh] = mutates.emplace(key, g.mutates.size());
      if (fresh) g.mutates.push_back({target_of(r, ctx), m.collection, {}, {}});
      auto& grp = g.mutates[it->second];
      auto ops = json::serialize(m.operations);
      auto [oit, ofresh] = grp.by_ops.emplace(ops, grp.sets.size());
      if (ofresh) grp.sets.push_back({m.operations, {}});
      grp.sets[oit->second].requests.emplace_back(id, m.single);
    }
  }
  return g;
}

void emit_calls(const grouped& g, plan& p) {
  for (const auto& grp : g.reads) {
    if (grp.grain == read_grain::attributes) {
      std::vector<const distinct_read*> all;
      for (const auto& d : grp.parts)
        all.push_back(&d);
      p.calls.push_back(build_read_call(grp.t, grp.grain, all));
      continue;
    }
    for (const auto& cluster : date_clusters(grp.parts))
      p.calls.push_back(build_read_call(grp.t, grp.grain, cluster));
  }
  for (const auto& grp : g.raws)
    p.calls.push_back(build_raw_call(grp.t, grp.query, grp.ids));
  for (const auto& grp : g.mutates)
    for (const auto& set : pack_operations(grp.sets))
      p.calls.push_back(build_mutate_call(grp.t, grp.collection, set));
}

} // namespace

plan plan_google(std::span<const queued_request> requests,
                 const plan_context& ctx) {
  plan p;
  std::vector<resolved_request> ok;
  ok.reserve(requests.size());
  for (const auto& r : requests) {
    auto res = resolve_request(r, ctx);
    if (res.rejected)
      p.rejected.push_back(std::move(*res.rejected));
    else
      ok.push_back(std::move(*res.ok));
  }
  emit_calls(group_requests(ok, ctx), p);
  return p;
}

upstream_call naive_google_call(const queued_request& r,
                                const plan_context& ctx) {
  auto res = resolve_request(r, ctx);
  if (!res.ok) {
    upstream_call c;
    c.method = "POST";
    c.serves = {r.id};
    c.quota_units = 0;
    c.label = "rejected: " + res.rejected->error_code;
    return c;
  }
  std::vector<resolved_request> one;
  one.push_back(std::move(*res.ok));
  plan p;
  emit_calls(group_requests(one, ctx), p);
  return std::move(p.calls.front());
}

} // namespace adbatch::platforms::google
