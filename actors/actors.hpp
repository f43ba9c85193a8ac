#pragma once

// The message graph in one file: every typed actor interface of the node,
// each with a one-line role and a comment per handler. Message payload types
// live in actors/messages.hpp and are registered in actors/types.cpp.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

namespace adbatch {

// Sections are added by each component (supervisor, storage, ...).

// -- flush pipeline -------------------------------------------------------------

/// rate_limiter (one per platform): the platform's rate budget. The batcher
/// asks before every upstream call. Today a token bucket over the
/// configured budget (platforms/common/token_bucket.hpp); the rate-budgets
/// issue makes it adaptive and shared. Implementation: actors/rate_limiter.*.
using rate_limiter_actor = caf::typed_actor<
  /// (scope, units, max_wait): reserves `units` if they are there within
  /// max_wait (granted, wait until the call may go), else says when they
  /// would be (not granted, nothing reserved).
  caf::replies_to<atom::acquire, std::string, std::int64_t,
                  caf::timespan>::with<rate_grant>,
  /// (scope, units): units reserved for a call that was not made.
  caf::reacts_to<atom::refund, std::string, std::int64_t>,
  /// The budget as it stands.
  caf::replies_to<atom::status>::with<rate_limiter_status>,
  /// Readiness probe.
  caf::replies_to<atom::ping>::with<caf::ok_atom>>;

/// batcher (one per platform): serves the platform's queue. A flush works in
/// rounds: claim (priority order, lease) -> plan (platforms/<name>/, pure)
/// -> rate_limiter -> upstream HTTPS -> split -> store every request's
/// result or failure + one execution-log row; rounds go on while due
/// requests remain and the budget allows. It also keeps the platform's
/// schedule: a flush every flush_interval, an early one when a full batch or
/// an urgent request is waiting; never two at once. Implementation:
/// actors/batcher.*.
using batcher_actor = caf::typed_actor<
  /// (limit): flushes up to `limit` requests now (after a running flush);
  /// answers what it did, like the original's flush().
  caf::replies_to<atom::flush, std::int32_t>::with<flush_summary>,
  /// (platform, min priority, new rows): storage committed new requests
  /// (the batcher subscribes itself to storage and ignores the other
  /// platforms' notices).
  caf::reacts_to<atom::queued, persistence::ad_platform, std::int32_t,
                 std::int64_t>,
  /// Counters and the schedule.
  caf::replies_to<atom::status>::with<batcher_status>,
  /// Readiness probe.
  caf::replies_to<atom::ping>::with<caf::ok_atom>,
  /// Internal: the periodic flush timer (generation).
  caf::reacts_to<atom::tick, std::uint64_t>,
  /// Internal: (round, call) answered.
  caf::reacts_to<atom::upstream_done, std::uint64_t, std::uint64_t,
                 upstream_answer>,
  /// Internal: (round, call) may go now (its rate wait expired).
  caf::reacts_to<atom::go, std::uint64_t, std::uint64_t>>;


// -- supervisor ---------------------------------------------------------------

/// The node's root: starts the children in spawn order, watches them,
/// restarts a crashed one after a backoff (one-for-one) inside a restart
/// intensity limit, escalates past it (quits with
/// ec::restart_intensity_exceeded) and stops the children in reverse spawn
/// order. Implementation: actors/supervisor.{hpp,cpp}.
///
/// Readiness contract: a child whose spec sets `ready_timeout` must answer
/// `(atom::ping) -> (caf::ok_atom)` once it can serve; see child_ready_actor.
using supervisor_actor = caf::typed_actor<
  /// Starts every child in spawn order, each waited for until ready. Replies
  /// with the names of the started children. A core child that fails to
  /// start -> error ec::child_start_failed naming it; the supervisor then
  /// stops the others and quits with that error.
  caf::replies_to<atom::start>::with<std::vector<std::string>>,
  /// The current handle of a running child by name; ec::not_found when
  /// unknown or between restarts. Cast it to the child's typed handle.
  caf::replies_to<atom::child, std::string>::with<caf::actor>,
  /// Every child's name, phase and restart count, in spawn order.
  caf::replies_to<atom::status>::with<std::vector<child_status>>,
  /// Stops the children in reverse spawn order, each waited for (down_msg)
  /// up to its stop timeout, replies ok, then quits normally.
  caf::replies_to<atom::shutdown>::with<caf::ok_atom>,
  /// Internal timer: restart child (name) of the given generation.
  caf::reacts_to<atom::restart, std::string, std::uint64_t>,
  /// Internal timer: the stop timeout of child (name, generation) expired.
  caf::reacts_to<atom::shutdown, std::string, std::uint64_t>>;

/// The readiness probe a supervised child may implement (see
/// child_spec::ready_timeout). Children add this handler to their interface.
using child_ready_actor
  = caf::typed_actor<caf::replies_to<atom::ping>::with<caf::ok_atom>>;

/// heartbeat: the smallest supervised child; proves the tree runs and logs
/// the node's uptime at debug level. Implementation: actors/heartbeat.*.
using heartbeat_actor = caf::typed_actor<
  /// Readiness probe: answers ok.
  caf::replies_to<atom::ping>::with<caf::ok_atom>,
  /// Internal: the periodic tick (re-armed on every tick).
  caf::reacts_to<atom::tick>>;

// -- storage ------------------------------------------------------------------

/// storage: every durable read and write; owns the PostgreSQL connections
/// (a few worker threads, one connection each; libpq never blocks a CAF
/// thread). Implementation: actors/storage.{hpp,cpp}. Every reply comes
/// after the commit. Errors: ec::invalid_argument, ec::not_found,
/// ec::conflict, ec::storage_error, ec::storage_unavailable (PostgreSQL
/// unreachable: fails fast while every connection is down), ec::timeout
/// (waited in the actor's queue longer than storage_config::queue_timeout),
/// ec::rate_limited (more than storage_config::max_queued calls waiting),
/// ec::shutting_down. Callers should use a request timeout of at least
/// queue_timeout + a statement's time (30 s is a safe default).
using storage_actor = caf::typed_actor<
  /// Queues one request (validated, de-duplicated by key). Concurrent
  /// enqueues are grouped into one statement and one commit; each caller is
  /// answered after that commit with its id and whether it was a duplicate.
  caf::replies_to<atom::enqueue, persistence::enqueue_request>::with<
    persistence::enqueue_result>,
  /// (org, id): a request as its org sees it; not_found for another org's.
  caf::replies_to<atom::get, std::string, persistence::request_id>::with<
    persistence::request_view>,
  /// (org, id): cancels a pending request; conflict once it is claimed.
  caf::replies_to<atom::cancel, std::string, persistence::request_id>::with<
    caf::ok_atom>,
  /// (org, connection, reason): cancels a connection's pending requests;
  /// answers how many.
  caf::replies_to<atom::cancel_conn, std::string, std::string,
                  std::string>::with<std::int64_t>,
  /// (org): that org's counters, one entry per platform.
  caf::replies_to<atom::stats, std::string>::with<
    std::vector<persistence::queue_stats>>,
  /// (platform): cross-org counters of one platform.
  caf::replies_to<atom::stats, persistence::ad_platform>::with<
    persistence::queue_stats>,
  /// (): cross-org counters of every platform.
  caf::replies_to<atom::stats>::with<std::vector<persistence::queue_stats>>,
  /// (platform, limit, lease, owner): claims due pending requests, most
  /// urgent first, under a lease; expired leases return to the queue.
  caf::replies_to<atom::claim, persistence::ad_platform, std::int32_t,
                  caf::timespan, std::string>::with<persistence::claim_result>,
  /// (id, owner, result JSON): completes one claimed request.
  caf::replies_to<atom::complete, persistence::request_id, std::string,
                  std::string>::with<caf::ok_atom>,
  /// (completions, owner): completes many in one statement.
  caf::replies_to<atom::complete, std::vector<persistence::completion>,
                  std::string>::with<persistence::batch_outcome>,
  /// (id, owner, error, error code, retryable): retry later or terminal.
  caf::replies_to<atom::fail, persistence::request_id, std::string,
                  std::string, std::string, bool>::with<
    persistence::fail_outcome>,
  /// (failures, owner): fail() for many in one transaction.
  caf::replies_to<atom::fail, std::vector<persistence::failure>,
                  std::string>::with<persistence::batch_outcome>,
  /// (id, owner, reason): a claimed request is skipped (terminal).
  caf::replies_to<atom::skip, persistence::request_id, std::string,
                  std::string>::with<caf::ok_atom>,
  /// (ids, owner, delay): gives claimed requests back without using up an
  /// attempt, due again after the delay.
  caf::replies_to<atom::release, std::vector<persistence::request_id>,
                  std::string, caf::timespan>::with<persistence::batch_outcome>,
  /// (updates, owner): multi-step requests back to pending with their
  /// progress stored, without using up an attempt.
  caf::replies_to<atom::progress, std::vector<persistence::progress_update>,
                  std::string>::with<persistence::batch_outcome>,
  /// (platform, limit): failed requests back to pending; answers how many.
  caf::replies_to<atom::requeue, persistence::ad_platform,
                  std::int32_t>::with<std::int64_t>,
  /// (retention): deletes finished rows older than that; answers how many.
  caf::replies_to<atom::prune, caf::timespan>::with<std::int64_t>,
  /// (row): appends an execution-log row; answers its id.
  caf::replies_to<atom::exec_log, persistence::execution_log_row>::with<
    std::int64_t>,
  /// (platform, hours): aggregates a platform's execution log.
  caf::replies_to<atom::exec_log, persistence::ad_platform,
                  std::int32_t>::with<persistence::execution_summary>,
  /// Registers an org's platform connection; conflict if the id exists.
  caf::replies_to<atom::conn_add, persistence::platform_connection>::with<
    caf::ok_atom>,
  /// (org, connection, enabled): enables or disables a connection.
  caf::replies_to<atom::conn_enable, std::string, std::string, bool>::with<
    caf::ok_atom>,
  /// (connection): cross-org lookup of a connection.
  caf::replies_to<atom::conn_get, std::string>::with<
    persistence::platform_connection>,
  /// (platform): every connection of a platform.
  caf::replies_to<atom::conn_list, persistence::ad_platform>::with<
    std::vector<persistence::platform_connection>>,
  /// (org, filter): an org's requests, newest first (keyset paging).
  caf::replies_to<atom::get, std::string, persistence::request_filter>::with<
    std::vector<persistence::request_view>>,
  /// (platform, limit, lease, owner, options): claim() that skips some
  /// connections and caps the rows per connection.
  caf::replies_to<atom::claim, persistence::ad_platform, std::int32_t,
                  caf::timespan, std::string,
                  persistence::claim_options>::with<persistence::claim_result>,
  /// Puts every expired lease back on every platform (maintenance tick).
  caf::replies_to<atom::reap>::with<persistence::lease_sweep>,
  /// Stores a received webhook (one commit) before it is acknowledged; a
  /// re-delivery answers the first one's id with duplicate = true.
  caf::replies_to<atom::store_event, persistence::webhook_event>::with<
    persistence::store_event_result>,
  /// (platform, limit, lease, owner): claims due received webhooks.
  caf::replies_to<atom::claim_events, persistence::ad_platform, std::int32_t,
                  caf::timespan, std::string>::with<
    std::vector<persistence::claimed_event>>,
  /// (id, owner, processed|ignored, org or "", connection or ""): finishes
  /// a claimed webhook.
  caf::replies_to<atom::finish_event, std::int64_t, std::string,
                  persistence::webhook_status, std::string,
                  std::string>::with<caf::ok_atom>,
  /// (id, owner, error, error code, retryable): retry later or terminal.
  caf::replies_to<atom::fail_event, std::int64_t, std::string, std::string,
                  std::string, bool>::with<persistence::event_fail_outcome>,
  /// (retention): deletes finished webhooks older than that.
  caf::replies_to<atom::prune_events, caf::timespan>::with<std::int64_t>,
  /// Health: connections up, calls queued and running, counters. Answered
  /// at once, also while PostgreSQL is down.
  caf::replies_to<atom::status>::with<storage_status>,
  /// Readiness: answers ok once the first connection (and the migrations)
  /// succeeded; an error if storage cannot start.
  caf::replies_to<atom::ping>::with<caf::ok_atom>,
  /// (org, connection, token): seals the token (AES-256-GCM with the
  /// active credentials key, AAD = the connection id) and stores it,
  /// replacing an earlier one. not_found for another org's connection;
  /// invalid_argument when no key is configured or the token is empty.
  caf::replies_to<atom::token_set, std::string, std::string,
                  platform_token>::with<caf::ok_atom>,
  /// (org, connection): removes the stored token; the connection falls
  /// back to its token_ref. not_found for another org's connection.
  caf::replies_to<atom::token_clear, std::string, std::string>::with<
    caf::ok_atom>,
  /// (connection): cross-org; the connection and the token to call its
  /// platform with: the stored one opened ("stored"), else its token_ref
  /// resolved ("reference", env:NAME / file:/path), else none ("none").
  /// ec::invalid_config naming the connection and key id when a stored
  /// token cannot be opened (unknown key, failed authentication) or the
  /// reference cannot be resolved; never the token.
  caf::replies_to<atom::credential, std::string>::with<connection_secret>,
  /// (rows per transaction): re-seals every stored token whose key is not
  /// the active one; rows that cannot be opened are counted and kept.
  caf::replies_to<atom::rotate_keys, std::int32_t>::with<
    persistence::token_rotation>,
  /// (listener): after each enqueue commit the listener gets
  /// `(atom::queued, persistence::ad_platform, std::int32_t min_priority,
  /// std::int64_t new_rows)`, one message per platform with newly inserted
  /// (not de-duplicated) rows. Listeners are monitored and dropped when
  /// they terminate; subscribing twice changes nothing.
  caf::reacts_to<atom::subscribe, caf::actor>,
  /// Internal: a worker finished job `id`.
  caf::reacts_to<atom::job_done, std::uint64_t>,
  /// Internal: reconnect worker `index` (its backoff expired).
  caf::reacts_to<atom::reconnect, std::uint64_t>,
  /// Internal: hand queued calls to idle workers (grouping enqueues).
  caf::reacts_to<atom::dispatch>,
  /// Internal: fail queued calls whose deadline passed.
  caf::reacts_to<atom::tick>>;

} // namespace adbatch
