#pragma once

// The database a benchmark runs against: either a fresh database created on
// the server named by --database-url (dropped afterwards), or the embedded
// cluster started in a temp dir with the node's durable settings (fsync on).

#include <memory>
#include <string>

#include "persistence/embedded_cluster.hpp"
#include "persistence/result.hpp"

namespace adbatch::bench {

/// A migrated, empty database for one benchmark run.
class bench_db {
public:
  /// `server_conninfo` empty = embedded cluster. Otherwise a libpq
  /// key=value conninfo of a server where we may CREATE DATABASE.
  static persistence::result<std::unique_ptr<bench_db>>
  open(const std::string& server_conninfo, bool keep);

  ~bench_db();

  /// conninfo of the benchmark's database.
  const std::string& conninfo() const { return conninfo_; }

  /// True when running on the embedded cluster (durable defaults).
  bool embedded() const { return cluster_ != nullptr; }

  /// A short description for the report ("embedded cluster (fsync on)").
  std::string describe() const;

  /// The server's fsync / synchronous_commit settings ("on/on").
  std::string durability() const { return durability_; }

  /// The postmaster's pid when the server is a local process (else 0), for
  /// measuring its CPU time.
  int postmaster_pid() const { return postmaster_pid_; }

private:
  bench_db() = default;

  std::string admin_;
  std::string name_;
  std::string conninfo_;
  std::string tmp_dir_;
  std::string durability_;
  int postmaster_pid_ = 0;
  std::unique_ptr<persistence::embedded_cluster> cluster_;
  bool keep_ = false;
};

/// "AMD EPYC ..." from /proc/cpuinfo, or "unknown".
std::string cpu_model();

/// The 1-minute load average when the run started (the machine is shared).
double load_average();

} // namespace adbatch::bench
