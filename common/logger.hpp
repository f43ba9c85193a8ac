#pragma once

// The node's one logger. Every component logs through `adbatch::log()`;
// nothing else in the tree touches spdlog's registry.
//
// Style: the actor or component is the subject, present tense:
//   log().info("{} drops batch {}: {}", name, id, reason);
// Secrets never reach a log line: log references (`env:NAME`), not values.

#include <memory>
#include <string_view>

#include <spdlog/formatter.h>
#include <spdlog/logger.h>

namespace adbatch {

enum class log_format { text, json };

/// Installs the process-wide logger (stderr). Safe to call again, e.g. after
/// the config is loaded; the last call wins.
void init_logging(spdlog::level::level_enum level, log_format format);

/// Parses "trace|debug|info|warn|warning|error|critical|off".
/// Returns false for anything else.
bool parse_log_level(std::string_view text, spdlog::level::level_enum& out);

/// The process-wide logger; a text logger at info level until init_logging.
spdlog::logger& log();

/// A formatter that writes one JSON object per line. The message is escaped,
/// so quotes and newlines in it keep the line valid JSON.
std::unique_ptr<spdlog::formatter> make_json_formatter();

} // namespace adbatch
