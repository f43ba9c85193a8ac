#pragma once

// The platforms adbatch-sim hosts, with their default ports.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platforms/common/platform_table.hpp"
#include "sim/core/platform.hpp"
#include "sim/core/platform_specific.hpp"

namespace adbatch::sim {

using platform_factory =
  std::function<std::unique_ptr<platform>(const platform_options&)>;
/// Builds a platform with its platform-specific options (its own member of
/// specific_options; the others are ignored).
using specific_factory = std::function<std::unique_ptr<platform>(
  const platform_options&, const specific_options&)>;

struct platform_entry {
  std::string name;            ///< meta, google, tiktok, linkedin, twitter, snapchat
  std::uint16_t default_port;  ///< 18101 ... 18106
  platform_factory factory;   ///< with the published defaults
  specific_factory make;      ///< with configured specific options
};

/// The default control port (GET /__sim/stats, faults, webhooks control).
inline constexpr std::uint16_t default_control_port =
  platforms::sim_control_port;

/// The six built-in platforms in port order.
const std::vector<platform_entry>& builtin_platforms();

/// The built-in entry with that name, or nullptr.
const platform_entry* find_platform(std::string_view name);

} // namespace adbatch::sim
