#pragma once

// result<T>: a value or a storage error. The persistence layer never throws
// across its interface; every operation returns one of these.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace adbatch::persistence {

/// What went wrong, coarse enough for a caller to decide what to do next.
enum class error_code : std::uint8_t {
  /// The input is invalid (bad platform, priority, params, unknown
  /// connection...).
  invalid_argument,
  /// The row does not exist or is not visible to this org.
  not_found,
  /// The connection to PostgreSQL is gone (or never came up): reconnect, retry.
  storage_unavailable,
  /// PostgreSQL rejected a statement; the message carries its text and
  /// SQLSTATE.
  storage_error,
  /// The row is in a state that forbids the operation (lease lost, already
  /// finished, duplicate connection id...).
  conflict,
  /// The database schema is newer than this binary knows.
  schema_too_new,
  /// A stored credential cannot be used: its key id is not configured, it
  /// fails authentication, or a token reference cannot be resolved. The
  /// message names the connection and key id or reference, never a token.
  credential_error,
};

/// A readable name ("storage_unavailable").
const char* to_string(error_code code);

/// An error with a message meant for humans (never contains secrets).
struct db_error {
  error_code code = error_code::storage_error;
  std::string message;
};

/// Makes an error.
inline db_error make_error(error_code code, std::string message) {
  return db_error{code, std::move(message)};
}

/// A value of T or an error. Minimal on purpose: check with `ok()` /
/// `operator bool`, then use `value()` / `*` / `->`, or `error()`.
template <class T>
class result {
public:
  result(T value) : data_(std::in_place_index<0>, std::move(value)) {}
  result(db_error err) : data_(std::in_place_index<1>, std::move(err)) {}

  /// True when it holds a value.
  bool ok() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// The error; only valid when !ok().
  const db_error& error() const { return std::get<1>(data_); }

private:
  std::variant<T, db_error> data_;
};

/// result<void>: success or an error.
template <>
class result<void> {
public:
  result() = default;
  result(db_error err) : err_(std::move(err)) {}

  bool ok() const noexcept { return !err_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  const db_error& error() const { return *err_; }

private:
  std::optional<db_error> err_;
};

} // namespace adbatch::persistence
