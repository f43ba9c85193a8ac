// adbatchd: the node. A thin main: CLI11 owns argv (CAF's own parser never
// sees it), the config comes from config/, the tree from actors/node.
//
//   adbatchd [--config FILE]          run the node (no file: embedded defaults)
//   adbatchd --check-config FILE      validate, print "config OK: FILE", exit 0
//                                     (or print the error, exit 2)
//   adbatchd --print-config [FILE]    print the effective config (FILE, else
//                                     --config, else the defaults)
//
// Exit codes: see adbatch::exit_code in actors/node.hpp.

#include <cstdio>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

#include "actors/node.hpp"
#include "actors/system_config.hpp"
#include "common/logger.hpp"
#include "config/config.hpp"

namespace {

using adbatch::exit_code::invalid_config;
using adbatch::exit_code::ok;

/// Loads FILE, or the defaults when `path` is empty; prints the error.
std::optional<adbatch::config::config>
load_config(const std::string& path, const adbatch::config::environment& env) {
  auto res = path.empty() ? adbatch::config::defaults(env)
                          : adbatch::config::load(path, env);
  if (!res) {
    std::cerr << "adbatchd: invalid config: " << res.error().render() << '\n';
    return std::nullopt;
  }
  return std::move(res).value();
}

int run(const adbatch::config::config& cfg) {
  adbatch::init_logging(cfg.logging.level, cfg.logging.format);
  // Before the actor system exists, so every CAF thread inherits the mask
  // and only run_node's sigwait receives SIGINT/SIGTERM.
  adbatch::block_stop_signals();
  caf::actor_system_config sys_cfg;
  adbatch::configure_actor_system(sys_cfg);
  sys_cfg.load<caf::io::middleman>();
  caf::actor_system sys{sys_cfg};
  return adbatch::run_node(sys, cfg);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"adbatchd: the adbatch node (batches ad-platform API requests)",
               "adbatchd"};
  std::string config_path;
  std::string check_path;
  std::string print_path;
  app.add_option("-c,--config", config_path,
                 "YAML config file (default: the embedded defaults)")
    ->check(CLI::ExistingFile);
  auto* check_opt = app.add_option("--check-config", check_path,
                                   "validate FILE and exit (0 = valid, 2 = "
                                   "invalid)");
  auto* print_opt
    = app.add_option("--print-config", print_path,
                     "print the effective config of FILE (default: --config "
                     "or the embedded defaults) and exit")
        ->expected(0, 1);
  check_opt->excludes(print_opt);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return invalid_config;
  }
  auto env = adbatch::config::process_environment();
  if (check_opt->count() > 0) {
    auto cfg = load_config(check_path, env);
    if (!cfg)
      return invalid_config;
    std::cout << "config OK: " << check_path << '\n';
    return ok;
  }
  if (print_opt->count() > 0) {
    auto cfg = load_config(print_path.empty() ? config_path : print_path, env);
    if (!cfg)
      return invalid_config;
    std::cout << adbatch::config::print(*cfg);
    return ok;
  }
  auto cfg = load_config(config_path, env);
  if (!cfg)
    return invalid_config;
  return run(*cfg);
}
