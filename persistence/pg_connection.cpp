#include "persistence/pg_connection.hpp"

#include <cerrno>
#include <cstdlib>
#include <poll.h>
#include <libpq-fe.h>
#include <stdexcept>
#include <string>

namespace adbatch::persistence {

// -- pg_rows
// -------------------------------------------------------------------

pg_rows::pg_rows(PGresult* res) : res_(res) {}
pg_rows::pg_rows(pg_rows&& other) noexcept : res_(other.res_) {
  other.res_ = nullptr;
}
pg_rows& pg_rows::operator=(pg_rows&& other) noexcept {
  if (this != &other) {
    if (res_) PQclear(res_);
    res_ = other.res_;
    other.res_ = nullptr;
  }
  return *this;
}
pg_rows::~pg_rows() {
  if (res_) PQclear(res_);
}
int pg_rows::size() const {
  return res_ ? PQntuples(res_) : 0;
}
std::int64_t pg_rows::affected() const {
  const char* n = res_ ? PQcmdTuples(res_) : "";
  return *n ? std::strtoll(n, nullptr, 10) : 0;
}
bool pg_rows::is_null(int row, int col) const {
  return PQgetisnull(res_, row, col) == 1;
}
std::string_view pg_rows::text(int row, int col) const {
  return {PQgetvalue(res_, row, col),
          static_cast<std::size_t>(PQgetlength(res_, row, col))};
}
std::int64_t pg_rows::i64(int row, int col) const {
  return is_null(row, col)
             ? 0
             : std::strtoll(PQgetvalue(res_, row, col), nullptr, 10);
}
double pg_rows::f64(int row, int col) const {
  return is_null(row, col) ? 0.0
                           : std::strtod(PQgetvalue(res_, row, col), nullptr);
}
bool pg_rows::boolean(int row, int col) const {
  return !is_null(row, col) && PQgetvalue(res_, row, col)[0] == 't';
}

// -- pg_connection
// -----------------------------------------------------------------

result<std::unique_ptr<pg_connection>>
pg_connection::open(const std::string& conninfo, int connect_timeout_s) {
  // dbname with expand_dbname=1 takes a whole conninfo; its own settings
  // override the connect_timeout default given before it.
  const std::string timeout = std::to_string(connect_timeout_s);
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {connect_timeout_s > 0 ? timeout.c_str() : nullptr,
                          conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (conn == nullptr)
    return make_error(error_code::storage_unavailable, "libpq: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    // libpq's message names host/socket and the reason, never the password.
    std::string msg = PQerrorMessage(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
      msg.pop_back();
    PQfinish(conn);
    return make_error(error_code::storage_unavailable,
                      "cannot connect to PostgreSQL: " + msg);
  }
  // Keep server notices (e.g. "relation already exists, skipping") off stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<pg_connection>{new pg_connection(conn)};
}

pg_connection::~pg_connection() {
  if (conn_) PQfinish(conn_);
}

bool pg_connection::ok() const {
  return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

db_error pg_connection::error_of(PGresult* res) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state ? state : "";
  std::string msg = res ? PQresultErrorMessage(res) : "";
  if (msg.empty()) msg = PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
    msg.pop_back();
  // Connection exceptions (class 08), operator intervention (57P01-57P03:
  // shutdown, crash, cannot connect now) and a dead socket mean "the
  // database is not there": the caller reconnects and retries.
  const bool lost = PQstatus(conn_) != CONNECTION_OK ||
                    last_sqlstate_.rfind("08", 0) == 0 ||
                    last_sqlstate_ == "57P01" || last_sqlstate_ == "57P02" ||
                    last_sqlstate_ == "57P03";
  if (lost)
    return make_error(error_code::storage_unavailable,
                      "PostgreSQL connection lost: " + msg);
  if (!last_sqlstate_.empty()) msg += " [SQLSTATE " + last_sqlstate_ + "]";
  return make_error(error_code::storage_error, msg);
}

result<pg_rows> pg_connection::exec(std::string_view sql,
                                    const std::vector<pg_param>& params) {
  if (!ok())
    return make_error(error_code::storage_unavailable,
                      "PostgreSQL connection is down");
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  std::string query{sql};
  PGresult* res =
      PQexecParams(conn_, query.c_str(), static_cast<int>(values.size()),
                   nullptr, values.data(), nullptr, nullptr, 0);
  const auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    last_sqlstate_.clear();
    return pg_rows{res};
  }
  auto err = error_of(res);
  if (res) PQclear(res);
  return err;
}

result<pg_rows>
pg_connection::exec_prepared(const std::string& name, std::string_view sql,
                             const std::vector<pg_param>& params) {
  if (!ok())
    return make_error(error_code::storage_unavailable,
                      "PostgreSQL connection is down");
  if (auto p = prepare_once(name, sql, params.size()); !p) return p.error();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  PGresult* res =
      PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                     values.data(), nullptr, nullptr, 0);
  const auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    last_sqlstate_.clear();
    return pg_rows{res};
  }
  auto err = error_of(res);
  if (res) PQclear(res);
  return err;
}

result<void> pg_connection::prepare_once(const std::string& name,
                                         std::string_view sql,
                                         std::size_t n_params) {
  if (prepared_.find(name) != prepared_.end()) return {};
  // Parameter types come from the casts in the SQL. A prepared statement
  // outlives the transaction it was made in, even one that rolls back.
  std::string query{sql};
  PGresult* prep = PQprepare(conn_, name.c_str(), query.c_str(),
                             static_cast<int>(n_params), nullptr);
  if (!prep || PQresultStatus(prep) != PGRES_COMMAND_OK) {
    auto err = error_of(prep);
    if (prep) PQclear(prep);
    return err;
  }
  PQclear(prep);
  prepared_.insert(name);
  return {};
}

bool pg_connection::finish_pipeline() {
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return true;
  PQsetnonblocking(conn_, 0);
  // Every query's results end with a null result; the sync ends it all.
  for (int nulls_in_a_row = 0; nulls_in_a_row < 2;) {
    if (PQstatus(conn_) != CONNECTION_OK) break;
    PGresult* res = PQgetResult(conn_);
    if (res == nullptr) {
      ++nulls_in_a_row;
      continue;
    }
    nulls_in_a_row = 0;
    const bool sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
    PQclear(res);
    if (sync) break;
  }
  return PQexitPipelineMode(conn_) == 1;
}

result<std::vector<pg_rows>>
pg_connection::exec_pipeline(const std::vector<pg_step>& steps) {
  if (!ok())
    return make_error(error_code::storage_unavailable,
                      "PostgreSQL connection is down");
  std::vector<pg_rows> out;
  if (steps.empty()) return out;
  for (const auto& st : steps)
    if (auto p = prepare_once(st.name, st.sql, st.params.size()); !p)
      return p.error();
  auto broken = [this](const char* what) -> db_error {
    std::string msg = std::string{what} + ": " + PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
      msg.pop_back();
    const bool lost = !finish_pipeline() || PQstatus(conn_) != CONNECTION_OK;
    last_sqlstate_.clear();
    return make_error(lost ? error_code::storage_unavailable
                           : error_code::storage_error,
                      msg);
  };
  if (PQenterPipelineMode(conn_) != 1)
    return make_error(error_code::storage_error,
                      std::string{"cannot enter pipeline mode: "} +
                          PQerrorMessage(conn_));
  // Non-blocking while sending: libpq then queues the commands in its
  // buffer instead of waiting for the socket, and the flush loop below
  // reads answers whenever the server has some, so neither side can wait
  // forever on the other's full buffer.
  if (PQsetnonblocking(conn_, 1) != 0) return broken("cannot send");
  std::vector<const char*> values;
  for (const auto& st : steps) {
    values.clear();
    for (const auto& p : st.params) values.push_back(p ? p->c_str() : nullptr);
    if (PQsendQueryPrepared(conn_, st.name.c_str(),
                            static_cast<int>(values.size()), values.data(),
                            nullptr, nullptr, 0) != 1)
      return broken("cannot send a pipelined statement");
  }
  if (PQpipelineSync(conn_) != 1) return broken("cannot send the sync");
  for (;;) {
    const int f = PQflush(conn_);
    if (f == 0) break;
    if (f < 0) return broken("cannot send");
    pollfd pfd{PQsocket(conn_), POLLIN | POLLOUT, 0};
    if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
      return broken("poll failed");
    if ((pfd.revents & POLLIN) != 0 && PQconsumeInput(conn_) != 1)
      return broken("cannot read");
  }
  PQsetnonblocking(conn_, 0);
  // Results: per step one result, then a null; then the sync.
  std::optional<db_error> first_error;
  out.reserve(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    PGresult* res = PQgetResult(conn_);
    if (res == nullptr) return broken("pipeline ended early");
    const auto status = PQresultStatus(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      out.emplace_back(res);
    } else {
      if (!first_error && status != PGRES_PIPELINE_ABORTED)
        first_error = error_of(res);
      PQclear(res);
    }
    // The null that ends this step's results.
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  }
  if (!finish_pipeline() && !first_error)
    first_error = make_error(error_code::storage_unavailable,
                             "PostgreSQL connection lost after a pipeline");
  if (first_error) {
    // error_of() judged connection loss while the pipeline was still on.
    if (PQstatus(conn_) != CONNECTION_OK)
      first_error->code = error_code::storage_unavailable;
    return *first_error;
  }
  last_sqlstate_.clear();
  return out;
}

result<void> pg_connection::exec_script(std::string_view sql) {
  if (!ok())
    return make_error(error_code::storage_unavailable,
                      "PostgreSQL connection is down");
  std::string query{sql};
  if (!PQsendQuery(conn_, query.c_str())) return error_of(nullptr);
  // A script answers one result per statement; the first error wins.
  std::optional<db_error> first_error;
  while (PGresult* res = PQgetResult(conn_)) {
    const auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
        status != PGRES_EMPTY_QUERY && !first_error)
      first_error = error_of(res);
    PQclear(res);
  }
  if (first_error) return *first_error;
  last_sqlstate_.clear();
  return {};
}

void pg_connection::rollback_quietly() {
  if (!ok()) return;
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  if (PGresult* res = PQexec(conn_, "ROLLBACK")) PQclear(res);
}

std::string quote_simple_literal(std::string_view text) {
  for (char c : text) {
    const bool safe = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                      (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    if (!safe) throw std::invalid_argument("unsafe literal for SQL");
  }
  return "'" + std::string{text} + "'";
}

} // namespace adbatch::persistence
