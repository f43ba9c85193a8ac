#pragma once

// Meta's splitter: one call's answer (a Batch API array, an ?ids= object, a
// node or edge body, an error) -> each served request's own outcome, the
// quota units Graph charged and the rate signals. Internal to
// platforms/meta.

#include "platforms/common/pipeline.hpp"
#include "platforms/meta/planner.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>

namespace adbatch::platforms::meta {

split_result split_meta_call(const upstream_call& call,
                             const upstream_reply& reply,
                             const meta_limits& limits);

/// A request's own result cut out of its root's node object (for edge
/// forms: {"<edge>": <edge body>}); nullopt when the object lacks what the
/// request read. Not yet sanitized.
std::optional<boost::json::value>
extract_result(const meta_request& r, const boost::json::object& node);

} // namespace adbatch::platforms::meta
