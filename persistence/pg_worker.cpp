// pg_backend: the worker side (claims, outcomes, retries, requeue, prune,
// stats, execution log).

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

// -- worker: claims and outcomes
// ------------------------------------------------------------------

result<claim_result> pg_backend::claim(ad_platform p, int limit,
                                       std::chrono::milliseconds lease,
                                       const std::string& lease_owner) {
  return claim_filtered(p, limit, lease, lease_owner, claim_options{});
}

result<claim_result> pg_backend::claim_filtered(ad_platform p, int limit,
                                                std::chrono::milliseconds lease,
                                                const std::string& lease_owner,
                                                const claim_options& options) {
  for (const auto& c : options.exclude_connections)
    if (!is_uuid(c))
      return invalid("excluded connection '" + c + "' is not a UUID");
  if (options.per_connection_limit < 0)
    return invalid("per_connection_limit must not be negative");
  if (limit <= 0) return invalid("claim limit must be positive");
  if (lease.count() <= 0) return invalid("lease duration must be positive");
  if (lease_owner.empty()) return invalid("lease_owner is missing");
  const std::string plat = to_string(p);
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<claim_result> {
    claim_result out;
    // Reap expired leases first, so their rows are claimable below (the
    // next statement sees this one's changes).
    auto reaped = reap_request_leases(*conn_, plat);
    if (!reaped) return reaped.error();
    for (int i = 0; i < reaped->size(); ++i)
      (reaped->text(i, 0) == "failed" ? out.leases_exhausted
                                      : out.leases_reclaimed) += 1;
    const std::string excluded =
        array_literal(options.exclude_connections,
                      [](const std::string& c) { return normalize_uuid(c); });
    std::vector<pg_param> params{plat, std::to_string(limit), lease_owner,
                                 std::to_string(lease.count()), excluded};
    std::string candidates;
    if (options.per_connection_limit > 0) {
      // Up to N per connection (each from
      // batch_request_queue_connection_claim), then the most urgent of those.
      candidates =
          "SELECT l.id FROM adbatch.platform_connections pc CROSS JOIN LATERAL "
          "("
          "  SELECT id, priority FROM adbatch.batch_request_queue"
          "  WHERE connection_id = pc.connection_id AND status = 'pending'"
          "    AND next_attempt_at <= now()"
          "  ORDER BY priority, id LIMIT $6 FOR UPDATE SKIP LOCKED) l "
          "WHERE pc.platform = $1 AND pc.connection_id <> ALL($5::uuid[]) "
          "ORDER BY l.priority, l.id LIMIT $2";
      params.push_back(std::to_string(options.per_connection_limit));
    } else {
      // The ORDER BY matches the partial index batch_request_queue_claim
      // (platform, priority, id) WHERE pending: no sort, only the rows taken
      // (plus skipped ones) are read.
      candidates = "SELECT id FROM adbatch.batch_request_queue"
                   "  WHERE platform = $1 AND status = 'pending' AND "
                   "next_attempt_at <= now()"
                   "    AND connection_id <> ALL($5::uuid[])"
                   "  ORDER BY priority, id LIMIT $2 FOR UPDATE SKIP LOCKED";
    }
    auto rows = conn_->exec(
        "WITH c AS (" + candidates +
            "), "
            "b AS (SELECT nextval('adbatch.batch_id_seq') AS batch) "
            "UPDATE adbatch.batch_request_queue q SET "
            "  status = 'processing', lease_owner = $3, "
            "  lease_expires_at = now() + $4::bigint * interval '1 "
            "millisecond', "
            "  attempts = q.attempts + 1, batch_id = b.batch, started_at = "
            "now(), "
            "  updated_at = now() "
            "FROM c, b WHERE q.id = c.id "
            "RETURNING q.id, q.org_id::text, q.connection_id::text, "
            "q.request_type, "
            "  q.params::text, q.priority, q.attempts, q.max_attempts, "
            "q.batch_id, coalesce(q.progress::text, '')",
        params);
    if (!rows) return rows.error();
    for (int i = 0; i < rows->size(); ++i) {
      claimed_request c;
      c.id = rows->i64(i, 0);
      c.org_id = rows->str(i, 1);
      c.platform = p;
      c.connection_id = rows->str(i, 2);
      c.request_type = rows->str(i, 3);
      c.params = rows->str(i, 4);
      c.priority = static_cast<int>(rows->i64(i, 5));
      c.attempts = static_cast<int>(rows->i64(i, 6));
      c.max_attempts = static_cast<int>(rows->i64(i, 7));
      c.batch = rows->i64(i, 8);
      c.progress = rows->str(i, 9);
      out.batch = c.batch;
      out.requests.push_back(std::move(c));
    }
    // RETURNING has no order: restore the claim order.
    std::sort(out.requests.begin(), out.requests.end(),
              [](const auto& a, const auto& b) {
                return std::tie(a.priority, a.id) < std::tie(b.priority, b.id);
              });
    return out;
  });
}

result<void> pg_backend::complete(request_id id, const std::string& lease_owner,
                                  const std::string& result_json) {
  auto r = complete_many({completion{id, result_json}}, lease_owner);
  if (!r) return r.error();
  if (r->applied.empty())
    return make_error(error_code::conflict,
                      "request " + std::to_string(id) +
                          " is not processing under lease owner " +
                          lease_owner);
  return {};
}

result<batch_outcome>
pg_backend::complete_many(const std::vector<completion>& items,
                          const std::string& lease_owner) {
  batch_outcome out;
  if (items.empty()) return out;
  boost::json::array rows_json;
  for (const auto& c : items) {
    if (!valid_json(c.result_json))
      return invalid("result of request " + std::to_string(c.id) +
                     " is not valid JSON");
    rows_json.push_back(
        boost::json::object{{"id", c.id}, {"result", c.result_json}});
  }
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<batch_outcome> {
    auto r = conn_->exec(
        "UPDATE adbatch.batch_request_queue q SET status = 'completed', "
        "  result = x.result::jsonb, lease_expires_at = NULL, error = NULL, "
        "error_code = NULL, "
        "  completed_at = now(), updated_at = now() "
        "FROM json_to_recordset($1::json) AS x(id bigint, result text) "
        "WHERE q.id = x.id AND q.status = 'processing' AND q.lease_owner = $2 "
        "RETURNING q.id",
        {boost::json::serialize(rows_json), lease_owner});
    if (!r) return r.error();
    std::set<request_id> applied;
    for (int i = 0; i < r->size(); ++i)
      applied.insert(r->i64(i, 0));
    for (const auto& c : items)
      (applied.count(c.id) ? out.applied : out.rejected).push_back(c.id);
    return out;
  });
}

result<fail_outcome> pg_backend::fail(request_id id,
                                      const std::string& lease_owner,
                                      const std::string& error,
                                      const std::string& code, bool retryable) {
  std::map<request_id, fail_outcome> outcomes;
  auto r =
      fail_rows({failure{id, error, code, retryable}}, lease_owner, &outcomes);
  if (!r) return r.error();
  auto it = outcomes.find(id);
  if (it == outcomes.end())
    return make_error(error_code::conflict,
                      "request " + std::to_string(id) +
                          " is not processing under lease owner " +
                          lease_owner);
  return it->second;
}

result<batch_outcome> pg_backend::fail_many(const std::vector<failure>& items,
                                            const std::string& lease_owner) {
  return fail_rows(items, lease_owner, nullptr);
}

result<batch_outcome>
pg_backend::fail_rows(const std::vector<failure>& items,
                      const std::string& lease_owner,
                      std::map<request_id, fail_outcome>* outcomes) {
  batch_outcome out;
  if (items.empty()) return out;
  std::vector<request_id> ids;
  for (const auto& f : items)
    ids.push_back(f.id);
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<batch_outcome> {
    auto cur = conn_->exec(
        "SELECT id, attempts, max_attempts FROM adbatch.batch_request_queue "
        "WHERE id = ANY($1::bigint[]) AND status = 'processing' AND "
        "lease_owner = $2 "
        "FOR UPDATE",
        {ids_literal(ids), lease_owner});
    if (!cur) return cur.error();
    std::map<request_id, std::pair<int, int>> held;
    for (int i = 0; i < cur->size(); ++i)
      held[cur->i64(i, 0)] = {static_cast<int>(cur->i64(i, 1)),
                              static_cast<int>(cur->i64(i, 2))};
    boost::json::array rows_json;
    for (const auto& f : items) {
      auto it = held.find(f.id);
      if (it == held.end()) continue;
      const auto [attempts, max_attempts] = it->second;
      // An ambiguous outcome is never retried: the write may have happened.
      const bool retry = !f.ambiguous && f.retryable && attempts < max_attempts;
      std::int64_t delay_ms = 0;
      if (retry) {
        const double u = options_.jitter_source ? options_.jitter_source()
                                                : default_jitter();
        delay_ms = retry_backoff(attempts, u, options_.backoff).count();
      }
      const char* status = retry         ? "pending"
                           : f.ambiguous ? "ambiguous"
                                         : "failed";
      rows_json.push_back(boost::json::object{{"id", f.id},
                                              {"status", status},
                                              {"delay_ms", delay_ms},
                                              {"error", f.error},
                                              {"error_code", f.error_code}});
      held.erase(it); // a duplicate id in items counts once
    }
    std::set<request_id> applied;
    if (!rows_json.empty()) {
      auto r = conn_->exec(
          "UPDATE adbatch.batch_request_queue q SET status = x.status, "
          "  next_attempt_at = CASE WHEN x.status = 'pending' "
          "    THEN now() + x.delay_ms * interval '1 millisecond' ELSE "
          "q.next_attempt_at END, "
          "  lease_owner = CASE WHEN x.status = 'pending' THEN NULL ELSE "
          "q.lease_owner END, "
          "  lease_expires_at = NULL, error = x.error, error_code = "
          "x.error_code, "
          "  completed_at = CASE WHEN x.status <> 'pending' THEN now() END, "
          "updated_at = now() "
          "FROM json_to_recordset($1::json) AS x(id bigint, status text, "
          "delay_ms bigint, "
          "  error text, error_code text) "
          "WHERE q.id = x.id RETURNING q.id, q.status, " +
              us("q.next_attempt_at"),
          {boost::json::serialize(rows_json)});
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i) {
        applied.insert(r->i64(i, 0));
        if (outcomes) {
          fail_outcome o;
          o.status = parse_request_status(r->text(i, 1))
                         .value_or(request_status::failed);
          if (o.status == request_status::pending)
            o.next_attempt_at = from_us(r->i64(i, 2));
          (*outcomes)[r->i64(i, 0)] = o;
        }
      }
    }
    for (const auto& f : items)
      (applied.count(f.id) ? out.applied : out.rejected).push_back(f.id);
    return out;
  });
}

result<void> pg_backend::skip(request_id id, const std::string& lease_owner,
                              const std::string& reason) {
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<void> {
    auto r = conn_->exec(
        "UPDATE adbatch.batch_request_queue SET status = 'skipped', "
        "lease_expires_at = NULL, "
        "  error = $3, error_code = 'skipped', completed_at = now(), "
        "updated_at = now() "
        "WHERE id = $1 AND status = 'processing' AND lease_owner = $2",
        {std::to_string(id), lease_owner, reason});
    if (!r) return r.error();
    if (r->affected() == 0)
      return make_error(error_code::conflict,
                        "request " + std::to_string(id) +
                            " is not processing under lease owner " +
                            lease_owner);
    return {};
  });
}

result<batch_outcome> pg_backend::release(const std::vector<request_id>& ids,
                                          const std::string& lease_owner,
                                          std::chrono::milliseconds delay) {
  batch_outcome out;
  if (ids.empty()) return out;
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<batch_outcome> {
    auto r = conn_->exec(
        "UPDATE adbatch.batch_request_queue SET status = 'pending', "
        "  attempts = greatest(attempts - 1, 0), lease_owner = NULL, "
        "lease_expires_at = NULL, "
        "  next_attempt_at = now() + $3::bigint * interval '1 millisecond', "
        "updated_at = now() "
        "WHERE id = ANY($1::bigint[]) AND status = 'processing' AND "
        "lease_owner = $2 "
        "RETURNING id",
        {ids_literal(ids), lease_owner,
         std::to_string(std::max<std::int64_t>(delay.count(), 0))});
    if (!r) return r.error();
    std::set<request_id> applied;
    for (int i = 0; i < r->size(); ++i)
      applied.insert(r->i64(i, 0));
    for (auto id : ids)
      (applied.count(id) ? out.applied : out.rejected).push_back(id);
    return out;
  });
}

result<batch_outcome>
pg_backend::save_progress(const std::vector<progress_update>& items,
                          const std::string& lease_owner) {
  batch_outcome out;
  if (items.empty()) return out;
  std::vector<request_id> ids;
  std::vector<std::string> progress, delays;
  for (const auto& u : items) {
    ids.push_back(u.id);
    progress.push_back(u.progress_json);
    delays.push_back(
        std::to_string(std::max<std::int64_t>(u.delay.count(), 0)));
  }
  // Array elements in double quotes with " and \ escaped (the progress
  // is JSON: it has both).
  auto quoted = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + '"';
  };
  auto text = [](const std::string& s) { return s; };
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<batch_outcome> {
    auto r = conn_->exec(
        "UPDATE adbatch.batch_request_queue q SET status = 'pending', "
        "  attempts = greatest(q.attempts - 1, 0), lease_owner = NULL, "
        "  lease_expires_at = NULL, progress = u.progress::jsonb, "
        "  next_attempt_at = now() + u.delay * interval '1 millisecond', "
        "  updated_at = now() "
        "FROM unnest($1::bigint[], $3::text[], $4::bigint[]) "
        "  AS u(id, progress, delay) "
        "WHERE q.id = u.id AND q.status = 'processing' AND "
        "q.lease_owner = $2 "
        "RETURNING q.id",
        {ids_literal(ids), lease_owner, array_literal(progress, quoted),
         array_literal(delays, text)});
    if (!r) return r.error();
    std::set<request_id> applied;
    for (int i = 0; i < r->size(); ++i)
      applied.insert(r->i64(i, 0));
    for (auto id : ids)
      (applied.count(id) ? out.applied : out.rejected).push_back(id);
    return out;
  });
}

result<std::int64_t> pg_backend::requeue_failed(ad_platform p, int limit) {
  if (limit <= 0) return invalid("requeue limit must be positive");
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<std::int64_t> {
    // Skip keys that are active again: requeueing them would break the
    // one-active-row-per-key rule.
    auto cand = conn_->exec(
        "SELECT f.id, f.request_key FROM adbatch.batch_request_queue f "
        "WHERE f.platform = $1 AND f.status = 'failed' AND NOT EXISTS ("
        "  SELECT 1 FROM adbatch.batch_request_queue a "
        "  WHERE a.request_key = f.request_key AND a.status IN ('pending', "
        "'processing')) "
        "ORDER BY f.completed_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        {std::string{to_string(p)}, std::to_string(limit)});
    if (!cand) return cand.error();
    std::set<std::string> keys;
    std::vector<request_id> ids;
    for (int i = 0; i < cand->size(); ++i)
      if (keys.insert(cand->str(i, 1)).second) ids.push_back(cand->i64(i, 0));
    if (ids.empty()) return std::int64_t{0};
    auto r =
        conn_->exec("UPDATE adbatch.batch_request_queue SET status = "
                    "'pending', attempts = 0, "
                    "  next_attempt_at = now(), lease_owner = NULL, error = "
                    "NULL, error_code = NULL, "
                    "  result = NULL, completed_at = NULL, updated_at = now() "
                    "WHERE id = ANY($1::bigint[]) AND status = 'failed'",
                    {ids_literal(ids)});
    if (!r && conn_->last_sqlstate() == "23505")
      return make_error(
          error_code::conflict,
          "a failed request's key became active meanwhile; retry");
    if (!r) return r.error();
    return r->affected();
  });
}

result<lease_sweep> pg_backend::reap_expired_leases() {
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<lease_sweep> {
    lease_sweep out;
    for (auto p : all_platforms) {
      auto req = reap_request_leases(*conn_, to_string(p));
      if (!req) return req.error();
      for (int i = 0; i < req->size(); ++i)
        (req->text(i, 0) == "failed" ? out.requests_exhausted
                                     : out.requests_reclaimed) += 1;
      auto ev = reap_event_leases(*conn_, to_string(p));
      if (!ev) return ev.error();
      for (int i = 0; i < ev->size(); ++i)
        (ev->text(i, 0) == "failed" ? out.events_exhausted
                                    : out.events_reclaimed) += 1;
    }
    return out;
  });
}

result<std::int64_t> pg_backend::prune(std::chrono::seconds retention) {
  if (retention.count() < 0) return invalid("retention must not be negative");
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<std::int64_t> {
    std::int64_t total = 0;
    // Per platform, so each DELETE walks batch_request_queue_finished.
    for (auto p : all_platforms) {
      auto r = conn_->exec(
          "DELETE FROM adbatch.batch_request_queue WHERE platform = $1 "
          "AND status IN ('completed', 'failed', 'cancelled', 'skipped', "
          "'ambiguous') "
          "AND completed_at < now() - $2::bigint * interval '1 second'",
          {std::string{to_string(p)}, std::to_string(retention.count())});
      if (!r) return r.error();
      total += r->affected();
    }
    auto log = conn_->exec(
        "DELETE FROM adbatch.batch_execution_log "
        "WHERE started_at < now() - $1::bigint * interval '1 second'",
        {std::to_string(retention.count())});
    if (!log) return log.error();
    return total;
  });
}

namespace {

result<queue_stats> platform_stats(pg_connection& conn, ad_platform p) {
  // One subquery per counter so each uses its partial index instead of
  // scanning the platform's whole history.
  auto r = conn.exec(
      "SELECT "
      "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 "
      "AND status = 'pending'), "
      "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 "
      "AND status = 'processing'), "
      "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 "
      "AND status = 'pending' "
      "   AND attempts > 0), "
      "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 "
      "AND status = 'completed' "
      "   AND completed_at > now() - interval '24 hours'), "
      "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 "
      "AND status = 'failed' "
      "   AND completed_at > now() - interval '24 hours'), "
      "(SELECT coalesce(extract(epoch from now() - min(created_at)), 0) "
      "   FROM adbatch.batch_request_queue WHERE platform = $1 AND status = "
      "'pending'), "
      "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 "
      "AND status = 'ambiguous' "
      "   AND completed_at > now() - interval '24 hours')",
      {std::string{to_string(p)}});
  if (!r) return r.error();
  queue_stats s;
  s.platform = p;
  s.pending = r->i64(0, 0);
  s.processing = r->i64(0, 1);
  s.due_for_retry = r->i64(0, 2);
  s.completed_24h = r->i64(0, 3);
  s.failed_24h = r->i64(0, 4);
  s.oldest_pending_age_s = r->f64(0, 5);
  s.ambiguous_24h = r->i64(0, 6);
  return s;
}

} // namespace

result<queue_stats> pg_backend::stats(ad_platform p) {
  return in_txn(*conn_, role::worker, nullptr,
                [&] { return platform_stats(*conn_, p); });
}

result<std::vector<queue_stats>> pg_backend::stats_all() {
  return in_txn(*conn_, role::worker, nullptr,
                [&]() -> result<std::vector<queue_stats>> {
                  std::vector<queue_stats> out;
                  for (auto p : all_platforms) {
                    auto s = platform_stats(*conn_, p);
                    if (!s) return s.error();
                    out.push_back(*s);
                  }
                  return out;
                });
}

// -- execution log
// --------------------------------------------------------------------------

result<std::int64_t> pg_backend::log_execution(const execution_log_row& row) {
  if (row.connection_id && !is_uuid(*row.connection_id))
    return invalid("execution log connection_id is not a UUID");
  if (row.org_id && !is_uuid(*row.org_id))
    return invalid("execution log org_id is not a UUID");
  if (row.errors_json && !valid_json(*row.errors_json))
    return invalid("execution log errors is not valid JSON");
  auto opt = [](const std::optional<std::string>& s) -> pg_param { return s; };
  auto ts = [](time_point t) -> pg_param {
    if (t.time_since_epoch().count() == 0) return std::nullopt;
    return std::to_string(to_us(t));
  };
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<std::int64_t> {
    auto r = conn_->exec(
        "INSERT INTO adbatch.batch_execution_log (platform, batch_id, "
        "batch_type, connection_id, "
        "  org_id, request_count, api_calls_made, quota_units, success_count, "
        "failed_count, "
        "  skipped_count, bytes_received, duration_ms, rate_limit_remaining, "
        "rate_limit_reset_at, "
        "  rate_limit_hit, errors, started_at, finished_at) "
        "VALUES ($1, $2, $3, $4::uuid, $5::uuid, $6, $7, $8, $9, $10, $11, "
        "$12, $13, $14, "
        "  to_timestamp($15::bigint / 1000000.0), $16, $17::jsonb, "
        "  coalesce(to_timestamp($18::bigint / 1000000.0), now()), "
        "  coalesce(to_timestamp($19::bigint / 1000000.0), now())) RETURNING "
        "id",
        {std::string{to_string(row.platform)}, std::to_string(row.batch),
         row.batch_type, opt(row.connection_id), opt(row.org_id),
         std::to_string(row.request_count), std::to_string(row.api_calls_made),
         std::to_string(row.quota_units), std::to_string(row.success_count),
         std::to_string(row.failed_count), std::to_string(row.skipped_count),
         std::to_string(row.bytes_received), std::to_string(row.duration_ms),
         row.rate_limit_remaining
             ? pg_param{std::to_string(*row.rate_limit_remaining)}
             : pg_param{},
         row.rate_limit_reset_at ? ts(*row.rate_limit_reset_at) : pg_param{},
         std::string{row.rate_limit_hit ? "true" : "false"},
         opt(row.errors_json), ts(row.started_at), ts(row.finished_at)});
    if (!r) return r.error();
    return r->i64(0, 0);
  });
}

result<execution_summary> pg_backend::execution_log(ad_platform p, int hours) {
  if (hours <= 0) return invalid("hours must be positive");
  return in_txn(
      *conn_, role::worker, nullptr, [&]() -> result<execution_summary> {
        auto r = conn_->exec(
            "SELECT count(*), coalesce(sum(request_count), 0), "
            "coalesce(sum(api_calls_made), 0), "
            "  coalesce(sum(quota_units), 0), coalesce(sum(success_count), 0), "
            "  coalesce(sum(failed_count), 0), coalesce(sum(skipped_count), "
            "0), "
            "  coalesce(sum(bytes_received), 0), count(*) FILTER (WHERE "
            "rate_limit_hit), "
            "  coalesce(avg(duration_ms), 0) "
            "FROM adbatch.batch_execution_log "
            "WHERE platform = $1 AND started_at > now() - $2::bigint * "
            "interval '1 hour'",
            {std::string{to_string(p)}, std::to_string(hours)});
        if (!r) return r.error();
        execution_summary s;
        s.platform = p;
        s.hours = hours;
        s.batches = r->i64(0, 0);
        s.requests = r->i64(0, 1);
        s.api_calls = r->i64(0, 2);
        s.quota_units = r->i64(0, 3);
        s.success = r->i64(0, 4);
        s.failed = r->i64(0, 5);
        s.skipped = r->i64(0, 6);
        s.bytes_received = r->i64(0, 7);
        s.rate_limit_hits = r->i64(0, 8);
        s.avg_duration_ms = r->f64(0, 9);
        const auto done = s.success + s.failed;
        s.success_rate = done == 0 ? 1.0
                                   : static_cast<double>(s.success) /
                                         static_cast<double>(done);
        return s;
      });
}

} // namespace adbatch::persistence
