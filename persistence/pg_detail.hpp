#pragma once

// Internal helpers shared by the pg_backend translation units
// (pg_backend.cpp, pg_worker.cpp, pg_webhooks.cpp). Not part of the API.

#include "persistence/pg_connection.hpp"
#include "persistence/result.hpp"
#include "persistence/types.hpp"
#include "persistence/validation.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <exception>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace adbatch::persistence::detail {

/// Epoch microseconds of a timestamptz column, NULL stays NULL.
inline std::string us(const char* col) {
  return std::string{"(extract(epoch from "} + col + ") * 1000000)::bigint";
}

inline time_point from_us(std::int64_t v) {
  return time_point{std::chrono::duration_cast<clock::duration>(
      std::chrono::microseconds{v})};
}

inline std::optional<time_point> opt_time(const pg_rows& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return from_us(r.i64(row, col));
}

inline std::int64_t to_us(time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             t.time_since_epoch())
      .count();
}

/// "{a,b,c}": an array literal of values that need no quoting (validated
/// UUIDs, hex keys, integers).
template <class Range, class F>
inline std::string array_literal(const Range& items, F&& render) {
  std::string out = "{";
  bool first = true;
  for (const auto& x : items) {
    if (!first) out += ',';
    first = false;
    out += render(x);
  }
  out += '}';
  return out;
}

inline std::string ids_literal(const std::vector<request_id>& ids) {
  return array_literal(ids, [](request_id id) { return std::to_string(id); });
}

inline db_error invalid(std::string msg) {
  return make_error(error_code::invalid_argument, std::move(msg));
}

inline bool valid_json(const std::string& text) {
  boost::system::error_code ec;
  boost::json::parse(text, ec);
  return !ec;
}

inline double default_jitter() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return std::uniform_real_distribution<double>{0.0, 1.0}(gen);
}

enum class role { app, worker };

inline const std::string view_columns =
    "id, org_id::text, platform, connection_id::text, request_type, "
    "params::text, status, "
    "priority, attempts, max_attempts, batch_id, result::text, error, "
    "error_code, " +
    us("created_at") + ", " + us("updated_at") + ", " + us("next_attempt_at") +
    ", " + us("started_at") + ", " + us("completed_at");

inline request_view read_view(const pg_rows& r, int i) {
  request_view v;
  v.id = r.i64(i, 0);
  v.org_id = r.str(i, 1);
  v.platform = parse_platform(r.text(i, 2)).value_or(ad_platform::meta);
  v.connection_id = r.str(i, 3);
  v.request_type = r.str(i, 4);
  v.params = r.str(i, 5);
  v.status =
      parse_request_status(r.text(i, 6)).value_or(request_status::pending);
  v.priority = static_cast<int>(r.i64(i, 7));
  v.attempts = static_cast<int>(r.i64(i, 8));
  v.max_attempts = static_cast<int>(r.i64(i, 9));
  if (!r.is_null(i, 10)) v.batch = r.i64(i, 10);
  if (!r.is_null(i, 11)) v.result = r.str(i, 11);
  if (!r.is_null(i, 12)) v.error = r.str(i, 12);
  if (!r.is_null(i, 13)) v.error_code = r.str(i, 13);
  v.created_at = from_us(r.i64(i, 14));
  v.updated_at = from_us(r.i64(i, 15));
  v.next_attempt_at = from_us(r.i64(i, 16));
  v.started_at = opt_time(r, i, 17);
  v.completed_at = opt_time(r, i, 18);
  return v;
}

inline constexpr const char* connection_columns =
    "connection_id::text, org_id::text, platform, account_ids::text, "
    "token_ref, "
    "display_name, enabled";

inline platform_connection read_connection(const pg_rows& r, int i) {
  platform_connection c;
  c.connection_id = r.str(i, 0);
  c.org_id = r.str(i, 1);
  c.platform = parse_platform(r.text(i, 2)).value_or(ad_platform::meta);
  c.account_ids = r.str(i, 3);
  c.token_ref = r.str(i, 4);
  c.display_name = r.str(i, 5);
  c.enabled = r.boolean(i, 6);
  return c;
}

inline bool valid_token_ref(const std::string& ref) {
  if (ref.empty()) return true;
  auto colon = ref.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == ref.size())
    return false;
  if (!(ref[0] >= 'a' && ref[0] <= 'z')) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = ref[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  for (std::size_t i = colon + 1; i < ref.size(); ++i)
    if (std::isspace(static_cast<unsigned char>(ref[i]))) return false;
  return true;
}

// -- transactions
// ---------------------------------------------------------------

/// BEGIN + SET LOCAL ROLE (+ the org for RLS) in one round trip. The org id
/// is a validated UUID, so it can be inlined safely.
inline result<void> begin_as(pg_connection& conn, role r,
                             const std::string* org) {
  std::string sql = "BEGIN; SET LOCAL ROLE ";
  sql += r == role::app ? "adbatch_app" : "adbatch_worker";
  if (org)
    sql += "; SELECT set_config('adbatch.org_id', " +
           quote_simple_literal(*org) + ", true)";
  return conn.exec_script(sql);
}

/// Runs body() inside a transaction as the role; rolls back on error.
template <class F>
auto in_txn(pg_connection& conn, role r, const std::string* org, F&& body)
    -> decltype(body()) {
  // Never continue a transaction some earlier failure left open.
  conn.rollback_quietly();
  if (auto b = begin_as(conn, r, org); !b) {
    conn.rollback_quietly();
    return b.error();
  }
  std::optional<decltype(body())> out;
  try {
    out.emplace(body());
  } catch (const std::exception& e) {
    // Errors are values at this interface: nothing may escape it.
    conn.rollback_quietly();
    return make_error(error_code::storage_error,
                      std::string{"internal error: "} + e.what());
  }
  auto res = std::move(*out);
  if (!res) {
    conn.rollback_quietly();
    return res;
  }
  if (auto c = conn.exec_script("COMMIT"); !c) {
    conn.rollback_quietly();
    return c.error();
  }
  return res;
}

// -- lease reapers
// ----------------------------------------------------------------

/// Expired request leases of a platform back to pending, or to failed when
/// their attempts are used up; answers the new statuses. Runs inside the
/// caller's worker transaction. Never waits for locked rows.
inline result<pg_rows> reap_request_leases(pg_connection& conn,
                                           const std::string& platform) {
  return conn.exec(R"sql(
    WITH expired AS (
      SELECT id FROM adbatch.batch_request_queue
      WHERE platform = $1 AND status = 'processing' AND lease_expires_at < now()
      FOR UPDATE SKIP LOCKED)
    UPDATE adbatch.batch_request_queue q SET
      status = CASE WHEN q.attempts >= q.max_attempts
                    THEN 'failed' ELSE 'pending' END,
      lease_expires_at = NULL, next_attempt_at = now(),
      error = 'lease of ' || coalesce(q.lease_owner, '?') || ' expired',
      error_code = 'lease_expired',
      completed_at = CASE WHEN q.attempts >= q.max_attempts THEN now() END,
      updated_at = now()
    FROM expired WHERE q.id = expired.id RETURNING q.status)sql",
                   {platform});
}

/// The same for webhook events (back to received, or failed).
inline result<pg_rows> reap_event_leases(pg_connection& conn,
                                         const std::string& platform) {
  return conn.exec(R"sql(
    WITH expired AS (
      SELECT id FROM adbatch.webhook_events
      WHERE platform = $1 AND status = 'processing' AND lease_expires_at < now()
      FOR UPDATE SKIP LOCKED)
    UPDATE adbatch.webhook_events w SET
      status = CASE WHEN w.attempts >= w.max_attempts
                    THEN 'failed' ELSE 'received' END,
      lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = now(),
      error = 'lease expired', error_code = 'lease_expired',
      processed_at = CASE WHEN w.attempts >= w.max_attempts THEN now() END,
      updated_at = now()
    FROM expired WHERE w.id = expired.id RETURNING w.status)sql",
                   {platform});
}

inline result<std::string> checked_org(const std::string& org_id) {
  if (org_id.empty()) return invalid("org_id is missing");
  if (!is_uuid(org_id)) return invalid("org_id '" + org_id + "' is not a UUID");
  return normalize_uuid(org_id);
}

} // namespace adbatch::persistence::detail
