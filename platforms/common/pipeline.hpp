#pragma once

// The flush pipeline's platform interface: what the batcher actor hands a
// platform and what it gets back. Pure: no CAF, no I/O, time passed in.
//
//   claimed requests + their connections' credentials
//     -> platform_adapter::plan()   -> upstream calls (each lists the
//                                      requests it serves)
//     -> (batcher: rate_limiter, HTTPS client)
//     -> platform_adapter::split()  -> one outcome per served request,
//                                      units really spent, rate signals
//
// Each platform implements the adapter in platforms/<name>/ together with
// its request catalog (validation at enqueue), the independent minimum
// function (best possible plan cost) and its rate-signal parser.

#include "platforms/common/platform_table.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adbatch::platforms {

using clock = std::chrono::system_clock;
using time_point = clock::time_point;
using milliseconds = std::chrono::milliseconds;

/// Ordered header list as sent on the wire.
using header_list = std::vector<std::pair<std::string, std::string>>;

// -- inputs ------------------------------------------------------------------

/// A claimed request as the planner sees it.
struct queued_request {
  std::int64_t id = 0;
  std::string org_id;
  std::string connection_id;
  std::string request_type;
  /// The request's params (a JSON object, validated at enqueue).
  boost::json::object params;
  int priority = 5;
  int attempts = 1; ///< including this attempt
  int max_attempts = 3;
  /// A multi-step request's progress from its last round (what split()
  /// returned with a `waiting` outcome, e.g. an async job's id); empty for
  /// a request's first round.
  boost::json::object progress;
};

/// What a connection contributes to a call: its credential and account ids.
/// `token` is a secret: never log it, never put it in an outcome.
struct connection_credential {
  std::string connection_id;
  std::string org_id;
  /// The resolved access token ("" = none: its requests fail permanently
  /// with error code "missing_token").
  std::string token;
  /// The connection's account ids (platform_connection::account_ids), e.g.
  /// {"ad_account_id": "act_1"} for Meta, {"customer_id": "123",
  /// "login_customer_id": "9"} for Google.
  boost::json::object account_ids;
};

/// Connection id -> credential.
using credential_map = std::map<std::string, connection_credential>;

/// Platform-wide settings a plan needs (from the node's config).
struct plan_settings {
  /// Requests one upstream call may carry at most (config max_batch_size,
  /// capped by the platform's own limit by the planner).
  int max_batch_size = 50;
  /// Named platform credentials from config (e.g. Google's
  /// "developer_token"). Secrets: never log.
  std::map<std::string, std::string> platform_credentials;
  /// API version to call (e.g. "v21.0", "v22"); empty = the adapter's
  /// default.
  std::string api_version;
  /// The platform's base URL (config base_url, no trailing slash) and its
  /// extra API hosts by name (config endpoints; e.g. X's "ads"), for
  /// adapters whose calls go to more than one host or sign the URL.
  std::string base_url;
  std::map<std::string, std::string> endpoints;
};

/// Everything plan() and split() may read besides the requests.
struct plan_context {
  time_point now;
  plan_settings settings;
  credential_map credentials;
};

// -- the plan ----------------------------------------------------------------

/// Platform-specific bookkeeping a call carries from plan() to split() (which
/// operation serves which request, how to cut each result out). Each
/// platform derives its own.
struct call_context {
  virtual ~call_context() = default;
};

/// One upstream HTTP call.
struct upstream_call {
  std::string method = "GET";
  /// Path and query relative to the base URL, starting with "/".
  std::string target;
  /// The base URL of this call (scheme://host[:port][/prefix], no trailing
  /// slash) when it is not the platform's base_url: another API host of the
  /// platform (plan_settings::endpoints) or the host of a URL the platform
  /// answered (an async job's result file).
  std::string base_url;
  header_list headers;
  std::string body;
  /// The request ids this call serves (each exactly once across a plan).
  std::vector<std::int64_t> serves;
  /// Quota units the platform charges for this call if every part succeeds.
  std::int64_t quota_units = 1;
  /// The rate-budget scope the call spends (e.g. "app", "token:<hash>",
  /// "customer:123"); the rate_limiter is asked for `quota_units` of it.
  std::string scope = "app";
  /// True if the call changes state upstream: after a timeout its outcome is
  /// unknown, so its requests end `ambiguous` instead of being retried.
  bool is_write = false;
  /// For logs: "batch of 37 ops", "searchStream campaign" (no secrets).
  std::string label;
  std::shared_ptr<const call_context> context;
};

/// Why a request could not be planned or served.
enum class outcome_kind : std::uint8_t {
  completed,     ///< result_json holds its own result
  throttled,     ///< back to the queue without spending an attempt, due
                 ///< after retry_after
  not_attempted, ///< the platform did not get to it (e.g. a Batch API op
                 ///< answered null): back to the queue, no attempt spent
  transient,     ///< retry with backoff (spends an attempt)
  permanent,     ///< fail now, with the platform's code and message
  ambiguous,     ///< a write whose outcome is unknown: never retried blindly
  waiting,       ///< a multi-step request made progress (an async job was
                 ///< created or is still running): back to the queue with
                 ///< its progress (result_json) stored, no attempt spent,
                 ///< due after
                 ///< retry_after; the next round sees it in
                 ///< queued_request::progress
};

/// "completed", "throttled", ...
std::string_view to_string(outcome_kind k);

/// One request's outcome.
struct request_outcome {
  std::int64_t request_id = 0;
  outcome_kind kind = outcome_kind::completed;
  /// completed: the request's own result (a JSON value); waiting: the
  /// request's progress so far (a JSON object, stored and handed back).
  std::string result_json;
  /// Otherwise: machine-readable code ("http_500", "meta_190",
  /// "missing_token", ...) and the platform's message (no secrets).
  std::string error_code;
  std::string error_message;
  /// throttled / not_attempted / waiting: when to try again (the
  /// platform's signal when it gave one).
  std::optional<milliseconds> retry_after;
};

/// plan()'s answer.
struct plan {
  std::vector<upstream_call> calls;
  /// Requests that fail before any call (missing token or account id, ...).
  std::vector<request_outcome> rejected;
};

/// A plan's cost in the platform's own units, then HTTP calls.
struct plan_cost {
  std::int64_t quota_units = 0;
  std::int64_t calls = 0;
  friend bool operator==(const plan_cost&, const plan_cost&) = default;
};

/// Sum of units and calls of a plan.
plan_cost cost_of(const plan& p);

// -- the reply ---------------------------------------------------------------

/// What came back for one call.
struct upstream_reply {
  /// 0 when there is no HTTP answer (see transport_error).
  int status = 0;
  /// Header names lower-cased.
  std::map<std::string, std::string> headers;
  std::string body;
  /// Set when no answer arrived: "timeout", "connect", "tls", "io", ...
  std::optional<std::string> transport_error;
  /// With transport_error: whether the request may have reached the
  /// platform (false for connect/TLS failures: safe to retry even writes).
  bool maybe_delivered = false;

  /// The header, by lower-case name.
  std::optional<std::string> header(std::string_view lower_name) const;
};

/// A rate-limit signal read from a reply (issue #10 builds the adaptive
/// budget on these; today the batcher logs them and records throttles).
struct rate_signal {
  /// The scope the signal is about ("app", "ad_account:123:ads_management",
  /// "customer:123", ...).
  std::string scope;
  /// Share of the budget used, 0..1, when the platform says.
  std::optional<double> used_fraction;
  /// Calls left in the window, when the platform says.
  std::optional<std::int64_t> remaining;
  /// The scope is paused (throttled) for this long.
  std::optional<milliseconds> pause_for;
  bool throttled = false;
};

/// split()'s answer.
struct split_result {
  /// Exactly one outcome per id in the call's `serves`.
  std::vector<request_outcome> outcomes;
  /// Units the platform really charged (0 for a throttled or rejected call,
  /// only the completed operations of a partial batch).
  std::int64_t units_spent = 0;
  std::vector<rate_signal> signals;
};

// -- the adapter
// ---------------------------------------------------------------

/// One platform's pure pipeline logic.
class platform_adapter {
public:
  virtual ~platform_adapter() = default;

  virtual platform_id platform() const = 0;

  /// Enqueue-time check of a request: empty when valid, otherwise a clear
  /// message naming the parameter ("get_insights: params.time_range.since
  /// must be a date YYYY-MM-DD").
  virtual std::string validate(std::string_view request_type,
                               const boost::json::object& params) const = 0;

  /// Turns claimed requests into upstream calls: fewest quota units first,
  /// then fewest calls; never mixes credentials where the platform would
  /// charge or authorise them together wrongly; never exceeds a platform
  /// limit. Identical requests share one operation.
  virtual plan make_plan(std::span<const queued_request> requests,
                         const plan_context& ctx) const = 0;

  /// Cuts one call's reply into each served request's outcome.
  virtual split_result split(const upstream_call& call,
                             const upstream_reply& reply,
                             const plan_context& ctx) const = 0;

  /// The single call that would serve `request` alone (what a client without
  /// adbatch would send): the bench's naive count and the tests' expected
  /// results (split(naive_call, reply) is the request's own result).
  virtual upstream_call naive_call(const queued_request& request,
                                   const plan_context& ctx) const = 0;

  /// Every request type of the catalog, for docs and errors.
  virtual std::vector<std::string> request_types() const = 0;
};

} // namespace adbatch::platforms
