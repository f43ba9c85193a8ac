// adbatch-sim's front end over loopback: counters, reset, run-time faults,
// control routes, TLS and determinism. Uses the Snapchat simulator as the
// hosted platform because its GETs are cheap.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "net/http_client.hpp"
#include "sim/core/fault_json.hpp"
#include "sim/core/test_harness.hpp"

using namespace adbatch;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const net::header_list auth{{"Authorization", "Bearer tok-1"}};
const std::string orgs = "/v1/me/organizations";

json::value stats(net::http_client& c, const std::string& base) {
  auto r = c.get(base + "/__sim/stats");
  REQUIRE(r.ok());
  REQUIRE(r->status == 200);
  return json::parse(r->body);
}

std::int64_t stat(const json::value& s, const char* platform, const char* key) {
  return s.at("platforms").at(platform).at(key).as_int64();
}

} // namespace

TEST_CASE("front end counts calls per platform and endpoint, and resets",
          "[net][sim_core]") {
  sim::test_harness sim{"snapchat"};
  net::http_client c;
  auto base = sim.base_url("snapchat");
  for (int i = 0; i < 3; ++i) {
    auto r = c.get(base + orgs, auth);
    REQUIRE(r.ok());
    CHECK(r->status == 200);
  }
  auto unauth = c.get(base + orgs);  // no token: a platform error, still counted
  REQUIRE(unauth.ok());
  CHECK(unauth->status == 401);

  // The same stats on the control port and on the platform port.
  for (const auto& where : {sim.control_url(), base}) {
    auto s = stats(c, where);
    CHECK(stat(s, "snapchat", "received") == 4);
    CHECK(stat(s, "snapchat", "calls") == 4);
    CHECK(stat(s, "snapchat", "errors") == 1);
    auto& ep = s.at("platforms").at("snapchat").at("endpoints");
    CHECK(ep.at("me/organizations").at("calls").as_int64() == 4);
  }
  auto counters = sim.server().counters("snapchat");
  CHECK(counters.total.calls == 4);
  CHECK(counters.received == 4);

  auto reset = c.post(sim.control_url() + "/__sim/reset", "");
  REQUIRE(reset.ok());
  CHECK(reset->status == 200);
  CHECK(stat(stats(c, base), "snapchat", "received") == 0);
  auto bad_reset = c.post(sim.control_url() + "/__sim/reset?platform=nope", "");
  REQUIRE(bad_reset.ok());
  CHECK(bad_reset->status == 404);
}

TEST_CASE("front end faults change at run time", "[net][sim_core]") {
  sim::test_harness sim{"snapchat"};
  net::http_client c;
  auto base = sim.base_url("snapchat");
  auto faults_url = sim.control_url() + "/__sim/faults/snapchat";

  SECTION("dropped connections") {
    auto set = c.post(faults_url, R"({"drop_rate": 1.0})");
    REQUIRE(set.ok());
    CHECK(set->status == 200);
    auto r = c.get(base + orgs, auth);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == net::client_errc::io);
    CHECK(sim.server().counters("snapchat").dropped == 1);
    // Back to normal.
    REQUIRE(c.post(faults_url, R"({"drop_rate": 0})").ok());
    auto ok = c.get(base + orgs, auth);
    REQUIRE(ok.ok());
    CHECK(ok->status == 200);
  }
  SECTION("latency: the answer still comes") {
    REQUIRE(c.post(faults_url, R"({"latency_min_ms": 5, "latency_max_ms": 30})")->status
            == 200);
    auto cur = c.get(faults_url);
    REQUIRE(cur.ok());
    auto f = json::parse(cur->body);
    CHECK(f.at("latency_max_ms").as_int64() == 30);
    for (int i = 0; i < 3; ++i) {
      auto r = c.get(base + orgs, auth);
      REQUIRE(r.ok());
      CHECK(r->status == 200);
    }
  }
  SECTION("timeouts: held unanswered") {
    REQUIRE(c.post(faults_url, R"({"timeout_rate": 1})")->status == 200);
    auto r = c.get(base + orgs, auth, 300ms);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == net::client_errc::timeout);
    CHECK(sim.server().counters("snapchat").timed_out == 1);
  }
  SECTION("platform faults reach the platform") {
    sim::fault_profile storm;
    storm.error_rate = 1.0;
    sim.server().set_faults("snapchat", storm);
    auto r = c.get(base + orgs, auth);
    REQUIRE(r.ok());
    CHECK(r->status == 500);
  }
  SECTION("bad profiles and unknown platforms are refused") {
    CHECK(c.post(faults_url, R"({"drop_rate": 2})")->status == 400);
    CHECK(c.post(faults_url, R"({"dropp_rate": 0.1})")->status == 400);
    CHECK(c.post(faults_url, "not json")->status == 400);
    CHECK(c.post(sim.control_url() + "/__sim/faults/myspace", "{}")->status == 404);
  }
}

TEST_CASE("unknown simulator paths answer 404 JSON", "[net][sim_core]") {
  sim::test_harness sim{"snapchat"};
  net::http_client c;
  for (const auto& url : {sim.control_url() + "/nope",
                          sim.control_url() + "/__sim/nope",
                          sim.base_url("snapchat") + "/__sim/whatever"}) {
    auto r = c.get(url);
    REQUIRE(r.ok());
    CHECK(r->status == 404);
    auto v = json::parse(r->body);
    CHECK(v.at("error").at("code").as_int64() == 404);
  }
  // The webhook senders' control API is routed on the control port only.
  auto report = c.get(sim.control_url() + "/__sim/webhooks/report");
  REQUIRE(report.ok());
  CHECK(report->status == 200);
  auto not_here = c.get(sim.base_url("snapchat") + "/__sim/webhooks/report");
  REQUIRE(not_here.ok());
  CHECK(not_here->status == 404);
  auto list = c.get(sim.control_url() + "/__sim/platforms");
  REQUIRE(list.ok());
  auto v = json::parse(list->body);
  CHECK(v.at("platforms").as_array().size() == 1);
}

TEST_CASE("control routes and HTTPS on platform ports", "[net][sim_core]") {
  sim::test_harness sim{"snapchat"};
  sim.server().add_control_route("/__sim/echo/", [](const sim::http_request& req,
                                                    sim::time_point) {
    sim::http_response r;
    r.body = std::string(req.path());
    return r;
  });
  net::http_client c{sim.client_options()};
  auto echo = c.get(sim.https_base_url("control") + "/__sim/echo/x");
  REQUIRE(echo.ok());
  CHECK(echo->body == "/__sim/echo/x");
  auto r = c.get(sim.https_base_url("snapchat") + orgs, auth);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
}

TEST_CASE("all six platforms start; same seed gives the same data",
          "[net][sim_core]") {
  sim::test_harness a;
  CHECK(a.server().platform_names().size() == 6);
  sim::harness_options o;
  o.seed = 42;
  sim::test_harness b{"snapchat", o};
  net::http_client c;
  auto ra = c.get(a.base_url("snapchat") + orgs, auth);
  auto rb = c.get(b.base_url("snapchat") + orgs, auth);
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  // Bodies carry request ids and absolute links; compare the org ids.
  auto ids = [](const std::string& body) {
    std::vector<std::string> out;
    auto v = json::parse(body);
    for (auto& o : v.at("organizations").as_array())
      out.emplace_back(o.at("organization").at("id").as_string());
    return out;
  };
  CHECK(ids(ra->body) == ids(rb->body));
  CHECK_FALSE(ids(ra->body).empty());
}

TEST_CASE("fault profile JSON", "[sim_core]") {
  sim::fault_profile base;
  std::string err;
  auto f = sim::apply_fault_json(R"({"latency_min_ms": 7, "throttle_storm": true})",
                                 base, err);
  REQUIRE(f);
  CHECK(f->latency_min == 7ms);
  CHECK(f->latency_max == 7ms);
  CHECK(f->throttle_storm);
  auto back = sim::apply_fault_json(sim::fault_profile_to_json(*f), base, err);
  REQUIRE(back);
  CHECK(back->latency_max == 7ms);
  CHECK_FALSE(sim::apply_fault_json(R"({"latency_min_ms": 9, "latency_max_ms": 3})",
                                    base, err));
}
