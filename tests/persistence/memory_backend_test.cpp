// The in-memory backend (used by the storage actor's unit tests) follows
// the PostgreSQL backend's rules for the ambiguous status. The PostgreSQL
// side: pg_claim_test.cpp.

#include "persistence/memory_backend.hpp"

#include <catch2/catch.hpp>

using namespace adbatch::persistence;
using namespace std::chrono_literals;

namespace {

const std::string org_a = "aaaaaaaa-0000-4000-8000-000000000001";
const std::string org_b = "bbbbbbbb-0000-4000-8000-000000000002";
const std::string conn_a = "aaaaaaaa-1111-4000-8000-000000000001";
const std::string conn_b = "bbbbbbbb-1111-4000-8000-000000000002";

struct fixture {
  std::shared_ptr<memory_store> store = std::make_shared<memory_store>();
  time_point now = clock::now();
  memory_backend b{store, {}};

  fixture() {
    store->now = [this] { return now; };
    platform_connection c;
    c.connection_id = conn_a;
    c.org_id = org_a;
    REQUIRE(b.add_connection(c));
    c.connection_id = conn_b;
    c.org_id = org_b;
    REQUIRE(b.add_connection(c));
  }

  request_id enqueue(int n) {
    auto r =
        b.enqueue(enqueue_request{org_a, "meta", conn_a, "get_campaigns",
                                  "{\"n\":" + std::to_string(n) + "}", 5, 3});
    REQUIRE(r);
    return r->id;
  }
};

} // namespace

TEST_CASE_METHOD(fixture, "memory backend: an ambiguous failure is terminal, "
                          "counted and pruned") {
  auto a = enqueue(1), p = enqueue(2);
  REQUIRE(b.claim(ad_platform::meta, 10, 30s, "w")->requests.size() == 2);
  failure amb{a, "timed out after sending", "write_timeout", true};
  amb.ambiguous = true;
  auto out = b.fail_many({amb, {p, "later", "http_503", true}}, "w");
  REQUIRE(out);
  CHECK(out->applied.size() == 2);
  auto v = b.get_request(org_a, a);
  REQUIRE(v);
  CHECK(v->status == request_status::ambiguous);
  CHECK(v->error_code == std::optional<std::string>{"write_timeout"});
  CHECK(v->completed_at.has_value());
  CHECK(b.get_request(org_a, p)->status == request_status::pending);
  CHECK(b.stats(ad_platform::meta)->ambiguous_24h == 1);
  CHECK(b.org_stats(org_a)->at(0).ambiguous_24h == 1);
  CHECK(*b.requeue_failed(ad_platform::meta, 10) == 0);
  now += 2h;
  CHECK(*b.prune(1h) == 1);
  CHECK_FALSE(b.get_request(org_a, a));
}
