#pragma once

// Delivers simulated webhook events to a receiver over HTTP, the way each
// platform does: handshake first, signed POSTs at a given rate, re-delivery
// of unacknowledged events on the platform's (time-scaled) schedule, and on
// request duplicates and badly signed events. Each job runs on its own
// thread with its own net::http_client; the timing logic is delivery_plan.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim/webhooks/schedule.hpp"
#include "sim/webhooks/signing.hpp"

namespace adbatch::sim::webhooks {

/// One delivery job.
struct send_request {
  source platform = source::meta;
  std::string target_url;          ///< absolute http(s) URL of the receiver
  std::size_t count = 10;
  double rate_per_s = 10.0;
  std::size_t duplicates = 0;
  std::size_t bad_signatures = 0;
  std::string secret;              ///< app secret / client secret / consumer secret
  std::string verify_token;        ///< Meta / WhatsApp handshake token
  std::uint64_t seed = 42;         ///< payload ids
  double time_scale = 1.0;         ///< re-delivery delays run this much faster
  bool skip_handshake = false;
  /// Per-POST deadline; a receiver slower than this counts as not acknowledging.
  std::chrono::milliseconds timeout{5000};
};

/// Reports list at most this many event ids.
inline constexpr std::size_t max_reported_ids = 10000;

/// What happened to a job so far (secrets are never part of it).
struct job_report {
  std::uint64_t id = 0;
  source platform = source::meta;
  std::string target_url;
  std::string handshake = "pending";  ///< pending, ok, failed, none (TikTok), skipped
  std::size_t revalidations = 0;      ///< periodic re-checks made (LinkedIn, X)
  std::size_t revalidation_failures = 0;
  bool blocked = false;  ///< re-checks failed too often: deliveries stopped
  delivery_counts counts;
  std::map<int, std::size_t> statuses;  ///< HTTP status -> POSTs (0 = no answer)
  /// External ids of the normal events, in order (the first
  /// max_reported_ids of them).
  std::vector<std::string> event_ids;
  bool done = false;
  std::string last_error;               ///< last transport error, if any
};

class webhook_sender {
public:
  webhook_sender();
  /// Stops every job and joins its thread.
  ~webhook_sender();
  webhook_sender(const webhook_sender&) = delete;
  webhook_sender& operator=(const webhook_sender&) = delete;

  /// Starts a job at once; returns its id.
  std::uint64_t start(send_request req);

  /// The report of one job, if it exists.
  std::optional<job_report> report(std::uint64_t id) const;
  /// Every job's report, oldest first.
  std::vector<job_report> reports() const;

  /// Waits until the job is done or `timeout` passes; true if done.
  bool wait(std::uint64_t id, std::chrono::milliseconds timeout) const;

  /// Stops every running job (pending events count as failed).
  void stop_all();

private:
  struct job;
  void run(job& j);

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::unique_ptr<job>> jobs_;
  std::uint64_t next_id_ = 1;
};

} // namespace adbatch::sim::webhooks
