// YAML -> config. Each section is read by a `detail::section` (see
// yaml_reader.hpp); the first problem aborts the load with a config_error
// that names file, line and key path.

#include "config/yaml_reader.hpp"

#include <algorithm>

namespace adbatch::config {

namespace {

using detail::context;
using detail::int64_max;
using detail::load_failure;
using detail::quote;
using detail::section;
using detail::sub;

void read_listen(section s, listen_config& out) {
  s.string("address", out.address);
  s.integer("port", out.port, 0, 65535);
}

void read_node(section s, node_config& out) {
  s.string("name", out.name);
  read_listen(s.child("http"), out.http);
  read_listen(s.child("caf"), out.caf);
  s.optional_secret("admin_token", out.admin_token);
  s.string("data_dir", out.data_dir);
}

void read_database(section s, database_config& out) {
  s.optional_string("url", out.url);
  s.optional_secret("password", out.password);
  s.integer("pool_size", out.pool_size, 1, 256);
  s.duration("connect_timeout", out.connect_timeout, 1);
}

void read_platform(const context& ctx, section s, platform_config& out,
                   const YAML::Node& raw) {
  s.boolean("enabled", out.enabled);
  s.duration("flush_interval", out.flush_interval, 1);
  s.integer("max_requests_per_flush", out.max_requests_per_flush, 1, 100000);
  s.integer("max_batch_size", out.max_batch_size, 1, 100000);
  s.string("base_url", out.base_url);
  if (auto url = sub(raw, "base_url"); url.IsScalar())
    if (auto bad = detail::check_base_url(out.base_url))
      ctx.fail(url.Mark(), s.path() + ".base_url", *bad);
  {
    auto r = s.child("rate_limit");
    r.integer("requests", out.rate_limit.requests, 1, int64_max);
    r.duration("per_seconds", out.rate_limit.per, 1);
  }
  s.child("credentials").secret_map(out.credentials);
  s.child("endpoints").url_map(out.endpoints);
  // Unset (~) = the adapter's default version.
  std::optional<std::string> version;
  if (!out.api_version.empty()) version = out.api_version;
  s.optional_string("api_version", version);
  out.api_version = version.value_or("");
}

void read_platforms(const context& ctx, section s, const YAML::Node& raw,
                    platforms_config& out) {
  for (auto name : platform_names) {
    read_platform(ctx, s.child(name), *out.find(name),
                  sub(raw, std::string{name}));
  }
}

void read_queue(section s, queue_config& out) {
  s.integer("default_priority", out.default_priority, 1, 10);
  s.integer("max_attempts", out.max_attempts, 1, 100);
  s.durations("retry_delays", out.retry_delays, 1);
  s.duration("lease", out.lease, 1);
  s.integer("urgent_priority", out.urgent_priority, 1, 10);
}

void read_upstream(section s, upstream_config& out) {
  s.boolean("verify_tls", out.verify_tls);
  std::optional<std::string> ca;
  if (!out.ca_file.empty()) ca = out.ca_file;
  s.optional_string("ca_file", ca);
  out.ca_file = ca.value_or("");
  s.duration("timeout", out.timeout, 1);
  s.duration("connect_timeout", out.connect_timeout, 1);
  s.integer("max_connections_per_host", out.max_connections_per_host, 1,
            1024);
  s.integer("io_threads", out.io_threads, 1, 64);
  s.integer("max_in_flight", out.max_in_flight, 1, 1024);
  s.duration("max_rate_wait", out.max_rate_wait, 0);
}

void read_dedup(section s, deduplication_config& out) {
  s.boolean("enabled", out.enabled);
  s.duration("window", out.window, 0);
}

void read_webhooks(section s, webhooks_config& out) {
  s.boolean("store_raw", out.store_raw);
  s.integer("retention_days", out.retention_days, 0, 36500);
  s.integer("max_attempts", out.max_attempts, 1, 100);
  s.durations("retry_delays", out.retry_delays, 1);
  s.duration("process_interval", out.process_interval, 1);
  for (auto name : webhook_source_names) {
    auto src = s.child(name);
    auto& dst = *out.find(name);
    src.optional_secret("secret", dst.secret);
    if (name == "meta" || name == "whatsapp")
      src.optional_secret("verify_token", dst.verify_token);
  }
}

void read_alerts(section s, alerts_config& out) {
  s.integer("queue_size", out.queue_size, 1, int64_max);
  s.ratio("failure_rate", out.failure_rate);
  s.millis("processing_time_ms", out.processing_time, 1);
}

void read_supervisor(section s, supervisor_config& out) {
  s.millis("restart_backoff_ms", out.restart_backoff, 1);
  // The cap may not be below the first delay; left out, it is at least
  // that delay.
  out.restart_backoff_max = std::max(out.restart_backoff_max,
                                     out.restart_backoff);
  s.millis("restart_backoff_max_ms", out.restart_backoff_max,
           out.restart_backoff.count());
  s.integer("max_restarts", out.max_restarts, 0, 1000);
  s.duration("restart_window", out.restart_window, 1);
}

void read_credentials(const context& ctx, section s, const YAML::Node& raw,
                      credentials_config& out) {
  std::optional<std::string> active;
  if (!out.active_key.empty())
    active = out.active_key;
  s.optional_string("active_key", active);
  out.active_key = active.value_or("");
  s.child("keys").secret_map(out.keys);
  // Each key must decode to 32 bytes; the message names the reference,
  // never the value.
  const auto keys = sub(raw, "keys");
  for (const auto& [id, key] : out.keys) {
    if (decode_credentials_key(key.value()))
      continue;
    ctx.fail(sub(keys, id).Mark(), "credentials.keys." + id,
             "must be 32 bytes written as 64 hex characters or base64 "
             "(secret reference "
               + quote(key.reference()) + ")");
  }
  if (out.active_key.empty()) {
    if (!out.keys.empty())
      ctx.fail(sub(raw, "keys").Mark(), "credentials.active_key",
               "must name the key new tokens are sealed with (one of "
               "credentials.keys)");
    return;
  }
  if (!out.keys.count(out.active_key)) {
    auto mark = sub(raw, "active_key").Mark();
    ctx.fail(mark, "credentials.active_key",
             quote(out.active_key) + " is not one of credentials.keys");
  }
}

void read_logging(const context& ctx, section s, const YAML::Node& raw,
                  logging_config& out) {
  std::string level;
  s.string("level", level);
  if (!level.empty() && !adbatch::parse_log_level(level, out.level))
    ctx.fail(sub(raw, "level").Mark(), "logging.level",
             "expected one of trace, debug, info, warn, error, critical, "
             "off, got "
               + quote(level));
  std::string format;
  s.string("format", format);
  if (format == "text")
    out.format = log_format::text;
  else if (format == "json")
    out.format = log_format::json;
  else if (!format.empty())
    ctx.fail(sub(raw, "format").Mark(), "logging.format",
             "expected text or json, got " + quote(format));
  s.boolean("log_requests", out.log_requests);
}


void read_root(const context& ctx, const YAML::Node& root, config& cfg) {
  section s{ctx, root, "", root.Mark()};
  read_node(s.child("node"), cfg.node);
  read_database(s.child("database"), cfg.database);
  read_platforms(ctx, s.child("platforms"), sub(root, "platforms"),
                 cfg.platforms);
  read_queue(s.child("queue"), cfg.queue);
  read_upstream(s.child("upstream"), cfg.upstream);
  read_dedup(s.child("deduplication"), cfg.deduplication);
  read_webhooks(s.child("webhooks"), cfg.webhooks);
  read_alerts(s.child("alerts"), cfg.alerts);
  read_supervisor(s.child("supervisor"), cfg.supervisor);
  read_credentials(ctx, s.child("credentials"), sub(root, "credentials"),
                   cfg.credentials);
  read_logging(ctx, s.child("logging"), sub(root, "logging"), cfg.logging);
}

/// Parses, reads, overrides and validates; any failure becomes the error.
result<config> load_node(const std::string& file, const environment& env,
                         const std::function<YAML::Node()>& parse) {
  return detail::run_loader<config>(
    file, parse, [&](const YAML::Node& root) {
      auto cfg = detail::embedded_defaults();
      const context ctx{file, env};
      read_root(ctx, root, cfg);
      detail::apply_environment(cfg, env);
      detail::validate_whole(cfg, file);
      return cfg;
    });
}

} // namespace

result<config> defaults(const environment& env) {
  try {
    auto cfg = detail::embedded_defaults();
    detail::apply_environment(cfg, env);
    detail::validate_whole(cfg, "");
    return cfg;
  } catch (const load_failure& f) {
    return f.error;
  }
}

result<config> load(const std::string& path, const environment& env) {
  return load_node(path, env, [&] { return YAML::LoadFile(path); });
}

result<config> load_string(std::string_view yaml, const std::string& file,
                           const environment& env) {
  return load_node(file, env, [&] { return YAML::Load(std::string{yaml}); });
}

} // namespace adbatch::config
