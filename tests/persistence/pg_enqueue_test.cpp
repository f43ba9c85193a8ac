// Enqueue on a real PostgreSQL: validation, de-duplication (also under
// concurrent enqueuers), the completed-within-window rule.

#include "tests/persistence/pg_test_db.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <numeric>
#include <random>
#include <thread>

using namespace adbatch::persistence;
using namespace adbatch::persistence::test;
using namespace std::chrono_literals;

namespace {

std::int64_t queue_rows(const test_db& db) {
  return db.scalar("SELECT count(*) FROM adbatch.batch_request_queue");
}

} // namespace

TEST_CASE("enqueue stores a pending request the org can read back", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto r = must(b->enqueue(meta_request(R"({"b":1,"a":{"d":2,"c":1}})", 3)));
  CHECK_FALSE(r.deduplicated);
  auto v = must(b->get_request(org_a, r.id));
  CHECK(v.id == r.id);
  CHECK(v.org_id == org_a);
  CHECK(v.platform == ad_platform::meta);
  CHECK(v.connection_id == conn_a);
  CHECK(v.request_type == "get_campaigns");
  CHECK(v.status == request_status::pending);
  CHECK(v.priority == 3);
  CHECK(v.attempts == 0);
  CHECK(v.max_attempts == 3);
  CHECK_FALSE(v.result);
  CHECK_FALSE(v.completed_at);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.batch_request_queue WHERE "
                  "params = '{\"a\":{\"c\":1,\"d\":2},\"b\":1}'::jsonb") == 1);
  // Same request, other key order: the same row.
  auto again =
      must(b->enqueue(meta_request(R"({"a":{"c":1,"d":2},"b":1})", 3)));
  CHECK(again.id == r.id);
  CHECK(again.deduplicated);
  CHECK(queue_rows(db) == 1);
}

TEST_CASE("a batch commits valid items and rejects invalid ones individually",
          "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  std::vector<enqueue_request> batch;
  batch.push_back(meta_request(R"({"n":1})")); // 0 ok
  batch.push_back(meta_request(R"({"n":1})")); // 1 dup of 0
  auto bad = meta_request();
  bad.platform = "pinterest";
  batch.push_back(bad); // 2
  bad = meta_request();
  bad.priority = 11;
  batch.push_back(bad); // 3
  bad = meta_request("[1]");
  batch.push_back(bad); // 4
  bad = meta_request();
  bad.org_id = "";
  batch.push_back(bad); // 5
  bad = meta_request();
  bad.connection_id = "";
  batch.push_back(bad); // 6
  batch.push_back(
      meta_request(R"({"n":2})", 5, org_a, conn_b)); // 7 B's connection
  auto wrong_platform = meta_request(R"({"n":3})", 5, org_a, conn_a_google);
  batch.push_back(wrong_platform); // 8 google conn
  batch.push_back(meta_request(R"({"n":4})", 5, org_b, conn_b)); // 9 ok, org B
  batch.push_back(
      meta_request(R"({"n":5})", 5, org_a,
                   "aaaaaaaa-9999-4000-8000-000000000009")); // 10 unknown
  auto res = b->enqueue_batch(batch);
  REQUIRE(res.size() == batch.size());
  REQUIRE(res[0]);
  CHECK_FALSE(res[0]->deduplicated);
  REQUIRE(res[1]);
  CHECK(res[1]->id == res[0]->id);
  CHECK(res[1]->deduplicated);
  auto expect = [&](std::size_t i, std::string_view needle) {
    REQUIRE_FALSE(res[i]);
    CHECK(res[i].error().code == error_code::invalid_argument);
    INFO(i << ": " << res[i].error().message);
    CHECK(res[i].error().message.find(needle) != std::string::npos);
  };
  expect(2, "unknown platform");
  expect(3, "priority");
  expect(4, "JSON object");
  expect(5, "org_id is missing");
  expect(6, "connection_id is missing");
  expect(7, "does not exist for org");
  expect(8, "belongs to platform google");
  REQUIRE(res[9]);
  expect(10, "does not exist for org");
  CHECK(queue_rows(db) == 2);
}

TEST_CASE("disabled connections and rejected request types store nothing",
          "[pg]") {
  test_db db;
  backend_options opts;
  opts.validate_request_type = [](ad_platform, std::string_view type,
                                  std::string_view) -> std::string {
    return type == "get_campaigns"
               ? ""
               : "unknown request type '" + std::string{type} + "'";
  };
  auto b = db.backend(opts);
  add_standard_connections(*b);
  auto r = meta_request();
  r.request_type = "delete_everything";
  auto res = b->enqueue(r);
  REQUIRE_FALSE(res);
  CHECK(res.error().message == "unknown request type 'delete_everything'");
  must(b->set_connection_enabled(org_a, conn_a, false));
  res = b->enqueue(meta_request());
  REQUIRE_FALSE(res);
  CHECK(res.error().message.find("disabled") != std::string::npos);
  CHECK(queue_rows(db) == 0);
  // Another org cannot flip A's connection.
  auto other = b->set_connection_enabled(org_b, conn_a, true);
  REQUIRE_FALSE(other);
  CHECK(other.error().code == error_code::not_found);
}

TEST_CASE("8 concurrent enqueuers get one row per distinct request", "[pg]") {
  test_db db;
  add_standard_connections(*db.backend());
  constexpr int threads_n = 8;
  constexpr int distinct = 40;
  // Every thread enqueues the same 40 requests in its own shuffled order,
  // 10 per batch, so the transactions overlap and wait on each other's
  // uncommitted keys (in an order that would deadlock without key-ordered
  // inserts).
  std::vector<std::map<int, request_id>> seen(threads_n);
  std::vector<std::string> errors(threads_n);
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_n; ++t)
    threads.emplace_back([&, t] {
      auto b = pg_backend::connect(db.conninfo());
      if (!b) {
        errors[t] = b.error().message;
        return;
      }
      std::vector<int> order(distinct);
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(),
                   std::mt19937{static_cast<unsigned>(t)});
      for (int round = 0; round < distinct; round += 10) {
        std::vector<enqueue_request> batch;
        std::vector<int> which;
        for (int k = 0; k < 10; ++k) {
          int n = order[round + k];
          which.push_back(n);
          batch.push_back(meta_request("{\"n\":" + std::to_string(n) + "}"));
        }
        auto res = (*b)->enqueue_batch(batch);
        for (std::size_t i = 0; i < res.size(); ++i) {
          if (!res[i]) {
            errors[t] = res[i].error().message;
            return;
          }
          seen[t][which[i]] = res[i]->id;
        }
      }
    });
  for (auto& th : threads)
    th.join();
  for (int t = 0; t < threads_n; ++t) {
    INFO("thread " << t << ": " << errors[t]);
    CHECK(errors[t].empty());
    CHECK(seen[t].size() == distinct);
  }
  CHECK(queue_rows(db) == distinct);
  for (int n = 0; n < distinct; ++n)
    for (int t = 1; t < threads_n; ++t)
      CHECK(seen[t][n] == seen[0][n]);
}

TEST_CASE("a request completed within the window returns that row", "[pg]") {
  test_db db;
  backend_options opts;
  opts.dedup_window = 300s;
  auto b = db.backend(opts);
  add_standard_connections(*b);
  auto first = must(b->enqueue(meta_request()));
  auto claimed = must(b->claim(ad_platform::meta, 10, 30s, "w1"));
  REQUIRE(claimed.requests.size() == 1);
  must(b->complete(first.id, "w1", R"({"data":[1,2]})"));
  auto again = must(b->enqueue(meta_request()));
  CHECK(again.id == first.id);
  CHECK(again.deduplicated);
  auto view = must(b->get_request(org_a, again.id));
  CHECK(view.status == request_status::completed);
  CHECK(view.result == std::optional<std::string>{R"({"data": [1, 2]})"});
  // Outside the window: a new row.
  db.exec("UPDATE adbatch.batch_request_queue SET completed_at = now() - "
          "interval '301 s'");
  auto later = must(b->enqueue(meta_request()));
  CHECK(later.id != first.id);
  CHECK_FALSE(later.deduplicated);
}

TEST_CASE("window 0 turns the completed rule off", "[pg]") {
  test_db db;
  backend_options opts;
  opts.dedup_window = 0s;
  auto b = db.backend(opts);
  add_standard_connections(*b);
  auto first = must(b->enqueue(meta_request()));
  REQUIRE(must(b->claim(ad_platform::meta, 10, 30s, "w1")).requests.size() ==
          1);
  must(b->complete(first.id, "w1", "{}"));
  auto again = must(b->enqueue(meta_request()));
  CHECK(again.id != first.id);
  CHECK_FALSE(again.deduplicated);
  // ...but an active row still deduplicates.
  auto third = must(b->enqueue(meta_request()));
  CHECK(third.id == again.id);
  CHECK(third.deduplicated);
}

TEST_CASE("connections validate their input", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  platform_connection c;
  c.connection_id = conn_a;
  c.org_id = org_a;
  auto dup = b->add_connection(c);
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == error_code::conflict);
  c.connection_id = "cccccccc-1111-4000-8000-000000000001";
  c.token_ref = "EAABsbCS1iHgBA...secret";
  auto tok = b->add_connection(c);
  REQUIRE_FALSE(tok);
  CHECK(tok.error().code == error_code::invalid_argument);
  c.token_ref = "env:OK";
  c.account_ids = "[]";
  CHECK_FALSE(b->add_connection(c));
  // Typed columns come from account_ids.
  CHECK(db.scalar("SELECT count(*) FROM adbatch.platform_connections WHERE "
                  "ad_account_id = 'act_1' AND business_id = 'b_1'") == 1);
  auto got = must(b->get_connection(conn_a_google));
  CHECK(got.platform == ad_platform::google);
  CHECK(got.token_ref == "env:GOOGLE_TOKEN_A");
  CHECK(must(b->list_connections(ad_platform::meta)).size() == 2);
  CHECK(
      b->get_connection("cccccccc-1111-4000-8000-000000000009").error().code ==
      error_code::not_found);
}
