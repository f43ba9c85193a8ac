// The independent minimum function: what the best possible plan costs,
// counted by a plain formula over the requests, without the planner.
//
//   calls = units = distinct tokens asking for organizations/ad accounts
//                 + distinct (token, ad account, collection) of lists
//                 + distinct (token, dimension, type) of targeting
//                 + per (token, ad account, breakdown, offset) of ad stats
//                   and per (token, pixel, offset) of pixel events: the
//                   fewest windows of 366 days holding every request's
//                   whole range
//
// Snapchat charges one unit per call and has no batch endpoint, so one call
// per distinct endpoint and account is the floor; requests plan() rejects
// cost nothing.

#include "platforms/snapchat/snapchat_adapter.hpp"
#include "platforms/snapchat/snapchat_catalog.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace adbatch::platforms {

plan_cost snapchat_minimum_cost(std::span<const queued_request> requests,
                                const plan_context& ctx) {
  using namespace snapchat;
  std::set<std::string> endpoints;
  std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>>
      ranges;
  auto today =
      std::chrono::floor<std::chrono::days>(ctx.now).time_since_epoch().count();
  for (const auto& q : requests) {
    auto parsed = parse_snapchat_request(q.request_type, q.params);
    if (!parsed.spec) continue;
    const auto& s = *parsed.spec;
    auto cred = ctx.credentials.find(q.connection_id);
    if (cred == ctx.credentials.end() || cred->second.token.empty()) continue;
    const auto& token = cred->second.token;
    std::string account = s.account;
    if (account.empty())
      if (auto* v = cred->second.account_ids.if_contains("ad_account_id");
          v && v->is_string())
        account = std::string{v->as_string()};
    std::transform(account.begin(), account.end(), account.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    bool pixel = s.op == op_kind::stats && s.breakdown.empty();
    if ((s.op == op_kind::list || (s.op == op_kind::stats && !pixel)) &&
        account.empty())
      continue;
    std::string t = token + "|";
    if (s.op == op_kind::orgs)
      endpoints.insert(t + "me/organizations");
    else if (s.op == op_kind::list)
      endpoints.insert(t + "adaccounts/" + account + "/" + s.collection);
    else if (s.op == op_kind::targeting)
      endpoints.insert(t + "targeting/" + s.dimension + "/" + s.target_type);
    else {
      auto key = pixel ? t + "pixels/" + s.pixel_id + "/stats " + s.offset
                       : t + "adaccounts/" + account + "/stats " + s.breakdown +
                             " " + s.offset;
      auto range = s.has_range ? std::pair{s.first_day, s.last_day}
                               : std::pair{today - 7, today};
      ranges[key].push_back(range);
    }
  }
  std::int64_t calls = static_cast<std::int64_t>(endpoints.size());
  for (auto& [_, rs] : ranges) {
    // Fewest windows: the earliest remaining start opens one window that
    // takes every range ending within max_range_days of it.
    std::multiset<std::pair<std::int64_t, std::int64_t>> left(rs.begin(),
                                                              rs.end());
    while (!left.empty()) {
      auto start = left.begin()->first;
      for (auto it = left.begin(); it != left.end();)
        it = it->second - start <= max_range_days ? left.erase(it)
                                                  : std::next(it);
      ++calls;
    }
  }
  return {calls, calls};
}

} // namespace adbatch::platforms
