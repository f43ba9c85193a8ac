// The batcher and rate_limiter on the test_coordinator, over the real
// storage actor with the in-memory backend (inline executor) and a fake
// upstream that the test answers by hand. Deterministic: no sleeps; the
// test clock fires the schedule.
//
// The fake platform ("test adapter") plans one call per connection carrying
// all of that connection's requests; its reply body is a JSON object
// mapping each request id to what should happen to it.

#include "actors/batcher.hpp"
#include "actors/error.hpp"
#include "actors/rate_limiter.hpp"
#include "actors/storage.hpp"
#include "actors/storage_executor.hpp"
#include "persistence/memory_backend.hpp"
#include "tests/support/caf_fixture.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>

using namespace adbatch;
using namespace std::chrono_literals;
namespace ps = adbatch::persistence;
namespace pl = adbatch::platforms;
namespace json = boost::json;

namespace {

const std::string org = "aaaaaaaa-0000-4000-8000-000000000001";
const std::string conn_a = "aaaaaaaa-1111-4000-8000-000000000001";
const std::string conn_b = "aaaaaaaa-1111-4000-8000-000000000002";

/// One call per connection; the reply says per request id:
/// {"<id>": {"ok": <result>}} | {"<id>": {"fail": "transient"|"permanent"}}
/// | {"<id>": {"throttle_ms": n}} | {"<id>": {"wait": <progress>}} (a
/// multi-step request made progress) | missing = not attempted. The call's
/// body maps each served request with progress to that progress.
class test_adapter : public pl::platform_adapter {
public:
  pl::platform_id platform() const override { return pl::platform_id::meta; }
  std::string validate(std::string_view, const json::object&) const override {
    return {};
  }
  pl::plan make_plan(std::span<const pl::queued_request> requests,
                     const pl::plan_context& ctx) const override {
    pl::plan p;
    std::map<std::string, pl::upstream_call> by_conn;
    for (auto& r : requests) {
      auto it = ctx.credentials.find(r.connection_id);
      if (it == ctx.credentials.end() || it->second.token.empty()) {
        p.rejected.push_back({r.id,
                              pl::outcome_kind::permanent,
                              {},
                              "missing_token",
                              "no token",
                              std::nullopt});
        continue;
      }
      auto& call = by_conn[r.connection_id];
      call.target = "/call?conn=" + r.connection_id;
      call.headers = {{"Authorization", "Bearer " + it->second.token}};
      call.serves.push_back(r.id);
      call.quota_units = static_cast<std::int64_t>(call.serves.size());
      if (!r.progress.empty()) {
        auto body = call.body.empty() ? json::object{}
                                      : json::parse(call.body).as_object();
        body[std::to_string(r.id)] = r.progress;
        call.body = json::serialize(body);
      }
      call.is_write = r.request_type == "write";
    }
    for (auto& [_, c] : by_conn)
      p.calls.push_back(std::move(c));
    return p;
  }
  pl::split_result split(const pl::upstream_call& call,
                         const pl::upstream_reply& reply,
                         const pl::plan_context&) const override {
    pl::split_result out;
    if (reply.transport_error) {
      for (auto id : call.serves)
        out.outcomes.push_back({id,
                                call.is_write && reply.maybe_delivered
                                    ? pl::outcome_kind::ambiguous
                                    : pl::outcome_kind::transient,
                                {},
                                "timeout",
                                "no answer",
                                std::nullopt});
      return out;
    }
    auto body = json::parse(reply.body).as_object();
    for (auto id : call.serves) {
      auto* v = body.if_contains(std::to_string(id));
      if (!v) {
        out.outcomes.push_back(
            {id, pl::outcome_kind::not_attempted, {}, "", "", std::nullopt});
        continue;
      }
      auto& o = v->as_object();
      if (auto* ok = o.if_contains("ok")) {
        out.outcomes.push_back({id, pl::outcome_kind::completed,
                                json::serialize(*ok), "", "", std::nullopt});
        ++out.units_spent;
      } else if (auto* f = o.if_contains("fail")) {
        auto kind = f->as_string() == "transient" ? pl::outcome_kind::transient
                                                  : pl::outcome_kind::permanent;
        out.outcomes.push_back({id,
                                kind,
                                {},
                                "test_" + std::string(f->as_string()),
                                "failed",
                                std::nullopt});
      } else if (auto* w = o.if_contains("wait")) {
        out.outcomes.push_back({id, pl::outcome_kind::waiting,
                                json::serialize(*w), "", "",
                                std::chrono::milliseconds{0}});
      } else {
        auto ms = o.at("throttle_ms").as_int64();
        out.outcomes.push_back({id,
                                pl::outcome_kind::throttled,
                                {},
                                "throttled",
                                "slow down",
                                std::chrono::milliseconds{ms}});
      }
    }
    return out;
  }
  pl::upstream_call naive_call(const pl::queued_request& r,
                               const pl::plan_context&) const override {
    pl::upstream_call c;
    c.serves = {r.id};
    return c;
  }
  std::vector<std::string> request_types() const override {
    return {"read", "write"};
  }
};

struct sent_call {
  outbound_call call;
  std::function<void(upstream_answer)> done;
};

struct batcher_fixture : test::caf_fixture {
  std::shared_ptr<ps::memory_store> store =
      std::make_shared<ps::memory_store>();
  std::shared_ptr<std::deque<sent_call>> sent =
      std::make_shared<std::deque<sent_call>>();
  storage_actor storage;
  rate_limiter_actor limiter;
  std::vector<caf::actor> spawned;
  batcher_config bcfg;
  rate_limiter_config rcfg;

  batcher_fixture() {
    ::setenv("BATCHER_TEST_TOKEN_1", "token-of-a", 1);
    ::setenv("BATCHER_TEST_TOKEN_2", "token-of-b", 1);
    ps::memory_backend admin{store, {}};
    for (auto& id : {conn_a, conn_b}) {
      ps::platform_connection c;
      c.connection_id = id;
      c.org_id = org;
      c.platform = ps::ad_platform::meta;
      // The single-tenant form: the token from an environment variable.
      c.token_ref = "env:BATCHER_TEST_TOKEN_" + id.substr(id.size() - 1);
      REQUIRE(admin.add_connection(c).ok());
    }
    storage_config scfg;
    storage = sys.spawn(
        make_storage, scfg,
        backend_factory{[this] { return ps::memory_backend::connect(store); }},
        std::shared_ptr<storage_executor>{make_inline_executor(1)});
    spawned.push_back(caf::actor_cast<caf::actor>(storage));
    sched.run();
    bcfg.platform = pl::platform_id::meta;
    bcfg.base_url = "http://upstream.test";
    bcfg.max_requests_per_flush = 10;
    bcfg.flush_interval = 0s;
    bcfg.urgent_priority = 3;
    bcfg.lease = 60s;
    bcfg.owner = "node-1";
    bcfg.log_rounds = false;
    rcfg.platform = "meta";
    rcfg.capacity = 1000;
    rcfg.period = 1s;
  }

  ~batcher_fixture() {
    for (auto& a : spawned)
      self->send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
  }

  batcher_actor spawn_batcher() {
    limiter = sys.spawn(make_rate_limiter, rcfg);
    spawned.push_back(caf::actor_cast<caf::actor>(limiter));
    auto q = sent;
    upstream_sender sender = [q](outbound_call c,
                                 std::function<void(upstream_answer)> done) {
      q->push_back({std::move(c), std::move(done)});
    };
    auto b = sys.spawn(make_batcher, bcfg,
                       std::shared_ptr<const pl::platform_adapter>{
                           std::make_shared<test_adapter>()},
                       storage, limiter, sender);
    spawned.push_back(caf::actor_cast<caf::actor>(b));
    sched.run();
    return b;
  }

  ps::request_id enqueue(const std::string& conn, int n, int priority = 5,
                         const std::string& type = "read",
                         int max_attempts = 3) {
    ps::memory_backend db{store, {}};
    ps::enqueue_request r{
        org,      "meta",      conn, type, R"({"n":)" + std::to_string(n) + "}",
        priority, max_attempts};
    auto res = db.enqueue(r);
    REQUIRE(res.ok());
    return res.value().id;
  }

  ps::request_view view(ps::request_id id) {
    ps::memory_backend db{store, {}};
    auto v = db.get_request(org, id);
    REQUIRE(v.ok());
    return v.value();
  }

  /// Answers the oldest sent call with `body` (or a transport error).
  void answer(const std::string& body, int status = 200) {
    REQUIRE_FALSE(sent->empty());
    auto s = std::move(sent->front());
    sent->pop_front();
    upstream_answer a;
    a.status = status;
    a.body = body;
    s.done(std::move(a));
    sched.run();
  }

  void answer_timeout(bool maybe_delivered) {
    REQUIRE_FALSE(sent->empty());
    auto s = std::move(sent->front());
    sent->pop_front();
    upstream_answer a;
    a.transport_error = "timeout";
    a.maybe_delivered = maybe_delivered;
    s.done(std::move(a));
    sched.run();
  }

  flush_summary flush_reply() {
    REQUIRE_FALSE(self->mailbox().empty());
    flush_summary out;
    self->receive([&](flush_summary& s) { out = s; },
                  [&](caf::error& e) { FAIL("flush failed: " << render(e)); });
    return out;
  }

  std::string ok_body(std::initializer_list<ps::request_id> ids) {
    json::object o;
    for (auto id : ids)
      o[std::to_string(id)] = json::object{{"ok", json::object{{"id", id}}}};
    return json::serialize(o);
  }

  std::int64_t claims() {
    ps::memory_backend db{store, {}};
    auto s = db.stats(ps::ad_platform::meta);
    REQUIRE(s.ok());
    return s.value().processing;
  }
};

} // namespace

TEST_CASE_METHOD(batcher_fixture,
                 "batcher: a flush claims, plans one call per connection and "
                 "stores each request's own result",
                 "[batcher]") {
  auto a1 = enqueue(conn_a, 1);
  auto a2 = enqueue(conn_a, 2);
  auto b1 = enqueue(conn_b, 1);
  auto b = spawn_batcher();
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  REQUIRE(sent->size() == 2);
  // The token reaches the call's header, the URL is base + target.
  CHECK(sent->front().call.url.rfind("http://upstream.test/call?conn=", 0) ==
        0);
  CHECK(sent->front().call.headers.at(0).second.rfind("Bearer token-of-", 0) ==
        0);
  answer(ok_body({a1, a2}));
  CHECK(self->mailbox().empty()); // still waiting for the second call
  answer(ok_body({b1}));
  auto s = flush_reply();
  CHECK(s.processed == 3);
  CHECK(s.success == 3);
  CHECK(s.calls == 2);
  CHECK(s.quota_units == 3);
  CHECK(s.rounds == 1);
  for (auto id : {a1, a2, b1}) {
    auto v = view(id);
    CHECK(v.status == ps::request_status::completed);
    REQUIRE(v.result);
    CHECK(json::parse(*v.result).at("id").as_int64() == id);
  }
  ps::memory_backend db{store, {}};
  auto log = db.execution_log(ps::ad_platform::meta, 1);
  REQUIRE(log.ok());
  CHECK(log.value().batches == 1);
  CHECK(log.value().api_calls == 2);
  CHECK(log.value().quota_units == 3);
  CHECK(log.value().success == 3);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher: each request gets its own outcome class",
                 "[batcher]") {
  auto ok = enqueue(conn_a, 1);
  auto transient = enqueue(conn_a, 2);
  auto permanent = enqueue(conn_a, 3);
  auto throttled = enqueue(conn_a, 4);
  auto skipped = enqueue(conn_a, 5);
  auto last_try = enqueue(conn_a, 6, 5, "read", 1);
  auto b = spawn_batcher();
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  REQUIRE(sent->size() == 1);
  json::object body;
  body[std::to_string(ok)] = json::object{{"ok", 1}};
  body[std::to_string(transient)] = json::object{{"fail", "transient"}};
  body[std::to_string(permanent)] = json::object{{"fail", "permanent"}};
  body[std::to_string(throttled)] = json::object{{"throttle_ms", 5000}};
  body[std::to_string(last_try)] = json::object{{"fail", "transient"}};
  answer(json::serialize(body));
  auto s = flush_reply();
  CHECK(s.processed == 6);
  CHECK(s.success == 1);
  CHECK(s.retrying == 1);
  CHECK(s.failed == 2);   // permanent + transient on its last attempt
  CHECK(s.deferred == 2); // throttled + not attempted
  CHECK(view(ok).status == ps::request_status::completed);
  auto t = view(transient);
  CHECK(t.status == ps::request_status::pending);
  CHECK(t.attempts == 1);
  CHECK(t.error_code == std::string{"test_transient"});
  auto p = view(permanent);
  CHECK(p.status == ps::request_status::failed);
  CHECK(p.error_code == std::string{"test_permanent"});
  // Throttled and not-attempted requests spend no attempt.
  auto th = view(throttled);
  CHECK(th.status == ps::request_status::pending);
  CHECK(th.attempts == 0);
  CHECK(th.next_attempt_at > th.updated_at - 1s);
  CHECK(view(skipped).attempts == 0);
  CHECK(view(last_try).status == ps::request_status::failed);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher: a multi-step request goes back with its progress, "
                 "spends no attempt and gets it back in the next round",
                 "[batcher]") {
  auto job = enqueue(conn_a, 1);
  auto plain = enqueue(conn_a, 2);
  auto b = spawn_batcher();
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  REQUIRE(sent->size() == 1);
  CHECK(sent->front().call.body.empty()); // no progress yet
  json::object body;
  body[std::to_string(job)] =
      json::object{{"wait", json::object{{"job_id", "j-7"}}}};
  body[std::to_string(plain)] = json::object{{"ok", 2}};
  answer(json::serialize(body));
  auto s = flush_reply();
  CHECK(s.success == 1);
  CHECK(s.deferred == 1);
  auto v = view(job);
  CHECK(v.status == ps::request_status::pending);
  CHECK(v.attempts == 0);
  // The next flush hands the adapter the stored progress.
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  REQUIRE(sent->size() == 1);
  auto sent_body = json::parse(sent->front().call.body).as_object();
  CHECK(sent_body.at(std::to_string(job)) ==
        json::value(json::object{{"job_id", "j-7"}}));
  answer(ok_body({job}));
  CHECK(flush_reply().success == 1);
  auto done = view(job);
  CHECK(done.status == ps::request_status::completed);
  CHECK(done.attempts == 1);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher: a write whose answer timed out ends ambiguous, a "
                 "read retries",
                 "[batcher]") {
  auto w = enqueue(conn_a, 1, 5, "write");
  auto r = enqueue(conn_b, 1, 5, "read");
  auto b = spawn_batcher();
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  REQUIRE(sent->size() == 2);
  answer_timeout(true);
  answer_timeout(true);
  auto s = flush_reply();
  CHECK(s.ambiguous == 1);
  CHECK(s.retrying == 1);
  CHECK(view(w).status == ps::request_status::ambiguous);
  CHECK(view(r).status == ps::request_status::pending);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher: a flush goes on in rounds while the claim comes "
                 "back full",
                 "[batcher]") {
  bcfg.max_requests_per_flush = 2;
  std::vector<ps::request_id> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(enqueue(conn_a, i));
  auto b = spawn_batcher();
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  for (int round = 0; round < 3; ++round) {
    REQUIRE(sent->size() == 1);
    json::object body;
    for (auto id : ids)
      body[std::to_string(id)] = json::object{{"ok", 1}};
    answer(json::serialize(body));
  }
  auto s = flush_reply();
  CHECK(s.rounds == 3);
  CHECK(s.processed == 5);
  CHECK(s.success == 5);
  CHECK(sent->empty());
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher: flush(limit) handles at most limit requests",
                 "[batcher]") {
  bcfg.max_requests_per_flush = 2;
  for (int i = 0; i < 5; ++i)
    enqueue(conn_a, i);
  auto b = spawn_batcher();
  self->send(b, atom::flush::value, std::int32_t{3});
  sched.run();
  std::int64_t total = 0;
  while (!sent->empty()) {
    auto ids = sent->front().call.url;
    json::object body;
    for (ps::request_id id = 1; id <= 5; ++id)
      body[std::to_string(id)] = json::object{{"ok", 1}};
    answer(json::serialize(body));
  }
  auto s = flush_reply();
  total = s.processed;
  CHECK(total == 3);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher: no two flushes overlap; a flush asked for during "
                 "one runs after it",
                 "[batcher][schedule]") {
  auto a1 = enqueue(conn_a, 1);
  auto b = spawn_batcher();
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  REQUIRE(sent->size() == 1);
  auto a2 = enqueue(conn_a, 2);
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  // The second flush has not claimed anything: a2 is still pending.
  CHECK(sent->size() == 1);
  CHECK(view(a2).status == ps::request_status::pending);
  answer(ok_body({a1}));
  auto first = flush_reply();
  CHECK(first.processed == 1);
  // Now the second flush runs.
  REQUIRE(sent->size() == 1);
  answer(ok_body({a2}));
  auto second = flush_reply();
  CHECK(second.processed == 1);
  CHECK(view(a2).status == ps::request_status::completed);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher schedule: a flush every flush_interval, not before",
                 "[batcher][schedule]") {
  bcfg.flush_interval = 300s;
  auto id = enqueue(conn_a, 1);
  auto b = spawn_batcher();
  sched.advance_time(299s);
  sched.run();
  CHECK(sent->empty());
  sched.advance_time(1s);
  sched.run();
  REQUIRE(sent->size() == 1);
  answer(ok_body({id}));
  CHECK(view(id).status == ps::request_status::completed);
  // The timer is re-armed: the next interval flushes again.
  auto id2 = enqueue(conn_a, 2);
  sched.advance_time(299s);
  sched.run();
  CHECK(sent->empty());
  sched.advance_time(1s);
  sched.run();
  REQUIRE(sent->size() == 1);
  answer(ok_body({id2}));
  CHECK(view(id2).status == ps::request_status::completed);
  auto st = state_of<batcher_state, batcher_actor::base>(b).flushes;
  CHECK(st == 2);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher schedule: an urgent request flushes at once, a "
                 "normal one waits for the interval",
                 "[batcher][schedule]") {
  bcfg.flush_interval = 300s;
  auto b = spawn_batcher();
  auto normal = enqueue(conn_a, 1, 5);
  self->send(b, atom::queued::value, ps::ad_platform::meta, std::int32_t{5},
             std::int64_t{1});
  sched.run();
  CHECK(sent->empty());
  // Another platform's notice is not ours.
  self->send(b, atom::queued::value, ps::ad_platform::google, std::int32_t{1},
             std::int64_t{1});
  sched.run();
  CHECK(sent->empty());
  auto urgent = enqueue(conn_a, 2, 2);
  self->send(b, atom::queued::value, ps::ad_platform::meta, std::int32_t{2},
             std::int64_t{1});
  sched.run();
  REQUIRE(sent->size() == 1);
  answer(ok_body({normal, urgent}));
  CHECK(view(urgent).status == ps::request_status::completed);
  CHECK(view(normal).status == ps::request_status::completed);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher schedule: a full batch waiting flushes early",
                 "[batcher][schedule]") {
  bcfg.flush_interval = 300s;
  bcfg.max_requests_per_flush = 3;
  auto b = spawn_batcher();
  std::vector<ps::request_id> ids;
  for (int i = 0; i < 2; ++i) {
    ids.push_back(enqueue(conn_a, i));
    self->send(b, atom::queued::value, ps::ad_platform::meta, std::int32_t{5},
               std::int64_t{1});
    sched.run();
  }
  CHECK(sent->empty());
  ids.push_back(enqueue(conn_a, 9));
  self->send(b, atom::queued::value, ps::ad_platform::meta, std::int32_t{5},
             std::int64_t{1});
  sched.run();
  REQUIRE(sent->size() == 1);
  json::object body;
  for (auto id : ids)
    body[std::to_string(id)] = json::object{{"ok", 1}};
  answer(json::serialize(body));
  // The full claim makes the flush look for more: one more empty claim.
  for (auto id : ids)
    CHECK(view(id).status == ps::request_status::completed);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher schedule: notices during a flush merge into one "
                 "follow-up flush",
                 "[batcher][schedule]") {
  bcfg.flush_interval = 300s;
  auto b = spawn_batcher();
  auto first = enqueue(conn_a, 1, 1);
  self->send(b, atom::queued::value, ps::ad_platform::meta, std::int32_t{1},
             std::int64_t{1});
  sched.run();
  REQUIRE(sent->size() == 1);
  auto second = enqueue(conn_a, 2, 1);
  for (int i = 0; i < 3; ++i)
    self->send(b, atom::queued::value, ps::ad_platform::meta, std::int32_t{1},
               std::int64_t{1});
  sched.run();
  CHECK(sent->size() == 1); // no overlap
  auto& st = state_of<batcher_state, batcher_actor::base>(b);
  CHECK(st.waiting.size() == 1); // merged
  answer(ok_body({first}));
  REQUIRE(sent->size() == 1);
  answer(ok_body({second}));
  CHECK(view(second).status == ps::request_status::completed);
  CHECK(st.flushes == 2);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher: a spent budget defers the calls without spending "
                 "attempts and ends the flush",
                 "[batcher][rate]") {
  rcfg.capacity = 2;
  rcfg.period = 3600s;
  bcfg.max_rate_wait = 1s;
  auto a1 = enqueue(conn_a, 1);
  auto a2 = enqueue(conn_a, 2);
  auto b1 = enqueue(conn_b, 1);
  auto b = spawn_batcher();
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  // conn_a's call costs 2 units (granted), conn_b's 1 more is not there
  // within 1 s.
  REQUIRE(sent->size() == 1);
  answer(ok_body({a1, a2}));
  auto s = flush_reply();
  CHECK(s.success == 2);
  CHECK(s.deferred == 1);
  auto v = view(b1);
  CHECK(v.status == ps::request_status::pending);
  CHECK(v.attempts == 0);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher: a call waits inside the flush for budget that "
                 "comes within max_rate_wait",
                 "[batcher][rate]") {
  rcfg.capacity = 1;
  rcfg.period = 10s;
  bcfg.max_rate_wait = 20s;
  bcfg.max_in_flight = 1;
  auto a1 = enqueue(conn_a, 1);
  auto b1 = enqueue(conn_b, 1);
  auto b = spawn_batcher();
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  REQUIRE(sent->size() == 1);
  answer(ok_body({a1}));
  // The second call is granted with a 10 s wait: nothing sent yet.
  CHECK(sent->empty());
  sched.advance_time(10s);
  sched.run();
  REQUIRE(sent->size() == 1);
  answer(ok_body({b1}));
  auto s = flush_reply();
  CHECK(s.success == 2);
}

TEST_CASE_METHOD(batcher_fixture,
                 "batcher: a connection without a token fails only its own "
                 "requests",
                 "[batcher]") {
  ps::memory_backend admin{store, {}};
  ps::platform_connection c;
  c.connection_id = "aaaaaaaa-1111-4000-8000-000000000009";
  c.org_id = org;
  c.platform = ps::ad_platform::meta;
  c.token_ref = ""; // resolves to no token
  REQUIRE(admin.add_connection(c).ok());
  auto bad = enqueue(c.connection_id, 1);
  auto good = enqueue(conn_a, 1);
  auto b = spawn_batcher();
  self->send(b, atom::flush::value, std::int32_t{100});
  sched.run();
  REQUIRE(sent->size() == 1);
  answer(ok_body({good}));
  auto s = flush_reply();
  CHECK(s.success == 1);
  CHECK(s.failed == 1);
  auto v = view(bad);
  CHECK(v.status == ps::request_status::failed);
  CHECK(v.error_code == std::string{"missing_token"});
}

TEST_CASE_METHOD(batcher_fixture, "rate_limiter: grants, waits and denies",
                 "[rate]") {
  rcfg.capacity = 2;
  rcfg.period = 2s;
  auto rl = sys.spawn(make_rate_limiter, rcfg);
  spawned.push_back(caf::actor_cast<caf::actor>(rl));
  auto ask = [&](std::int64_t units, caf::timespan max_wait) {
    self->send(rl, atom::acquire::value, std::string{"app"}, units, max_wait);
    sched.run();
    rate_grant g;
    self->receive([&](rate_grant& x) { g = x; });
    return g;
  };
  CHECK(ask(2, 0s).granted);
  auto denied = ask(1, 0s);
  CHECK_FALSE(denied.granted);
  CHECK(denied.wait == caf::timespan{1s});
  auto waiting = ask(1, 5s);
  CHECK(waiting.granted);
  CHECK(waiting.wait == caf::timespan{1s});
  sched.advance_time(1s);
  self->send(rl, atom::status::value);
  sched.run();
  self->receive([](rate_limiter_status& s) {
    CHECK(s.granted == 2);
    CHECK(s.denied == 1);
    CHECK(s.units_granted == 3);
  });
}
