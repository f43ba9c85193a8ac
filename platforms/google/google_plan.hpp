#pragma once

// Internals shared by the Google planner, splitter and minimum function:
// how a claimed request resolves to a credential and customer, and what a
// call carries from plan() to split().

#include "platforms/common/pipeline.hpp"
#include "platforms/google/google_catalog.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace adbatch::platforms::google {

/// The API version the adapter calls unless plan_settings.api_version says
/// otherwise (the newest adbatch-sim accepts by default).
inline constexpr std::string_view default_api_version = "v25";

/// "v22" from "v22", "22", "v22.0"; the default when empty or malformed.
std::string api_version_of(const plan_settings& s);

/// A request with everything a call needs resolved.
struct resolved_request {
  const queued_request* request = nullptr;
  request_spec spec;
  std::string token;
  std::string login_customer_id; ///< "" = none
  std::string customer_id;
  /// Calls never mix two of these: token + login-customer-id.
  std::string credential_key() const;
};

/// resolve()'s answer: the request, or why it fails before any call.
struct resolution {
  std::optional<resolved_request> ok;
  std::optional<request_outcome> rejected;
};

/// Parses the params and finds the credential, developer token and
/// customer id (params.customer_id, else the connection's account_ids).
resolution resolve_request(const queued_request& r, const plan_context& ctx);

/// How one read (or identical reads) is cut out of a searchStream answer.
struct read_part {
  std::vector<std::int64_t> request_ids; ///< identical requests share
  std::string request_type;
  std::string from;
  std::vector<std::string> select; ///< its own SELECT
  bool raw = false;                ///< gaql_query: rows as they come
  bool exact = false;              ///< the call's query is its own query
  /// Its own conditions the call's query does not apply.
  std::vector<gaql_condition> local;
  /// Keep only daily rows within (its own range out of a wider one).
  std::optional<day_range> cut;
  /// Sum its days per object (metrics over its range out of daily rows).
  bool aggregate = false;
  std::vector<gaql_ordering> order_by; ///< applied here unless exact
  std::optional<std::int64_t> limit;   ///< applied here unless exact
};

struct read_call_context : call_context {
  std::string customer_id;
  std::string query;
  std::vector<read_part> parts;
};

/// The operations of one request (or identical ones) in a mutate call.
struct mutate_part {
  std::vector<std::int64_t> request_ids;
  std::vector<std::size_t> op_indices; ///< into the call's operations
  bool single = false;                 ///< `operation`: resource_name
};

struct mutate_call_context : call_context {
  std::string customer_id;
  std::string collection;
  std::size_t operations = 0;
  std::vector<mutate_part> parts;
};

/// The Google plan for `requests` (the adapter's make_plan).
plan plan_google(std::span<const queued_request> requests,
                 const plan_context& ctx);

/// The single call serving `r` alone (the adapter's naive_call).
upstream_call naive_google_call(const queued_request& r,
                                const plan_context& ctx);

/// Cuts a call's reply into its requests' outcomes (the adapter's split).
split_result split_google(const upstream_call& call,
                          const upstream_reply& reply, const plan_context& ctx);

} // namespace adbatch::platforms::google
