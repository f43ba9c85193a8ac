#pragma once

// Runs a workload through the node's real flush pipeline: the storage actor
// on PostgreSQL (enqueue: validated and de-duplicated), then per platform a
// rate_limiter and a batcher calling the simulators over loopback HTTP(S),
// flushed until the queue is empty. Shared by `adbatch-bench reduce` and the
// pipeline integration tests, so the bench measures exactly what the tests
// check.

#include "actors/actors.hpp"
#include "actors/pipeline_messages.hpp"
#include "persistence/types.hpp"
#include "platforms/common/pipeline.hpp"
#include "platforms/common/platform_table.hpp"
#include "tools/bench/workload.hpp"

#include <caf/actor_system.hpp>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace adbatch::net {
class upstream_client;
} // namespace adbatch::net

namespace adbatch::bench {

struct pipeline_setup {
  /// libpq conninfo of a migrated database.
  std::string conninfo;
  /// Each platform's API root (the simulator's base URL).
  std::map<platforms::platform_id, std::string> base_urls;
  /// TLS: a PEM file to trust (the simulator's certificate) or no check.
  std::string ca_file;
  bool verify_tls = true;
  /// Requests one flush round claims (the planner sees them together).
  int max_requests_per_flush = 5000;
  /// Rate budget per platform (units per hour); big by default, so the
  /// run measures batching, not waiting.
  std::int64_t rate_budget = 1'000'000;
  /// Storage connections.
  std::size_t pool_size = 4;
  /// Platform credentials per platform (Google's developer_token).
  std::map<platforms::platform_id, std::map<std::string, std::string>>
      platform_credentials;
  /// Share of connections whose token is stored sealed in PostgreSQL (the
  /// others name it by an env: reference, set in this process).
  double sealed_token_share = 0.5;
  /// Flushes per platform (that handled something) before giving up.
  int max_flushes = 20;
  /// How long drain() waits for deferred requests (throttled, backing off)
  /// to come due again; 0 = not at all.
  std::chrono::milliseconds drain_limit{0};
  /// Calls in flight per round.
  std::size_t max_in_flight = 4;
  /// Retry backoff of transient failures (first delay and cap).
  std::chrono::milliseconds retry_base{60000};
  std::chrono::milliseconds retry_cap{900000};
  /// Deadline of one upstream call.
  std::chrono::milliseconds call_timeout{60000};
};

struct platform_run {
  /// Requests the workload sent (duplicates included).
  std::int64_t requests = 0;
  /// Rows stored after de-duplication.
  std::int64_t rows = 0;
  /// What the flushes did, summed.
  flush_summary summary;
  int flushes = 0;
};

struct pipeline_result {
  std::map<platforms::platform_id, platform_run> platforms;
  /// Per workload request (same index): its row id (0 if rejected).
  std::vector<persistence::request_id> ids;
  /// Per workload request: the enqueue error, if any.
  std::vector<std::string> enqueue_errors;
  /// Empty when the run worked; otherwise what went wrong.
  std::string error;
};

/// The pipeline's actors over one database, driven step by step (tests
/// change the simulators' faults between flushes).
class pipeline_runner {
public:
  pipeline_runner(caf::actor_system& sys, pipeline_setup setup);
  ~pipeline_runner();

  /// Starts storage (migrations already applied). Empty = ok.
  std::string start();
  /// Registers the workload's connections and their tokens (sealed in
  /// PostgreSQL or by env: reference). Empty = ok.
  std::string add_connections(const workload& w);
  /// Enqueues every request of the workload (one actor, all at once).
  void enqueue(const workload& w, pipeline_result& out);
  /// Spawns a rate_limiter and a batcher per platform of setup.base_urls
  /// (after the enqueues, so one flush plans the whole set).
  void spawn_batchers();
  /// One flush(limit) of platform p; the error text on failure.
  std::variant<flush_summary, std::string>
  flush(platforms::platform_id p,
        std::int32_t limit = std::numeric_limits<std::int32_t>::max());
  /// Flushes p until a flush handles nothing or max_flushes; adds up.
  std::string drain(platforms::platform_id p, platform_run& run);
  /// Stops every actor and the upstream client.
  void stop();

  const storage_actor& storage() const { return storage_; }

private:
  caf::actor_system& sys_;
  pipeline_setup setup_;
  storage_actor storage_;
  std::shared_ptr<net::upstream_client> client_;
  std::map<platforms::platform_id, batcher_actor> batchers_;
  std::vector<caf::actor> spawned_;
  bool stopped_ = false;
};

/// What the planner knows of the workload's connections (tokens, account
/// ids) plus Google's developer token, as a batcher would see them.
platforms::plan_context plan_context_of(const workload& w,
                                        const std::string& developer_token);

/// A workload request as the planner sees it once stored with `id`.
platforms::queued_request as_queued(const persistence::enqueue_request& r,
                                    persistence::request_id id);

/// The distinct rows of platform p the run stored (duplicates folded at
/// enqueue, as the node does), in workload order.
std::vector<platforms::queued_request> served_rows(const workload& w,
                                                   const pipeline_result& res,
                                                   platforms::platform_id p);

/// Registers the workload's connections and tokens, enqueues every
/// request, flushes each platform until its queue is empty (or
/// max_flushes), and answers what happened. `sys` must run a real
/// (threaded) scheduler.
pipeline_result run_pipeline(caf::actor_system& sys,
                             const pipeline_setup& setup, const workload& w);

} // namespace adbatch::bench
