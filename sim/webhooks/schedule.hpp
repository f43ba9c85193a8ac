#pragma once

// When a platform delivers and re-delivers webhook events: a pure plan that
// the sender drives with the current time (no threads, no clock here).
//
// Re-delivery schedules follow platform-contracts.md §8.3 (Meta retries
// with decreasing frequency for 36 h, WhatsApp for 7 days, TikTok backs off
// exponentially for 72 h, X retries 3 times within 5 min). LinkedIn's is
// not documented: the simulator assumes 4 retries within 2 h. Published
// delays are divided by time_scale.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/core/platform.hpp"
#include "sim/webhooks/signing.hpp"

namespace adbatch::sim::webhooks {

/// Offsets after the first attempt at which an unacknowledged event is sent
/// again (published, unscaled). After the last one the event is dropped.
std::vector<std::chrono::seconds> redelivery_offsets(source s);

/// How a platform re-checks endpoint ownership while it delivers
/// (platform-contracts.md §5, §6): LinkedIn re-validates every 2 h and blocks
/// the endpoint after 3 consecutive failures; X re-sends the CRC about every
/// 24 h, every 30 min while it fails, and marks the webhook invalid after
/// ~28 h of failures. Meta, WhatsApp and TikTok do not re-check.
struct revalidation_policy {
  std::chrono::seconds interval{0};        ///< after a success (0 = never)
  std::chrono::seconds retry_interval{0};  ///< after a failure
  int failures_to_block = 0;               ///< consecutive failures that stop deliveries
};
std::optional<revalidation_policy> revalidation(source s);

/// What to deliver.
struct plan_spec {
  source platform = source::meta;
  std::size_t count = 10;          ///< distinct events
  double rate_per_s = 10.0;        ///< first deliveries per real second
  std::size_t duplicates = 0;      ///< acknowledged events sent once more (same id)
  std::size_t bad_signatures = 0;  ///< extra events signed with a wrong secret
  double time_scale = 1.0;         ///< re-delivery delays run this much faster
};

enum class attempt_kind {
  first,          ///< first delivery of an event
  redelivery,     ///< again, after a non-2xx / no answer
  duplicate,      ///< again after it was acknowledged (at-least-once)
  bad_signature   ///< an extra event with a wrong signature, sent once
};

/// One POST the sender must make now.
struct attempt {
  std::size_t event = 0;  ///< event index (bad-signature events follow the normal ones)
  attempt_kind kind = attempt_kind::first;
  int number = 1;         ///< 1 = first try of this event
};

/// Counters the sender reports.
struct delivery_counts {
  std::size_t events = 0;                ///< distinct normal events planned
  std::size_t sent = 0;                  ///< POSTs made (all kinds)
  std::size_t acknowledged = 0;          ///< events answered 2xx (first or later try)
  std::size_t redelivered = 0;           ///< re-delivery POSTs
  std::size_t failed = 0;                ///< events dropped after the last re-delivery
  std::size_t duplicates_sent = 0;
  std::size_t duplicates_acknowledged = 0;
  std::size_t bad_signatures_sent = 0;
  std::size_t bad_signatures_rejected = 0;  ///< answered non-2xx (correct)
  std::size_t bad_signatures_accepted = 0;  ///< answered 2xx (receiver bug)
  std::size_t pending = 0;               ///< events still waiting for a try
};

class delivery_plan {
public:
  delivery_plan(plan_spec spec, time_point start);

  /// Removes and returns every attempt due at or before `now`, in time order.
  std::vector<attempt> take_due(time_point now);

  /// Records the outcome of an attempt made at `now`; schedules the next
  /// re-delivery or a duplicate as the platform would.
  void record(const attempt& a, bool acknowledged, time_point now);

  /// Gives up on everything not yet acknowledged (e.g. the handshake
  /// failed, or the sender stops): counted as failed.
  void abandon();

  /// When the next attempt is due; nullopt when nothing is left.
  std::optional<time_point> next_due() const;
  bool done() const { return !next_due() && in_flight_ == 0; }

  const delivery_counts& counts() const { return counts_; }
  const plan_spec& spec() const { return spec_; }

private:
  struct item {
    time_point due;
    attempt a;
  };
  void push(time_point due, attempt a);

  plan_spec spec_;
  std::vector<std::chrono::seconds> offsets_;
  std::vector<time_point> first_sent_;  ///< per normal event
  std::vector<item> queue_;             ///< kept sorted by due time
  std::size_t duplicates_left_ = 0;
  std::size_t in_flight_ = 0;
  delivery_counts counts_;
};

} // namespace adbatch::sim::webhooks
