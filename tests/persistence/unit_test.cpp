// Pure logic of the persistence area: request keys, canonical JSON,
// backoff, priorities, validation. No database.

#include "persistence/backoff.hpp"
#include "persistence/request_key.hpp"
#include "persistence/types.hpp"
#include "persistence/validation.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace adbatch::persistence;
using namespace std::chrono_literals;

namespace {

const char* org = "11111111-1111-1111-1111-111111111111";
const char* conn = "22222222-2222-2222-2222-222222222222";

std::string key_of(std::string_view platform, std::string_view o,
                   std::string_view c, std::string_view type,
                   std::string_view params) {
  return request_key(platform, o, c, type, boost::json::parse(params));
}

} // namespace

TEST_CASE("canonical JSON sorts keys recursively and drops whitespace") {
  auto a = boost::json::parse(
      R"({"b": 1, "a": {"y": [3, {"q": 1, "p": 2}], "x": null}})");
  CHECK(canonical_json(a) == R"({"a":{"x":null,"y":[3,{"p":2,"q":1}]},"b":1})");
  CHECK(canonical_json(boost::json::parse("[2, 1]")) == "[2,1]");
}

TEST_CASE("request key ignores key order, nesting order and whitespace") {
  auto k1 = key_of("meta", org, conn, "get_campaigns",
                   R"({"fields": ["id", "name"], "filter": {"b": 2, "a": 1}})");
  auto k2 = key_of(
      "meta", org, conn, "get_campaigns",
      "{ \"filter\" : {\"a\":1,\n \"b\":2}, \"fields\":[\"id\",\"name\"] }");
  CHECK(k1 == k2);
  CHECK(k1.size() == 64);
  CHECK(k1.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("the key from canonical params equals the key from the document") {
  auto doc = boost::json::parse(R"({"z": [1, {"b": 2, "a": 1}], "a": "x"})");
  CHECK(request_key_of_canonical("meta", org, conn, "get_campaigns",
                                 canonical_json(doc)) ==
        request_key("meta", org, conn, "get_campaigns", doc));
  // A known value pins the byte layout (length-prefixed fields): keys stored
  // by an earlier build must keep matching.
  CHECK(key_of("meta", org, conn, "t", "{}") ==
        sha256_hex(std::string{"4:meta\n36:"} + org + "\n36:" + conn +
                   "\n1:t\n2:{}\n"));
}

TEST_CASE("request key changes with each of the five fields") {
  const auto base = key_of("meta", org, conn, "get_campaigns", R"({"a":1})");
  CHECK(base != key_of("google", org, conn, "get_campaigns", R"({"a":1})"));
  CHECK(base != key_of("meta", "11111111-1111-1111-1111-111111111112", conn,
                       "get_campaigns", R"({"a":1})"));
  CHECK(base != key_of("meta", org, "22222222-2222-2222-2222-222222222223",
                       "get_campaigns", R"({"a":1})"));
  CHECK(base != key_of("meta", org, conn, "get_ads", R"({"a":1})"));
  CHECK(base != key_of("meta", org, conn, "get_campaigns", R"({"a":2})"));
  CHECK(base != key_of("meta", org, conn, "get_campaigns", R"({"a":[1]})"));
  // List order is meaningful.
  CHECK(key_of("meta", org, conn, "t", R"({"a":[1,2]})") !=
        key_of("meta", org, conn, "t", R"({"a":[2,1]})"));
}

TEST_CASE("request key fields cannot bleed into each other") {
  CHECK(key_of("meta", org, conn, "ab", R"({})") !=
        key_of("meta", org, conn, "a", R"({})"));
  CHECK(sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("backoff doubles from 60 s, caps at 900 s, jitter only shortens") {
  CHECK(retry_backoff(1, 0.0) == 60s);
  CHECK(retry_backoff(2, 0.0) == 120s);
  CHECK(retry_backoff(3, 0.0) == 240s);
  CHECK(retry_backoff(4, 0.0) == 480s);
  CHECK(retry_backoff(5, 0.0) == 900s);
  CHECK(retry_backoff(50, 0.0) == 900s);
  CHECK(retry_backoff(1, 0.5) == 54s); // 60 * (1 - 0.2 * 0.5)
  CHECK(retry_backoff(5, 0.999) >= 720s);
  CHECK(retry_backoff(5, 0.999) < 900s);
  CHECK(retry_backoff(0, 0.0) == 60s); // treated as the first attempt
  backoff_policy none{1000ms, 5000ms, 0.0};
  CHECK(retry_backoff(3, 0.7, none) == 4000ms);
}

TEST_CASE("priorities parse from numbers and names") {
  CHECK(parse_priority("critical") == 1);
  CHECK(parse_priority("high") == 3);
  CHECK(parse_priority("normal") == 5);
  CHECK(parse_priority("low") == 7);
  CHECK(parse_priority("bulk") == 9);
  CHECK(parse_priority("10") == 10);
  CHECK(parse_priority("1") == 1);
  CHECK_FALSE(parse_priority("0"));
  CHECK_FALSE(parse_priority("11"));
  CHECK_FALSE(parse_priority("5x"));
  CHECK_FALSE(parse_priority(""));
  CHECK_FALSE(parse_priority("urgent"));
}

TEST_CASE("platform and status names round-trip") {
  for (auto p : all_platforms)
    CHECK(parse_platform(to_string(p)) == p);
  CHECK(parse_platform("x") == ad_platform::twitter);
  CHECK_FALSE(parse_platform("pinterest"));
  CHECK(parse_request_status("skipped") == request_status::skipped);
  CHECK(is_terminal(request_status::cancelled));
  CHECK_FALSE(is_terminal(request_status::processing));
  CHECK(parse_request_status("ambiguous") == request_status::ambiguous);
  CHECK(std::string{to_string(request_status::ambiguous)} == "ambiguous");
  CHECK(is_terminal(request_status::ambiguous));
}

TEST_CASE("validation names the bad field") {
  enqueue_request good{org, "meta", conn, "get_campaigns", R"({"b":1,"a":2})",
                       5,   3};
  auto ok = validate_request(good, {});
  REQUIRE(ok);
  CHECK(ok->params == R"({"a":2,"b":1})");
  CHECK(ok->request_key.size() == 64);

  auto expect_error = [&](enqueue_request r, std::string_view needle) {
    auto v = validate_request(r, {});
    REQUIRE_FALSE(v);
    CHECK(v.error().code == error_code::invalid_argument);
    INFO(v.error().message);
    CHECK(v.error().message.find(needle) != std::string::npos);
  };
  auto r = good;
  r.platform = "pinterest";
  expect_error(r, "unknown platform");
  r = good;
  r.priority = 0;
  expect_error(r, "priority");
  r.priority = 11;
  expect_error(r, "priority");
  r = good;
  r.params = "[1,2]";
  expect_error(r, "JSON object");
  r.params = "{nope";
  expect_error(r, "not valid JSON");
  r = good;
  r.org_id = "";
  expect_error(r, "org_id is missing");
  r.org_id = "acme";
  expect_error(r, "not a UUID");
  r = good;
  r.connection_id = "";
  expect_error(r, "connection_id is missing");
  r = good;
  r.request_type = "";
  expect_error(r, "request_type");
  r = good;
  r.max_attempts = 0;
  expect_error(r, "max_attempts");

  auto hook = [](ad_platform p, std::string_view type,
                 std::string_view) -> std::string {
    if (p == ad_platform::meta && type != "get_campaigns")
      return "unknown request type '" + std::string{type} + "' for meta";
    return {};
  };
  CHECK(validate_request(good, hook));
  r = good;
  r.request_type = "get_nothing";
  auto bad = validate_request(r, hook);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "unknown request type 'get_nothing' for meta");
}

TEST_CASE("uuids are recognised and normalised") {
  CHECK(is_uuid("ABCDEF00-1111-2222-3333-444455556666"));
  CHECK_FALSE(is_uuid("ABCDEF00-1111-2222-3333-44445555666"));
  CHECK_FALSE(is_uuid("ABCDEF00x1111-2222-3333-444455556666"));
  CHECK(normalize_uuid("ABCDEF00-1111-2222-3333-444455556666") ==
        "abcdef00-1111-2222-3333-444455556666");
  CHECK(is_uuid("0123abcd-ABCD-4ef0-89AB-0123456789ab"));
  CHECK_FALSE(is_uuid("0123abcg-abcd-4ef0-89ab-0123456789ab"));
  CHECK_FALSE(is_uuid(""));
}
