// The storage actor on the test_coordinator with the in-memory backend:
// grouping of enqueues, error propagation, queue timeouts, connection loss
// and reconnect with backoff, sealed connection tokens and credential
// lookups, enqueue notifications. Deterministic: no sleeps, the test clock
// moves.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "actors/error.hpp"
#include "actors/enqueue_grouping.hpp"
#include "actors/storage.hpp"
#include "persistence/memory_backend.hpp"
#include "tests/support/caf_fixture.hpp"

using namespace adbatch;
using namespace std::chrono_literals;
namespace ps = adbatch::persistence;

namespace {

const std::string org = "aaaaaaaa-0000-4000-8000-000000000001";
const std::string conn = "aaaaaaaa-1111-4000-8000-000000000001";
const std::string org_b = "bbbbbbbb-0000-4000-8000-000000000002";
const std::string conn_b = "bbbbbbbb-1111-4000-8000-000000000002";

ps::enqueue_request make_req(int n, int priority = 5) {
  return ps::enqueue_request{org,
                             "meta",
                             conn,
                             "get_campaigns",
                             R"({"n":)" + std::to_string(n) + "}",
                             priority,
                             3};
}

/// The first n >= start whose request (make_req(n) of org A, or make_req_b
/// of org B) falls in `lane` of 2 (the lanes of a 2-worker storage actor).
int n_in_lane(std::uint32_t lane, int start, bool org_b = false) {
  for (int n = start;; ++n)
    if (enqueue_lane(org_b ? conn_b : conn, "get_campaigns",
                     R"({"n":)" + std::to_string(n) + "}", 2)
        == lane)
      return n;
}

ps::enqueue_request make_req_b(int n) {
  auto r = make_req(n);
  r.org_id = org_b;
  r.connection_id = conn_b;
  return r;
}

/// Holds jobs until the test runs them: lets a test keep a worker "busy".
class manual_executor : public storage_executor {
public:
  explicit manual_executor(std::size_t n) : backends_(n) {
  }

  std::size_t size() const override {
    return backends_.size();
  }

  void submit(std::size_t worker, job fn) override {
    jobs_.emplace_back(worker, std::move(fn));
  }

  /// Runs every held job (and the ones they submit); returns how many.
  std::size_t run_all() {
    std::size_t n = 0;
    while (!jobs_.empty()) {
      auto [w, fn] = std::move(jobs_.front());
      jobs_.pop_front();
      fn(backends_[w]);
      ++n;
    }
    return n;
  }

  /// Runs the oldest held job only.
  void run_one() {
    auto [w, fn] = std::move(jobs_.front());
    jobs_.pop_front();
    fn(backends_[w]);
  }

  /// The worker of each held job, oldest first.
  std::vector<std::size_t> held_workers() const {
    std::vector<std::size_t> out;
    for (auto& j : jobs_)
      out.push_back(j.first);
    return out;
  }

  std::size_t pending() const {
    return jobs_.size();
  }

private:
  std::vector<std::unique_ptr<ps::backend>> backends_;
  std::deque<std::pair<std::size_t, job>> jobs_;
};

struct storage_fixture : test::caf_fixture {
  std::shared_ptr<ps::memory_store> store = std::make_shared<ps::memory_store>();
  int connect_calls = 0;
  storage_config cfg;

  storage_fixture() {
    ps::memory_backend admin{store, {}};
    ps::platform_connection c;
    c.connection_id = conn;
    c.org_id = org;
    c.platform = ps::ad_platform::meta;
    REQUIRE(admin.add_connection(c).ok());
    c.connection_id = conn_b;
    c.org_id = org_b;
    REQUIRE(admin.add_connection(c).ok());
    cfg.queue_timeout = 2s;
    cfg.tick_interval = 1s;
  }

  /// Actors to stop at the end: a pending timer (tick, reconnect) holds a
  /// reference, and the system waits for every actor when it shuts down.
  std::vector<storage_actor> spawned;

  ~storage_fixture() {
    for (auto& a : spawned)
      self->send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
  }

  backend_factory factory() {
    return [this]() {
      ++connect_calls;
      return ps::memory_backend::connect(store);
    };
  }

  storage_actor spawn(std::shared_ptr<storage_executor> exec) {
    auto aut = sys.spawn(make_storage, cfg, factory(), std::move(exec));
    spawned.push_back(aut);
    sched.run();
    return aut;
  }

  /// Spawns the actor on `exec` and lets every worker connect (worker 0
  /// first, then the others, as the actor does).
  storage_actor spawn_connected(const std::shared_ptr<manual_executor>& exec) {
    auto aut = spawn(exec);
    while (exec->pending() > 0) {
      exec->run_all();
      sched.run();
    }
    return aut;
  }

  storage_state& state(const storage_actor& aut) {
    return state_of<storage_state, storage_actor::base>(aut);
  }

  /// The next reply in self's mailbox: a T or an error. Fails if none.
  template <class T>
  std::variant<T, caf::error> reply() {
    // Never block: with the test_coordinator a receive timeout would wait
    // for the test clock.
    REQUIRE_FALSE(self->mailbox().empty());
    std::optional<std::variant<T, caf::error>> out;
    self->receive([&](T& x) { out = std::move(x); },
                  [&](caf::error& e) { out = std::move(e); });
    REQUIRE(out.has_value());
    return std::move(*out);
  }

  ps::enqueue_result ok_reply() {
    auto r = reply<ps::enqueue_result>();
    if (auto* e = std::get_if<caf::error>(&r))
      FAIL("unexpected error: " << render(*e));
    return std::get<ps::enqueue_result>(r);
  }

  caf::error error_reply() {
    auto r = reply<ps::enqueue_result>();
    REQUIRE(std::holds_alternative<caf::error>(r));
    return std::get<caf::error>(r);
  }

  bool no_reply() {
    return self->mailbox().empty();
  }

  bool ok_atom_reply() {
    auto r = reply<caf::ok_atom>();
    return std::holds_alternative<caf::ok_atom>(r);
  }
};

} // namespace

TEST_CASE_METHOD(storage_fixture,
                 "enqueues sent together become one batch per idle worker",
                 "[storage]") {
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(2)));
  CHECK(connect_calls == 2);
  constexpr int n = 50;
  for (int i = 0; i < n; ++i)
    self->send(aut, atom::enqueue::value, make_req(i % 40)); // 10 duplicates
  sched.run();
  // One org over two idle workers: one batch per lane, and each repeat in
  // the batch of its original (the 10 repeats are de-duplicated).
  REQUIRE(store->batch_sizes.size() == 2);
  CHECK(store->batch_sizes[0] + store->batch_sizes[1] == n);
  std::set<ps::request_id> ids;
  int dups = 0;
  for (int i = 0; i < n; ++i) {
    auto r = ok_reply();
    ids.insert(r.id);
    dups += r.deduplicated ? 1 : 0;
  }
  CHECK(ids.size() == 40);
  CHECK(dups == 10);
  CHECK(state(aut).counters.batches == 2);
  CHECK(state(aut).counters.largest_batch
        == std::max(store->batch_sizes[0], store->batch_sizes[1]));
}

TEST_CASE_METHOD(storage_fixture,
                 "enqueues arriving while the workers are busy wait and go "
                 "together",
                 "[storage]") {
  auto exec = std::make_shared<manual_executor>(1);
  auto aut = spawn(exec);
  REQUIRE(exec->run_all() == 1); // connect
  sched.run();
  self->send(aut, atom::enqueue::value, make_req(0));
  sched.run(); // dispatched, job held by the executor: worker busy
  REQUIRE(exec->pending() == 1);
  for (int i = 1; i <= 7; ++i)
    self->send(aut, atom::enqueue::value, make_req(i));
  sched.run();
  CHECK(exec->pending() == 1); // the 7 wait for the worker
  CHECK(no_reply());           // nobody is answered before the commit
  exec->run_all();
  sched.run(); // job_done -> replies, next batch dispatched
  CHECK(ok_reply().id == 1);
  REQUIRE(exec->run_all() == 1);
  sched.run();
  CHECK(store->batch_sizes == std::vector<std::size_t>{1, 7});
  for (int i = 2; i <= 8; ++i)
    CHECK(ok_reply().id == i);
}

TEST_CASE_METHOD(storage_fixture,
                 "an invalid request fails alone; its batch still commits",
                 "[storage]") {
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(1)));
  auto bad = make_req(1);
  bad.platform = "myspace";
  self->send(aut, atom::enqueue::value, make_req(0));
  self->send(aut, atom::enqueue::value, bad);
  self->send(aut, atom::enqueue::value, make_req(2));
  sched.run();
  CHECK(ok_reply().id == 1);
  auto err = error_reply();
  CHECK(err == ec::invalid_argument);
  CHECK(render(err).find("myspace") != std::string::npos);
  CHECK(ok_reply().id == 2);
}

TEST_CASE_METHOD(storage_fixture,
                 "a call waiting longer than queue_timeout fails with timeout",
                 "[storage]") {
  auto exec = std::make_shared<manual_executor>(1);
  auto aut = spawn(exec);
  exec->run_all();
  sched.run();
  self->send(aut, atom::enqueue::value, make_req(0)); // occupies the worker
  self->send(aut, atom::stats::value);                // waits behind it
  sched.run();
  sched.advance_time(1s);
  sched.run();
  CHECK(no_reply());
  sched.advance_time(1s); // queue_timeout (2 s) reached
  sched.run();
  auto r = reply<std::vector<ps::queue_stats>>();
  REQUIRE(std::holds_alternative<caf::error>(r));
  CHECK(std::get<caf::error>(r) == ec::timeout);
  exec->run_all(); // the running enqueue still finishes and is answered
  sched.run();
  CHECK(ok_reply().id == 1);
  CHECK(state(aut).counters.timeouts == 1);
}

TEST_CASE_METHOD(storage_fixture,
                 "connection loss: calls fail with storage_unavailable, "
                 "workers reconnect with backoff, work resumes",
                 "[storage]") {
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(2)));
  self->send(aut, atom::enqueue::value, make_req(0));
  sched.run();
  CHECK(ok_reply().id == 1);
  // PostgreSQL goes away: the call in flight fails with a clear error.
  store->set_available(false);
  self->send(aut, atom::enqueue::value, make_req(1));
  sched.run();
  auto err = error_reply();
  CHECK(err == ec::storage_unavailable);
  auto& st = state(aut);
  CHECK(st.unavailable()); // both workers down (the idle one too)
  // While down, new calls fail fast without touching the backend.
  auto batches = store->enqueue_batch_calls.load();
  self->send(aut, atom::enqueue::value, make_req(2));
  self->send(aut, atom::stats::value);
  sched.run();
  CHECK(error_reply() == ec::storage_unavailable);
  auto s = reply<std::vector<ps::queue_stats>>();
  REQUIRE(std::holds_alternative<caf::error>(s));
  CHECK(std::get<caf::error>(s) == ec::storage_unavailable);
  CHECK(store->enqueue_batch_calls.load() == batches);
  // Reconnect attempts: 100 ms, then 200 ms, then 400 ms...
  auto calls = connect_calls;
  sched.advance_time(100ms);
  sched.run();
  CHECK(connect_calls == calls + 2); // both workers tried and failed
  sched.advance_time(199ms);
  sched.run();
  CHECK(connect_calls == calls + 2);
  sched.advance_time(1ms);
  sched.run();
  CHECK(connect_calls == calls + 4);
  // PostgreSQL is back: the next attempt (after 400 ms) succeeds.
  store->set_available(true);
  sched.advance_time(400ms);
  sched.run();
  CHECK(connect_calls == calls + 6);
  CHECK_FALSE(st.unavailable());
  CHECK(st.counters.reconnects == 2);
  self->send(aut, atom::enqueue::value, make_req(3));
  sched.run();
  CHECK(ok_reply().id == 2);
  // Nothing acknowledged was lost; the failed ones were never stored.
  ps::memory_backend check{store, {}};
  auto stats = check.stats(ps::ad_platform::meta);
  REQUIRE(stats.ok());
  CHECK(stats->pending == 2);
}

TEST_CASE_METHOD(storage_fixture, "backoff is capped at reconnect_max",
                 "[storage]") {
  cfg.reconnect_max = 300ms;
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(1)));
  store->set_available(false);
  self->send(aut, atom::stats::value);
  sched.run();
  (void) reply<std::vector<ps::queue_stats>>();
  auto calls = connect_calls;
  sched.advance_time(100ms); // 1st retry
  sched.run();
  sched.advance_time(200ms); // 2nd
  sched.run();
  sched.advance_time(300ms); // 3rd (capped)
  sched.run();
  sched.advance_time(300ms); // 4th (still capped)
  sched.run();
  CHECK(connect_calls == calls + 4);
}

TEST_CASE_METHOD(storage_fixture,
                 "ping answers once the first connection succeeded",
                 "[storage]") {
  store->set_available(false);
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(2)));
  self->send(aut, atom::ping::value);
  sched.run();
  CHECK(no_reply());
  store->set_available(true);
  sched.advance_time(100ms);
  sched.run();
  CHECK(ok_atom_reply());
  CHECK(connect_calls == 3); // worker 0 twice, then worker 1
}

TEST_CASE_METHOD(storage_fixture,
                 "a fatal start error (e.g. schema too new) stops the actor",
                 "[storage]") {
  auto fatal = []() -> ps::result<std::unique_ptr<ps::backend>> {
    return ps::make_error(ps::error_code::schema_too_new, "schema v9 > v3");
  };
  auto aut = sys.spawn(make_storage, cfg, backend_factory{fatal},
                       std::shared_ptr<storage_executor>(
                         make_inline_executor(1)));
  spawned.push_back(aut);
  self->monitor(aut);
  self->send(aut, atom::ping::value);
  sched.run();
  auto ping = reply<caf::ok_atom>();
  REQUIRE(std::holds_alternative<caf::error>(ping));
  CHECK(std::get<caf::error>(ping) == ec::schema_too_new);
  REQUIRE_FALSE(self->mailbox().empty());
  bool down = false;
  self->receive([&](caf::down_msg& m) {
    down = true;
    CHECK(m.reason == ec::schema_too_new);
  });
  CHECK(down);
}

TEST_CASE_METHOD(storage_fixture,
                 "claim, complete and stats through the actor", "[storage]") {
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(2)));
  for (int i = 0; i < 3; ++i)
    self->send(aut, atom::enqueue::value, make_req(i, 9 - i));
  sched.run();
  for (int i = 0; i < 3; ++i)
    (void) ok_reply();
  self->send(aut, atom::claim::value, ps::ad_platform::meta, std::int32_t{2},
             caf::timespan{30s}, std::string{"w1"});
  sched.run();
  auto claimed = reply<ps::claim_result>();
  REQUIRE(std::holds_alternative<ps::claim_result>(claimed));
  auto& cr = std::get<ps::claim_result>(claimed);
  REQUIRE(cr.requests.size() == 2);
  CHECK(cr.requests[0].priority == 7); // most urgent first
  CHECK(cr.requests[1].priority == 8);
  self->send(aut, atom::complete::value, cr.requests[0].id, std::string{"w1"},
             std::string{R"({"ok":true})"});
  self->send(aut, atom::complete::value, cr.requests[1].id,
             std::string{"someone-else"}, std::string{"null"});
  sched.run();
  CHECK(ok_atom_reply());
  auto lost = reply<caf::ok_atom>();
  REQUIRE(std::holds_alternative<caf::error>(lost));
  CHECK(std::get<caf::error>(lost) == ec::conflict);
  self->send(aut, atom::stats::value, ps::ad_platform::meta);
  sched.run();
  auto st = reply<ps::queue_stats>();
  REQUIRE(std::holds_alternative<ps::queue_stats>(st));
  CHECK(std::get<ps::queue_stats>(st).pending == 1);
  CHECK(std::get<ps::queue_stats>(st).processing == 1);
}

TEST_CASE_METHOD(storage_fixture,
                 "a full queue fails new calls fast with rate_limited",
                 "[storage]") {
  cfg.max_queued = 2;
  auto exec = std::make_shared<manual_executor>(1);
  auto aut = spawn(exec);
  exec->run_all();
  sched.run();
  self->send(aut, atom::enqueue::value, make_req(0)); // running
  sched.run();
  for (int i = 1; i <= 3; ++i) // two wait, the third is refused
    self->send(aut, atom::enqueue::value, make_req(i));
  sched.run();
  CHECK(error_reply() == ec::rate_limited);
  self->send(aut, atom::status::value);
  sched.run();
  auto st = reply<storage_status>();
  REQUIRE(std::holds_alternative<storage_status>(st));
  auto& s = std::get<storage_status>(st);
  CHECK(s.ready);
  CHECK(s.workers == 1);
  CHECK(s.connected == 1);
  CHECK(s.queued == 2);
  CHECK(s.running == 1);
  exec->run_all();
  sched.run();
  exec->run_all();
  sched.run();
  for (int i = 1; i <= 3; ++i)
    CHECK(ok_reply().id == i);
}

TEST_CASE_METHOD(storage_fixture,
                 "shutdown answers queued calls with shutting_down",
                 "[storage]") {
  auto exec = std::make_shared<manual_executor>(1);
  auto aut = spawn(exec);
  exec->run_all();
  sched.run();
  self->send(aut, atom::enqueue::value, make_req(0));
  self->send(aut, atom::enqueue::value, make_req(1));
  sched.run(); // first running, second queued
  self->send_exit(aut, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(error_reply() == ec::shutting_down);
  CHECK(error_reply() == ec::shutting_down);
}

TEST_CASE_METHOD(storage_fixture,
                 "a unit (org, lane) is in one running batch at a time; idle "
                 "workers take the others",
                 "[storage]") {
  auto exec = std::make_shared<manual_executor>(2);
  auto aut = spawn_connected(exec);
  // Two orgs, all in lane 0, arrive interleaved: each worker gets one org.
  const int a1 = n_in_lane(0, 0), a2 = n_in_lane(0, a1 + 1);
  const int b1 = n_in_lane(0, 0, true), b2 = n_in_lane(0, b1 + 1, true);
  self->send(aut, atom::enqueue::value, make_req(a1));
  self->send(aut, atom::enqueue::value, make_req_b(b1));
  self->send(aut, atom::enqueue::value, make_req(a2));
  self->send(aut, atom::enqueue::value, make_req_b(b2));
  sched.run();
  REQUIRE(exec->held_workers() == std::vector<std::size_t>{0, 1});
  exec->run_one(); // worker 0: org A
  sched.run();
  CHECK(store->batch_sizes == std::vector<std::size_t>{2});
  std::vector<ps::request_id> org_a_ids{ok_reply().id, ok_reply().id};
  // Worker 1 still holds org B's lane; worker 0 is idle. A repeat of an
  // org B request must not run beside the uncommitted batch with its key.
  self->send(aut, atom::enqueue::value, make_req_b(b1));
  sched.run();
  CHECK(exec->pending() == 1);
  CHECK(no_reply());
  // Org A work still goes to the idle worker at once.
  self->send(aut, atom::enqueue::value, make_req(a1));
  sched.run();
  REQUIRE(exec->held_workers() == std::vector<std::size_t>{1, 0});
  exec->run_one(); // worker 1: org B's first batch commits
  sched.run();
  std::vector<ps::request_id> org_b_ids{ok_reply().id, ok_reply().id};
  // ... and only then does the repeat run, on the idle worker 1.
  REQUIRE(exec->held_workers() == std::vector<std::size_t>{0, 1});
  exec->run_all();
  sched.run();
  std::set<ps::request_id> dedup_ids;
  for (int i = 0; i < 2; ++i) {
    auto r = ok_reply();
    CHECK(r.deduplicated);
    dedup_ids.insert(r.id);
  }
  CHECK(dedup_ids == std::set<ps::request_id>{org_a_ids[0], org_b_ids[0]});
  CHECK(store->batch_sizes == std::vector<std::size_t>{2, 2, 1, 1});
}

TEST_CASE_METHOD(storage_fixture,
                 "one busy org uses both workers through its lanes",
                 "[storage]") {
  auto exec = std::make_shared<manual_executor>(2);
  auto aut = spawn_connected(exec);
  const int l0a = n_in_lane(0, 0), l0b = n_in_lane(0, l0a + 1);
  const int l1a = n_in_lane(1, 0), l1b = n_in_lane(1, l1a + 1);
  for (int n : {l0a, l1a, l0b, l1b})
    self->send(aut, atom::enqueue::value, make_req(n));
  sched.run();
  REQUIRE(exec->held_workers() == std::vector<std::size_t>{0, 1});
  exec->run_all();
  sched.run();
  CHECK(store->batch_sizes == std::vector<std::size_t>{2, 2});
  for (int i = 0; i < 4; ++i)
    CHECK_FALSE(ok_reply().deduplicated);
}

TEST_CASE_METHOD(storage_fixture,
                 "a call goes ahead of enqueues whose units are all busy",
                 "[storage]") {
  auto exec = std::make_shared<manual_executor>(2);
  auto aut = spawn_connected(exec);
  const int first = n_in_lane(0, 0), second = n_in_lane(0, first + 1);
  self->send(aut, atom::enqueue::value, make_req(first));
  sched.run(); // worker 0 holds org A, lane 0
  self->send(aut, atom::enqueue::value, make_req(second)); // waits for it
  self->send(aut, atom::stats::value, ps::ad_platform::meta);
  sched.run();
  REQUIRE(exec->held_workers() == std::vector<std::size_t>{0, 1});
  exec->run_one(); // the first enqueue's batch
  sched.run();
  CHECK(ok_reply().id == 1);
  exec->run_all(); // the stats call, then the second enqueue
  sched.run();
  auto st = reply<ps::queue_stats>();
  REQUIRE(std::holds_alternative<ps::queue_stats>(st));
  CHECK(ok_reply().id == 2);
}

TEST_CASE_METHOD(storage_fixture,
                 "each batch takes whole units, oldest first, and leaves the "
                 "rest of the queue in order",
                 "[storage]") {
  cfg.max_batch = 2; // looks at 2 x 2 x 1 = 4 queued enqueues at a time
  auto exec = std::make_shared<manual_executor>(1);
  auto aut = spawn(exec);
  exec->run_all();
  sched.run();
  // A1 B1 A2 B2 A3 B3 A4, all arriving before the first dispatch.
  for (int i = 0; i < 7; ++i)
    self->send(aut, atom::enqueue::value,
               i % 2 == 0 ? make_req(i) : make_req_b(i));
  sched.run();
  while (exec->pending() > 0) {
    exec->run_all();
    sched.run();
  }
  // A1 A2 | B1 B2 | A3 A4 | B3: whole units, oldest first, order kept.
  CHECK(store->batch_sizes == std::vector<std::size_t>{2, 2, 2, 1});
  for (int i = 0; i < 7; ++i)
    CHECK_FALSE(ok_reply().deduplicated);
}

// -- connection tokens ----------------------------------------------------------

namespace {

const std::string token_value = "EAAB-distinctive-token-never-shown-42";

struct token_fixture : storage_fixture {
  token_fixture() {
    cfg.token_keys = {{"k1", std::string(32, '\x01')}};
    cfg.active_token_key = "k1";
  }

  template <class T>
  T ok(std::variant<T, caf::error> r) {
    if (auto* e = std::get_if<caf::error>(&r))
      FAIL("unexpected error: " << render(*e));
    return std::get<T>(std::move(r));
  }

  caf::error err(std::variant<connection_secret, caf::error> r) {
    REQUIRE(std::holds_alternative<caf::error>(r));
    return std::get<caf::error>(r);
  }

  connection_secret credential(const storage_actor& aut,
                               const std::string& id) {
    self->send(aut, atom::credential::value, id);
    sched.run();
    return ok(reply<connection_secret>());
  }
};

} // namespace

TEST_CASE_METHOD(token_fixture,
                 "a token set through storage is stored sealed and opens for "
                 "the credential lookup",
                 "[storage]") {
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(1)));
  self->send(aut, atom::token_set::value, org, conn,
             platform_token{token_value});
  sched.run();
  CHECK(ok_atom_reply());
  // The store holds ciphertext only, sealed with k1 for this connection.
  {
    std::lock_guard<std::mutex> guard{store->mtx};
    REQUIRE(store->tokens.count(conn) == 1);
    const auto& sealed = store->tokens.at(conn);
    CHECK(sealed.key_id == "k1");
    CHECK(sealed.ciphertext.find(token_value) == std::string::npos);
  }
  auto secret = credential(aut, conn);
  CHECK(secret.token == token_value);
  CHECK(secret.token_source == "stored");
  CHECK(secret.connection.connection_id == conn);
  CHECK(secret.connection.org_id == org);
  // to_string of the reply and of the request message never shows it.
  auto text = caf::deep_to_string(secret);
  INFO(text);
  CHECK(text.find(token_value) == std::string::npos);
  CHECK(text.find("***") != std::string::npos);
  auto msg = caf::make_message(atom::token_set::value, org, conn,
                               platform_token{token_value});
  CHECK(to_string(msg).find(token_value) == std::string::npos);
  CHECK(to_string(msg).find("***") != std::string::npos);
  // Clearing falls back to the reference (none here).
  self->send(aut, atom::token_clear::value, org, conn);
  sched.run();
  CHECK(ok_atom_reply());
  auto none = credential(aut, conn);
  CHECK(none.token.empty());
  CHECK(none.token_source == "none");
}

TEST_CASE_METHOD(token_fixture,
                 "an org cannot set another org's token through storage",
                 "[storage]") {
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(1)));
  self->send(aut, atom::token_set::value, org_b, conn,
             platform_token{token_value});
  sched.run();
  auto r = reply<caf::ok_atom>();
  REQUIRE(std::holds_alternative<caf::error>(r));
  CHECK(std::get<caf::error>(r) == ec::not_found);
  CHECK(render(std::get<caf::error>(r)).find(token_value)
        == std::string::npos);
  CHECK(store->tokens.empty());
}

TEST_CASE_METHOD(token_fixture,
                 "without a stored token the token_ref is resolved like a "
                 "config secret reference",
                 "[storage]") {
  ps::memory_backend admin{store, {}};
  const std::string env_conn = "aaaaaaaa-3333-4000-8000-000000000003";
  const std::string unset_conn = "aaaaaaaa-4444-4000-8000-000000000004";
  ps::platform_connection c;
  c.connection_id = env_conn;
  c.org_id = org;
  c.token_ref = "env:ADBATCH_STORAGE_TEST_TOKEN";
  REQUIRE(admin.add_connection(c).ok());
  c.connection_id = unset_conn;
  c.token_ref = "env:ADBATCH_STORAGE_TEST_UNSET";
  REQUIRE(admin.add_connection(c).ok());
  ::setenv("ADBATCH_STORAGE_TEST_TOKEN", "tok-from-env", 1);
  ::unsetenv("ADBATCH_STORAGE_TEST_UNSET");
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(1)));
  auto s = credential(aut, env_conn);
  CHECK(s.token == "tok-from-env");
  CHECK(s.token_source == "reference");
  self->send(aut, atom::credential::value, unset_conn);
  sched.run();
  auto e = err(reply<connection_secret>());
  CHECK(e == ec::invalid_config);
  CHECK(render(e).find(unset_conn) != std::string::npos);
  CHECK(render(e).find("ADBATCH_STORAGE_TEST_UNSET is not set")
        != std::string::npos);
  // A stored token wins over the reference.
  self->send(aut, atom::token_set::value, org, env_conn,
             platform_token{token_value});
  sched.run();
  CHECK(ok_atom_reply());
  auto stored = credential(aut, env_conn);
  CHECK(stored.token == token_value);
  CHECK(stored.token_source == "stored");
  ::unsetenv("ADBATCH_STORAGE_TEST_TOKEN");
}

TEST_CASE_METHOD(token_fixture,
                 "a token under an unknown key or failing authentication is "
                 "a clear error naming the connection and key, never the "
                 "token",
                 "[storage]") {
  // Sealed earlier with k0, which this node no longer has.
  auto k0 = ps::token_cipher::create({{"k0", std::string(32, '\x07')}}, "k0");
  REQUIRE(k0);
  {
    ps::memory_backend admin{store, {}};
    REQUIRE(admin.set_connection_token(org, conn,
                                       *k0->seal(token_value, conn)).ok());
  }
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(1)));
  self->send(aut, atom::credential::value, conn);
  sched.run();
  auto unknown = err(reply<connection_secret>());
  CHECK(unknown == ec::invalid_config);
  auto text = render(unknown);
  INFO(text);
  CHECK(text.find("connection " + conn) != std::string::npos);
  CHECK(text.find("'k0'") != std::string::npos);
  CHECK(text.find(token_value) == std::string::npos);
  // Sealed with k1 but altered in the store.
  self->send(aut, atom::token_set::value, org, conn,
             platform_token{token_value});
  sched.run();
  CHECK(ok_atom_reply());
  {
    std::lock_guard<std::mutex> guard{store->mtx};
    auto& ct = store->tokens.at(conn).ciphertext;
    ct[0] = static_cast<char>(ct[0] ^ 0x01);
  }
  self->send(aut, atom::credential::value, conn);
  sched.run();
  auto tampered = err(reply<connection_secret>());
  CHECK(tampered == ec::invalid_config);
  CHECK(render(tampered).find("fails authentication") != std::string::npos);
  CHECK(render(tampered).find("'k1'") != std::string::npos);
}

TEST_CASE_METHOD(token_fixture, "storing a token needs a configured key",
                 "[storage]") {
  cfg.token_keys.clear();
  cfg.active_token_key.clear();
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(1)));
  self->send(aut, atom::token_set::value, org, conn,
             platform_token{token_value});
  sched.run();
  auto r = reply<caf::ok_atom>();
  REQUIRE(std::holds_alternative<caf::error>(r));
  CHECK(std::get<caf::error>(r) == ec::invalid_argument);
  CHECK(store->tokens.empty());
  // A bad key set is refused by validate().
  storage_config bad;
  bad.token_keys = {{"k1", "too short"}};
  bad.active_token_key = "k1";
  CHECK(validate(bad) == ec::invalid_config);
  bad.token_keys = {{"k1", std::string(32, 'x')}};
  bad.active_token_key = "k2";
  CHECK(validate(bad) == ec::invalid_config);
}

TEST_CASE_METHOD(token_fixture,
                 "key rotation through storage re-seals with the active key",
                 "[storage]") {
  {
    auto aut
      = spawn(std::shared_ptr<storage_executor>(make_inline_executor(1)));
    self->send(aut, atom::token_set::value, org, conn,
               platform_token{token_value});
    self->send(aut, atom::token_set::value, org_b, conn_b,
               platform_token{"tok-b"});
    sched.run();
    CHECK(ok_atom_reply());
    CHECK(ok_atom_reply());
  }
  // The next node start: k2 is active, k1 still listed.
  cfg.token_keys = {{"k1", std::string(32, '\x01')},
                    {"k2", std::string(32, '\x02')}};
  cfg.active_token_key = "k2";
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(1)));
  self->send(aut, atom::rotate_keys::value, std::int32_t{10});
  sched.run();
  auto r = ok(reply<ps::token_rotation>());
  CHECK(r.resealed == 2);
  CHECK(r.failed == 0);
  CHECK(store->tokens.at(conn).key_id == "k2");
  CHECK(store->tokens.at(conn_b).key_id == "k2");
  CHECK(credential(aut, conn).token == token_value);
  CHECK(credential(aut, conn_b).token == "tok-b");
}

// -- enqueue notifications ------------------------------------------------------

TEST_CASE_METHOD(storage_fixture,
                 "a listener hears of new rows once per platform per commit",
                 "[storage]") {
  const std::string google_conn = "aaaaaaaa-2222-4000-8000-000000000003";
  {
    ps::memory_backend admin{store, {}};
    ps::platform_connection c;
    c.connection_id = google_conn;
    c.org_id = org;
    c.platform = ps::ad_platform::google;
    REQUIRE(admin.add_connection(c).ok());
  }
  caf::scoped_actor listener{sys, true};
  auto exec = std::make_shared<manual_executor>(1);
  auto aut = spawn_connected(exec);
  self->send(aut, atom::subscribe::value, caf::actor_cast<caf::actor>(listener));
  self->send(aut, atom::subscribe::value, caf::actor_cast<caf::actor>(listener));
  sched.run();
  auto google = [&](int n, int priority) {
    auto r = make_req(n, priority);
    r.platform = "google";
    r.connection_id = google_conn;
    return r;
  };
  // One batch: 3 new meta rows (priorities 5, 3, 7), a duplicate of one of
  // them at priority 1, 2 new google rows (8, 6) and an invalid request.
  auto bad = make_req(99);
  bad.platform = "myspace";
  self->send(aut, atom::enqueue::value, make_req(1, 5));
  self->send(aut, atom::enqueue::value, make_req(2, 3));
  self->send(aut, atom::enqueue::value, make_req(3, 7));
  self->send(aut, atom::enqueue::value, make_req(2, 1)); // same key as n=2
  self->send(aut, atom::enqueue::value, google(1, 8));
  self->send(aut, atom::enqueue::value, google(2, 6));
  self->send(aut, atom::enqueue::value, bad);
  sched.run();
  CHECK(listener->mailbox().empty()); // nothing before the commit
  REQUIRE(exec->run_all() == 1);
  sched.run();
  CHECK(store->batch_sizes == std::vector<std::size_t>{7});
  std::map<ps::ad_platform, std::pair<std::int32_t, std::int64_t>> heard;
  int messages = 0;
  while (!listener->mailbox().empty()) {
    listener->receive([&](atom::queued, ps::ad_platform p, std::int32_t prio,
                          std::int64_t rows) {
      heard[p] = {prio, rows};
      ++messages;
    });
  }
  CHECK(messages == 2); // subscribed twice, told once
  CHECK(heard[ps::ad_platform::meta] == std::make_pair(3, std::int64_t{3}));
  CHECK(heard[ps::ad_platform::google] == std::make_pair(6, std::int64_t{2}));
  for (int i = 0; i < 6; ++i)
    (void) reply<ps::enqueue_result>();
  CHECK(error_reply() == ec::invalid_argument);
  // A commit that inserts nothing new (all duplicates) says nothing.
  self->send(aut, atom::enqueue::value, make_req(1, 5));
  sched.run();
  exec->run_all();
  sched.run();
  CHECK(ok_reply().deduplicated);
  CHECK(listener->mailbox().empty());
}

TEST_CASE_METHOD(storage_fixture,
                 "a listener that terminates is dropped", "[storage]") {
  auto aut = spawn(std::shared_ptr<storage_executor>(make_inline_executor(1)));
  {
    caf::scoped_actor listener{sys, true};
    self->send(aut, atom::subscribe::value,
               caf::actor_cast<caf::actor>(listener));
    sched.run();
    CHECK(state(aut).listeners.size() == 1);
  } // the listener terminates here
  sched.run();
  CHECK(state(aut).listeners.empty());
  self->send(aut, atom::enqueue::value, make_req(0));
  sched.run();
  CHECK(ok_reply().id == 1);
}
