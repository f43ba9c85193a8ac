#pragma once

// adbatch-sim's HTTP front end: hosts each simulated platform on its own
// loopback port (plain HTTP and HTTPS on the same port), serializes calls
// into each platform (platforms are not thread-safe), applies the front-end
// faults (latency, timeouts, dropped connections), counts calls per
// platform and endpoint, and serves the control API:
//
//   GET  /__sim/stats                 counters (JSON), on every port
//   POST /__sim/reset[?platform=x]    zero counters, forget spent budgets
//   GET  /__sim/faults/<platform>     the current fault profile
//   POST /__sim/faults/<platform>     change it (JSON, fields as fault_json.hpp)
//   GET  /__sim/platforms             names, ports and base URLs
//   + routes added with add_control_route (e.g. /__sim/webhooks/...)

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/counters.hpp"
#include "sim/core/platform.hpp"
#include "sim/core/registry.hpp"

namespace adbatch::sim {

struct front_end_options {
  /// Listen address for every port (loopback unless you mean otherwise).
  std::string bind_address = "127.0.0.1";
  /// 0 = an ephemeral port.
  std::uint16_t control_port = default_control_port;
  /// Which platforms to host; empty = all built-in ones.
  std::vector<std::string> platforms;
  /// Port per platform; a missing entry takes the default (18101...).
  std::map<std::string, std::uint16_t> ports;
  /// Every port ephemeral (tests), overriding control_port and ports.
  bool ephemeral_ports = false;
  /// Seed, time_scale, limit_scale given to every platform.
  platform_options base;
  /// Each platform's own options (limits, UNCONFIRMED behaviours); the
  /// defaults are the published figures.
  specific_options specific;
  /// Start-up fault profile per platform (default: none).
  std::map<std::string, fault_profile> faults;
  /// io threads shared by all ports.
  int io_threads = 1;
  /// Also accept TLS on every port, with a self-signed certificate
  /// generated at start (CN/SAN 127.0.0.1 and localhost).
  bool tls = true;
  /// If set, the certificate (PEM) is written there so clients can trust it.
  std::string tls_cert_path;
  /// How long a request picked by the timeout fault is held unanswered
  /// before the connection is closed.
  std::chrono::milliseconds timeout_hold{30000};
  /// Largest request body accepted.
  std::size_t body_limit = 16 * 1024 * 1024;
  /// Serve the webhook senders' control API (/__sim/webhooks/...) on the
  /// control port.
  bool webhooks = true;
};

/// A control route: gets the request and the current time.
using control_handler =
  std::function<http_response(const http_request&, time_point)>;

class front_end {
public:
  /// Builds the platforms and starts listening. Throws std::runtime_error
  /// (unknown platform, port in use, bad fault profile).
  explicit front_end(front_end_options opts);
  /// Stops (see stop()).
  ~front_end();
  front_end(const front_end&) = delete;
  front_end& operator=(const front_end&) = delete;

  /// The hosted platforms, in port order.
  std::vector<std::string> platform_names() const;
  bool hosts(std::string_view platform) const;
  /// The bound port of a platform, or of the control API for "control".
  /// Throws std::out_of_range for an unknown name.
  std::uint16_t port(std::string_view platform) const;
  /// "http://127.0.0.1:<port>" of a platform (or "control").
  std::string base_url(std::string_view platform) const;
  /// "https://127.0.0.1:<port>" (same port, TLS).
  std::string https_base_url(std::string_view platform) const;
  std::uint16_t control_port() const { return port("control"); }
  std::string control_url() const { return base_url("control"); }
  /// The generated certificate (PEM; empty when TLS is off).
  const std::string& cert_pem() const;

  /// GET /__sim/stats as JSON text.
  std::string stats_json() const;
  /// A copy of one platform's counters.
  platform_counters counters(std::string_view platform) const;
  /// Zeroes counters and resets budgets (one platform, or all when empty).
  void reset(std::string_view platform = {});
  /// Replaces a platform's fault profile (front end + platform).
  void set_faults(std::string_view platform, const fault_profile& f);
  fault_profile faults(std::string_view platform) const;

  /// Serves every path under `prefix` (e.g. "/__sim/webhooks/") on the
  /// control port with `handler`. Calls are serialized with each other.
  void add_control_route(std::string prefix, control_handler handler);

  /// Stops listening and joins the io threads. Idempotent.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace adbatch::sim
