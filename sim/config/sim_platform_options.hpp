#pragma once

// Internal to config/: reads and prints `platforms.<name>.options`, each
// simulated platform's own settings (limits, UNCONFIRMED behaviours, world
// sizes). Keys are the fields of the platform's options struct
// (sim/<platform>/<platform>_platform.hpp); see docs/platforms.md.

#include <string>

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.hpp"
#include "sim/core/platform_specific.hpp"

namespace adbatch::config::detail {

/// Reads `platform`'s options from `s` (the `options` mapping, whose node
/// is `node`) into the matching member of `out`.
void read_platform_options(const context& ctx, section& s,
                           const YAML::Node& node, const std::string& platform,
                           sim::specific_options& out);

/// Emits `platform`'s options as a YAML mapping (every key).
void print_platform_options(YAML::Emitter& out, const std::string& platform,
                            const sim::specific_options& opts);

} // namespace adbatch::config::detail
