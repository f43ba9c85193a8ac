#pragma once

// Which queued enqueues go into the next batch of an idle storage worker.
// Pure logic (no CAF, no I/O), used by the storage actor's dispatch.
//
// Requests are grouped in units: an org and a lane within the org. A unit is
// in at most one running batch at a time. Why:
// - A repeated request must never run beside the uncommitted batch that
//   holds the same key: it would wait on that transaction's unique-index
//   entry until it commits. The request key covers org, connection, type
//   and params, and the lane is a hash of exactly those fields as sent, so
//   a repeat lands in the unit of its original. (Params that differ only in
//   key order or spacing have the same key but may get another lane: then
//   the repeat just waits for that commit, as any cross-node repeat does.)
// - Lanes let one busy org use every worker (one lane per worker), while
//   batches still prefer whole orgs: row-level security makes the insert
//   one statement per org, so an org split across two batches costs two
//   smaller statements.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace adbatch {

/// What an enqueue is grouped by.
struct grouping_unit {
  std::string_view org;
  std::uint32_t lane = 0;
};

/// The lane of a request: a hash of its connection, type and params text,
/// modulo `lanes` (0 when lanes <= 1).
std::uint32_t enqueue_lane(std::string_view connection_id,
                           std::string_view request_type,
                           std::string_view params, std::uint32_t lanes);

/// The key of a unit in a busy set.
std::string unit_key(std::string_view org, std::uint32_t lane);

/// Picks the positions (ascending) of the queued enqueues for one batch.
/// - `queue`: the unit of each queued enqueue, in arrival order.
/// - `busy`: unit_key()s of units in batches running on other workers;
///   never picked.
/// - `target`: the share of the queue this batch should take. Units join in
///   the order of their oldest request (an org's lanes together), the first
///   one always, each further one only while it brings the batch closer to
///   `target`; then the batch takes the joined units' requests in arrival
///   order, up to `max_batch`.
/// A unit waits at most for the running batch that holds it.
std::vector<std::size_t>
pick_enqueue_batch(const std::vector<grouping_unit>& queue,
                   const std::unordered_set<std::string>& busy,
                   std::size_t target, std::size_t max_batch);

/// The share of `queued` enqueues for one of `workers` connected workers:
/// ceil(queued / workers), at least 1, at most `max_batch`.
std::size_t enqueue_batch_target(std::size_t queued, std::size_t workers,
                                 std::size_t max_batch);

} // namespace adbatch
