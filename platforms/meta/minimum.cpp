// meta_minimum_cost: the best (quota units, calls) for a request set,
// written as a formula over the requests, independently of the planner.
//
// Definitions (Graph's limits: 50 ops per batch, 50 ids per ?ids= read;
// cap = min(those, plan_settings::max_batch_size)):
//   distinct request  = (token, type, normalized params); writes never
//                       coincide.
//   retried request   = a distinct request with a member on attempt > 1:
//                       read alone (one operation of its own).
//   root              = (token, root id, node type) of a read that is not
//                       retried; `me` for asset lists.
//   edge variant      = (edge, its Graph modifiers: limit, after, filters,
//                       insights params); fields do not split variants.
//   ops(root)         = max(1 if node fields or asset lists are read,
//                           max over edges of its number of variants).
//   units             = sum ops(root) + retried reads + generic calls
//                       (an ids= endpoint: one unit per distinct id).
//   op signature      = the set of leaves op i of a root reads: node fields
//                       and asset-list fields (i = 0), and for each edge its
//                       i-th variant (variants ordered by modifier text)
//                       with the fields asked of it.
//   ids reads         = roots other than `me` with the same (token, node
//                       type, op signature): ceil(n / ids_cap) operations.
//   K                 = operations after ids merging + retried reads +
//                       generic calls.
//   time(op)          = 1 for a node read, the root count for an ids read,
//                       edge_time_cost / generic_time_cost otherwise (the
//                       simulator's batch time model).
//   calls             = 0 if K = 0; K if K = 1 or cap = 1; else the least
//                       m >= max(ceil(K / cap), #ops with time > budget)
//                       with sum(time) - (m largest times) <= m * budget
//                       (a batch stops running operations once those
//                       before exceed the budget: its heaviest goes last).
// With the time budget binding this is a lower bound the planner reaches
// whenever first-fit-decreasing packing does (every test set so far).

#include "platforms/meta/minimum.hpp"

#include "platforms/meta/meta_adapter.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace adbatch::platforms {

namespace meta {

std::int64_t batch_calls_lower_bound(std::span<const std::int64_t> costs,
                                     int cap, std::int64_t budget) {
  auto k = static_cast<std::int64_t>(costs.size());
  if (k == 0) return 0;
  if (k == 1 || cap <= 1) return k;
  std::vector<std::int64_t> sorted(costs.begin(), costs.end());
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  std::int64_t total = 0;
  for (auto c : sorted)
    total += c;
  std::int64_t m = (k + cap - 1) / cap;
  if (budget <= 0) return m;
  // An operation heavier than the budget can only be the last of a batch.
  m = std::max<std::int64_t>(m,
                             std::count_if(sorted.begin(), sorted.end(),
                                           [&](auto c) { return c > budget; }));
  for (;; ++m) {
    if (m >= k) return k;
    std::int64_t top = 0;
    for (std::int64_t i = 0; i < m; ++i)
      top += sorted[static_cast<std::size_t>(i)];
    if (total - top <= m * budget) return m;
  }
}

} // namespace meta

namespace {

using namespace meta;

std::string variant_text(const meta_request& r) {
  std::string out = r.edge;
  for (const auto& [k, v] : r.params)
    out += "." + k + "(" + v + ")";
  return out;
}

void add_leaves(std::set<std::string>& sig, const meta_request& r) {
  switch (r.kind) {
  case request_kind::node:
    for (const auto& f : r.fields)
      sig.insert("n/" + f);
    break;
  case request_kind::edge:
    for (const auto& f : r.fields)
      sig.insert("e/" + variant_text(r) + "/" + f);
    break;
  case request_kind::assets:
    for (const auto& [a, fields] : r.assets) {
      const auto& ai = info(a);
      std::string base = "a/" + std::string(ai.me_edge) + "/";
      if (!ai.nested.empty()) base += std::string(ai.nested) + "/";
      for (const auto& f : fields)
        sig.insert(base + f);
    }
    break;
  case request_kind::generic:
    break;
  }
}

/// Batch time of a single-root read whose requests are `reqs`.
std::int64_t single_read_time(const std::string& root,
                              const std::vector<const meta_request*>& reqs) {
  std::set<std::string> variants;
  bool plain = false;
  const meta_request* edge = nullptr;
  for (const auto* r : reqs) {
    if (r->kind == request_kind::edge) {
      variants.insert(variant_text(*r));
      edge = r;
    } else {
      plain = true;
    }
  }
  if (root != "me" && !plain && variants.size() == 1)
    return edge_time_cost(*edge);
  return 1;
}

} // namespace

plan_cost meta_minimum_cost(std::span<const queued_request> requests,
                            const plan_context& ctx,
                            const meta_limits& limits) {
  const int settings_cap = std::max(1, ctx.settings.max_batch_size);
  const int ops_cap = std::max(1, std::min(limits.max_batch_ops, settings_cap));
  const std::int64_t ids_cap =
      std::max(1, std::min(limits.max_ids, settings_cap));

  struct distinct {
    std::string token;
    std::shared_ptr<meta_request> req;
    bool retried = false;
  };
  std::map<std::string, distinct> all;
  for (const auto& q : requests) {
    auto cred = ctx.credentials.find(q.connection_id);
    if (cred == ctx.credentials.end() || cred->second.token.empty()) continue;
    auto parsed =
        parse_request(q.request_type, q.params, &cred->second.account_ids);
    if (!parsed.request) continue;
    auto key = cred->second.token + '\x1f' + parsed.request->key;
    if (parsed.request->is_write()) key += '\x1f' + std::to_string(q.id);
    auto& d = all[key];
    if (!d.req) {
      d.token = cred->second.token;
      d.req = std::make_shared<meta_request>(std::move(*parsed.request));
    }
    d.retried = d.retried || q.attempts > 1;
  }

  plan_cost cost;
  std::vector<std::int64_t> times;
  // root -> its requests
  std::map<std::string, std::vector<const distinct*>> roots;
  for (const auto& [key, d] : all) {
    const auto& r = *d.req;
    if (r.kind == request_kind::generic) {
      cost.quota_units += generic_units(r);
      times.push_back(generic_time_cost(r));
    } else if (d.retried) {
      cost.quota_units += 1;
      times.push_back(single_read_time(r.root, {&r}));
    } else {
      roots[d.token + '\x1f' + r.root + '\x1f' +
            std::to_string(static_cast<int>(r.root_type))]
          .push_back(&d);
    }
  }

  // ids key (token, type, signature) -> single-root times of its members
  std::map<std::string, std::vector<std::int64_t>> ids_sets;
  for (const auto& [rkey, members] : roots) {
    const auto& first = *members.front();
    std::vector<const meta_request*> plain;
    std::map<std::string,
             std::map<std::string, std::vector<const meta_request*>>>
        edges; // edge -> modifier text -> requests
    for (const auto* d : members) {
      const auto& r = *d->req;
      if (r.kind == request_kind::edge) {
        std::string mods;
        for (const auto& [k, v] : r.params)
          mods += "." + k + "(" + v + ")";
        edges[r.edge][mods].push_back(&r);
      } else {
        plain.push_back(&r);
      }
    }
    std::size_t n = plain.empty() ? 0 : 1;
    for (const auto& [e, vs] : edges)
      n = std::max(n, vs.size());
    cost.quota_units += static_cast<std::int64_t>(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::set<std::string> sig;
      std::vector<const meta_request*> reqs;
      if (i == 0)
        for (const auto* r : plain) {
          add_leaves(sig, *r);
          reqs.push_back(r);
        }
      for (const auto& [e, vs] : edges) {
        if (i >= vs.size()) continue;
        for (const auto* r :
             std::next(vs.begin(), static_cast<std::ptrdiff_t>(i))->second) {
          add_leaves(sig, *r);
          reqs.push_back(r);
        }
      }
      auto t = single_read_time(first.req->root, reqs);
      if (first.req->root == "me") {
        times.push_back(t);
        continue;
      }
      std::string ikey = first.token + '\x1f' +
                         std::to_string(static_cast<int>(first.req->root_type));
      for (const auto& leaf : sig)
        ikey += '\x1e' + leaf;
      ids_sets[ikey].push_back(t);
    }
  }
  for (const auto& [ikey, member_times] : ids_sets) {
    auto n = static_cast<std::int64_t>(member_times.size());
    if (n == 1) {
      times.push_back(member_times.front());
      continue;
    }
    for (std::int64_t s = 0; s < n; s += ids_cap) {
      auto size = std::min(ids_cap, n - s);
      times.push_back(size == 1 ? member_times[static_cast<std::size_t>(s)]
                                : size);
    }
  }
  cost.calls =
      batch_calls_lower_bound(times, ops_cap, limits.batch_time_budget);
  return cost;
}

plan_cost meta_minimum_cost(std::span<const queued_request> requests,
                            const plan_context& ctx) {
  return meta_minimum_cost(requests, ctx, meta_limits{});
}

} // namespace adbatch::platforms
