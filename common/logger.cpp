#include "common/logger.hpp"

#include <chrono>
#include <mutex>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace adbatch {

namespace {

class json_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    auto since = msg.time.time_since_epoch();
    auto secs = duration_cast<seconds>(since);
    auto micros = duration_cast<microseconds>(since - secs).count();
    std::time_t t = secs.count();
    std::tm tm{};
    gmtime_r(&t, &tm);
    boost::json::object line;
    line["ts"] = fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}Z", tm, micros);
    auto lvl = spdlog::level::to_string_view(msg.level);
    line["level"] = std::string_view{lvl.data(), lvl.size()};
    line["logger"] = std::string_view{msg.logger_name.data(),
                                      msg.logger_name.size()};
    line["thread"] = static_cast<std::uint64_t>(msg.thread_id);
    // boost::json escapes quotes, backslashes and control characters.
    line["msg"] = std::string_view{msg.payload.data(), msg.payload.size()};
    auto text = boost::json::serialize(line);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

std::mutex logger_mtx;
std::shared_ptr<spdlog::logger> current_logger;

std::shared_ptr<spdlog::logger> make_logger(spdlog::level::level_enum level,
                                            log_format format) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("adbatch", sink);
  if (format == log_format::json)
    logger->set_formatter(make_json_formatter());
  else
    logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      "%Y-%m-%dT%H:%M:%S.%fZ %^%-5l%$ %v", spdlog::pattern_time_type::utc));
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  return logger;
}

} // namespace

std::unique_ptr<spdlog::formatter> make_json_formatter() {
  return std::make_unique<json_formatter>();
}

void init_logging(spdlog::level::level_enum level, log_format format) {
  std::lock_guard guard{logger_mtx};
  current_logger = make_logger(level, format);
}

bool parse_log_level(std::string_view text, spdlog::level::level_enum& out) {
  using namespace spdlog::level;
  if (text == "trace") out = trace;
  else if (text == "debug") out = debug;
  else if (text == "info") out = info;
  else if (text == "warn" || text == "warning") out = warn;
  else if (text == "error") out = err;
  else if (text == "critical") out = critical;
  else if (text == "off") out = off;
  else return false;
  return true;
}

spdlog::logger& log() {
  std::lock_guard guard{logger_mtx};
  if (!current_logger)
    current_logger = make_logger(spdlog::level::info, log_format::text);
  return *current_logger;
}

} // namespace adbatch
