// Loading, validation messages (key path AND line), secrets and print().

#include "config/config.hpp"
#include "tests/config/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace adbatch::config;
using adbatch::config::test::temp_dir;

namespace {

/// Loads `yaml` from a real file and returns the rendered error ("" if OK).
struct fixture {
  temp_dir dir;
  environment env;
  /// Fixed before any call, so `error_of(...) == file + ...` is well-defined.
  std::string file = (dir.path() / "adbatch.yaml").string();

  std::string error_of(const std::string& yaml) {
    dir.write("adbatch.yaml", yaml);
    auto r = load(file, env);
    return r ? std::string{} : r.error().render();
  }

  config ok(const std::string& yaml) {
    dir.write("adbatch.yaml", yaml);
    auto r = load(file, env);
    if (!r) FAIL("unexpected error: " << r.error().render());
    return std::move(r).value();
  }
};

} // namespace

TEST_CASE("defaults match the old system's values", "[config]") {
  auto r = defaults({});
  REQUIRE(r);
  const auto& c = r.value();
  CHECK(c.node.name == "adbatch-1");
  CHECK(c.node.http.address == "127.0.0.1");
  CHECK(c.node.http.port == 8080);
  CHECK(c.node.caf.address == "127.0.0.1");
  CHECK(c.node.caf.port == 4242);
  CHECK_FALSE(c.node.admin_token);
  CHECK(c.node.data_dir == "./var");
  CHECK_FALSE(c.database.url);
  CHECK(c.database.pool_size == 4);
  CHECK(c.supervisor.restart_backoff == milliseconds{100});
  CHECK(c.supervisor.restart_backoff_max == milliseconds{5000});
  CHECK(c.supervisor.max_restarts == 3);
  CHECK(c.supervisor.restart_window == seconds{10});

  struct expect {
    const char* name;
    int flush, per_flush, batch, port;
    std::int64_t requests;
    int per;
  };
  for (auto e : {expect{"meta", 300, 100, 50, 18101, 200, 3600},
                 expect{"google", 600, 100, 100, 18102, 15000, 86400},
                 expect{"tiktok", 600, 100, 100, 18103, 10, 60},
                 expect{"linkedin", 1800, 50, 50, 18104, 100, 86400},
                 expect{"twitter", 300, 100, 100, 18105, 300, 900},
                 expect{"snapchat", 600, 100, 200, 18106, 1000, 60}}) {
    INFO(e.name);
    const auto* p = c.platforms.find(e.name);
    REQUIRE(p != nullptr);
    CHECK(p->enabled);
    CHECK(p->flush_interval == seconds{e.flush});
    CHECK(p->max_requests_per_flush == e.per_flush);
    CHECK(p->max_batch_size == e.batch);
    CHECK(p->base_url == "http://127.0.0.1:" + std::to_string(e.port));
    CHECK(p->rate_limit.requests == e.requests);
    CHECK(p->rate_limit.per == seconds{e.per});
    CHECK(p->credentials.empty());
  }
  CHECK(c.platforms.find("myspace") == nullptr);

  CHECK(c.queue.default_priority == 5);
  CHECK(c.queue.max_attempts == 3);
  CHECK(c.deduplication.enabled);
  CHECK(c.deduplication.window == seconds{300});
  CHECK(c.webhooks.store_raw);
  CHECK(c.webhooks.retention_days == 30);
  CHECK(c.webhooks.max_attempts == 3);
  CHECK(c.webhooks.retry_delays ==
        std::vector<seconds>{seconds{60}, seconds{300}, seconds{900}});
  CHECK(c.webhooks.process_interval == seconds{60});
  CHECK_FALSE(c.webhooks.meta.secret);
  CHECK(c.alerts.queue_size == 1000);
  CHECK(c.alerts.failure_rate == Approx(0.1));
  CHECK(c.alerts.processing_time == milliseconds{30000});
  CHECK(c.logging.level == spdlog::level::info);
  CHECK(c.logging.format == adbatch::log_format::text);
  CHECK_FALSE(c.logging.log_requests);
}

TEST_CASE("the example file loads with no environment and equals the "
          "defaults",
          "[config]") {
  auto r = load(ADBATCH_SOURCE_DIR "/config/adbatch.example.yaml", {});
  if (!r) FAIL(r.error().render());
  CHECK(print(r.value()) == print(defaults({}).value()));
}

TEST_CASE_METHOD(fixture, "an empty file gives the defaults", "[config]") {
  auto c = ok("");
  CHECK(print(c) == print(defaults({}).value()));
  auto c2 = ok("# only a comment\n");
  CHECK(c2.node.http.port == 8080);
}

TEST_CASE_METHOD(fixture, "values from the file are read", "[config]") {
  auto c = ok("node:\n"
              "  name: edge-7\n"
              "  http: {address: 0.0.0.0, port: 9090}\n"
              "  caf: {port: 0}\n"
              "database:\n"
              "  url: host=/tmp dbname=adbatch\n"
              "  pool_size: 8\n"
              "  connect_timeout: 1m\n"
              "platforms:\n"
              "  meta:\n"
              "    enabled: off\n"
              "    flush_interval: 2h\n"
              "    rate_limit: {requests: 50, per_seconds: 60}\n"
              "  google:\n"
              "    base_url: https://googleads.googleapis.com\n"
              "deduplication: {window: 0}\n"
              "webhooks:\n"
              "  retry_delays: [1, 2s, 3m]\n"
              "alerts: {failure_rate: 0.25, processing_time_ms: 5}\n"
              "supervisor: {restart_backoff_ms: 250, max_restarts: 0,\n"
              "             restart_window: 1m}\n"
              "logging: {level: debug, format: json, log_requests: yes}\n");
  CHECK(c.node.name == "edge-7");
  CHECK(c.node.http.address == "0.0.0.0");
  CHECK(c.node.http.port == 9090);
  CHECK(c.node.caf.port == 0);
  CHECK(c.database.url == "host=/tmp dbname=adbatch");
  CHECK(c.database.pool_size == 8);
  CHECK(c.database.connect_timeout == seconds{60});
  CHECK_FALSE(c.platforms.meta.enabled);
  CHECK(c.platforms.meta.flush_interval == seconds{7200});
  CHECK(c.platforms.meta.rate_limit.requests == 50);
  CHECK(c.platforms.meta.rate_limit.per == seconds{60});
  CHECK(c.platforms.meta.max_batch_size == 50); // untouched default
  CHECK(c.platforms.google.base_url == "https://googleads.googleapis.com");
  CHECK(c.deduplication.window == seconds{0});
  CHECK(c.webhooks.retry_delays ==
        std::vector<seconds>{seconds{1}, seconds{2}, seconds{180}});
  CHECK(c.alerts.failure_rate == Approx(0.25));
  CHECK(c.alerts.processing_time == milliseconds{5});
  CHECK(c.supervisor.restart_backoff == milliseconds{250});
  CHECK(c.supervisor.restart_backoff_max == milliseconds{5000});
  CHECK(c.supervisor.max_restarts == 0);
  CHECK(c.supervisor.restart_window == seconds{60});
  CHECK(c.logging.level == spdlog::level::debug);
  CHECK(c.logging.format == adbatch::log_format::json);
  CHECK(c.logging.log_requests);
}

TEST_CASE_METHOD(fixture, "a misspelt key is reported with line and hint",
                 "[config]") {
  auto err = error_of("platforms:\n"
                      "  meta:\n"
                      "    enabled: true\n"
                      "    flush_intreval: 300\n");
  CHECK(err ==
        file + ":4: platforms.meta.flush_intreval: unknown key (did you mean "
               "flush_interval?)");
  CHECK(error_of("nodes:\n  name: x\n") ==
        file + ":1: nodes: unknown key (did you mean node?)");
  CHECK(error_of("platforms:\n  facebook: {}\n") ==
        file + ":2: platforms.facebook: unknown key");
  // verify_token exists only for meta and whatsapp.
  CHECK(error_of("webhooks:\n  tiktok:\n    verify_token: env:X\n") ==
        file + ":3: webhooks.tiktok.verify_token: unknown key");
}

TEST_CASE_METHOD(fixture, "a wrong type is reported with line and key path",
                 "[config]") {
  CHECK(error_of("node:\n  http:\n    port: eighty\n") ==
        file + ":3: node.http.port: expected an integer, got \"eighty\"");
  CHECK(error_of("platforms:\n  meta:\n    enabled: maybe\n") ==
        file + ":3: platforms.meta.enabled: expected a boolean "
               "(true/false/1/0/yes/no/on/off), got \"maybe\"");
  CHECK(error_of("platforms: [meta, google]\n") ==
        file + ":1: platforms: expected a mapping, got a list");
  CHECK(error_of("node:\n  name:\n") ==
        file + ":2: node.name: expected a string, got nothing");
  CHECK(error_of("logging:\n  format: xml\n") ==
        file + ":2: logging.format: expected text or json, got \"xml\"");
  CHECK(error_of("logging:\n  level: loud\n") ==
        file + ":2: logging.level: expected one of trace, debug, info, warn, "
               "error, critical, off, got \"loud\"");
  CHECK(error_of("platforms:\n  meta:\n    flush_interval: 5x\n") ==
        file + ":3: platforms.meta.flush_interval: expected a duration "
               "(seconds, or a string like \"300s\", \"5m\", \"2h\", \"1d\"), "
               "got \"5x\"");
  CHECK(error_of("- a\n- b\n") == file + ":1: expected a mapping, got a list");
}

TEST_CASE_METHOD(fixture, "out-of-range values are rejected", "[config]") {
  CHECK(error_of("platforms:\n  meta:\n    flush_interval: -5\n") ==
        file + ":3: platforms.meta.flush_interval: must be > 0 (got -5)");
  CHECK(error_of("platforms:\n  tiktok:\n    flush_interval: 0\n") ==
        file + ":3: platforms.tiktok.flush_interval: must be > 0 (got 0)");
  CHECK(error_of("alerts:\n  failure_rate: 1.5\n") ==
        file + ":2: alerts.failure_rate: must be between 0 and 1 (got 1.5)");
  CHECK(error_of("alerts:\n  failure_rate: -0.1\n") ==
        file + ":2: alerts.failure_rate: must be between 0 and 1 (got -0.1)");
  CHECK(error_of("node:\n  caf:\n    port: 70000\n") ==
        file + ":3: node.caf.port: must be between 0 and 65535 (got 70000)");
  CHECK(error_of("queue:\n  default_priority: 11\n") ==
        file + ":2: queue.default_priority: must be between 1 and 10 (got "
               "11)");
  CHECK(error_of("database:\n  pool_size: 0\n") ==
        file + ":2: database.pool_size: must be between 1 and 256 (got 0)");
  CHECK(error_of("webhooks:\n  retry_delays: [60,\n    -1]\n") ==
        file + ":3: webhooks.retry_delays[1]: must be > 0 (got -1)");
  CHECK(error_of("webhooks:\n  retry_delays: []\n") ==
        file + ":2: webhooks.retry_delays: expected a non-empty list of "
               "durations, got a list");
  CHECK(error_of("platforms:\n  meta:\n    base_url: ftp://x\n") ==
        file + ":3: platforms.meta.base_url: must be an http:// or https:// "
               "URL with a host (got \"ftp://x\")");
  CHECK(error_of("supervisor:\n  restart_backoff_ms: 500\n"
                 "  restart_backoff_max_ms: 200\n") ==
        file + ":3: supervisor.restart_backoff_max_ms: must be >= 500 (got "
               "200)");
  CHECK(error_of("supervisor:\n  restart_window: 0\n") ==
        file + ":2: supervisor.restart_window: must be > 0 (got 0)");
  CHECK(error_of("supervisor:\n  max_restarts: -1\n") ==
        file + ":2: supervisor.max_restarts: must be between 0 and 1000 (got "
               "-1)");
  CHECK(error_of("node:\n  http: {port: 5000}\n  caf: {port: 5000}\n") ==
        file + ": node.caf.port: must differ from node.http.port (both are "
               "5000)");
}

TEST_CASE_METHOD(fixture,
                 "a first restart delay above the default cap raises the cap",
                 "[config]") {
  auto c = ok("supervisor: {restart_backoff_ms: 8000}\n");
  CHECK(c.supervisor.restart_backoff == milliseconds{8000});
  CHECK(c.supervisor.restart_backoff_max == milliseconds{8000});
}

TEST_CASE_METHOD(fixture, "a duplicate key is an error", "[config]") {
  CHECK(error_of("node:\n  name: a\n  name: b\n") ==
        file + ":3: node.name: duplicate key");
}

TEST_CASE_METHOD(fixture, "a YAML syntax error names the line", "[config]") {
  auto err = error_of("node:\n  name: a\n  http: [1, 2\n");
  INFO(err);
  CHECK(err.starts_with(file + ":"));
  CHECK(err.find("YAML syntax error") != std::string::npos);
  CHECK(error_of("node:\n  name: a\nlogging: ]\n") ==
        file + ":3: YAML syntax error: illegal flow end");
  CHECK(error_of("a: b\n\tc: d\n") ==
        file + ":2: YAML syntax error: illegal tab when looking for "
               "indentation");
}

TEST_CASE("a missing file is an error", "[config]") {
  auto r = load("/nonexistent/adbatch.yaml", {});
  REQUIRE_FALSE(r);
  CHECK(r.error().render() ==
        "/nonexistent/adbatch.yaml: cannot open the file");
}

TEST_CASE_METHOD(fixture, "secrets resolve from env and file", "[config]") {
  auto secret_file = dir.write("app_secret", "s3cr3t-from-file\n");
  env["META_TOKEN"] = "tok-from-env";
  auto c = ok("node:\n  admin_token: env:META_TOKEN\n"
              "platforms:\n  meta:\n    credentials:\n"
              "      access_token: env:META_TOKEN\n"
              "      app_secret: file:" +
              secret_file +
              "\n"
              "webhooks:\n  meta: {secret: 'file:" +
              secret_file + "', verify_token: ~}\n");
  REQUIRE(c.node.admin_token);
  CHECK(c.node.admin_token->reference() == "env:META_TOKEN");
  CHECK(c.node.admin_token->value() == "tok-from-env");
  CHECK(c.platforms.meta.credentials.at("access_token").value() ==
        "tok-from-env");
  // The trailing newline of the file is not part of the secret.
  CHECK(c.platforms.meta.credentials.at("app_secret").value() ==
        "s3cr3t-from-file");
  REQUIRE(c.webhooks.meta.secret);
  CHECK(c.webhooks.meta.secret->value() == "s3cr3t-from-file");
  CHECK_FALSE(c.webhooks.meta.verify_token);
}

TEST_CASE_METHOD(fixture, "an unreadable secret file is an error", "[config]") {
  CHECK(
      error_of("node:\n  name: n\n  admin_token: file:/nonexistent/token\n") ==
      file + ":3: node.admin_token: cannot read secret file "
             "\"/nonexistent/token\": No such file or directory");
  auto empty = dir.write("empty", "\n");
  CHECK(error_of("webhooks:\n  twitter:\n    secret: file:" + empty + "\n") ==
        file + ":3: webhooks.twitter.secret: secret file \"" + empty +
            "\" is empty");
}

TEST_CASE_METHOD(fixture, "an unset secret env var is an error", "[config]") {
  CHECK(error_of("platforms:\n  google:\n    credentials:\n"
                 "      developer_token: env:GOOGLE_ADS_DEVELOPER_TOKEN\n") ==
        file + ":4: platforms.google.credentials.developer_token: environment "
               "variable GOOGLE_ADS_DEVELOPER_TOKEN is not set (secret "
               "reference \"env:GOOGLE_ADS_DEVELOPER_TOKEN\")");
  env["EMPTY_ONE"] = "";
  CHECK(error_of("node: {admin_token: 'env:EMPTY_ONE'}\n") ==
        file + ":1: node.admin_token: environment variable EMPTY_ONE is empty "
               "(secret reference \"env:EMPTY_ONE\")");
}

TEST_CASE_METHOD(fixture, "a literal secret is rejected without echoing it",
                 "[config]") {
  auto err = error_of("webhooks:\n  meta:\n    secret: hunter2-literal\n");
  CHECK(err == file +
                   ":3: webhooks.meta.secret: must be a secret reference "
                   "(\"env:NAME\" or \"file:/path\"); literal secrets are not "
                   "allowed in the config file");
  CHECK(err.find("hunter2") == std::string::npos);
  auto err2 = error_of("platforms:\n  meta:\n    credentials:\n"
                       "      access_token: EAAB-literal\n");
  CHECK(err2.starts_with(
      file + ":4: platforms.meta.credentials.access_token: must be a secret"));
  CHECK(err2.find("EAAB") == std::string::npos);
}

TEST_CASE_METHOD(fixture, "print() never shows a secret value", "[config]") {
  const std::string distinctive = "VALUE-7f3a9c-never-print-me";
  env["META_APP_SECRET"] = distinctive;
  env["ADMIN"] = distinctive + "-admin";
  auto pw = dir.write("pw", distinctive + "-file");
  auto c = ok("node: {admin_token: env:ADMIN}\n"
              "database:\n"
              "  url: postgresql://app:" +
              distinctive +
              "-url@db:5432/x?sslmode=require\n"
              "  password: file:" +
              pw +
              "\n"
              "platforms:\n  meta:\n    credentials:\n"
              "      app_secret: env:META_APP_SECRET\n"
              "webhooks:\n  meta: {secret: env:META_APP_SECRET, "
              "verify_token: env:META_APP_SECRET}\n");
  auto text = print(c);
  INFO(text);
  CHECK(text.find(distinctive) == std::string::npos);
  CHECK(text.find("env:META_APP_SECRET") != std::string::npos);
  CHECK(text.find("env:ADMIN") != std::string::npos);
  CHECK(text.find("file:" + pw) != std::string::npos);
  CHECK(text.find("postgresql://app:REDACTED@db:5432/x?sslmode=require") !=
        std::string::npos);

  // Streaming and fmt show the reference, too.
  std::ostringstream os;
  os << c.webhooks.meta.secret.value();
  CHECK(os.str() == "env:META_APP_SECRET");
  CHECK(fmt::format("{}", c.platforms.meta.credentials.at("app_secret")) ==
        "env:META_APP_SECRET");
}

TEST_CASE_METHOD(fixture, "a password in a conninfo url is masked",
                 "[config]") {
  auto c = ok("database:\n"
              "  url: \"host=db password=pa55word user=x\"\n");
  auto text = print(c);
  CHECK(text.find("pa55word") == std::string::npos);
  CHECK(text.find("host=db password=REDACTED user=x") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "print() output loads back to the same config",
                 "[config]") {
  env["TOK"] = "abc";
  auto c = ok("node: {name: n2, admin_token: env:TOK}\n"
              "platforms:\n  snapchat: {enabled: false, flush_interval: 7}\n"
              "  meta:\n    credentials: {access_token: env:TOK}\n"
              "logging: {level: warn}\n");
  auto text = print(c);
  auto again = load_string(text, "printed", env);
  if (!again) FAIL(again.error().render() << "\n" << text);
  CHECK(print(again.value()) == text);
  CHECK_FALSE(again->platforms.snapchat.enabled);
  CHECK(again->platforms.snapchat.flush_interval == seconds{7});
  CHECK(again->logging.level == spdlog::level::warn);
}

TEST_CASE("resolve() outside a file", "[config]") {
  auto ok = resolve(secret_ref{"env:A"}, {{"A", "v"}});
  REQUIRE(ok);
  CHECK(ok->value() == "v");
  auto bad = resolve(secret_ref{"plain"}, {});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().render().starts_with("must be a secret reference"));
  auto unset = resolve(secret_ref{"env:NOPE"}, {});
  REQUIRE_FALSE(unset);
  CHECK(unset.error().render() ==
        "environment variable NOPE is not set (secret reference "
        "\"env:NOPE\")");
}

// -- credentials --------------------------------------------------------------

namespace {

const std::string key_hex =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
// The same 32 bytes in base64.
const std::string key_b64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

} // namespace

TEST_CASE("credentials keys decode from hex or base64", "[config]") {
  auto hex = decode_credentials_key(key_hex);
  REQUIRE(hex);
  CHECK(hex->size() == 32);
  CHECK((*hex)[31] == '\x1f');
  CHECK(decode_credentials_key(key_b64) == hex);
  CHECK(decode_credentials_key(key_b64.substr(0, 43)) == hex); // no padding
  std::string upper = key_hex;
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(decode_credentials_key(upper) == hex);
  // URL-safe alphabet.
  auto url =
      decode_credentials_key("-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_8");
  REQUIRE(url);
  CHECK(url ==
        decode_credentials_key("+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/8="));
  CHECK_FALSE(decode_credentials_key(""));
  CHECK_FALSE(decode_credentials_key(key_hex.substr(2)));        // 31 bytes
  CHECK_FALSE(decode_credentials_key(key_hex + "00"));           // 33 bytes
  CHECK_FALSE(decode_credentials_key("zz" + key_hex.substr(2))); // not hex
  CHECK_FALSE(
      decode_credentials_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9="));
  CHECK_FALSE(decode_credentials_key("a passphrase is not a key"));
}

TEST_CASE_METHOD(fixture, "the credentials section defaults to no key",
                 "[config]") {
  auto c = ok("");
  CHECK(c.credentials.active_key.empty());
  CHECK(c.credentials.keys.empty());
}

TEST_CASE_METHOD(fixture, "credentials keys resolve as secret references",
                 "[config]") {
  env["ADBATCH_TOKEN_KEY"] = key_hex;
  auto file_key = dir.write("old.key", key_b64 + "\n");
  auto c = ok("credentials:\n"
              "  active_key: k2\n"
              "  keys:\n"
              "    k1: file:" +
              file_key +
              "\n"
              "    k2: env:ADBATCH_TOKEN_KEY\n");
  CHECK(c.credentials.active_key == "k2");
  REQUIRE(c.credentials.keys.size() == 2);
  CHECK(c.credentials.keys.at("k2").reference() == "env:ADBATCH_TOKEN_KEY");
  CHECK(decode_credentials_key(c.credentials.keys.at("k1").value()) ==
        decode_credentials_key(key_hex));
  // print() shows references only and loads back.
  auto text = print(c);
  INFO(text);
  CHECK(text.find(key_hex) == std::string::npos);
  CHECK(text.find(key_b64) == std::string::npos);
  CHECK(text.find("active_key: k2") != std::string::npos);
  CHECK(text.find("k2: env:ADBATCH_TOKEN_KEY") != std::string::npos);
  auto again = load_string(text, "printed", env);
  if (!again) FAIL(again.error().render());
  CHECK(print(*again) == text);
}

TEST_CASE_METHOD(fixture, "credentials errors name file, line and key",
                 "[config]") {
  env["SHORT_KEY"] = "0011";
  env["GOOD_KEY"] = key_hex;
  auto err = error_of("credentials:\n"
                      "  active_key: k1\n"
                      "  keys:\n"
                      "    k1: env:SHORT_KEY\n");
  CHECK(err ==
        file + ":4: credentials.keys.k1: must be 32 bytes written as 64 hex "
               "characters or base64 (secret reference \"env:SHORT_KEY\")");
  CHECK(err.find("0011") == std::string::npos);
  CHECK(error_of("credentials:\n"
                 "  active_key: k9\n"
                 "  keys: {k1: env:GOOD_KEY}\n") ==
        file + ":2: credentials.active_key: \"k9\" is not one of "
               "credentials.keys");
  CHECK(error_of("credentials:\n"
                 "  keys: {k1: env:GOOD_KEY}\n") ==
        file + ":2: credentials.active_key: must name the key new tokens "
               "are sealed with (one of credentials.keys)");
  CHECK(error_of("credentials:\n  active_key: k1\n") ==
        file + ":2: credentials.active_key: \"k1\" is not one of "
               "credentials.keys");
  CHECK(error_of("credentials:\n  keys:\n    k1: " + key_hex + "\n")
            .starts_with(file + ":3: credentials.keys.k1: must be a secret "
                                "reference"));
  CHECK(error_of("credentials:\n  keys:\n    k1: env:UNSET_KEY\n") ==
        file + ":3: credentials.keys.k1: environment variable UNSET_KEY is "
               "not set (secret reference \"env:UNSET_KEY\")");
  CHECK(error_of("credentials:\n  active_kee: k1\n") ==
        file + ":2: credentials.active_kee: unknown key (did you mean "
               "active_key?)");
}

TEST_CASE_METHOD(fixture,
                 "platform endpoints are URLs by name, printed and "
                 "checked with file, line and key",
                 "[config]") {
  auto c = ok("platforms:\n"
              "  twitter:\n"
              "    base_url: https://api.x.com\n"
              "    endpoints: {ads: https://ads-api.x.com}\n");
  CHECK(c.platforms.twitter.endpoints.at("ads") == "https://ads-api.x.com");
  CHECK(c.platforms.meta.endpoints.empty());
  auto text = print(c);
  INFO(text);
  auto again = load_string(text, "printed", env);
  if (!again) FAIL(again.error().render());
  CHECK(again->platforms.twitter.endpoints == c.platforms.twitter.endpoints);
  CHECK(error_of("platforms:\n"
                 "  twitter:\n"
                 "    endpoints:\n"
                 "      ads: ads-api.x.com\n") ==
        file + ":4: platforms.twitter.endpoints.ads: must be an http:// "
               "or https:// URL with a host (got \"ads-api.x.com\")");
}
