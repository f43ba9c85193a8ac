// Org isolation: row-level security as adbatch_app, through the backend and
// with raw SQL under SET ROLE.

#include "tests/persistence/pg_test_db.hpp"

#include <catch2/catch.hpp>

using namespace adbatch::persistence;
using namespace adbatch::persistence::test;
using namespace std::chrono_literals;

TEST_CASE("the backend keeps orgs apart", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto a_id = must(b->enqueue(meta_request("{\"x\":1}"))).id;
  auto b_id = must(b->enqueue(meta_request("{\"x\":1}", 5, org_b, conn_b))).id;
  CHECK(a_id != b_id); // same params, other org: its own row
  CHECK(b->get_request(org_a, b_id).error().code == error_code::not_found);
  CHECK(b->get_request(org_b, a_id).error().code == error_code::not_found);
  CHECK(b->cancel(org_a, b_id).error().code == error_code::not_found);
  CHECK(must(b->cancel_connection(org_a, conn_b, "x")) == 0);
  CHECK(must(b->get_request(org_b, b_id)).status == request_status::pending);
  CHECK(b->get_request("not-a-uuid", a_id).error().code ==
        error_code::invalid_argument);
}

namespace {

/// Runs statements as adbatch_app (optionally with an org) in one
/// transaction and answers the last statement's result.
result<pg_rows> as_app(pg_connection& c, const std::string& org,
                       const std::string& sql) {
  std::string setup = "BEGIN; SET LOCAL ROLE adbatch_app";
  if (!org.empty())
    setup += "; SELECT set_config('adbatch.org_id', '" + org + "', true)";
  if (auto r = c.exec_script(setup); !r) return r.error();
  auto r = c.exec(sql);
  c.rollback_quietly();
  return r;
}

} // namespace

TEST_CASE("raw SQL as adbatch_app sees and touches only its org", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto a_id = must(b->enqueue(meta_request("{\"x\":1}"))).id;
  auto b_id = must(b->enqueue(meta_request("{\"x\":2}", 5, org_b, conn_b))).id;
  auto c = db.open();
  // Org A sees its row only.
  auto rows = as_app(*c, org_a, "SELECT id FROM adbatch.batch_request_queue");
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  CHECK(rows->i64(0, 0) == a_id);
  rows = as_app(*c, org_a, "SELECT count(*) FROM adbatch.platform_connections");
  REQUIRE(rows);
  CHECK(rows->i64(0, 0) == 2); // conn_a and conn_a_google
  // ...cannot update or cancel B's row (0 rows affected)...
  rows = as_app(*c, org_a,
                "UPDATE adbatch.batch_request_queue SET status = 'cancelled', "
                "completed_at = now() WHERE id = " +
                    std::to_string(b_id));
  REQUIRE(rows);
  CHECK(rows->affected() == 0);
  // ...cannot move its own row into B...
  rows = as_app(*c, org_a,
                "UPDATE adbatch.batch_request_queue SET org_id = '" + org_b +
                    "' WHERE id = " + std::to_string(a_id));
  REQUIRE_FALSE(rows);
  CHECK(c->last_sqlstate() == "42501");
  // ...and cannot insert a row for B.
  rows =
      as_app(*c, org_a,
             "INSERT INTO adbatch.batch_request_queue (org_id, platform, "
             "connection_id, "
             "request_type, request_key) VALUES ('" +
                 org_b + "', 'meta', '" + conn_b + "', 't', repeat('a', 64))");
  REQUIRE_FALSE(rows);
  CHECK(c->last_sqlstate() == "42501");
  // Without an org it sees nothing and does not raise.
  rows = as_app(*c, "", "SELECT count(*) FROM adbatch.batch_request_queue");
  REQUIRE(rows);
  CHECK(rows->i64(0, 0) == 0);
  rows = as_app(*c, "", "SELECT count(*) FROM adbatch.platform_connections");
  REQUIRE(rows);
  CHECK(rows->i64(0, 0) == 0);
  // The app role cannot delete.
  rows = as_app(*c, org_a, "DELETE FROM adbatch.batch_request_queue");
  REQUIRE_FALSE(rows);
  CHECK(c->last_sqlstate() == "42501");
  // B's row is untouched.
  CHECK(must(b->get_request(org_b, b_id)).status == request_status::pending);
}

TEST_CASE("adbatch_worker sees every org but cannot change connections",
          "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto c = db.open();
  REQUIRE(c->exec_script("BEGIN; SET LOCAL ROLE adbatch_worker"));
  auto n = c->exec("SELECT count(*) FROM adbatch.platform_connections");
  REQUIRE(n);
  CHECK(n->i64(0, 0) == 3);
  auto del = c->exec("DELETE FROM adbatch.platform_connections");
  REQUIRE_FALSE(del);
  CHECK(c->last_sqlstate() == "42501");
  c->rollback_quietly();
  // The owner is subject to the policies too (FORCE): it sees nothing.
  REQUIRE(c->exec_script("BEGIN; SET LOCAL ROLE adbatch_owner"));
  auto owner = c->exec("SELECT count(*) FROM adbatch.platform_connections");
  REQUIRE(owner);
  CHECK(owner->i64(0, 0) == 0);
  c->rollback_quietly();
}

TEST_CASE(
    "a NOINHERIT non-superuser login that is a member of both roles works",
    "[pg]") {
  test_db db;
  // Roles are cluster-wide: tolerate a concurrent creator.
  db.exec(
      "DO $$ BEGIN CREATE ROLE adbatch_test_login LOGIN; "
      "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$; "
      "ALTER ROLE adbatch_test_login NOINHERIT; "
      "GRANT adbatch_app, adbatch_worker TO adbatch_test_login; "
      "GRANT CONNECT ON DATABASE " +
      db.name() + " TO adbatch_test_login");
  auto b = pg_backend::connect(db.conninfo() + " user=adbatch_test_login");
  INFO((b ? std::string{} : b.error().message));
  REQUIRE(b);
  auto who =
      (*b)->connection().exec("SELECT current_user, usesuper FROM pg_user "
                              "WHERE usename = current_user");
  REQUIRE(who);
  CHECK(who->str(0, 0) == "adbatch_test_login");
  CHECK_FALSE(who->boolean(0, 1));
  add_standard_connections(**b);
  auto id = must((*b)->enqueue(meta_request())).id;
  auto c = must((*b)->claim(ad_platform::meta, 10, 30s, "w"));
  REQUIRE(c.requests.size() == 1);
  must((*b)->complete(id, "w", "{}"));
  CHECK(must((*b)->get_request(org_a, id)).status == request_status::completed);
  CHECK((*b)->get_request(org_b, id).error().code == error_code::not_found);
  // NOINHERIT: outside the backend's SET ROLE the login has no privileges
  // of its own (with INHERIT it would have the worker's cross-org view).
  auto direct = (*b)->connection().exec(
      "SELECT count(*) FROM adbatch.batch_request_queue");
  REQUIRE_FALSE(direct);
  CHECK((*b)->connection().last_sqlstate() == "42501");
}

TEST_CASE("list_requests pages through one org's requests", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  std::vector<request_id> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(
        must(b->enqueue(meta_request("{\"i\":" + std::to_string(i) + "}"))).id);
  must(b->enqueue(meta_request("{}", 5, org_b, conn_b)));
  must(b->cancel(org_a, ids[1]));
  request_filter f;
  f.limit = 2;
  auto page1 = must(b->list_requests(org_a, f));
  REQUIRE(page1.size() == 2);
  CHECK(page1[0].id == ids[4]);
  CHECK(page1[1].id == ids[3]);
  f.before_id = page1.back().id;
  f.limit = 10;
  auto page2 = must(b->list_requests(org_a, f));
  REQUIRE(page2.size() == 3);
  CHECK(page2.back().id == ids[0]);
  request_filter cancelled;
  cancelled.status = request_status::cancelled;
  auto c = must(b->list_requests(org_a, cancelled));
  REQUIRE(c.size() == 1);
  CHECK(c[0].id == ids[1]);
  request_filter google;
  google.platform = ad_platform::google;
  CHECK(must(b->list_requests(org_a, google)).empty());
  CHECK(must(b->list_requests(org_b, request_filter{})).size() == 1);
  request_filter bad;
  bad.limit = 0;
  CHECK(b->list_requests(org_a, bad).error().code ==
        error_code::invalid_argument);
}
