#pragma once

// The flush pipeline's children of the node's supervisor: per enabled
// platform that has a catalog, `ratelimit/<p>` (its budget) and
// `batcher/<p>` (its queue and schedule), spawned after storage. One
// upstream HTTPS client (net::upstream_client) is shared by every batcher.

#include "actors/batcher.hpp"
#include "actors/rate_limiter.hpp"
#include "actors/supervisor.hpp"
#include "config/config.hpp"

#include <memory>
#include <vector>

namespace adbatch::net {
class upstream_client;
} // namespace adbatch::net

namespace adbatch {

/// The batcher settings of platform `p` from the node config.
batcher_config make_batcher_config(const config::config& cfg,
                                   platforms::platform_id p);

/// The rate budget of platform `p` from the node config.
rate_limiter_config make_rate_limiter_config(const config::config& cfg,
                                             platforms::platform_id p);

/// Sends through `client`; the completion is translated to an
/// upstream_answer (no CAF type crosses into net/).
upstream_sender make_upstream_sender(std::shared_ptr<net::upstream_client> c);

/// The pipeline children in spawn order (each limiter before its batcher).
/// Empty when no platform is enabled. Throws std::runtime_error when the
/// upstream client cannot start (e.g. an unreadable upstream.ca_file).
std::vector<child_spec> make_pipeline_children(const config::config& cfg);

} // namespace adbatch
