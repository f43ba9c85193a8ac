#pragma once

// X's planner and splitter: what one call carries from plan() to split().
// Internal to platforms/twitter (the public face is twitter_adapter.hpp).
//
// Operations (one HTTP call each, one quota unit each):
//   - v2 lookups, per token: users by id (get_users and lookup_users
//     together), users by username, posts by id; requests packed whole into
//     calls of at most 100 distinct keys;
//   - Ads lists, per token, account and type: one page of up to 1000 items,
//     filtered by the requests' common filter (<= 200 ids) or unfiltered;
//     each request's own filters applied afterwards (targeting criteria:
//     line_item_ids packed by 200);
//   - synchronous stats, per token, account, entity type and placement:
//     requests grouped into windows of at most 7 days (the fewest windows
//     each request's range fits in), packed whole into calls of at most 20
//     entity ids, fetched by DAY with the union of metric groups; each
//     request's range, granularity and groups cut out afterwards;
//   - async stats: a job per window of 90 days and 20 ids, polled (job ids
//     of one account merged) and its result file fetched, across flushes.

#include "platforms/common/pipeline.hpp"
#include "platforms/twitter/twitter_catalog.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::platforms::twitter {

/// Where a get_async_stats request stands between flushes (a `waiting`
/// outcome's result_json, kept by storage and handed back as
/// queued_request::progress):
///   {"stage": "job", "job_id", "account_id", "start_day", "end_day",
///    "granularity"}                 created; poll it
///   {"stage": "file", ..., "url"}   finished; fetch its file
/// start_day / end_day / granularity are the job's (a merged job spans and
/// fetches more than the request asked).
struct async_progress {
  std::string stage, job_id, account_id, url, granularity;
  std::int64_t start_day = 0, end_day = 0;
};
std::optional<async_progress> parse_progress(const boost::json::object& o);
std::string to_json(const async_progress& p);
/// "/advertiser-api-async-analytics/x.json.gz" of a job's result url.
std::string url_path(const std::string& url);
/// "https://ton.twimg.com" of an absolute URL; "" for a relative one (the
/// call then goes to the platform's base_url).
std::string url_origin(const std::string& url);

/// Identical requests (same token, same normalized params): one result.
struct served_group {
  std::shared_ptr<const x_request> request;
  std::vector<std::int64_t> ids;
  /// Resolved: the account (list, stats) and the range (stats).
  std::string account_id;
  std::int64_t start_day = 0, end_day = 0;
  /// get_async_stats past its first step.
  std::optional<async_progress> progress;
};

enum class call_kind : std::uint8_t {
  users,
  usernames,
  tweets,
  accounts,
  list,
  stats,
  job_create,
  job_poll,
  job_result,
};

struct x_call_context final : call_context {
  call_kind kind = call_kind::users;
  std::vector<served_group> groups;
  const list_spec* list = nullptr;
  /// The filter the call sent ("" = none) and whether a request's filters
  /// must be applied on the items.
  std::string sent_filter;
  /// stats: the call's window and what it fetched.
  std::int64_t start_day = 0, end_day = 0;
  std::string account_id;
  /// The token's scope label (no secret): "user:<hash>".
  std::string scope;
  /// job_create / job_result: the granularity the job fetches.
  std::string granularity = "DAY";
};

struct x_limits {
  /// Throttle pause when X gives no reset time.
  milliseconds default_retry_after{900'000};
  /// Days back from today the default stats range starts (X's original: 7;
  /// get_async_stats: 30).
  std::int64_t default_days = 7;
  std::int64_t default_async_days = 30;
  /// When to poll a job after creating it or finding it unfinished
  /// (adbatch-sim finishes jobs after 5 s).
  milliseconds job_poll_after{6'000};
};

plan make_x_plan(std::span<const queued_request> requests,
                 const plan_context& ctx, const x_limits& limits);
upstream_call make_x_naive_call(const queued_request& request,
                                const plan_context& ctx,
                                const x_limits& limits);
split_result split_x_call(const upstream_call& call,
                          const upstream_reply& reply, const plan_context& ctx,
                          const x_limits& limits);

/// The rate signals of an X reply (x-rate-limit-*, x-account-rate-limit-*).
std::vector<rate_signal> x_rate_signals(const upstream_reply& reply,
                                        const std::string& scope,
                                        time_point now);

/// OAuth 1.0a HMAC-SHA1 signature (base64) of a request: `url` without
/// query, `params` the query (or form) and oauth_* parameters, unencoded.
std::string
oauth_signature(const std::string& method, const std::string& url,
                const std::vector<std::pair<std::string, std::string>>& params,
                const std::string& consumer_secret,
                const std::string& token_secret);

/// "user:<12 hex>" for a token (a keyed hash, never the token).
std::string scope_of_token(const std::string& token);

/// Fields the lookups ask for (the original's user.fields; posts likewise).
inline constexpr const char* user_fields =
    "created_at,description,profile_image_url,public_metrics,verified";
inline constexpr const char* tweet_fields =
    "author_id,conversation_id,created_at,lang,public_metrics";

} // namespace adbatch::platforms::twitter
