#pragma once

// An in-memory backend for fast, deterministic actor unit tests. It follows
// the same rules as the PostgreSQL backend (validation, de-duplication,
// priorities, leases, retries with backoff, org scope), and it can be told
// to behave like a lost server: every call then answers
// storage_unavailable until it is told the server is back. Several backend
// instances (one per storage worker) share one `memory_store`.
//
// Not for production: nothing is durable.

#include "persistence/backend.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace adbatch::persistence {

/// The shared "database" of memory backends.
struct memory_store {
  /// One queued request with its bookkeeping.
  struct row {
    request_view view;
    std::string request_key;
    std::string lease_owner;
    time_point lease_expires_at;
    std::string progress; ///< see claimed_request::progress
  };

  std::mutex mtx;
  std::map<request_id, row> rows;
  std::map<std::string, platform_connection> connections;
  /// Sealed tokens by connection id (set_connection_token).
  std::map<std::string, sealed_token> tokens;
  std::vector<execution_log_row> log;
  request_id next_id = 1;
  batch_id next_batch = 1;

  /// The store's clock; tests may pin it.
  std::function<time_point()> now = [] { return clock::now(); };

  /// False = the "server" is gone: every call answers storage_unavailable,
  /// and connections made before stay broken even after it comes back
  /// (like PostgreSQL after a restart); new ones work again.
  std::atomic<bool> available{true};
  /// Bumped whenever the server "restarts"; a backend from an older epoch is
  /// disconnected.
  std::atomic<std::uint64_t> epoch{0};

  /// Simulates a server stop (true) or start (false... see `available`).
  void set_available(bool up) {
    if (!up) ++epoch;
    available = up;
  }

  /// Calls of enqueue_batch so far (for grouping assertions).
  std::atomic<std::uint64_t> enqueue_batch_calls{0};
  /// Sizes of those calls, in order.
  std::vector<std::size_t> batch_sizes;
};

/// A backend over a memory_store. Thread-safe through the store's mutex.
class memory_backend final : public backend {
public:
  /// Opens a "connection"; storage_unavailable when the store is down.
  static result<std::unique_ptr<backend>>
  connect(std::shared_ptr<memory_store> store, backend_options options = {});

  memory_backend(std::shared_ptr<memory_store> store, backend_options options);

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
  result<void> cancel(const std::string& org_id, request_id id) override;
  result<std::int64_t> cancel_connection(const std::string& org_id,
                                         const std::string& connection_id,
                                         const std::string& reason) override;
  result<std::vector<queue_stats>>
  org_stats(const std::string& org_id) override;

  result<claim_result> claim(ad_platform p, int limit,
                             std::chrono::milliseconds lease,
                             const std::string& lease_owner) override;
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
  result<queue_stats> stats(ad_platform p) override;
  result<std::vector<queue_stats>> stats_all() override;

  result<std::int64_t> log_execution(const execution_log_row& row) override;
  result<execution_summary> execution_log(ad_platform p, int hours) override;

private:
  /// storage_unavailable when the store is down or restarted since connect.
  std::optional<db_error> check_up() const;

  result<void> complete_locked(request_id id, const std::string& owner,
                               const std::string& result_json, time_point now);
  result<fail_outcome> fail_locked(request_id id, const std::string& owner,
                                   const std::string& error,
                                   const std::string& code, bool retryable,
                                   bool ambiguous, time_point now);
  queue_stats stats_locked(ad_platform p, const std::string* org,
                           time_point now) const;

  std::shared_ptr<memory_store> store_;
  backend_options options_;
  std::uint64_t epoch_;
};

} // namespace adbatch::persistence
