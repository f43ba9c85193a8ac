// pg_connection on a real PostgreSQL: pipelines (results in order, the
// first error, no deadlock on a pipeline larger than the socket buffers).

#include "tests/persistence/pg_test_db.hpp"

#include <catch2/catch.hpp>

using namespace adbatch::persistence;
using namespace adbatch::persistence::test;

TEST_CASE("a pipeline answers each statement in order", "[pg]") {
  test_db db{false};
  auto conn = db.open();
  std::vector<pg_step> steps;
  for (int i = 0; i < 5; ++i)
    steps.push_back(
        pg_step{"pipe_echo", "SELECT $1::int * 2", {std::to_string(i)}});
  auto out = must(conn->exec_pipeline(steps));
  REQUIRE(out.size() == 5);
  for (int i = 0; i < 5; ++i)
    CHECK(out[i].i64(0, 0) == 2 * i);
  // An empty pipeline is a no-op.
  CHECK(must(conn->exec_pipeline({})).empty());
}

TEST_CASE("a failing pipeline step answers the first error, aborts the "
          "transaction, and leaves the connection usable",
          "[pg]") {
  test_db db{false};
  auto conn = db.open();
  REQUIRE(conn->exec_script("CREATE TABLE pipe_t (x int PRIMARY KEY)"));
  REQUIRE(conn->exec_script("BEGIN"));
  std::vector<pg_step> steps{
      {"pipe_ins", "INSERT INTO pipe_t VALUES ($1::int)", {"1"}},
      {"pipe_ins", "INSERT INTO pipe_t VALUES ($1::int)", {"1"}}, // duplicate
      {"pipe_ins", "INSERT INTO pipe_t VALUES ($1::int)", {"2"}},
  };
  auto r = conn->exec_pipeline(steps);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == error_code::storage_error);
  CHECK(conn->last_sqlstate() == "23505");
  CHECK(r.error().message.find("duplicate key") != std::string::npos);
  conn->rollback_quietly();
  // Nothing of the aborted transaction stayed, and the connection works.
  CHECK(must(conn->exec("SELECT count(*) FROM pipe_t")).i64(0, 0) == 0);
  CHECK(must(conn->exec_pipeline({steps[0]})).size() == 1);
  CHECK(db.scalar("SELECT count(*) FROM pipe_t") == 1);
}

TEST_CASE("a pipeline larger than the socket buffers both ways completes",
          "[pg]") {
  test_db db{false};
  auto conn = db.open();
  // ~8 MB sent and ~8 MB answered: with a blocking send the server would
  // stop reading while its answers wait unread, and both sides would hang.
  const std::string big(4000, 'x');
  std::vector<pg_step> steps;
  for (int i = 0; i < 2000; ++i)
    steps.push_back(pg_step{"pipe_big", "SELECT $1::text || $2::text",
                            {big, std::to_string(i)}});
  auto out = must(conn->exec_pipeline(steps));
  REQUIRE(out.size() == 2000);
  CHECK(out[1999].text(0, 0) == big + "1999");
}

TEST_CASE("a pipeline on a dead connection reports storage_unavailable",
          "[pg]") {
  test_db db{false};
  auto conn = db.open();
  auto victim = must(conn->exec("SELECT pg_backend_pid()")).i64(0, 0);
  db.scalar("SELECT count(*) FROM (SELECT pg_terminate_backend(" +
            std::to_string(victim) + ")) t");
  auto r = conn->exec_pipeline({{"pipe_one", "SELECT 1", {}}});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == error_code::storage_unavailable);
}
