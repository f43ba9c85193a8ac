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
//     bucket, any other retried read in a bucket of its own);
//   per (token, analytics family) [+ facets for retried requests]: the
//     least number of date clusters whose span is <= max_merge_days (sweep
//     by start), each chunked like the others;
// where ceil(n / cap) is really: the bucket's requests chunked in
// first-seen order (the planner's), a new call when cap requests or
// max_batch_ids distinct keys (BATCH_GET ids, analytics facets) would be
// passed, or for analytics facets x days of the call's range would pass
// max_analytics_elements.

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
    std::size_t seen = 0; // first-seen order (the planner's chunk order)
  };
  std::map<std::string, distinct> by_identity;
  for (const auto& q : requests) {
    auto c = ctx.credentials.find(q.connection_id);
    if (c == ctx.credentials.end() || c->second.token.empty()) continue;
    auto p = parse_request(q.request_type, q.params, &c->second.account_ids);
    if (!p.request) continue;
    resolve_dates(*p.request, ctx.now);
    auto id = c->second.token + "\n" + p.request->key;
    auto [it, fresh] = by_identity.try_emplace(
        id, distinct{c->second.token, *p.request, false, by_identity.size()});
    it->second.retried = it->second.retried || q.attempts > 1;
  }

  // The keys a request adds to its call (BATCH_GET ids, analytics facets).
  auto keys_of = [](const li_request& r) -> std::vector<std::string> {
    if (r.is_analytics())
      return r.family() == analytics_family::campaigns ? r.campaign_ids
                                                       : r.accounts;
    if (r.type == li_type::ad_accounts) return r.accounts;
    if (r.type == li_type::campaigns || r.type == li_type::campaign_groups ||
        r.type == li_type::creatives)
      return r.ids;
    return {};
  };
  struct member {
    day_number start = 0, end = 0;
    std::size_t seen = 0;
    std::vector<std::string> keys;
    bool dated = false;
  };
  // bucket -> distinct requests
  std::map<std::string, std::vector<member>> plain;
  std::map<std::string, std::vector<member>> dated;
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
      dated[b].push_back(member{*r.start, *r.end, d.seen, keys_of(r), true});
      continue;
    }
    if (r.type != li_type::ad_accounts && r.type != li_type::targeting_facets)
      b += "\n" + r.account;
    bool entity = r.type == li_type::campaigns ||
                  r.type == li_type::campaign_groups ||
                  r.type == li_type::creatives;
    if (entity && d.retried && r.by_ids())
      b += "\nbatch";
    else if (d.retried && r.type != li_type::ad_accounts &&
             r.type != li_type::targeting_facets)
      b += "\nsolo\n" + r.key; // a retried list read: alone
    if (r.type == li_type::ad_accounts && d.retried) b += "\nretried\n" + r.key;
    plain[b].push_back(member{0, 0, d.seen, keys_of(r)});
  }

  // Calls of a run of requests (first-seen order): a new call when `cap`
  // requests or max_batch_ids distinct keys would be exceeded.
  const std::size_t key_cap =
      static_cast<std::size_t>(std::max(1, limits.max_batch_ids));
  auto chunks = [&](const std::vector<member>& run) {
    std::int64_t n = 0, in_call = 0;
    std::set<std::string> keys;
    day_number from = 0, to = 0;
    for (const auto& m : run) {
      std::size_t fresh = 0;
      for (const auto& k : m.keys)
        fresh += keys.count(k) ? 0 : 1;
      // Analytics (m.dated): facets x days of the merged range bounded.
      bool too_many =
          m.dated && in_call > 0 &&
          static_cast<std::int64_t>(keys.size() + fresh) *
                  (std::max(to, m.end) - std::min(from, m.start) + 1) >
              limits.max_analytics_elements;
      if (in_call > 0 &&
          (in_call >= cap || keys.size() + fresh > key_cap || too_many)) {
        ++n;
        in_call = 0;
        keys.clear();
      }
      from = in_call == 0 ? m.start : std::min(from, m.start);
      to = in_call == 0 ? m.end : std::max(to, m.end);
      keys.insert(m.keys.begin(), m.keys.end());
      ++in_call;
    }
    return n + (in_call > 0 ? 1 : 0);
  };
  auto by_seen = [](const member& a, const member& b) {
    return a.seen < b.seen;
  };
  std::int64_t calls = 0;
  for (auto& [b, run] : plain) {
    std::sort(run.begin(), run.end(), by_seen);
    calls += chunks(run);
  }
  for (auto& [b, ranges] : dated) {
    std::sort(ranges.begin(), ranges.end(),
              [](const member& a, const member& c) {
                return std::tie(a.start, a.end, a.seen) <
                       std::tie(c.start, c.end, c.seen);
              });
    std::vector<member> cluster;
    day_number from = 0, to = 0;
    for (auto& m : ranges) {
      if (!cluster.empty() &&
          std::max(to, m.end) - from + 1 <= limits.max_merge_days) {
        to = std::max(to, m.end);
        cluster.push_back(std::move(m));
        continue;
      }
      calls += chunks(cluster);
      cluster.clear();
      cluster.push_back(m);
      from = m.start;
      to = m.end;
    }
    calls += chunks(cluster);
  }
  return plan_cost{calls, calls};
}

plan_cost linkedin_minimum_cost(std::span<const queued_request> requests,
                                const plan_context& ctx) {
  return linkedin_minimum_cost(requests, ctx, linkedin::li_limits{});
}

} // namespace adbatch::platforms
