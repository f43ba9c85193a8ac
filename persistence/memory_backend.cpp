#include "persistence/memory_backend.hpp"

#include "persistence/backoff.hpp"
#include "persistence/validation.hpp"

#include <algorithm>
#include <random>
#include <tuple>

namespace adbatch::persistence {

namespace {

db_error unavailable() {
  return make_error(error_code::storage_unavailable,
                    "memory store is down (simulated connection loss)");
}

db_error not_found(request_id id) {
  return make_error(error_code::not_found,
                    "request " + std::to_string(id) + " not found");
}

db_error lease_lost(request_id id) {
  return make_error(error_code::conflict,
                    "request " + std::to_string(id) +
                        " is not held by this lease owner");
}

bool is_active(request_status s) {
  return s == request_status::pending || s == request_status::processing;
}

double default_jitter() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return std::uniform_real_distribution<double>{0.0, 1.0}(gen);
}

} // namespace

result<std::unique_ptr<backend>>
memory_backend::connect(std::shared_ptr<memory_store> store,
                        backend_options options) {
  if (!store->available) return unavailable();
  return std::unique_ptr<backend>{
      new memory_backend(std::move(store), std::move(options))};
}

memory_backend::memory_backend(std::shared_ptr<memory_store> store,
                               backend_options options)
    : store_(std::move(store)), options_(std::move(options)),
      epoch_(store_->epoch.load()) {}

std::optional<db_error> memory_backend::check_up() const {
  if (!store_->available || store_->epoch.load() != epoch_)
    return unavailable();
  return std::nullopt;
}

result<void> memory_backend::ping() {
  if (auto err = check_up()) return *err;
  return {};
}

bool memory_backend::connected() const {
  return !check_up().has_value();
}

// -- connections
// ----------------------------------------------------------------

result<void> memory_backend::add_connection(const platform_connection& conn) {
  if (auto err = check_up()) return *err;
  if (!is_uuid(conn.connection_id) || !is_uuid(conn.org_id))
    return make_error(error_code::invalid_argument,
                      "connection_id and org_id must be UUIDs");
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto c = conn;
  c.connection_id = normalize_uuid(conn.connection_id);
  c.org_id = normalize_uuid(conn.org_id);
  if (!store_->connections.emplace(c.connection_id, c).second)
    return make_error(error_code::conflict,
                      "connection " + c.connection_id + " exists");
  return {};
}

result<void> memory_backend::set_connection_enabled(
    const std::string& org_id, const std::string& connection_id, bool enabled) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto i = store_->connections.find(normalize_uuid(connection_id));
  if (i == store_->connections.end() ||
      i->second.org_id != normalize_uuid(org_id))
    return make_error(error_code::not_found, "connection not found");
  i->second.enabled = enabled;
  return {};
}

result<platform_connection>
memory_backend::get_connection(const std::string& connection_id) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto i = store_->connections.find(normalize_uuid(connection_id));
  if (i == store_->connections.end())
    return make_error(error_code::not_found, "connection not found");
  return i->second;
}

result<std::vector<platform_connection>>
memory_backend::list_connections(ad_platform p) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  std::vector<platform_connection> out;
  for (auto& [id, c] : store_->connections)
    if (c.platform == p) out.push_back(c);
  return out;
}

// -- connection tokens
// ------------------------------------------------------------

result<void>
memory_backend::set_connection_token(const std::string& org_id,
                                     const std::string& connection_id,
                                     const sealed_token& sealed) {
  if (auto err = check_up()) return *err;
  if (sealed.key_id.empty() || sealed.nonce.size() != 12 ||
      sealed.ciphertext.size() <= 16)
    return make_error(error_code::invalid_argument,
                      "token must be sealed (key id, 12-byte nonce, "
                      "ciphertext with tag)");
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto id = normalize_uuid(connection_id);
  auto i = store_->connections.find(id);
  // Org scope, as row-level security does it: another org's connection is
  // not found.
  if (i == store_->connections.end() ||
      i->second.org_id != normalize_uuid(org_id))
    return make_error(error_code::not_found, "connection " + connection_id +
                                                 " not found for org " +
                                                 org_id);
  store_->tokens.insert_or_assign(id, sealed);
  return {};
}

result<void>
memory_backend::clear_connection_token(const std::string& org_id,
                                       const std::string& connection_id) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto id = normalize_uuid(connection_id);
  auto i = store_->connections.find(id);
  if (i == store_->connections.end() ||
      i->second.org_id != normalize_uuid(org_id))
    return make_error(error_code::not_found, "connection " + connection_id +
                                                 " not found for org " +
                                                 org_id);
  store_->tokens.erase(id);
  return {};
}

result<stored_connection_secret>
memory_backend::get_connection_secret(const std::string& connection_id) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto id = normalize_uuid(connection_id);
  auto i = store_->connections.find(id);
  if (i == store_->connections.end())
    return make_error(error_code::not_found,
                      "connection " + connection_id + " not found");
  stored_connection_secret out;
  out.connection = i->second;
  if (auto t = store_->tokens.find(id); t != store_->tokens.end())
    out.token = t->second;
  return out;
}

result<token_rotation>
memory_backend::rotate_tokens(const std::string& active_key_id, int batch,
                              const token_resealer& reseal) {
  if (auto err = check_up()) return *err;
  if (active_key_id.empty() || batch <= 0 || !reseal)
    return make_error(error_code::invalid_argument,
                      "rotation needs an active key id, a positive batch "
                      "and a resealer");
  std::lock_guard<std::mutex> guard{store_->mtx};
  token_rotation out;
  for (auto& [id, token] : store_->tokens) {
    if (token.key_id == active_key_id) continue;
    auto fresh = reseal(id, token);
    if (!fresh) {
      ++out.failed;
      if (out.failures.size() < 100)
        out.failures.push_back("connection " + id + ": " +
                               fresh.error().message);
      continue;
    }
    token = std::move(*fresh);
    ++out.resealed;
  }
  return out;
}

// -- enqueue
// ----------------------------------------------------------------------

std::vector<result<enqueue_result>>
memory_backend::enqueue_batch(const std::vector<enqueue_request>& requests) {
  std::vector<result<enqueue_result>> out;
  out.reserve(requests.size());
  if (auto err = check_up()) {
    for (std::size_t i = 0; i < requests.size(); ++i)
      out.emplace_back(*err);
    return out;
  }
  std::lock_guard<std::mutex> guard{store_->mtx};
  ++store_->enqueue_batch_calls;
  store_->batch_sizes.push_back(requests.size());
  auto now = store_->now();
  for (auto& req : requests) {
    auto v = validate_request(req, options_.validate_request_type);
    if (!v.ok()) {
      out.emplace_back(v.error());
      continue;
    }
    auto& r = v.value();
    auto conn = store_->connections.find(r.connection_id);
    if (conn == store_->connections.end() || conn->second.org_id != r.org_id ||
        conn->second.platform != r.platform) {
      out.emplace_back(make_error(error_code::invalid_argument,
                                  "unknown connection " + r.connection_id +
                                      " for this org and platform"));
      continue;
    }
    if (!conn->second.enabled) {
      out.emplace_back(
          make_error(error_code::invalid_argument,
                     "connection " + r.connection_id + " is disabled"));
      continue;
    }
    // De-duplication: an active row with the same key, or one completed
    // within the window, answers for this request.
    std::optional<request_id> dup;
    for (auto& [id, row] : store_->rows) {
      if (row.request_key != r.request_key || row.view.platform != r.platform)
        continue;
      if (is_active(row.view.status) ||
          (row.view.status == request_status::completed &&
           options_.dedup_window.count() > 0 && row.view.completed_at &&
           *row.view.completed_at + options_.dedup_window > now)) {
        dup = id;
        break;
      }
    }
    if (dup) {
      out.emplace_back(enqueue_result{*dup, true});
      continue;
    }
    memory_store::row row;
    row.request_key = r.request_key;
    auto& rv = row.view;
    rv.id = store_->next_id++;
    rv.org_id = r.org_id;
    rv.platform = r.platform;
    rv.connection_id = r.connection_id;
    rv.request_type = r.request_type;
    rv.params = r.params;
    rv.priority = r.priority;
    rv.max_attempts = r.max_attempts;
    rv.created_at = rv.updated_at = rv.next_attempt_at = now;
    auto id = rv.id;
    store_->rows.emplace(id, std::move(row));
    out.emplace_back(enqueue_result{id, false});
  }
  return out;
}

result<request_view> memory_backend::get_request(const std::string& org_id,
                                                 request_id id) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto i = store_->rows.find(id);
  if (i == store_->rows.end() ||
      i->second.view.org_id != normalize_uuid(org_id))
    return not_found(id);
  return i->second.view;
}

result<void> memory_backend::cancel(const std::string& org_id, request_id id) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto i = store_->rows.find(id);
  if (i == store_->rows.end() ||
      i->second.view.org_id != normalize_uuid(org_id))
    return not_found(id);
  auto& v = i->second.view;
  if (v.status != request_status::pending)
    return make_error(error_code::conflict, "request " + std::to_string(id) +
                                                " is " + to_string(v.status) +
                                                ", not pending");
  v.status = request_status::cancelled;
  v.updated_at = store_->now();
  v.completed_at = v.updated_at;
  return {};
}

result<std::int64_t>
memory_backend::cancel_connection(const std::string& org_id,
                                  const std::string& connection_id,
                                  const std::string& reason) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto org = normalize_uuid(org_id);
  auto conn = normalize_uuid(connection_id);
  auto now = store_->now();
  std::int64_t n = 0;
  for (auto& [id, row] : store_->rows) {
    auto& v = row.view;
    if (v.org_id == org && v.connection_id == conn &&
        v.status == request_status::pending) {
      v.status = request_status::cancelled;
      v.error = reason;
      v.updated_at = now;
      v.completed_at = now;
      ++n;
    }
  }
  return n;
}

queue_stats memory_backend::stats_locked(ad_platform p, const std::string* org,
                                         time_point now) const {
  queue_stats s;
  s.platform = p;
  auto day_ago = now - std::chrono::hours(24);
  for (auto& [id, row] : store_->rows) {
    auto& v = row.view;
    if (v.platform != p || (org && v.org_id != *org)) continue;
    switch (v.status) {
    case request_status::pending:
      ++s.pending;
      if (v.attempts > 0) ++s.due_for_retry;
      s.oldest_pending_age_s =
          std::max(s.oldest_pending_age_s,
                   std::chrono::duration<double>(now - v.created_at).count());
      break;
    case request_status::processing:
      ++s.processing;
      break;
    case request_status::completed:
      if (v.completed_at && *v.completed_at >= day_ago) ++s.completed_24h;
      break;
    case request_status::failed:
      if (v.completed_at && *v.completed_at >= day_ago) ++s.failed_24h;
      break;
    case request_status::ambiguous:
      if (v.completed_at && *v.completed_at >= day_ago) ++s.ambiguous_24h;
      break;
    default:
      break;
    }
  }
  return s;
}

result<std::vector<queue_stats>>
memory_backend::org_stats(const std::string& org_id) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto org = normalize_uuid(org_id);
  auto now = store_->now();
  std::vector<queue_stats> out;
  for (auto p : all_platforms)
    out.push_back(stats_locked(p, &org, now));
  return out;
}

// -- worker side
// --------------------------------------------------------------------

result<claim_result> memory_backend::claim(ad_platform p, int limit,
                                           std::chrono::milliseconds lease,
                                           const std::string& lease_owner) {
  if (auto err = check_up()) return *err;
  if (limit <= 0)
    return make_error(error_code::invalid_argument, "limit must be > 0");
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto now = store_->now();
  claim_result out;
  // Expired leases first: back to pending, or failed once out of attempts.
  for (auto& [id, row] : store_->rows) {
    auto& v = row.view;
    if (v.platform != p || v.status != request_status::processing ||
        row.lease_expires_at > now)
      continue;
    row.lease_owner.clear();
    v.updated_at = now;
    if (v.attempts >= v.max_attempts) {
      v.status = request_status::failed;
      v.error = "lease expired after the last attempt";
      v.error_code = "lease_expired";
      v.completed_at = now;
      ++out.leases_exhausted;
    } else {
      v.status = request_status::pending;
      v.next_attempt_at = now;
      ++out.leases_reclaimed;
    }
  }
  std::vector<memory_store::row*> due;
  for (auto& [id, row] : store_->rows)
    if (row.view.platform == p && row.view.status == request_status::pending &&
        row.view.next_attempt_at <= now)
      due.push_back(&row);
  std::sort(due.begin(), due.end(), [](auto* a, auto* b) {
    return std::tie(a->view.priority, a->view.id) <
           std::tie(b->view.priority, b->view.id);
  });
  if (due.size() > static_cast<std::size_t>(limit))
    due.resize(static_cast<std::size_t>(limit));
  if (due.empty()) return out;
  out.batch = store_->next_batch++;
  for (auto* row : due) {
    auto& v = row->view;
    v.status = request_status::processing;
    ++v.attempts;
    v.batch = out.batch;
    v.started_at = now;
    v.updated_at = now;
    row->lease_owner = lease_owner;
    row->lease_expires_at = now + lease;
    claimed_request c;
    c.id = v.id;
    c.org_id = v.org_id;
    c.platform = v.platform;
    c.connection_id = v.connection_id;
    c.request_type = v.request_type;
    c.params = v.params;
    c.priority = v.priority;
    c.attempts = v.attempts;
    c.max_attempts = v.max_attempts;
    c.batch = out.batch;
    c.progress = row->progress;
    out.requests.push_back(std::move(c));
  }
  return out;
}

result<void> memory_backend::complete_locked(request_id id,
                                             const std::string& owner,
                                             const std::string& result_json,
                                             time_point now) {
  auto i = store_->rows.find(id);
  if (i == store_->rows.end()) return not_found(id);
  auto& row = i->second;
  if (row.view.status != request_status::processing || row.lease_owner != owner)
    return lease_lost(id);
  row.view.status = request_status::completed;
  row.view.result = result_json;
  row.view.completed_at = now;
  row.view.updated_at = now;
  row.lease_owner.clear();
  return {};
}

result<void> memory_backend::complete(request_id id,
                                      const std::string& lease_owner,
                                      const std::string& result_json) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  return complete_locked(id, lease_owner, result_json, store_->now());
}

result<batch_outcome>
memory_backend::complete_many(const std::vector<completion>& items,
                              const std::string& lease_owner) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto now = store_->now();
  batch_outcome out;
  for (auto& c : items) {
    if (complete_locked(c.id, lease_owner, c.result_json, now).ok())
      out.applied.push_back(c.id);
    else
      out.rejected.push_back(c.id);
  }
  return out;
}

result<fail_outcome>
memory_backend::fail_locked(request_id id, const std::string& owner,
                            const std::string& error, const std::string& code,
                            bool retryable, bool ambiguous, time_point now) {
  auto i = store_->rows.find(id);
  if (i == store_->rows.end()) return not_found(id);
  auto& row = i->second;
  auto& v = row.view;
  if (v.status != request_status::processing || row.lease_owner != owner)
    return lease_lost(id);
  row.lease_owner.clear();
  v.error = error;
  v.error_code = code;
  v.updated_at = now;
  fail_outcome out;
  if (ambiguous) {
    // The write may have happened upstream: terminal, never retried.
    v.status = request_status::ambiguous;
    v.completed_at = now;
    out.status = request_status::ambiguous;
  } else if (retryable && v.attempts < v.max_attempts) {
    auto jitter =
        options_.jitter_source ? options_.jitter_source() : default_jitter();
    v.status = request_status::pending;
    v.next_attempt_at =
        now + retry_backoff(v.attempts, jitter, options_.backoff);
    out.status = request_status::pending;
    out.next_attempt_at = v.next_attempt_at;
  } else {
    v.status = request_status::failed;
    v.completed_at = now;
    out.status = request_status::failed;
  }
  return out;
}

result<fail_outcome> memory_backend::fail(request_id id,
                                          const std::string& lease_owner,
                                          const std::string& error,
                                          const std::string& error_code,
                                          bool retryable) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  return fail_locked(id, lease_owner, error, error_code, retryable,
                     /*ambiguous=*/false, store_->now());
}

result<batch_outcome>
memory_backend::fail_many(const std::vector<failure>& items,
                          const std::string& lease_owner) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto now = store_->now();
  batch_outcome out;
  for (auto& f : items) {
    if (fail_locked(f.id, lease_owner, f.error, f.error_code, f.retryable,
                    f.ambiguous, now)
            .ok())
      out.applied.push_back(f.id);
    else
      out.rejected.push_back(f.id);
  }
  return out;
}

result<void> memory_backend::skip(request_id id, const std::string& lease_owner,
                                  const std::string& reason) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto i = store_->rows.find(id);
  if (i == store_->rows.end()) return not_found(id);
  auto& row = i->second;
  if (row.view.status != request_status::processing ||
      row.lease_owner != lease_owner)
    return lease_lost(id);
  auto now = store_->now();
  row.lease_owner.clear();
  row.view.status = request_status::skipped;
  row.view.error = reason;
  row.view.completed_at = now;
  row.view.updated_at = now;
  return {};
}

result<batch_outcome>
memory_backend::release(const std::vector<request_id>& ids,
                        const std::string& lease_owner,
                        std::chrono::milliseconds delay) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto now = store_->now();
  batch_outcome out;
  for (auto id : ids) {
    auto i = store_->rows.find(id);
    if (i == store_->rows.end() ||
        i->second.view.status != request_status::processing ||
        i->second.lease_owner != lease_owner) {
      out.rejected.push_back(id);
      continue;
    }
    auto& v = i->second.view;
    i->second.lease_owner.clear();
    v.status = request_status::pending;
    v.attempts = std::max(0, v.attempts - 1); // the attempt is given back
    v.next_attempt_at = now + delay;
    v.updated_at = now;
    out.applied.push_back(id);
  }
  return out;
}

result<batch_outcome>
memory_backend::save_progress(const std::vector<progress_update>& items,
                              const std::string& lease_owner) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto now = store_->now();
  batch_outcome out;
  for (const auto& u : items) {
    auto i = store_->rows.find(u.id);
    if (i == store_->rows.end() ||
        i->second.view.status != request_status::processing ||
        i->second.lease_owner != lease_owner) {
      out.rejected.push_back(u.id);
      continue;
    }
    auto& v = i->second.view;
    i->second.lease_owner.clear();
    i->second.progress = u.progress_json;
    v.status = request_status::pending;
    v.attempts = std::max(0, v.attempts - 1); // the attempt is given back
    v.next_attempt_at = now + u.delay;
    v.updated_at = now;
    out.applied.push_back(u.id);
  }
  return out;
}

result<std::int64_t> memory_backend::requeue_failed(ad_platform p, int limit) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto now = store_->now();
  std::int64_t n = 0;
  for (auto& [id, row] : store_->rows) {
    if (n >= limit) break;
    auto& v = row.view;
    if (v.platform != p || v.status != request_status::failed) continue;
    v.status = request_status::pending;
    v.attempts = 0;
    v.next_attempt_at = now;
    v.completed_at.reset();
    v.updated_at = now;
    ++n;
  }
  return n;
}

result<std::int64_t> memory_backend::prune(std::chrono::seconds retention) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto cutoff = store_->now() - retention;
  std::int64_t n = 0;
  for (auto i = store_->rows.begin(); i != store_->rows.end();) {
    auto& v = i->second.view;
    if (is_terminal(v.status) && v.completed_at && *v.completed_at < cutoff) {
      i = store_->rows.erase(i);
      ++n;
    } else {
      ++i;
    }
  }
  return n;
}

result<queue_stats> memory_backend::stats(ad_platform p) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  return stats_locked(p, nullptr, store_->now());
}

result<std::vector<queue_stats>> memory_backend::stats_all() {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto now = store_->now();
  std::vector<queue_stats> out;
  for (auto p : all_platforms)
    out.push_back(stats_locked(p, nullptr, now));
  return out;
}

// -- execution log
// ----------------------------------------------------------------------

result<std::int64_t>
memory_backend::log_execution(const execution_log_row& row) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  store_->log.push_back(row);
  return static_cast<std::int64_t>(store_->log.size());
}

result<execution_summary> memory_backend::execution_log(ad_platform p,
                                                        int hours) {
  if (auto err = check_up()) return *err;
  std::lock_guard<std::mutex> guard{store_->mtx};
  auto since = store_->now() - std::chrono::hours(hours);
  execution_summary s;
  s.platform = p;
  s.hours = hours;
  double total_ms = 0;
  for (auto& r : store_->log) {
    if (r.platform != p || r.started_at < since) continue;
    ++s.batches;
    s.requests += r.request_count;
    s.api_calls += r.api_calls_made;
    s.quota_units += r.quota_units;
    s.success += r.success_count;
    s.failed += r.failed_count;
    s.skipped += r.skipped_count;
    s.bytes_received += r.bytes_received;
    s.rate_limit_hits += r.rate_limit_hit ? 1 : 0;
    total_ms += static_cast<double>(r.duration_ms);
  }
  if (s.batches > 0)
    s.avg_duration_ms = total_ms / static_cast<double>(s.batches);
  if (s.success + s.failed > 0)
    s.success_rate = static_cast<double>(s.success) /
                     static_cast<double>(s.success + s.failed);
  return s;
}

} // namespace adbatch::persistence
