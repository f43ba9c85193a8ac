// The embedded defaults: the old system's values (config/platform-batch.php)
// and the simulator's default ports as base URLs, all from the platform
// table (platforms/common/platform_table.hpp), so that a node with no
// config file talks to `adbatch-sim` on loopback, never to a real platform.

#include "config/detail.hpp"
#include "platforms/common/platform_table.hpp"

namespace adbatch::config::detail {

namespace {

platform_config make_platform(const platforms::platform_info& row) {
  platform_config p;
  p.enabled = true;
  p.flush_interval = row.flush_interval;
  p.max_requests_per_flush = row.max_requests_per_flush;
  p.max_batch_size = row.max_batch_size;
  p.base_url = "http://127.0.0.1:" + std::to_string(row.sim_port);
  p.rate_limit = rate_limit_config{row.rate_requests, row.rate_per};
  return p;
}

} // namespace

config embedded_defaults() {
  config cfg;
  // flush, per flush, batch, simulator port, rate budget (old system's
  // primary limit; see docs/configuration.md): the platform table's row.
  for (const auto& row : platforms::platform_table)
    *cfg.platforms.find(row.name) = make_platform(row);
  return cfg;
}

} // namespace adbatch::config::detail
