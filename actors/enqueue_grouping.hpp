#pragma once

// Which queued enqueues go into the next batch of an idle storage worker.
// Pure logic (no CAF, no I/O), used by the storage actor's dispatch.
//
// Why org affinity: a request key includes the org, so two batches that
// share no org share no key. If two workers ran batches of the same org at
// once, a repeated request in one would wait on the other's uncommitted
// insert of that key (a unique-index wait, ended only by the other commit),
// and the org's rows would split into two smaller per-org statements (row
// level security makes the insert one statement per org). Keeping each org
// in at most one running batch avoids both; across batches of one worker
// the earlier commit is already visible.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace adbatch {

/// Picks the positions (ascending) of the queued enqueues for one batch.
/// - `orgs`: the org of each queued enqueue, in arrival order.
/// - `busy`: orgs with a batch running on another worker; never picked.
/// - `target`: when the batch has this many requests it takes no new org
///   (so that idle workers share the queue); orgs already in the batch keep
///   filling it up to `max_batch`.
/// Orgs join in the order of their oldest queued request, so an org waits
/// at most for the running batch that holds it.
std::vector<std::size_t>
pick_enqueue_batch(const std::vector<std::string_view>& orgs,
                   const std::unordered_set<std::string>& busy,
                   std::size_t target, std::size_t max_batch);

/// The share of `queued` enqueues one of `idle_workers` idle workers should
/// take: ceil(queued / idle_workers), at least 1, at most `max_batch`.
std::size_t enqueue_batch_target(std::size_t queued, std::size_t idle_workers,
                                 std::size_t max_batch);

} // namespace adbatch
