#pragma once

// The storage interface of the durable request queue.
//
// Synchronous and thread-compatible: one backend instance per connection and
// per thread (the storage actor owns a few, each on its own worker thread).
// No CAF here; every call returns result<T> and never throws.
//
// Implementations: pg_backend (persistence/pg_backend.hpp, PostgreSQL, the
// real thing) and memory_backend (actor unit tests).
//
// Org scope: calls taking an `org_id` only see and touch that org's rows
// (PostgreSQL enforces this with row-level security). The other calls are
// the worker's cross-org view.

#include "persistence/result.hpp"
#include "persistence/types.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace adbatch::persistence {

/// Validates a request type for a platform before anything is stored.
/// Returns an empty string when valid, otherwise the reason
/// ("unknown request type 'x' for meta").
using request_type_validator = std::function<std::string(
    ad_platform, std::string_view request_type, std::string_view params_json)>;

/// Re-seals one stored token with the active key (the caller holds the
/// keys; the backend never sees a plaintext). Gets the connection id and
/// the token as stored; answers the new sealed token or why it cannot.
using token_resealer = std::function<result<sealed_token>(
    const std::string& connection_id, const sealed_token& old)>;

/// Exponential backoff for retries: base doubling per attempt, capped, with
/// jitter that shortens the delay by up to `jitter` (a fraction in [0, 1)).
struct backoff_policy {
  std::chrono::milliseconds base{60'000};
  std::chrono::milliseconds cap{900'000};
  double jitter = 0.2;
};

/// Behaviour switches shared by every backend.
struct backend_options {
  /// A request identical to one COMPLETED less than this long ago returns that
  /// row (deduplicated = true). Zero turns the completed-window rule off;
  /// pending/processing rows always deduplicate.
  std::chrono::seconds dedup_window{300};
  /// Per-platform request-type check; empty = accept all.
  request_type_validator validate_request_type;
  /// Retry delays for fail(retryable).
  backoff_policy backoff;
  /// Source of jitter in [0, 1); empty = a thread-local PRNG. Tests pass a
  /// constant for exact bounds.
  std::function<double()> jitter_source;
  /// Longest a single statement may run (PostgreSQL statement_timeout);
  /// zero = no limit. Bounds a call that hangs on a stuck server or lock.
  std::chrono::milliseconds statement_timeout{30'000};
  /// Longest a connection attempt may take unless the conninfo says
  /// otherwise (libpq connect_timeout, whole seconds, at least 2).
  std::chrono::seconds connect_timeout{10};
};

/// The queue's storage operations.
class backend {
public:
  virtual ~backend() = default;

  // -- connection ------------------------------------------------------------

  /// Checks the connection with a trivial round trip.
  /// storage_unavailable when the server is gone.
  virtual result<void> ping() = 0;

  /// False once the connection is known to be broken (then reconnect).
  virtual bool connected() const = 0;

  // -- connections (platform accounts) ---------------------------------------

  /// Registers an org's platform connection. conflict if the id exists.
  virtual result<void> add_connection(const platform_connection& conn) = 0;

  /// Enables or disables a connection (disabled ones reject new requests).
  virtual result<void> set_connection_enabled(const std::string& org_id,
                                              const std::string& connection_id,
                                              bool enabled) = 0;

  /// Cross-org lookup for workers. not_found if absent.
  virtual result<platform_connection>
  get_connection(const std::string& connection_id) = 0;

  /// All connections of a platform (workers).
  virtual result<std::vector<platform_connection>>
  list_connections(ad_platform p) = 0;

  // -- connection tokens (sealed; see persistence/token_cipher.hpp) ---------
  // Not pure: backends without token storage answer invalid_argument.

  /// Stores an org's connection token, replacing any earlier one
  /// (org-scoped: not_found for another org's connection).
  virtual result<void> set_connection_token(const std::string& org_id,
                                            const std::string& connection_id,
                                            const sealed_token& sealed) {
    (void)org_id, (void)connection_id, (void)sealed;
    return unsupported();
  }

  /// Removes an org's stored connection token (the connection falls back to
  /// its token_ref). not_found for another org's connection; removing an
  /// absent token is fine.
  virtual result<void>
  clear_connection_token(const std::string& org_id,
                         const std::string& connection_id) {
    (void)org_id, (void)connection_id;
    return unsupported();
  }

  /// Cross-org lookup for workers: the connection and its sealed token
  /// (none when no token is stored). not_found if absent.
  virtual result<stored_connection_secret>
  get_connection_secret(const std::string& connection_id) {
    (void)connection_id;
    return unsupported();
  }

  /// Re-seals every stored token whose key id is not `active_key_id` with
  /// `reseal`, `batch` rows per transaction (each row's update is
  /// org-scoped). A row that changed meanwhile (a new token was set) is
  /// left alone; a row `reseal` refuses is counted in `failed` and keeps
  /// its old token.
  virtual result<token_rotation> rotate_tokens(const std::string& active_key_id,
                                               int batch,
                                               const token_resealer& reseal) {
    (void)active_key_id, (void)batch, (void)reseal;
    return unsupported();
  }

  // -- enqueue (org-scoped)
  // ----------------------------------------------------

  /// Validates and stores many requests with one commit. Answers one result
  /// per input, in order. Invalid items get invalid_argument and store
  /// nothing; the valid ones still commit. A storage failure fails every item.
  virtual std::vector<result<enqueue_result>>
  enqueue_batch(const std::vector<enqueue_request>& requests) = 0;

  /// One request; same rules as enqueue_batch.
  virtual result<enqueue_result> enqueue(const enqueue_request& request) {
    return enqueue_batch({request}).front();
  }

  /// A request as its org sees it. not_found for another org's id.
  virtual result<request_view> get_request(const std::string& org_id,
                                           request_id id) = 0;

  /// An org's requests matching the filter, newest first. Not pure:
  /// backends without it answer invalid_argument.
  virtual result<std::vector<request_view>>
  list_requests(const std::string& org_id, const request_filter& filter) {
    (void)org_id, (void)filter;
    return unsupported();
  }

  /// Cancels a pending request. not_found if absent (or another org's),
  /// conflict if it is processing or already finished.
  virtual result<void> cancel(const std::string& org_id, request_id id) = 0;

  /// Cancels every pending request of a connection; answers how many.
  virtual result<std::int64_t>
  cancel_connection(const std::string& org_id, const std::string& connection_id,
                    const std::string& reason) = 0;

  /// Counters of one org, one entry per platform.
  virtual result<std::vector<queue_stats>>
  org_stats(const std::string& org_id) = 0;

  // -- worker side (cross-org)
  // ------------------------------------------------------

  /// Claims up to `limit` due pending requests of a platform, most urgent
  /// first (priority, then age), under a lease owned by `lease_owner`.
  /// In the same transaction, expired leases go back to pending (or to
  /// failed when their attempts are exhausted).
  virtual result<claim_result> claim(ad_platform p, int limit,
                                     std::chrono::milliseconds lease,
                                     const std::string& lease_owner) = 0;

  /// claim() with rules: skip some connections, cap per connection. The
  /// order stays priority, then age. Backends that do not support options
  /// answer invalid_argument for non-empty ones.
  virtual result<claim_result> claim_filtered(ad_platform p, int limit,
                                              std::chrono::milliseconds lease,
                                              const std::string& lease_owner,
                                              const claim_options& options) {
    if (options.empty()) return claim(p, limit, lease, lease_owner);
    return make_error(error_code::invalid_argument,
                      "this backend does not support claim options");
  }

  /// Stores a result. conflict when `lease_owner` no longer holds the row.
  virtual result<void> complete(request_id id, const std::string& lease_owner,
                                const std::string& result_json) = 0;

  /// Completes many rows in one statement.
  virtual result<batch_outcome>
  complete_many(const std::vector<completion>& items,
                const std::string& lease_owner) = 0;

  /// Records a failure: retryable with attempts left -> pending after the
  /// backoff, else terminal failed. conflict when the lease is lost.
  virtual result<fail_outcome>
  fail(request_id id, const std::string& lease_owner, const std::string& error,
       const std::string& error_code, bool retryable) = 0;

  /// fail() for many rows in one transaction. An item with `ambiguous` set
  /// becomes terminal `ambiguous` (error and code stored, never retried,
  /// attempts left or not).
  virtual result<batch_outcome> fail_many(const std::vector<failure>& items,
                                          const std::string& lease_owner) = 0;

  /// Marks a claimed request skipped (terminal) with a reason.
  virtual result<void> skip(request_id id, const std::string& lease_owner,
                            const std::string& reason) = 0;

  /// Gives claimed requests back without using up an attempt (e.g. the
  /// connection's rate budget is spent): pending again, not before
  /// now + delay.
  virtual result<batch_outcome> release(const std::vector<request_id>& ids,
                                        const std::string& lease_owner,
                                        std::chrono::milliseconds delay) = 0;

  /// Gives claimed multi-step requests back with their progress stored (see
  /// progress_update): pending again without using up an attempt; the next
  /// claim hands the progress back in claimed_request::progress.
  virtual result<batch_outcome>
  save_progress(const std::vector<progress_update>& items,
                const std::string& lease_owner) = 0;

  /// Failed requests of a platform back to pending with attempts reset.
  /// Never touches ambiguous rows: their write may have happened.
  virtual result<std::int64_t> requeue_failed(ad_platform p, int limit) = 0;

  /// Deletes finished rows (completed, failed, cancelled, skipped,
  /// ambiguous) whose completion is older than `retention`; answers how
  /// many.
  virtual result<std::int64_t> prune(std::chrono::seconds retention) = 0;

  /// Puts every expired lease back (requests to pending, webhook events to
  /// received; failed when attempts are used up), on every platform. Claims
  /// already do this for their platform; this sweep (for the scheduler's
  /// maintenance tick) covers platforms nobody claims at the moment. Not
  /// pure: backends without it answer invalid_argument.
  virtual result<lease_sweep> reap_expired_leases() { return unsupported(); }

  /// Cross-org counters of one platform.
  virtual result<queue_stats> stats(ad_platform p) = 0;

  /// stats() for every platform.
  virtual result<std::vector<queue_stats>> stats_all() = 0;

  // -- webhook events (cross-org)
  // --------------------------------------------------------- Not pure:
  // backends without webhook storage answer invalid_argument.

  /// Stores a received webhook with one commit, before it is acknowledged.
  /// A re-delivery (same platform and external_event_id) is not stored again:
  /// answers the first one's id with duplicate = true. An event whose
  /// signature is invalid is stored as `ignored` and never claimed.
  virtual result<store_event_result> store_event(const webhook_event& event) {
    (void)event;
    return unsupported();
  }

  /// Claims up to `limit` due `received` events of a platform (oldest first)
  /// under a lease; expired leases go back to received (or failed when
  /// their attempts are used up) in the same transaction.
  virtual result<std::vector<claimed_event>>
  claim_events(ad_platform p, int limit, std::chrono::milliseconds lease,
               const std::string& lease_owner) {
    (void)p, (void)limit, (void)lease, (void)lease_owner;
    return unsupported();
  }

  /// Marks a claimed event processed or ignored (`status`), optionally
  /// recording the org/connection it turned out to belong to. conflict when
  /// the lease is lost; invalid_argument for another status.
  virtual result<void>
  finish_event(std::int64_t id, const std::string& lease_owner,
               webhook_status status,
               const std::optional<std::string>& org_id = {},
               const std::optional<std::string>& connection_id = {}) {
    (void)id, (void)lease_owner, (void)status, (void)org_id,
        (void)connection_id;
    return unsupported();
  }

  /// Records a processing failure: retryable with attempts left -> received
  /// after the backoff, else terminal failed. conflict when the lease is lost.
  virtual result<event_fail_outcome> fail_event(std::int64_t id,
                                                const std::string& lease_owner,
                                                const std::string& error,
                                                const std::string& error_code,
                                                bool retryable) {
    (void)id, (void)lease_owner, (void)error, (void)error_code, (void)retryable;
    return unsupported();
  }

  /// Deletes processed/failed/ignored/duplicate events received longer ago
  /// than `retention`; answers how many.
  virtual result<std::int64_t> prune_events(std::chrono::seconds retention) {
    (void)retention;
    return unsupported();
  }

  // -- execution log
  // ---------------------------------------------------------------------

  /// Appends a batch's execution record; answers its row id.
  virtual result<std::int64_t> log_execution(const execution_log_row& row) = 0;

  /// Aggregates a platform's log over the last `hours`.
  virtual result<execution_summary> execution_log(ad_platform p, int hours) = 0;

protected:
  static db_error unsupported() {
    return make_error(error_code::invalid_argument,
                      "not supported by this backend");
  }
};

} // namespace adbatch::persistence
