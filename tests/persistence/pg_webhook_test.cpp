// Webhook event storage on a real PostgreSQL: store before ack with
// idempotent re-deliveries, invalid signatures never processed, claims with
// leases, retries and pruning.

#include "tests/persistence/pg_test_db.hpp"

#include <catch2/catch.hpp>
#include <thread>

using namespace adbatch::persistence;
using namespace adbatch::persistence::test;
using namespace std::chrono_literals;

namespace {

webhook_event lead_event(const std::string& ext_id) {
  webhook_event e;
  e.platform = ad_platform::meta;
  e.external_event_id = ext_id;
  e.event_type = "leadgen";
  e.signature_valid = true;
  e.headers_json = R"({"content-type":["application/json"]})";
  e.payload_json = R"({"entry":[{"id":"1","changes":[{"field":"leadgen"}]}]})";
  e.source_ip = "127.0.0.1";
  e.user_agent = "facebookexternalua";
  return e;
}

} // namespace

TEST_CASE("webhook re-deliveries are stored once, also concurrently", "[pg]") {
  test_db db;
  auto b = db.backend();
  auto first = must(b->store_event(lead_event("evt-1")));
  CHECK_FALSE(first.duplicate);
  auto again = must(b->store_event(lead_event("evt-1")));
  CHECK(again.duplicate);
  CHECK(again.id == first.id);
  // Same id on another platform is another event; no id = never a duplicate.
  auto other = lead_event("evt-1");
  other.platform = ad_platform::tiktok;
  CHECK_FALSE(must(b->store_event(other)).duplicate);
  auto anon = lead_event("x");
  anon.external_event_id.reset();
  CHECK_FALSE(must(b->store_event(anon)).duplicate);
  CHECK_FALSE(must(b->store_event(anon)).duplicate);
  // 4 threads deliver the same 10 events.
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      auto w = pg_backend::connect(db.conninfo());
      if (!w) {
        errors[t] = w.error().message;
        return;
      }
      for (int i = 0; i < 10; ++i)
        if (auto r = (*w)->store_event(lead_event("c-" + std::to_string(i)));
            !r)
          errors[t] = r.error().message;
    });
  for (auto& th : threads)
    th.join();
  for (auto& e : errors)
    CHECK(e.empty());
  CHECK(db.scalar("SELECT count(*) FROM adbatch.webhook_events WHERE "
                  "external_event_id LIKE 'c-%'") == 10);
  // Bad input stores nothing.
  auto bad = lead_event("bad");
  bad.headers_json = "[]";
  CHECK(b->store_event(bad).error().code == error_code::invalid_argument);
  bad = lead_event("bad");
  bad.connection_id = "aaaaaaaa-9999-4000-8000-000000000009";
  CHECK(b->store_event(bad).error().code == error_code::invalid_argument);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.webhook_events WHERE "
                  "external_event_id = 'bad'") == 0);
}

TEST_CASE("webhook events are claimed under a lease and finished", "[pg]") {
  test_db db;
  backend_options opts;
  opts.jitter_source = [] { return 0.0; };
  auto b = db.backend(opts);
  add_standard_connections(*b);
  auto forged = lead_event("forged");
  forged.signature_valid = false;
  auto forged_id = must(b->store_event(forged)).id;
  auto e1 = must(b->store_event(lead_event("e1"))).id;
  auto e2 = must(b->store_event(lead_event("e2"))).id;
  auto claimed = must(b->claim_events(ad_platform::meta, 10, 30s, "p1"));
  REQUIRE(claimed.size() == 2); // never the forged one
  CHECK(claimed[0].id == e1);
  CHECK(claimed[1].id == e2);
  CHECK(claimed[0].attempts == 1);
  CHECK(claimed[0].payload_json.find("leadgen") != std::string::npos);
  CHECK(db.scalar(
            "SELECT count(*) FROM adbatch.webhook_events WHERE id = " +
            std::to_string(forged_id) +
            " AND status = 'ignored' AND error_code = 'invalid_signature'") ==
        1);
  // Finish e1 with the org it turned out to belong to.
  must(b->finish_event(e1, "p1", webhook_status::processed, org_a, conn_a));
  CHECK(b->finish_event(e1, "p1", webhook_status::processed).error().code ==
        error_code::conflict);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.webhook_events WHERE status = "
                  "'processed' "
                  "AND org_id = '" +
                  org_a + "' AND processed_at IS NOT NULL") == 1);
  // e2 fails twice (retry after 60 s, then 120 s), then terminally.
  auto f1 = must(b->fail_event(e2, "p1", "downstream 503", "http_503", true));
  CHECK(f1.status == webhook_status::received);
  REQUIRE(f1.next_attempt_at);
  CHECK(std::chrono::duration<double>(*f1.next_attempt_at - clock::now())
            .count() > 55);
  CHECK(must(b->claim_events(ad_platform::meta, 10, 30s, "p1"))
            .empty()); // not due
  db.exec("UPDATE adbatch.webhook_events SET next_attempt_at = now()");
  REQUIRE(must(b->claim_events(ad_platform::meta, 10, 30s, "p1")).size() == 1);
  // The lease expires; another processor takes over and the first is refused.
  db.exec("UPDATE adbatch.webhook_events SET lease_expires_at = now() - "
          "interval '1 s' "
          "WHERE status = 'processing'");
  auto taken = must(b->claim_events(ad_platform::meta, 10, 30s, "p2"));
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].attempts == 3);
  CHECK(b->fail_event(e2, "p1", "late", "x", true).error().code ==
        error_code::conflict);
  auto f3 = must(b->fail_event(e2, "p2", "still 503", "http_503", true));
  CHECK(f3.status == webhook_status::failed);
  CHECK_FALSE(f3.next_attempt_at);
  // Pruning removes only finished events older than the retention.
  CHECK(must(b->prune_events(1h)) == 0);
  db.exec("UPDATE adbatch.webhook_events SET received_at = now() - interval '2 "
          "hours'");
  CHECK(must(b->prune_events(1h)) == 3); // processed, failed, ignored
  CHECK(db.scalar("SELECT count(*) FROM adbatch.webhook_events") == 0);
}
