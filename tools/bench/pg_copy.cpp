#include "tools/bench/pg_copy.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>

#include <libpq-fe.h>

#include "tools/bench/cpu_usage.hpp"

namespace adbatch::bench {

using persistence::error_code;

namespace {

struct conn_closer {
  void operator()(PGconn* c) const { PQfinish(c); }
};

persistence::result<void> run(PGconn* c, const char* sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> r{PQexec(c, sql), &PQclear};
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return persistence::make_error(error_code::storage_error,
                                   PQerrorMessage(c));
  return {};
}

/// COPY text format: escape backslash, tab, newline, carriage return.
void append_field(std::string& out, const std::string& s) {
  for (char ch : s) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += ch;
    }
  }
}

} // namespace

persistence::result<copy_measurement>
copy_rows(const std::string& conninfo,
          const std::vector<persistence::validated_request>& rows,
          int postmaster_pid) {
  std::unique_ptr<PGconn, conn_closer> c{PQconnectdb(conninfo.c_str())};
  if (PQstatus(c.get()) != CONNECTION_OK)
    return persistence::make_error(error_code::storage_unavailable,
                                   PQerrorMessage(c.get()));
  // "table does not exist, skipping" notices are noise here.
  PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
  if (auto r = run(c.get(),
                   "DROP TABLE IF EXISTS adbatch.bench_copy;"
                   "CREATE TABLE adbatch.bench_copy "
                   "(LIKE adbatch.batch_request_queue INCLUDING ALL)");
      !r)
    return r.error();
  // Rendered before the clock starts: the rows exist in memory either way.
  std::string data;
  data.reserve(rows.size() * 400);
  for (auto& r : rows) {
    append_field(data, r.org_id);
    data += '\t';
    data += persistence::to_string(r.platform);
    data += '\t';
    append_field(data, r.connection_id);
    data += '\t';
    append_field(data, r.request_type);
    data += '\t';
    append_field(data, r.params);
    data += '\t';
    data += r.request_key;
    data += '\t';
    data += std::to_string(r.priority);
    data += '\t';
    data += std::to_string(r.max_attempts);
    data += '\n';
  }
  auto self0 = self_cpu_seconds();
  auto server0 = server_cpu_seconds(postmaster_pid);
  auto t0 = std::chrono::steady_clock::now();
  if (auto r = run(c.get(), "BEGIN"); !r)
    return r.error();
  std::unique_ptr<PGresult, decltype(&PQclear)> start{
    PQexec(c.get(),
           "COPY adbatch.bench_copy (org_id, platform, connection_id, "
           "request_type, params, request_key, priority, max_attempts) "
           "FROM STDIN"),
    &PQclear};
  if (PQresultStatus(start.get()) != PGRES_COPY_IN)
    return persistence::make_error(error_code::storage_error,
                                   PQerrorMessage(c.get()));
  // Send in 256 KB chunks like a streaming client would.
  constexpr std::size_t chunk = 256 * 1024;
  for (std::size_t off = 0; off < data.size(); off += chunk) {
    auto n = std::min(chunk, data.size() - off);
    if (PQputCopyData(c.get(), data.data() + off, static_cast<int>(n)) != 1)
      return persistence::make_error(error_code::storage_error,
                                     PQerrorMessage(c.get()));
  }
  if (PQputCopyEnd(c.get(), nullptr) != 1)
    return persistence::make_error(error_code::storage_error,
                                   PQerrorMessage(c.get()));
  bool failed = false;
  std::string msg;
  while (PGresult* res = PQgetResult(c.get())) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      failed = true;
      msg = PQresultErrorMessage(res);
    }
    PQclear(res);
  }
  if (failed)
    return persistence::make_error(error_code::storage_error, msg);
  if (auto r = run(c.get(), "COMMIT"); !r)
    return r.error();
  auto t1 = std::chrono::steady_clock::now();
  copy_measurement m;
  m.seconds = std::chrono::duration<double>(t1 - t0).count();
  m.cpu_self = self_cpu_seconds() - self0;
  auto server1 = server_cpu_seconds(postmaster_pid);
  if (server0 >= 0 && server1 >= 0)
    m.cpu_server = server1 - server0;
  (void) run(c.get(), "DROP TABLE IF EXISTS adbatch.bench_copy");
  return m;
}

namespace {

/// One element of a PostgreSQL array literal, always double-quoted.
void append_array_element(std::string& out, const std::string& s) {
  out += '"';
  for (char ch : s) {
    if (ch == '"' || ch == '\\')
      out += '\\';
    out += ch;
  }
  out += '"';
}

} // namespace

persistence::result<copy_measurement>
insert_rows(const std::string& conninfo,
            const std::vector<persistence::validated_request>& rows,
            std::size_t batch_size, int postmaster_pid, std::size_t& inserted) {
  inserted = 0;
  std::unique_ptr<PGconn, conn_closer> c{PQconnectdb(conninfo.c_str())};
  if (PQstatus(c.get()) != CONNECTION_OK)
    return persistence::make_error(error_code::storage_unavailable,
                                   PQerrorMessage(c.get()));
  PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
  if (auto r = run(c.get(),
                   "DROP TABLE IF EXISTS adbatch.bench_insert;"
                   "CREATE TABLE adbatch.bench_insert "
                   "(LIKE adbatch.batch_request_queue INCLUDING ALL)");
      !r)
    return r.error();
  // Arrays rendered before the clock starts, like the COPY text.
  constexpr int cols = 8;
  std::vector<std::array<std::string, cols>> batches;
  for (std::size_t off = 0; off < rows.size(); off += batch_size) {
    std::array<std::string, cols> a;
    for (auto& s : a)
      s = "{";
    auto end = std::min(rows.size(), off + batch_size);
    for (std::size_t i = off; i < end; ++i) {
      auto& r = rows[i];
      const std::string fields[cols]
        = {r.org_id,        persistence::to_string(r.platform),
           r.connection_id, r.request_type,
           r.params,        r.request_key,
           std::to_string(r.priority), std::to_string(r.max_attempts)};
      for (int k = 0; k < cols; ++k) {
        if (i != off)
          a[k] += ',';
        append_array_element(a[k], fields[k]);
      }
    }
    for (auto& s : a)
      s += '}';
    batches.push_back(std::move(a));
  }
  const char* sql
    = "INSERT INTO adbatch.bench_insert (org_id, platform, connection_id, "
      "request_type, params, request_key, priority, max_attempts) "
      "SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], "
      "$5::jsonb[], $6::text[], $7::smallint[], $8::int[]) "
      "ON CONFLICT (request_key) WHERE status IN ('pending', 'processing') "
      "DO NOTHING RETURNING id";
  std::unique_ptr<PGresult, decltype(&PQclear)> prep{
    PQprepare(c.get(), "bench_insert", sql, cols, nullptr), &PQclear};
  if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK)
    return persistence::make_error(error_code::storage_error,
                                   PQerrorMessage(c.get()));
  auto self0 = self_cpu_seconds();
  auto server0 = server_cpu_seconds(postmaster_pid);
  auto t0 = std::chrono::steady_clock::now();
  for (auto& a : batches) {
    const char* values[cols];
    for (int k = 0; k < cols; ++k)
      values[k] = a[k].c_str();
    std::unique_ptr<PGresult, decltype(&PQclear)> res{
      PQexecPrepared(c.get(), "bench_insert", cols, values, nullptr, nullptr,
                     0),
      &PQclear};
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK)
      return persistence::make_error(error_code::storage_error,
                                     PQerrorMessage(c.get()));
    inserted += static_cast<std::size_t>(PQntuples(res.get()));
  }
  auto t1 = std::chrono::steady_clock::now();
  copy_measurement m;
  m.seconds = std::chrono::duration<double>(t1 - t0).count();
  m.cpu_self = self_cpu_seconds() - self0;
  auto server1 = server_cpu_seconds(postmaster_pid);
  if (server0 >= 0 && server1 >= 0)
    m.cpu_server = server1 - server0;
  (void) run(c.get(), "DROP TABLE IF EXISTS adbatch.bench_insert");
  return m;
}

} // namespace adbatch::bench
