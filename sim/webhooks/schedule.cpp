#include "sim/webhooks/schedule.hpp"

#include <algorithm>

namespace adbatch::sim::webhooks {

using namespace std::chrono_literals;
using std::chrono::seconds;

std::vector<seconds> redelivery_offsets(source s) {
  switch (s) {
    case source::meta:
      // "Immediately, then a few times with decreasing frequency over 36 h."
      return {1s, 60s, 5min, 15min, 1h, 3h, 6h, 12h, 24h, 36h};
    case source::whatsapp:
      // Decreasing frequency for up to 7 days.
      return {1s, 60s, 5min, 15min, 1h, 3h, 6h, 12h, 24h, 48h, 72h, 120h, 168h};
    case source::tiktok: {
      // Exponential backoff (1, 2, 4, ... min between tries) within 72 h.
      std::vector<seconds> out;
      seconds gap = 60s, at = 0s;
      while (at + gap <= 72h) {
        at += gap;
        out.push_back(at);
        gap *= 2;
      }
      return out;
    }
    case source::twitter:
      // Enterprise Account Activity: up to 3 retries over 5 minutes.
      return {20s, 100s, 5min};
    case source::linkedin:
      // Undocumented (platform-contracts.md §9): a simulator assumption.
      return {30s, 5min, 30min, 2h};
  }
  return {};
}

std::optional<revalidation_policy> revalidation(source s) {
  switch (s) {
    case source::linkedin: return revalidation_policy{2h, 2h, 3};
    case source::twitter: return revalidation_policy{24h, 30min, 56};  // 28 h of failures
    case source::meta:
    case source::whatsapp:
    case source::tiktok: return std::nullopt;
  }
  return std::nullopt;
}

delivery_plan::delivery_plan(plan_spec spec, time_point start)
  : spec_(spec),
    offsets_(redelivery_offsets(spec.platform)),
    first_sent_(spec.count),
    duplicates_left_(spec.duplicates) {
  if (spec_.rate_per_s <= 0) spec_.rate_per_s = 1.0;
  if (spec_.time_scale <= 0) spec_.time_scale = 1.0;
  auto gap = std::chrono::duration_cast<clock::duration>(
    std::chrono::duration<double>(1.0 / spec_.rate_per_s));
  // Normal events first, then the bad-signature ones, at the same rate.
  for (std::size_t i = 0; i < spec_.count + spec_.bad_signatures; ++i) {
    attempt a;
    a.event = i;
    a.kind = i < spec_.count ? attempt_kind::first : attempt_kind::bad_signature;
    queue_.push_back({start + gap * static_cast<long>(i), a});
  }
  counts_.events = spec_.count;
  counts_.pending = spec_.count;
}

void delivery_plan::push(time_point due, attempt a) {
  auto pos = std::upper_bound(queue_.begin(), queue_.end(), due,
                              [](time_point t, const item& it) { return t < it.due; });
  queue_.insert(pos, {due, a});
}

std::vector<attempt> delivery_plan::take_due(time_point now) {
  std::vector<attempt> out;
  auto end = std::find_if(queue_.begin(), queue_.end(),
                          [&](const item& it) { return it.due > now; });
  for (auto it = queue_.begin(); it != end; ++it) {
    out.push_back(it->a);
    ++counts_.sent;
    switch (it->a.kind) {
      case attempt_kind::first:
        first_sent_[it->a.event] = now;
        break;
      case attempt_kind::redelivery: ++counts_.redelivered; break;
      case attempt_kind::duplicate: ++counts_.duplicates_sent; break;
      case attempt_kind::bad_signature: ++counts_.bad_signatures_sent; break;
    }
  }
  queue_.erase(queue_.begin(), end);
  in_flight_ += out.size();
  return out;
}

void delivery_plan::record(const attempt& a, bool acknowledged, time_point now) {
  if (in_flight_ > 0) --in_flight_;
  switch (a.kind) {
    case attempt_kind::bad_signature:
      ++(acknowledged ? counts_.bad_signatures_accepted : counts_.bad_signatures_rejected);
      return;
    case attempt_kind::duplicate:
      if (acknowledged) ++counts_.duplicates_acknowledged;
      return;
    case attempt_kind::first:
    case attempt_kind::redelivery:
      break;
  }
  if (acknowledged) {
    ++counts_.acknowledged;
    --counts_.pending;
    if (duplicates_left_ > 0) {
      // At-least-once: the platform sends an acknowledged event again.
      --duplicates_left_;
      push(now, attempt{a.event, attempt_kind::duplicate, a.number + 1});
    }
    return;
  }
  auto k = static_cast<std::size_t>(a.number - 1);  // re-deliveries done so far
  if (k >= offsets_.size()) {
    ++counts_.failed;
    --counts_.pending;
    return;
  }
  auto delay = std::chrono::duration_cast<clock::duration>(
    std::chrono::duration<double>(static_cast<double>(offsets_[k].count()) / spec_.time_scale));
  // Offsets count from the first attempt; never schedule in the past.
  auto due = std::max(first_sent_[a.event] + delay, now);
  push(due, attempt{a.event, attempt_kind::redelivery, a.number + 1});
}

void delivery_plan::abandon() {
  for (auto& it : queue_) {
    if (it.a.kind == attempt_kind::first || it.a.kind == attempt_kind::redelivery) {
      ++counts_.failed;
      --counts_.pending;
    }
  }
  queue_.clear();
}

std::optional<time_point> delivery_plan::next_due() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.front().due;
}

} // namespace adbatch::sim::webhooks
