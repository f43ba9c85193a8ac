// Claims, leases, outcomes, retries, cancel, requeue, prune, stats and the
// execution log on a real PostgreSQL.

#include "tests/persistence/pg_test_db.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <thread>

using namespace adbatch::persistence;
using namespace adbatch::persistence::test;
using namespace std::chrono_literals;

namespace {

std::vector<request_id> enqueue_n(backend& b, int n, int priority = 5,
                                  const std::string& prefix = "r") {
  std::vector<enqueue_request> batch;
  for (int i = 0; i < n; ++i)
    batch.push_back(meta_request(
        "{\"k\":\"" + prefix + std::to_string(i) + "\"}", priority));
  std::vector<request_id> ids;
  for (auto& r : b.enqueue_batch(batch))
    ids.push_back(must(std::move(r)).id);
  return ids;
}

double seconds_until(const time_point& t) {
  return std::chrono::duration<double>(t - clock::now()).count();
}

} // namespace

TEST_CASE("claims follow priority then age and set the lease", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto low = enqueue_n(*b, 3, 9, "low");
  auto high = enqueue_n(*b, 2, 1, "high");
  auto mid = enqueue_n(*b, 2, 5, "mid");
  auto c = must(b->claim(ad_platform::meta, 4, 30s, "w1"));
  REQUIRE(c.requests.size() == 4);
  CHECK(c.batch > 0);
  CHECK(c.requests[0].id == high[0]);
  CHECK(c.requests[1].id == high[1]);
  CHECK(c.requests[2].id == mid[0]);
  CHECK(c.requests[3].id == mid[1]);
  for (const auto& r : c.requests) {
    CHECK(r.attempts == 1);
    CHECK(r.batch == c.batch);
    CHECK(r.org_id == org_a);
    CHECK(r.connection_id == conn_a);
  }
  auto v = must(b->get_request(org_a, high[0]));
  CHECK(v.status == request_status::processing);
  CHECK(v.batch == c.batch);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.batch_request_queue WHERE "
                  "lease_owner = 'w1' "
                  "AND lease_expires_at BETWEEN now() + interval '25 s' AND "
                  "now() + interval '31 s'") == 4);
  // Other platforms are untouched, the next claim gets a new batch.
  CHECK(must(b->claim(ad_platform::google, 10, 30s, "w1")).requests.empty());
  auto c2 = must(b->claim(ad_platform::meta, 10, 30s, "w1"));
  CHECK(c2.requests.size() == 3);
  CHECK(c2.batch != c.batch);
  (void)low;
}

TEST_CASE("two concurrent claimers never share a row", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  enqueue_n(*b, 400);
  std::vector<std::vector<request_id>> got(2);
  std::vector<std::string> errors(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      auto w = pg_backend::connect(db.conninfo());
      if (!w) {
        errors[t] = w.error().message;
        return;
      }
      for (;;) {
        auto c =
            (*w)->claim(ad_platform::meta, 7, 30s, "w" + std::to_string(t));
        if (!c) {
          errors[t] = c.error().message;
          return;
        }
        if (c->requests.empty()) return;
        for (auto& r : c->requests)
          got[t].push_back(r.id);
      }
    });
  for (auto& th : threads)
    th.join();
  CHECK(errors[0].empty());
  CHECK(errors[1].empty());
  std::set<request_id> all;
  for (auto& v : got)
    for (auto id : v)
      CHECK(all.insert(id).second);
  CHECK(all.size() == 400);
}

TEST_CASE("an expired lease is claimed again and the late worker is refused",
          "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto ids = enqueue_n(*b, 1);
  auto first = must(b->claim(ad_platform::meta, 10, 1ms, "slow"));
  REQUIRE(first.requests.size() == 1);
  db.exec("SELECT pg_sleep(0.01)");
  auto second = must(b->claim(ad_platform::meta, 10, 30s, "fast"));
  CHECK(second.leases_reclaimed == 1);
  REQUIRE(second.requests.size() == 1);
  CHECK(second.requests[0].id == ids[0]);
  CHECK(second.requests[0].attempts == 2);
  // The slow worker's late result is refused; the new owner's is kept.
  auto late = b->complete(ids[0], "slow", R"({"late":true})");
  REQUIRE_FALSE(late);
  CHECK(late.error().code == error_code::conflict);
  CHECK(b->fail(ids[0], "slow", "x", "x", true).error().code ==
        error_code::conflict);
  CHECK(b->skip(ids[0], "slow", "x").error().code == error_code::conflict);
  must(b->complete(ids[0], "fast", R"({"ok":true})"));
  auto v = must(b->get_request(org_a, ids[0]));
  CHECK(v.status == request_status::completed);
  CHECK(v.result == std::optional<std::string>{R"({"ok": true})"});
}

TEST_CASE("an expired lease with no attempts left becomes failed", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto r = meta_request();
  r.max_attempts = 1;
  auto id = must(b->enqueue(r)).id;
  REQUIRE(must(b->claim(ad_platform::meta, 10, 30s, "dead")).requests.size() ==
          1);
  db.exec("UPDATE adbatch.batch_request_queue SET lease_expires_at = now() - "
          "interval '1 s'");
  auto c = must(b->claim(ad_platform::meta, 10, 30s, "w"));
  CHECK(c.leases_exhausted == 1);
  CHECK(c.requests.empty());
  auto v = must(b->get_request(org_a, id));
  CHECK(v.status == request_status::failed);
  CHECK(v.error_code == std::optional<std::string>{"lease_expired"});
  // A new identical request is accepted (the key is free again).
  auto again = must(b->enqueue(r));
  CHECK(again.id != id);
}

TEST_CASE("retryable failures back off, then fail terminally", "[pg]") {
  test_db db;
  backend_options opts;
  opts.jitter_source = [] { return 0.5; }; // delay * 0.9
  auto b = db.backend(opts);
  add_standard_connections(*b);
  auto id = must(b->enqueue(meta_request())).id;
  // Attempt 1 fails: ~54 s (60 * 0.9).
  REQUIRE(must(b->claim(ad_platform::meta, 10, 30s, "w")).requests.size() == 1);
  auto f1 = must(b->fail(id, "w", "HTTP 503", "http_503", true));
  CHECK(f1.status == request_status::pending);
  REQUIRE(f1.next_attempt_at);
  CHECK(seconds_until(*f1.next_attempt_at) > 50);
  CHECK(seconds_until(*f1.next_attempt_at) < 55);
  // Not due yet: nothing to claim.
  CHECK(must(b->claim(ad_platform::meta, 10, 30s, "w")).requests.empty());
  CHECK(must(b->stats(ad_platform::meta)).due_for_retry == 1);
  db.exec("UPDATE adbatch.batch_request_queue SET next_attempt_at = now()");
  // Attempt 2 fails: ~108 s.
  REQUIRE(must(b->claim(ad_platform::meta, 10, 30s, "w")).requests.size() == 1);
  auto f2 = must(b->fail(id, "w", "HTTP 503", "http_503", true));
  CHECK(f2.status == request_status::pending);
  CHECK(seconds_until(*f2.next_attempt_at) > 104);
  CHECK(seconds_until(*f2.next_attempt_at) < 109);
  db.exec("UPDATE adbatch.batch_request_queue SET next_attempt_at = now()");
  // Attempt 3 of 3 fails: terminal.
  auto c3 = must(b->claim(ad_platform::meta, 10, 30s, "w"));
  REQUIRE(c3.requests.size() == 1);
  CHECK(c3.requests[0].attempts == 3);
  auto f3 = must(b->fail(id, "w", "HTTP 503", "http_503", true));
  CHECK(f3.status == request_status::failed);
  CHECK_FALSE(f3.next_attempt_at);
  auto v = must(b->get_request(org_a, id));
  CHECK(v.status == request_status::failed);
  CHECK(v.error == std::optional<std::string>{"HTTP 503"});
  CHECK(v.error_code == std::optional<std::string>{"http_503"});
  CHECK(v.completed_at);
  CHECK(must(b->stats(ad_platform::meta)).failed_24h == 1);
}

TEST_CASE("non-retryable failures, skips and batch outcomes", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto ids = enqueue_n(*b, 6);
  REQUIRE(must(b->claim(ad_platform::meta, 10, 30s, "w")).requests.size() == 6);
  auto f = must(b->fail(ids[0], "w", "bad field", "invalid_parameter", false));
  CHECK(f.status == request_status::failed);
  must(b->skip(ids[1], "w", "unsupported by this account"));
  auto done = must(b->complete_many(
      {{ids[2], R"({"a":1})"}, {ids[3], "[1,2]"}, {ids[0], "{}"}}, "w"));
  CHECK(done.applied == std::vector<request_id>{ids[2], ids[3]});
  CHECK(done.rejected == std::vector<request_id>{ids[0]});
  auto failed = must(b->fail_many(
      {{ids[4], "x", "http_500", true}, {ids[5], "y", "auth", false}}, "w"));
  CHECK(failed.applied.size() == 2);
  CHECK(must(b->get_request(org_a, ids[1])).status == request_status::skipped);
  CHECK(must(b->get_request(org_a, ids[4])).status == request_status::pending);
  CHECK(must(b->get_request(org_a, ids[5])).status == request_status::failed);
  // Invalid JSON result is rejected before touching the row.
  auto more = enqueue_n(*b, 1, 5, "more");
  REQUIRE(must(b->claim(ad_platform::meta, 1, 30s, "w")).requests.size() == 1);
  CHECK(b->complete(more[0], "w", "{oops").error().code ==
        error_code::invalid_argument);
}

TEST_CASE("release gives rows back without using an attempt", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto ids = enqueue_n(*b, 2);
  REQUIRE(must(b->claim(ad_platform::meta, 10, 30s, "w")).requests.size() == 2);
  auto out = must(b->release(ids, "w", 0ms));
  CHECK(out.applied.size() == 2);
  auto again = must(b->claim(ad_platform::meta, 10, 30s, "w"));
  REQUIRE(again.requests.size() == 2);
  CHECK(again.requests[0].attempts == 1);
  auto later = must(b->release({ids[0]}, "w", 60s));
  CHECK(later.applied.size() == 1);
  CHECK(must(b->claim(ad_platform::meta, 10, 30s, "w")).requests.empty());
}

TEST_CASE("save_progress gives rows back with their progress, without "
          "using an attempt",
          "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto ids = enqueue_n(*b, 3);
  auto first = must(b->claim(ad_platform::meta, 10, 30s, "w"));
  REQUIRE(first.requests.size() == 3);
  for (auto& c : first.requests)
    CHECK(c.progress.empty());
  // JSON with quotes and backslashes survives the array literal.
  const std::string job = R"({"job_id":"j-1","note":"a \"quoted\" \\ x"})";
  std::vector<progress_update> items{{ids[0], job, 0ms},
                                     {ids[1], R"({"step":2})", 60s}};
  // Another lease owner's rows are refused.
  CHECK(must(b->save_progress(items, "other")).applied.empty());
  auto out = must(b->save_progress(items, "w"));
  CHECK(out.applied.size() == 2);
  CHECK(out.rejected.empty());
  must(b->release({ids[2]}, "w", 0ms));
  auto again = must(b->claim(ad_platform::meta, 10, 30s, "w"));
  // ids[1] waits its minute; ids[0] comes back with its progress and the
  // attempt it did not use.
  REQUIRE(again.requests.size() == 2);
  for (auto& c : again.requests) {
    CHECK(c.attempts == 1);
    if (c.id == ids[0]) {
      CHECK(c.progress == R"({"note": "a \"quoted\" \\ x", "job_id": "j-1"})");
    } else {
      CHECK(c.id == ids[2]);
      CHECK(c.progress.empty());
    }
  }
}

TEST_CASE("cancel, cancel a connection, requeue failed, prune", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto ids = enqueue_n(*b, 4);
  must(b->cancel(org_a, ids[0]));
  CHECK(must(b->get_request(org_a, ids[0])).status ==
        request_status::cancelled);
  CHECK(b->cancel(org_a, ids[0]).error().code == error_code::conflict);
  CHECK(b->cancel(org_a, 999999).error().code == error_code::not_found);
  // Cancelled keys are free again.
  CHECK(must(b->enqueue(meta_request("{\"k\":\"r0\"}"))).id != ids[0]);
  // A processing row cannot be cancelled.
  auto c = must(b->claim(ad_platform::meta, 1, 30s, "w"));
  REQUIRE(c.requests.size() == 1);
  CHECK(b->cancel(org_a, c.requests[0].id).error().code ==
        error_code::conflict);
  // The rest of the connection's pending rows.
  auto n = must(b->cancel_connection(org_a, conn_a, "connection removed"));
  CHECK(n == 3);
  CHECK(must(b->get_request(org_a, ids[3])).error ==
        std::optional<std::string>{"connection removed"});
  // Requeue: a terminal failure goes back to pending with attempts reset.
  must(b->fail(c.requests[0].id, "w", "boom", "x", false));
  CHECK(must(b->requeue_failed(ad_platform::meta, 10)) == 1);
  auto v = must(b->get_request(org_a, c.requests[0].id));
  CHECK(v.status == request_status::pending);
  CHECK(v.attempts == 0);
  CHECK_FALSE(v.error);
  // Prune: only finished rows older than the retention go.
  const auto before =
      db.scalar("SELECT count(*) FROM adbatch.batch_request_queue");
  CHECK(must(b->prune(std::chrono::hours(1))) == 0);
  db.exec("UPDATE adbatch.batch_request_queue SET completed_at = now() - "
          "interval '2 hours' "
          "WHERE status = 'cancelled'");
  CHECK(must(b->prune(std::chrono::hours(1))) == 4);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.batch_request_queue") ==
        before - 4);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.batch_request_queue WHERE "
                  "status = 'pending'") == 1);
}

TEST_CASE("stats count per platform and per org", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  enqueue_n(*b, 3);
  must(b->enqueue(meta_request("{}", 5, org_b, conn_b)));
  REQUIRE(must(b->claim(ad_platform::meta, 1, 30s, "w")).requests.size() == 1);
  auto s = must(b->stats(ad_platform::meta));
  CHECK(s.pending == 3);
  CHECK(s.processing == 1);
  CHECK(s.oldest_pending_age_s >= 0);
  auto all = must(b->stats_all());
  REQUIRE(all.size() == 6);
  CHECK(all[0].platform == ad_platform::meta);
  CHECK(all[1].pending == 0);
  auto a = must(b->org_stats(org_a));
  REQUIRE(a.size() == 6);
  CHECK(a[0].pending + a[0].processing == 3);
  auto bs = must(b->org_stats(org_b));
  CHECK(bs[0].pending + bs[0].processing == 1);
}

TEST_CASE("the execution log shares the claim's batch id and aggregates",
          "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  enqueue_n(*b, 3);
  auto c = must(b->claim(ad_platform::meta, 10, 30s, "w"));
  execution_log_row row;
  row.platform = ad_platform::meta;
  row.batch = c.batch;
  row.connection_id = conn_a;
  row.org_id = org_a;
  row.request_count = 3;
  row.api_calls_made = 1;
  row.quota_units = 3;
  row.success_count = 2;
  row.failed_count = 1;
  row.bytes_received = 1234;
  row.duration_ms = 40;
  row.rate_limit_remaining = 97;
  row.rate_limit_reset_at = clock::now() + 60s;
  row.errors_json = R"(["one failed"])";
  row.started_at = clock::now() - 1s;
  row.finished_at = clock::now();
  CHECK(must(b->log_execution(row)) > 0);
  row.rate_limit_hit = true;
  row.success_count = 0;
  row.failed_count = 0;
  row.skipped_count = 3;
  CHECK(must(b->log_execution(row)) > 0);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.batch_execution_log l JOIN "
                  "adbatch.batch_request_queue q USING (batch_id)") == 6);
  auto sum = must(b->execution_log(ad_platform::meta, 24));
  CHECK(sum.batches == 2);
  CHECK(sum.requests == 6);
  CHECK(sum.success == 2);
  CHECK(sum.failed == 1);
  CHECK(sum.skipped == 3);
  CHECK(sum.rate_limit_hits == 1);
  CHECK(sum.bytes_received == 2468);
  CHECK(sum.success_rate == Approx(2.0 / 3.0));
  CHECK(must(b->execution_log(ad_platform::google, 24)).batches == 0);
}

TEST_CASE("a lost connection reports storage_unavailable", "[pg]") {
  test_db db;
  auto b = db.backend();
  must(b->ping());
  CHECK(b->connected());
  auto pid = db.scalar(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
  db.exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
  auto p = b->ping();
  REQUIRE_FALSE(p);
  CHECK(p.error().code == error_code::storage_unavailable);
  CHECK_FALSE(b->connected());
  auto e = b->enqueue(meta_request());
  REQUIRE_FALSE(e);
  CHECK(e.error().code == error_code::storage_unavailable);
  auto bad =
      pg_backend::connect("host=/nonexistent-dir user=postgres dbname=x");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == error_code::storage_unavailable);
}

TEST_CASE(
    "statement timeout bounds a hanging call; the conninfo picks the database",
    "[pg]") {
  test_db db;
  backend_options opts;
  opts.statement_timeout = 100ms;
  auto b = db.backend(opts);
  auto name = b->connection().exec("SELECT current_database()");
  REQUIRE(name);
  CHECK(name->str(0, 0) == db.name());
  auto slow = b->connection().exec("SELECT pg_sleep(2)");
  REQUIRE_FALSE(slow);
  CHECK(slow.error().code == error_code::storage_error);
  CHECK(b->connection().last_sqlstate() == "57014");
  must(b->ping()); // the connection survives a cancelled statement
}

TEST_CASE("claim options skip connections and cap each connection", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  std::vector<enqueue_request> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(
        meta_request("{\"a\":" + std::to_string(i) + "}", 1, org_a, conn_a));
    batch.push_back(
        meta_request("{\"b\":" + std::to_string(i) + "}", 5, org_b, conn_b));
  }
  for (auto& r : b->enqueue_batch(batch))
    must(std::move(r));
  // conn_a is rate-limited: its more urgent rows must not block conn_b.
  claim_options skip_a;
  skip_a.exclude_connections = {conn_a};
  auto c1 = must(b->claim_filtered(ad_platform::meta, 4, 30s, "w", skip_a));
  REQUIRE(c1.requests.size() == 4);
  for (const auto& r : c1.requests)
    CHECK(r.connection_id == conn_b);
  std::vector<request_id> ids;
  for (const auto& r : c1.requests)
    ids.push_back(r.id);
  CHECK(must(b->release(ids, "w", 0ms)).applied.size() == 4);
  // At most 2 per connection, most urgent first.
  claim_options cap;
  cap.per_connection_limit = 2;
  auto c2 = must(b->claim_filtered(ad_platform::meta, 10, 30s, "w", cap));
  REQUIRE(c2.requests.size() == 4);
  CHECK(c2.requests[0].connection_id == conn_a);
  CHECK(c2.requests[1].connection_id == conn_a);
  CHECK(c2.requests[2].connection_id == conn_b);
  CHECK(c2.requests[3].connection_id == conn_b);
  CHECK(c2.requests[0].priority == 1);
  // Both rules together; then the limit cuts across connections.
  cap.exclude_connections = {conn_b};
  auto c3 = must(b->claim_filtered(ad_platform::meta, 1, 30s, "w", cap));
  REQUIRE(c3.requests.size() == 1);
  CHECK(c3.requests[0].connection_id == conn_a);
  claim_options bad;
  bad.exclude_connections = {"nope"};
  CHECK(b->claim_filtered(ad_platform::meta, 1, 30s, "w", bad).error().code ==
        error_code::invalid_argument);
}

TEST_CASE("the lease sweep frees every platform's expired leases", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto r = meta_request();
  r.max_attempts = 1;
  must(b->enqueue(r));
  must(b->enqueue(meta_request("{\"other\":1}")));
  REQUIRE(must(b->claim(ad_platform::meta, 10, 30s, "dead")).requests.size() ==
          2);
  webhook_event e;
  e.platform = ad_platform::tiktok;
  e.external_event_id = "t1";
  must(b->store_event(e));
  REQUIRE(must(b->claim_events(ad_platform::tiktok, 10, 30s, "dead")).size() ==
          1);
  auto none = must(b->reap_expired_leases());
  CHECK(none.requests_reclaimed + none.requests_exhausted +
            none.events_reclaimed ==
        0);
  db.exec("UPDATE adbatch.batch_request_queue SET lease_expires_at = now() - "
          "interval '1 s'; UPDATE adbatch.webhook_events SET lease_expires_at "
          "= now() - interval '1 s'");
  auto swept = must(b->reap_expired_leases());
  CHECK(swept.requests_reclaimed == 1);
  CHECK(swept.requests_exhausted == 1);
  CHECK(swept.events_reclaimed == 1);
  CHECK(swept.events_exhausted == 0);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.batch_request_queue WHERE "
                  "status = 'processing'") == 0);
  CHECK(must(b->stats(ad_platform::meta)).pending == 1);
}

TEST_CASE("an ambiguous failure is terminal, counted, never requeued and "
          "pruned",
          "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto ids = enqueue_n(*b, 3);
  REQUIRE(must(b->claim(ad_platform::meta, 10, 30s, "w")).requests.size() == 3);
  // Retryable with attempts left: still terminal, because the write may
  // have happened upstream.
  failure amb{ids[0], "timed out after sending", "write_timeout", true};
  amb.ambiguous = true;
  auto out = must(
      b->fail_many({amb, {ids[1], "rate limited", "rate_limited", true}}, "w"));
  CHECK(out.applied == std::vector<request_id>{ids[0], ids[1]});
  auto v = must(b->get_request(org_a, ids[0]));
  CHECK(v.status == request_status::ambiguous);
  CHECK(is_terminal(v.status));
  CHECK(v.error == std::optional<std::string>{"timed out after sending"});
  CHECK(v.error_code == std::optional<std::string>{"write_timeout"});
  CHECK(v.attempts == 1);
  CHECK(v.completed_at.has_value());
  CHECK(must(b->get_request(org_a, ids[1])).status == request_status::pending);
  // A late outcome for the row is refused: it is no longer processing.
  CHECK(b->complete(ids[0], "w", "{}").error().code == error_code::conflict);
  // Never claimed again, never requeued.
  db.exec("UPDATE adbatch.batch_request_queue SET next_attempt_at = now()");
  auto again = must(b->claim(ad_platform::meta, 10, 30s, "w"));
  REQUIRE(again.requests.size() == 1);
  CHECK(again.requests[0].id == ids[1]);
  CHECK(must(b->requeue_failed(ad_platform::meta, 10)) == 0);
  CHECK(must(b->get_request(org_a, ids[0])).status ==
        request_status::ambiguous);
  // Listed by status, counted by the stats.
  request_filter f;
  f.status = request_status::ambiguous;
  auto listed = must(b->list_requests(org_a, f));
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == ids[0]);
  CHECK(must(b->stats(ad_platform::meta)).ambiguous_24h == 1);
  CHECK(must(b->stats_all())[0].ambiguous_24h == 1);
  CHECK(must(b->org_stats(org_a))[0].ambiguous_24h == 1);
  CHECK(must(b->org_stats(org_b))[0].ambiguous_24h == 0);
  CHECK(must(b->stats(ad_platform::meta)).failed_24h == 0);
  // The key is free again: only an explicit new enqueue repeats the write.
  auto fresh = must(b->enqueue(meta_request("{\"k\":\"r0\"}")));
  CHECK_FALSE(fresh.deduplicated);
  CHECK(fresh.id != ids[0]);
  // The single-row fail() with ambiguous = false is unchanged.
  auto f2 = must(b->fail(ids[2], "w", "bad", "invalid_parameter", false));
  CHECK(f2.status == request_status::failed);
  // Prune: an ambiguous row is finished.
  db.exec("UPDATE adbatch.batch_request_queue SET completed_at = now() - "
          "interval '2 hours' WHERE status = 'ambiguous'");
  CHECK(must(b->prune(std::chrono::hours(1))) == 1);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.batch_request_queue WHERE "
                  "status = 'ambiguous'") == 0);
}

TEST_CASE("the status CHECK accepts 'ambiguous' and still rejects unknown "
          "statuses",
          "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto ids = enqueue_n(*b, 1);
  REQUIRE(must(b->claim(ad_platform::meta, 1, 30s, "w")).requests.size() == 1);
  // The CHECK constraint knows the status: a raw write of an unknown one
  // still fails, 'ambiguous' is accepted.
  auto c = db.open();
  CHECK_FALSE(
      c->exec("UPDATE adbatch.batch_request_queue SET status = "
              "'maybe', lease_expires_at = NULL, completed_at = now()"));
  failure amb{ids[0], "reset after send", "connection_reset", false};
  amb.ambiguous = true;
  auto out = must(b->fail_many({amb}, "w"));
  CHECK(out.applied == std::vector<request_id>{ids[0]});
  CHECK(db.scalar("SELECT count(*) FROM adbatch.batch_request_queue WHERE "
                  "status = 'ambiguous' AND lease_expires_at IS NULL") == 1);
}
