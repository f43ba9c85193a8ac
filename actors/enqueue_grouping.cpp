#include "actors/enqueue_grouping.hpp"

#include <algorithm>
#include <functional>
#include <unordered_map>

namespace adbatch {

std::uint32_t enqueue_lane(std::string_view connection_id,
                           std::string_view request_type,
                           std::string_view params, std::uint32_t lanes) {
  if (lanes <= 1)
    return 0;
  std::hash<std::string_view> h;
  // Combine as boost::hash_combine does.
  std::size_t seed = h(connection_id);
  seed ^= h(request_type) + 0x9e3779b9 + (seed << 6) + (seed >> 2);
  seed ^= h(params) + 0x9e3779b9 + (seed << 6) + (seed >> 2);
  return static_cast<std::uint32_t>(seed % lanes);
}

std::string unit_key(std::string_view org, std::uint32_t lane) {
  std::string out{org};
  out += '#';
  out += std::to_string(lane);
  return out;
}

namespace {

struct unit_hash {
  std::size_t operator()(const grouping_unit& u) const {
    return std::hash<std::string_view>{}(u.org) ^ (u.lane * 0x9e3779b9u);
  }
};

struct unit_eq {
  bool operator()(const grouping_unit& a, const grouping_unit& b) const {
    return a.lane == b.lane && a.org == b.org;
  }
};

} // namespace

std::vector<std::size_t>
pick_enqueue_batch(const std::vector<grouping_unit>& queue,
                   const std::unordered_set<std::string>& busy,
                   std::size_t target, std::size_t max_batch) {
  // Pass 1: the free units with their queued counts; orgs in order of their
  // oldest request, each org's lanes in order of their oldest request.
  std::unordered_map<grouping_unit, std::size_t, unit_hash, unit_eq> count;
  std::unordered_set<grouping_unit, unit_hash, unit_eq> held;
  std::unordered_map<std::string_view, std::vector<grouping_unit>> lanes_of;
  std::vector<std::string_view> org_order;
  for (const auto& u : queue) {
    if (auto i = count.find(u); i != count.end()) {
      ++i->second;
      continue;
    }
    if (held.count(u) != 0)
      continue;
    if (busy.count(unit_key(u.org, u.lane)) != 0) {
      held.insert(u);
      continue;
    }
    count.emplace(u, 1);
    auto& lanes = lanes_of[u.org];
    if (lanes.empty())
      org_order.push_back(u.org);
    lanes.push_back(u);
  }
  // Units join while each brings the batch closer to the target: planned +
  // n/2 < target means |planned + n - target| < |planned - target|.
  std::unordered_set<grouping_unit, unit_hash, unit_eq> joined;
  std::size_t planned = 0;
  bool full = false;
  for (auto org : org_order) {
    for (const auto& u : lanes_of[org]) {
      auto n = count[u];
      if (planned > 0 && 2 * planned + n >= 2 * target) {
        full = true;
        break;
      }
      joined.insert(u);
      planned += n;
    }
    if (full)
      break;
  }
  // Pass 2: their requests in arrival order, up to max_batch.
  std::vector<std::size_t> taken;
  for (std::size_t i = 0; i < queue.size() && taken.size() < max_batch; ++i)
    if (joined.count(queue[i]) != 0)
      taken.push_back(i);
  return taken;
}

std::size_t enqueue_batch_target(std::size_t queued, std::size_t workers,
                                 std::size_t max_batch) {
  if (workers == 0)
    workers = 1;
  auto share = (queued + workers - 1) / workers;
  return std::clamp<std::size_t>(share, 1, std::max<std::size_t>(max_batch, 1));
}

} // namespace adbatch
