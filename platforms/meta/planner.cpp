#include "platforms/meta/planner.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <map>
#include <numeric>
#include <set>

namespace adbatch::platforms::meta {

namespace json = boost::json;

namespace {

// -- fields= selection trees -------------------------------------------------

/// A `fields=` selection: scalar fields and expanded edges (or object
/// fields) with their modifiers. Rendered canonically (sorted), so equal
/// selections render equally.
struct sel_node {
  std::string name;
  std::string modifiers; ///< ".limit(25).level(ad)" as rendered
  std::set<std::string> scalars;
  std::vector<sel_node> subs;

  sel_node& sub(const std::string& n, const std::string& mods) {
    for (auto& s : subs)
      if (s.name == n) return s; // same edge: same modifiers by construction
    subs.push_back(sel_node{n, mods, {}, {}});
    return subs.back();
  }
};

std::string render(const sel_node& s) {
  std::vector<std::string> parts(s.scalars.begin(), s.scalars.end());
  std::vector<const sel_node*> subs;
  for (const auto& c : s.subs)
    subs.push_back(&c);
  std::sort(subs.begin(), subs.end(),
            [](auto* a, auto* b) { return a->name < b->name; });
  for (const auto* c : subs)
    parts.push_back(c->name + c->modifiers + "{" + render(*c) + "}");
  std::string out;
  for (const auto& p : parts)
    out += (out.empty() ? "" : ",") + p;
  return out;
}

std::string modifiers_of(const edge_params& ps) {
  std::string out;
  for (const auto& [k, v] : ps)
    out += "." + k + "(" + v + ")";
  return out;
}

const std::string& asset_modifier() {
  static const std::string m =
      ".limit(" + std::to_string(asset_list_limit) + ")";
  return m;
}

/// Adds what `r` reads below its root to `root`.
void add_request(sel_node& root, const meta_request& r) {
  switch (r.kind) {
  case request_kind::node:
    root.scalars.insert(r.fields.begin(), r.fields.end());
    break;
  case request_kind::edge: {
    auto& e = root.sub(r.edge, modifiers_of(r.params));
    e.scalars.insert(r.fields.begin(), r.fields.end());
    break;
  }
  case request_kind::assets:
    for (const auto& [a, fields] : r.assets) {
      const auto& ai = info(a);
      auto& e = root.sub(std::string(ai.me_edge), asset_modifier());
      if (ai.nested.empty()) {
        e.scalars.insert(fields.begin(), fields.end());
      } else {
        auto& n = e.sub(std::string(ai.nested),
                        ai.nested_is_edge ? asset_modifier() : "");
        n.scalars.insert(fields.begin(), fields.end());
      }
    }
    break;
  case request_kind::generic:
    break;
  }
}

// -- estimates
// -----------------------------------------------------------------

std::int64_t days_of(std::string_view d) {
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    std::from_chars(d.data() + pos, d.data() + pos + len, v);
    return v;
  };
  int y = num(0, 4);
  unsigned m = static_cast<unsigned>(num(5, 2));
  unsigned dd = static_cast<unsigned>(num(8, 2));
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t limit_of(std::string_view s, std::int64_t fallback) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || p != s.data() + s.size()) return fallback;
  return std::clamp<std::int64_t>(n, 1, 5000);
}

} // namespace

std::int64_t edge_time_cost(const meta_request& r) {
  auto limit = r.limit();
  if (r.edge != "insights") return 1 + limit / 25;
  // Rows: objects x time buckets x breakdown combinations, at most limit.
  auto level = r.param("level");
  bool one_object = level.empty() || (level == "account" &&
                                      r.root_type == node_type::ad_account);
  std::int64_t span = 30;
  auto preset = r.param("date_preset");
  auto range = r.param("time_range");
  if (!range.empty()) {
    auto since = range.substr(range.find("since") + 8, 10);
    auto until = range.substr(range.find("until") + 8, 10);
    span = days_of(until) - days_of(since) + 1;
  } else if (preset == "today" || preset == "yesterday") {
    span = 1;
  } else if (preset == "maximum") {
    span = 366;
  } else if (preset.rfind("last_", 0) == 0) {
    span = limit_of(preset.substr(5, preset.size() - 6), 30);
  }
  std::int64_t step = span;
  auto inc = r.param("time_increment");
  if (inc == "monthly")
    step = 30;
  else if (!inc.empty() && inc != "all_days")
    step = limit_of(inc, span);
  std::int64_t buckets = (span + step - 1) / std::max<std::int64_t>(1, step);
  std::int64_t combos = 1;
  for (const auto& b : r.breakdowns)
    combos *= b == "age"                  ? 6
              : b == "country"            ? 5
              : b == "publisher_platform" ? 4
                                          : 3;
  std::int64_t rows = limit;
  if (one_object) rows = std::min(limit, buckets * combos);
  return 2 + rows / 5;
}

std::int64_t generic_time_cost(const meta_request& r) {
  if (r.is_write()) return 2;
  auto parts = split_endpoint(r.endpoint);
  bool ids = false;
  std::int64_t limit = 25;
  for (const auto& [k, v] : parts.query) {
    if (k == "ids") ids = true;
    if (k == "limit") limit = limit_of(v, 25);
  }
  if (ids && parts.path.size() <= 1) return generic_units(r);
  if (parts.path.size() >= 2)
    return parts.path[1] == "insights" ? 2 + limit / 5 : 1 + limit / 25;
  return 1;
}

std::vector<std::int64_t> planned_op::request_ids() const {
  std::vector<std::int64_t> out;
  for (const auto& r : roots)
    for (const auto& g : r.groups)
      out.insert(out.end(), g.ids.begin(), g.ids.end());
  return out;
}

std::string effective_version(const plan_settings& s, const meta_limits& l) {
  std::string v = s.api_version.empty() ? l.api_version : s.api_version;
  if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.erase(v.begin());
  if (v.empty()) v = "21.0";
  if (v.find('.') == std::string::npos) v += ".0";
  return "v" + v;
}

namespace {

/// One root read before `?ids=` merging.
struct root_op {
  std::string token;
  std::string root;
  node_type type = node_type::ad_account;
  sel_node sel;
  std::vector<served_group> groups;
  bool solo = false;
};

/// A request group: identical requests through one token.
struct group {
  std::string token;
  std::shared_ptr<const meta_request> request;
  std::vector<std::int64_t> ids;
  bool solo = false; ///< a member is on a retry: read it alone
};

bool edge_form_selection(const root_op& r) {
  return r.root != "me" && r.sel.scalars.empty() && r.sel.subs.size() == 1;
}

/// The edge request whose params an edge form sends.
const meta_request* edge_request(const root_op& r) {
  for (const auto& g : r.groups)
    if (g.request->kind == request_kind::edge) return g.request.get();
  return nullptr;
}

planned_op make_read_op(const std::vector<root_op*>& members) {
  const auto& first = *members.front();
  planned_op op;
  op.token = first.token;
  op.root_type = first.type;
  bool ids = members.size() > 1;
  bool edge = edge_form_selection(first);
  const meta_request* er = edge ? edge_request(first) : nullptr;
  if (edge && !er) edge = false;
  std::string id_list;
  for (const auto* m : members) {
    id_list += (id_list.empty() ? "" : ",") + m->root;
    op.roots.push_back(op_root{m->root, m->groups});
  }
  if (edge) {
    op.form = ids ? op_form::ids_edge : op_form::edge;
    op.edge = er->edge;
    op.path = ids ? er->edge : first.root + "/" + er->edge;
    if (ids) op.query.emplace_back("ids", id_list);
    op.query.emplace_back("fields", render(first.sel.subs.front()));
    for (const auto& p : er->params)
      op.query.push_back(p);
    op.insights = er->edge == "insights";
    op.time_cost =
        ids ? static_cast<std::int64_t>(members.size()) : edge_time_cost(*er);
  } else {
    op.form = ids ? op_form::ids_node : op_form::node;
    op.path = ids ? "" : first.root;
    if (ids) op.query.emplace_back("ids", id_list);
    op.query.emplace_back("fields", render(first.sel));
    op.time_cost = ids ? static_cast<std::int64_t>(members.size()) : 1;
  }
  op.units = static_cast<std::int64_t>(members.size());
  return op;
}

planned_op make_generic_op(const group& g) {
  const auto& r = *g.request;
  planned_op op;
  op.form = op_form::generic;
  op.method = r.method;
  op.token = g.token;
  op.path = r.endpoint;
  op.body = r.body;
  op.write = r.is_write();
  op.units = generic_units(r);
  op.time_cost = generic_time_cost(r);
  auto parts = split_endpoint(r.endpoint);
  op.insights = parts.path.size() >= 2 && parts.path[1] == "insights";
  op.roots.push_back(op_root{"", {served_group{g.request, g.ids}}});
  return op;
}

/// The operation's relative URL with its token (batch item / direct GET).
std::string relative_url(const planned_op& op, bool with_token) {
  if (op.form == op_form::generic) {
    if (!with_token) return op.path;
    return op.path + (op.path.find('?') == std::string::npos ? "?" : "&") +
           "access_token=" + pct_encode(op.token);
  }
  auto q = op.query;
  if (with_token) q.emplace_back("access_token", op.token);
  return op.path + "?" + form_encode(q);
}

bool has_own_version(const planned_op& op) {
  return op.form == op_form::generic && split_endpoint(op.path).version;
}

std::string op_label(const planned_op& op) {
  switch (op.form) {
  case op_form::node:
    return "GET " + std::string(graph_type_name(op.root_type)) + " node";
  case op_form::edge:
    return "GET " + op.edge + " edge";
  case op_form::ids_node:
    return "GET ids x" + std::to_string(op.roots.size()) + " " +
           std::string(graph_type_name(op.root_type));
  case op_form::ids_edge:
    return "GET " + op.edge + " ids x" + std::to_string(op.roots.size());
  case op_form::generic:
    return op.method + " generic";
  }
  return "op";
}

upstream_call direct_call(planned_op op, const std::string& version) {
  upstream_call c;
  c.method = op.method;
  std::string prefix = has_own_version(op) ? "/" : "/" + version + "/";
  if (op.method == "POST") {
    c.target = prefix + relative_url(op, false);
    c.body = op.body;
    if (!c.body.empty()) c.body += '&';
    c.body += "access_token=" + pct_encode(op.token);
    c.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  } else {
    c.target = prefix + relative_url(op, true);
  }
  c.serves = op.request_ids();
  c.quota_units = op.units;
  c.is_write = op.write;
  c.scope = "app";
  c.label = "meta " + op_label(op);
  auto ctx = std::make_shared<meta_call_context>();
  ctx->batch = false;
  ctx->ops.push_back(std::move(op));
  c.context = std::move(ctx);
  return c;
}

upstream_call batch_call(std::vector<planned_op> ops,
                         const std::string& version) {
  upstream_call c;
  c.method = "POST";
  c.quota_units = 0;
  c.target = "/" + version + "/";
  c.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  const std::string top = ops.front().token;
  json::array items;
  std::size_t requests = 0;
  for (auto& op : ops) {
    op.batch_token = op.token == top;
    json::object item{{"method", op.method},
                      {"relative_url", relative_url(op, true)}};
    if (op.method == "POST" && !op.body.empty()) item["body"] = op.body;
    items.push_back(std::move(item));
    auto ids = op.request_ids();
    c.serves.insert(c.serves.end(), ids.begin(), ids.end());
    requests += ids.size();
    c.quota_units += op.units;
    c.is_write = c.is_write || op.write;
  }
  c.body = form_encode({{"access_token", top},
                        {"include_headers", "false"},
                        {"batch", json::serialize(items)}});
  c.scope = "app";
  c.label = "meta batch of " + std::to_string(ops.size()) + " ops (" +
            std::to_string(requests) + " requests)";
  auto ctx = std::make_shared<meta_call_context>();
  ctx->batch = true;
  ctx->ops = std::move(ops);
  c.context = std::move(ctx);
  return c;
}

/// Packs operations into m batches: the m heaviest go last in their batch,
/// the others first-fit (heaviest first) while a batch has room and the
/// operations before its last stay within the time budget. nullopt when
/// they do not fit.
std::optional<std::vector<std::vector<std::size_t>>>
pack(const std::vector<planned_op>& ops, std::size_t m, std::size_t cap,
     std::int64_t budget) {
  std::vector<std::size_t> order(ops.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
    return ops[a].time_cost > ops[b].time_cost;
  });
  if (m > ops.size()) m = ops.size();
  std::vector<std::vector<std::size_t>> firsts(m);
  std::vector<std::int64_t> sums(m, 0);
  for (std::size_t k = m; k < order.size(); ++k) {
    auto i = order[k];
    bool placed = false;
    for (std::size_t b = 0; b < m && !placed; ++b) {
      if (firsts[b].size() + 1 >= cap) continue;
      if (budget > 0 && sums[b] + ops[i].time_cost > budget) continue;
      firsts[b].push_back(i);
      sums[b] += ops[i].time_cost;
      placed = true;
    }
    if (!placed) return std::nullopt;
  }
  // Operations keep their order, unless those before the last would exceed
  // the budget: then the heaviest goes last.
  std::vector<std::vector<std::size_t>> out(m);
  for (std::size_t b = 0; b < m; ++b) {
    auto& batch = out[b];
    batch = firsts[b];
    batch.push_back(order[b]);
    std::sort(batch.begin(), batch.end());
    std::int64_t before_last = 0;
    for (std::size_t i = 0; i + 1 < batch.size(); ++i)
      before_last += ops[batch[i]].time_cost;
    if (budget > 0 && before_last > budget) {
      auto heaviest = std::find(batch.begin(), batch.end(), order[b]);
      batch.erase(heaviest);
      batch.push_back(order[b]);
    }
  }
  return out;
}

} // namespace

plan make_meta_plan(std::span<const queued_request> requests,
                    const plan_context& ctx, const meta_limits& limits) {
  plan out;
  const auto version = effective_version(ctx.settings, limits);
  const int settings_cap = std::max(1, ctx.settings.max_batch_size);
  const std::size_t ops_cap = static_cast<std::size_t>(
      std::max(1, std::min(limits.max_batch_ops, settings_cap)));
  const std::size_t ids_cap = static_cast<std::size_t>(
      std::max(1, std::min(limits.max_ids, settings_cap)));

  // 1. Parse, reject, and group identical requests.
  std::vector<group> groups;
  std::map<std::string, std::size_t> by_key;
  for (const auto& q : requests) {
    auto reject = [&](std::string code, std::string message) {
      request_outcome o;
      o.request_id = q.id;
      o.kind = outcome_kind::permanent;
      o.error_code = std::move(code);
      o.error_message = std::move(message);
      out.rejected.push_back(std::move(o));
    };
    auto cred = ctx.credentials.find(q.connection_id);
    if (cred == ctx.credentials.end() || cred->second.token.empty()) {
      reject("missing_token",
             "connection " + q.connection_id + " has no access token");
      continue;
    }
    auto parsed =
        parse_request(q.request_type, q.params, &cred->second.account_ids);
    if (!parsed.request) {
      reject(parsed.error_code, parsed.error);
      continue;
    }
    const auto& token = cred->second.token;
    std::string key = token + '\x1f' + parsed.request->key;
    if (parsed.request->is_write()) key += '\x1f' + std::to_string(q.id);
    auto [it, fresh] = by_key.emplace(key, groups.size());
    if (fresh) {
      groups.push_back(group{
          token,
          std::make_shared<const meta_request>(std::move(*parsed.request)),
          {},
          false});
    }
    auto& g = groups[it->second];
    g.ids.push_back(q.id);
    g.solo = g.solo || q.attempts > 1;
  }

  // 2. Generic calls are operations of their own; reads gather per root
  //    (a retried request's read stays alone). Entries keep the order of
  //    each operation's first request.
  enum class entry_kind { generic, root, bucket };
  struct entry {
    entry_kind kind;
    std::size_t index;
  };
  std::vector<entry> entries;
  std::vector<planned_op> generic_ops;
  std::vector<root_op> root_ops;
  struct bucket {
    std::string token, root;
    node_type type;
    std::vector<const group*> members;
  };
  std::vector<bucket> buckets;
  std::map<std::string, std::size_t> bucket_of;
  for (const auto& g : groups) {
    const auto& r = *g.request;
    if (r.kind == request_kind::generic) {
      entries.push_back({entry_kind::generic, generic_ops.size()});
      generic_ops.push_back(make_generic_op(g));
      continue;
    }
    if (g.solo) {
      root_op ro{g.token, r.root, r.root_type, {}, {}, true};
      add_request(ro.sel, r);
      ro.groups.push_back(served_group{g.request, g.ids});
      entries.push_back({entry_kind::root, root_ops.size()});
      root_ops.push_back(std::move(ro));
      continue;
    }
    auto key = g.token + '\x1f' + r.root + '\x1f' +
               std::to_string(static_cast<int>(r.root_type));
    auto [it, fresh] = bucket_of.emplace(key, buckets.size());
    if (fresh) {
      entries.push_back({entry_kind::bucket, buckets.size()});
      buckets.push_back(bucket{g.token, r.root, r.root_type, {}});
    }
    buckets[it->second].members.push_back(&g);
  }

  // 3. Field expansion: per root, variant i of every edge goes into the
  //    root's i-th operation (variants sorted), node fields and asset lists
  //    into the first.
  std::vector<std::pair<std::size_t, std::size_t>> bucket_ops(buckets.size());
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    const auto& bk = buckets[b];
    std::vector<const group*> plain;
    std::map<std::string, std::map<std::string, std::vector<const group*>>>
        variants; // edge -> variant key -> groups
    for (const auto* g : bk.members) {
      const auto& r = *g->request;
      if (r.kind == request_kind::edge)
        variants[r.edge][modifiers_of(r.params)].push_back(g);
      else
        plain.push_back(g);
    }
    std::size_t n = plain.empty() ? 0 : 1;
    for (const auto& [edge, vs] : variants)
      n = std::max(n, vs.size());
    bucket_ops[b].first = root_ops.size();
    for (std::size_t i = 0; i < n; ++i) {
      root_op ro{bk.token, bk.root, bk.type, {}, {}, false};
      auto take = [&](const group* g) {
        add_request(ro.sel, *g->request);
        ro.groups.push_back(served_group{g->request, g->ids});
      };
      if (i == 0)
        for (const auto* g : plain)
          take(g);
      for (const auto& [edge, vs] : variants) {
        if (i >= vs.size()) continue;
        auto it = std::next(vs.begin(), static_cast<std::ptrdiff_t>(i));
        for (const auto* g : it->second)
          take(g);
      }
      root_ops.push_back(std::move(ro));
    }
    bucket_ops[b].second = root_ops.size();
  }
  std::vector<entry> expanded;
  for (const auto& e : entries) {
    if (e.kind != entry_kind::bucket) {
      expanded.push_back(e);
      continue;
    }
    for (auto i = bucket_ops[e.index].first; i < bucket_ops[e.index].second;
         ++i)
      expanded.push_back({entry_kind::root, i});
  }
  entries = std::move(expanded);

  // 4. ?ids= merging: root reads of one token, node type and selection
  //    (never `me`, never a retried request's own read), up to ids_cap
  //    roots each, placed where their first root was.
  std::map<std::string, std::vector<std::size_t>> ids_groups; // key -> entries
  std::vector<std::string> ids_order;
  for (std::size_t e = 0; e < entries.size(); ++e) {
    if (entries[e].kind != entry_kind::root) continue;
    const auto& ro = root_ops[entries[e].index];
    if (ro.solo || ro.root == "me") continue;
    auto key = ro.token + '\x1f' + std::to_string(static_cast<int>(ro.type)) +
               '\x1f' + render(ro.sel);
    auto [it, fresh] = ids_groups.emplace(key, std::vector<std::size_t>{});
    if (fresh) ids_order.push_back(key);
    it->second.push_back(e);
  }
  std::map<std::size_t, std::vector<std::vector<std::size_t>>> chunks_at;
  std::set<std::size_t> chunked;
  for (const auto& key : ids_order) {
    const auto& members = ids_groups[key];
    for (std::size_t s = 0; s < members.size(); s += ids_cap) {
      std::vector<std::size_t> chunk(
          members.begin() + static_cast<std::ptrdiff_t>(s),
          members.begin() + static_cast<std::ptrdiff_t>(
                                std::min(members.size(), s + ids_cap)));
      chunked.insert(chunk.begin(), chunk.end());
      chunks_at[chunk.front()].push_back(std::move(chunk));
    }
  }
  std::vector<planned_op> all_ops;
  for (std::size_t e = 0; e < entries.size(); ++e) {
    if (entries[e].kind == entry_kind::generic) {
      all_ops.push_back(std::move(generic_ops[entries[e].index]));
      continue;
    }
    if (auto it = chunks_at.find(e); it != chunks_at.end()) {
      for (const auto& chunk : it->second) {
        std::vector<root_op*> members;
        for (auto ce : chunk)
          members.push_back(&root_ops[entries[ce].index]);
        all_ops.push_back(make_read_op(members));
      }
      continue;
    }
    if (chunked.count(e)) continue;
    all_ops.push_back(make_read_op({&root_ops[entries[e].index]}));
  }

  // 5. Calls: one operation goes out directly; more are packed into as few
  //    batches as the operation cap and the time budget allow.
  if (all_ops.size() == 1 || ops_cap == 1) {
    for (auto& op : all_ops)
      out.calls.push_back(direct_call(std::move(op), version));
    return out;
  }
  if (all_ops.empty()) return out;
  std::size_t m = (all_ops.size() + ops_cap - 1) / ops_cap;
  std::optional<std::vector<std::vector<std::size_t>>> packed;
  for (;; ++m) {
    packed = pack(all_ops, m, ops_cap, limits.batch_time_budget);
    if (packed) break;
  }
  // Batches in the order of their first operation.
  std::sort(packed->begin(), packed->end(), [](const auto& a, const auto& b) {
    return *std::min_element(a.begin(), a.end()) <
           *std::min_element(b.begin(), b.end());
  });
  for (const auto& batch : *packed) {
    if (batch.size() == 1) {
      out.calls.push_back(
          direct_call(std::move(all_ops[batch.front()]), version));
      continue;
    }
    std::vector<planned_op> bops;
    for (auto i : batch)
      bops.push_back(std::move(all_ops[i]));
    out.calls.push_back(batch_call(std::move(bops), version));
  }
  return out;
}

upstream_call make_naive_call(const queued_request& request,
                              const plan_context& ctx,
                              const meta_limits& limits) {
  queued_request alone = request;
  alone.attempts = 1;
  auto p =
      make_meta_plan(std::span<const queued_request>(&alone, 1), ctx, limits);
  if (!p.calls.empty()) return std::move(p.calls.front());
  // Rejected (no token, invalid): there is no call; an empty GET marks it.
  upstream_call c;
  c.target = "/" + effective_version(ctx.settings, limits) + "/";
  c.serves = {request.id};
  c.quota_units = 0;
  c.label = "meta rejected request";
  return c;
}

} // namespace adbatch::platforms::meta
