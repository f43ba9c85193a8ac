#pragma once

// Starts adbatch-sim's front end inside a test: the chosen platforms (all by
// default) on ephemeral 127.0.0.1 ports, served by background io threads,
// stopped when the harness goes out of scope.
//
//   adbatch::sim::test_harness sim{"meta"};
//   adbatch::net::http_client c{sim.client_options()};
//   auto res = c.get(sim.base_url("meta") + "/v21.0/me");
//   auto stats = c.get(sim.control_url() + "/__sim/stats");

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_client.hpp"
#include "sim/core/front_end.hpp"

namespace adbatch::sim {

struct harness_options {
  std::uint64_t seed = 42;
  double time_scale = 1.0;
  double limit_scale = 1.0;
  std::map<std::string, fault_profile> faults;
  bool tls = true;
  /// Short, so a test that hits a timeout fault does not hold sockets long.
  std::chrono::milliseconds timeout_hold{2000};
  int io_threads = 1;
  /// Each platform's own options (default: the published figures).
  specific_options specific;
};

class test_harness {
public:
  /// All built-in platforms.
  test_harness() : test_harness(std::vector<std::string>{}) {}
  /// One platform.
  explicit test_harness(std::string platform, harness_options o = {})
    : test_harness(std::vector<std::string>{std::move(platform)}, std::move(o)) {}
  /// Some platforms (empty = all).
  explicit test_harness(std::vector<std::string> platforms, harness_options o = {});

  /// "http://127.0.0.1:<port>" of a platform, or of the control API for
  /// "control". /__sim/* routes answer on every port.
  std::string base_url(std::string_view platform) const { return fe_.base_url(platform); }
  /// The same port over TLS (trust cert_pem(), see client_options()).
  std::string https_base_url(std::string_view platform) const {
    return fe_.https_base_url(platform);
  }
  std::string control_url() const { return fe_.control_url(); }
  std::uint16_t port(std::string_view platform) const { return fe_.port(platform); }
  const std::string& cert_pem() const { return fe_.cert_pem(); }

  /// Client options that trust this harness's certificate.
  net::client_options client_options() const;

  /// The running front end (counters, faults, reset).
  front_end& server() { return fe_; }
  const front_end& server() const { return fe_; }

private:
  front_end fe_;
};

} // namespace adbatch::sim
