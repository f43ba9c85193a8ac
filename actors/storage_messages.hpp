#pragma once

// inspect() overloads for the persistence types that travel in storage
// messages (enqueue, claim, complete, ...). They live in the types' own
// namespace so CAF finds them by ADL. CAF 0.17 knows neither std::optional
// nor enums in every inspector, so those travel through small adapters.

#include "persistence/types.hpp"

#include <caf/detail/stringification_inspector.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace adbatch::persistence {

/// Carries a std::optional<T> as (has_value, value).
template <class T>
struct optional_field {
  std::optional<T>& ref;
};

template <class Inspector, class T>
std::enable_if_t<Inspector::reads_state, typename Inspector::result_type>
inspect(Inspector& f, optional_field<T>& x) {
  bool has = x.ref.has_value();
  T tmp = has ? *x.ref : T{};
  return f(has, tmp);
}

template <class Inspector, class T>
std::enable_if_t<Inspector::writes_state, typename Inspector::result_type>
inspect(Inspector& f, optional_field<T>& x) {
  bool has = false;
  T tmp{};
  auto guard = [&] {
    if (has)
      x.ref = std::move(tmp);
    else
      x.ref.reset();
  };
  if constexpr (std::is_same_v<typename Inspector::result_type, void>) {
    f(has, tmp);
    guard();
  } else {
    auto res = f(has, tmp);
    guard();
    return res;
  }
}

/// Carries an 8-bit enum as its underlying integer.
template <class E>
struct enum_field {
  E& ref;
};

template <class Inspector, class E>
std::enable_if_t<Inspector::reads_state, typename Inspector::result_type>
inspect(Inspector& f, enum_field<E>& x) {
  auto tmp = static_cast<std::uint8_t>(x.ref);
  return f(tmp);
}

template <class Inspector, class E>
std::enable_if_t<Inspector::writes_state, typename Inspector::result_type>
inspect(Inspector& f, enum_field<E>& x) {
  std::uint8_t tmp = 0;
  if constexpr (std::is_same_v<typename Inspector::result_type, void>) {
    f(tmp);
    x.ref = static_cast<E>(tmp);
  } else {
    auto res = f(tmp);
    x.ref = static_cast<E>(tmp);
    return res;
  }
}

template <class T>
optional_field<T> opt(std::optional<T>& x) {
  return {x};
}

template <class E>
enum_field<E> en(E& x) {
  return {x};
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, enqueue_request& x) {
  return f(caf::meta::type_name("adbatch.enqueue_request"), x.org_id,
           x.platform, x.connection_id, x.request_type, x.params, x.priority,
           x.max_attempts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, enqueue_result& x) {
  return f(caf::meta::type_name("adbatch.enqueue_result"), x.id,
           x.deduplicated);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, claimed_request& x) {
  auto p = en(x.platform);
  return f(caf::meta::type_name("adbatch.claimed_request"), x.id, x.org_id, p,
           x.connection_id, x.request_type, x.params, x.priority, x.attempts,
           x.max_attempts, x.batch, x.progress);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, progress_update& x) {
  return f(caf::meta::type_name("adbatch.progress_update"), x.id,
           x.progress_json, x.delay);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, claim_result& x) {
  return f(caf::meta::type_name("adbatch.claim_result"), x.batch, x.requests,
           x.leases_reclaimed, x.leases_exhausted);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, completion& x) {
  return f(caf::meta::type_name("adbatch.completion"), x.id, x.result_json);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, failure& x) {
  return f(caf::meta::type_name("adbatch.failure"), x.id, x.error, x.error_code,
           x.retryable, x.ambiguous);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_outcome& x) {
  return f(caf::meta::type_name("adbatch.batch_outcome"), x.applied,
           x.rejected);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fail_outcome& x) {
  auto s = en(x.status);
  auto next = opt(x.next_attempt_at);
  return f(caf::meta::type_name("adbatch.fail_outcome"), s, next);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_view& x) {
  auto p = en(x.platform);
  auto s = en(x.status);
  auto batch = opt(x.batch);
  auto result = opt(x.result);
  auto error = opt(x.error);
  auto error_code = opt(x.error_code);
  auto started = opt(x.started_at);
  auto completed = opt(x.completed_at);
  return f(caf::meta::type_name("adbatch.request_view"), x.id, x.org_id, p,
           x.connection_id, x.request_type, x.params, s, x.priority, x.attempts,
           x.max_attempts, batch, result, error, error_code, x.created_at,
           x.updated_at, x.next_attempt_at, started, completed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, queue_stats& x) {
  auto p = en(x.platform);
  return f(caf::meta::type_name("adbatch.queue_stats"), p, x.pending,
           x.processing, x.due_for_retry, x.completed_24h, x.failed_24h,
           x.oldest_pending_age_s, x.ambiguous_24h);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, platform_connection& x) {
  auto p = en(x.platform);
  return f(caf::meta::type_name("adbatch.platform_connection"), x.connection_id,
           x.org_id, p, x.account_ids, x.token_ref, x.display_name, x.enabled);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, execution_log_row& x) {
  auto p = en(x.platform);
  auto conn = opt(x.connection_id);
  auto org = opt(x.org_id);
  auto remaining = opt(x.rate_limit_remaining);
  auto reset = opt(x.rate_limit_reset_at);
  auto errors = opt(x.errors_json);
  return f(caf::meta::type_name("adbatch.execution_log_row"), p, x.batch, conn,
           org, x.batch_type, x.request_count, x.api_calls_made, x.quota_units,
           x.success_count, x.failed_count, x.skipped_count, x.bytes_received,
           x.duration_ms, remaining, reset, x.rate_limit_hit, errors,
           x.started_at, x.finished_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, execution_summary& x) {
  auto p = en(x.platform);
  return f(caf::meta::type_name("adbatch.execution_summary"), p, x.hours,
           x.batches, x.requests, x.api_calls, x.quota_units, x.success,
           x.failed, x.skipped, x.bytes_received, x.rate_limit_hits,
           x.avg_duration_ms, x.success_rate);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, claim_options& x) {
  return f(caf::meta::type_name("adbatch.claim_options"), x.exclude_connections,
           x.per_connection_limit);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease_sweep& x) {
  return f(caf::meta::type_name("adbatch.lease_sweep"), x.requests_reclaimed,
           x.requests_exhausted, x.events_reclaimed, x.events_exhausted);
}

/// Carries a std::optional of an 8-bit enum as (has_value, underlying).
template <class E>
struct optional_enum_field {
  std::optional<E>& ref;
};

template <class Inspector, class E>
std::enable_if_t<Inspector::reads_state, typename Inspector::result_type>
inspect(Inspector& f, optional_enum_field<E>& x) {
  bool has = x.ref.has_value();
  auto tmp = has ? static_cast<std::uint8_t>(*x.ref) : std::uint8_t{0};
  return f(has, tmp);
}

template <class Inspector, class E>
std::enable_if_t<Inspector::writes_state, typename Inspector::result_type>
inspect(Inspector& f, optional_enum_field<E>& x) {
  bool has = false;
  std::uint8_t tmp = 0;
  auto assign = [&] {
    if (has)
      x.ref = static_cast<E>(tmp);
    else
      x.ref.reset();
  };
  if constexpr (std::is_same_v<typename Inspector::result_type, void>) {
    f(has, tmp);
    assign();
  } else {
    auto res = f(has, tmp);
    assign();
    return res;
  }
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_filter& x) {
  auto status = optional_enum_field<request_status>{x.status};
  auto platform = optional_enum_field<ad_platform>{x.platform};
  auto conn = opt(x.connection_id);
  auto before = opt(x.before_id);
  return f(caf::meta::type_name("adbatch.request_filter"), status, platform,
           conn, before, x.limit);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, webhook_event& x) {
  auto p = en(x.platform);
  auto ext = opt(x.external_event_id);
  auto sig = opt(x.signature_valid);
  auto raw = opt(x.raw_payload);
  auto org = opt(x.org_id);
  auto conn = opt(x.connection_id);
  return f(caf::meta::type_name("adbatch.webhook_event"), p, ext, x.event_type,
           sig, x.headers_json, x.payload_json, raw, x.source_ip, x.user_agent,
           x.request_method, org, conn, x.max_attempts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, store_event_result& x) {
  return f(caf::meta::type_name("adbatch.store_event_result"), x.id,
           x.duplicate);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, claimed_event& x) {
  auto p = en(x.platform);
  auto ext = opt(x.external_event_id);
  auto org = opt(x.org_id);
  auto conn = opt(x.connection_id);
  return f(caf::meta::type_name("adbatch.claimed_event"), x.id, p, ext,
           x.event_type, x.headers_json, x.payload_json, org, conn, x.attempts,
           x.max_attempts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_fail_outcome& x) {
  auto s = en(x.status);
  auto next = opt(x.next_attempt_at);
  return f(caf::meta::type_name("adbatch.event_fail_outcome"), s, next);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_rotation& x) {
  return f(caf::meta::type_name("adbatch.token_rotation"), x.resealed, x.failed,
           x.failures);
}

} // namespace adbatch::persistence

namespace adbatch {

/// The storage actor's health (reply to atom::status), for /health and
/// metrics.
struct storage_status {
  /// The first connection (and the migrations) succeeded.
  bool ready = false;
  /// Worker connections configured / currently connected.
  std::uint32_t workers = 0;
  std::uint32_t connected = 0;
  /// Calls waiting for a connection / running on one.
  std::uint64_t queued = 0;
  std::uint64_t running = 0;
  /// enqueue_batch calls and the enqueues they carried.
  std::uint64_t batches = 0;
  std::uint64_t batched_requests = 0;
  /// Calls that found the connection broken; successful reconnects; calls
  /// failed by queue_timeout.
  std::uint64_t connection_losses = 0;
  std::uint64_t reconnects = 0;
  std::uint64_t timeouts = 0;
};

/// True for CAF's to_string / deep_to_string inspector: a token is shown as
/// "***" there. Serializers (remote messaging) carry the real value, and
/// in-process messages are never serialized at all.
template <class Inspector>
inline constexpr bool is_stringifier =
    std::is_same_v<Inspector, caf::detail::stringification_inspector>;

/// A platform access token in a message (atom::token_set). Its own type so
/// that to_string of the message, and so CAF's logs, show "***" instead.
struct platform_token {
  std::string value;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, platform_token& x) {
  if constexpr (is_stringifier<Inspector>) {
    std::string masked = x.value.empty() ? "" : "***";
    return f(caf::meta::type_name("adbatch.platform_token"), masked);
  } else {
    return f(caf::meta::type_name("adbatch.platform_token"), x.value);
  }
}

/// A connection with the token to call the platform with (reply to
/// atom::credential).
struct connection_secret {
  persistence::platform_connection connection;
  /// The plaintext token; empty when there is none. Never log it.
  std::string token;
  /// Where the token came from: "stored" (the connection's encrypted
  /// token), "reference" (its token_ref resolved: env:NAME / file:/path,
  /// the single-tenant fallback) or "none".
  std::string token_source = "none";
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, connection_secret& x) {
  if constexpr (is_stringifier<Inspector>) {
    std::string masked = x.token.empty() ? "" : "***";
    return f(caf::meta::type_name("adbatch.connection_secret"), x.connection,
             masked, x.token_source);
  } else {
    return f(caf::meta::type_name("adbatch.connection_secret"), x.connection,
             x.token, x.token_source);
  }
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, storage_status& x) {
  return f(caf::meta::type_name("adbatch.storage_status"), x.ready, x.workers,
           x.connected, x.queued, x.running, x.batches, x.batched_requests,
           x.connection_losses, x.reconnects, x.timeouts);
}

} // namespace adbatch
