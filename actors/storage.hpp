#pragma once

// The storage actor: every durable read and write of the node goes through
// it (interface: storage_actor in actors/actors.hpp).
//
// How it works:
// - A few workers (storage_executor), each with its own backend connection,
//   run the blocking calls; results come back as a job_done message, and the
//   actor answers the caller's response promise then. CAF threads never block.
// - Enqueues are grouped: they wait in a queue until a worker is idle (or
//   the next dispatch message), then up to `max_batch` of them go to the
//   worker as one enqueue_batch, one commit. Each caller is answered only
//   after that commit. Batches are formed by org and lane (a hash of the
//   request), and a unit is in at most one running batch at a time
//   (actors/enqueue_grouping.hpp): a repeated request never waits on
//   another worker's uncommitted insert, batches keep orgs whole where they
//   can (one statement per org), and a single busy org still uses every
//   worker.
// - A call that fails with storage_unavailable marks its worker (and the
//   idle ones, whose connections are dead too) down; each down worker
//   reconnects after a backoff (100 ms doubling to 5 s by default). While
//   every worker is down, new calls and queued calls fail fast with
//   ec::storage_unavailable; nothing is dropped silently, nothing is
//   acknowledged before its commit.
// - A call that waits in the queue longer than `queue_timeout` fails with
//   ec::timeout. (A call already running on a worker is bounded by the
//   backend's own statement/connect timeouts.)
// - Connection tokens are sealed (AES-256-GCM, persistence/token_cipher.hpp)
//   on the worker before they reach the backend, and opened there after
//   they come back: PostgreSQL only holds ciphertext. A connection without
//   a stored token falls back to its token_ref (env:NAME / file:/path).
// - Listeners subscribed with atom::subscribe hear of every enqueue commit
//   that inserted new rows: one (atom::queued, platform, min priority,
//   new rows) per platform of the batch.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"
#include "actors/storage_executor.hpp"
#include "persistence/backend.hpp"
#include "persistence/result.hpp"
#include "persistence/token_cipher.hpp"

namespace adbatch {

/// Opens one backend connection; runs on a worker thread, so it may block
/// (the node's factory also starts the embedded cluster and migrates on its
/// first call). storage_unavailable = retry with backoff; any other error
/// before the first success is fatal (the actor quits with it).
using backend_factory = std::function<
  persistence::result<std::unique_ptr<persistence::backend>>()>;

/// Resolves a connection's token_ref ("env:NAME", "file:/path") to the
/// token. Runs on a worker thread. The error message names the reference,
/// never a value.
using token_ref_resolver
  = std::function<persistence::result<std::string>(const std::string&)>;

/// The default resolver: the process environment and files, by the rules of
/// config's secret references (config::resolve: trailing newlines of a file
/// dropped, empty values refused).
persistence::result<std::string> resolve_token_ref(const std::string& ref);

/// The storage actor's settings.
struct storage_config {
  /// Largest number of enqueues grouped into one enqueue_batch (one commit).
  std::size_t max_batch = 1000;
  /// How long a call may wait in the actor's queue for a worker.
  caf::timespan queue_timeout = std::chrono::seconds(10);
  /// How often queued calls are checked against their deadline.
  caf::timespan tick_interval = std::chrono::milliseconds(500);
  /// First reconnect delay after a connection loss; doubles per failure.
  caf::timespan reconnect_min = std::chrono::milliseconds(100);
  /// Largest reconnect delay.
  caf::timespan reconnect_max = std::chrono::seconds(5);
  /// Calls allowed to wait in the actor's queues; beyond that new calls
  /// fail fast with ec::rate_limited (back-pressure instead of unbounded
  /// memory when PostgreSQL is slower than the callers).
  std::size_t max_queued = 100000;
  /// Keys of the connection tokens stored in PostgreSQL: key id -> 32 raw
  /// bytes (the node passes config's `credentials.keys`, decoded). Empty =
  /// storing a token is refused and stored tokens cannot be opened.
  std::map<std::string, std::string> token_keys;
  /// The key id new tokens are sealed with; one of token_keys (empty only
  /// when there are no keys).
  std::string active_token_key;
  /// Resolves token_ref for connections without a stored token; empty =
  /// resolve_token_ref.
  token_ref_resolver resolve_ref;
};

/// A message naming the first invalid setting, or an empty error.
caf::error validate(const storage_config& cfg);

/// Counters for tests, the bench and health checks.
struct storage_counters {
  std::uint64_t batches = 0;          ///< enqueue_batch calls made
  std::uint64_t batched_requests = 0; ///< enqueues sent in those batches
  std::size_t largest_batch = 0;
  std::uint64_t connection_losses = 0; ///< calls that reported unavailable
  std::uint64_t reconnects = 0;        ///< successful reconnects
  std::uint64_t timeouts = 0;          ///< calls failed by queue_timeout
};

/// The storage actor's state.
struct storage_state {
  static inline const char* name = "storage";

  enum class worker_status {
    starting, ///< never connected yet (calls queue)
    idle,     ///< connected, waiting for work
    busy,     ///< running a job
    down,     ///< connection lost; a reconnect is scheduled or running
  };

  struct worker_slot {
    worker_status status = worker_status::starting;
    /// The next reconnect delay.
    caf::timespan backoff{0};
    /// A reconnect job or timer is outstanding (never two at once).
    bool reconnecting = false;
  };

  /// One enqueue waiting to be grouped into a batch.
  struct queued_enqueue {
    std::uint64_t seq = 0;
    caf::actor_clock::time_point deadline;
    /// The request's lane within its org (enqueue_lane).
    std::uint32_t lane = 0;
    persistence::enqueue_request request;
    caf::typed_response_promise<persistence::enqueue_result> promise;
  };

  /// Any other call waiting for a worker.
  struct queued_call {
    std::uint64_t seq = 0;
    caf::actor_clock::time_point deadline;
    /// Runs on the worker; stores its result in a shared slot.
    std::function<void(persistence::backend&)> run;
    /// Runs on the actor after `run`: answers the caller. Returns true when
    /// the result said storage_unavailable (the worker's connection broke).
    std::function<bool()> finish;
    /// Answers the caller with an error without running.
    std::function<void(const caf::error&)> abort;
  };

  /// A job running on a worker.
  struct running_job {
    std::size_t worker = 0;
    /// Answers the callers; true = connection lost.
    std::function<bool()> finish;
    /// Answers the callers with an error (shutdown while running).
    std::function<void(const caf::error&)> abort;
    /// Connect jobs are handled apart from calls.
    bool is_connect = false;
    /// The grouping units (unit_key) of an enqueue batch: no other worker
    /// gets a batch with one of them while this one runs (see
    /// actors/enqueue_grouping.hpp).
    std::vector<std::string> units;
  };

  storage_config cfg;
  /// Seals and opens connection tokens (immutable; shared with the
  /// workers' jobs).
  std::shared_ptr<const persistence::token_cipher> cipher;
  /// Actors told about enqueue commits (atom::subscribe).
  std::vector<caf::actor> listeners;
  backend_factory connect;
  std::shared_ptr<storage_executor> exec;
  std::vector<worker_slot> workers;
  std::deque<queued_enqueue> enqueues;
  std::deque<queued_call> calls;
  std::unordered_map<std::uint64_t, running_job> running;
  std::uint64_t next_seq = 1;
  std::uint64_t next_job = 1;
  /// A dispatch message is in the mailbox.
  bool dispatch_pending = false;
  /// A tick timer is armed.
  bool tick_armed = false;
  /// The first connection succeeded (readiness).
  bool ready = false;
  /// Readiness probes waiting for the first connection.
  std::vector<caf::typed_response_promise<caf::ok_atom>> ready_waiters;
  storage_counters counters;

  /// True when no worker can take work now or soon (all down).
  bool unavailable() const;
};

using storage_pointer = storage_actor::stateful_pointer<storage_state>;

/// The storage actor's behavior. `exec` runs the jobs (threads in the node,
/// inline in tests); `connect` opens each worker's backend.
storage_actor::behavior_type make_storage(storage_pointer self,
                                          storage_config cfg,
                                          backend_factory connect,
                                          std::shared_ptr<storage_executor> exec);

/// Spawns the storage actor with `pool_size` worker threads.
storage_actor spawn_storage(caf::actor_system& sys, storage_config cfg,
                            backend_factory connect, std::size_t pool_size);

/// Maps a persistence error to the node's error codes.
caf::error to_caf_error(const persistence::db_error& err);

} // namespace adbatch
