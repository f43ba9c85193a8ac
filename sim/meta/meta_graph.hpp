#pragma once

// One Graph API call against the simulated object graph: node and edge
// reads with field selection/expansion and cursor paging, insights, ?ids=
// multi-reads, and the few writes (create campaign/ad set/ad, update,
// delete). Budgets, faults and the Batch API live in meta_platform; this
// layer only knows what one call returns.

#include "sim/meta/field_spec.hpp"
#include "sim/meta/meta_model.hpp"
#include "sim/meta/sim_util.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace adbatch::sim::meta {

/// One call, as a single request or as one Batch API operation.
struct graph_call {
  std::string method = "GET";        ///< GET, POST, DELETE
  std::vector<std::string> path;     ///< decoded segments after the version
  detail::param_list params;         ///< query + body parameters
  std::string version = "v21.0";     ///< for absolute paging links
  std::string token;                 ///< access token in effect
};

/// What a call is charged against: one entry per Graph call it counts as.
struct call_unit {
  std::optional<std::string> account;  ///< BUC key (numeric ad account id)
  bool insights = false;               ///< ads_insights vs ads_management
};

/// The answer to one call.
struct graph_result {
  int status = 200;
  boost::json::value body;
  std::string endpoint = "node";  ///< node, edge, insights, ids, write
  std::int64_t items = 0;         ///< objects / rows / ids served
};

/// Builds a Graph error envelope {"error":{...}}.
boost::json::value graph_error_body(int code, const std::string& message,
                                    const std::string& type,
                                    std::optional<int> subcode,
                                    const std::string& fbtrace_id,
                                    std::optional<bool> is_transient = {});

class graph {
public:
  /// `public_base_url` prefixes paging.next / previous links.
  graph(const model& m, std::string public_base_url, int max_ids = 50);

  /// Admission of one call before any budget is spent: either the calls it
  /// counts as for rate limits (a node or edge read, expansions included,
  /// or a write is one call; `ids=` is one call per distinct id), or the
  /// error it is refused with (an unknown or not owned target object, too
  /// many ids). A refused call costs nothing.
  struct admission {
    std::vector<call_unit> units;
    std::optional<graph_result> refused;
  };
  admission admit(const graph_call& c);

  /// Executes the call. Never throws: bad input gives a Graph error.
  graph_result execute(const graph_call& c);

  /// A fresh fbtrace_id-looking string.
  std::string next_trace_id();

private:
  struct created_object {
    kind k;
    int account;
    boost::json::object attrs;
  };

  graph_result execute_or_throw(const graph_call& c);
  /// Throws the refusal admit() answers with, if any.
  void check_access(const graph_call& c) const;
  /// Whether c is a GET /?ids= or GET /{edge}?ids= multi-read.
  bool ids_form(const graph_call& c) const;
  /// Whether `id` names an object (created ones included) that the call's
  /// token owns; unknown and not owned ids are both "not accessible".
  bool accessible(const std::string& id, const graph_call& c) const;
  graph_result read_ids(const graph_call& c, const std::string& edge);
  boost::json::value read_target(const graph_call& c, const std::string& id,
                                 const std::string& edge, std::int64_t& items);
  boost::json::object render_node(const object_ref& r, const field_list& f,
                                  const graph_call& c, std::int64_t& items);
  boost::json::object render_edge(const object_ref& r, const std::string& edge,
                                  const detail::param_list& params,
                                  const std::optional<field_list>& fields,
                                  const graph_call& c, std::int64_t& items);
  boost::json::object render_insights(const object_ref& r,
                                      const detail::param_list& params,
                                      const std::optional<field_list>& fields,
                                      const graph_call& c, std::int64_t& items);
  graph_result write(const graph_call& c);
  std::optional<object_ref> resolve_id(const std::string& id,
                                       const graph_call& c) const;
  std::string paging_url(const std::vector<std::string>& path,
                         detail::param_list params,
                         const graph_call& c) const;

  const model& model_;
  std::string base_url_;
  int max_ids_;
  std::map<std::string, created_object> created_;
  std::uint64_t next_created_ = 1;
  std::uint64_t trace_counter_ = 0;
};

} // namespace adbatch::sim::meta
