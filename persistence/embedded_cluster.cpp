#include "persistence/embedded_cluster.hpp"

#include "common/logger.hpp"
#include "persistence/pg_connection.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace adbatch::persistence {

namespace fs = std::filesystem;

namespace {

bool is_root() {
  return ::geteuid() == 0;
}

/// Characters allowed in paths we put into config files and -o options.
bool safe_path(const std::string& p) {
  return std::none_of(p.begin(), p.end(), [](char c) {
    return c == '\'' || c == '"' || c == '\\' || c == '\n' || c == ' ';
  });
}

result<void> chown_to_postgres(const std::string& path) {
  if (!is_root()) return {};
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr)
    return make_error(
        error_code::storage_unavailable,
        "running as root but there is no `postgres` user to run PostgreSQL");
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0)
    return make_error(error_code::storage_unavailable,
                      "cannot chown " + path + " to postgres");
  return {};
}

/// State letter of a process from /proc/<pid>/stat, or 0 if there is none.
char process_state(long pid) {
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string line;
  if (!std::getline(stat, line)) return 0;
  auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return 0;
  return line[close + 2];
}

/// Alive = exists and is not a zombie. A container whose pid 1 does not
/// reap orphans keeps a killed postmaster as a zombie, which kill(pid, 0)
/// (and so pg_ctl and the postmaster's lock-file check) takes for alive.
bool process_alive(long pid) {
  const char state = process_state(pid);
  return state != 0 && state != 'Z' && state != 'X';
}

/// True while some process has `pid` as its parent.
bool has_children(long pid) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::ifstream status{entry.path() / "status"};
    std::string line;
    while (std::getline(status, line))
      if (line.rfind("PPid:", 0) == 0) {
        if (std::atol(line.c_str() + 5) == pid &&
            process_alive(std::atol(entry.path().filename().c_str())))
          return true;
        break;
      }
  }
  return false;
}

int version_of(const fs::path& p) {
  try {
    return std::stoi(p.filename().string());
  } catch (...) {
    return -1;
  }
}

} // namespace

std::string find_postgres_bin_dir() {
  std::error_code ec;
  int best = -1;
  std::string out;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const int v = version_of(entry.path());
    if (v > best && fs::exists(entry.path() / "bin" / "pg_ctl", ec)) {
      best = v;
      out = (entry.path() / "bin").string();
    }
  }
  return out;
}

embedded_cluster::embedded_cluster(embedded_cluster_options options)
    : options_(std::move(options)) {
  std::error_code ec;
  base_ = fs::absolute(options_.base_dir, ec).lexically_normal().string();
  while (base_.size() > 1 && base_.back() == '/')
    base_.pop_back();
  bin_ = options_.pg_bin_dir.empty() ? find_postgres_bin_dir()
                                     : options_.pg_bin_dir;
}

embedded_cluster::~embedded_cluster() {
  if (started_by_us_) (void)stop();
}

std::string embedded_cluster::conninfo() const {
  return "host=" + socket_dir() + " user=postgres dbname=" + options_.database;
}

result<void> embedded_cluster::run_tool(const std::string& tool,
                                        const std::vector<std::string>& args,
                                        int* exit_code) const {
  std::vector<std::string> argv{bin_ + "/" + tool};
  argv.insert(argv.end(), args.begin(), args.end());
  int code = -1;
  if (auto r = run_program(std::move(argv), &code); !r) return r;
  if (exit_code) {
    *exit_code = code;
    return {};
  }
  if (code != 0)
    return make_error(error_code::storage_unavailable,
                      tool + " failed with exit code " + std::to_string(code) +
                          "; see " + base_ + "/pg_ctl.log and " + base_ +
                          "/server.log");
  return {};
}

result<void> embedded_cluster::run_program(std::vector<std::string> argv,
                                           int* exit_code) const {
  const std::string program = argv.front();
  if (is_root()) {
    // initdb and postgres refuse to run as root.
    argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  }
  std::vector<char*> cargv;
  for (auto& a : argv)
    cargv.push_back(a.data());
  cargv.push_back(nullptr);
  // Tool output goes to a file, never to a pipe we read: the postmaster
  // inherits descriptors, and reading its pipe to EOF would hang.
  const std::string log = base_ + "/pg_ctl.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int rc =
      posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    return make_error(error_code::storage_unavailable, "cannot run " + program);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return make_error(error_code::storage_unavailable,
                        "waitpid failed for " + program);
  }
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return {};
}

long embedded_cluster::postmaster_pid() const {
  std::ifstream pidfile{data_dir() + "/postmaster.pid"};
  long pid = 0;
  if (!(pidfile >> pid)) return 0;
  return pid;
}

bool embedded_cluster::running() const {
  const long pid = postmaster_pid();
  return pid > 0 && process_alive(pid);
}

void embedded_cluster::clear_stale_pid_file() const {
  const long pid = postmaster_pid();
  if (pid <= 0 || process_alive(pid)) return;
  // The postmaster is gone (or a zombie nobody reaps). Its backends exit
  // once they notice; wait for that so two generations never share the
  // data directory, then drop the lock file the postmaster would trip on.
  for (int i = 0; i < 100 && has_children(pid); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  adbatch::log().warn(
      "embedded cluster removes the stale postmaster.pid of dead PID {}", pid);
  std::error_code ec;
  fs::remove(data_dir() + "/postmaster.pid", ec);
  // The socket's lock file names the same dead PID.
  for (const auto& entry : fs::directory_iterator(socket_dir(), ec)) {
    const auto name = entry.path().filename().string();
    if (name.rfind(".s.PGSQL.", 0) != 0 || name.size() < 5 ||
        name.compare(name.size() - 5, 5, ".lock") != 0)
      continue;
    std::ifstream lock{entry.path()};
    long owner = 0;
    if (lock >> owner && owner == pid) {
      lock.close();
      fs::remove(entry.path(), ec);
    }
  }
}

result<std::string> embedded_cluster::start() {
  if (bin_.empty())
    return make_error(
        error_code::storage_unavailable,
        "no PostgreSQL found under /usr/lib/postgresql/<version>/bin");
  if (!safe_path(base_))
    return make_error(
        error_code::invalid_argument,
        "the cluster directory must not contain spaces or quotes: " + base_);
  // The unix socket path is limited to ~107 bytes.
  if (socket_dir().size() + 20 > 107)
    return make_error(
        error_code::invalid_argument,
        "the cluster directory path is too long for a unix socket: " + base_);
  std::error_code ec;
  fs::create_directories(base_, ec);
  if (ec)
    return make_error(error_code::storage_unavailable,
                      "cannot create " + base_ + ": " + ec.message());
  fs::create_directories(socket_dir(), ec);
  if (ec)
    return make_error(error_code::storage_unavailable,
                      "cannot create " + socket_dir() + ": " + ec.message());
  ::chmod(base_.c_str(), 0700);
  ::chmod(socket_dir().c_str(), 0700);
  for (const auto& p : {base_, socket_dir()})
    if (auto r = chown_to_postgres(p); !r) return r.error();
  if (is_root()) {
    // The postgres user must reach the base through every parent.
    int code = -1;
    if (!run_program({"test", "-w", base_, "-a", "-x", base_}, &code) ||
        code != 0)
      return make_error(error_code::storage_unavailable,
                        "user postgres cannot write " + base_ +
                            "; every parent directory of " + base_ +
                            " must be traversable (o+x) by postgres");
  }

  if (!fs::exists(data_dir() + "/PG_VERSION")) {
    adbatch::log().info("embedded cluster initialises {}", data_dir());
    if (auto r =
            run_tool("initdb", {"-D", data_dir(), "-U", "postgres", "-A",
                                "trust", "-E", "UTF8", "--locale=C.UTF-8"});
        !r)
      return r.error();
    std::ofstream conf{data_dir() + "/postgresql.conf", std::ios::app};
    conf << "\n# adbatch: settings managed by the embedded cluster\n"
            "include_if_exists 'adbatch.conf'\n";
  }
  {
    // Rewritten on every start so a new binary's settings apply.
    const std::string path = data_dir() + "/adbatch.conf";
    std::ofstream conf{path, std::ios::trunc};
    conf << "listen_addresses = ''\n"
         << "unix_socket_directories = '" << socket_dir() << "'\n"
         << "fsync = on\nsynchronous_commit = on\nfull_page_writes = on\n"
         << "max_wal_size = '" << options_.max_wal_size << "'\n"
         << "max_connections = " << options_.max_connections << "\n";
    conf.close();
    if (!conf)
      return make_error(error_code::storage_unavailable,
                        "cannot write " + path);
    if (auto r = chown_to_postgres(path); !r) return r.error();
  }

  if (!running()) {
    clear_stale_pid_file();
    adbatch::log().info("embedded cluster starts on {}", data_dir());
    if (auto r = run_tool("pg_ctl", {"start", "-D", data_dir(), "-l",
                                     base_ + "/server.log", "-w", "-t", "120"});
        !r)
      return r.error();
    started_by_us_ = true;
  }

  // Create the database on first use.
  auto admin = pg_connection::open("host=" + socket_dir() +
                                   " user=postgres dbname=postgres");
  if (!admin) return admin.error();
  auto exists = (*admin)->exec("SELECT 1 FROM pg_database WHERE datname = $1",
                               {options_.database});
  if (!exists) return exists.error();
  if (exists->size() == 0) {
    if (!std::all_of(options_.database.begin(), options_.database.end(),
                     [](char c) {
                       return (c >= 'a' && c <= 'z') ||
                              (c >= '0' && c <= '9') || c == '_';
                     }))
      return make_error(
          error_code::invalid_argument,
          "database name must be lower-case letters, digits and _");
    auto created =
        (*admin)->exec_script("CREATE DATABASE " + options_.database);
    if (!created &&
        (*admin)->last_sqlstate() != "42P04") // raced: already exists
      return created.error();
  }
  return conninfo();
}

result<void> embedded_cluster::stop() {
  started_by_us_ = false;
  if (!running()) return {};
  adbatch::log().info("embedded cluster stops {}", data_dir());
  return run_tool("pg_ctl",
                  {"stop", "-D", data_dir(), "-m", "fast", "-w", "-t", "120"});
}

} // namespace adbatch::persistence
