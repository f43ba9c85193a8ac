#include "sim/webhooks/sender.hpp"

#include <algorithm>
#include <atomic>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "common/logger.hpp"
#include "net/http_client.hpp"
#include "sim/webhooks/payloads.hpp"

namespace adbatch::sim::webhooks {

struct webhook_sender::job {
  send_request req;
  job_report rep;
  std::atomic<bool> stop{false};
  std::thread thread;
};

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// The target URL with the handshake's parameters added to its query.
std::string with_query(const std::string& target, const std::string& extra) {
  auto u = boost::urls::parse_uri(target);
  if (!u) return target + (target.find('?') == std::string::npos ? "?" : "&") + extra;
  boost::urls::url url{*u};
  std::string q{url.encoded_query()};
  url.set_encoded_query(q.empty() ? extra : q + "&" + extra);
  return std::string{url.buffer()};
}

} // namespace

webhook_sender::webhook_sender() = default;

webhook_sender::~webhook_sender() {
  stop_all();
  std::vector<std::unique_ptr<job>> jobs;
  {
    std::lock_guard lock{mutex_};
    jobs.swap(jobs_);
  }
  for (auto& j : jobs)
    if (j->thread.joinable()) j->thread.join();
}

std::uint64_t webhook_sender::start(send_request req) {
  std::lock_guard lock{mutex_};
  auto j = std::make_unique<job>();
  j->req = std::move(req);
  j->rep.id = next_id_++;
  j->rep.platform = j->req.platform;
  j->rep.target_url = j->req.target_url;
  for (std::size_t i = 0; i < std::min(j->req.count, max_reported_ids); ++i)
    j->rep.event_ids.push_back(make_event(j->req.platform, j->req.seed, i).external_id);
  auto* raw = j.get();
  jobs_.push_back(std::move(j));
  raw->thread = std::thread([this, raw] { run(*raw); });
  return raw->rep.id;
}

void webhook_sender::run(job& j) {
  auto& req = j.req;
  net::client_options copts;
  copts.default_timeout = req.timeout;
  copts.verify_peer = false;  // receivers under test often use self-signed certs
  copts.user_agent = std::string{name_of(req.platform)} + "-webhooks-sim";
  net::http_client client{copts};

  auto update = [&](auto&& fn) {
    std::lock_guard lock{mutex_};
    fn(j.rep);
    changed_.notify_all();
  };

  plan_spec spec;
  spec.platform = req.platform;
  spec.count = req.count;
  spec.rate_per_s = req.rate_per_s;
  spec.duplicates = req.duplicates;
  spec.bad_signatures = req.bad_signatures;
  spec.time_scale = req.time_scale;

  // One ownership check (handshake); nullopt when the platform has none.
  std::uint64_t nonce = j.rep.id * 7777 + req.seed;
  auto check_ownership = [&]() -> std::optional<bool> {
    auto h = make_handshake(req.platform, req.secret, req.verify_token, nonce++);
    if (!h) return std::nullopt;
    auto res = client.get(with_query(req.target_url, h->query), {}, req.timeout);
    bool ok = res.ok() && handshake_accepted(req.platform, *h, res->status, res->body);
    if (!res.ok()) update([&](job_report& r) { r.last_error = res.error().message; });
    if (!ok)
      adbatch::log().warn("webhook sender {} fails the {} handshake at {}", j.rep.id,
                          name_of(req.platform), req.target_url);
    return ok;
  };

  // 1. Ownership handshake: no deliveries to an endpoint that fails it.
  bool handshake_ok = true;
  if (req.skip_handshake) {
    update([](job_report& r) { r.handshake = "skipped"; });
  } else if (auto ok = check_ownership()) {
    handshake_ok = *ok;
    update([&](job_report& r) { r.handshake = handshake_ok ? "ok" : "failed"; });
  } else {
    update([](job_report& r) { r.handshake = "none"; });
  }

  delivery_plan plan{spec, clock::now()};
  if (!handshake_ok) plan.abandon();

  // Periodic re-validation (LinkedIn, X), time-scaled like re-deliveries.
  auto policy = req.skip_handshake ? std::nullopt : revalidation(req.platform);
  auto scaled = [&](std::chrono::seconds s) {
    return std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>(static_cast<double>(s.count()) / std::max(req.time_scale, 1e-9)));
  };
  std::optional<time_point> next_check;
  if (policy && handshake_ok) next_check = clock::now() + scaled(policy->interval);
  int consecutive_failures = 0;

  // 2. Deliveries until the plan is done or the job is stopped.
  while (!j.stop.load()) {
    auto now = clock::now();
    if (next_check && now >= *next_check) {
      bool ok = check_ownership().value_or(true);
      consecutive_failures = ok ? 0 : consecutive_failures + 1;
      bool block = consecutive_failures >= policy->failures_to_block;
      update([&](job_report& r) {
        ++r.revalidations;
        if (!ok) ++r.revalidation_failures;
        r.blocked = block;
      });
      if (block) {
        adbatch::log().warn("webhook sender {} blocks {} after {} failed re-validations",
                            j.rep.id, req.target_url, consecutive_failures);
        plan.abandon();
        break;
      }
      next_check = clock::now() + scaled(ok ? policy->interval : policy->retry_interval);
    }
    for (auto& a : plan.take_due(now)) {
      bool bad = a.kind == attempt_kind::bad_signature;
      auto event = make_event(req.platform, req.seed, a.event);
      auto send_unix = unix_now();
      auto body = render_body(event, send_unix);
      auto headers = signature_headers(req.platform, bad ? req.secret + "-wrong" : req.secret,
                                       body, send_unix);
      if (req.platform == source::twitter) headers.emplace_back("Content-Type", "application/json; charset=utf-8");
      auto res = client.post(req.target_url, body, "application/json", headers, req.timeout);
      bool ack = res.ok() && res->status >= 200 && res->status < 300;
      plan.record(a, ack, clock::now());
      update([&](job_report& r) {
        ++r.statuses[res.ok() ? res->status : 0];
        if (!res.ok()) r.last_error = res.error().message;
        r.counts = plan.counts();
      });
      if (j.stop.load()) break;
    }
    auto next = plan.next_due();
    if (!next) break;
    if (next_check) next = std::min(*next, *next_check);
    // Sleep until the next attempt, in short steps so stop() is noticed.
    std::this_thread::sleep_until(std::min(*next, clock::now() + std::chrono::milliseconds{50}));
  }
  if (j.stop.load()) plan.abandon();
  update([&](job_report& r) {
    r.counts = plan.counts();
    r.done = true;
  });
}

std::optional<job_report> webhook_sender::report(std::uint64_t id) const {
  std::lock_guard lock{mutex_};
  for (auto& j : jobs_)
    if (j->rep.id == id) return j->rep;
  return std::nullopt;
}

std::vector<job_report> webhook_sender::reports() const {
  std::lock_guard lock{mutex_};
  std::vector<job_report> out;
  for (auto& j : jobs_) out.push_back(j->rep);
  return out;
}

bool webhook_sender::wait(std::uint64_t id, std::chrono::milliseconds timeout) const {
  std::unique_lock lock{mutex_};
  return changed_.wait_for(lock, timeout, [&] {
    for (auto& j : jobs_)
      if (j->rep.id == id) return j->rep.done;
    return true;  // unknown id: nothing to wait for
  });
}

void webhook_sender::stop_all() {
  std::lock_guard lock{mutex_};
  for (auto& j : jobs_) j->stop.store(true);
}

} // namespace adbatch::sim::webhooks
