// Webhook signing, handshakes, payloads and the re-delivery plan (pure).
// Expected signatures are computed here independently of the sender: the
// one-shot OpenSSL HMAC() and EVP_EncodeBlock, plus an RFC 4231 vector.

#include <catch2/catch.hpp>

#include <set>

#include <boost/json/parse.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sim/linkedin/linkedin_platform.hpp"
#include "sim/meta/meta_platform.hpp"
#include "sim/webhooks/control.hpp"
#include "sim/webhooks/payloads.hpp"
#include "sim/webhooks/schedule.hpp"
#include "sim/webhooks/signing.hpp"

using namespace adbatch::sim;
using namespace adbatch::sim::webhooks;
namespace json = boost::json;

namespace {

std::string oneshot_hmac(std::string_view key, std::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string hex_of(const std::string& raw) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (unsigned char c : raw) {
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

std::string b64_of(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string header(const header_list& h, std::string_view name) {
  for (auto& [k, v] : h)
    if (k == name) return v;
  return {};
}

std::string query_value(const std::string& query, const std::string& name) {
  auto pos = query.find(name + "=");
  if (pos == std::string::npos) return {};
  pos += name.size() + 1;
  return query.substr(pos, query.find('&', pos) - pos);
}

} // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 and the one-shot API", "[webhooks][signing]") {
  auto mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  CHECK(to_hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(to_base64(mac) == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
  CHECK(mac == oneshot_hmac("Jefe", "what do ya want for nothing?"));
  CHECK(hmac_sha256("", "x") == oneshot_hmac("", "x"));
}

TEST_CASE("each platform signs the raw body its own way", "[webhooks][signing]") {
  std::string secret = "s3cret";
  std::string body = R"({"a":1})";

  for (auto s : {source::meta, source::whatsapp}) {
    auto h = signature_headers(s, secret, body, 1700000000);
    CHECK(header(h, "X-Hub-Signature-256") == "sha256=" + hex_of(oneshot_hmac(secret, body)));
  }
  auto tt = signature_headers(source::tiktok, secret, body, 1700000000);
  CHECK(header(tt, "TikTok-Signature")
        == "t=1700000000,s=" + hex_of(oneshot_hmac(secret, "1700000000." + body)));
  auto x = signature_headers(source::twitter, secret, body, 0);
  CHECK(header(x, "x-twitter-webhooks-signature") == "sha256=" + b64_of(oneshot_hmac(secret, body)));
  auto li = signature_headers(source::linkedin, secret, body, 0);
  CHECK(header(li, "X-LI-Signature") == hex_of(oneshot_hmac(secret, "hmacsha256=" + body)));
}

TEST_CASE("handshakes expect the platform's answers", "[webhooks][signing]") {
  std::string secret = "consumer-secret";

  auto meta = make_handshake(source::meta, secret, "my token", 5);
  REQUIRE(meta);
  CHECK(query_value(meta->query, "hub.mode") == "subscribe");
  CHECK(query_value(meta->query, "hub.verify_token") == "my%20token");
  auto challenge = query_value(meta->query, "hub.challenge");
  CHECK(handshake_accepted(source::meta, *meta, 200, challenge));
  CHECK_FALSE(handshake_accepted(source::meta, *meta, 200, "wrong"));
  CHECK_FALSE(handshake_accepted(source::meta, *meta, 403, challenge));

  auto x = make_handshake(source::twitter, secret, "", 6);
  REQUIRE(x);
  auto crc = query_value(x->query, "crc_token");
  REQUIRE_FALSE(crc.empty());
  // Percent-decoding is not needed: the token is URL-safe after encoding
  // only if it has no reserved chars; decode the common ones anyway.
  std::string token;
  for (std::size_t i = 0; i < crc.size(); ++i) {
    if (crc[i] == '%' && i + 2 < crc.size() + 0) {
      token += static_cast<char>(std::stoi(crc.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      token += crc[i];
    }
  }
  auto good = R"({"response_token":"sha256=)" + b64_of(oneshot_hmac(secret, token)) + R"("})";
  CHECK(handshake_accepted(source::twitter, *x, 200, good));
  CHECK_FALSE(handshake_accepted(source::twitter, *x, 200, R"({"response_token":"sha256=AAAA"})"));
  CHECK_FALSE(handshake_accepted(source::twitter, *x, 200, "not json"));

  auto li = make_handshake(source::linkedin, secret, "", 7);
  REQUIRE(li);
  auto code = query_value(li->query, "challengeCode");
  CHECK(code.size() == 36);
  auto li_good = R"({"challengeCode":")" + code + R"(","challengeResponse":")"
                 + hex_of(oneshot_hmac(secret, code)) + R"("})";
  CHECK(handshake_accepted(source::linkedin, *li, 200, li_good));
  CHECK_FALSE(handshake_accepted(source::linkedin, *li, 200,
                                 R"({"challengeCode":")" + code + R"(","challengeResponse":"00"})"));

  CHECK_FALSE(make_handshake(source::tiktok, secret, "", 1));
}

TEST_CASE("payloads carry stable, unique external ids", "[webhooks][payloads]") {
  for (auto s : {source::meta, source::whatsapp, source::tiktok, source::twitter, source::linkedin}) {
    INFO(name_of(s));
    std::set<std::string> ids;
    for (std::uint64_t i = 0; i < 50; ++i) {
      auto e = make_event(s, 42, i);
      CHECK(e.external_id == make_event(s, 42, i).external_id);
      ids.insert(e.external_id);
      auto body = render_body(e, 1700000000 + static_cast<std::int64_t>(i));
      CHECK(body.find(e.external_id) != std::string::npos);
      CHECK_NOTHROW(json::parse(body));
    }
    CHECK(ids.size() == 50);
    // Meta leadgen ids name leads of the Meta simulator, whose ids are
    // structural (page, form, lead): the first lead is the same for every
    // seed.
    if (s != source::meta)
      CHECK(make_event(s, 42, 0).external_id != make_event(s, 43, 0).external_id);
  }

  // Meta: entry[].time is the send time, the leadgen id stays.
  auto e = make_event(source::meta, 42, 0);
  auto a = json::parse(render_body(e, 1000)).as_object();
  auto b = json::parse(render_body(e, 2000)).as_object();
  CHECK(a["object"].as_string() == "page");
  CHECK(a["entry"].at(0).at("time").as_int64() == 1000);
  CHECK(b["entry"].at(0).at("time").as_int64() == 2000);
  CHECK(a["entry"].at(0).at("changes").at(0).at("value").at("leadgen_id").as_string() == e.external_id);

  auto wa = json::parse(render_body(make_event(source::whatsapp, 42, 1), 0)).as_object();
  CHECK(wa["entry"].at(0).at("changes").at(0).at("value").at("messages").at(0).at("id").as_string()
        .starts_with("wamid."));
  auto tt = json::parse(render_body(make_event(source::tiktok, 42, 1), 0)).as_object();
  CHECK(tt["content"].is_string());
  CHECK_NOTHROW(json::parse(tt["content"].as_string()));
  auto tw = json::parse(render_body(make_event(source::twitter, 42, 0), 0)).as_object();
  CHECK(tw.contains("for_user_id"));
  CHECK(tw.contains("tweet_create_events"));
  auto dm = json::parse(render_body(make_event(source::twitter, 42, 2), 0)).as_object();
  CHECK(dm.contains("direct_message_events"));
}

TEST_CASE("LinkedIn notifications point at leads the simulator serves",
          "[webhooks][payloads]") {
  linkedin_options li;
  li.current_version = "202611";
  auto sim = make_linkedin({}, li);
  auto e = make_event(source::linkedin, 42, 3);
  auto body = json::parse(render_body(e, 0)).as_object();
  CHECK(body["leadGenFormResponseUrn"].as_string() == e.external_id);
  auto id = e.external_id.substr(std::string{"urn:li:leadGenFormResponse:"}.size());
  http_request req;
  req.method = "GET";
  req.target = "/rest/leadFormResponses/" + id;
  req.headers["Authorization"] = "Bearer t";
  req.headers["LinkedIn-Version"] = "202611";
  auto r = sim->handle(req, {});
  CHECK(r.status == 200);
  auto lead = json::parse(r.body).as_object();
  CHECK(lead["owner"].at("sponsoredAccount") == body["owner"].at("sponsoredAccount"));
}

TEST_CASE("Meta leadgen notifications point at leads the simulator serves",
          "[webhooks][payloads]") {
  platform_options o;
  o.seed = 42;
  auto sim = make_meta(o);
  int leadgen = 0;
  for (std::uint64_t i = 0; i < 12; ++i) {
    auto e = make_event(source::meta, 42, i);
    if (e.kind != "leadgen") continue;
    ++leadgen;
    INFO(e.external_id);
    auto body = json::parse(render_body(e, 0)).as_object();
    auto value = body["entry"].at(0).at("changes").at(0).at("value").as_object();
    CHECK(value["leadgen_id"].as_string() == e.external_id);
    CHECK(body["entry"].at(0).at("id") == value["page_id"]);
    http_request req;
    req.method = "GET";
    req.target = "/v21.0/" + e.external_id + "?fields=id,form_id,ad_id&access_token=t";
    auto r = sim->handle(req, {});
    REQUIRE(r.status == 200);
    auto lead = json::parse(r.body).as_object();
    CHECK(lead["id"].as_string() == e.external_id);
    CHECK(lead["form_id"] == value["form_id"]);
    CHECK(lead["ad_id"] == value["ad_id"]);
    // The form belongs to the page the notification names.
    req.target = "/v21.0/" + std::string{value["page_id"].as_string()}
                 + "/leadgen_forms?limit=100&access_token=t";
    auto forms = sim->handle(req, {});
    REQUIRE(forms.status == 200);
    bool listed = false;
    auto listing = json::parse(forms.body);
    for (const auto& f : listing.at("data").as_array())
      listed = listed || f.at("id") == value["form_id"];
    CHECK(listed);
  }
  CHECK(leadgen == 9);
}

TEST_CASE("re-delivery schedules per platform", "[webhooks][schedule]") {
  using namespace std::chrono_literals;
  CHECK(redelivery_offsets(source::meta).back() == 36h);
  CHECK(redelivery_offsets(source::whatsapp).back() == 168h);
  CHECK(redelivery_offsets(source::tiktok).back() <= 72h);
  CHECK(redelivery_offsets(source::tiktok).size() >= 10);
  CHECK(redelivery_offsets(source::twitter).size() == 3);
  CHECK(redelivery_offsets(source::twitter).back() == 5min);
  for (auto s : {source::meta, source::whatsapp, source::tiktok, source::twitter, source::linkedin}) {
    auto o = redelivery_offsets(s);
    CHECK(std::is_sorted(o.begin(), o.end()));
  }
}

TEST_CASE("delivery plan: rate, re-delivery, give-up", "[webhooks][schedule]") {
  using namespace std::chrono_literals;
  plan_spec spec;
  spec.platform = source::twitter;  // retries at +20 s, +100 s, +300 s
  spec.count = 3;
  spec.rate_per_s = 1;
  spec.time_scale = 10;  // -> +2 s, +10 s, +30 s
  time_point t0{};
  delivery_plan plan{spec, t0};

  auto first = plan.take_due(t0);
  REQUIRE(first.size() == 1);  // one per second
  CHECK(first[0].event == 0);
  CHECK(first[0].kind == attempt_kind::first);
  plan.record(first[0], false, t0);  // not acknowledged
  CHECK(plan.take_due(t0 + 1s).size() == 1);  // event 1 (acked below)
  CHECK(*plan.next_due() == t0 + 2s);

  auto at2 = plan.take_due(t0 + 2s);  // event 2 and the first re-delivery of 0
  REQUIRE(at2.size() == 2);
  plan.record(attempt{1, attempt_kind::first, 1}, true, t0 + 2s);
  for (auto& a : at2) plan.record(a, a.event == 2, t0 + 2s);  // 0 fails again
  CHECK(plan.counts().acknowledged == 2);
  CHECK(plan.counts().redelivered == 1);

  auto r2 = plan.take_due(t0 + 10s);
  REQUIRE(r2.size() == 1);
  CHECK(r2[0].number == 3);
  plan.record(r2[0], false, t0 + 10s);
  auto r3 = plan.take_due(t0 + 30s);
  REQUIRE(r3.size() == 1);
  plan.record(r3[0], false, t0 + 30s);  // last re-delivery fails: dropped
  CHECK(plan.done());
  CHECK(plan.counts().failed == 1);
  CHECK(plan.counts().pending == 0);
  CHECK(plan.counts().sent == 6);
  CHECK(plan.counts().redelivered == 3);
}

TEST_CASE("delivery plan: duplicates and bad signatures", "[webhooks][schedule]") {
  plan_spec spec;
  spec.platform = source::meta;
  spec.count = 4;
  spec.rate_per_s = 1000;
  spec.duplicates = 2;
  spec.bad_signatures = 3;
  time_point t0{};
  delivery_plan plan{spec, t0};
  auto now = t0 + std::chrono::seconds{1};
  while (!plan.done()) {
    for (auto& a : plan.take_due(now)) plan.record(a, a.kind != attempt_kind::bad_signature, now);
  }
  auto& c = plan.counts();
  CHECK(c.acknowledged == 4);
  CHECK(c.duplicates_sent == 2);
  CHECK(c.duplicates_acknowledged == 2);
  CHECK(c.bad_signatures_sent == 3);
  CHECK(c.bad_signatures_rejected == 3);
  CHECK(c.sent == 4 + 2 + 3);
  CHECK(c.failed == 0);
}

TEST_CASE("webhook control validates its input", "[webhooks][control]") {
  webhook_control control;
  auto call = [&](std::string method, std::string target, std::string body = {}) {
    http_request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    return control.handle(r, {});
  };
  CHECK(call("POST", "/__sim/webhooks/send", "not json").status == 400);
  CHECK(call("POST", "/__sim/webhooks/send", "[]").status == 400);
  CHECK(call("POST", "/__sim/webhooks/send", R"({"platform":"meta"})").status == 400);
  CHECK(call("POST", "/__sim/webhooks/send",
             R"({"platform":"meta","target_url":"ftp://x"})").status == 400);
  CHECK(call("POST", "/__sim/webhooks/send",
             R"({"platform":"meta","target_url":"http://127.0.0.1:1/","count":-1})").status == 400);
  CHECK(call("POST", "/__sim/webhooks/send",
             R"({"platform":"meta","target_url":"http://127.0.0.1:1/","rate_per_s":0})").status == 400);
  CHECK(call("POST", "/__sim/webhooks/send",
             R"({"platform":"meta","target_url":"http://127.0.0.1:1/","secret":5})").status == 400);
  CHECK(call("GET", "/__sim/webhooks/send").status == 405);
  CHECK(call("POST", "/__sim/webhooks/report").status == 405);
  CHECK(call("GET", "/__sim/webhooks/report?job=99").status == 404);
  CHECK(call("GET", "/__sim/webhooks/report?job=abc").status == 400);
  CHECK(call("GET", "/__sim/webhooks/nope").status == 404);
  auto empty = call("GET", "/__sim/webhooks/report");
  CHECK(empty.status == 200);
  CHECK(json::parse(empty.body).at("jobs").as_array().empty());
}
