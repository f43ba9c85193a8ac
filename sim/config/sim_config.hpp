#pragma once

// adbatch-sim's configuration (the simulator, not the node). Like the node's
// config, only config/ reads the YAML; the sim gets these typed values.
//
//   bind_address: 127.0.0.1      # loopback unless you mean otherwise
//   control_port: 18100          # /__sim/stats, /__sim/faults/..., webhooks
//   seed: 42                     # same seed, same data
//   time_scale: 1.0              # rate windows pass this many times faster
//   limit_scale: 1.0             # multiplies every published limit
//   io_threads: 1
//   tls: true                    # HTTPS too, on every port (self-signed)
//   tls_cert_path: ~             # write the certificate (PEM) here
//   timeout_hold_ms: 30000       # how long the timeout fault holds a call
//   log_level: info
//   platforms:
//     meta: {enabled: true, port: 18101, faults: {error_rate: 0.0, ...},
//            options: {max_batch_ops: 50, ...}}   # the platform's own knobs

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "sim/core/platform_specific.hpp"

namespace adbatch::config {

/// Fault knobs of one simulated platform (see sim::fault_profile).
struct sim_fault_config {
  double error_rate = 0.0;
  double partial_batch_rate = 0.0;
  double throttle_rate = 0.0;
  bool throttle_storm = false;
  double timeout_rate = 0.0;
  double drop_rate = 0.0;
  std::int64_t latency_min_ms = 0;
  std::int64_t latency_max_ms = 0;
};

struct sim_platform_config {
  bool enabled = true;
  std::uint16_t port = 0;  ///< 0 = ephemeral
  sim_fault_config faults;
};

struct sim_config {
  std::string bind_address = "127.0.0.1";
  std::uint16_t control_port = platforms::sim_control_port;
  std::uint64_t seed = 42;
  double time_scale = 1.0;
  double limit_scale = 1.0;
  int io_threads = 1;
  bool tls = true;
  std::string tls_cert_path;  ///< empty: the certificate is not written
  std::int64_t timeout_hold_ms = 30000;
  std::string log_level = "info";
  /// meta, google, tiktok, linkedin, twitter, snapchat (always all six).
  std::map<std::string, sim_platform_config> platforms;
  /// Each platform's own options, from `platforms.<name>.options` (limits,
  /// UNCONFIRMED behaviours, world sizes); defaults = published figures.
  sim::specific_options options;
};

/// The six simulated platforms in their default port order.
const std::vector<std::string>& sim_platform_names();

/// Every default (ports 18101-18106, control 18100, seed 42, no faults).
sim_config sim_defaults();

/// Reads a YAML file on top of the defaults; unknown keys, bad values and
/// overlapping ports are errors ("file:line: key.path: message").
result<sim_config> load_sim(const std::string& path);

/// Same for YAML text in memory; `file` names it in errors.
result<sim_config> load_sim_string(std::string_view yaml, const std::string& file);

/// The configuration as YAML (every key), e.g. for --print-defaults.
std::string print_sim(const sim_config& cfg);

} // namespace adbatch::config
