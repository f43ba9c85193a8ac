#pragma once

// Meta's planner: claimed requests -> Graph operations -> upstream calls.
// Internal to platforms/meta (the public face is meta_adapter.hpp).
//
// Operations, from most to least merged:
//   - a root read: one node (act_1, a campaign, `me` ...) read through one
//     token, its own fields plus edges expanded one level below it
//     (`act_1?fields=name,campaigns.limit(25){..},insights.level(ad){..}`);
//     one quota unit;
//   - an `?ids=` read: root reads of one token, node type and identical
//     selection over up to 50 roots (`?ids=a,b&fields=..` or
//     `campaigns?ids=a,b&..`); one quota unit per id;
//   - a generic call (method + endpoint + body as given); one unit (an
//     endpoint with ids= one per id).
// Operations are packed into Batch API calls across tokens (each operation
// carries its own access_token); a call of one operation goes out directly.

#include "platforms/common/pipeline.hpp"
#include "platforms/meta/catalog.hpp"
#include "platforms/meta/graph_text.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace adbatch::platforms::meta {

/// Settings of the Meta adapter (defaults = Graph's published limits and
/// adbatch-sim's defaults).
struct meta_limits {
  /// Graph API version when plan_settings::api_version is empty.
  std::string api_version = "v21.0";
  /// Batch API operations per call (Graph: 50).
  int max_batch_ops = 50;
  /// Ids per `?ids=` read (Graph: 50).
  int max_ids = 50;
  /// Estimated time units one batch may spend before Graph stops running
  /// its operations (adbatch-sim's meta_options::batch_time_budget; 0 =
  /// unlimited). See estimated_time_cost().
  std::int64_t batch_time_budget = 1000;
  /// Throttle pause when Graph gives no estimate.
  milliseconds default_retry_after{60'000};
};

/// Identical requests (same token, same normalized params): one result.
struct served_group {
  std::shared_ptr<const meta_request> request;
  std::vector<std::int64_t> ids;
};

/// One root of an operation and the requests it serves.
struct op_root {
  std::string id;
  std::vector<served_group> groups;
};

/// How an operation is sent and how its answer is laid out.
enum class op_form : std::uint8_t {
  node,     ///< GET {root}?fields=...           -> the node object
  edge,     ///< GET {root}/{edge}?...           -> the edge body
  ids_node, ///< GET ?ids=a,b&fields=...         -> {id: node object}
  ids_edge, ///< GET {edge}?ids=a,b&...          -> {id: edge body}
  generic,  ///< as the request gives it         -> the Graph body
};

/// One Graph operation of a call.
struct planned_op {
  op_form form = op_form::node;
  std::string method = "GET";
  /// The operation's access token. A secret: it goes into the call's
  /// target or body only, never into a label, log or outcome.
  std::string token;
  /// Path without version ("act_1/campaigns", "" for ?ids=), or the
  /// generic endpoint as given (path + query, maybe versioned).
  std::string path;
  param_pairs query; ///< typed reads: query without access_token
  std::string body;  ///< generic POST: form body without access_token
  std::string edge;  ///< edge forms
  node_type root_type = node_type::ad_account;
  std::vector<op_root> roots;
  bool write = false;
  bool insights = false;      ///< reads insights (BUC type)
  std::int64_t units = 1;     ///< quota units Graph charges
  std::int64_t time_cost = 1; ///< estimated batch time
  /// Set for the operations of a batch whose token is the batch's own
  /// (top-level) access_token.
  bool batch_token = false;

  /// Every request id this operation serves.
  std::vector<std::int64_t> request_ids() const;
};

/// What split() needs to cut a call's answer.
struct meta_call_context final : call_context {
  bool batch = false;
  std::vector<planned_op> ops;
};

/// The Graph version to call ("v21.0"; "22" -> "v22.0").
std::string effective_version(const plan_settings& s, const meta_limits& l);

/// Turns requests into calls (see the top of this file).
plan make_meta_plan(std::span<const queued_request> requests,
                    const plan_context& ctx, const meta_limits& limits);

/// The one direct call that serves `request` alone.
upstream_call make_naive_call(const queued_request& request,
                              const plan_context& ctx,
                              const meta_limits& limits);

/// Estimated batch time of an edge read sent alone as
/// GET {root}/{edge} (adbatch-sim's model: edge 1 + items/25, insights
/// 2 + rows/5, items and rows bounded by `limit` and, for insights, by the
/// rows the date range, time increment and breakdowns can give).
std::int64_t edge_time_cost(const meta_request& r);
/// Estimated batch time of a generic call (write 2; ids= one per id; edge
/// and insights reads as above from the endpoint's limit; node 1).
std::int64_t generic_time_cost(const meta_request& r);

} // namespace adbatch::platforms::meta
