// The independent minimum function of the TikTok planner (see
// tiktok_adapter.hpp): counted from the requests by formula, without the
// planner's code.

#include "platforms/tiktok/tiktok_adapter.hpp"
#include "platforms/tiktok/tiktok_catalog.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace adbatch::platforms {

namespace {

namespace json = boost::json;
using namespace tiktok;

std::string str(const json::value* v) {
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

std::int64_t ceil_div(std::size_t n, std::size_t d) {
  return static_cast<std::int64_t>((n + d - 1) / d);
}

struct range {
  day_number first, last;
  bool daily;
  auto operator<=>(const range&) const = default;
};

/// Calls for report requests whose merged rows are unknown: one per
/// maximal daily range, plus one per total range no daily range covers.
std::int64_t anchors(const std::set<range>& rs) {
  std::int64_t n = 0;
  for (const auto& r : rs) {
    bool covered = false;
    for (const auto& o : rs)
      if (o.daily && o != r && o.first <= r.first && r.last <= o.last &&
          (o.first != r.first || o.last != r.last || !r.daily))
        covered = true;
    if (!covered) ++n;
  }
  return n;
}

} // namespace

plan_cost tiktok_minimum_cost(std::span<const queued_request> requests,
                              const plan_context& ctx) {
  std::map<std::string, std::set<std::string>> info_ids;
  struct list_group {
    bool unfiltered = false;
    std::map<std::string, std::set<std::string>> ids; ///< per filter key
  };
  std::map<std::tuple<std::string, std::string, std::string>, list_group> lists;
  std::map<std::string, std::set<std::string>> events;
  struct report_group {
    std::set<std::string> ids;
    std::set<range> filtered_ranges;
    std::map<std::set<std::string>, std::set<range>> by_ids;
    std::set<range> unfiltered;
  };
  std::map<std::tuple<std::string, std::string, int>, report_group> reports;

  for (const auto& r : requests) {
    auto parsed = parse_tiktok_request(r.request_type, r.params);
    if (!parsed.spec) continue;
    auto c = ctx.credentials.find(r.connection_id);
    if (c == ctx.credentials.end() || c->second.token.empty()) continue;
    const auto& token = c->second.token;
    const auto& acc = c->second.account_ids;
    auto own = str(acc.if_contains("advertiser_id"));
    if (auto* s = std::get_if<info_spec>(&*parsed.spec)) {
      auto ids = s->advertiser_ids;
      if (ids.empty()) {
        if (auto* l = acc.if_contains("advertiser_ids"); l && l->is_array())
          for (const auto& v : l->as_array())
            if (auto x = str(&v); !x.empty()) ids.push_back(x);
        if (ids.empty() && !own.empty()) ids.push_back(own);
        // Refused (too_many_advertisers): no call.
        if (std::set<std::string>(ids.begin(), ids.end()).size() >
            max_advertiser_ids)
          continue;
      }
      if (ids.empty()) continue;
      info_ids[token].insert(ids.begin(), ids.end());
    } else if (auto* s = std::get_if<list_spec>(&*parsed.spec)) {
      auto adv = s->advertiser_id.empty() ? own : s->advertiser_id;
      if (adv.empty()) continue;
      auto& g = lists[{token, adv, s->endpoint}];
      if (s->filter_key.empty())
        g.unfiltered = true;
      else
        g.ids[s->filter_key].insert(s->ids.begin(), s->ids.end());
    } else if (auto* s = std::get_if<report_spec>(&*parsed.spec)) {
      auto adv = s->advertiser_id.empty() ? own : s->advertiser_id;
      if (adv.empty()) continue;
      auto& g = reports[{token, adv, s->level}];
      range rg{s->first, s->last, s->daily};
      if (s->ids.empty()) {
        g.unfiltered.insert(rg);
      } else {
        g.ids.insert(s->ids.begin(), s->ids.end());
        g.filtered_ranges.insert(rg);
        g.by_ids[{s->ids.begin(), s->ids.end()}].insert(rg);
      }
    } else {
      const auto& ev = std::get<events_spec>(*parsed.spec);
      auto& set =
          events[token + '\n' + ev.event_source + '\n' + ev.event_source_id];
      for (const auto& e : ev.events)
        set.insert(std::string(e.as_object().at("event").as_string()) + '\n' +
                   std::string(e.as_object().at("event_id").as_string()));
    }
  }

  std::int64_t calls = 0;
  for (const auto& [_, ids] : info_ids)
    calls += ceil_div(ids.size(), max_advertiser_ids);
  // Unfiltered requests share one call for the whole list; filtered ones
  // never join it (the whole list may take more than one page), and a call
  // filters on one key by at most 100 ids.
  for (const auto& [_, g] : lists) {
    calls += g.unfiltered ? 1 : 0;
    for (const auto& [key, ids] : g.ids)
      calls += ceil_div(ids.size(), max_filter_ids);
  }
  for (const auto& [_, evs] : events)
    calls += ceil_div(evs.size(), max_events);
  for (const auto& [_, g] : reports) {
    if (!g.filtered_ranges.empty()) {
      day_number first = g.filtered_ranges.begin()->first, last = first;
      for (const auto& r : g.filtered_ranges) {
        first = std::min(first, r.first);
        last = std::max(last, r.last);
      }
      bool one_total =
          g.filtered_ranges.size() == 1 && !g.filtered_ranges.begin()->daily;
      auto rows = g.ids.size() *
                  static_cast<std::size_t>(one_total ? 1 : last - first + 1);
      if (g.ids.size() <= max_filter_ids && rows <= max_report_rows)
        calls += 1;
      else
        for (const auto& [ids, rs] : g.by_ids)
          calls += anchors(rs);
    }
    calls += anchors(g.unfiltered);
  }
  // TikTok charges its QPS budgets per call: units = calls.
  return plan_cost{calls, calls};
}

} // namespace adbatch::platforms
