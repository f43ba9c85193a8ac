#pragma once

// adbatch's error codes, registered with CAF under the category atom "adbatch".
// Errors are values: handlers return caf::result<T> / caf::expected<T>.

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/fwd.hpp>

namespace adbatch {

enum class ec : std::uint8_t {
  /// Not an error.
  none = 0,
  /// Something went wrong that has no better code; the context says what.
  unspecified,
  /// The caller passed something invalid (bad platform, priority, params...).
  invalid_argument,
  /// The thing asked for does not exist (or is not visible to this org).
  not_found,
  /// The configuration is invalid; the context names file, line and key.
  invalid_config,
  /// PostgreSQL is unreachable or the connection broke; retry later.
  storage_unavailable,
  /// PostgreSQL rejected a statement; the context carries its message.
  storage_error,
  /// The database schema is newer than this binary understands.
  schema_too_new,
  /// A child actor could not be started.
  child_start_failed,
  /// A supervised child crashed more often than the restart intensity allows.
  restart_intensity_exceeded,
  /// The node or component is shutting down and refuses new work.
  shutting_down,
  /// An upstream (platform) call failed.
  upstream_error,
  /// A rate budget is spent; retry after the reset.
  rate_limited,
  /// A request timed out.
  timeout,
  /// The row's state forbids the operation (lease lost, already claimed or
  /// finished, duplicate id).
  conflict,
};

/// A readable name for the code ("invalid_argument").
const char* to_string(ec code);

/// Makes a CAF error in the adbatch category with a context string.
caf::error make_error(ec code, std::string context = {});

/// Renders any CAF error, adbatch's with their context, as one line.
std::string render(const caf::error& err);

} // namespace adbatch
