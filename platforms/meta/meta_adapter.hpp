#pragma once

// Meta (Graph / Marketing API) flush pipeline: request catalog, planner
// (field expansion, ?ids=, Batch API), splitter, rate signals and the
// independent minimum-cost function. Pure: no CAF, no I/O, time passed in.
// Request types, params and result shapes: docs/requests.md#meta.

#include "platforms/common/pipeline.hpp"
#include "platforms/meta/planner.hpp"

#include <memory>
#include <span>

namespace adbatch::platforms {

/// The Meta adapter with Graph's published limits (v21.0, 50 ops per batch,
/// 50 ids per read, adbatch-sim's batch time budget 1000).
std::unique_ptr<platform_adapter> make_meta_adapter();
/// The same with other limits (tests, a simulator run with other settings).
std::unique_ptr<platform_adapter>
make_meta_adapter(const meta::meta_limits& limits);

/// The best possible (quota units, calls) for serving `requests` under
/// Graph's limits and the merge rules, computed as a formula independent of
/// the planner (see minimum.cpp and docs/requests.md#meta):
///   units = sum over (token, root node) of the root's operations
///           (max over its edges of distinct edge variants, at least 1 with
///           node fields or asset lists) + one per retried request's own
///           read + one per generic call (ids= endpoints: one per id);
///   calls = 0 | 1 for one operation | else the least m >= ceil(ops/cap)
///           (and >= the operations heavier than the batch time budget)
///           whose batches can keep within the budget, where ops counts
///           ?ids= reads (same token, node type and selection, <= 50 roots)
///           as one.
/// Rejected requests (no token, invalid) cost nothing.
plan_cost meta_minimum_cost(std::span<const queued_request> requests,
                            const plan_context& ctx);
plan_cost meta_minimum_cost(std::span<const queued_request> requests,
                            const plan_context& ctx,
                            const meta::meta_limits& limits);

} // namespace adbatch::platforms
