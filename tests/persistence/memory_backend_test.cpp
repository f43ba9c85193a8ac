// The in-memory backend (used by the storage actor's unit tests) follows
// the PostgreSQL backend's rules for the ambiguous status and for sealed
// connection tokens. The PostgreSQL side: pg_claim_test.cpp, pg_token_test.cpp.

#include "persistence/memory_backend.hpp"
#include "persistence/token_cipher.hpp"

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

token_cipher make_cipher(std::map<std::string, std::string> keys,
                         std::string active) {
  auto c = token_cipher::create(std::move(keys), std::move(active));
  REQUIRE(c);
  return std::move(c).value();
}

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

TEST_CASE_METHOD(fixture, "memory backend: tokens are org-scoped, stored "
                          "sealed and rotated") {
  auto k1 = make_cipher({{"k1", std::string(32, 'a')}}, "k1");
  auto sealed = *k1.seal("tok-a", conn_a);
  CHECK(b.set_connection_token(org_a, conn_a, sealed));
  // Another org's connection is not found, and nothing changes.
  CHECK(b.set_connection_token(org_b, conn_a, sealed).error().code ==
        error_code::not_found);
  CHECK(b.clear_connection_token(org_b, conn_a).error().code ==
        error_code::not_found);
  auto got = b.get_connection_secret(conn_a);
  REQUIRE(got);
  REQUIRE(got->token);
  CHECK(got->token->ciphertext == sealed.ciphertext);
  CHECK(got->connection.org_id == org_a);
  CHECK_FALSE(b.get_connection_secret(conn_b)->token);
  // Rotation to k2.
  auto both = make_cipher(
      {{"k1", std::string(32, 'a')}, {"k2", std::string(32, 'b')}}, "k2");
  auto rot =
      b.rotate_tokens("k2", 10,
                      [&](const std::string& id,
                          const sealed_token& old) -> result<sealed_token> {
                        auto plain = both.open(old, id);
                        if (!plain) return plain.error();
                        return both.seal(*plain, id);
                      });
  REQUIRE(rot);
  CHECK(rot->resealed == 1);
  CHECK(rot->failed == 0);
  auto now_sealed = *b.get_connection_secret(conn_a)->token;
  CHECK(now_sealed.key_id == "k2");
  CHECK(*both.open(now_sealed, conn_a) == "tok-a");
  CHECK(b.clear_connection_token(org_a, conn_a));
  CHECK_FALSE(b.get_connection_secret(conn_a)->token);
}

TEST_CASE_METHOD(fixture, "memory backend: save_progress gives rows back with "
                          "their progress and the unused attempt") {
  auto a = enqueue(1), w = enqueue(2);
  REQUIRE(b.claim(ad_platform::meta, 10, 30s, "w")->requests.size() == 2);
  CHECK(b.save_progress({{a, R"({"job":1})", 0ms}}, "other")->applied.empty());
  auto out = b.save_progress(
      {{a, R"({"job":1})", 0ms}, {w, R"({"job":2})", 60s}}, "w");
  REQUIRE(out);
  CHECK(out->applied.size() == 2);
  auto again = b.claim(ad_platform::meta, 10, 30s, "w");
  REQUIRE(again);
  REQUIRE(again->requests.size() == 1);
  CHECK(again->requests[0].id == a);
  CHECK(again->requests[0].attempts == 1);
  CHECK(again->requests[0].progress == R"({"job":1})");
  REQUIRE(b.complete(a, "w", "{}"));
  now += 61s;
  auto later = b.claim(ad_platform::meta, 10, 30s, "w");
  REQUIRE(later->requests.size() == 1);
  CHECK(later->requests[0].progress == R"({"job":2})");
}
