#pragma once

// inspect() overloads for the persistence types that travel in storage
// messages (enqueue, claim, complete, ...). They live in the types' own
// namespace so CAF finds them by ADL. CAF 0.17 knows neither std::optional
// nor enums in every inspector, so those travel through small adapters.

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

#include "persistence/types.hpp"

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
           x.max_attempts, x.batch);
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
  return f(caf::meta::type_name("adbatch.failure"), x.id, x.error,
           x.error_code, x.retryable);
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
           x.connection_id, x.request_type, x.params, s, x.priority,
           x.attempts, x.max_attempts, batch, result, error, error_code,
           x.created_at, x.updated_at, x.next_attempt_at, started, completed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, queue_stats& x) {
  auto p = en(x.platform);
  return f(caf::meta::type_name("adbatch.queue_stats"), p, x.pending,
           x.processing, x.due_for_retry, x.completed_24h, x.failed_24h,
           x.oldest_pending_age_s);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, platform_connection& x) {
  auto p = en(x.platform);
  return f(caf::meta::type_name("adbatch.platform_connection"),
           x.connection_id, x.org_id, p, x.account_ids, x.token_ref,
           x.display_name, x.enabled);
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

} // namespace adbatch::persistence
