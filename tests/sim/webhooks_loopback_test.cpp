// Webhook senders against a loopback receiver (net::http_server) that checks
// every signature and handshake with its own, independent code.

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse_query.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "sim/core/test_harness.hpp"
#include "sim/webhooks/control.hpp"
#include "sim/webhooks/sender.hpp"

using namespace adbatch;
using namespace adbatch::sim::webhooks;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::string mac(std::string_view key, std::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string hex(const std::string& raw) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (unsigned char c : raw) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

std::string b64(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

/// A receiver that behaves like a correct webhook endpoint, except that it
/// can fail the first delivery of each event (to force re-deliveries).
class receiver {
public:
  receiver(source platform, std::string secret, std::string verify_token, int fail_first_n)
    : platform_(platform), secret_(std::move(secret)), token_(std::move(verify_token)),
      fail_first_n_(fail_first_n),
      server_(rt_, net::server_options{}, [this](net::request req, net::responder res) {
        res.send(handle(req));
      }) {}

  std::string url() const { return server_.base_url() + "/hook"; }

  std::map<std::string, int> attempts() const {
    std::lock_guard lock{mutex_};
    return attempts_;
  }
  int bad_signatures() const {
    std::lock_guard lock{mutex_};
    return bad_;
  }
  int handshakes() const {
    std::lock_guard lock{mutex_};
    return handshakes_;
  }

  bool always_fail = false;
  int good_handshakes = -1;  ///< answer only this many handshakes correctly (-1: all)
  std::string wrong_token;  ///< answer handshakes as if configured with this

private:
  net::response handle(const net::request& req) {
    std::lock_guard lock{mutex_};
    net::response r;
    if (req.method == "GET") {
      ++handshakes_;
      if (good_handshakes >= 0 && handshakes_ > good_handshakes) {
        r.status = 500;
        return r;
      }
      std::map<std::string, std::string> q;
      if (auto params = boost::urls::parse_query(req.query()))
        for (auto p : *params) q[p.key.decode()] = p.value.decode();
      switch (platform_) {
        case source::meta:
        case source::whatsapp:
          if (q["hub.mode"] != "subscribe"
              || q["hub.verify_token"] != (wrong_token.empty() ? token_ : wrong_token)) {
            r.status = 403;
            return r;
          }
          r.content_type = "text/plain";
          r.body = q["hub.challenge"];
          return r;
        case source::twitter:
          r.body = json::serialize(json::object{
            {"response_token", "sha256=" + b64(mac(secret_, q["crc_token"]))}});
          return r;
        case source::linkedin:
          r.body = json::serialize(json::object{
            {"challengeCode", q["challengeCode"]},
            {"challengeResponse", hex(mac(secret_, q["challengeCode"]))}});
          return r;
        case source::tiktok:
          r.status = 404;
          return r;
      }
    }
    if (!signature_ok(req)) {
      ++bad_;
      r.status = 401;
      return r;
    }
    auto id = event_id(req.body);
    int n = ++attempts_[id];
    if (always_fail || n <= fail_first_n_) {
      r.status = 500;
      return r;
    }
    r.body = "{}";
    return r;
  }

  bool signature_ok(const net::request& req) const {
    auto h = [&](const char* name) { return req.header(name).value_or(""); };
    switch (platform_) {
      case source::meta:
      case source::whatsapp:
        return h("x-hub-signature-256") == "sha256=" + hex(mac(secret_, req.body));
      case source::twitter:
        return h("X-Twitter-Webhooks-Signature") == "sha256=" + b64(mac(secret_, req.body));
      case source::linkedin:
        return h("x-li-signature") == hex(mac(secret_, "hmacsha256=" + req.body));
      case source::tiktok: {
        auto v = h("tiktok-signature");  // t=<ts>,s=<hex>
        auto comma = v.find(",s=");
        if (v.rfind("t=", 0) != 0 || comma == std::string::npos) return false;
        auto t = v.substr(2, comma - 2);
        return v.substr(comma + 3) == hex(mac(secret_, t + "." + req.body));
      }
    }
    return false;
  }

  std::string event_id(const std::string& body) const {
    auto o = json::parse(body).as_object();
    switch (platform_) {
      case source::meta: {
        auto& value = o["entry"].at(0).at("changes").at(0).at("value").as_object();
        return std::string{(value.contains("leadgen_id") ? value["leadgen_id"] : value["comment_id"]).as_string()};
      }
      case source::whatsapp:
        return std::string{o["entry"].at(0).at("changes").at(0).at("value").at("messages").at(0).at("id").as_string()};
      case source::tiktok:
        return std::string{json::parse(o["content"].as_string()).at("publish_id").as_string()};
      case source::twitter:
        if (o.contains("tweet_create_events"))
          return std::string{o["tweet_create_events"].at(0).at("id_str").as_string()};
        return std::string{o["direct_message_events"].at(0).at("id").as_string()};
      case source::linkedin:
        return std::string{o["leadGenFormResponseUrn"].as_string()};
    }
    return {};
  }

  source platform_;
  std::string secret_;
  std::string token_;
  int fail_first_n_;
  mutable std::mutex mutex_;
  std::map<std::string, int> attempts_;
  int bad_ = 0;
  int handshakes_ = 0;
  net::io_runtime rt_{1};
  net::http_server server_;
};

send_request job_for(source s, const receiver& rx) {
  send_request req;
  req.platform = s;
  req.target_url = rx.url();
  req.count = 5;
  req.rate_per_s = 200;
  req.secret = "app-secret-123";
  req.verify_token = "verify-me";
  req.time_scale = 2000;  // TikTok's first retry (1 min) after 30 ms
  req.timeout = 5000ms;
  return req;
}

} // namespace

TEST_CASE("webhook senders: handshake, signatures, re-delivery, duplicates, bad signatures",
          "[webhooks][net]") {
  auto platform = GENERATE(source::meta, source::whatsapp, source::tiktok, source::twitter,
                           source::linkedin);
  INFO(name_of(platform));
  receiver rx{platform, "app-secret-123", "verify-me", /*fail_first_n=*/1};
  webhook_sender sender;
  auto req = job_for(platform, rx);
  req.duplicates = 2;
  req.bad_signatures = 2;
  auto id = sender.start(req);
  REQUIRE(sender.wait(id, 20s));
  auto rep = *sender.report(id);

  CHECK(rep.handshake == (platform == source::tiktok ? "none" : "ok"));
  CHECK(rx.handshakes() == (platform == source::tiktok ? 0 : 1));
  CHECK(rep.counts.events == 5);
  CHECK(rep.counts.acknowledged == 5);
  CHECK(rep.counts.redelivered == 5);  // each first delivery got a 500
  CHECK(rep.counts.failed == 0);
  CHECK(rep.counts.duplicates_sent == 2);
  CHECK(rep.counts.duplicates_acknowledged == 2);
  CHECK(rep.counts.bad_signatures_sent == 2);
  CHECK(rep.counts.bad_signatures_rejected == 2);
  CHECK(rep.counts.sent == 5 + 5 + 2 + 2);
  CHECK(rep.statuses[500] == 5);
  CHECK(rep.statuses[401] == 2);
  CHECK(rx.bad_signatures() == 2);

  // The receiver saw exactly the reported event ids, each at least twice,
  // two of them a third time (the duplicates, same id).
  auto seen = rx.attempts();
  std::set<std::string> reported(rep.event_ids.begin(), rep.event_ids.end());
  std::set<std::string> got;
  int thrice = 0;
  for (auto& [eid, n] : seen) {
    got.insert(eid);
    CHECK(n >= 2);
    if (n == 3) ++thrice;
  }
  CHECK(got == reported);
  CHECK(thrice == 2);
}

TEST_CASE("webhook sender gives up after the platform's last re-delivery",
          "[webhooks][net]") {
  receiver rx{source::twitter, "app-secret-123", "", 0};
  rx.always_fail = true;
  webhook_sender sender;
  auto req = job_for(source::twitter, rx);
  req.count = 2;
  req.time_scale = 1000;  // retries after 20, 100, 300 ms
  auto id = sender.start(req);
  REQUIRE(sender.wait(id, 20s));
  auto rep = *sender.report(id);
  CHECK(rep.counts.acknowledged == 0);
  CHECK(rep.counts.redelivered == 2 * 3);
  CHECK(rep.counts.failed == 2);
  for (auto& [eid, n] : rx.attempts()) CHECK(n == 4);
}

TEST_CASE("webhook sender does not deliver when the handshake fails",
          "[webhooks][net]") {
  receiver rx{source::meta, "app-secret-123", "verify-me", 0};
  rx.wrong_token = "another-token";
  webhook_sender sender;
  auto id = sender.start(job_for(source::meta, rx));
  REQUIRE(sender.wait(id, 20s));
  auto rep = *sender.report(id);
  CHECK(rep.handshake == "failed");
  CHECK(rep.counts.sent == 0);
  CHECK(rep.counts.failed == 5);
  CHECK(rx.attempts().empty());
}

TEST_CASE("webhook control API over the simulator's control port",
          "[webhooks][net]") {
  sim::test_harness sim{"linkedin"};
  webhook_control control{{42, 1.0}};
  sim.server().add_control_route("/__sim/webhooks/", [&](const sim::http_request& r, sim::time_point now) {
    return control.handle(r, now);
  });
  receiver rx{source::linkedin, "client-secret", "", 0};
  net::http_client client{sim.client_options()};

  json::object job{{"platform", "linkedin"}, {"target_url", rx.url()}, {"count", 4},
                   {"rate_per_s", 100}, {"duplicates", 1}, {"bad_signatures", 1},
                   {"secret", "client-secret"}, {"time_scale", 1000}};
  auto started = client.post(sim.control_url() + "/__sim/webhooks/send", json::serialize(job));
  REQUIRE(started.ok());
  REQUIRE(started->status == 202);
  auto job_id = json::parse(started->body).at("job").as_int64();

  json::object rep;
  for (int i = 0; i < 400; ++i) {
    auto r = client.get(sim.control_url() + "/__sim/webhooks/report?job=" + std::to_string(job_id));
    REQUIRE(r.ok());
    REQUIRE(r->status == 200);
    rep = json::parse(r->body).as_object();
    if (rep["jobs"].at(0).at("done").as_bool()) break;
    std::this_thread::sleep_for(50ms);
  }
  auto& j = rep["jobs"].at(0).as_object();
  CHECK(j["done"].as_bool());
  CHECK(j["handshake"].as_string() == "ok");
  CHECK(j["counts"].at("acknowledged").as_int64() == 4);
  CHECK(j["counts"].at("duplicates_sent").as_int64() == 1);
  CHECK(j["counts"].at("bad_signatures_rejected").as_int64() == 1);
  CHECK(rep["platforms"].at("linkedin").at("sent").as_int64() == 4 + 1 + 1);
  // The secret never comes back.
  auto all = client.get(sim.control_url() + "/__sim/webhooks/report");
  REQUIRE(all.ok());
  CHECK(all->body.find("client-secret") == std::string::npos);

  auto bad = client.post(sim.control_url() + "/__sim/webhooks/send", R"({"platform":"myspace"})");
  REQUIRE(bad.ok());
  CHECK(bad->status == 400);
}

TEST_CASE("LinkedIn re-validates the endpoint and blocks it after 3 failures",
          "[webhooks][net]") {
  receiver rx{source::linkedin, "client-secret", "", 0};
  rx.good_handshakes = 1;  // registration passes, every re-check fails
  webhook_sender sender;
  auto req = job_for(source::linkedin, rx);
  req.secret = "client-secret";
  req.count = 200;
  req.rate_per_s = 100;      // two seconds of deliveries...
  req.time_scale = 360000;   // ...but re-checks every 2 h / 360000 = 20 ms
  auto id = sender.start(req);
  REQUIRE(sender.wait(id, 20s));
  auto rep = *sender.report(id);
  CHECK(rep.handshake == "ok");
  CHECK(rep.blocked);
  CHECK(rep.revalidations == 3);
  CHECK(rep.revalidation_failures == 3);
  CHECK(rep.counts.sent < 200);
  CHECK(rep.counts.failed == 200 - rep.counts.acknowledged);
  CHECK(rx.handshakes() == 4);
}

TEST_CASE("X re-sends the CRC while it delivers", "[webhooks][net]") {
  receiver rx{source::twitter, "app-secret-123", "", 0};
  webhook_sender sender;
  auto req = job_for(source::twitter, rx);
  req.count = 30;
  req.rate_per_s = 100;        // 0.3 s of deliveries
  req.time_scale = 1728000;    // CRC every 24 h / 1728000 = 50 ms
  auto id = sender.start(req);
  REQUIRE(sender.wait(id, 20s));
  auto rep = *sender.report(id);
  CHECK_FALSE(rep.blocked);
  CHECK(rep.revalidations >= 2);
  CHECK(rep.revalidation_failures == 0);
  CHECK(rep.counts.acknowledged == 30);
}
