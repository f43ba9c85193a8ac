// The embedded defaults: the old system's values (config/platform-batch.php)
// and the simulator's default ports as base URLs, so that a node with no
// config file talks to `adbatch-sim` on loopback, never to a real platform.

#include "config/detail.hpp"

namespace adbatch::config::detail {

namespace {

platform_config make_platform(int flush_s, int per_flush, int batch, int port,
                              std::int64_t requests, int per_s) {
  platform_config p;
  p.enabled = true;
  p.flush_interval = seconds{flush_s};
  p.max_requests_per_flush = per_flush;
  p.max_batch_size = batch;
  p.base_url = "http://127.0.0.1:" + std::to_string(port);
  p.rate_limit = rate_limit_config{requests, seconds{per_s}};
  return p;
}

} // namespace

config embedded_defaults() {
  config cfg;
  // flush, per flush, batch, simulator port, rate budget (old system's
  // primary limit; see docs/configuration.md).
  cfg.platforms.meta = make_platform(300, 100, 50, 18101, 200, 3600);
  cfg.platforms.google = make_platform(600, 100, 100, 18102, 15000, 86400);
  cfg.platforms.tiktok = make_platform(600, 100, 100, 18103, 10, 60);
  cfg.platforms.linkedin = make_platform(1800, 50, 50, 18104, 100, 86400);
  cfg.platforms.twitter = make_platform(300, 100, 100, 18105, 300, 900);
  cfg.platforms.snapchat = make_platform(600, 100, 200, 18106, 1000, 60);
  return cfg;
}

} // namespace adbatch::config::detail
