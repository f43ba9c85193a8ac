#include "actors/storage.hpp"

#include "actors/enqueue_grouping.hpp"
#include "actors/error.hpp"
#include "common/logger.hpp"
#include "config/config.hpp"
#include "persistence/validation.hpp"

#include <algorithm>
#include <array>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/weak_intrusive_ptr.hpp>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <iterator>
#include <map>
#include <openssl/crypto.h>
#include <optional>
#include <unordered_set>
#include <utility>

namespace adbatch {

using persistence::backend;
using persistence::error_code;

caf::error validate(const storage_config& cfg) {
  if (cfg.max_queued == 0)
    return make_error(ec::invalid_config, "storage: max_queued must be > 0");
  if (cfg.max_batch == 0)
    return make_error(ec::invalid_config, "storage: max_batch must be > 0");
  if (cfg.queue_timeout <= caf::timespan{0})
    return make_error(ec::invalid_config, "storage: queue_timeout must be > 0");
  if (cfg.tick_interval <= caf::timespan{0})
    return make_error(ec::invalid_config, "storage: tick_interval must be > 0");
  if (cfg.reconnect_min <= caf::timespan{0} ||
      cfg.reconnect_max < cfg.reconnect_min)
    return make_error(ec::invalid_config,
                      "storage: need 0 < reconnect_min <= reconnect_max");
  if (auto c = persistence::token_cipher::create(cfg.token_keys,
                                                 cfg.active_token_key);
      !c)
    return make_error(ec::invalid_config,
                      "storage: token keys: " + c.error().message);
  return {};
}

persistence::result<std::string> resolve_token_ref(const std::string& ref) {
  // config::resolve reads env: from the map it is given: only the one
  // variable the reference names is looked up.
  config::environment env;
  if (ref.rfind("env:", 0) == 0) {
    auto name = ref.substr(4);
    if (const char* v = std::getenv(name.c_str())) env.emplace(name, v);
  }
  auto r = config::resolve(config::secret_ref{ref}, env);
  if (!r)
    return persistence::make_error(error_code::credential_error,
                                   r.error().message);
  return r->value();
}

caf::error to_caf_error(const persistence::db_error& err) {
  switch (err.code) {
  case error_code::invalid_argument:
    return make_error(ec::invalid_argument, err.message);
  case error_code::not_found:
    return make_error(ec::not_found, err.message);
  case error_code::storage_unavailable:
    return make_error(ec::storage_unavailable, err.message);
  case error_code::storage_error:
    return make_error(ec::storage_error, err.message);
  case error_code::conflict:
    return make_error(ec::conflict, err.message);
  case error_code::schema_too_new:
    return make_error(ec::schema_too_new, err.message);
  case error_code::credential_error:
    // An operator must fix the keys or the reference; retrying cannot.
    return make_error(ec::invalid_config, err.message);
  }
  return make_error(ec::storage_error, err.message);
}

bool storage_state::unavailable() const {
  return std::all_of(workers.begin(), workers.end(), [](const auto& w) {
    return w.status == worker_status::down;
  });
}

namespace {

using status = storage_state::worker_status;

/// The error a call gets when the queues are full.
caf::error queue_full_error(const storage_state& st) {
  return make_error(ec::rate_limited, "storage queue is full (" +
                                          std::to_string(st.cfg.max_queued) +
                                          " calls waiting); retry later");
}

bool queue_full(const storage_state& st) {
  return st.enqueues.size() + st.calls.size() >= st.cfg.max_queued;
}

/// The error every call gets while PostgreSQL cannot be reached.
caf::error unavailable_error() {
  return make_error(ec::storage_unavailable,
                    "PostgreSQL is unreachable; storage is reconnecting");
}

/// Runs `fn` and never lets an exception escape a worker thread.
template <class T, class F>
persistence::result<T> guarded(F& fn, backend& db) {
  try {
    return fn(db);
  } catch (const std::exception& e) {
    return persistence::make_error(error_code::storage_error,
                                   std::string{"backend threw: "} + e.what());
  } catch (...) {
    return persistence::make_error(error_code::storage_error,
                                   "backend threw an unknown exception");
  }
}

// -- scheduling
// -----------------------------------------------------------------

void arm_tick(storage_pointer self) {
  auto& st = self->state;
  if (st.tick_armed || (st.enqueues.empty() && st.calls.empty())) return;
  st.tick_armed = true;
  self->delayed_send(self, st.cfg.tick_interval, atom::tick::value);
}

void schedule_dispatch(storage_pointer self) {
  auto& st = self->state;
  if (st.dispatch_pending) return;
  st.dispatch_pending = true;
  // A message to self instead of dispatching right away: every call already
  // in the mailbox joins the queue first, so a burst becomes one batch.
  self->send(self, atom::dispatch::value);
}

/// Submits a job to worker `w` and records how to finish it. The job ends
/// with a job_done message, so the result is handled on the actor's thread.
void submit_job(storage_pointer self, std::size_t w,
                std::function<void(std::unique_ptr<backend>&)> work,
                storage_state::running_job job) {
  auto& st = self->state;
  auto id = st.next_job++;
  job.worker = w;
  st.workers[w].status = job.is_connect ? st.workers[w].status : status::busy;
  st.running.emplace(id, std::move(job));
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  st.exec->submit(
      w, [work = std::move(work), weak, id](std::unique_ptr<backend>& db) {
        work(db);
        if (auto strong = weak.lock())
          caf::anon_send(caf::actor_cast<storage_actor>(strong),
                         atom::job_done::value, static_cast<std::uint64_t>(id));
      });
}

void fail_all_queued(storage_pointer self, const caf::error& err) {
  auto& st = self->state;
  auto enqueues = std::move(st.enqueues);
  auto calls = std::move(st.calls);
  st.enqueues.clear();
  st.calls.clear();
  for (auto& q : enqueues)
    q.promise.deliver(err);
  for (auto& c : calls)
    c.abort(err);
}

void start_connect(storage_pointer self, std::size_t w);

/// Marks worker `w` down and schedules its reconnect after the backoff.
void mark_down(storage_pointer self, std::size_t w) {
  auto& st = self->state;
  auto& slot = st.workers[w];
  slot.status = status::down;
  if (slot.reconnecting) return;
  slot.reconnecting = true;
  if (slot.backoff < st.cfg.reconnect_min) slot.backoff = st.cfg.reconnect_min;
  self->delayed_send(self, slot.backoff, atom::reconnect::value,
                     static_cast<std::uint64_t>(w));
  slot.backoff = std::min(slot.backoff * 2, st.cfg.reconnect_max);
}

/// A worker reported a lost connection: it and every idle worker (whose
/// connections died with the server, most likely) reconnect; if nothing is
/// left, queued calls fail now instead of waiting for their deadline.
void on_connection_lost(storage_pointer self, std::size_t w) {
  auto& st = self->state;
  ++st.counters.connection_losses;
  log().warn("storage loses its PostgreSQL connection (worker {}); "
             "reconnecting with backoff",
             w);
  mark_down(self, w);
  for (std::size_t i = 0; i < st.workers.size(); ++i)
    if (st.workers[i].status == status::idle) mark_down(self, i);
  if (st.unavailable()) fail_all_queued(self, unavailable_error());
}

void dispatch(storage_pointer self);

/// Answers readiness probes once storage can serve (or cannot start).
void settle_ready(storage_pointer self, const caf::error& err) {
  auto waiters = std::move(self->state.ready_waiters);
  self->state.ready_waiters.clear();
  for (auto& rp : waiters) {
    if (err)
      rp.deliver(err);
    else
      rp.deliver(caf::ok_atom::value);
  }
}

void start_connect(storage_pointer self, std::size_t w) {
  auto& st = self->state;
  auto outcome = std::make_shared<std::optional<persistence::db_error>>();
  auto factory = st.connect;
  storage_state::running_job job;
  job.is_connect = true;
  job.finish = [self, w, outcome]() -> bool {
    auto& st = self->state;
    auto& slot = st.workers[w];
    slot.reconnecting = false;
    if (!outcome->has_value()) {
      bool first = !st.ready;
      bool was_down = slot.status == status::down;
      if (was_down) ++st.counters.reconnects;
      slot.status = status::idle;
      slot.backoff = st.cfg.reconnect_min;
      if (first) {
        st.ready = true;
        log().info("storage connects to PostgreSQL");
        settle_ready(self, {});
        // The first connection also ran the migrations (factory); now the
        // other workers may connect.
        for (std::size_t i = 0; i < st.workers.size(); ++i)
          if (i != w && st.workers[i].status == status::starting)
            start_connect(self, i);
      } else if (was_down) {
        log().info("storage reconnects worker {} to PostgreSQL", w);
      }
      dispatch(self);
      return false;
    }
    const auto& err = **outcome;
    if (!st.ready && err.code != error_code::storage_unavailable) {
      // Cannot ever work (bad schema, failed migration, bad config).
      auto cerr = to_caf_error(err);
      log().error("storage cannot start: {}", render(cerr));
      settle_ready(self, cerr);
      fail_all_queued(self, cerr);
      self->quit(cerr);
      return false;
    }
    log().warn("storage cannot connect worker {}: {}", w, err.message);
    slot.status = status::down;
    mark_down(self, w);
    if (st.unavailable()) fail_all_queued(self, unavailable_error());
    return false;
  };
  job.abort = [](const caf::error&) {};
  submit_job(
      self, w,
      [factory, outcome](std::unique_ptr<backend>& db) {
        db.reset(); // close the broken connection before opening a new one
        try {
          auto res = factory();
          if (res.ok())
            db = std::move(res.value());
          else
            *outcome = res.error();
        } catch (const std::exception& e) {
          *outcome =
              persistence::make_error(error_code::storage_error, e.what());
        }
      },
      std::move(job));
}

/// Tells the listeners about the rows a committed enqueue batch inserted
/// (not the de-duplicated ones): one message per platform, with the most
/// urgent priority among its new rows.
void notify_queued(
    storage_pointer self,
    const std::vector<persistence::enqueue_request>& requests,
    const std::vector<persistence::result<persistence::enqueue_result>>&
        results) {
  auto& st = self->state;
  if (st.listeners.empty()) return;
  struct tally {
    std::int32_t min_priority = persistence::max_priority;
    std::int64_t rows = 0;
  };
  std::array<tally, persistence::all_platforms.size()> by_platform{};
  for (std::size_t i = 0; i < results.size() && i < requests.size(); ++i) {
    if (!results[i].ok() || results[i].value().deduplicated) continue;
    auto p = persistence::parse_platform(requests[i].platform);
    if (!p) continue;
    auto& t = by_platform[static_cast<std::size_t>(*p)];
    t.min_priority =
        std::min<std::int32_t>(t.min_priority, requests[i].priority);
    ++t.rows;
  }
  for (auto p : persistence::all_platforms) {
    const auto& t = by_platform[static_cast<std::size_t>(p)];
    if (t.rows == 0) continue;
    for (auto& listener : st.listeners)
      caf::anon_send(listener, atom::queued::value, p, t.min_priority, t.rows);
  }
}

/// Takes the next enqueue batch for an idle worker out of the queue: no
/// unit (org, lane) of a running batch, and a fair share of the queue.
/// Looks at the oldest few batches' worth of the queue only, so a long
/// backlog (up to max_queued) does not make every dispatch walk all of it.
std::vector<storage_state::queued_enqueue>
take_enqueue_batch(storage_state& st, std::size_t workers) {
  std::unordered_set<std::string> busy;
  for (auto& [id, job] : st.running)
    busy.insert(job.units.begin(), job.units.end());
  const std::size_t window =
      std::min(st.enqueues.size(),
               2 * st.cfg.max_batch * std::max<std::size_t>(workers, 1));
  std::vector<grouping_unit> units;
  units.reserve(window);
  for (std::size_t i = 0; i < window; ++i)
    units.push_back(
        grouping_unit{st.enqueues[i].request.org_id, st.enqueues[i].lane});
  auto target = enqueue_batch_target(window, workers, st.cfg.max_batch);
  auto picked = pick_enqueue_batch(units, busy, target, st.cfg.max_batch);
  std::vector<storage_state::queued_enqueue> batch;
  if (picked.empty()) return batch;
  batch.reserve(picked.size());
  // Split the window into the batch and the rest (in order), then put the
  // rest back in front of the unseen tail.
  std::vector<storage_state::queued_enqueue> kept;
  kept.reserve(window - picked.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < window; ++i) {
    if (next < picked.size() && picked[next] == i) {
      batch.push_back(std::move(st.enqueues[i]));
      ++next;
    } else {
      kept.push_back(std::move(st.enqueues[i]));
    }
  }
  st.enqueues.erase(st.enqueues.begin(),
                    st.enqueues.begin() + static_cast<std::ptrdiff_t>(window));
  st.enqueues.insert(st.enqueues.begin(), std::make_move_iterator(kept.begin()),
                     std::make_move_iterator(kept.end()));
  return batch;
}

/// The oldest queued work goes first; enqueues go in groups.
void dispatch(storage_pointer self) {
  auto& st = self->state;
  // Workers that can take work now or when their job ends: each should
  // get its share of the queue.
  std::size_t usable = 0;
  for (auto& w : st.workers)
    usable += w.status == status::idle || w.status == status::busy ? 1 : 0;
  for (std::size_t w = 0; w < st.workers.size(); ++w) {
    if (st.workers[w].status != status::idle) continue;
    if (st.enqueues.empty() && st.calls.empty()) break;
    std::vector<storage_state::queued_enqueue> batch;
    // Enqueues go first when the oldest one is older than the oldest call
    // (or there is no call); when every queued unit is held by a running
    // batch, the worker takes a call instead, or stays idle.
    if (!st.enqueues.empty() &&
        (st.calls.empty() || st.enqueues.front().seq < st.calls.front().seq))
      batch = take_enqueue_batch(st, usable);
    if (!batch.empty()) {
      auto n = batch.size();
      auto requests =
          std::make_shared<std::vector<persistence::enqueue_request>>();
      requests->reserve(n);
      auto promises = std::make_shared<std::vector<
          caf::typed_response_promise<persistence::enqueue_result>>>();
      promises->reserve(n);
      std::unordered_set<std::string> units;
      for (auto& q : batch) {
        units.insert(unit_key(q.request.org_id, q.lane));
        requests->push_back(std::move(q.request));
        promises->push_back(std::move(q.promise));
      }
      ++st.counters.batches;
      st.counters.batched_requests += n;
      st.counters.largest_batch = std::max(st.counters.largest_batch, n);
      auto results = std::make_shared<
          std::vector<persistence::result<persistence::enqueue_result>>>();
      storage_state::running_job job;
      job.units.assign(units.begin(), units.end());
      job.finish = [self, requests, promises, results]() -> bool {
        bool lost = false;
        if (results->size() != promises->size()) {
          // Also covers a null backend (the job never ran).
          for (auto& rp : *promises)
            rp.deliver(unavailable_error());
          return true;
        }
        for (std::size_t i = 0; i < promises->size(); ++i) {
          auto& r = (*results)[i];
          if (r.ok()) {
            (*promises)[i].deliver(r.value());
          } else {
            lost = lost || r.error().code == error_code::storage_unavailable;
            (*promises)[i].deliver(to_caf_error(r.error()));
          }
        }
        notify_queued(self, *requests, *results);
        return lost;
      };
      job.abort = [promises](const caf::error& err) {
        for (auto& rp : *promises)
          rp.deliver(err);
      };
      submit_job(
          self, w,
          [requests, results](std::unique_ptr<backend>& db) {
            if (!db) return;
            try {
              *results = db->enqueue_batch(*requests);
            } catch (const std::exception& e) {
              results->assign(
                  requests->size(),
                  persistence::make_error(error_code::storage_error, e.what()));
            }
          },
          std::move(job));
    } else if (!st.calls.empty()) {
      auto call = std::move(st.calls.front());
      st.calls.pop_front();
      storage_state::running_job job;
      job.finish = std::move(call.finish);
      job.abort = std::move(call.abort);
      submit_job(
          self, w,
          [run = std::move(call.run)](std::unique_ptr<backend>& db) {
            if (db) run(*db);
          },
          std::move(job));
    }
  }
  arm_tick(self);
}

/// Queues a generic call. `fn(backend&) -> persistence::result<R>`;
/// the caller gets `conv(R)`.
template <class T, class R, class F, class Conv>
caf::typed_response_promise<T> enqueue_call(storage_pointer self, F fn,
                                            Conv conv) {
  auto& st = self->state;
  auto rp = self->template make_response_promise<T>();
  if (st.unavailable()) {
    rp.deliver(unavailable_error());
    return rp;
  }
  if (queue_full(st)) {
    rp.deliver(queue_full_error(st));
    return rp;
  }
  auto slot = std::make_shared<std::optional<persistence::result<R>>>();
  storage_state::queued_call call;
  call.seq = st.next_seq++;
  call.deadline = self->clock().now() + st.cfg.queue_timeout;
  call.run = [fn = std::move(fn), slot](backend& db) mutable {
    slot->emplace(guarded<R>(fn, db));
  };
  call.finish = [rp, slot, conv]() mutable -> bool {
    if (!slot->has_value()) {
      rp.deliver(unavailable_error());
      return true;
    }
    auto& res = **slot;
    if (!res.ok()) {
      rp.deliver(to_caf_error(res.error()));
      return res.error().code == error_code::storage_unavailable;
    }
    rp.deliver(conv(std::move(res.value())));
    return false;
  };
  call.abort = [rp](const caf::error& err) mutable { rp.deliver(err); };
  st.calls.push_back(std::move(call));
  schedule_dispatch(self);
  return rp;
}

template <class T, class F>
caf::typed_response_promise<T> call(storage_pointer self, F fn) {
  return enqueue_call<T, T>(self, std::move(fn),
                            [](T&& x) -> T { return std::move(x); });
}

/// For backend calls answering result<void>: the caller gets ok.
template <class F>
caf::typed_response_promise<caf::ok_atom> call_ok(storage_pointer self, F fn) {
  auto wrapped = [fn = std::move(fn)](
                     backend& db) mutable -> persistence::result<caf::ok_atom> {
    auto res = fn(db);
    if (!res.ok()) return res.error();
    return caf::ok_atom::value;
  };
  return call<caf::ok_atom>(self, std::move(wrapped));
}

template <class Rep, class Period>
std::chrono::milliseconds to_ms(std::chrono::duration<Rep, Period> d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

void on_job_done(storage_pointer self, std::uint64_t id) {
  auto& st = self->state;
  auto i = st.running.find(id);
  if (i == st.running.end()) return;
  auto job = std::move(i->second);
  st.running.erase(i);
  if (job.is_connect) {
    job.finish();
    return;
  }
  bool lost = job.finish();
  if (lost) {
    on_connection_lost(self, job.worker);
  } else {
    st.workers[job.worker].status = status::idle;
  }
  dispatch(self);
}

void on_tick(storage_pointer self) {
  auto& st = self->state;
  st.tick_armed = false;
  auto now = self->clock().now();
  auto err = make_error(ec::timeout, "storage call waited longer than "
                                     "queue_timeout for a connection");
  // Queues are in arrival order and share one timeout, so the expired ones
  // are at the front.
  while (!st.enqueues.empty() && st.enqueues.front().deadline <= now) {
    st.enqueues.front().promise.deliver(err);
    st.enqueues.pop_front();
    ++st.counters.timeouts;
  }
  while (!st.calls.empty() && st.calls.front().deadline <= now) {
    st.calls.front().abort(err);
    st.calls.pop_front();
    ++st.counters.timeouts;
  }
  arm_tick(self);
}

void on_shutdown(storage_pointer self, const caf::error& reason) {
  auto& st = self->state;
  auto err = make_error(ec::shutting_down, "storage stops");
  fail_all_queued(self, err);
  // Jobs on workers may still commit; their callers hear "shutting down"
  // (an error never means "not stored" for sure, see docs/operations.md).
  auto running = std::move(st.running);
  st.running.clear();
  for (auto& [id, job] : running)
    if (!job.is_connect) job.abort(err);
  settle_ready(self, err);
  self->quit(reason);
}

} // namespace

storage_actor::behavior_type
make_storage(storage_pointer self, storage_config cfg, backend_factory connect,
             std::shared_ptr<storage_executor> exec) {
  auto& st = self->state;
  st.cfg = cfg;
  if (auto cipher = persistence::token_cipher::create(cfg.token_keys,
                                                      cfg.active_token_key))
    st.cipher =
        std::make_shared<const persistence::token_cipher>(std::move(*cipher));
  else {
    // validate() refuses such a config; without it, storing tokens fails.
    log().error("storage cannot use its token keys: {}",
                cipher.error().message);
    st.cipher = std::make_shared<const persistence::token_cipher>();
  }
  // The keys live in the cipher only.
  for (auto& [id, key] : st.cfg.token_keys)
    OPENSSL_cleanse(key.data(), key.size());
  st.cfg.token_keys.clear();
  if (!st.cfg.resolve_ref) st.cfg.resolve_ref = resolve_token_ref;
  st.connect = std::move(connect);
  st.exec = std::move(exec);
  st.workers.resize(st.exec->size());
  for (auto& w : st.workers)
    w.backoff = st.cfg.reconnect_min;
  self->set_exit_handler(
      [self](const caf::exit_msg& msg) { on_shutdown(self, msg.reason); });
  // A listener that terminates stops being told about enqueues.
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& ls = self->state.listeners;
    ls.erase(std::remove_if(ls.begin(), ls.end(),
                            [&](const caf::actor& l) {
                              return l.address() == msg.source;
                            }),
             ls.end());
  });
  // Only the first worker connects now: its connection runs the migrations;
  // the others follow once it succeeded.
  if (!st.workers.empty()) start_connect(self, 0);
  return {
      [self](atom::enqueue, persistence::enqueue_request& req)
          -> caf::result<persistence::enqueue_result> {
        auto& st = self->state;
        auto rp = self->make_response_promise<persistence::enqueue_result>();
        if (st.unavailable()) {
          rp.deliver(unavailable_error());
          return rp;
        }
        if (queue_full(st)) {
          rp.deliver(queue_full_error(st));
          return rp;
        }
        storage_state::queued_enqueue q;
        q.seq = st.next_seq++;
        q.deadline = self->clock().now() + st.cfg.queue_timeout;
        q.lane = enqueue_lane(req.connection_id, req.request_type, req.params,
                              static_cast<std::uint32_t>(st.workers.size()));
        q.request = std::move(req);
        q.promise = rp;
        st.enqueues.push_back(std::move(q));
        schedule_dispatch(self);
        return rp;
      },
      [self](atom::get, const std::string& org, persistence::request_id id)
          -> caf::result<persistence::request_view> {
        return call<persistence::request_view>(
            self, [org, id](backend& db) { return db.get_request(org, id); });
      },
      [self](atom::cancel, const std::string& org,
             persistence::request_id id) -> caf::result<caf::ok_atom> {
        return call_ok(self,
                       [org, id](backend& db) { return db.cancel(org, id); });
      },
      [self](atom::cancel_conn, const std::string& org, const std::string& conn,
             const std::string& reason) -> caf::result<std::int64_t> {
        return call<std::int64_t>(self, [org, conn, reason](backend& db) {
          return db.cancel_connection(org, conn, reason);
        });
      },
      [self](atom::stats, const std::string& org)
          -> caf::result<std::vector<persistence::queue_stats>> {
        return call<std::vector<persistence::queue_stats>>(
            self, [org](backend& db) { return db.org_stats(org); });
      },
      [self](atom::stats, persistence::ad_platform p)
          -> caf::result<persistence::queue_stats> {
        return call<persistence::queue_stats>(
            self, [p](backend& db) { return db.stats(p); });
      },
      [self](
          atom::stats) -> caf::result<std::vector<persistence::queue_stats>> {
        return call<std::vector<persistence::queue_stats>>(
            self, [](backend& db) { return db.stats_all(); });
      },
      [self](atom::claim, persistence::ad_platform p, std::int32_t limit,
             caf::timespan lease, const std::string& owner)
          -> caf::result<persistence::claim_result> {
        return call<persistence::claim_result>(
            self, [p, limit, lease, owner](backend& db) {
              return db.claim(p, limit, to_ms(lease), owner);
            });
      },
      [self](atom::complete, persistence::request_id id,
             const std::string& owner,
             const std::string& result) -> caf::result<caf::ok_atom> {
        return call_ok(self, [id, owner, result](backend& db) {
          return db.complete(id, owner, result);
        });
      },
      [self](
          atom::complete, std::vector<persistence::completion>& items,
          const std::string& owner) -> caf::result<persistence::batch_outcome> {
        return call<persistence::batch_outcome>(
            self, [items = std::move(items), owner](backend& db) {
              return db.complete_many(items, owner);
            });
      },
      [self](atom::fail, persistence::request_id id, const std::string& owner,
             const std::string& error, const std::string& code,
             bool retryable) -> caf::result<persistence::fail_outcome> {
        return call<persistence::fail_outcome>(
            self, [id, owner, error, code, retryable](backend& db) {
              return db.fail(id, owner, error, code, retryable);
            });
      },
      [self](
          atom::fail, std::vector<persistence::failure>& items,
          const std::string& owner) -> caf::result<persistence::batch_outcome> {
        return call<persistence::batch_outcome>(
            self, [items = std::move(items), owner](backend& db) {
              return db.fail_many(items, owner);
            });
      },
      [self](atom::skip, persistence::request_id id, const std::string& owner,
             const std::string& reason) -> caf::result<caf::ok_atom> {
        return call_ok(self, [id, owner, reason](backend& db) {
          return db.skip(id, owner, reason);
        });
      },
      [self](atom::release, std::vector<persistence::request_id>& ids,
             const std::string& owner,
             caf::timespan delay) -> caf::result<persistence::batch_outcome> {
        return call<persistence::batch_outcome>(
            self, [ids = std::move(ids), owner, delay](backend& db) {
              return db.release(ids, owner, to_ms(delay));
            });
      },
      [self](
          atom::progress, std::vector<persistence::progress_update>& items,
          const std::string& owner) -> caf::result<persistence::batch_outcome> {
        return call<persistence::batch_outcome>(
            self, [items = std::move(items), owner](backend& db) {
              return db.save_progress(items, owner);
            });
      },
      [self](atom::requeue, persistence::ad_platform p,
             std::int32_t limit) -> caf::result<std::int64_t> {
        return call<std::int64_t>(self, [p, limit](backend& db) {
          return db.requeue_failed(p, limit);
        });
      },
      [self](atom::prune,
             caf::timespan retention) -> caf::result<std::int64_t> {
        return call<std::int64_t>(self, [retention](backend& db) {
          return db.prune(
              std::chrono::duration_cast<std::chrono::seconds>(retention));
        });
      },
      [self](atom::exec_log,
             persistence::execution_log_row& row) -> caf::result<std::int64_t> {
        return call<std::int64_t>(self, [row = std::move(row)](backend& db) {
          return db.log_execution(row);
        });
      },
      [self](atom::exec_log, persistence::ad_platform p, std::int32_t hours)
          -> caf::result<persistence::execution_summary> {
        return call<persistence::execution_summary>(
            self,
            [p, hours](backend& db) { return db.execution_log(p, hours); });
      },
      [self](atom::conn_add, persistence::platform_connection& conn)
          -> caf::result<caf::ok_atom> {
        return call_ok(self, [conn = std::move(conn)](backend& db) {
          return db.add_connection(conn);
        });
      },
      [self](atom::conn_enable, const std::string& org, const std::string& conn,
             bool enabled) -> caf::result<caf::ok_atom> {
        return call_ok(self, [org, conn, enabled](backend& db) {
          return db.set_connection_enabled(org, conn, enabled);
        });
      },
      [self](atom::conn_get, const std::string& conn)
          -> caf::result<persistence::platform_connection> {
        return call<persistence::platform_connection>(
            self, [conn](backend& db) { return db.get_connection(conn); });
      },
      [self](atom::conn_list, persistence::ad_platform p)
          -> caf::result<std::vector<persistence::platform_connection>> {
        return call<std::vector<persistence::platform_connection>>(
            self, [p](backend& db) { return db.list_connections(p); });
      },
      [self](atom::get, const std::string& org,
             const persistence::request_filter& filter)
          -> caf::result<std::vector<persistence::request_view>> {
        return call<std::vector<persistence::request_view>>(
            self, [org, filter](backend& db) {
              return db.list_requests(org, filter);
            });
      },
      [self](atom::claim, persistence::ad_platform p, std::int32_t limit,
             caf::timespan lease, const std::string& owner,
             const persistence::claim_options& options)
          -> caf::result<persistence::claim_result> {
        return call<persistence::claim_result>(
            self, [p, limit, lease, owner, options](backend& db) {
              return db.claim_filtered(p, limit, to_ms(lease), owner, options);
            });
      },
      [self](atom::reap) -> caf::result<persistence::lease_sweep> {
        return call<persistence::lease_sweep>(
            self, [](backend& db) { return db.reap_expired_leases(); });
      },
      [self](atom::store_event, persistence::webhook_event& event)
          -> caf::result<persistence::store_event_result> {
        return call<persistence::store_event_result>(
            self, [event = std::move(event)](backend& db) {
              return db.store_event(event);
            });
      },
      [self](atom::claim_events, persistence::ad_platform p, std::int32_t limit,
             caf::timespan lease, const std::string& owner)
          -> caf::result<std::vector<persistence::claimed_event>> {
        return call<std::vector<persistence::claimed_event>>(
            self, [p, limit, lease, owner](backend& db) {
              return db.claim_events(p, limit, to_ms(lease), owner);
            });
      },
      [self](atom::finish_event, std::int64_t id, const std::string& owner,
             persistence::webhook_status status, const std::string& org,
             const std::string& conn) -> caf::result<caf::ok_atom> {
        return call_ok(self, [id, owner, status, org, conn](backend& db) {
          auto as_opt = [](const std::string& s) {
            return s.empty() ? std::optional<std::string>{}
                             : std::optional<std::string>{s};
          };
          return db.finish_event(id, owner, status, as_opt(org), as_opt(conn));
        });
      },
      [self](atom::fail_event, std::int64_t id, const std::string& owner,
             const std::string& error, const std::string& code,
             bool retryable) -> caf::result<persistence::event_fail_outcome> {
        return call<persistence::event_fail_outcome>(
            self, [id, owner, error, code, retryable](backend& db) {
              return db.fail_event(id, owner, error, code, retryable);
            });
      },
      [self](atom::prune_events,
             caf::timespan retention) -> caf::result<std::int64_t> {
        return call<std::int64_t>(self, [retention](backend& db) {
          return db.prune_events(
              std::chrono::duration_cast<std::chrono::seconds>(retention));
        });
      },
      [self](atom::status) -> storage_status {
        auto& st = self->state;
        storage_status out;
        out.ready = st.ready;
        out.workers = static_cast<std::uint32_t>(st.workers.size());
        for (auto& w : st.workers)
          if (w.status == status::idle || w.status == status::busy)
            ++out.connected;
        out.queued = st.enqueues.size() + st.calls.size();
        for (auto& [id, job] : st.running)
          if (!job.is_connect) ++out.running;
        out.batches = st.counters.batches;
        out.batched_requests = st.counters.batched_requests;
        out.connection_losses = st.counters.connection_losses;
        out.reconnects = st.counters.reconnects;
        out.timeouts = st.counters.timeouts;
        return out;
      },
      [self](atom::ping) -> caf::result<caf::ok_atom> {
        auto& st = self->state;
        if (st.ready) return caf::ok_atom::value;
        auto rp = self->make_response_promise<caf::ok_atom>();
        st.ready_waiters.push_back(rp);
        return rp;
      },
      [self](atom::token_set, const std::string& org, const std::string& conn,
             platform_token& token) -> caf::result<caf::ok_atom> {
        return call_ok(self,
                       [org, conn, cipher = self->state.cipher,
                        token = std::move(token.value)](
                           backend& db) -> persistence::result<void> {
                         if (!persistence::is_uuid(conn))
                           return persistence::make_error(
                               error_code::invalid_argument,
                               "connection_id '" + conn + "' is not a UUID");
                         // AAD = the connection id: the ciphertext only opens
                         // on this row.
                         auto sealed = cipher->seal(
                             token, persistence::normalize_uuid(conn));
                         if (!sealed) return sealed.error();
                         return db.set_connection_token(org, conn, *sealed);
                       });
      },
      [self](atom::token_clear, const std::string& org,
             const std::string& conn) -> caf::result<caf::ok_atom> {
        return call_ok(self, [org, conn](backend& db) {
          return db.clear_connection_token(org, conn);
        });
      },
      [self](atom::credential,
             const std::string& conn) -> caf::result<connection_secret> {
        return call<connection_secret>(
            self,
            [conn, cipher = self->state.cipher,
             resolve = self->state.cfg.resolve_ref](
                backend& db) -> persistence::result<connection_secret> {
              auto stored = db.get_connection_secret(conn);
              if (!stored) return stored.error();
              connection_secret out;
              out.connection = std::move(stored->connection);
              const auto& id = out.connection.connection_id;
              if (stored->token) {
                auto plain = cipher->open(*stored->token, id);
                if (!plain)
                  return persistence::make_error(error_code::credential_error,
                                                 "connection " + id + ": " +
                                                     plain.error().message);
                out.token = std::move(*plain);
                out.token_source = "stored";
                return out;
              }
              if (!out.connection.token_ref.empty()) {
                // The single-tenant fallback: a reference in the row.
                auto value = resolve(out.connection.token_ref);
                if (!value)
                  return persistence::make_error(
                      error_code::credential_error,
                      "connection " + id + ": token_ref " +
                          out.connection.token_ref + ": " +
                          value.error().message);
                out.token = std::move(*value);
                out.token_source = "reference";
                return out;
              }
              out.token_source = "none";
              return out;
            });
      },
      [self](atom::rotate_keys,
             std::int32_t batch) -> caf::result<persistence::token_rotation> {
        auto cipher = self->state.cipher;
        auto run = [cipher, batch](backend& db)
            -> persistence::result<persistence::token_rotation> {
          if (!cipher->configured())
            return persistence::make_error(
                error_code::invalid_argument,
                "no token encryption key is configured (credentials.keys)");
          return db.rotate_tokens(
              cipher->active_key_id(), batch,
              [&cipher](const std::string& conn,
                        const persistence::sealed_token& old)
                  -> persistence::result<persistence::sealed_token> {
                auto plain = cipher->open(old, conn);
                if (!plain) return plain.error();
                auto fresh = cipher->seal(*plain, conn);
                OPENSSL_cleanse(plain->data(), plain->size());
                return fresh;
              });
        };
        return enqueue_call<persistence::token_rotation,
                            persistence::token_rotation>(
            self, std::move(run),
            [active =
                 cipher->active_key_id()](persistence::token_rotation&& r) {
              log().info("storage re-seals {} connection tokens with key {} "
                         "({} cannot be opened)",
                         r.resealed, active, r.failed);
              for (const auto& why : r.failures)
                log().warn("storage cannot re-seal a token: {}", why);
              return std::move(r);
            });
      },
      [self](atom::subscribe, const caf::actor& listener) {
        auto& ls = self->state.listeners;
        if (!listener || std::find(ls.begin(), ls.end(), listener) != ls.end())
          return;
        ls.push_back(listener);
        self->monitor(listener);
      },
      [self](atom::job_done, std::uint64_t id) { on_job_done(self, id); },
      [self](atom::reconnect, std::uint64_t w) {
        auto& st = self->state;
        if (w < st.workers.size() && st.workers[w].status == status::down)
          start_connect(self, w);
      },
      [self](atom::dispatch) {
        self->state.dispatch_pending = false;
        dispatch(self);
      },
      [self](atom::tick) { on_tick(self); },
  };
}

storage_actor spawn_storage(caf::actor_system& sys, storage_config cfg,
                            backend_factory connect, std::size_t pool_size) {
  std::shared_ptr<storage_executor> exec =
      make_thread_executor(std::max<std::size_t>(pool_size, 1));
  return sys.spawn(make_storage, std::move(cfg), std::move(connect),
                   std::move(exec));
}

} // namespace adbatch
