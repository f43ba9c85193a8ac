#pragma once

// Turns adbatch-sim's loaded configuration into front-end options.

#include "sim/config/sim_config.hpp"
#include "sim/core/front_end.hpp"

namespace adbatch::sim {

/// Enabled platforms, ports, seed, scales, faults and TLS settings.
front_end_options to_front_end_options(const config::sim_config& cfg);

/// One platform's configured faults as a fault_profile.
fault_profile to_fault_profile(const config::sim_fault_config& f);

} // namespace adbatch::sim
