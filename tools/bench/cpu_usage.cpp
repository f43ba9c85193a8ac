#include "tools/bench/cpu_usage.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace adbatch::bench {

namespace {

/// Fields of /proc/<pid>/stat after the "(comm)" part, 0-based from state.
struct proc_stat {
  bool ok = false;
  int ppid = 0;
  double utime = 0, stime = 0, cutime = 0, cstime = 0; // seconds
};

proc_stat read_stat(int pid) {
  proc_stat out;
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string line;
  if (!std::getline(in, line))
    return out;
  // comm may contain spaces and parentheses: fields start after the last ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos)
    return out;
  std::istringstream rest{line.substr(close + 2)};
  std::vector<std::string> f;
  std::string tok;
  while (rest >> tok)
    f.push_back(tok);
  // f[0]=state f[1]=ppid ... f[11]=utime f[12]=stime f[13]=cutime f[14]=cstime
  if (f.size() < 15)
    return out;
  double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  out.ppid = std::atoi(f[1].c_str());
  out.utime = std::atof(f[11].c_str()) / tick;
  out.stime = std::atof(f[12].c_str()) / tick;
  out.cutime = std::atof(f[13].c_str()) / tick;
  out.cstime = std::atof(f[14].c_str()) / tick;
  out.ok = true;
  return out;
}

std::string comm_of(int pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/comm"};
  std::string s;
  std::getline(in, s);
  return s;
}

} // namespace

double self_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec)
           + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

double server_cpu_seconds(int postmaster_pid) {
  if (postmaster_pid <= 0)
    return -1;
  auto pm = read_stat(postmaster_pid);
  if (!pm.ok)
    return -1;
  double total = pm.utime + pm.stime + pm.cutime + pm.cstime;
  DIR* dir = opendir("/proc");
  if (dir == nullptr)
    return -1;
  while (auto* e = readdir(dir)) {
    int pid = std::atoi(e->d_name);
    if (pid <= 0)
      continue;
    auto st = read_stat(pid);
    if (st.ok && st.ppid == postmaster_pid)
      total += st.utime + st.stime;
  }
  closedir(dir);
  return total;
}

int postmaster_of(int backend_pid) {
  auto st = read_stat(backend_pid);
  if (!st.ok || st.ppid <= 1)
    return 0;
  return comm_of(st.ppid) == "postgres" ? st.ppid : 0;
}

} // namespace adbatch::bench
