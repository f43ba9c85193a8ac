#include "platforms/common/pipeline.hpp"
#include "platforms/common/platform_table.hpp"
#include "platforms/common/token_bucket.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using adbatch::platforms::token_bucket;

namespace {
token_bucket::time_point t0{};
}

TEST_CASE("token bucket: starts full and refills at capacity / period",
          "[token_bucket]") {
  token_bucket b{10, 10s, t0};
  for (int i = 0; i < 10; ++i)
    CHECK(b.acquire(1, t0, 0s).granted);
  auto g = b.acquire(1, t0, 0s);
  CHECK_FALSE(g.granted);
  CHECK(g.wait == 1s); // one unit per second
  CHECK(b.acquire(1, t0 + 1s, 0s).granted);
  CHECK(b.available(t0 + 100s) == Approx(10)); // never above capacity
}

TEST_CASE("token bucket: a grant within max_wait reserves in order",
          "[token_bucket]") {
  token_bucket b{4, 4s, t0};
  CHECK(b.acquire(4, t0, 0s).granted);
  auto first = b.acquire(2, t0, 10s);
  REQUIRE(first.granted);
  CHECK(first.wait == 2s);
  auto second = b.acquire(2, t0, 10s);
  REQUIRE(second.granted);
  CHECK(second.wait == 4s); // queued behind the first reservation
  auto denied = b.acquire(2, t0, 5s);
  CHECK_FALSE(denied.granted);
  CHECK(denied.wait == 6s);
  // A denial reserved nothing.
  CHECK(b.available(t0) == Approx(-4));
}

TEST_CASE("token bucket: a call dearer than the capacity goes when full",
          "[token_bucket]") {
  token_bucket b{10, 10s, t0};
  CHECK(b.acquire(25, t0, 0s).granted);
  CHECK(b.available(t0) == Approx(-15));
  auto g = b.acquire(25, t0, 0s);
  CHECK_FALSE(g.granted);
  CHECK(g.wait == 25s); // from -15 back to a full 10
}

TEST_CASE("token bucket: refund gives unused units back", "[token_bucket]") {
  token_bucket b{5, 5s, t0};
  CHECK(b.acquire(5, t0, 0s).granted);
  b.refund(3, t0);
  CHECK(b.available(t0) == Approx(3));
  b.refund(30, t0);
  CHECK(b.available(t0) == Approx(5));
}

TEST_CASE("platform table: names, defaults and parsing", "[platform_table]") {
  using namespace adbatch::platforms;
  CHECK(platform_table.size() == 6);
  for (std::size_t i = 0; i < platform_table.size(); ++i)
    CHECK(static_cast<std::size_t>(platform_table[i].id) == i);
  CHECK(name_of(platform_id::twitter) == "twitter");
  CHECK(parse_platform_name("x") == platform_id::twitter);
  CHECK(parse_platform_name("google") == platform_id::google);
  CHECK_FALSE(parse_platform_name("pinterest"));
  CHECK(info(platform_id::meta).sim_port == 18101);
  CHECK(info(platform_id::linkedin).flush_interval ==
        std::chrono::seconds{1800});
}

TEST_CASE("pipeline: cost_of sums units and calls", "[pipeline]") {
  using namespace adbatch::platforms;
  plan p;
  p.calls.resize(3);
  p.calls[0].quota_units = 5;
  p.calls[1].quota_units = 1;
  p.calls[2].quota_units = 0;
  CHECK(cost_of(p) == plan_cost{6, 3});
  upstream_reply r;
  r.headers["x-app-usage"] = "{}";
  CHECK(r.header("x-app-usage") == std::string{"{}"});
  CHECK_FALSE(r.header("retry-after"));
}
