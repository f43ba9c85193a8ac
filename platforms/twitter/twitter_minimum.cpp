// The independent minimum function of X: the fewest calls (one quota unit
// each) that can serve a set of requests under X's limits and the merge
// rules (docs/requests.md#x), computed on its own:
//   per token: users by id (get_users + lookup_users), users by username,
//   posts: the fewest bins of <= 100 distinct keys holding each distinct
//   request whole (exact by dynamic programming over subsets for up to 14
//   distinct requests; beyond that ceil(distinct keys / 100), a bound);
//   get_accounts: 1;
//   per token, account and list type: 1 (targeting criteria: bins of <= 200
//   line item ids as above);
//   per token, account, entity type and placement of get_stats: windows of
//   <= 7 days taken in order of start (a window starts at the earliest
//   remaining start and takes every remaining range ending within 7 days),
//   then per window the fewest bins of <= 20 entity ids as above.
//   get_async_stats: jobs as for get_stats with windows of <= 90 days;
//   each job created and fetched once, polled with the token's other jobs
//   of its account (200 per poll); a request past its first step (its
//   progress) counts its remaining poll and fetch.
// Requests rejected before any call (no token, invalid) cost nothing.

#include "platforms/twitter/twitter_adapter.hpp"
#include "platforms/twitter/twitter_catalog.hpp"
#include "platforms/twitter/twitter_pack.hpp"
#include "platforms/twitter/twitter_plan.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <map>
#include <set>

namespace adbatch::platforms {

namespace {

using namespace twitter;

/// Fewest bins of <= cap distinct ids, each set whole in one bin.
std::int64_t min_bins(const std::vector<std::vector<std::string>>& sets,
                      std::size_t cap) {
  if (sets.empty()) return 0;
  std::map<std::string, std::size_t> index;
  for (const auto& s : sets)
    for (const auto& k : s)
      index.emplace(k, index.size());
  if (sets.size() > exact_pack_limit)
    return static_cast<std::int64_t>((index.size() + cap - 1) / cap);
  auto n = sets.size();
  auto words = (index.size() + 63) / 64;
  std::vector<std::vector<std::uint64_t>> bits(
      n, std::vector<std::uint64_t>(words, 0));
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& k : sets[i]) {
      auto j = index.at(k);
      bits[i][j / 64] |= std::uint64_t{1} << (j % 64);
    }
  std::size_t full = (std::size_t{1} << n) - 1;
  std::vector<std::vector<std::uint64_t>> uni(
      full + 1, std::vector<std::uint64_t>(words, 0));
  std::vector<char> fits(full + 1, 1);
  for (std::size_t m = 1; m <= full; ++m) {
    auto low = static_cast<std::size_t>(std::countr_zero(m));
    auto rest = m & (m - 1);
    std::size_t count = 0;
    for (std::size_t w = 0; w < words; ++w) {
      uni[m][w] = uni[rest][w] | bits[low][w];
      count += static_cast<std::size_t>(std::popcount(uni[m][w]));
    }
    fits[m] = count <= cap;
  }
  std::vector<int> dp(full + 1, INT_MAX / 2);
  dp[0] = 0;
  for (std::size_t m = 1; m <= full; ++m) {
    auto low = m & (~m + 1);
    auto rest = m ^ low;
    // subsets s of m that contain low: low | (subset of rest)
    for (std::size_t sub = rest;; sub = (sub - 1) & rest) {
      auto s = sub | low;
      if (fits[s] && dp[m ^ s] + 1 < dp[m]) dp[m] = dp[m ^ s] + 1;
      if (sub == 0) break;
    }
  }
  return dp[full];
}

struct entry {
  std::vector<std::string> keys;
  std::int64_t start = 0, end = 0;
};

} // namespace

plan_cost twitter_minimum_cost(std::span<const queued_request> requests,
                               const plan_context& ctx) {
  // bucket -> distinct request text -> its key set (and range)
  std::map<std::string, std::map<std::string, entry>> buckets;
  // get_async_stats: jobs to poll per token and account; files to fetch.
  std::map<std::string, std::set<std::string>> polled_jobs;
  std::map<std::string, std::int64_t> new_jobs;
  std::set<std::string> files;
  auto today = day_of(ctx.now);
  for (const auto& q : requests) {
    auto parsed = parse_request(q.request_type, q.params);
    if (!parsed.request) continue;
    auto cred = ctx.credentials.find(q.connection_id);
    if (cred == ctx.credentials.end() || cred->second.token.empty()) continue;
    const auto& r = *parsed.request;
    if (r.fam == family::async_stats) {
      // Past its first step: the remaining poll and download.
      if (auto prog = twitter::parse_progress(q.progress)) {
        if (prog->stage == "job")
          polled_jobs[cred->second.token + "|" + prog->account_id].insert(
              prog->job_id);
        else
          files.insert(prog->url);
        continue;
      }
    }
    std::string account = r.account_id;
    if (account.empty())
      if (auto* v = cred->second.account_ids.if_contains("account_id");
          v && v->is_string())
        account = std::string(v->as_string());
    bool needs_account = r.fam == family::list || r.fam == family::stats ||
                         r.fam == family::async_stats;
    if (needs_account && account.empty()) continue;
    entry e;
    std::string bucket = cred->second.token + "|";
    switch (r.fam) {
    case family::users:
      bucket += "users";
      e.keys = r.keys;
      break;
    case family::usernames:
      bucket += "usernames";
      e.keys = r.keys;
      break;
    case family::tweets:
      bucket += "tweets";
      e.keys = r.keys;
      break;
    case family::accounts:
      bucket += "accounts";
      break;
    case family::list:
      bucket += "list|" + account + "|" + r.type;
      if (!r.list->required.empty()) e.keys = r.filters.at(r.list->required);
      break;
    case family::stats:
      bucket += "stats|" + account + "|" + r.entity + "|" + r.placement;
      e.keys = r.keys;
      e.start = r.start_day ? *r.start_day : today - 7;
      e.end = r.end_day ? *r.end_day : today;
      break;
    case family::async_stats:
      bucket += "async|" + account + "|" + r.entity + "|" + r.placement;
      e.keys = r.keys;
      e.start = r.start_day ? *r.start_day : today - 30;
      e.end = r.end_day ? *r.end_day : today;
      break;
    }
    auto text = normalized(r) + "|" + account + "|" + std::to_string(e.start) +
                "|" + std::to_string(e.end);
    buckets[bucket].emplace(text, std::move(e));
  }
  plan_cost c;
  for (const auto& [bucket, entries] : buckets) {
    auto kind = bucket.substr(bucket.find('|') + 1);
    std::int64_t calls = 0;
    auto sets_of = [&](auto pred) {
      std::vector<std::vector<std::string>> sets;
      for (const auto& [_, e] : entries)
        if (pred(e)) sets.push_back(e.keys);
      return sets;
    };
    if (kind == "users" || kind == "usernames" || kind == "tweets") {
      calls =
          min_bins(sets_of([](const entry&) { return true; }), max_lookup_ids);
    } else if (kind == "accounts") {
      calls = 1;
    } else if (kind.rfind("list|", 0) == 0) {
      if (kind.ends_with("|get_targeting_criteria"))
        calls = min_bins(sets_of([](const entry&) { return true; }),
                         max_filter_ids);
      else
        calls = 1;
    } else {
      // stats (7 days) and async jobs (90): windows in order of start.
      bool job = kind.rfind("async|", 0) == 0;
      auto max_days = job ? max_async_days : max_sync_days;
      std::vector<const entry*> order;
      for (const auto& [_, e] : entries)
        order.push_back(&e);
      std::stable_sort(
          order.begin(), order.end(),
          [](const entry* a, const entry* b) { return a->start < b->start; });
      std::set<const entry*> taken;
      for (std::size_t i = 0; i < order.size(); ++i) {
        if (taken.count(order[i])) continue;
        auto w = order[i]->start;
        std::vector<std::vector<std::string>> sets;
        for (std::size_t j = i; j < order.size(); ++j)
          if (!taken.count(order[j]) && order[j]->end - w <= max_days) {
            taken.insert(order[j]);
            sets.push_back(order[j]->keys);
          }
        calls += min_bins(sets, max_stats_ids);
      }
      if (job) {
        // Each job: created, polled (with the token's other jobs of the
        // account), its file fetched.
        auto token = bucket.substr(0, bucket.find('|'));
        auto rest = kind.substr(6);
        new_jobs[token + "|" + rest.substr(0, rest.find('|'))] += calls;
        calls *= 2;
      }
    }
    c.calls += calls;
    c.quota_units += calls;
  }
  std::set<std::string> accounts;
  for (const auto& [k, _] : new_jobs)
    accounts.insert(k);
  for (const auto& [k, _] : polled_jobs)
    accounts.insert(k);
  for (const auto& k : accounts) {
    std::int64_t old_jobs =
        polled_jobs.count(k)
            ? static_cast<std::int64_t>(polled_jobs.at(k).size())
            : 0;
    std::int64_t fresh = new_jobs.count(k) ? new_jobs.at(k) : 0;
    // Polls of up to 200 jobs; jobs already created are polled and fetched
    // in their own flushes.
    auto polls = (fresh + max_filter_ids - 1) / max_filter_ids +
                 (old_jobs + max_filter_ids - 1) / max_filter_ids + old_jobs;
    c.calls += polls;
    c.quota_units += polls;
  }
  c.calls += static_cast<std::int64_t>(files.size());
  c.quota_units += static_cast<std::int64_t>(files.size());
  return c;
}

} // namespace adbatch::platforms
