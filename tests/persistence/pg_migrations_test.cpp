// Migrations on a real PostgreSQL: idempotent, concurrent-safe, refuse a
// newer schema; the claim query uses its index.

#include "tests/persistence/pg_test_db.hpp"

#include <catch2/catch.hpp>
#include <thread>

using namespace adbatch::persistence;
using namespace adbatch::persistence::test;

TEST_CASE("migrations apply once and rerun as a no-op", "[pg]") {
  test_db db{false};
  auto conn = db.open();
  CHECK(must(current_schema_version(*conn)) == 0);
  auto first = must(migrate(*conn));
  CHECK(first.from_version == 0);
  CHECK(first.applied == latest_schema_version());
  CHECK(first.to_version == latest_schema_version());
  auto again = must(migrate(*conn));
  CHECK(again.applied == 0);
  CHECK(again.from_version == latest_schema_version());
  CHECK(db.scalar("SELECT count(*) FROM adbatch.adbatch_schema_migrations") ==
        latest_schema_version());
  CHECK(db.scalar("SELECT count(*) FROM pg_roles WHERE rolname IN "
                  "('adbatch_owner','adbatch_app','adbatch_worker')") == 3);
  CHECK(
      db.scalar(
          "SELECT count(*) FROM pg_class WHERE relname = 'batch_request_queue' "
          "AND relrowsecurity AND relforcerowsecurity") == 1);
  // Both key indexes compare request keys bytewise (migration 7).
  CHECK(db.scalar("SELECT count(*) FROM pg_index i "
                  "JOIN pg_class c ON c.oid = i.indexrelid "
                  "JOIN pg_collation k ON k.oid = i.indcollation[0] "
                  "WHERE c.relname IN ('batch_request_queue_active_key', "
                  "'batch_request_queue_completed_key') "
                  "AND k.collname = 'C'") == 2);
  // Finished rows include 'ambiguous' (migration 8) in stats and prune.
  CHECK(db.scalar("SELECT count(*) FROM pg_indexes WHERE indexname = "
                  "'batch_request_queue_finished' AND indexdef LIKE "
                  "'%ambiguous%'") == 1);
  // The later migrations also run again harmlessly (each is written with
  // IF EXISTS / IF NOT EXISTS), e.g. after a manual partial repair.
  for (const auto& m : known_migrations()) {
    if (m.version < 8) continue;
    INFO("migration " << m.version);
    must(conn->exec_script(std::string{"BEGIN; "} + m.sql + "; COMMIT"));
  }
  CHECK(db.scalar("SELECT count(*) FROM pg_indexes WHERE indexname = "
                  "'batch_request_queue_finished'") == 1);
}

TEST_CASE("concurrent migrators serialise on the advisory lock", "[pg]") {
  test_db db{false};
  std::vector<std::thread> threads;
  std::vector<int> applied(4, -1);
  std::vector<std::string> errors(4);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      auto c = pg_connection::open(db.conninfo());
      if (!c) {
        errors[i] = c.error().message;
        return;
      }
      auto m = migrate(**c);
      if (m)
        applied[i] = m->applied;
      else
        errors[i] = m.error().message;
    });
  for (auto& t : threads)
    t.join();
  int total = 0;
  for (int i = 0; i < 4; ++i) {
    INFO(errors[i]);
    CHECK(applied[i] >= 0);
    total += applied[i];
  }
  CHECK(total == latest_schema_version());
  CHECK(db.scalar("SELECT count(*) FROM adbatch.adbatch_schema_migrations") ==
        latest_schema_version());
}

TEST_CASE("a schema newer than the binary is refused", "[pg]") {
  test_db db;
  db.exec("INSERT INTO adbatch.adbatch_schema_migrations (version, name) "
          "VALUES (99, 'from the future')");
  auto conn = db.open();
  auto m = migrate(*conn);
  REQUIRE_FALSE(m);
  CHECK(m.error().code == error_code::schema_too_new);
  INFO(m.error().message);
  CHECK(m.error().message.find("99") != std::string::npos);
  CHECK(m.error().message.find(std::to_string(latest_schema_version())) !=
        std::string::npos);
  // Nothing changed and the connection is usable.
  CHECK(
      db.scalar("SELECT max(version) FROM adbatch.adbatch_schema_migrations") ==
      99);
  CHECK(must(current_schema_version(*conn)) == 99);
}

TEST_CASE("the claim query walks the partial claim index", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  // 4k pending rows (a quarter meta) and 4k completed ones.
  db.exec(
      "INSERT INTO adbatch.batch_request_queue (org_id, platform, "
      "connection_id, request_type, "
      "params, request_key, priority, status, completed_at) "
      "SELECT '" +
      org_a +
      "'::uuid, "
      "CASE WHEN g % 4 = 0 THEN 'meta' ELSE 'google' END, "
      "CASE WHEN g % 4 = 0 THEN '" +
      conn_a + "'::uuid ELSE '" + conn_a_google +
      "'::uuid END, "
      "'get_campaigns', jsonb_build_object('n', g), md5(g::text) || md5((g + "
      "1)::text), "
      "1 + g % 10, CASE WHEN g <= 4000 THEN 'pending' ELSE 'completed' END, "
      "CASE WHEN g <= 4000 THEN NULL ELSE now() END "
      "FROM generate_series(1, 8000) g; ANALYZE adbatch.batch_request_queue;");
  auto conn = db.open();
  auto plan =
      conn->exec("EXPLAIN SELECT id FROM adbatch.batch_request_queue "
                 "WHERE platform = 'meta' AND status = 'pending' AND "
                 "next_attempt_at <= now() "
                 "ORDER BY priority, id LIMIT 20 FOR UPDATE SKIP LOCKED");
  REQUIRE(plan);
  std::string text;
  for (int i = 0; i < plan->size(); ++i)
    text += plan->str(i, 0) + "\n";
  INFO(text);
  CHECK(text.find("batch_request_queue_claim") != std::string::npos);
  CHECK(text.find("Sort") == std::string::npos);
  // And the real claim takes the most urgent rows.
  auto claimed =
      must(b->claim(ad_platform::meta, 100, std::chrono::seconds(30), "w1"));
  REQUIRE(claimed.requests.size() == 100);
  for (const auto& r : claimed.requests)
    CHECK(r.priority == 1);
}

TEST_CASE("a database of an older binary is upgraded step by step", "[pg]") {
  test_db db{false};
  auto conn = db.open();
  // Version 3, as a binary that knew only migrations 1..3 left it.
  must(conn->exec_script(
      "BEGIN; CREATE SCHEMA adbatch; "
      "CREATE TABLE adbatch.adbatch_schema_migrations (version integer "
      "PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL "
      "DEFAULT now())"));
  for (const auto& m : known_migrations()) {
    if (m.version > 3) break;
    must(conn->exec_script(m.sql));
    REQUIRE(conn->exec("INSERT INTO adbatch.adbatch_schema_migrations "
                       "(version, name) VALUES ($1, $2)",
                       {std::to_string(m.version), std::string{m.name}}));
  }
  must(conn->exec_script("COMMIT"));
  CHECK(must(current_schema_version(*conn)) == 3);
  auto up = must(migrate(*conn));
  CHECK(up.from_version == 3);
  CHECK(up.applied == latest_schema_version() - 3);
  CHECK(up.to_version == latest_schema_version());
  CHECK(db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = "
                  "'adbatch' AND indexname IN "
                  "('batch_request_queue_connection_claim', "
                  "'batch_request_queue_org_id', 'webhook_events_claim')") ==
        3);
  CHECK(db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = "
                  "'adbatch' AND indexname IN "
                  "('batch_request_queue_connection_pending', "
                  "'batch_request_queue_org', 'webhook_events_due')") == 0);
}
