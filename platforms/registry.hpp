#pragma once

// Which platforms have a flush pipeline, and the enqueue-time check that
// uses their request catalogs. The node (actors/) and the bench read this;
// the simulators do not.

#include "platforms/common/pipeline.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace adbatch::platforms {

/// The adapter of `p` (one shared, immutable instance); every platform of
/// the table has one. nullptr only for a platform added to the table before
/// its catalog.
std::shared_ptr<const platform_adapter> adapter_for(platform_id p);

/// The platform's minimum function (the best possible plan's cost), or a
/// zero cost for a platform without an adapter.
plan_cost minimum_cost(platform_id p, std::span<const queued_request> requests,
                       const plan_context& ctx);

/// The enqueue-time check: empty when the request may be stored, otherwise
/// the reason, naming the parameter. `params_json` must be a JSON object.
/// Platforms without an adapter accept any request type (their requests
/// wait in the queue until their batcher exists).
std::string validate_request(platform_id p, std::string_view request_type,
                             std::string_view params_json);

} // namespace adbatch::platforms
