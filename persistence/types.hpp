#pragma once

// Plain data exchanged with a persistence backend. No libpq, no CAF: the
// storage actor, the in-memory backend and the tests all use these.

#include "platforms/common/platform_table.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::persistence {

using clock = std::chrono::system_clock;
using time_point = clock::time_point;

/// Queue row ids are a bigserial: monotonic, so `id` doubles as age order in
/// the claim index (platform, priority, id), and 8 bytes keep indexes small.
using request_id = std::int64_t;

/// A claim's batch id (from a sequence); the execution-log row of that batch
/// carries the same id, so requests and log rows join.
using batch_id = std::int64_t;

// -- platforms ---------------------------------------------------------------

/// The ad platforms adbatch talks to: the platform table's enum (see
/// platforms/common/platform_table.hpp). X is called `twitter` in storage.
using ad_platform = platforms::platform_id;

/// Every platform, in declaration order (the platform table's order).
inline constexpr std::array<ad_platform, platforms::platform_table.size()>
    all_platforms = [] {
      std::array<ad_platform, platforms::platform_table.size()> out{};
      for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = platforms::platform_table[i].id;
      return out;
    }();

/// "meta", "google", ... (the platform table's name).
const char* to_string(ad_platform p);

/// Parses the storage name ("meta"...); also accepts "x" for twitter.
std::optional<ad_platform> parse_platform(std::string_view text);

// -- request status ----------------------------------------------------------

/// Life cycle of a queued request (see docs/storage.md for the transitions).
enum class request_status : std::uint8_t {
  pending,    ///< waiting (maybe not before next_attempt_at)
  processing, ///< claimed by a worker holding a lease
  completed,  ///< done; result stored
  failed,     ///< terminal failure (permanent error or attempts exhausted)
  cancelled,  ///< cancelled by the org or because its connection went away
  skipped,    ///< deliberately not executed (e.g. unsupported); terminal
  /// The upstream write may or may not have happened (e.g. a timeout after
  /// the request was sent). Terminal and never retried by adbatch: a blind
  /// retry could apply a write twice. Someone must look at the platform.
  ambiguous,
};

const char* to_string(request_status s);
std::optional<request_status> parse_request_status(std::string_view text);

/// True for completed, failed, cancelled, skipped and ambiguous.
bool is_terminal(request_status s);

// -- priorities
// ----------------------------------------------------------------

/// Lowest number = most urgent. Valid range 1..10, default 5.
inline constexpr int min_priority = 1;
inline constexpr int max_priority = 10;
inline constexpr int default_priority = 5;

/// Parses a priority given as a number ("1".."10") or a name:
/// critical 1, high 3, normal 5, low 7, bulk 9. nullopt if invalid.
std::optional<int> parse_priority(std::string_view text);

// -- enqueue
// -------------------------------------------------------------------

/// One request to queue. org_id and connection_id are UUID strings.
struct enqueue_request {
  std::string org_id;
  std::string platform; ///< storage name; validated by the backend
  std::string connection_id;
  std::string request_type;  ///< e.g. "get_campaigns"; validated by the hook
  std::string params = "{}"; ///< JSON text; must be an object
  int priority = default_priority;
  int max_attempts = 3; ///< 1..100
};

/// What enqueue answers per request.
struct enqueue_result {
  request_id id = 0;
  /// True when an identical request was already pending/processing (or
  /// completed within the dedup window) and its id is returned instead.
  bool deduplicated = false;
};

// -- claims
// ------------------------------------------------------------------------

/// A request handed to a worker under a lease.
struct claimed_request {
  request_id id = 0;
  std::string org_id;
  ad_platform platform = ad_platform::meta;
  std::string connection_id;
  std::string request_type;
  std::string params; ///< JSON object text
  int priority = default_priority;
  int attempts = 0; ///< including this attempt
  int max_attempts = 3;
  batch_id batch = 0;
  /// A multi-step request's progress (a JSON object text; empty when none):
  /// what the last round stored with save_progress (e.g. an async report
  /// job's id), so the next round goes on from there.
  std::string progress;
};

/// Extra rules for a claim (see backend::claim_filtered).
struct claim_options {
  /// Connections whose requests stay pending (e.g. their rate budget is
  /// spent). Taken out BEFORE the limit applies, so they cannot block the
  /// others (no head-of-line blocking).
  std::vector<std::string> exclude_connections;
  /// At most this many requests per connection in one claim; 0 = no cap.
  /// Keeps one busy connection from taking the whole batch.
  int per_connection_limit = 0;

  bool empty() const {
    return exclude_connections.empty() && per_connection_limit <= 0;
  }
};

/// The outcome of one claim call.
struct claim_result {
  batch_id batch = 0; ///< new per call (0 if nothing claimed)
  std::vector<claimed_request> requests; ///< priority, then age order
  std::int64_t leases_reclaimed = 0;     ///< expired leases put back to pending
  std::int64_t leases_exhausted = 0;     ///< expired leases that became failed
};

/// What reap_expired_leases did.
struct lease_sweep {
  std::int64_t requests_reclaimed = 0; ///< back to pending
  std::int64_t requests_exhausted = 0; ///< to failed
  std::int64_t events_reclaimed = 0;   ///< webhook events back to received
  std::int64_t events_exhausted = 0;   ///< webhook events to failed
};

/// A completion inside complete_many.
struct completion {
  request_id id = 0;
  std::string result_json = "null"; ///< any JSON value
};

/// A multi-step request that made progress (e.g. an async report job was
/// created or is still running): back to pending with `progress` stored,
/// the attempt given back, due again after `delay`.
struct progress_update {
  request_id id = 0;
  std::string progress_json; ///< a JSON object
  std::chrono::milliseconds delay{0};
};

/// A failure inside fail_many.
struct failure {
  request_id id = 0;
  std::string error;      ///< human-readable
  std::string error_code; ///< machine-readable ("rate_limited", "http_500"...)
  bool retryable = true;
  /// The outcome upstream is unknown (a write timed out after it was sent):
  /// the row becomes `ambiguous`, terminal whatever `retryable` says and
  /// however many attempts are left.
  bool ambiguous = false;
};

/// Which ids a batch update applied and which it refused (lease lost,
/// row no longer processing, unknown id).
struct batch_outcome {
  std::vector<request_id> applied;
  std::vector<request_id> rejected;
};

/// Where a failed request went.
struct fail_outcome {
  /// pending (retry), failed or ambiguous
  request_status status = request_status::failed;
  std::optional<time_point> next_attempt_at; ///< when retried
};

// -- reads
// -----------------------------------------------------------------------------

/// A queued request as an org sees it.
struct request_view {
  request_id id = 0;
  std::string org_id;
  ad_platform platform = ad_platform::meta;
  std::string connection_id;
  std::string request_type;
  std::string params;
  request_status status = request_status::pending;
  int priority = default_priority;
  int attempts = 0;
  int max_attempts = 3;
  std::optional<batch_id> batch;
  std::optional<std::string> result; ///< JSON text
  std::optional<std::string> error;
  std::optional<std::string> error_code;
  time_point created_at;
  time_point updated_at;
  time_point next_attempt_at;
  std::optional<time_point> started_at;
  std::optional<time_point> completed_at;
};

/// Which of an org's requests list_requests answers (newest first).
struct request_filter {
  std::optional<request_status> status;
  std::optional<ad_platform> platform;
  std::optional<std::string> connection_id;
  /// Keyset paging: only ids below this one (pass the last id of the
  /// previous page).
  std::optional<request_id> before_id;
  int limit = 100; ///< 1..1000
};

/// Queue counters for one platform (cross-org, or one org's).
struct queue_stats {
  ad_platform platform = ad_platform::meta;
  std::int64_t pending = 0;
  std::int64_t processing = 0;
  std::int64_t due_for_retry =
      0; ///< pending with attempts > 0 (waiting for backoff or due)
  std::int64_t completed_24h = 0;
  std::int64_t failed_24h = 0;
  double oldest_pending_age_s = 0; ///< 0 when nothing is pending
  std::int64_t ambiguous_24h = 0;  ///< became ambiguous in the last 24 h
};

// -- connections
// -------------------------------------------------------------------------

/// A platform account connection of an org. Its token is either stored
/// encrypted (set_connection_token; see sealed_token) or named by a
/// reference such as "env:META_TOKEN_ACME" (token_ref); plaintext is never
/// stored.
struct platform_connection {
  std::string connection_id; ///< UUID
  std::string org_id;        ///< UUID
  ad_platform platform = ad_platform::meta;
  /// JSON object with the platform's account ids; the recognised keys become
  /// typed columns: ad_account_id, business_id (Meta); customer_id,
  /// login_customer_id (Google); advertiser_ids (TikTok, array);
  /// sponsored_account_urns (LinkedIn, array); user_id, ads_account_id (X);
  /// organization_id, ad_account_ids (Snapchat, array).
  std::string account_ids = "{}";
  std::string token_ref; ///< "env:NAME" or similar, never the token
  std::string display_name;
  bool enabled = true;
};

/// A connection's token sealed with AES-256-GCM (persistence/token_cipher.hpp)
/// as stored in platform_connections (token_key_id, token_nonce,
/// token_ciphertext). The backend never sees the plaintext.
struct sealed_token {
  std::string key_id;     ///< which configured key sealed it
  std::string nonce;      ///< 12 raw bytes
  std::string ciphertext; ///< raw ciphertext followed by the 16-byte tag
};

/// A connection with its stored token, still sealed (get_connection_secret).
struct stored_connection_secret {
  platform_connection connection;
  std::optional<sealed_token> token; ///< none when no token is stored
};

/// What rotate_tokens did.
struct token_rotation {
  /// Rows re-sealed with the active key.
  std::int64_t resealed = 0;
  /// Rows whose token could not be opened (unknown key id, failed
  /// authentication); they keep their old key id and ciphertext.
  std::int64_t failed = 0;
  /// One line per failed row, at most 100: the connection, the key id and
  /// why. Never a token.
  std::vector<std::string> failures;
};

// -- execution log
// ---------------------------------------------------------------------------

/// One executed batch (one claim's work on one connection).
struct execution_log_row {
  ad_platform platform = ad_platform::meta;
  batch_id batch = 0;
  std::optional<std::string> connection_id;
  std::optional<std::string> org_id;
  std::string batch_type = "standard";
  std::int64_t request_count = 0;
  std::int64_t api_calls_made = 0;
  std::int64_t quota_units = 0;
  std::int64_t success_count = 0;
  std::int64_t failed_count = 0;
  std::int64_t skipped_count = 0;
  std::int64_t bytes_received = 0;
  std::int64_t duration_ms = 0;
  std::optional<std::int64_t> rate_limit_remaining;
  std::optional<time_point> rate_limit_reset_at;
  bool rate_limit_hit = false;
  std::optional<std::string> errors_json; ///< JSON, e.g. an array of messages
  time_point started_at;
  time_point finished_at;
};

/// Aggregate of a platform's execution log over the last `hours`.
struct execution_summary {
  ad_platform platform = ad_platform::meta;
  int hours = 24;
  std::int64_t batches = 0;
  std::int64_t requests = 0;
  std::int64_t api_calls = 0;
  std::int64_t quota_units = 0;
  std::int64_t success = 0;
  std::int64_t failed = 0;
  std::int64_t skipped = 0;
  std::int64_t bytes_received = 0;
  std::int64_t rate_limit_hits = 0;
  double avg_duration_ms = 0;
  double success_rate =
      1.0; ///< success / (success + failed); 1 when both are 0
};

// -- webhook events
// ---------------------------------------------------------------------------

/// Life cycle of a received webhook (see docs/storage.md).
enum class webhook_status : std::uint8_t {
  received,   ///< stored, waiting to be processed (maybe not before
              ///< next_attempt_at)
  processing, ///< claimed by a processor holding a lease
  processed,  ///< done
  failed,     ///< terminal failure (permanent error or attempts exhausted)
  ignored,    ///< deliberately not processed (invalid signature, unknown type)
  duplicate,  ///< a re-delivery recognised without an external id (set by
              ///< callers)
};

const char* to_string(webhook_status s);
std::optional<webhook_status> parse_webhook_status(std::string_view text);

/// A webhook as received, to store before acknowledging it. Headers must
/// already be redacted (no signatures, tokens or cookies).
struct webhook_event {
  ad_platform platform = ad_platform::meta;
  /// The platform's own event id; re-deliveries with the same id are
  /// recognised and stored once.
  std::optional<std::string> external_event_id;
  std::string event_type;
  /// nullopt = not checked; false = invalid (stored as ignored, never
  /// processed).
  std::optional<bool> signature_valid;
  std::string headers_json = "{}"; ///< JSON object
  std::string payload_json = "{}"; ///< JSON value
  std::optional<std::string> raw_payload;
  std::string source_ip;
  std::string user_agent;
  std::string request_method = "POST";
  std::optional<std::string> org_id;        ///< UUID when known
  std::optional<std::string> connection_id; ///< UUID when known
  int max_attempts = 3;
};

/// What store_event answers.
struct store_event_result {
  std::int64_t id = 0;
  /// True when an event with the same (platform, external_event_id) was
  /// already stored; `id` is that event's.
  bool duplicate = false;
};

/// A webhook handed to a processor under a lease.
struct claimed_event {
  std::int64_t id = 0;
  ad_platform platform = ad_platform::meta;
  std::optional<std::string> external_event_id;
  std::string event_type;
  std::string headers_json;
  std::string payload_json;
  std::optional<std::string> org_id;
  std::optional<std::string> connection_id;
  int attempts = 0; ///< including this attempt
  int max_attempts = 3;
};

/// Where a failed webhook went.
struct event_fail_outcome {
  webhook_status status =
      webhook_status::failed; ///< received (retry) or failed
  std::optional<time_point> next_attempt_at;
};

} // namespace adbatch::persistence
