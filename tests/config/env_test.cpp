// Environment overrides: each variable, the exact error text, precedence.

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "config/config.hpp"

using namespace adbatch::config;

namespace {

config must(const result<config>& r) {
  if (!r)
    FAIL(r.error().render());
  return r.value();
}

std::string error_of(const environment& env) {
  auto r = defaults(env);
  return r ? std::string{} : r.error().render();
}

} // namespace

TEST_CASE("per-platform switches", "[config][env]") {
  for (auto name : platform_names) {
    std::string upper{name};
    for (auto& ch : upper)
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    auto var = "PLATFORM_BATCH_" + upper + "_ENABLED";
    INFO(var);
    auto c = must(defaults({{var, "false"}}));
    for (auto other : platform_names)
      CHECK(c.platforms.find(other)->enabled == (other != name));
    CHECK(must(defaults({{var, "ON"}})).platforms.find(name)->enabled);
  }
}

TEST_CASE("PLATFORM_BATCH_META_ENABLED=false disables meta; maybe is an "
          "error",
          "[config][env]") {
  CHECK_FALSE(
    must(defaults({{"PLATFORM_BATCH_META_ENABLED", "false"}})).platforms.meta
      .enabled);
  CHECK(error_of({{"PLATFORM_BATCH_META_ENABLED", "maybe"}})
        == "environment: PLATFORM_BATCH_META_ENABLED: expected a boolean "
           "(true/false/1/0/yes/no/on/off), got \"maybe\"");
}

TEST_CASE("booleans accept the usual spellings", "[config][env]") {
  for (auto t : {"true", "TRUE", "1", "yes", "Yes", "on", " on "})
    CHECK(parse_bool(t) == true);
  for (auto f : {"false", "False", "0", "no", "NO", "off"})
    CHECK(parse_bool(f) == false);
  for (auto bad : {"maybe", "2", "y", "enabled"})
    CHECK_FALSE(parse_bool(bad).has_value());
}

TEST_CASE("PLATFORM_BATCH_ENABLED=false wins over the per-platform switches",
          "[config][env]") {
  auto c = must(defaults({{"PLATFORM_BATCH_ENABLED", "0"},
                          {"PLATFORM_BATCH_META_ENABLED", "true"}}));
  for (auto name : platform_names)
    CHECK_FALSE(c.platforms.find(name)->enabled);
  // true changes nothing: a platform disabled per platform stays disabled.
  auto c2 = must(defaults({{"PLATFORM_BATCH_ENABLED", "true"},
                           {"PLATFORM_BATCH_TIKTOK_ENABLED", "no"}}));
  CHECK(c2.platforms.meta.enabled);
  CHECK_FALSE(c2.platforms.tiktok.enabled);
  CHECK(error_of({{"PLATFORM_BATCH_ENABLED", "nope"}})
        == "environment: PLATFORM_BATCH_ENABLED: expected a boolean "
           "(true/false/1/0/yes/no/on/off), got \"nope\"");
}

TEST_CASE("logging and webhook overrides", "[config][env]") {
  auto c = must(defaults({{"PLATFORM_BATCH_LOG_LEVEL", "debug"},
                          {"PLATFORM_BATCH_LOG_REQUESTS", "yes"},
                          {"WEBHOOK_STORE_RAW", "off"},
                          {"WEBHOOK_RETENTION_DAYS", "7"}}));
  CHECK(c.logging.level == spdlog::level::debug);
  CHECK(c.logging.log_requests);
  CHECK_FALSE(c.webhooks.store_raw);
  CHECK(c.webhooks.retention_days == 7);

  CHECK(error_of({{"PLATFORM_BATCH_LOG_LEVEL", "loud"}})
        == "environment: PLATFORM_BATCH_LOG_LEVEL: expected one of trace, "
           "debug, info, warn, error, critical, off, got \"loud\"");
  CHECK(error_of({{"PLATFORM_BATCH_LOG_REQUESTS", "sometimes"}})
        == "environment: PLATFORM_BATCH_LOG_REQUESTS: expected a boolean "
           "(true/false/1/0/yes/no/on/off), got \"sometimes\"");
  CHECK(error_of({{"WEBHOOK_STORE_RAW", "maybe"}})
        == "environment: WEBHOOK_STORE_RAW: expected a boolean "
           "(true/false/1/0/yes/no/on/off), got \"maybe\"");
  CHECK(error_of({{"WEBHOOK_RETENTION_DAYS", "-1"}})
        == "environment: WEBHOOK_RETENTION_DAYS: must be between 0 and 36500 "
           "(got -1)");
  CHECK(error_of({{"WEBHOOK_RETENTION_DAYS", "a month"}})
        == "environment: WEBHOOK_RETENTION_DAYS: expected an integer, got "
           "\"a month\"");
}

TEST_CASE("node and database overrides", "[config][env]") {
  auto c = must(defaults({{"ADBATCH_DATABASE_URL", "host=/tmp dbname=x"},
                          {"ADBATCH_DATA_DIR", "/srv/adbatch"},
                          {"ADBATCH_HTTP_PORT", "0"},
                          {"ADBATCH_CAF_PORT", "4343"}}));
  CHECK(c.database.url == "host=/tmp dbname=x");
  CHECK(c.node.data_dir == "/srv/adbatch");
  CHECK(c.node.http.port == 0);
  CHECK(c.node.caf.port == 4343);
  CHECK(error_of({{"ADBATCH_HTTP_PORT", "65536"}})
        == "environment: ADBATCH_HTTP_PORT: must be between 0 and 65535 (got "
           "65536)");
  CHECK(error_of({{"ADBATCH_HTTP_PORT", "4242"}})
        == "node.caf.port: must differ from node.http.port (both are 4242)");
}

TEST_CASE("an empty variable counts as unset", "[config][env]") {
  auto c = must(defaults({{"PLATFORM_BATCH_META_ENABLED", ""},
                          {"WEBHOOK_RETENTION_DAYS", ""}}));
  CHECK(c.platforms.meta.enabled);
  CHECK(c.webhooks.retention_days == 30);
}

TEST_CASE("the environment wins over the file", "[config][env]") {
  auto c = must(load_string("platforms:\n  meta: {enabled: true}\n"
                            "webhooks: {retention_days: 90}\n",
                            "inline.yaml",
                            {{"PLATFORM_BATCH_META_ENABLED", "false"},
                             {"WEBHOOK_RETENTION_DAYS", "5"}}));
  CHECK_FALSE(c.platforms.meta.enabled);
  CHECK(c.webhooks.retention_days == 5);
  // print() shows the effective values.
  auto text = print(c);
  CHECK(text.find("retention_days: 5") != std::string::npos);
}

TEST_CASE("every override is documented in docs/configuration.md",
          "[config][env]") {
  std::ifstream in{ADBATCH_SOURCE_DIR "/docs/configuration.md"};
  REQUIRE(in);
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = buf.str();
  CHECK(environment_overrides().size() == 16);
  for (const auto& o : environment_overrides()) {
    INFO(o.variable);
    CHECK(doc.find("`" + std::string{o.variable} + "`") != std::string::npos);
    CHECK(doc.find(std::string{o.key_path}) != std::string::npos);
  }
}

namespace {

/// Dotted paths of every leaf in `n`, with platform and webhook source
/// names replaced by the placeholders the docs use.
void leaf_paths(const YAML::Node& n, const std::string& path,
                std::vector<std::string>& out) {
  if (!n.IsMap() || path.ends_with(".credentials")) {
    out.push_back(path);
    return;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    auto key = it->first.Scalar();
    std::string child = path.empty() ? key : path + '.' + key;
    if (path == "platforms")
      child = "platforms.<name>";
    else if (path == "webhooks" && it->second.IsMap())
      child = "webhooks.<source>";
    leaf_paths(it->second, child, out);
  }
}

} // namespace

TEST_CASE("every key print() writes is documented", "[config]") {
  std::ifstream in{ADBATCH_SOURCE_DIR "/docs/configuration.md"};
  REQUIRE(in);
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = buf.str();
  std::vector<std::string> paths;
  leaf_paths(YAML::Load(print(must(defaults({})))), "", paths);
  CHECK(paths.size() > 40);
  for (const auto& p : paths) {
    INFO(p);
    // verify_token exists for meta and whatsapp only; documented as such.
    auto documented = p == "webhooks.<source>.verify_token"
                        ? std::string{"webhooks.meta.verify_token"}
                        : p;
    CHECK(doc.find("`" + documented) != std::string::npos);
  }
}
