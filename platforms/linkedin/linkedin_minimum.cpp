// LinkedIn's minimum function: the best possible (units, calls) for a set
// of requests, computed on its own from the merge rules (not by the
// planner): LinkedIn charges one unit per call, so units == calls.
//
// Identical requests (same token and normalized params) count once. Calls:
//   per token: ceil(get_ad_accounts / cap) (one BATCH_GET of the union,
//     ids per request <= 20 so 50 requests fit 1000 keys), a retried one
//     in a BATCH_GET of its own;
//   per token: ceil(get_targeting_facets / cap) (GET_ALL);
//   per (token, account, type) for campaigns, campaign groups, creatives,
//     audiences, conversions, lead forms and leads: ceil(n / cap) (one
//     finder or BATCH_GET; a retried by-id read counts in its own BATCH_GET
//     bucket);
//   per (token, analytics family) [+ facets for retried requests]: the
//     least number of date clusters whose span is <= max_merge_days (sweep
//     by start), each ceil(n / cap).

#include "platforms/linkedin/linkedin_adapter.hpp"
#include "platforms/linkedin/linkedin_catalog.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace adbatch::platforms {

plan_cost linkedin_minimum_cost(std::span<const queued_request> requests,
                                const plan_context& ctx,
                                const linkedin::li_limits& limits) {
  using namespace linkedin;
  const std::int64_t cap = std::max(1, ctx.settings.max_batch_size);

  struct distinct {
    std::string token;
    li_request r;
    bool retried = false;
  };
  std::map<std::string, distinct> by_identity;
  for (const auto& q : requests) {
    auto c = ctx.credentials.find(q.connection_id);
    if (c == ctx.credentials.end() || c->second.token.empty()) continue;
    auto p = parse_request(q.request_type, q.params, &c->second.account_ids);
    if (!p.request) continue;
    resolve_dates(*p.request, ctx.now);
    auto id = c->second.token + "\n" + p.request->key;
    auto [it, fresh] =
        by_identity.try_emplace(id, distinct{c->second.token, *p.request});
    it->second.retried = it->second.retried || q.attempts > 1;
  }

  std::map<std::string, std::int64_t> plain; // bucket -> distinct requests
  std::map<std::string, std::vector<std::pair<day_number, day_number>>> dated;
  for (const auto& [id, d] : by_identity) {
    const auto& r = d.r;
    std::string b = d.token + "\n" + r.type_name;
    if (r.is_analytics()) {
      b = d.token + "\nanalytics\n" +
          std::to_string(static_cast<int>(r.family()));
      if (d.retried) {
        b += "\nretried";
        for (const auto& f : r.family() == analytics_family::campaigns
                                 ? r.campaign_ids
                                 : r.accounts)
          b += "\n" + f;
      }
      dated[b].emplace_back(*r.start, *r.end);
      continue;
    }
    if (r.type != li_type::ad_accounts && r.type != li_type::targeting_facets)
      b += "\n" + r.account;
    bool entity = r.type == li_type::campaigns ||
                  r.type == li_type::campaign_groups ||
                  r.type == li_type::creatives;
    if (entity && d.retried && r.by_ids()) b += "\nbatch";
    if (r.type == li_type::ad_accounts && d.retried) b += "\nretried\n" + r.key;
    plain[b] += 1;
  }

  auto ceil_div = [&](std::int64_t n) { return (n + cap - 1) / cap; };
  std::int64_t calls = 0;
  for (const auto& [b, n] : plain)
    calls += ceil_div(n);
  for (auto& [b, ranges] : dated) {
    std::sort(ranges.begin(), ranges.end());
    std::int64_t in_cluster = 0;
    day_number from = 0, to = 0;
    for (auto [s, e] : ranges) {
      if (in_cluster > 0 &&
          std::max(to, e) - from + 1 <= limits.max_merge_days) {
        to = std::max(to, e);
        ++in_cluster;
        continue;
      }
      calls += ceil_div(in_cluster);
      in_cluster = 1;
      from = s;
      to = e;
    }
    calls += ceil_div(in_cluster);
  }
  return plan_cost{calls, calls};
}

plan_cost linkedin_minimum_cost(std::span<const queued_request> requests,
                                const plan_context& ctx) {
  return linkedin_minimum_cost(requests, ctx, linkedin::li_limits{});
}

} // namespace adbatch::platforms
