// pg_backend: webhook event storage.

#include "persistence/backoff.hpp"
#include "persistence/pg_backend.hpp"
#include "persistence/pg_connection.hpp"
#include "persistence/pg_detail.hpp"
#include "persistence/validation.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace adbatch::persistence {

using namespace detail;

// -- webhook events
// -----------------------------------------------------------------------------

result<store_event_result> pg_backend::store_event(const webhook_event& e) {
  boost::system::error_code ec;
  auto headers = boost::json::parse(e.headers_json, ec);
  if (ec || !headers.is_object())
    return invalid("webhook headers must be a JSON object");
  if (!valid_json(e.payload_json))
    return invalid("webhook payload is not valid JSON");
  if (e.external_event_id && e.external_event_id->empty())
    return invalid("external_event_id is empty (leave it unset instead)");
  if (e.org_id && !is_uuid(*e.org_id))
    return invalid("webhook org_id is not a UUID");
  if (e.connection_id && !is_uuid(*e.connection_id))
    return invalid("webhook connection_id is not a UUID");
  if (e.max_attempts < 1 || e.max_attempts > max_max_attempts)
    return invalid("webhook max_attempts is outside 1..100");
  const bool invalid_signature =
      e.signature_valid == std::optional<bool>{false};
  const std::string plat = to_string(e.platform);
  auto opt_uuid = [](const std::optional<std::string>& s) -> pg_param {
    if (!s) return std::nullopt;
    return normalize_uuid(*s);
  };
  return in_txn(
      *conn_, role::worker, nullptr, [&]() -> result<store_event_result> {
        auto r = conn_->exec(
            "INSERT INTO adbatch.webhook_events (platform, external_event_id, "
            "event_type, "
            "  signature_valid, status, max_attempts, headers, payload, "
            "raw_payload, source_ip, "
            "  user_agent, request_method, org_id, connection_id, error, "
            "error_code, processed_at) "
            "VALUES ($1, $2, $3, $4::boolean, $5, $6, $7::jsonb, $8::jsonb, "
            "$9, $10, $11, $12, "
            "  $13::uuid, $14::uuid, $15, $16, CASE WHEN $5 = 'ignored' THEN "
            "now() END) "
            "ON CONFLICT ON CONSTRAINT webhook_events_external_id DO NOTHING "
            "RETURNING id",
            {plat, e.external_event_id, e.event_type,
             e.signature_valid ? pg_param{*e.signature_valid ? "true" : "false"}
                               : pg_param{},
             std::string{invalid_signature ? "ignored" : "received"},
             std::to_string(e.max_attempts), e.headers_json, e.payload_json,
             e.raw_payload, e.source_ip, e.user_agent, e.request_method,
             opt_uuid(e.org_id), opt_uuid(e.connection_id),
             invalid_signature ? pg_param{"invalid signature"} : pg_param{},
             invalid_signature ? pg_param{"invalid_signature"} : pg_param{}});
        if (!r && conn_->last_sqlstate() == "23503")
          return invalid("webhook connection_id names no known connection");
        if (!r) return r.error();
        if (r->size() == 1) return store_event_result{r->i64(0, 0), false};
        // A re-delivery: answer the stored event.
        auto first =
            conn_->exec("SELECT id FROM adbatch.webhook_events "
                        "WHERE platform = $1 AND external_event_id = $2",
                        {plat, e.external_event_id});
        if (!first) return first.error();
        if (first->size() != 1)
          return make_error(error_code::conflict,
                            "webhook event vanished while storing; retry");
        return store_event_result{first->i64(0, 0), true};
      });
}

result<std::vector<claimed_event>>
pg_backend::claim_events(ad_platform p, int limit,
                         std::chrono::milliseconds lease,
                         const std::string& lease_owner) {
  if (limit <= 0) return invalid("claim limit must be positive");
  if (lease.count() <= 0) return invalid("lease duration must be positive");
  if (lease_owner.empty()) return invalid("lease_owner is missing");
  const std::string plat = to_string(p);
  return in_txn(
      *conn_, role::worker, nullptr,
      [&]() -> result<std::vector<claimed_event>> {
        auto reaped = reap_event_leases(*conn_, plat);
        if (!reaped) return reaped.error();
        // Events with an invalid signature are never processed.
        auto rows =
            conn_->exec("WITH c AS ("
                        "  SELECT id FROM adbatch.webhook_events"
                        "  WHERE platform = $1 AND status = 'received' AND "
                        "next_attempt_at <= now()"
                        "    AND signature_valid IS DISTINCT FROM false"
                        "  ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) "
                        "UPDATE adbatch.webhook_events w SET status = "
                        "'processing', lease_owner = $3, "
                        "  lease_expires_at = now() + $4::bigint * interval '1 "
                        "millisecond', "
                        "  attempts = w.attempts + 1, updated_at = now() "
                        "FROM c WHERE w.id = c.id "
                        "RETURNING w.id, w.external_event_id, w.event_type, "
                        "w.headers::text, w.payload::text, "
                        "  w.org_id::text, w.connection_id::text, w.attempts, "
                        "w.max_attempts",
                        {plat, std::to_string(limit), lease_owner,
                         std::to_string(lease.count())});
        if (!rows) return rows.error();
        std::vector<claimed_event> out;
        for (int i = 0; i < rows->size(); ++i) {
          claimed_event ev;
          ev.id = rows->i64(i, 0);
          ev.platform = p;
          if (!rows->is_null(i, 1)) ev.external_event_id = rows->str(i, 1);
          ev.event_type = rows->str(i, 2);
          ev.headers_json = rows->str(i, 3);
          ev.payload_json = rows->str(i, 4);
          if (!rows->is_null(i, 5)) ev.org_id = rows->str(i, 5);
          if (!rows->is_null(i, 6)) ev.connection_id = rows->str(i, 6);
          ev.attempts = static_cast<int>(rows->i64(i, 7));
          ev.max_attempts = static_cast<int>(rows->i64(i, 8));
          out.push_back(std::move(ev));
        }
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        return out;
      });
}

result<void>
pg_backend::finish_event(std::int64_t id, const std::string& lease_owner,
                         webhook_status status,
                         const std::optional<std::string>& org_id,
                         const std::optional<std::string>& connection_id) {
  if (status != webhook_status::processed &&
      status != webhook_status::ignored && status != webhook_status::duplicate)
    return invalid("finish_event takes processed, ignored or duplicate");
  if (org_id && !is_uuid(*org_id)) return invalid("org_id is not a UUID");
  if (connection_id && !is_uuid(*connection_id))
    return invalid("connection_id is not a UUID");
  auto opt_uuid = [](const std::optional<std::string>& s) -> pg_param {
    if (!s) return std::nullopt;
    return normalize_uuid(*s);
  };
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<void> {
    auto r = conn_->exec(
        "UPDATE adbatch.webhook_events SET status = $3, lease_expires_at = "
        "NULL, "
        "  org_id = coalesce($4::uuid, org_id), connection_id = "
        "coalesce($5::uuid, connection_id), "
        "  error = NULL, error_code = NULL, processed_at = now(), updated_at = "
        "now() "
        "WHERE id = $1 AND status = 'processing' AND lease_owner = $2",
        {std::to_string(id), lease_owner, std::string{to_string(status)},
         opt_uuid(org_id), opt_uuid(connection_id)});
    if (!r && conn_->last_sqlstate() == "23503")
      return invalid("connection_id names no known connection");
    if (!r) return r.error();
    if (r->affected() == 0)
      return make_error(error_code::conflict,
                        "webhook event " + std::to_string(id) +
                            " is not processing under lease owner " +
                            lease_owner);
    return {};
  });
}

result<event_fail_outcome>
pg_backend::fail_event(std::int64_t id, const std::string& lease_owner,
                       const std::string& error, const std::string& code,
                       bool retryable) {
  return in_txn(
      *conn_, role::worker, nullptr, [&]() -> result<event_fail_outcome> {
        auto cur = conn_->exec(
            "SELECT attempts, max_attempts FROM adbatch.webhook_events "
            "WHERE id = $1 AND status = 'processing' AND lease_owner = $2 "
            "FOR UPDATE",
            {std::to_string(id), lease_owner});
        if (!cur) return cur.error();
        if (cur->size() == 0)
          return make_error(error_code::conflict,
                            "webhook event " + std::to_string(id) +
                                " is not processing under lease owner " +
                                lease_owner);
        const int attempts = static_cast<int>(cur->i64(0, 0));
        const bool retry =
            retryable && attempts < static_cast<int>(cur->i64(0, 1));
        std::int64_t delay_ms = 0;
        if (retry) {
          const double u = options_.jitter_source ? options_.jitter_source()
                                                  : default_jitter();
          delay_ms = retry_backoff(attempts, u, options_.backoff).count();
        }
        auto r = conn_->exec(
            "UPDATE adbatch.webhook_events SET status = $2, lease_owner = "
            "NULL, "
            "  lease_expires_at = NULL, error = $3, error_code = $4, "
            "  next_attempt_at = CASE WHEN $2 = 'received' "
            "    THEN now() + $5::bigint * interval '1 millisecond' ELSE "
            "next_attempt_at END, "
            "  processed_at = CASE WHEN $2 = 'failed' THEN now() END, "
            "updated_at = now() "
            "WHERE id = $1 RETURNING " +
                us("next_attempt_at"),
            {std::to_string(id), std::string{retry ? "received" : "failed"},
             error, code, std::to_string(delay_ms)});
        if (!r) return r.error();
        event_fail_outcome out;
        out.status = retry ? webhook_status::received : webhook_status::failed;
        if (retry && r->size() == 1)
          out.next_attempt_at = from_us(r->i64(0, 0));
        return out;
      });
}

result<std::int64_t> pg_backend::prune_events(std::chrono::seconds retention) {
  if (retention.count() < 0) return invalid("retention must not be negative");
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<std::int64_t> {
    auto r = conn_->exec(
        "DELETE FROM adbatch.webhook_events "
        "WHERE status IN ('processed', 'failed', 'ignored', 'duplicate') "
        "AND received_at < now() - $1::bigint * interval '1 second'",
        {std::to_string(retention.count())});
    if (!r) return r.error();
    return r->affected();
  });
}

} // namespace adbatch::persistence
