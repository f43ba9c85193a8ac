#include "actors/storage_child.hpp"

#include <chrono>
#include <memory>
#include <mutex>

#include <boost/url/url.hpp>
#include <boost/url/parse.hpp>

#include "actors/error.hpp"
#include "common/logger.hpp"
#include "persistence/embedded_cluster.hpp"
#include "persistence/migrations.hpp"
#include "persistence/pg_backend.hpp"
#include "persistence/pg_connection.hpp"
#include "platforms/registry.hpp"

namespace adbatch {

namespace ps = persistence;
using namespace std::chrono_literals;

std::string with_conninfo_param(const std::string& conninfo,
                                const std::string& key,
                                const std::string& value) {
  if (conninfo.rfind("postgres://", 0) == 0
      || conninfo.rfind("postgresql://", 0) == 0) {
    auto parsed = boost::urls::parse_uri(conninfo);
    if (parsed) {
      boost::urls::url u{*parsed};
      u.params().set(key, value);
      return std::string{u.buffer()};
    }
    return conninfo;
  }
  std::string quoted;
  for (char c : value) {
    if (c == '\'' || c == '\\')
      quoted += '\\';
    quoted += c;
  }
  return conninfo + " " + key + "='" + quoted + "'";
}

namespace {

/// Shared by every worker's factory call: the embedded cluster (if any) and
/// the one-time migration. Destroyed with the storage actor's state, after
/// its worker threads (and their connections) are gone: then the embedded
/// cluster stops.
struct pg_site {
  std::mutex mtx;
  std::optional<std::string> url;
  std::optional<config::secret> password;
  std::chrono::seconds connect_timeout{10};
  std::string data_dir;
  ps::backend_options options;
  std::unique_ptr<ps::embedded_cluster> cluster;
  std::string conninfo; ///< resolved on the first call
  bool migrated = false;

  ~pg_site() {
    if (cluster) {
      log().info("storage stops the embedded PostgreSQL");
      if (auto r = cluster->stop(); !r)
        log().error("storage cannot stop the embedded PostgreSQL: {}",
                    r.error().message);
    }
  }

  /// Runs under mtx. Starts the cluster / resolves the conninfo and
  /// migrates, once.
  ps::result<std::string> prepare() {
    if (migrated)
      return conninfo;
    if (!url || url->empty()) {
      if (!cluster) {
        ps::embedded_cluster_options opts;
        opts.base_dir = data_dir + "/postgres";
        cluster = std::make_unique<ps::embedded_cluster>(opts);
        log().info("storage starts the embedded PostgreSQL in {}",
                   opts.base_dir);
      }
      auto ci = cluster->start();
      if (!ci) {
        // Not "unavailable": the node cannot fix this by waiting.
        return ps::make_error(ps::error_code::storage_error,
                              "embedded PostgreSQL cannot start: "
                                + ci.error().message
                                + " (see its server.log under "
                                + data_dir + "/postgres)");
      }
      conninfo = *ci;
    } else {
      conninfo = *url;
      if (password && !password->value().empty())
        conninfo = with_conninfo_param(conninfo, "password",
                                       password->value());
      conninfo = with_conninfo_param(conninfo, "connect_timeout",
                                     std::to_string(connect_timeout.count()));
    }
    auto conn = ps::pg_connection::open(conninfo);
    if (!conn)
      return conn.error();
    auto report = ps::migrate(**conn);
    if (!report)
      return report.error();
    if (report->applied > 0)
      log().info("storage migrates the schema from v{} to v{}",
                 report->from_version, report->to_version);
    migrated = true;
    return conninfo;
  }
};

} // namespace

backend_factory make_pg_factory(const config::config& cfg) {
  auto site = std::make_shared<pg_site>();
  site->url = cfg.database.url;
  site->password = cfg.database.password;
  site->connect_timeout = cfg.database.connect_timeout;
  site->data_dir = cfg.node.data_dir;
  site->options.dedup_window = cfg.deduplication.enabled
                                 ? cfg.deduplication.window
                                 : std::chrono::seconds{0};
  // Enqueue-time validation against each platform's request catalog:
  // a bad request is rejected before anything is stored.
  site->options.validate_request_type = [](ps::ad_platform p,
                                           std::string_view type,
                                           std::string_view params) {
    return platforms::validate_request(p, type, params);
  };
  // Retries back off from the first configured delay up to the last.
  if (!cfg.queue.retry_delays.empty()) {
    site->options.backoff.base = std::chrono::duration_cast<
      std::chrono::milliseconds>(cfg.queue.retry_delays.front());
    site->options.backoff.cap = std::chrono::duration_cast<
      std::chrono::milliseconds>(cfg.queue.retry_delays.back());
  }
  return [site]() -> ps::result<std::unique_ptr<ps::backend>> {
    std::string ci;
    {
      std::lock_guard<std::mutex> guard{site->mtx};
      auto prepared = site->prepare();
      if (!prepared)
        return prepared.error();
      ci = *prepared;
    }
    auto b = ps::pg_backend::connect(ci, site->options);
    if (!b)
      return b.error();
    return std::unique_ptr<ps::backend>{std::move(*b)};
  };
}

child_spec make_storage_child(const config::config& cfg) {
  child_spec spec;
  spec.name = "storage";
  spec.core = true;
  // initdb + start of the embedded cluster + migrations on a cold start.
  spec.ready_timeout = 120s;
  // In-flight commits finish, then the embedded cluster stops.
  spec.stop_timeout = 30s;
  auto pool = static_cast<std::size_t>(std::max(1, cfg.database.pool_size));
  // The token keys, decoded (config validated them: 32 bytes each).
  storage_config scfg;
  for (const auto& [id, key] : cfg.credentials.keys)
    if (auto raw = config::decode_credentials_key(key.value()))
      scfg.token_keys.emplace(id, std::move(*raw));
  scfg.active_token_key = cfg.credentials.active_key;
  spec.start = [factory = make_pg_factory(cfg), pool,
                scfg](const child_context& ctx) -> caf::expected<caf::actor> {
    if (auto err = validate(scfg))
      return err;
    return caf::actor_cast<caf::actor>(
      spawn_storage(ctx.sys, scfg, factory, pool));
  };
  return spec;
}

} // namespace adbatch
