// The Google minimum function: the formula in google_adapter.hpp, counted
// from the requests alone (it shares the catalog's parse and the
// credential resolution with the planner, not its grouping).

#include "platforms/google/google_adapter.hpp"
#include "platforms/google/google_plan.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <map>
#include <set>

namespace adbatch::platforms {

namespace {

using google::day_number;
using google::day_range;

/// The fewest points w with w <= first and last - w <= max for every
/// range (each point is the start of a query window): the classic
/// interval-stabbing greedy, by right end.
std::int64_t windows(std::vector<day_range> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](auto& a, auto& b) { return a.first < b.first; });
  std::int64_t n = 0;
  std::optional<day_number> point;
  for (const auto& r : ranges)
    if (!point || r.last - google::max_query_days > *point) {
      point = r.first;
      ++n;
    }
  return n;
}

} // namespace

plan_cost google_minimum_cost(std::span<const queued_request> requests,
                              const plan_context& ctx) {
  const auto today = google::utc_day(ctx.now);
  std::map<std::string, std::vector<day_range>> reads;
  std::set<std::string> raws;
  std::map<std::string, std::set<std::string>> mutate_sets;
  std::map<std::string, std::int64_t> mutate_ops;
  for (const auto& r : requests) {
    auto res = google::resolve_request(r, ctx);
    if (!res.ok) continue;
    const auto& ok = *res.ok;
    auto base = ok.credential_key() + '\x1f' + ok.customer_id + '\x1f';
    if (auto* s = std::get_if<google::read_spec>(&ok.spec)) {
      day_range range{0, 0};
      if (s->date.k == google::gaql_date::kind::between)
        range = s->date.range;
      else if (s->date.k == google::gaql_date::kind::during)
        range = google::resolve_preset(s->date.preset, today)
                    .value_or(day_range{today, today});
      reads[base + s->from + '\x1f' + std::string(google::to_string(s->grain))]
          .push_back(range);
    } else if (auto* q = std::get_if<google::raw_spec>(&ok.spec)) {
      raws.insert(base + q->query);
    } else {
      const auto& m = std::get<google::mutate_spec>(ok.spec);
      auto key = base + m.collection;
      if (mutate_sets[key].insert(boost::json::serialize(m.operations)).second)
        mutate_ops[key] += static_cast<std::int64_t>(m.operations.size());
    }
  }
  plan_cost c;
  for (const auto& [key, ranges] : reads) {
    auto n = windows(ranges);
    c.quota_units += n;
    c.calls += n;
  }
  c.quota_units += static_cast<std::int64_t>(raws.size());
  c.calls += static_cast<std::int64_t>(raws.size());
  const auto cap = static_cast<std::int64_t>(google::max_mutate_operations);
  for (const auto& [key, ops] : mutate_ops) {
    c.quota_units += ops;
    c.calls += (ops + cap - 1) / cap;
  }
  return c;
}

} // namespace adbatch::platforms
