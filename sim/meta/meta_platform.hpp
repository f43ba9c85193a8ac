#pragma once

// The simulated Meta Graph / Marketing API (platform "meta"): Batch API,
// ?ids= multi-reads, node/edge/insights reads and a few writes, with the
// app, user and business-use-case (BUC) rate budgets and their headers.
// See docs/platforms.md#meta for what is and is not simulated.

#include "sim/core/platform.hpp"
#include "sim/meta/meta_model.hpp"

#include <cstdint>
#include <memory>

namespace adbatch::sim {

/// Meta-specific settings (all published limits are further multiplied by
/// platform_options::limit_scale).
struct meta_options {
  meta::model_options world;            ///< size of the simulated object graph
  /// Which token owns which ad accounts, pages and businesses (config keys
  /// `ownership_modulus` and `token_owners`); see meta::ownership_options.
  meta::ownership_options ownership;
  /// App budget = 200 calls/h x active users (the published formula); the
  /// user count is unknowable for a simulator, so it is a setting.
  std::int64_t app_active_users = 100;
  /// Per access token ("user") calls per hour before error 17. Meta does not
  /// publish this number; 4800/h is the simulator's choice.
  std::int64_t user_calls_per_hour = 4800;
  std::int64_t buc_management_base = 300;      ///< standard tier, per account/h
  std::int64_t buc_management_per_ad = 40;     ///< + 40 x active ads
  std::int64_t buc_insights_base = 600;        ///< standard tier, per account/h
  std::int64_t buc_insights_per_ad = 400;      ///< + 400 x active ads
  int max_batch_ops = 50;                      ///< Batch API operations
  int max_ids = 50;                            ///< ?ids= entries
  /// HTTP status of throttle errors (Graph answers 400 in public reports;
  /// UNCONFIRMED in the contracts).
  int throttle_http_status = 400;
  std::string default_version = "v21.0";       ///< for unversioned paths
  /// A batch's time budget in cost units (node read 1, edge 1 + items/25,
  /// insights 2 + rows/5, ids 1 per id, write 2). Once the operations done
  /// so far exceed it, the remaining ones answer `null` (not completed), as
  /// Graph does for batches that run too long. 0 = no budget. Meta publishes
  /// no number; 1000 lets ordinary batches finish and cuts heavy insights
  /// batches short.
  std::int64_t batch_time_budget = 1000;
};

/// Builds the Meta simulator with explicit Meta settings.
std::unique_ptr<platform> make_meta(const platform_options& opts,
                                    const meta_options& meta_opts);

} // namespace adbatch::sim
