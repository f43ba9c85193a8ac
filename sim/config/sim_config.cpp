#include "sim/config/sim_config.hpp"

#include <algorithm>
#include <set>

#include <yaml-cpp/yaml.h>

#include "sim/config/sim_platform_options.hpp"
#include "config/yaml_reader.hpp"

namespace adbatch::config {

namespace {

const environment no_environment{};

void read_faults(detail::section& s, sim_fault_config& f) {
  s.ratio("error_rate", f.error_rate);
  s.ratio("partial_batch_rate", f.partial_batch_rate);
  s.ratio("throttle_rate", f.throttle_rate);
  s.boolean("throttle_storm", f.throttle_storm);
  s.ratio("timeout_rate", f.timeout_rate);
  s.ratio("drop_rate", f.drop_rate);
  // -1 marks "not in the file": a minimum alone means a fixed latency.
  std::int64_t max_before = f.latency_max_ms;
  f.latency_max_ms = -1;
  s.integer("latency_max_ms", f.latency_max_ms, 0, 3'600'000);
  s.integer("latency_min_ms", f.latency_min_ms, 0, 3'600'000);
  if (f.latency_max_ms < 0)
    f.latency_max_ms = std::max(max_before, f.latency_min_ms);
}

sim_config read_sim(const detail::context& ctx, const YAML::Node& root) {
  sim_config c = sim_defaults();
  detail::section s{ctx, root, "", {}};
  s.string("bind_address", c.bind_address);
  s.integer("control_port", c.control_port, 0, 65535);
  std::int64_t seed = static_cast<std::int64_t>(c.seed);
  s.integer("seed", seed, 0, detail::int64_max);
  c.seed = static_cast<std::uint64_t>(seed);
  s.real("time_scale", c.time_scale, 0.001, 1e6);
  s.real("limit_scale", c.limit_scale, 1e-6, 1e6);
  s.integer("io_threads", c.io_threads, 1, 64);
  s.boolean("tls", c.tls);
  std::optional<std::string> cert;
  if (!c.tls_cert_path.empty()) cert = c.tls_cert_path;
  s.optional_string("tls_cert_path", cert);
  c.tls_cert_path = cert.value_or("");
  s.integer("timeout_hold_ms", c.timeout_hold_ms, 0, 3'600'000);
  s.string("log_level", c.log_level);
  {
    spdlog::level::level_enum lvl;
    if (!parse_log_level(c.log_level, lvl))
      ctx.fail(detail::sub(root, "log_level").Mark(), "log_level",
               "expected trace, debug, info, warn, error, critical or off");
  }
  {
    auto plats = s.child("platforms");
    for (const auto& name : sim_platform_names()) {
      auto p = plats.child(name);
      auto& pc = c.platforms[name];
      p.boolean("enabled", pc.enabled);
      p.integer("port", pc.port, 0, 65535);
      auto f = p.child("faults");
      auto node = detail::sub(detail::sub(detail::sub(root, "platforms"), name), "faults");
      read_faults(f, pc.faults);
      if (pc.faults.latency_max_ms < pc.faults.latency_min_ms)
        ctx.fail(node.Mark(), "platforms." + name + ".faults.latency_max_ms",
                 "must not be below latency_min_ms");
      auto os = p.child("options");
      auto onode = detail::sub(detail::sub(detail::sub(root, "platforms"), name), "options");
      detail::read_platform_options(ctx, os, onode, name, c.options);
    }
  }
  // Two listeners cannot share a port (0 = ephemeral is fine).
  std::map<std::uint16_t, std::string> used;
  if (c.control_port != 0) used[c.control_port] = "control_port";
  for (const auto& [name, pc] : c.platforms) {
    if (!pc.enabled || pc.port == 0) continue;
    auto [it, fresh] = used.emplace(pc.port, "platforms." + name + ".port");
    if (!fresh) {
      auto node = detail::sub(detail::sub(detail::sub(root, "platforms"), name), "port");
      ctx.fail(node.Mark(), "platforms." + name + ".port",
               "port " + std::to_string(pc.port) + " is also " + it->second);
    }
  }
  return c;
}

} // namespace

const std::vector<std::string>& sim_platform_names() {
  static const std::vector<std::string> names{platform_names.begin(),
                                              platform_names.end()};
  return names;
}

sim_config sim_defaults() {
  sim_config c;
  for (const auto& row : platforms::platform_table)
    c.platforms[std::string{row.name}].port = row.sim_port;
  return c;
}

result<sim_config> load_sim(const std::string& path) {
  detail::context ctx{path, no_environment};
  return detail::run_loader<sim_config>(
    path, [&] { return YAML::LoadFile(path); },
    [&](const YAML::Node& root) { return read_sim(ctx, root); });
}

result<sim_config> load_sim_string(std::string_view yaml, const std::string& file) {
  detail::context ctx{file, no_environment};
  std::string text{yaml};
  return detail::run_loader<sim_config>(
    file, [&] { return YAML::Load(text); },
    [&](const YAML::Node& root) { return read_sim(ctx, root); });
}

std::string print_sim(const sim_config& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "bind_address" << YAML::Value << c.bind_address;
  out << YAML::Key << "control_port" << YAML::Value << c.control_port;
  out << YAML::Key << "seed" << YAML::Value << c.seed;
  out << YAML::Key << "time_scale" << YAML::Value << c.time_scale;
  out << YAML::Key << "limit_scale" << YAML::Value << c.limit_scale;
  out << YAML::Key << "io_threads" << YAML::Value << c.io_threads;
  out << YAML::Key << "tls" << YAML::Value << c.tls;
  out << YAML::Key << "tls_cert_path" << YAML::Value;
  if (c.tls_cert_path.empty()) out << YAML::Null;
  else out << c.tls_cert_path;
  out << YAML::Key << "timeout_hold_ms" << YAML::Value << c.timeout_hold_ms;
  out << YAML::Key << "log_level" << YAML::Value << c.log_level;
  out << YAML::Key << "platforms" << YAML::Value << YAML::BeginMap;
  for (const auto& name : sim_platform_names()) {
    auto it = c.platforms.find(name);
    sim_platform_config pc = it != c.platforms.end() ? it->second : sim_platform_config{};
    const auto& f = pc.faults;
    out << YAML::Key << name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "enabled" << YAML::Value << pc.enabled;
    out << YAML::Key << "port" << YAML::Value << pc.port;
    out << YAML::Key << "faults" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "error_rate" << YAML::Value << f.error_rate;
    out << YAML::Key << "partial_batch_rate" << YAML::Value << f.partial_batch_rate;
    out << YAML::Key << "throttle_rate" << YAML::Value << f.throttle_rate;
    out << YAML::Key << "throttle_storm" << YAML::Value << f.throttle_storm;
    out << YAML::Key << "timeout_rate" << YAML::Value << f.timeout_rate;
    out << YAML::Key << "drop_rate" << YAML::Value << f.drop_rate;
    out << YAML::Key << "latency_min_ms" << YAML::Value << f.latency_min_ms;
    out << YAML::Key << "latency_max_ms" << YAML::Value << f.latency_max_ms;
    out << YAML::EndMap;
    out << YAML::Key << "options" << YAML::Value;
    detail::print_platform_options(out, name, c.options);
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

} // namespace adbatch::config
