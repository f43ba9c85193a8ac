#pragma once

// Internals shared by the config sources; not part of the public API.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "config/config.hpp"

namespace adbatch::config::detail {

/// Thrown inside the loader and caught at its boundary; never escapes
/// load(), load_string() or defaults().
struct load_failure {
  config_error error;
};

/// The embedded defaults (the old system's values).
config embedded_defaults();

/// Resolves `env:NAME` / `file:/path`. Returns the secret, or a message
/// (never containing the value) saying why not.
std::variant<secret, std::string> resolve_secret(std::string_view reference,
                                                 const environment& env);

/// Parses a decimal integer (optional sign, surrounding blanks ignored).
std::optional<std::int64_t> parse_int(std::string_view text);

/// Parses a duration in seconds: "300", "300s", "5m", "2h", "1d".
std::optional<std::int64_t> parse_duration(std::string_view text);

/// "must be > 0 (got -5)" style message, or nullopt when in range.
std::optional<std::string> check_range(std::int64_t v, std::int64_t min,
                                       std::int64_t max,
                                       std::string_view got);

/// Applies the environment overrides in table order.
void apply_environment(config& cfg, const environment& env);

/// Cross-field checks that need the whole config (after overrides).
void validate_whole(const config& cfg, const std::string& file);

/// Checks a platform base URL; a message when it is not http(s)://host...
std::optional<std::string> check_base_url(std::string_view url);

/// The known key closest to `key` when it is a likely misspelling.
std::optional<std::string> closest_key(std::string_view key,
                                       std::span<const std::string> known);

/// Trims ASCII blanks.
std::string_view trim(std::string_view s);

/// A human-readable quote of user input, for messages.
std::string quote(std::string_view s);

} // namespace adbatch::config::detail
