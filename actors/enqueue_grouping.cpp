#include "actors/enqueue_grouping.hpp"

#include <algorithm>
#include <unordered_map>

namespace adbatch {

std::vector<std::size_t>
pick_enqueue_batch(const std::vector<std::string_view>& orgs,
                   const std::unordered_set<std::string>& busy,
                   std::size_t target, std::size_t max_batch) {
  // Pass 1: the free orgs in order of their oldest request, with their
  // queued counts.
  std::unordered_map<std::string_view, std::size_t> count;
  std::vector<std::string_view> order;
  std::unordered_set<std::string_view> held;
  for (auto org : orgs) {
    if (auto i = count.find(org); i != count.end()) {
      ++i->second;
      continue;
    }
    if (held.count(org) != 0)
      continue;
    if (busy.count(std::string{org}) != 0) {
      held.insert(org);
      continue;
    }
    count.emplace(org, 1);
    order.push_back(org);
  }
  // Orgs join whole until the batch reaches `target` (the first one always
  // joins, however large).
  std::unordered_set<std::string_view> joined;
  std::size_t planned = 0;
  for (auto org : order) {
    if (planned >= target)
      break;
    joined.insert(org);
    planned += count[org];
  }
  // Pass 2: their requests in arrival order, up to max_batch.
  std::vector<std::size_t> taken;
  for (std::size_t i = 0; i < orgs.size() && taken.size() < max_batch; ++i)
    if (joined.count(orgs[i]) != 0)
      taken.push_back(i);
  return taken;
}

std::size_t enqueue_batch_target(std::size_t queued, std::size_t idle_workers,
                                 std::size_t max_batch) {
  if (idle_workers == 0)
    idle_workers = 1;
  auto share = (queued + idle_workers - 1) / idle_workers;
  return std::clamp<std::size_t>(share, 1, std::max<std::size_t>(max_batch, 1));
}

} // namespace adbatch
