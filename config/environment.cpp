// Environment overrides: the old system's variable names, applied after the
// file. The table below is the one list of them (docs/configuration.md
// mirrors it). An empty variable counts as unset.

#include <array>
#include <limits>

#include "config/detail.hpp"

namespace adbatch::config::detail {

namespace {

[[noreturn]] void env_fail(std::string_view variable, std::string message) {
  throw load_failure{
    config_error{"environment", 0, std::string{variable}, std::move(message)}};
}

bool want_bool(std::string_view var, std::string_view value) {
  auto v = parse_bool(value);
  if (!v)
    env_fail(var, "expected a boolean (true/false/1/0/yes/no/on/off), got "
                    + quote(value));
  return *v;
}

std::int64_t want_int(std::string_view var, std::string_view value,
                      std::int64_t min, std::int64_t max) {
  auto v = parse_int(value);
  if (!v)
    env_fail(var, "expected an integer, got " + quote(value));
  if (auto bad = check_range(*v, min, max, trim(value)))
    env_fail(var, *bad);
  return *v;
}

using apply_fn = void (*)(config&, std::string_view var, std::string_view v);

struct entry {
  env_override info;
  apply_fn apply;
};

template <size_t I>
void set_platform_enabled(config& cfg, std::string_view var,
                          std::string_view v) {
  cfg.platforms.find(platform_names[I])->enabled = want_bool(var, v);
}

// Order matters: the per-platform switches come first so that the global
// PLATFORM_BATCH_ENABLED=false, applied after them, wins (as in the old
// system, where the global switch stopped every batcher).
const std::array<entry, 16> table{{
  {{"PLATFORM_BATCH_META_ENABLED", "platforms.meta.enabled",
    "enable/disable Meta batching"},
   &set_platform_enabled<0>},
  {{"PLATFORM_BATCH_GOOGLE_ENABLED", "platforms.google.enabled",
    "enable/disable Google Ads batching"},
   &set_platform_enabled<1>},
  {{"PLATFORM_BATCH_TIKTOK_ENABLED", "platforms.tiktok.enabled",
    "enable/disable TikTok batching"},
   &set_platform_enabled<2>},
  {{"PLATFORM_BATCH_LINKEDIN_ENABLED", "platforms.linkedin.enabled",
    "enable/disable LinkedIn batching"},
   &set_platform_enabled<3>},
  {{"PLATFORM_BATCH_TWITTER_ENABLED", "platforms.twitter.enabled",
    "enable/disable X (Twitter) batching"},
   &set_platform_enabled<4>},
  {{"PLATFORM_BATCH_SNAPCHAT_ENABLED", "platforms.snapchat.enabled",
    "enable/disable Snapchat batching"},
   &set_platform_enabled<5>},
  {{"PLATFORM_BATCH_ENABLED", "platforms.*.enabled",
    "false disables every platform (wins over the per-platform switches); "
    "true changes nothing"},
   [](config& cfg, std::string_view var, std::string_view v) {
     if (!want_bool(var, v))
       for (auto name : platform_names)
         cfg.platforms.find(name)->enabled = false;
   }},
  {{"PLATFORM_BATCH_LOG_LEVEL", "logging.level",
    "trace, debug, info, warn, error, critical or off"},
   [](config& cfg, std::string_view var, std::string_view v) {
     if (!adbatch::parse_log_level(trim(v), cfg.logging.level))
       env_fail(var, "expected one of trace, debug, info, warn, error, "
                     "critical, off, got "
                       + quote(v));
   }},
  {{"PLATFORM_BATCH_LOG_REQUESTS", "logging.log_requests",
    "log every upstream request"},
   [](config& cfg, std::string_view var, std::string_view v) {
     cfg.logging.log_requests = want_bool(var, v);
   }},
  {{"WEBHOOK_STORE_RAW", "webhooks.store_raw",
    "keep the raw body of webhook events"},
   [](config& cfg, std::string_view var, std::string_view v) {
     cfg.webhooks.store_raw = want_bool(var, v);
   }},
  {{"WEBHOOK_RETENTION_DAYS", "webhooks.retention_days",
    "days processed webhook events are kept (0 = forever)"},
   [](config& cfg, std::string_view var, std::string_view v) {
     cfg.webhooks.retention_days
       = static_cast<int>(want_int(var, v, 0, 36500));
   }},
  {{"GOOGLE_ADS_DEVELOPER_TOKEN", "platforms.google.credentials.developer_token",
    "Google Ads developer token (the old system's variable); sent as the "
    "developer-token header"},
   [](config& cfg, std::string_view var, std::string_view v) {
     cfg.platforms.google.credentials["developer_token"]
       = secret{"env:" + std::string{var}, std::string{trim(v)}};
   }},
  {{"ADBATCH_DATABASE_URL", "database.url",
    "libpq URL or conninfo of an external PostgreSQL"},
   [](config& cfg, std::string_view, std::string_view v) {
     cfg.database.url = std::string{trim(v)};
   }},
  {{"ADBATCH_DATA_DIR", "node.data_dir",
    "directory for local state (embedded PostgreSQL)"},
   [](config& cfg, std::string_view, std::string_view v) {
     cfg.node.data_dir = std::string{trim(v)};
   }},
  {{"ADBATCH_HTTP_PORT", "node.http.port", "HTTP gateway port"},
   [](config& cfg, std::string_view var, std::string_view v) {
     cfg.node.http.port = static_cast<std::uint16_t>(want_int(var, v, 0, 65535));
   }},
  {{"ADBATCH_CAF_PORT", "node.caf.port",
    "CAF remote port (0 = do not publish)"},
   [](config& cfg, std::string_view var, std::string_view v) {
     cfg.node.caf.port = static_cast<std::uint16_t>(want_int(var, v, 0, 65535));
   }},
}};

const std::array<env_override, table.size()> infos = [] {
  std::array<env_override, table.size()> out{};
  for (std::size_t i = 0; i < table.size(); ++i)
    out[i] = table[i].info;
  return out;
}();

} // namespace

void apply_environment(config& cfg, const environment& env) {
  for (const auto& e : table) {
    auto it = env.find(std::string{e.info.variable});
    if (it == env.end() || trim(it->second).empty())
      continue;
    e.apply(cfg, e.info.variable, it->second);
  }
}

void validate_whole(const config& cfg, const std::string& file) {
  const auto& n = cfg.node;
  if (n.http.port != 0 && n.http.port == n.caf.port)
    throw load_failure{config_error{
      file, 0, "node.caf.port",
      "must differ from node.http.port (both are "
        + std::to_string(n.http.port) + ")"}};
}

} // namespace adbatch::config::detail

namespace adbatch::config {

std::span<const env_override> environment_overrides() {
  return detail::infos;
}

} // namespace adbatch::config
