// adbatch-sim: local simulators of the six ad platforms' APIs (and their
// webhook senders) for tests, demos and benchmarks. With no arguments it
// serves all six on their default loopback ports; see docs/platforms.md.

#include <csignal>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "common/logger.hpp"
#include "sim/config/sim_config.hpp"
#include "sim/core/front_end.hpp"
#include "sim/core/sim_options.hpp"

using namespace adbatch;

int main(int argc, char** argv) {
  auto started = std::chrono::steady_clock::now();
  CLI::App app{"adbatch-sim: local simulators of the Meta, Google Ads, TikTok, "
               "LinkedIn, X and Snapchat APIs"};
  std::string config_path;
  bool print_defaults = false;
  bool print_config = false;
  std::string log_level;
  app.add_option("-c,--config", config_path, "YAML configuration file")
    ->check(CLI::ExistingFile);
  app.add_flag("--print-defaults", print_defaults,
               "print the default configuration as YAML and exit");
  app.add_flag("--print-config", print_config,
               "print the effective configuration as YAML and exit");
  app.add_option("--log-level", log_level,
                 "trace|debug|info|warn|error|critical|off (overrides the file)");
  CLI11_PARSE(app, argc, argv);

  if (print_defaults) {
    std::cout << config::print_sim(config::sim_defaults());
    return 0;
  }
  config::sim_config cfg = config::sim_defaults();
  if (!config_path.empty()) {
    auto loaded = config::load_sim(config_path);
    if (!loaded) {
      std::cerr << "adbatch-sim: " << loaded.error().render() << "\n";
      return 2;
    }
    cfg = std::move(*loaded);
  }
  if (!log_level.empty()) cfg.log_level = log_level;
  if (print_config) {
    std::cout << config::print_sim(cfg);
    return 0;
  }
  spdlog::level::level_enum level;
  if (!parse_log_level(cfg.log_level, level)) {
    std::cerr << "adbatch-sim: bad log level '" << cfg.log_level << "'\n";
    return 2;
  }
  init_logging(level, log_format::text);

  auto opts = sim::to_front_end_options(cfg);
  if (opts.platforms.empty()) {
    std::cerr << "adbatch-sim: every platform is disabled\n";
    return 2;
  }

  // Block the stop signals before any io thread starts, so only sigwait
  // below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    sim::front_end fe{std::move(opts)};
    for (const auto& name : fe.platform_names())
      log().info("adbatch-sim serves {} at {} (and {})", name, fe.base_url(name),
                 fe.https_base_url(name));
    log().info("adbatch-sim serves its control API at {}/__sim/stats", fe.control_url());
    if (!cfg.tls_cert_path.empty())
      log().info("adbatch-sim writes its TLS certificate to {}", cfg.tls_cert_path);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started).count();
    log().info("adbatch-sim is ready in {} ms (seed {}, time_scale {}, limit_scale {})",
               ms, cfg.seed, cfg.time_scale, cfg.limit_scale);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    log().info("adbatch-sim stops on signal {}", sig);
    fe.stop();
  } catch (const std::exception& e) {
    log().error("adbatch-sim cannot start: {}", e.what());
    return 1;
  }
  return 0;
}
