// Loopback tests of net::http_client against net::http_server (plain HTTP
// and TLS on the same ephemeral port).

#include <catch2/catch.hpp>

#include <string>

#include "net/http_client.hpp"
#include "net/http_server.hpp"

using namespace adbatch::net;
using namespace std::chrono_literals;

namespace {

/// Echoes method, target, body and selected headers; /drop, /slow, /late
/// and /close exercise the responder's other answers.
void echo(request req, responder r) {
  auto path = std::string(req.path());
  if (path == "/drop") return r.drop();
  if (path == "/hang") return r.drop_after(5000ms);
  response res;
  res.content_type = "text/plain";
  res.headers.emplace_back("X-Method", req.method);
  res.headers.emplace_back("X-Target", req.target);
  res.headers.emplace_back("X-Tls", req.tls ? "yes" : "no");
  res.headers.emplace_back("X-Seen-Token", req.header("x-token").value_or("-"));
  res.body = req.body;
  if (path == "/close") res.close = true;
  if (path == "/late") return r.send_after(20ms, std::move(res));
  r.send(std::move(res));
}

struct fixture {
  tls_identity id = make_self_signed();
  io_runtime rt{2};
  http_server srv{rt, make_opts(), echo};

  server_options make_opts() {
    server_options o;
    o.tls = id;
    o.body_limit = 8 * 1024 * 1024;
    return o;
  }
  std::string http(const std::string& p) const { return srv.base_url() + p; }
  std::string https(const std::string& p) const { return srv.https_base_url() + p; }
};

} // namespace

TEST_CASE_METHOD(fixture, "plain HTTP round trip with case-insensitive headers",
                 "[net]") {
  REQUIRE(srv.port() != 0);
  http_client c;
  auto res = c.request("PUT", http("/a/b?x=1&y=%20"), {{"X-TOKEN", "t1"}}, "hello");
  REQUIRE(res.ok());
  CHECK(res->status == 200);
  CHECK(res->body == "hello");
  CHECK(res->header("x-method") == "PUT");
  CHECK(res->header("X-TARGET") == "/a/b?x=1&y=%20");
  CHECK(res->header("x-seen-token") == "t1");
  CHECK(res->header("X-Tls") == "no");
  CHECK(res->headers.count("content-type") == 1);
}

TEST_CASE_METHOD(fixture, "HTTPS on the same port, trusting the generated cert",
                 "[net]") {
  client_options o;
  o.ca_pem = id.cert_pem;
  o.use_system_roots = false;
  http_client c{o};
  auto res = c.post(https("/x"), R"({"a":1})");
  REQUIRE(res.ok());
  CHECK(res->status == 200);
  CHECK(res->body == R"({"a":1})");
  CHECK(res->header("x-tls") == "yes");
  // The same client can also talk plain HTTP (a new connection).
  auto plain = c.get(http("/y"));
  REQUIRE(plain.ok());
  CHECK(plain->header("x-tls") == "no");
  CHECK(c.connections_opened() == 2);
}

TEST_CASE_METHOD(fixture, "HTTPS verification", "[net]") {
  SECTION("an untrusted self-signed cert fails") {
    client_options o;
    o.use_system_roots = false;
    http_client c{o};
    auto res = c.get(https("/"));
    REQUIRE_FALSE(res.ok());
    CHECK(res.error().code == client_errc::tls);
  }
  SECTION("verification can be switched off") {
    client_options o;
    o.verify_peer = false;
    http_client c{o};
    auto res = c.get(https("/"));
    REQUIRE(res.ok());
    CHECK(res->header("x-tls") == "yes");
  }
  SECTION("the certificate names localhost too") {
    client_options o;
    o.ca_pem = id.cert_pem;
    http_client c{o};
    auto res = c.get("https://localhost:" + std::to_string(srv.port()) + "/");
    REQUIRE(res.ok());
  }
}

TEST_CASE_METHOD(fixture, "keep-alive reuses one connection", "[net]") {
  http_client c;
  for (int i = 0; i < 5; ++i) {
    auto res = c.get(http("/k" + std::to_string(i)));
    REQUIRE(res.ok());
    CHECK(res->header("x-target") == "/k" + std::to_string(i));
  }
  CHECK(c.connections_opened() == 1);
  // The server closes after /close; the client reconnects for the next one.
  REQUIRE(c.get(http("/close")).ok());
  REQUIRE(c.get(http("/after")).ok());
  CHECK(c.connections_opened() == 2);
}

TEST_CASE_METHOD(fixture, "HEAD gets the length and no body; keep-alive survives",
                 "[net]") {
  http_client c;
  auto head = c.request("HEAD", http("/h"), {}, {});
  REQUIRE(head.ok());
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  auto next = c.post(http("/after-head"), "abc");
  REQUIRE(next.ok());
  CHECK(next->body == "abc");
  CHECK(c.connections_opened() == 1);
}

TEST_CASE_METHOD(fixture, "large bodies both ways, over HTTP and HTTPS", "[net]") {
  std::string big(3 * 1024 * 1024 + 17, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = char('a' + i % 26);
  client_options o;
  o.verify_peer = false;
  http_client c{o};
  auto res = c.post(http("/big"), big, "application/octet-stream");
  REQUIRE(res.ok());
  CHECK(res->body == big);
  auto res2 = c.post(https("/big"), big, "application/octet-stream");
  REQUIRE(res2.ok());
  CHECK(res2->body == big);
}

TEST_CASE_METHOD(fixture, "request size limit answers 413", "[net]") {
  http_client c;
  auto res = c.post(http("/huge"), std::string(9 * 1024 * 1024, 'z'));
  // The server answers 413 and closes while the client may still be
  // writing; depending on timing the client sees the 413 or a reset.
  if (res.ok()) CHECK(res->status == 413);
  else CHECK(res.error().code == client_errc::io);
  // Either way the server stays usable.
  auto next = c.get(http("/ok"));
  REQUIRE(next.ok());
}

TEST_CASE_METHOD(fixture, "drop, hang and delayed answers", "[net]") {
  http_client c;
  auto dropped = c.get(http("/drop"));
  REQUIRE_FALSE(dropped.ok());
  CHECK(dropped.error().code == client_errc::io);

  auto hung = c.get(http("/hang"), {}, 200ms);
  REQUIRE_FALSE(hung.ok());
  CHECK(hung.error().code == client_errc::timeout);

  auto late = c.get(http("/late"));
  REQUIRE(late.ok());
  CHECK(late->status == 200);
}

TEST_CASE("client errors without a server", "[net]") {
  http_client c;
  CHECK(c.get("ftp://127.0.0.1/").error().code == client_errc::bad_url);
  CHECK(c.get("not a url").error().code == client_errc::bad_url);
  // Bind and stop a server to find a port nobody listens on.
  std::uint16_t port = 0;
  {
    io_runtime rt{1};
    http_server s{rt, server_options{}, [](request, responder r) { r.send({}); }};
    port = s.port();
  }
  auto res = c.get("http://127.0.0.1:" + std::to_string(port) + "/");
  REQUIRE_FALSE(res.ok());
  CHECK(res.error().code == client_errc::connect);
}

TEST_CASE("binding a port in use throws", "[net]") {
  io_runtime rt{1};
  http_server a{rt, server_options{}, [](request, responder r) { r.send({}); }};
  server_options o;
  o.port = a.port();
  CHECK_THROWS_AS(
    http_server(rt, o, [](request, responder r) { r.send({}); }),
    std::runtime_error);
}
