#pragma once

// A thin RAII layer over libpq: one connection, text-format parameters,
// errors mapped to db_error (connection problems -> storage_unavailable).

#include "persistence/result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace adbatch::persistence {

/// A query result (owns the PGresult).
class pg_rows {
public:
  explicit pg_rows(::pg_result* res);
  pg_rows(pg_rows&&) noexcept;
  pg_rows& operator=(pg_rows&&) noexcept;
  ~pg_rows();

  int size() const;
  /// Rows touched by an INSERT/UPDATE/DELETE without RETURNING.
  std::int64_t affected() const;
  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;
  std::string str(int row, int col) const {
    return std::string{text(row, col)};
  }
  std::int64_t i64(int row, int col) const;
  double f64(int row, int col) const;
  bool boolean(int row, int col) const;

private:
  ::pg_result* res_;
};

/// A query parameter in text format; nullopt = SQL NULL.
using pg_param = std::optional<std::string>;

/// One prepared statement of a pipeline (pg_connection::exec_pipeline).
struct pg_step {
  std::string name;     ///< prepared statement name
  std::string_view sql; ///< its SQL; must outlive the call
  std::vector<pg_param> params;
};

/// One PostgreSQL connection.
class pg_connection {
public:
  /// Opens a connection. storage_unavailable if it cannot. The conninfo
  /// (key=value string or URI) may set its own connect_timeout; otherwise
  /// `connect_timeout_s` applies (0 = libpq's default: wait forever).
  static result<std::unique_ptr<pg_connection>>
  open(const std::string& conninfo, int connect_timeout_s = 10);

  ~pg_connection();
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  /// Runs one statement with parameters ($1..$n, text format).
  result<pg_rows> exec(std::string_view sql,
                       const std::vector<pg_param>& params = {});

  /// Runs the statement `sql` as the prepared statement `name`: the first
  /// call on this connection prepares it (PQprepare), later calls only
  /// execute it, so the server parses and plans it once. A name must always
  /// come with the same SQL.
  result<pg_rows> exec_prepared(const std::string& name, std::string_view sql,
                                const std::vector<pg_param>& params = {});

  /// Runs `steps` as prepared statements (prepared on first use, as in
  /// exec_prepared) in one round trip: libpq's pipeline mode, one sync at
  /// the end. Answers one result per step in order, or the first error; a
  /// step after a failed one does not run. Inside a transaction, a failure
  /// aborts it as a single statement's failure would. The commands are sent
  /// with a non-blocking flush that keeps reading the server's answers, so
  /// a long pipeline cannot deadlock on full socket buffers.
  result<std::vector<pg_rows>> exec_pipeline(const std::vector<pg_step>& steps);

  /// Runs a script of one or more statements without parameters
  /// (simple query protocol).
  result<void> exec_script(std::string_view sql);

  /// True while libpq reports CONNECTION_OK.
  bool ok() const;

  /// SQLSTATE of the last failed statement ("" if none or not from the server).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

  /// Rolls back an open transaction, if any; ignores errors (used on
  /// error paths).
  void rollback_quietly();

  ::pg_conn* native() { return conn_; }

private:
  explicit pg_connection(::pg_conn* conn) : conn_(conn) {}
  db_error error_of(::pg_result* res);
  /// Prepares `name` unless this connection already has it.
  result<void> prepare_once(const std::string& name, std::string_view sql,
                            std::size_t n_params);
  /// Reads and drops results up to the pipeline's sync, then leaves
  /// pipeline mode; false if the connection is unusable afterwards.
  bool finish_pipeline();

  ::pg_conn* conn_;
  std::string last_sqlstate_;
  /// Names of the statements prepared on this connection.
  std::set<std::string, std::less<>> prepared_;
};

/// Quotes an identifier-safe literal produced from validated input (UUIDs,
/// role names). Not a general escaper: only [0-9A-Za-z_-] are accepted.
std::string quote_simple_literal(std::string_view text);

} // namespace adbatch::persistence
