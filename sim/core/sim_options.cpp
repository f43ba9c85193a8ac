#include "sim/core/sim_options.hpp"

namespace adbatch::sim {

fault_profile to_fault_profile(const config::sim_fault_config& f) {
  fault_profile p;
  p.error_rate = f.error_rate;
  p.partial_batch_rate = f.partial_batch_rate;
  p.throttle_rate = f.throttle_rate;
  p.throttle_storm = f.throttle_storm;
  p.timeout_rate = f.timeout_rate;
  p.drop_rate = f.drop_rate;
  p.latency_min = std::chrono::milliseconds(f.latency_min_ms);
  p.latency_max = std::chrono::milliseconds(f.latency_max_ms);
  return p;
}

front_end_options to_front_end_options(const config::sim_config& cfg) {
  front_end_options o;
  o.bind_address = cfg.bind_address;
  o.control_port = cfg.control_port;
  o.base.seed = cfg.seed;
  o.base.time_scale = cfg.time_scale;
  o.base.limit_scale = cfg.limit_scale;
  o.io_threads = cfg.io_threads;
  o.tls = cfg.tls;
  o.tls_cert_path = cfg.tls_cert_path;
  o.timeout_hold = std::chrono::milliseconds(cfg.timeout_hold_ms);
  o.specific = cfg.options;
  for (const auto& e : builtin_platforms()) {
    auto it = cfg.platforms.find(e.name);
    if (it == cfg.platforms.end()) {
      o.platforms.push_back(e.name);
      continue;
    }
    if (!it->second.enabled) continue;
    o.platforms.push_back(e.name);
    o.ports[e.name] = it->second.port;
    o.faults[e.name] = to_fault_profile(it->second.faults);
  }
  return o;
}

} // namespace adbatch::sim
