#include "platforms/twitter/twitter_pack.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <set>

namespace adbatch::platforms::twitter {

namespace {

struct packer {
  const std::vector<std::vector<std::string>>& sets;
  std::size_t cap;
  std::vector<std::size_t> order; // by size, largest first
  std::vector<std::multiset<std::string>> bins;
  std::vector<std::vector<std::size_t>> members;

  std::size_t added(std::size_t b, std::size_t i) const {
    std::size_t n = 0;
    for (const auto& id : sets[i])
      if (!bins[b].count(id)) ++n;
    return n;
  }
  std::size_t distinct(std::size_t b) const {
    return std::set<std::string>(bins[b].begin(), bins[b].end()).size();
  }
  void put(std::size_t b, std::size_t i) {
    for (const auto& id : sets[i])
      bins[b].insert(id);
    members[b].push_back(i);
  }
  void take(std::size_t b, std::size_t i) {
    for (const auto& id : sets[i])
      bins[b].erase(bins[b].find(id));
    members[b].pop_back();
  }

  /// Depth-first: place order[pos..] into at most k bins.
  bool search(std::size_t pos, std::size_t k) {
    if (pos == order.size()) return true;
    auto i = order[pos];
    for (std::size_t b = 0; b < bins.size(); ++b)
      if (distinct(b) + added(b, i) <= cap) {
        put(b, i);
        if (search(pos + 1, k)) return true;
        take(b, i);
      }
    if (bins.size() < k) {
      bins.emplace_back();
      members.emplace_back();
      put(bins.size() - 1, i);
      if (search(pos + 1, k)) return true;
      bins.pop_back();
      members.pop_back();
    }
    return false;
  }
};

} // namespace

std::vector<std::vector<std::size_t>>
pack_id_sets(const std::vector<std::vector<std::string>>& sets,
             std::size_t cap) {
  packer p{sets, cap, {}, {}, {}};
  p.order.resize(sets.size());
  std::iota(p.order.begin(), p.order.end(), std::size_t{0});
  std::stable_sort(p.order.begin(), p.order.end(),
                   [&](std::size_t a, std::size_t b) {
                     return sets[a].size() > sets[b].size();
                   });
  // First-fit decreasing.
  for (auto i : p.order) {
    bool placed = false;
    for (std::size_t b = 0; b < p.bins.size() && !placed; ++b)
      if (p.distinct(b) + p.added(b, i) <= cap) {
        p.put(b, i);
        placed = true;
      }
    if (!placed) {
      p.bins.emplace_back();
      p.members.emplace_back();
      p.put(p.bins.size() - 1, i);
    }
  }
  auto best = p.members;
  std::set<std::string> all;
  for (const auto& s : sets)
    all.insert(s.begin(), s.end());
  auto lower = cap ? (all.size() + cap - 1) / cap : all.size();
  if (sets.size() <= exact_pack_limit)
    for (auto k = std::max<std::size_t>(lower, 1); k < best.size(); ++k) {
      p.bins.clear();
      p.members.clear();
      if (p.search(0, k)) {
        best = p.members;
        break;
      }
    }
  for (auto& b : best)
    std::sort(b.begin(), b.end());
  std::sort(best.begin(), best.end());
  return best;
}

} // namespace adbatch::platforms::twitter
