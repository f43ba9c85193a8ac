#include "sim/core/test_harness.hpp"

namespace adbatch::sim {

namespace {
front_end_options harness_front_end(std::vector<std::string> platforms,
                                    harness_options o) {
  front_end_options f;
  f.platforms = std::move(platforms);
  f.ephemeral_ports = true;
  f.base.seed = o.seed;
  f.base.time_scale = o.time_scale;
  f.base.limit_scale = o.limit_scale;
  f.faults = std::move(o.faults);
  f.tls = o.tls;
  f.timeout_hold = o.timeout_hold;
  f.io_threads = o.io_threads;
  f.specific = std::move(o.specific);
  return f;
}
} // namespace

test_harness::test_harness(std::vector<std::string> platforms, harness_options o)
  : fe_(harness_front_end(std::move(platforms), std::move(o))) {}

net::client_options test_harness::client_options() const {
  net::client_options c;
  c.ca_pem = fe_.cert_pem();
  c.use_system_roots = false;
  c.default_timeout = std::chrono::milliseconds(10000);
  return c;
}

} // namespace adbatch::sim
