// adbatch-sim's YAML configuration and its mapping to front-end options.

#include <catch2/catch.hpp>

#include "config/sim_config.hpp"
#include "sim/core/sim_options.hpp"

using namespace adbatch;
using namespace std::chrono_literals;

TEST_CASE("sim config defaults", "[sim_core]") {
  auto d = config::sim_defaults();
  CHECK(d.bind_address == "127.0.0.1");
  CHECK(d.control_port == 18100);
  CHECK(d.platforms.at("meta").port == 18101);
  CHECK(d.platforms.at("snapchat").port == 18106);
  auto o = sim::to_front_end_options(d);
  CHECK(o.platforms.size() == 6);
  CHECK(o.ports.at("google") == 18102);
}

TEST_CASE("sim config from YAML", "[sim_core]") {
  auto r = config::load_sim_string(R"(
seed: 7
time_scale: 60
limit_scale: 0.01
tls_cert_path: /tmp/x.pem
platforms:
  meta:
    port: 0
    faults: {error_rate: 0.5, latency_min_ms: 20}
  snapchat:
    enabled: false
)", "sim.yaml");
  if (!r) FAIL(r.error().render());
  CHECK(r->seed == 7);
  CHECK(r->time_scale == 60);
  CHECK(r->platforms.at("meta").faults.latency_max_ms == 20);
  auto o = sim::to_front_end_options(*r);
  CHECK(o.platforms.size() == 5);
  CHECK(o.ports.at("meta") == 0);
  CHECK(o.faults.at("meta").error_rate == 0.5);
  CHECK(o.faults.at("meta").latency_min == 20ms);
  CHECK(o.base.limit_scale == 0.01);
  CHECK(o.tls_cert_path == "/tmp/x.pem");

  // print -> load gives the same values.
  auto again = config::load_sim_string(config::print_sim(*r), "printed");
  REQUIRE(again);
  CHECK(again->platforms.at("snapchat").enabled == false);
  CHECK(again->platforms.at("meta").faults.error_rate == 0.5);
  CHECK(again->tls_cert_path == "/tmp/x.pem");
}

TEST_CASE("sim config errors name the line and key", "[sim_core]") {
  auto unknown = config::load_sim_string("seed: 1\nplatforms:\n  meta:\n    prot: 1\n", "s.yaml");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().line == 4);
  CHECK(unknown.error().key_path == "platforms.meta.prot");

  auto clash = config::load_sim_string("platforms:\n  google:\n    port: 18101\n", "s.yaml");
  REQUIRE_FALSE(clash);
  CHECK(clash.error().key_path == "platforms.meta.port");

  auto rate = config::load_sim_string("platforms: {tiktok: {faults: {drop_rate: 2}}}", "s.yaml");
  REQUIRE_FALSE(rate);
  CHECK(rate.error().key_path == "platforms.tiktok.faults.drop_rate");

  CHECK_FALSE(config::load_sim_string("myspace: {}", "s.yaml"));
  CHECK_FALSE(config::load_sim_string("log_level: loud", "s.yaml"));
}
