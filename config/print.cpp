// The effective configuration as YAML. Secrets are written as their
// references; the output loads back with load() (given the same
// environment), except that a password inside database.url is masked.

#include "config/detail.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <yaml-cpp/yaml.h>

namespace adbatch::config {

namespace {

constexpr std::string_view mask = "REDACTED";

/// libpq accepts URLs (password in userinfo or ?password=) and keyword
/// conninfo (password=...). Masks the password in either form.
std::string mask_database_url(const std::string& url) {
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return std::string{mask};
    boost::urls::url u{*parsed};
    if (u.has_password()) u.set_password(mask);
    for (auto it = u.params().begin(); it != u.params().end(); ++it)
      if ((*it).key == "password") it = u.params().set(it, mask);
    return std::string{u.buffer()};
  }
  // Keyword form: password=value or password = 'quoted value'.
  std::string out = url;
  auto pos = out.find("password");
  while (pos != std::string::npos) {
    auto eq = out.find_first_not_of(' ', pos + 8);
    if (eq != std::string::npos && out[eq] == '=' &&
        (pos == 0 || out[pos - 1] == ' ')) {
      auto start = out.find_first_not_of(' ', eq + 1);
      if (start == std::string::npos) break;
      auto end = start;
      if (out[start] == '\'') {
        end = start + 1;
        while (end < out.size() && out[end] != '\'')
          end += out[end] == '\\' ? 2 : 1;
        end = std::min(end + 1, out.size());
      } else {
        end = out.find(' ', start);
        if (end == std::string::npos) end = out.size();
      }
      out.replace(start, end - start, mask);
      pos = out.find("password", start + mask.size());
    } else {
      pos = out.find("password", pos + 8);
    }
  }
  return out;
}

void put_secret(YAML::Emitter& out, const char* key,
                const std::optional<secret>& s) {
  out << YAML::Key << key << YAML::Value;
  if (s)
    out << s->reference();
  else
    out << YAML::Null;
}

void put_durations(YAML::Emitter& out, const char* key,
                   const std::vector<seconds>& ds) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (auto d : ds)
    out << d.count();
  out << YAML::EndSeq;
}

void put_listen(YAML::Emitter& out, const char* key, const listen_config& l) {
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "address" << YAML::Value << l.address;
  out << YAML::Key << "port" << YAML::Value << l.port;
  out << YAML::EndMap;
}

void put_platform(YAML::Emitter& out, std::string_view name,
                  const platform_config& p) {
  out << YAML::Key << std::string{name} << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << p.enabled;
  out << YAML::Key << "flush_interval" << YAML::Value
      << p.flush_interval.count();
  out << YAML::Key << "max_requests_per_flush" << YAML::Value
      << p.max_requests_per_flush;
  out << YAML::Key << "max_batch_size" << YAML::Value << p.max_batch_size;
  out << YAML::Key << "base_url" << YAML::Value << p.base_url;
  out << YAML::Key << "rate_limit" << YAML::Value << YAML::Flow
      << YAML::BeginMap;
  out << YAML::Key << "requests" << YAML::Value << p.rate_limit.requests;
  out << YAML::Key << "per_seconds" << YAML::Value << p.rate_limit.per.count();
  out << YAML::EndMap;
  out << YAML::Key << "credentials" << YAML::Value;
  if (p.credentials.empty())
    out << YAML::Flow; // "credentials: {}" rather than a dangling "{}" line
  out << YAML::BeginMap;
  for (const auto& [k, s] : p.credentials)
    out << YAML::Key << k << YAML::Value << s.reference();
  out << YAML::EndMap;
  out << YAML::Key << "endpoints" << YAML::Value;
  if (p.endpoints.empty()) out << YAML::Flow;
  out << YAML::BeginMap;
  for (const auto& [k, v] : p.endpoints)
    out << YAML::Key << k << YAML::Value << v;
  out << YAML::EndMap;
  out << YAML::Key << "api_version" << YAML::Value;
  if (p.api_version.empty())
    out << YAML::Null;
  else
    out << p.api_version;
  out << YAML::EndMap;
}

} // namespace

std::string print(const config& cfg) {
  YAML::Emitter out;
  // 15 significant digits print 0.1 as "0.1", not 0.10000000000000001.
  out.SetDoublePrecision(15);
  out << YAML::BeginMap;

  out << YAML::Key << "node" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << cfg.node.name;
  put_listen(out, "http", cfg.node.http);
  put_listen(out, "caf", cfg.node.caf);
  put_secret(out, "admin_token", cfg.node.admin_token);
  out << YAML::Key << "data_dir" << YAML::Value << cfg.node.data_dir;
  out << YAML::EndMap;

  const auto& db = cfg.database;
  out << YAML::Key << "database" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "url" << YAML::Value;
  if (db.url)
    out << mask_database_url(*db.url);
  else
    out << YAML::Null;
  put_secret(out, "password", db.password);
  out << YAML::Key << "pool_size" << YAML::Value << db.pool_size;
  out << YAML::Key << "connect_timeout" << YAML::Value
      << db.connect_timeout.count();
  out << YAML::EndMap;

  out << YAML::Key << "platforms" << YAML::Value << YAML::BeginMap;
  for (auto name : platform_names)
    put_platform(out, name, *cfg.platforms.find(name));
  out << YAML::EndMap;

  const auto& q = cfg.queue;
  out << YAML::Key << "queue" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "default_priority" << YAML::Value << q.default_priority;
  out << YAML::Key << "max_attempts" << YAML::Value << q.max_attempts;
  put_durations(out, "retry_delays", q.retry_delays);
  out << YAML::Key << "lease" << YAML::Value << q.lease.count();
  out << YAML::Key << "urgent_priority" << YAML::Value << q.urgent_priority;
  out << YAML::EndMap;

  const auto& u = cfg.upstream;
  out << YAML::Key << "upstream" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "verify_tls" << YAML::Value << u.verify_tls;
  out << YAML::Key << "ca_file" << YAML::Value;
  if (u.ca_file.empty())
    out << YAML::Null;
  else
    out << u.ca_file;
  out << YAML::Key << "timeout" << YAML::Value << u.timeout.count();
  out << YAML::Key << "connect_timeout" << YAML::Value
      << u.connect_timeout.count();
  out << YAML::Key << "max_connections_per_host" << YAML::Value
      << u.max_connections_per_host;
  out << YAML::Key << "io_threads" << YAML::Value << u.io_threads;
  out << YAML::Key << "max_in_flight" << YAML::Value << u.max_in_flight;
  out << YAML::Key << "max_rate_wait" << YAML::Value << u.max_rate_wait.count();
  out << YAML::EndMap;

  out << YAML::Key << "deduplication" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << cfg.deduplication.enabled;
  out << YAML::Key << "window" << YAML::Value
      << cfg.deduplication.window.count();
  out << YAML::EndMap;

  const auto& w = cfg.webhooks;
  out << YAML::Key << "webhooks" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "store_raw" << YAML::Value << w.store_raw;
  out << YAML::Key << "retention_days" << YAML::Value << w.retention_days;
  out << YAML::Key << "max_attempts" << YAML::Value << w.max_attempts;
  put_durations(out, "retry_delays", w.retry_delays);
  out << YAML::Key << "process_interval" << YAML::Value
      << w.process_interval.count();
  for (auto name : webhook_source_names) {
    const auto& src = *w.find(name);
    out << YAML::Key << std::string{name} << YAML::Value << YAML::BeginMap;
    put_secret(out, "secret", src.secret);
    if (name == "meta" || name == "whatsapp")
      put_secret(out, "verify_token", src.verify_token);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;

  const auto& a = cfg.alerts;
  out << YAML::Key << "alerts" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "queue_size" << YAML::Value << a.queue_size;
  out << YAML::Key << "failure_rate" << YAML::Value << a.failure_rate;
  out << YAML::Key << "processing_time_ms" << YAML::Value
      << a.processing_time.count();
  out << YAML::EndMap;

  const auto& sv = cfg.supervisor;
  out << YAML::Key << "supervisor" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "restart_backoff_ms" << YAML::Value
      << sv.restart_backoff.count();
  out << YAML::Key << "restart_backoff_max_ms" << YAML::Value
      << sv.restart_backoff_max.count();
  out << YAML::Key << "max_restarts" << YAML::Value << sv.max_restarts;
  out << YAML::Key << "restart_window" << YAML::Value
      << sv.restart_window.count();
  out << YAML::EndMap;

  const auto& cr = cfg.credentials;
  out << YAML::Key << "credentials" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "active_key" << YAML::Value;
  if (cr.active_key.empty())
    out << YAML::Null;
  else
    out << cr.active_key;
  out << YAML::Key << "keys" << YAML::Value;
  if (cr.keys.empty()) out << YAML::Flow;
  out << YAML::BeginMap;
  for (const auto& [id, key] : cr.keys)
    out << YAML::Key << id << YAML::Value << key.reference();
  out << YAML::EndMap;
  out << YAML::EndMap;

  const auto& l = cfg.logging;
  out << YAML::Key << "logging" << YAML::Value << YAML::BeginMap;
  auto level = spdlog::level::to_string_view(l.level);
  out << YAML::Key << "level" << YAML::Value
      << std::string{level.data(), level.size()};
  out << YAML::Key << "format" << YAML::Value
      << (l.format == log_format::json ? "json" : "text");
  out << YAML::Key << "log_requests" << YAML::Value << l.log_requests;
  out << YAML::EndMap;

  out << YAML::EndMap;
  return std::string{out.c_str()} + "\n";
}

} // namespace adbatch::config
