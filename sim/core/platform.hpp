#pragma once

// The contract between adbatch-sim's HTTP front end (sim/core, net/) and each
// simulated platform (sim/<platform>/). A platform is a plain class: it gets a
// parsed request and the current (simulated) time and returns a response. It
// does no I/O and reads no clock, so contract tests can call it directly and
// over loopback HTTP with the same results.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_types.hpp"

namespace adbatch::sim {

/// The simulators' clock. Tests pass any time point they like.
using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

/// Case-insensitive header names, as HTTP requires (clients send any case).
/// The same type as net's, so the front end moves headers without copying.
using header_less = net::header_less;
using header_map = net::header_map;

/// One HTTP request as the front end received it.
struct http_request {
  std::string method;   ///< "GET", "POST", ... (upper case)
  std::string target;   ///< raw request target: path + "?" + query, undecoded
  header_map headers;   ///< duplicate headers are joined with ", "
  std::string body;     ///< raw body bytes
  std::string peer;     ///< "127.0.0.1:54321", for logs only

  /// The path part of target (undecoded), e.g. "/v21.0/act_1/campaigns".
  std::string_view path() const;
  /// The query part of target without "?" (undecoded), possibly empty.
  std::string_view query() const;
  /// The first header value with that name, if any.
  std::optional<std::string> header(std::string_view name) const;
};

/// What a platform tells the front end about one handled request, for the
/// per-platform, per-endpoint counters at GET /__sim/stats.
struct accounting {
  std::string endpoint;      ///< stable label, e.g. "batch", "ids", "searchStream"
  std::int64_t quota_units = 1;  ///< units charged against the platform budget
  std::int64_t items = 0;        ///< logical items served (ids, rows, ops)
  bool error = false;            ///< the answer is an error (any kind)
  bool throttled = false;        ///< the answer is a rate-limit / throttle error
};

/// One HTTP response.
struct http_response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json; charset=UTF-8";
  accounting acct;

  /// Adds a header (names keep the case the real platform uses).
  http_response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

/// Fault injection knobs, per platform, settable at start (config) and at run
/// time (POST /__sim/faults/<platform>). The front end applies latency,
/// timeouts and dropped connections; platforms apply the ones that need
/// knowledge of their protocol (error answers, partial batches, throttles).
struct fault_profile {
  double error_rate = 0.0;          ///< share of requests answered with a 5xx-like platform error
  double partial_batch_rate = 0.0;  ///< share of batch items (Meta batch ops, ids...) failed individually
  double throttle_rate = 0.0;       ///< share of requests answered with the platform's throttle
  bool throttle_storm = false;      ///< answer every request with the throttle while set
  double timeout_rate = 0.0;        ///< share of requests never answered (front end)
  double drop_rate = 0.0;           ///< share of connections closed without an answer (front end)
  std::chrono::milliseconds latency_min{0};  ///< front end: uniform latency...
  std::chrono::milliseconds latency_max{0};  ///< ...between min and max
};

/// Settings every platform shares.
struct platform_options {
  std::uint64_t seed = 42;     ///< deterministic data: same seed, same objects
  /// Rate windows run this many times faster than real time (60 = a 1 h
  /// window lasts 1 min). Limits keep their published sizes.
  double time_scale = 1.0;
  /// Multiplies every published limit (0.01 = a budget of 1 % of the real
  /// one), so tests can spend a budget in a few calls.
  double limit_scale = 1.0;
  fault_profile faults;
  /// The absolute base URL clients reach this platform at
  /// (e.g. "http://127.0.0.1:18101"), for absolute paging links.
  std::string public_base_url;
};

/// A simulated platform API.
class platform {
public:
  virtual ~platform() = default;

  /// Stable lower-case name: meta, google, tiktok, linkedin, twitter, snapchat.
  virtual std::string_view name() const = 0;

  /// Handles one request at simulated time `now`. Never throws for bad
  /// input: a malformed request gets the platform's own error answer.
  virtual http_response handle(const http_request& req, time_point now) = 0;

  /// Replaces the fault profile (run-time reconfiguration).
  virtual void set_faults(const fault_profile& faults) = 0;

  /// Forgets all spent budget (POST /__sim/reset also resets counters).
  virtual void reset_limits() = 0;
};

/// Builds each platform (defined in sim/<platform>/).
std::unique_ptr<platform> make_meta(const platform_options& opts);
std::unique_ptr<platform> make_google(const platform_options& opts);
std::unique_ptr<platform> make_tiktok(const platform_options& opts);
std::unique_ptr<platform> make_linkedin(const platform_options& opts);
std::unique_ptr<platform> make_twitter(const platform_options& opts);
std::unique_ptr<platform> make_snapchat(const platform_options& opts);

} // namespace adbatch::sim
