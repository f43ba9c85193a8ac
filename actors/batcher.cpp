#include "actors/batcher.hpp"

#include "actors/error.hpp"
#include "common/logger.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <caf/stateful_actor.hpp>
#include <limits>
#include <set>

namespace adbatch {

namespace {

namespace pl = platforms;
namespace ps = persistence;
using namespace std::chrono_literals;
using self_pointer = batcher_actor::stateful_pointer<batcher_state>;

std::string_view platform_name(const batcher_state& st) {
  return pl::name_of(st.cfg.platform);
}

template <class Duration>
std::int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

pl::upstream_reply to_reply(upstream_answer&& a) {
  pl::upstream_reply r;
  r.status = a.status;
  r.headers = std::move(a.headers);
  r.body = std::move(a.body);
  if (!a.transport_error.empty())
    r.transport_error = std::move(a.transport_error);
  r.maybe_delivered = a.maybe_delivered;
  return r;
}

void add(flush_summary& into, const flush_summary& x) {
  into.processed += x.processed;
  into.success += x.success;
  into.failed += x.failed;
  into.retrying += x.retrying;
  into.deferred += x.deferred;
  into.ambiguous += x.ambiguous;
  into.rounds += x.rounds;
  into.calls += x.calls;
  into.quota_units += x.quota_units;
}

void start_next_flush(self_pointer self);
void run_round(self_pointer self);
void pump_calls(self_pointer self);
void finish_round(self_pointer self);

/// Queues a flush; starts it if none runs.
void request_flush(
    self_pointer self, std::int32_t limit, bool scheduled,
    std::optional<caf::typed_response_promise<flush_summary>> promise) {
  auto& st = self->state;
  // Scheduled (timer or early) flushes merge: one waiting is enough, since
  // it runs until the queue is empty or the budget is spent.
  if (scheduled)
    for (auto& w : st.waiting)
      if (w.scheduled) return;
  batcher_state::flush_job job;
  job.limit = std::max<std::int32_t>(0, limit);
  job.scheduled = scheduled;
  if (promise) job.promises.push_back(std::move(*promise));
  st.waiting.push_back(std::move(job));
  if (!st.current) start_next_flush(self);
}

void start_next_flush(self_pointer self) {
  auto& st = self->state;
  if (st.current || st.waiting.empty()) return;
  st.current = std::move(st.waiting.front());
  st.waiting.pop_front();
  st.queued_since_flush = 0;
  ++st.flushes;
  run_round(self);
}

void finish_flush(self_pointer self, const caf::error& err = {}) {
  auto& st = self->state;
  auto job = std::move(*st.current);
  st.current.reset();
  add(st.totals, job.summary);
  if (job.summary.processed > 0 || err)
    log().info("batcher {} flushed: {} processed, {} succeeded, {} failed, "
               "{} retrying, {} deferred, {} ambiguous in {} rounds, {} calls, "
               "{} units{}",
               platform_name(st), job.summary.processed, job.summary.success,
               job.summary.failed, job.summary.retrying, job.summary.deferred,
               job.summary.ambiguous, job.summary.rounds, job.summary.calls,
               job.summary.quota_units,
               err ? " (stopped: " + render(err) + ")" : std::string{});
  for (auto& rp : job.promises) {
    if (err && job.summary.processed == 0)
      rp.deliver(err);
    else
      rp.deliver(job.summary);
  }
  start_next_flush(self);
}

/// Parses the claimed rows into the planner's input; rows whose params are
/// not a JSON object (cannot happen after enqueue validation) fail at once.
void load_requests(batcher_state::round& r) {
  for (auto& c : r.claim.requests) {
    pl::queued_request q;
    q.id = c.id;
    q.org_id = c.org_id;
    q.connection_id = c.connection_id;
    q.request_type = c.request_type;
    q.priority = c.priority;
    q.attempts = c.attempts;
    q.max_attempts = c.max_attempts;
    boost::system::error_code ec;
    auto v = boost::json::parse(c.params, ec);
    if (ec || !v.is_object()) {
      r.outcomes.push_back({c.id,
                            pl::outcome_kind::permanent,
                            {},
                            "invalid_params",
                            "params are not a JSON object",
                            std::nullopt});
      continue;
    }
    q.params = std::move(v.as_object());
    if (!c.progress.empty()) {
      // Stored by save_progress from a split() answer: always an object.
      auto pv = boost::json::parse(c.progress, ec);
      if (!ec && pv.is_object()) q.progress = std::move(pv.as_object());
    }
    r.requests.push_back(std::move(q));
  }
}

/// Plans the round once every connection's credential is known.
void plan_round(self_pointer self) {
  auto& st = self->state;
  auto& r = *st.active;
  r.ctx.now = std::chrono::system_clock::now();
  r.ctx.settings = st.cfg.settings;
  pl::plan p;
  try {
    p = st.adapter->make_plan(r.requests, r.ctx);
  } catch (const std::exception& e) {
    // A planner bug must not take the actor (and its claimed rows' leases)
    // down: every request of the round is retried with backoff.
    log().error("batcher {}: the planner failed: {}", platform_name(st),
                e.what());
    p = pl::plan{};
    for (auto& q : r.requests)
      p.rejected.push_back({q.id,
                            pl::outcome_kind::transient,
                            {},
                            "internal",
                            "the planner failed on this round",
                            std::nullopt});
  }
  for (auto& o : p.rejected)
    r.outcomes.push_back(std::move(o));
  r.calls.reserve(p.calls.size());
  for (auto& c : p.calls)
    r.calls.push_back({std::move(c), false, false});
  if (r.calls.empty()) {
    finish_round(self);
    return;
  }
  pump_calls(self);
}

/// Asks storage for every connection's credential (cross-org lookup; the
/// token opened from its sealed copy or resolved from its reference), then
/// plans.
void load_credentials(self_pointer self) {
  auto& st = self->state;
  auto& r = *st.active;
  std::set<std::string> ids;
  for (auto& q : r.requests)
    ids.insert(q.connection_id);
  if (ids.empty()) {
    plan_round(self);
    return;
  }
  auto pending = std::make_shared<std::size_t>(ids.size());
  auto round_id = r.id;
  for (auto& id : ids) {
    auto done = [self, pending, round_id] {
      if (--*pending == 0 && self->state.active &&
          self->state.active->id == round_id)
        plan_round(self);
    };
    self->request(st.storage, st.cfg.storage_timeout, atom::credential::value,
                  id)
        .then(
            [self, round_id, done](connection_secret& secret) {
              auto& st = self->state;
              if (!st.active || st.active->id != round_id) return;
              auto& conn = secret.connection;
              pl::connection_credential cred;
              cred.connection_id = conn.connection_id;
              cred.org_id = conn.org_id;
              cred.token = std::move(secret.token);
              boost::system::error_code ec;
              auto v = boost::json::parse(conn.account_ids, ec);
              if (!ec && v.is_object())
                cred.account_ids = std::move(v.as_object());
              st.active->ctx.credentials[conn.connection_id] = std::move(cred);
              done();
            },
            [self, round_id, id, done](caf::error& err) {
              // Unknown connection: its requests get no credential and the
              // adapter rejects them (missing_token); storage down: same, and
              // the requests retry with backoff.
              auto& st = self->state;
              if (st.active && st.active->id == round_id)
                log().warn("batcher {} cannot load connection {}: {}",
                           platform_name(st), id, render(err));
              done();
            });
  }
}

void run_round(self_pointer self) {
  auto& st = self->state;
  auto& job = *st.current;
  auto left = static_cast<std::int64_t>(job.limit) - job.handled;
  if (left <= 0) {
    finish_flush(self);
    return;
  }
  auto n = static_cast<std::int32_t>(
      std::min<std::int64_t>(left, st.cfg.max_requests_per_flush));
  st.active.emplace();
  auto& r = *st.active;
  r.id = st.next_round_id++;
  r.claimed_limit = n;
  r.started_at = std::chrono::system_clock::now();
  auto round_id = r.id;
  self->request(st.storage, st.cfg.storage_timeout, atom::claim::value,
                st.cfg.platform, n, st.cfg.lease, st.owner)
      .then(
          [self, round_id](ps::claim_result& claim) {
            auto& st = self->state;
            if (!st.active || st.active->id != round_id) return;
            if (claim.requests.empty()) {
              st.active.reset();
              finish_flush(self);
              return;
            }
            st.active->claim = std::move(claim);
            load_requests(*st.active);
            load_credentials(self);
          },
          [self, round_id](caf::error& err) {
            auto& st = self->state;
            if (!st.active || st.active->id != round_id) return;
            log().warn("batcher {} cannot claim: {}", platform_name(st),
                       render(err));
            st.active.reset();
            finish_flush(self, err);
          });
}

/// Records the outcomes of every request a call serves as `kind`.
void outcome_for_call(batcher_state::round& r, const pl::upstream_call& call,
                      pl::outcome_kind kind, std::string code,
                      std::string message,
                      std::optional<std::chrono::milliseconds> after) {
  for (auto id : call.serves)
    r.outcomes.push_back({id, kind, {}, code, message, after});
}

void send_call(self_pointer self, std::size_t index) {
  auto& st = self->state;
  auto& r = *st.active;
  auto& slot = r.calls[index];
  slot.sent = true;
  outbound_call out;
  out.method = slot.call.method;
  out.url =
      (slot.call.base_url.empty() ? st.cfg.base_url : slot.call.base_url) +
      slot.call.target;
  out.headers = slot.call.headers;
  out.body = slot.call.body;
  out.timeout = st.cfg.call_timeout;
  out.label = slot.call.label;
  ++r.calls_made;
  auto handle = caf::actor_cast<batcher_actor>(self);
  auto round_id = r.id;
  st.sender(std::move(out), [handle, round_id, index](upstream_answer a) {
    caf::anon_send(handle, atom::upstream_done::value, round_id,
                   static_cast<std::uint64_t>(index), std::move(a));
  });
}

void call_finished(self_pointer self) {
  auto& r = *self->state.active;
  ++r.answered;
  --r.in_flight;
  if (r.answered == r.calls.size())
    finish_round(self);
  else
    pump_calls(self);
}

/// Asks the budget for the next calls while fewer than max_in_flight are
/// out.
void pump_calls(self_pointer self) {
  auto& st = self->state;
  auto& r = *st.active;
  while (r.in_flight < st.cfg.max_in_flight && r.next_call < r.calls.size()) {
    auto index = r.next_call++;
    ++r.in_flight;
    const auto& call = r.calls[index].call;
    auto round_id = r.id;
    self->request(st.limiter, st.cfg.storage_timeout, atom::acquire::value,
                  call.scope, call.quota_units, st.cfg.max_rate_wait)
        .then(
            [self, round_id, index](rate_grant g) {
              auto& st = self->state;
              if (!st.active || st.active->id != round_id) return;
              auto& r = *st.active;
              if (!g.granted) {
                // The budget is spent for longer than a flush waits: back to
                // the queue without spending an attempt, due when it refills.
                r.rate_limit_hit = true;
                auto after =
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        g.wait);
                outcome_for_call(r, r.calls[index].call,
                                 pl::outcome_kind::throttled, "rate_budget",
                                 "the platform's rate budget is spent", after);
                r.calls[index].done = true;
                call_finished(self);
                return;
              }
              if (g.wait > caf::timespan{0})
                self->delayed_send(self, g.wait, atom::go::value, round_id,
                                   static_cast<std::uint64_t>(index));
              else
                send_call(self, index);
            },
            [self, round_id, index](caf::error& err) {
              auto& st = self->state;
              if (!st.active || st.active->id != round_id) return;
              auto& r = *st.active;
              outcome_for_call(r, r.calls[index].call,
                               pl::outcome_kind::not_attempted, "rate_limiter",
                               "rate limiter unavailable: " + render(err),
                               std::chrono::milliseconds{1000});
              r.calls[index].done = true;
              call_finished(self);
            });
  }
}

/// An upstream error message as stored and logged: the platform's text may
/// echo what it was sent, so no connection token of the round may appear
/// in it (defence in depth: adapters never put one there), and it is kept
/// short.
std::string scrub_message(const batcher_state::round& r, std::string msg) {
  constexpr std::size_t limit = 1000;
  for (const auto& [_, cred] : r.ctx.credentials) {
    if (cred.token.size() < 8) continue; // too short to be a real secret
    constexpr std::string_view mark = "[redacted]";
    for (auto pos = msg.find(cred.token); pos != std::string::npos;
         pos = msg.find(cred.token, pos + mark.size()))
      msg.replace(pos, cred.token.size(), mark);
  }
  if (msg.size() > limit) {
    // Cut on a UTF-8 character boundary (PostgreSQL refuses a broken one).
    auto cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(msg[cut]) & 0xC0) == 0x80)
      --cut;
    msg.resize(cut);
    msg += "...";
  }
  return msg;
}

/// Applies a split: checks that each served request got exactly one
/// outcome (a missing one is a bug in the splitter: retried, not lost).
void absorb_split(batcher_state& st, batcher_state::round& r,
                  const pl::upstream_call& call, pl::split_result&& s) {
  std::set<std::int64_t> served(call.serves.begin(), call.serves.end());
  for (auto& o : s.outcomes) {
    if (served.erase(o.request_id) == 0) continue; // not ours or twice
    if (o.kind != pl::outcome_kind::completed &&
        o.kind != pl::outcome_kind::waiting)
      o.error_message = scrub_message(r, std::move(o.error_message));
    if (o.kind == pl::outcome_kind::throttled) r.rate_limit_hit = true;
    if (o.kind != pl::outcome_kind::completed && r.errors.size() < 5)
      r.errors.push_back(o.error_code + ": " + o.error_message);
    r.outcomes.push_back(std::move(o));
  }
  for (auto id : served) {
    log().error("batcher {} got no outcome for request {} from the splitter",
                pl::name_of(st.cfg.platform), id);
    r.outcomes.push_back({id,
                          pl::outcome_kind::transient,
                          {},
                          "internal",
                          "no result for this request in the reply",
                          std::nullopt});
  }
  r.units_spent += s.units_spent;
  for (auto& sig : s.signals) {
    if (sig.throttled) r.rate_limit_hit = true;
    if (sig.remaining)
      r.rate_remaining = r.rate_remaining
                             ? std::min(*r.rate_remaining, *sig.remaining)
                             : *sig.remaining;
  }
}

/// Stores every outcome and the execution-log row, then goes on.
void finish_round(self_pointer self) {
  auto& st = self->state;
  auto& r = *st.active;
  std::map<std::int64_t, const ps::claimed_request*> by_id;
  for (auto& c : r.claim.requests)
    by_id[c.id] = &c;
  // A claimed request the plan forgot (an adapter bug) is retried, not left
  // to wait for its lease.
  {
    std::set<std::int64_t> seen;
    for (auto& o : r.outcomes)
      seen.insert(o.request_id);
    for (auto& c : r.claim.requests)
      if (!seen.count(c.id)) {
        log().error("batcher {} planned no call for request {}",
                    platform_name(st), c.id);
        r.outcomes.push_back({c.id,
                              pl::outcome_kind::transient,
                              {},
                              "internal",
                              "the request was not planned",
                              std::nullopt});
      }
  }
  std::vector<ps::completion> completions;
  std::vector<ps::failure> failures;
  std::map<std::int64_t, std::vector<ps::request_id>> releases; // by delay ms
  std::vector<ps::progress_update> progress;
  flush_summary s;
  s.rounds = 1;
  s.processed = static_cast<std::int64_t>(r.claim.requests.size());
  s.calls = r.calls_made;
  s.quota_units = r.units_spent;
  std::int64_t skipped = 0;
  for (auto& o : r.outcomes) {
    auto it = by_id.find(o.request_id);
    if (it == by_id.end()) continue;
    const auto& claimed = *it->second;
    switch (o.kind) {
    case pl::outcome_kind::completed:
      completions.push_back({o.request_id, o.result_json.empty()
                                               ? std::string{"null"}
                                               : std::move(o.result_json)});
      ++s.success;
      break;
    case pl::outcome_kind::throttled:
    case pl::outcome_kind::not_attempted: {
      auto delay = o.retry_after ? *o.retry_after
                                 : (o.kind == pl::outcome_kind::throttled
                                        ? st.cfg.default_throttle_delay
                                        : std::chrono::milliseconds{0});
      releases[delay.count()].push_back(o.request_id);
      ++s.deferred;
      ++skipped;
      break;
    }
    case pl::outcome_kind::waiting: {
      // A multi-step request goes on in a later round (its job runs
      // upstream meanwhile): nothing blocks this flush on it.
      progress.push_back(
          {o.request_id,
           o.result_json.empty() ? std::string{"{}"} : std::move(o.result_json),
           o.retry_after.value_or(std::chrono::milliseconds{0})});
      ++s.deferred;
      ++skipped;
      break;
    }
    case pl::outcome_kind::transient: {
      ps::failure f{o.request_id, o.error_message, o.error_code, true};
      failures.push_back(std::move(f));
      if (claimed.attempts >= claimed.max_attempts)
        ++s.failed;
      else
        ++s.retrying;
      break;
    }
    case pl::outcome_kind::permanent: {
      ps::failure f{o.request_id, o.error_message, o.error_code, false};
      failures.push_back(std::move(f));
      ++s.failed;
      break;
    }
    case pl::outcome_kind::ambiguous: {
      ps::failure f{o.request_id, o.error_message, o.error_code, false};
      f.ambiguous = true;
      failures.push_back(std::move(f));
      ++s.ambiguous;
      break;
    }
    }
  }
  st.current->summary.rounds += s.rounds;
  st.current->summary.processed += s.processed;
  st.current->summary.success += s.success;
  st.current->summary.failed += s.failed;
  st.current->summary.retrying += s.retrying;
  st.current->summary.deferred += s.deferred;
  st.current->summary.ambiguous += s.ambiguous;
  st.current->summary.calls += s.calls;
  st.current->summary.quota_units += s.quota_units;
  st.current->handled += s.processed;
  if (st.cfg.log_rounds)
    log().info("batcher {} round {}: {} requests in {} calls, {} units; {} "
               "completed, {} failed, {} retrying, {} deferred, {} ambiguous",
               platform_name(st), r.id, s.processed, s.calls, s.quota_units,
               s.success, s.failed, s.retrying, s.deferred, s.ambiguous);

  // The execution-log row of this round (the claim's batch id joins it to
  // its requests).
  ps::execution_log_row row;
  row.platform = st.cfg.platform;
  row.batch = r.claim.batch;
  row.batch_type = std::string{pl::name_of(st.cfg.platform)} + "_pipeline";
  row.request_count = s.processed;
  row.api_calls_made = s.calls;
  row.quota_units = s.quota_units;
  row.success_count = s.success;
  row.failed_count = s.failed + s.retrying + s.ambiguous;
  row.skipped_count = skipped;
  row.bytes_received = r.bytes;
  row.started_at = r.started_at;
  row.finished_at = std::chrono::system_clock::now();
  row.duration_ms = to_ms(row.finished_at - row.started_at);
  row.rate_limit_hit = r.rate_limit_hit;
  row.rate_limit_remaining = r.rate_remaining;
  if (!r.errors.empty()) {
    boost::json::array errs;
    for (auto& e : r.errors)
      errs.emplace_back(e);
    row.errors_json = boost::json::serialize(errs);
  }

  auto round_id = r.id;
  auto done = [self, round_id] {
    auto& st = self->state;
    if (!st.active || st.active->id != round_id) return;
    if (--st.active->writes_pending > 0) return;
    auto& r = *st.active;
    // Go on while the claim came back full (more may be due) and the
    // budget did not run out.
    bool more =
        static_cast<std::int32_t>(r.claim.requests.size()) >= r.claimed_limit &&
        !r.rate_limit_hit;
    st.active.reset();
    if (more)
      run_round(self);
    else
      finish_flush(self);
  };
  auto on_error = [self, round_id, done](const char* what) {
    return [self, round_id, done, what](caf::error& err) {
      // The requests keep their lease and return to the queue when it
      // expires; nothing is lost.
      log().error("batcher {} cannot store {} of round {}: {}",
                  platform_name(self->state), what, round_id, render(err));
      done();
    };
  };
  auto& storage = st.storage;
  auto timeout = st.cfg.storage_timeout;
  r.writes_pending = 1; // the log row
  if (!completions.empty()) ++r.writes_pending;
  if (!failures.empty()) ++r.writes_pending;
  r.writes_pending += releases.size();
  if (!progress.empty()) ++r.writes_pending;
  if (!completions.empty())
    self->request(storage, timeout, atom::complete::value,
                  std::move(completions), st.owner)
        .then([done](ps::batch_outcome&) { done(); }, on_error("results"));
  if (!failures.empty())
    self->request(storage, timeout, atom::fail::value, std::move(failures),
                  st.owner)
        .then([done](ps::batch_outcome&) { done(); }, on_error("failures"));
  for (auto& [delay_ms, ids] : releases)
    self->request(storage, timeout, atom::release::value, std::move(ids),
                  st.owner, caf::timespan{std::chrono::milliseconds{delay_ms}})
        .then([done](ps::batch_outcome&) { done(); }, on_error("releases"));
  if (!progress.empty())
    self->request(storage, timeout, atom::progress::value, std::move(progress),
                  st.owner)
        .then([done](ps::batch_outcome&) { done(); }, on_error("progress"));
  self->request(storage, timeout, atom::exec_log::value, std::move(row))
      .then([done](std::int64_t) { done(); }, on_error("the execution log"));
}

} // namespace

caf::error validate(const batcher_config& cfg) {
  auto bad = [&](const char* what) {
    return make_error(ec::invalid_config,
                      std::string{"batcher "} +
                          std::string{pl::name_of(cfg.platform)} + ": " + what);
  };
  if (cfg.base_url.empty()) return bad("base_url is empty");
  if (cfg.max_requests_per_flush <= 0)
    return bad("max_requests_per_flush must be > 0");
  if (cfg.lease <= caf::timespan{0}) return bad("lease must be > 0");
  if (cfg.max_in_flight == 0) return bad("max_in_flight must be > 0");
  if (cfg.scheduled_flush_limit <= 0)
    return bad("scheduled_flush_limit must be > 0");
  return {};
}

batcher_actor::behavior_type make_batcher(
    batcher_actor::stateful_pointer<batcher_state> self, batcher_config cfg,
    std::shared_ptr<const platforms::platform_adapter> adapter,
    storage_actor storage, rate_limiter_actor limiter, upstream_sender sender) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.adapter = std::move(adapter);
  st.storage = std::move(storage);
  st.limiter = std::move(limiter);
  st.sender = std::move(sender);
  // A new owner per incarnation: a restarted batcher cannot complete the
  // requests its predecessor claimed; they return when the lease expires.
  st.owner = st.cfg.owner + "/" + std::string{pl::name_of(st.cfg.platform)} +
             "/" + std::to_string(self->id());
  if (st.cfg.flush_interval > caf::timespan{0})
    self->delayed_send(self, st.cfg.flush_interval, atom::tick::value,
                       st.timer_generation);
  // Early flushes: storage tells us about every commit of new requests.
  self->send(st.storage, atom::subscribe::value,
             caf::actor_cast<caf::actor>(self));
  // Storage is what we work through: when it goes, we go too, and the
  // supervisor starts us again against the new one (and we subscribe again).
  self->monitor(st.storage);
  self->set_down_handler([self](const caf::down_msg& msg) {
    if (msg.source == self->state.storage.address())
      self->quit(make_error(
          ec::storage_unavailable,
          "batcher " + std::string{pl::name_of(self->state.cfg.platform)} +
              " lost the storage actor"));
  });
  return {
      [self](atom::flush, std::int32_t limit) -> caf::result<flush_summary> {
        auto rp = self->make_response_promise<flush_summary>();
        request_flush(self, limit, false, rp);
        return rp;
      },
      [self](atom::queued, persistence::ad_platform p,
             std::int32_t min_priority, std::int64_t rows) {
        auto& st = self->state;
        if (p != st.cfg.platform) return;
        st.queued_since_flush += rows;
        if (min_priority <= st.cfg.urgent_priority ||
            st.queued_since_flush >= st.cfg.max_requests_per_flush)
          request_flush(self, st.cfg.scheduled_flush_limit, true, std::nullopt);
      },
      [self](atom::status) -> batcher_status {
        auto& st = self->state;
        batcher_status out;
        out.platform = std::string{pl::name_of(st.cfg.platform)};
        out.flushing = st.current.has_value();
        out.flushes = st.flushes;
        out.queued_since_flush = st.queued_since_flush;
        out.flush_interval = st.cfg.flush_interval;
        out.totals = st.totals;
        return out;
      },
      [](atom::ping) { return caf::ok_atom::value; },
      [self](atom::tick, std::uint64_t generation) {
        auto& st = self->state;
        if (generation != st.timer_generation) return;
        // Re-armed first: the cadence does not drift with the flush's length.
        self->delayed_send(self, st.cfg.flush_interval, atom::tick::value,
                           st.timer_generation);
        request_flush(self, st.cfg.scheduled_flush_limit, true, std::nullopt);
      },
      [self](atom::upstream_done, std::uint64_t round_id, std::uint64_t index,
             upstream_answer& answer) {
        auto& st = self->state;
        if (!st.active || st.active->id != round_id ||
            index >= st.active->calls.size())
          return;
        auto& r = *st.active;
        auto& slot = r.calls[index];
        if (slot.done) return;
        slot.done = true;
        r.bytes += static_cast<std::int64_t>(answer.body.size());
        auto reply = to_reply(std::move(answer));
        pl::split_result split;
        try {
          split = st.adapter->split(slot.call, reply, r.ctx);
        } catch (const std::exception& e) {
          // An answer the splitter could not read: its requests are retried
          // (absorb_split fills in a transient outcome for each).
          log().error("batcher {}: the reply to '{}' could not be read: {}",
                      platform_name(st), slot.call.label, e.what());
          split = pl::split_result{};
        }
        absorb_split(st, r, slot.call, std::move(split));
        call_finished(self);
      },
      [self](atom::go, std::uint64_t round_id, std::uint64_t index) {
        auto& st = self->state;
        if (!st.active || st.active->id != round_id ||
            index >= st.active->calls.size())
          return;
        if (!st.active->calls[index].sent) send_call(self, index);
      },
  };
}

} // namespace adbatch
