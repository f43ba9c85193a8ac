#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <spdlog/details/log_msg.h>

#include "common/logger.hpp"

using namespace adbatch;

TEST_CASE("json log lines stay valid with quotes and newlines in the message") {
  auto fmt = make_json_formatter();
  spdlog::details::log_msg msg{"adbatch", spdlog::level::warn,
                               "say \"hi\"\nand \\ bye\t!"};
  spdlog::memory_buf_t buf;
  fmt->format(msg, buf);
  std::string line{buf.data(), buf.size()};
  REQUIRE(line.back() == '\n');
  REQUIRE(line.find('\n') == line.size() - 1);
  auto v = boost::json::parse(line);
  CHECK(v.at("msg").as_string() == "say \"hi\"\nand \\ bye\t!");
  CHECK(v.at("level").as_string() == "warning");
  CHECK(v.at("logger").as_string() == "adbatch");
}

TEST_CASE("log levels parse, anything else is refused") {
  spdlog::level::level_enum lvl{};
  CHECK(parse_log_level("debug", lvl));
  CHECK(lvl == spdlog::level::debug);
  CHECK(parse_log_level("warning", lvl));
  CHECK(lvl == spdlog::level::warn);
  CHECK_FALSE(parse_log_level("loud", lvl));
}
