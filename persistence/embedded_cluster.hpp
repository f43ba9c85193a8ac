#pragma once

// A local PostgreSQL cluster that the node starts and stops itself, with
// PostgreSQL's durable defaults (fsync, synchronous_commit and
// full_page_writes on). Unix socket only: no TCP listener.
//
// Layout under the base directory: data/ (PGDATA), sock/ (the socket),
// server.log (the postmaster's log), pg_ctl.log (tool output).
//
// As root, initdb/pg_ctl refuse to run, so they run as the `postgres` user
// (runuser); the base directory is then owned by postgres and every parent
// directory must be traversable (o+x) by it.

#include "persistence/result.hpp"

#include <string>
#include <vector>

namespace adbatch::persistence {

/// How to run the cluster.
struct embedded_cluster_options {
  std::string base_dir;   ///< absolute or relative; created if missing
  std::string pg_bin_dir; ///< empty = newest /usr/lib/postgresql/<v>/bin
  std::string database = "adbatch"; ///< created if missing
  std::string max_wal_size = "4GB"; ///< fewer checkpoints under queue load
  int max_connections = 100;
};

/// Starts/stops one cluster. Not thread-safe.
class embedded_cluster {
public:
  explicit embedded_cluster(embedded_cluster_options options);

  /// Stops the cluster if this object started it.
  ~embedded_cluster();

  embedded_cluster(const embedded_cluster&) = delete;
  embedded_cluster& operator=(const embedded_cluster&) = delete;

  /// initdb on first use (no initdb when data/PG_VERSION exists), start (a
  /// server already running on this data dir is reused; a stale
  /// postmaster.pid is handled by pg_ctl), create the database. Answers the
  /// libpq conninfo of the database.
  result<std::string> start();

  /// pg_ctl stop -m fast (a clean shutdown). No-op if not running.
  result<void> stop();

  /// True if a postmaster runs on the data dir.
  bool running() const;

  /// The conninfo of the database (valid after start()).
  std::string conninfo() const;

  /// The base, data and socket directories (absolute).
  const std::string& base_dir() const { return base_; }
  std::string data_dir() const { return base_ + "/data"; }
  std::string socket_dir() const { return base_ + "/sock"; }

private:
  /// Runs bin_/tool (as postgres when root); output goes to pg_ctl.log.
  result<void> run_tool(const std::string& tool,
                        const std::vector<std::string>& args,
                        int* exit_code = nullptr) const;
  /// Runs any program (as postgres when root); output goes to pg_ctl.log.
  result<void> run_program(std::vector<std::string> argv, int* exit_code) const;

  /// The PID in data/postmaster.pid, 0 if none.
  long postmaster_pid() const;
  /// Removes postmaster.pid when its postmaster is dead.
  void clear_stale_pid_file() const;

  embedded_cluster_options options_;
  std::string base_;
  std::string bin_;
  bool started_by_us_ = false;
};

/// The newest /usr/lib/postgresql/<v>/bin, or "" if none.
std::string find_postgres_bin_dir();

} // namespace adbatch::persistence
