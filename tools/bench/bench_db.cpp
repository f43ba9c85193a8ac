#include "tools/bench/bench_db.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <sys/stat.h>

#include "persistence/migrations.hpp"
#include "persistence/pg_connection.hpp"
#include "tools/bench/cpu_usage.hpp"

namespace adbatch::bench {

using persistence::db_error;
using persistence::error_code;

namespace {

std::string random_suffix() {
  std::random_device rd;
  return std::to_string(rd() % 1000000000u);
}

persistence::result<std::string> query_durability(const std::string& ci) {
  auto conn = persistence::pg_connection::open(ci);
  if (!conn)
    return conn.error();
  auto r = (*conn)->exec("SELECT current_setting('fsync'), "
                         "current_setting('synchronous_commit')");
  if (!r)
    return r.error();
  return "fsync=" + r->str(0, 0) + " synchronous_commit=" + r->str(0, 1);
}

persistence::result<void> migrate_db(const std::string& ci) {
  auto conn = persistence::pg_connection::open(ci);
  if (!conn)
    return conn.error();
  auto m = persistence::migrate(**conn);
  if (!m)
    return m.error();
  return {};
}

} // namespace

persistence::result<std::unique_ptr<bench_db>>
bench_db::open(const std::string& server_conninfo, bool keep) {
  std::unique_ptr<bench_db> db{new bench_db};
  db->keep_ = keep;
  if (server_conninfo.empty()) {
    // The cluster runs as `postgres` when we are root: the dir must be
    // reachable for it (mkdtemp makes 0700).
    std::string tmpl = "/tmp/adbatch-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr)
      return persistence::make_error(error_code::storage_error,
                                     "cannot create a temp dir");
    ::chmod(tmpl.c_str(), 0755);
    db->tmp_dir_ = tmpl;
    persistence::embedded_cluster_options opts;
    opts.base_dir = tmpl + "/pg";
    db->cluster_ = std::make_unique<persistence::embedded_cluster>(opts);
    auto ci = db->cluster_->start();
    if (!ci)
      return ci.error();
    db->conninfo_ = *ci;
  } else {
    if (server_conninfo.find("://") != std::string::npos)
      return persistence::make_error(
        error_code::invalid_argument,
        "--database-url: use a key=value conninfo (host=... user=...), the "
        "bench creates its own database on that server");
    db->admin_ = server_conninfo;
    db->name_ = "bench_" + random_suffix();
    auto admin = persistence::pg_connection::open(server_conninfo);
    if (!admin)
      return admin.error();
    auto created = (*admin)->exec_script("CREATE DATABASE " + db->name_);
    if (!created)
      return created.error();
    // In a conninfo string the last dbname wins.
    db->conninfo_ = server_conninfo + " dbname=" + db->name_;
  }
  if (auto m = migrate_db(db->conninfo_); !m)
    return m.error();
  auto d = query_durability(db->conninfo_);
  db->durability_ = d ? *d : "unknown";
  if (auto conn = persistence::pg_connection::open(db->conninfo_)) {
    if (auto r = (*conn)->exec("SELECT pg_backend_pid()"))
      db->postmaster_pid_ = postmaster_of(static_cast<int>(r->i64(0, 0)));
  }
  return db;
}

bench_db::~bench_db() {
  if (keep_)
    return;
  if (!name_.empty()) {
    if (auto admin = persistence::pg_connection::open(admin_))
      (void) (*admin)->exec_script("DROP DATABASE IF EXISTS " + name_
                                   + " WITH (FORCE)");
  }
  if (cluster_) {
    (void) cluster_->stop();
    cluster_.reset();
    std::error_code ec;
    std::filesystem::remove_all(tmp_dir_, ec);
  }
}

std::string bench_db::describe() const {
  if (cluster_)
    return "embedded cluster (" + durability_ + ")";
  return "database " + name_ + " on --database-url (" + durability_ + ")";
}

std::string cpu_model() {
  std::ifstream in{"/proc/cpuinfo"};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos)
        return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

double load_average() {
  std::ifstream in{"/proc/loadavg"};
  double x = 0;
  in >> x;
  return x;
}

} // namespace adbatch::bench
