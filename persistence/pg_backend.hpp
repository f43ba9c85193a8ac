#pragma once

// The PostgreSQL backend: the only place (with pg_connection and
// migrations) that talks libpq. One instance = one connection; use it from
// one thread at a time.
//
// The login role (from the conninfo) must be a member of adbatch_app and
// adbatch_worker (migrate() grants that to the role that runs it). Org-scoped
// calls run as `SET LOCAL ROLE adbatch_app` with `adbatch.org_id` set, so
// row-level security filters them; worker calls run as adbatch_worker.

#include "persistence/backend.hpp"

#include <map>
#include <memory>
#include <string>

namespace adbatch::persistence {

class pg_connection;

class pg_backend final : public backend {
public:
  /// Connects (does not migrate). storage_unavailable if the server cannot
  /// be reached; the message never contains a password.
  static result<std::unique_ptr<pg_backend>>
  connect(const std::string& conninfo, backend_options options = {});

  ~pg_backend() override;

  /// The underlying connection (migrations, tests).
  pg_connection& connection() { return *conn_; }

  result<void> ping() override;
  bool connected() const override;

  result<void> add_connection(const platform_connection& conn) override;
  result<void> set_connection_enabled(const std::string& org_id,
                                      const std::string& connection_id,
                                      bool enabled) override;
  result<platform_connection>
  get_connection(const std::string& connection_id) override;
  result<std::vector<platform_connection>>
  list_connections(ad_platform p) override;

  // Connection tokens: pg_tokens.cpp.
  result<void> set_connection_token(const std::string& org_id,
                                    const std::string& connection_id,
                                    const sealed_token& sealed) override;
  result<void>
  clear_connection_token(const std::string& org_id,
                         const std::string& connection_id) override;
  result<stored_connection_secret>
  get_connection_secret(const std::string& connection_id) override;
  result<token_rotation> rotate_tokens(const std::string& active_key_id,
                                       int batch,
                                       const token_resealer& reseal) override;

  std::vector<result<enqueue_result>>
  enqueue_batch(const std::vector<enqueue_request>& requests) override;
  result<request_view> get_request(const std::string& org_id,
                                   request_id id) override;
  result<std::vector<request_view>>
  list_requests(const std::string& org_id,
                const request_filter& filter) override;
  result<void> cancel(const std::string& org_id, request_id id) override;
  result<std::int64_t> cancel_connection(const std::string& org_id,
                                         const std::string& connection_id,
                                         const std::string& reason) override;
  result<std::vector<queue_stats>>
  org_stats(const std::string& org_id) override;

  result<claim_result> claim(ad_platform p, int limit,
                             std::chrono::milliseconds lease,
                             const std::string& lease_owner) override;
  result<claim_result> claim_filtered(ad_platform p, int limit,
                                      std::chrono::milliseconds lease,
                                      const std::string& lease_owner,
                                      const claim_options& options) override;
  result<void> complete(request_id id, const std::string& lease_owner,
                        const std::string& result_json) override;
  result<batch_outcome> complete_many(const std::vector<completion>& items,
                                      const std::string& lease_owner) override;
  result<fail_outcome> fail(request_id id, const std::string& lease_owner,
                            const std::string& error,
                            const std::string& error_code,
                            bool retryable) override;
  result<batch_outcome> fail_many(const std::vector<failure>& items,
                                  const std::string& lease_owner) override;
  result<void> skip(request_id id, const std::string& lease_owner,
                    const std::string& reason) override;
  result<batch_outcome> release(const std::vector<request_id>& ids,
                                const std::string& lease_owner,
                                std::chrono::milliseconds delay) override;
  result<batch_outcome> save_progress(const std::vector<progress_update>& items,
                                      const std::string& lease_owner) override;
  result<std::int64_t> requeue_failed(ad_platform p, int limit) override;
  result<std::int64_t> prune(std::chrono::seconds retention) override;
  result<lease_sweep> reap_expired_leases() override;
  result<queue_stats> stats(ad_platform p) override;
  result<std::vector<queue_stats>> stats_all() override;

  result<store_event_result> store_event(const webhook_event& event) override;
  result<std::vector<claimed_event>>
  claim_events(ad_platform p, int limit, std::chrono::milliseconds lease,
               const std::string& lease_owner) override;
  result<void>
  finish_event(std::int64_t id, const std::string& lease_owner,
               webhook_status status,
               const std::optional<std::string>& org_id = {},
               const std::optional<std::string>& connection_id = {}) override;
  result<event_fail_outcome> fail_event(std::int64_t id,
                                        const std::string& lease_owner,
                                        const std::string& error,
                                        const std::string& error_code,
                                        bool retryable) override;
  result<std::int64_t> prune_events(std::chrono::seconds retention) override;

  result<std::int64_t> log_execution(const execution_log_row& row) override;
  result<execution_summary> execution_log(ad_platform p, int hours) override;

private:
  pg_backend(std::unique_ptr<pg_connection> conn, backend_options options);

  /// fail_many; also fills `outcomes` (one per applied id) when given.
  result<batch_outcome> fail_rows(const std::vector<failure>& items,
                                  const std::string& lease_owner,
                                  std::map<request_id, fail_outcome>* outcomes);

  std::unique_ptr<pg_connection> conn_;
  backend_options options_;
};

} // namespace adbatch::persistence
