// X API v2 simulator over loopback HTTP (suite 'net'): tweepy-shaped calls
// (comma lists encoded as %2C, Bearer auth), x-rate-limit-* headers, 429.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <chrono>

#include "net/http_client.hpp"
#include "sim/core/test_harness.hpp"
#include "sim/twitter/twitter_data.hpp"

using namespace adbatch;
namespace json = boost::json;

namespace {

sim::harness_options plain(double limit_scale) {
  sim::harness_options o;
  o.tls = false;
  o.limit_scale = limit_scale;
  return o;
}

const net::header_list bearer{{"Authorization", "Bearer AAAA-test"}};

std::string ids_param(int from, int to, bool tweets = false) {
  std::string s;
  for (int i = from; i <= to; ++i)
    s += (i > from ? "%2C" : "") + (tweets ? sim::twitter::tweet_id(i) : sim::twitter::user_id(i));
  return s;
}

} // namespace

TEST_CASE("x over HTTP: lookups, problems, headers, counters", "[net][twitter]") {
  sim::test_harness sim{"twitter", plain(1.0)};
  net::http_client c{sim.client_options()};
  auto base = sim.base_url("twitter");

  auto users = c.get(base + "/2/users?ids=" + ids_param(1, 3) + "%2C77&user.fields=created_at",
                     bearer);
  REQUIRE(users.ok());
  CHECK(users->status == 200);
  auto b = json::parse(users->body).as_object();
  REQUIRE(b.at("data").as_array().size() == 3);
  CHECK(b.at("data").as_array()[2].at("id").as_string() == sim::twitter::user_id(3));
  CHECK(b.at("errors").as_array()[0].at("resource_id").as_string() == "77");
  CHECK(users->header("x-rate-limit-limit") == std::optional<std::string>("300"));
  CHECK(users->header("x-rate-limit-remaining") == std::optional<std::string>("299"));
  auto reset = std::stoll(*users->header("x-rate-limit-reset"));
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  CHECK(reset > now);
  CHECK(reset <= now + 905);

  auto tweets = c.get(base + "/2/tweets?ids=" + ids_param(10, 12, true) + "&expansions=author_id",
                      bearer);
  REQUIRE(tweets.ok());
  auto tb = json::parse(tweets->body).as_object();
  CHECK(tb.at("data").as_array().size() == 3);
  CHECK(tb.at("includes").at("users").as_array().size() == 3);

  auto too_many = c.get(base + "/2/users?ids=" + ids_param(1, 101), bearer);
  REQUIRE(too_many.ok());
  CHECK(too_many->status == 400);
  CHECK(json::parse(too_many->body).at("title").as_string() == "Invalid Request");
  CHECK(too_many->header("x-rate-limit-remaining") == std::optional<std::string>("298"));

  auto unauth = c.get(base + "/2/users?ids=1");
  REQUIRE(unauth.ok());
  CHECK(unauth->status == 401);

  auto counters = sim.server().counters("twitter");
  CHECK(counters.endpoints["users"].calls == 3);
  CHECK(counters.endpoints["users"].items == 3);
  CHECK(counters.endpoints["users"].errors == 2);
  CHECK(counters.endpoints["tweets"].items == 3);
}

TEST_CASE("x over HTTP: a spent 15-minute window answers 429", "[net][twitter]") {
  sim::test_harness sim{"twitter", plain(0.01)};  // 3 per window for an app
  net::http_client c{sim.client_options()};
  auto url = sim.base_url("twitter") + "/2/users/by?usernames=sim1,sim2";
  for (int i = 0; i < 3; ++i) {
    auto r = c.get(url, bearer);
    REQUIRE(r.ok());
    CHECK(r->status == 200);
  }
  auto r = c.get(url, bearer);
  REQUIRE(r.ok());
  CHECK(r->status == 429);
  CHECK(r->header("x-rate-limit-remaining") == std::optional<std::string>("0"));
  CHECK(r->header("x-rate-limit-reset").has_value());
  CHECK(json::parse(r->body).at("errors").as_array()[0].at("code").as_int64() == 88);
  auto counters = sim.server().counters("twitter");
  CHECK(counters.endpoints["users/by"].calls == 4);
  CHECK(counters.endpoints["users/by"].throttles == 1);
  CHECK(counters.endpoints["users/by"].items == 6);
}
