// adbatch-sim's YAML configuration and its mapping to front-end options.

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include "sim/config/sim_config.hpp"
#include "net/http_client.hpp"
#include "sim/core/front_end.hpp"
#include "sim/core/sim_options.hpp"
#include "sim/linkedin/linkedin_data.hpp"
#include "sim/twitter/twitter_data.hpp"

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

namespace {

/// A front end serving `platform` exactly as adbatch-sim would from `cfg`,
/// but on ephemeral ports and without TLS.
sim::front_end_options served(const config::sim_config& cfg, std::string platform) {
  auto o = sim::to_front_end_options(cfg);
  o.platforms = {std::move(platform)};
  o.ephemeral_ports = true;
  o.tls = false;
  o.webhooks = false;
  return o;
}

} // namespace

TEST_CASE("sim config platform options: defaults, YAML, print round trip", "[sim_core]") {
  auto d = config::sim_defaults();
  CHECK(d.options.twitter.app_limit == 300);
  CHECK(d.options.meta.max_batch_ops == 50);
  CHECK(d.options.linkedin.active_versions.empty());

  auto r = config::load_sim_string(R"(
platforms:
  meta:
    options: {max_batch_ops: 10, world: {accounts: 3}, throttle_http_status: 429}
  google:
    options: {daily_operations: 2880, omit_default_values: false}
  tiktok:
    options: {advertiser_qps: 0}
  linkedin:
    options: {active_versions: ["202411"], app_daily_limit: 5, current_version: "202501"}
  twitter:
    options: {app_limit: 2, throttle_body: problem, window: 15m, epoch_origin: 1700000000}
  snapchat:
    options: {nested_accounts_key: adaccounts, min_limit: 1}
)", "sim.yaml");
  if (!r) FAIL(r.error().render());
  CHECK(r->options.meta.max_batch_ops == 10);
  CHECK(r->options.meta.world.accounts == 3);
  CHECK(r->options.meta.world.pages == 5);  // untouched default
  CHECK(r->options.meta.throttle_http_status == 429);
  CHECK(r->options.google.daily_operations == 2880);
  CHECK_FALSE(r->options.google.omit_default_values);
  CHECK(r->options.tiktok.advertiser_qps == 0);
  CHECK(r->options.linkedin.active_versions == std::vector<std::string>{"202411"});
  CHECK(r->options.linkedin.current_version == "202501");
  CHECK(r->options.linkedin.app_daily_limit == 5);
  CHECK(r->options.twitter.app_limit == 2);
  CHECK(r->options.twitter.window == std::chrono::seconds(900));
  CHECK(r->options.twitter.throttle == sim::twitter_options::throttle_body::problem);
  CHECK(r->options.twitter.epoch_origin == std::optional<std::int64_t>(1700000000));
  CHECK(r->options.snapchat.nested_accounts_key == "adaccounts");
  CHECK(r->options.snapchat.min_limit == 1);
  CHECK(sim::to_front_end_options(*r).specific.twitter.app_limit == 2);

  auto again = config::load_sim_string(config::print_sim(*r), "printed");
  if (!again) FAIL(again.error().render());
  CHECK(again->options.linkedin.active_versions == std::vector<std::string>{"202411"});
  CHECK(again->options.linkedin.current_version == "202501");
  CHECK(again->options.twitter.throttle == sim::twitter_options::throttle_body::problem);
  CHECK(again->options.twitter.epoch_origin == std::optional<std::int64_t>(1700000000));
  CHECK(again->options.meta.world.accounts == 3);
  CHECK(config::print_sim(*again) == config::print_sim(*r));
  auto defaults_again = config::load_sim_string(config::print_sim(d), "printed");
  REQUIRE(defaults_again);
  CHECK_FALSE(defaults_again->options.twitter.epoch_origin);
  CHECK(defaults_again->options.linkedin.current_version.empty());
}

TEST_CASE("sim config platform option errors name the line and key path", "[sim_core]") {
  auto unknown = config::load_sim_string(
    "platforms:\n  twitter:\n    options:\n      app_limt: 3\n", "s.yaml");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().file == "s.yaml");
  CHECK(unknown.error().line == 4);
  CHECK(unknown.error().key_path == "platforms.twitter.options.app_limt");
  CHECK_THAT(unknown.error().render(), Catch::Contains("did you mean app_limit?"));

  auto nested = config::load_sim_string(
    "platforms:\n  meta:\n    options:\n      world:\n        acounts: 3\n", "s.yaml");
  REQUIRE_FALSE(nested);
  CHECK(nested.error().line == 5);
  CHECK(nested.error().key_path == "platforms.meta.options.world.acounts");

  auto type = config::load_sim_string(
    "platforms:\n  tiktok:\n    options: {app_qps: fast}\n", "s.yaml");
  REQUIRE_FALSE(type);
  CHECK(type.error().line == 3);
  CHECK(type.error().key_path == "platforms.tiktok.options.app_qps");

  auto range = config::load_sim_string(
    "platforms:\n  meta:\n    options: {max_batch_ops: 0}\n", "s.yaml");
  REQUIRE_FALSE(range);
  CHECK(range.error().key_path == "platforms.meta.options.max_batch_ops");

  auto body = config::load_sim_string(
    "platforms:\n  twitter:\n    options: {throttle_body: teapot}\n", "s.yaml");
  REQUIRE_FALSE(body);
  CHECK(body.error().key_path == "platforms.twitter.options.throttle_body");

  auto version = config::load_sim_string(
    "platforms:\n  linkedin:\n    options:\n      active_versions:\n        - \"202411\"\n"
    "        - \"2024-11\"\n", "s.yaml");
  REQUIRE_FALSE(version);
  CHECK(version.error().line == 6);
  CHECK(version.error().key_path == "platforms.linkedin.options.active_versions[1]");

  auto order = config::load_sim_string(
    "platforms:\n  snapchat:\n    options: {min_limit: 100, max_limit: 10}\n", "s.yaml");
  REQUIRE_FALSE(order);
  CHECK(order.error().key_path == "platforms.snapchat.options.max_limit");

  auto not_map = config::load_sim_string("platforms:\n  google:\n    options: 3\n", "s.yaml");
  REQUIRE_FALSE(not_map);
  CHECK(not_map.error().key_path == "platforms.google.options");
}

TEST_CASE("sim config: a YAML twitter app limit reaches the platform", "[net][sim_core]") {
  auto cfg = config::load_sim_string(
    "platforms:\n  twitter:\n    options: {app_limit: 2, throttle_body: problem}\n", "s.yaml");
  if (!cfg) FAIL(cfg.error().render());
  sim::front_end fe{served(*cfg, "twitter")};
  net::http_client c{net::client_options{}};
  const net::header_list bearer{{"Authorization", "Bearer AAAA-test"}};
  auto url = fe.base_url("twitter") + "/2/users?ids=" + sim::twitter::user_id(1);
  for (int i = 0; i < 2; ++i) {
    auto ok = c.get(url, bearer);
    REQUIRE(ok.ok());
    CHECK(ok->status == 200);
    CHECK(ok->header("x-rate-limit-limit") == std::optional<std::string>("2"));
  }
  auto third = c.get(url, bearer);
  REQUIRE(third.ok());
  CHECK(third->status == 429);
  auto body = boost::json::parse(third->body);
  CHECK(body.at("title").as_string() == "Too Many Requests");
  fe.stop();
}

TEST_CASE("sim config: YAML linkedin active_versions are honoured", "[net][sim_core]") {
  auto cfg = config::load_sim_string(
    "platforms:\n  linkedin:\n    options: {active_versions: [\"202411\"]}\n", "s.yaml");
  if (!cfg) FAIL(cfg.error().render());
  sim::front_end fe{served(*cfg, "linkedin")};
  net::http_client c{net::client_options{}};
  auto get = [&](const std::string& version) {
    net::header_list h{{"Authorization", "Bearer loopback-token"},
                       {"x-restli-protocol-version", "2.0.0"},
                       {"linkedin-version", version}};
    auto r = c.get(fe.base_url("linkedin") + "/rest/adAccounts/"
                     + std::to_string(sim::linkedin::account_base), h);
    REQUIRE(r.ok());
    return r->status;
  };
  CHECK(get("202411") == 200);
  CHECK(get("202412") == 426);
  CHECK(get("202410") == 426);
  fe.stop();
}
