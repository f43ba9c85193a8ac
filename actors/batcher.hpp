#pragma once

// batcher: one per platform; serves that platform's queue (see the
// batcher_actor interface in actors/actors.hpp for the flow). The platform
// rules (plan, split) come from platforms/<name>/ through
// platforms::platform_adapter; HTTP goes through an `upstream_sender` (the
// node wraps net::upstream_client; tests pass a fake), so no CAF thread
// blocks on I/O and tests stay deterministic.

#include "actors/actors.hpp"
#include "platforms/common/pipeline.hpp"

#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace adbatch {

/// One HTTP call as the batcher hands it to the sender.
struct outbound_call {
  std::string method;
  std::string url; ///< absolute
  platforms::header_list headers;
  std::string body;
  std::chrono::milliseconds timeout{60000};
  std::string label; ///< for logs, no secrets
};

/// Sends one call; `done` is called exactly once, from any thread.
using upstream_sender = std::function<void(
    outbound_call, std::function<void(upstream_answer)> done)>;

struct batcher_config {
  platforms::platform_id platform = platforms::platform_id::meta;
  /// The platform's API root, e.g. "https://graph.facebook.com" or the
  /// simulator's "http://127.0.0.1:18101".
  std::string base_url;
  /// Requests one round claims, > 0.
  int max_requests_per_flush = 100;
  /// Periodic flush cadence; zero = no timer (tests, on-demand only).
  caf::timespan flush_interval = std::chrono::seconds(300);
  /// A queued request with priority <= this triggers an early flush.
  int urgent_priority = 3;
  /// Upper bound of requests one scheduled (or early) flush handles; the
  /// flush goes on in rounds until the queue is empty, the budget is spent
  /// or this many were handled.
  std::int32_t scheduled_flush_limit = 100000;
  /// Lease of claimed requests, > 0.
  caf::timespan lease = std::chrono::seconds(300);
  /// Lease owner prefix (the node name); the batcher appends its platform
  /// and incarnation.
  std::string owner = "adbatch";
  /// Passed to the adapter (batch size, platform credentials, version).
  platforms::plan_settings settings;
  /// Upstream calls of one round in flight at once, > 0.
  std::size_t max_in_flight = 4;
  /// Longest a call waits inside a flush for rate budget; past it, its
  /// requests go back to the queue without spending an attempt.
  caf::timespan max_rate_wait = std::chrono::seconds(30);
  /// Deadline of one upstream call.
  std::chrono::milliseconds call_timeout{60000};
  /// Deadline of a storage call.
  caf::timespan storage_timeout = std::chrono::seconds(60);
  /// Delay of a throttled request when the platform gives no hint.
  std::chrono::milliseconds default_throttle_delay{60000};
  /// One log line per round (calls, units, outcomes) at info level.
  bool log_rounds = true;
};

/// A message naming the first invalid setting, or an empty error.
caf::error validate(const batcher_config& cfg);

struct batcher_state {
  static inline const char* name = "batcher";

  /// One upstream call of a round.
  struct call_slot {
    platforms::upstream_call call;
    bool sent = false;
    bool done = false;
  };

  /// One claim's work.
  struct round {
    std::uint64_t id = 0;
    std::int32_t claimed_limit = 0;
    persistence::claim_result claim;
    std::vector<platforms::queued_request> requests;
    platforms::plan_context ctx;
    std::vector<call_slot> calls;
    std::size_t next_call = 0; ///< next call to ask the budget for
    std::size_t in_flight = 0; ///< asked or sent, not yet answered
    std::size_t answered = 0;
    std::vector<platforms::request_outcome> outcomes;
    std::int64_t calls_made = 0;
    std::int64_t units_spent = 0;
    std::int64_t bytes = 0;
    bool rate_limit_hit = false; ///< a throttle or a budget denial
    std::optional<std::int64_t> rate_remaining;
    std::vector<std::string> errors; ///< a few messages for the log row
    persistence::time_point started_at;
    std::size_t writes_pending = 0;
  };

  /// A flush waiting or running.
  struct flush_job {
    std::int32_t limit = 0;
    std::int64_t handled = 0;
    flush_summary summary;
    std::vector<caf::typed_response_promise<flush_summary>> promises;
    bool scheduled = false;
  };

  batcher_config cfg;
  std::shared_ptr<const platforms::platform_adapter> adapter;
  storage_actor storage;
  rate_limiter_actor limiter;
  upstream_sender sender;
  std::string owner;

  std::optional<flush_job> current;
  std::deque<flush_job> waiting;
  std::optional<round> active;
  std::uint64_t next_round_id = 1;
  std::uint64_t timer_generation = 0;
  std::int64_t queued_since_flush = 0;
  std::int64_t flushes = 0;
  flush_summary totals;
};

/// Spawn with `sys.spawn(make_batcher, cfg, adapter, storage, limiter,
/// sender)`. Subscribe it to storage's enqueue notices for the early flush.
batcher_actor::behavior_type make_batcher(
    batcher_actor::stateful_pointer<batcher_state> self, batcher_config cfg,
    std::shared_ptr<const platforms::platform_adapter> adapter,
    storage_actor storage, rate_limiter_actor limiter, upstream_sender sender);

} // namespace adbatch
