#pragma once

// The webhook senders' control API on adbatch-sim's control port:
//   POST /__sim/webhooks/send    start a delivery job (JSON, see below)
//   GET  /__sim/webhooks/report  per-job and per-platform counters
//                                (?job=<id> for one job)
//   POST /__sim/webhooks/stop    stop every running job
//
// send body: {"platform":"meta|whatsapp|tiktok|twitter|linkedin",
//   "target_url":"http://127.0.0.1:8080/webhooks/meta", "count":10,
//   "rate_per_s":10, "duplicates":0, "bad_signatures":0, "secret":"...",
//   "verify_token":"...", "seed":42, "time_scale":60,
//   "skip_handshake":false, "timeout_ms":5000}
// Secrets are used for signing only and never appear in a report.

#include <memory>

#include "sim/core/platform.hpp"
#include "sim/webhooks/sender.hpp"

namespace adbatch::sim::webhooks {

/// Defaults for jobs that do not say otherwise.
struct control_options {
  std::uint64_t seed = 42;   ///< the simulators' seed, so LinkedIn leads resolve
  double time_scale = 1.0;   ///< the simulators' time scale
};

class webhook_control {
public:
  explicit webhook_control(control_options opts = {});

  /// Handles one request under /__sim/webhooks/; 404 for other paths.
  http_response handle(const http_request& req, time_point now);

  /// The sender, for in-process callers and tests.
  webhook_sender& sender() { return sender_; }

private:
  http_response send(const http_request& req);
  http_response report(const http_request& req) const;

  control_options opts_;
  webhook_sender sender_;
};

/// A report as JSON (also used by the control API).
std::string report_json(const job_report& r);

} // namespace adbatch::sim::webhooks
