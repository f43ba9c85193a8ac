#pragma once

// The node's typed, validated configuration.
//
// `config/` is the only code that reads YAML. Everything else receives a
// `config::config` (or one of its sections) that has already been checked:
// every value is in range, every secret reference has been resolved. Loading
// is all-or-nothing: either a complete config or one `config_error` that
// names the file, line and key path.
//
// Sources, later wins: embedded defaults < YAML file < environment overrides
// (the old system's variable names; see `environment_overrides()`).
//
// Secrets are never written in the file. A secret key holds a reference,
// `env:NAME` or `file:/path`, resolved at load time; `secret` keeps the
// reference and the value apart so that printing, streaming or fmt-formatting
// a secret shows only the reference.

#include "platforms/common/platform_table.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <spdlog/common.h>

#include "common/logger.hpp"

namespace adbatch::config {

// -- secrets ------------------------------------------------------------------

/// A secret as written in the config: `env:NAME` or `file:/path`.
struct secret_ref {
  std::string reference;
};

/// A resolved secret. The value is only reachable through `value()`;
/// `operator<<` and fmt show the reference, so a secret that slips into a log
/// line leaks nothing.
class secret {
public:
  secret() = default;
  secret(std::string reference, std::string value)
    : reference_(std::move(reference)), value_(std::move(value)) {
  }

  /// The reference as written, e.g. "env:META_APP_SECRET".
  const std::string& reference() const noexcept {
    return reference_;
  }

  /// The resolved value. Never log or print it.
  const std::string& value() const noexcept {
    return value_;
  }

  /// Equality compares references and values (for tests).
  friend bool operator==(const secret&, const secret&) = default;

private:
  std::string reference_;
  std::string value_;
};

/// Writes the reference, never the value.
std::ostream& operator<<(std::ostream& os, const secret& s);

// -- sections -----------------------------------------------------------------

using seconds = std::chrono::seconds;
using milliseconds = std::chrono::milliseconds;

/// A listening endpoint.
struct listen_config {
  /// Address to bind; loopback by default. Any address is allowed.
  std::string address = "127.0.0.1";
  /// TCP port, 0..65535. For http, 0 lets the OS choose; for caf, 0 means
  /// "do not publish the service actor".
  std::uint16_t port = 0;
};

/// `node:` the process itself.
struct node_config {
  /// Name of this node (logs, execution log rows, metrics).
  std::string name = "adbatch-1";
  /// HTTP gateway: webhooks, admin API, health, metrics.
  listen_config http{"127.0.0.1", 8080};
  /// CAF remote endpoint where the service actor is published; port 0 = off.
  listen_config caf{"127.0.0.1", 4242};
  /// Bearer token required by the admin API; absent = admin API disabled
  /// for non-loopback peers (the gateway decides the policy).
  std::optional<secret> admin_token;
  /// Where local state lives, e.g. the embedded PostgreSQL cluster.
  std::string data_dir = "./var";
};

/// `database:` PostgreSQL.
struct database_config {
  /// libpq URL or conninfo; absent = the embedded cluster under
  /// `node.data_dir`. Should not contain a password (use `password`);
  /// print() masks one anyway.
  std::optional<std::string> url;
  /// Password for `url`, as a secret reference. Optional.
  std::optional<secret> password;
  /// Connections held by the storage actor, 1..256.
  int pool_size = 4;
  /// libpq connect_timeout, > 0.
  seconds connect_timeout{10};
};

/// A request budget: at most `requests` per `per` window.
struct rate_limit_config {
  /// Requests allowed per window, > 0.
  std::int64_t requests = 0;
  /// The window length, > 0.
  seconds per{0};
};

/// The platforms adbatch batches for, in the platform table's order
/// (platforms/common/platform_table.hpp).
inline constexpr std::array<std::string_view, platforms::platform_table.size()>
  platform_names = [] {
    std::array<std::string_view, platforms::platform_table.size()> out{};
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] = platforms::platform_table[i].name;
    return out;
  }();

/// `platforms.<name>:` one ad platform.
struct platform_config {
  /// Whether this platform's requests are batched and flushed at all.
  bool enabled = true;
  /// Cadence of the periodic flush, > 0.
  seconds flush_interval{300};
  /// Upper bound of queued requests one flush takes, > 0.
  int max_requests_per_flush = 100;
  /// Upper bound of requests in one upstream call, > 0.
  int max_batch_size = 50;
  /// Base URL of the platform API; the local simulator by default.
  std::string base_url;
  /// The platform's request budget.
  rate_limit_config rate_limit;
  /// Named credentials (access_token, developer_token, app_secret, ...).
  std::map<std::string, secret> credentials;
  /// API version the batcher calls (Meta "v21.0", Google "v22", ...);
  /// empty = the adapter's default (docs/requests.md).
  std::string api_version;
  /// Extra API hosts by name, for platforms whose API spans several (X:
  /// `ads` for the Ads API next to base_url's v2 API). Absent = base_url.
  std::map<std::string, std::string> endpoints;
};

/// `platforms:` all six, by name.
struct platforms_config {
  platform_config meta;
  platform_config google;
  platform_config tiktok;
  platform_config linkedin;
  platform_config twitter;
  platform_config snapchat;

  /// The platform called `name` (one of `platform_names`), or nullptr.
  platform_config* find(std::string_view name) noexcept;
  const platform_config* find(std::string_view name) const noexcept;
};

/// `queue:` queued requests.
struct queue_config {
  /// Priority of a request that names none; 1 (most urgent) .. 10.
  int default_priority = 5;
  /// Attempts before a request fails for good, 1..100.
  int max_attempts = 3;
  /// Delay before attempt 2, 3, ...; the last entry repeats. Each > 0.
  std::vector<seconds> retry_delays{seconds{60}, seconds{300}, seconds{900}};
  /// How long a claimed request stays leased to one node, > 0.
  seconds lease{300};
  /// A request with a priority at or below this (1 = most urgent) makes its
  /// platform flush at once instead of at the next interval, 1..10.
  int urgent_priority = 3;
};

/// `upstream:` how the node calls the platforms (net::upstream_client).
struct upstream_config {
  /// Verify the platforms' TLS certificates. Turn off only for a
  /// simulator; prefer `ca_file`.
  bool verify_tls = true;
  /// Extra CA or self-signed certificates to trust (PEM file), e.g. the one
  /// adbatch-sim writes with tls_cert_path. Empty = system roots only.
  std::string ca_file;
  /// Deadline of one upstream call, > 0.
  seconds timeout{60};
  /// Deadline of connecting (TCP + TLS), > 0.
  seconds connect_timeout{10};
  /// Keep-alive connections per platform host, 1..1024.
  int max_connections_per_host = 8;
  /// Threads running the upstream client's I/O, 1..64.
  int io_threads = 1;
  /// Upstream calls of one flush round in flight at once, 1..1024.
  int max_in_flight = 4;
  /// Longest a call waits inside a flush for its rate budget before its
  /// requests go back to the queue, >= 0.
  seconds max_rate_wait{30};
};

/// `deduplication:` of queued requests by request key.
struct deduplication_config {
  bool enabled = true;
  /// How long an identical request is folded into the first one; 0 = only
  /// while the first is still active (pending/processing).
  seconds window{300};
};

/// `webhooks.<name>:` one webhook source.
struct webhook_platform_config {
  /// Signing secret for the signature check (Meta/WhatsApp: the app secret;
  /// TikTok, X, LinkedIn: the webhook secret). Absent = the endpoint
  /// rejects all deliveries.
  std::optional<adbatch::config::secret> secret;
  /// hub.verify_token for the GET handshake (meta and whatsapp only).
  std::optional<adbatch::config::secret> verify_token;
};

/// The webhook sources, in a fixed order.
inline constexpr std::string_view webhook_source_names[] = {
  "meta", "whatsapp", "tiktok", "twitter", "linkedin"};

/// `webhooks:` received platform events.
struct webhooks_config {
  /// Keep the raw body of every event.
  bool store_raw = true;
  /// Days processed events are kept; 0 = forever. 0..36500.
  int retention_days = 30;
  /// Processing attempts per event, 1..100.
  int max_attempts = 3;
  /// Delay before processing attempt 2, 3, ...; last repeats. Each > 0.
  std::vector<seconds> retry_delays{seconds{60}, seconds{300}, seconds{900}};
  /// Cadence of the processing tick, > 0.
  seconds process_interval{60};
  webhook_platform_config meta;
  webhook_platform_config whatsapp;
  webhook_platform_config tiktok;
  webhook_platform_config twitter;
  webhook_platform_config linkedin;

  /// The source called `name` (one of `webhook_source_names`), or nullptr.
  webhook_platform_config* find(std::string_view name) noexcept;
  const webhook_platform_config* find(std::string_view name) const noexcept;
};

/// `alerts:` thresholds for the health/alerts view.
struct alerts_config {
  /// Pending requests of one platform above which an alert is raised, > 0.
  std::int64_t queue_size = 1000;
  /// Failed / processed ratio above which an alert is raised, 0..1.
  double failure_rate = 0.1;
  /// Flush duration above which an alert is raised, > 0.
  milliseconds processing_time{30000};
};

/// `supervisor:` how the node restarts a crashed child actor (storage,
/// heartbeat, ...). Per child: the first restart after a quiet period waits
/// `restart_backoff`, each further crash inside `restart_window` doubles the
/// wait up to `restart_backoff_max`, and a crash that would make more than
/// `max_restarts` restarts inside the window stops the node (exit 4).
struct supervisor_config {
  /// > 0.
  milliseconds restart_backoff{100};
  /// >= restart_backoff.
  milliseconds restart_backoff_max{5000};
  /// 0..1000; 0 = the first crash stops the node.
  int max_restarts = 3;
  /// > 0.
  seconds restart_window{10};
};

/// `credentials:` the keys that encrypt the platform tokens stored per
/// connection (AES-256-GCM; see docs/storage.md). Old keys stay listed
/// until every token is re-sealed with the active one (rotation).
struct credentials_config {
  /// Id of the key new tokens are sealed with; empty = no key configured
  /// (storing a token is then refused). Must be one of `keys`.
  std::string active_key;
  /// Key id -> secret reference whose value is 32 bytes, written as 64 hex
  /// characters or base64. Ids use a-z, 0-9 and _.
  std::map<std::string, secret> keys;
};

/// The 32 bytes of a `credentials.keys` value (64 hex characters, or
/// standard or URL-safe base64 with or without padding), or nullopt.
std::optional<std::string> decode_credentials_key(std::string_view text);

/// `logging:`
struct logging_config {
  spdlog::level::level_enum level = spdlog::level::info;
  adbatch::log_format format = adbatch::log_format::text;
  /// Log every upstream request (method, URL without secrets, status).
  bool log_requests = false;
};

/// The whole configuration.
struct config {
  node_config node;
  database_config database;
  platforms_config platforms;
  queue_config queue;
  upstream_config upstream;
  deduplication_config deduplication;
  webhooks_config webhooks;
  alerts_config alerts;
  supervisor_config supervisor;
  credentials_config credentials;
  logging_config logging;
};

// -- loading ------------------------------------------------------------------

/// Environment variables, name -> value. Passed in so tests need not touch
/// the process environment.
using environment = std::map<std::string, std::string>;

/// A copy of the process environment (`environ`), for the mains.
environment process_environment();

/// Why a configuration was rejected.
struct config_error {
  /// The YAML file, "environment" for an override, empty if neither.
  std::string file;
  /// 1-based line in `file`, 0 if unknown.
  int line = 0;
  /// Dotted key path (`platforms.meta.flush_interval`) or the environment
  /// variable's name.
  std::string key_path;
  /// What is wrong, e.g. "must be > 0 (got -5)".
  std::string message;

  /// "file:line: key_path: message", leaving out the parts that are empty,
  /// e.g. "config/adbatch.yaml:12: platforms.meta.flush_interval: must be > 0
  /// (got -5)".
  std::string render() const;
};

/// Either a value or a config_error.
template <class T>
class result {
public:
  result(T value) : v_(std::move(value)) {
  }
  result(config_error err) : v_(std::move(err)) {
  }

  bool has_value() const noexcept {
    return v_.index() == 0;
  }
  explicit operator bool() const noexcept {
    return has_value();
  }
  T& value() & {
    return std::get<0>(v_);
  }
  const T& value() const& {
    return std::get<0>(v_);
  }
  T&& value() && {
    return std::get<0>(std::move(v_));
  }
  T& operator*() & {
    return value();
  }
  const T& operator*() const& {
    return value();
  }
  T* operator->() {
    return &value();
  }
  const T* operator->() const {
    return &value();
  }
  const config_error& error() const {
    return std::get<1>(v_);
  }

private:
  std::variant<T, config_error> v_;
};

/// The embedded defaults plus environment overrides; no file.
result<config> defaults(const environment& env);

/// Reads `path`, validates every key, resolves secrets and applies the
/// environment overrides.
result<config> load(const std::string& path, const environment& env);

/// Same as load() for YAML text already in memory; `file` names it in errors.
result<config> load_string(std::string_view yaml, const std::string& file,
                           const environment& env);

/// Resolves one secret reference outside a config file (e.g. a command-line
/// flag). The error has no file or line, only the message.
result<secret> resolve(const secret_ref& ref, const environment& env);

/// The effective configuration as YAML: every key, after overrides. Secrets
/// appear as their references, never as values; a password in database.url
/// is masked.
std::string print(const config& cfg);

// -- environment overrides ----------------------------------------------------

/// One environment variable that overrides a config key.
struct env_override {
  /// The variable, e.g. "PLATFORM_BATCH_META_ENABLED".
  std::string_view variable;
  /// The key it sets, e.g. "platforms.meta.enabled".
  std::string_view key_path;
  /// What it does, for docs and --help.
  std::string_view description;
};

/// Every supported override, in the order they are applied.
std::span<const env_override> environment_overrides();

/// Parses true/false/1/0/yes/no/on/off (case-insensitive).
std::optional<bool> parse_bool(std::string_view text);

} // namespace adbatch::config

/// fmt shows a secret's reference, never its value.
template <>
struct fmt::formatter<adbatch::config::secret>
  : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const adbatch::config::secret& s, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(s.reference(), ctx);
  }
};
