// The flush pipeline end to end for Meta and Google Ads: the storage actor
// on a real PostgreSQL, the batchers, the upstream client over loopback
// HTTP, and adbatch-sim's simulators (in process, ephemeral ports). The
// checks themselves are in pipeline_check (shared by every platform's
// pipeline test); adbatchd killed mid-flush is at the end.

#include "platforms/registry.hpp"
#include "tests/pipeline/pipeline_check.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

using namespace adbatch;
using namespace std::chrono_literals;
namespace ps = adbatch::persistence;
namespace pl = adbatch::platforms;
namespace json = boost::json;
using namespace adbatch::test;

TEST_CASE("pipeline: every Meta and Google catalog type from 24 orgs gets "
          "its own result, in the minimum calls and units",
          "[pipeline][pg]") {
  bench::workload_options wo;
  wo.seed = 7;
  wo.orgs = 24;
  wo.requests_per_org = 14;
  wo.duplicate_share = 0.25;
  wo.google_today = real_today();
  check_options co;
  co.fold[pl::platform_id::meta] = 10;
  run_and_check(bench::make_workload(wo), co);
}

TEST_CASE("pipeline: requests for objects the org's token does not own fail "
          "alone with the platform's error; the others complete",
          "[pipeline][pg]") {
  bench::workload_options wo;
  wo.seed = 8;
  wo.orgs = 20;
  wo.requests_per_org = 10;
  wo.foreign_share = 0.15;
  wo.google_today = real_today();
  check_options co;
  co.exact_costs = false;
  run_and_check(bench::make_workload(wo), co);
}

// -- faults ------------------------------------------------------------------

namespace {

bool is_write(const std::string& type) {
  return type.rfind("update_", 0) == 0;
}

} // namespace

TEST_CASE("pipeline faults: a partial Batch API failure retries only the "
          "failed operations",
          "[pipeline][pg][faults]") {
  fault_fixture fx{pl::platform_id::meta, false};
  sim::fault_profile partial;
  partial.partial_batch_rate = 0.3;
  fx.faults(partial);
  auto first = fx.flush();
  CHECK(first.success > 0);
  CHECK(first.retrying + first.deferred > 0);
  auto after_first = fx.rows();
  fx.faults({});
  fx.drain();
  auto end = fx.rows();
  for (auto& [id, st] : end) {
    INFO("request " << id << " " << st.type);
    CHECK(st.status == "completed");
    const auto& before = after_first.at(id);
    if (before.status == "completed") {
      // Done in the first flush: not executed again.
      CHECK(st.attempts == 1);
      CHECK(st.completed_at == before.completed_at);
    }
  }
}

TEST_CASE("pipeline faults: a 5xx retries with backoff and then completes",
          "[pipeline][pg][faults]") {
  check_transient_retries_then_completes(pl::platform_id::google, false);
}

TEST_CASE("pipeline faults: throttled requests come back without spending "
          "an attempt",
          "[pipeline][pg][faults]") {
  check_throttles_spend_no_attempt(pl::platform_id::meta, false);
}

TEST_CASE("pipeline faults: a Google write that timed out ends ambiguous and "
          "is never retried; reads retry",
          "[pipeline][pg][faults]") {
  fault_fixture fx{pl::platform_id::google, true, 500ms};
  sim::fault_profile hang;
  hang.timeout_rate = 1.0;
  fx.faults(hang);
  auto first = fx.flush();
  CHECK(first.ambiguous > 0);
  CHECK(first.retrying > 0);
  fx.faults({});
  fx.drain();
  std::size_t writes = 0;
  for (auto& [id, st] : fx.rows()) {
    INFO("request " << id << " " << st.type);
    if (is_write(st.type)) {
      ++writes;
      CHECK(st.status == "ambiguous");
      CHECK(st.attempts == 1);
    } else {
      CHECK(st.status == "completed");
    }
  }
  CHECK(writes > 0);
}

// -- the node killed mid-flush ------------------------------------------------

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

/// adbatchd as a child process (path from ADBATCHD, set by meson).
class node_process {
public:
  node_process(const std::string& config, const std::string& log) {
    const char* exe = std::getenv("ADBATCHD");
    REQUIRE(exe != nullptr);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      auto fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl(exe, exe, "--config", config.c_str(), nullptr);
      ::_exit(127);
    }
  }
  ~node_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  void kill9() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  /// SIGTERM and the exit code.
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

private:
  pid_t pid_ = 0;
};

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// Polls `pred` every 20 ms until it holds or `limit` passed (a real
/// process runs on its own clock; this is the only way to watch it).
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

} // namespace

TEST_CASE("pipeline: adbatchd killed with SIGKILL mid-flush and restarted "
          "completes every claimed request exactly once",
          "[pipeline][pg][node]") {
  ps::test::test_db db;
  sim::harness_options ho;
  ho.seed = 42;
  ho.tls = false;
  // Slow answers keep a flush in the air long enough to kill it.
  sim::fault_profile slow;
  slow.latency_min = 150ms;
  slow.latency_max = 300ms;
  ho.faults["meta"] = slow;
  ho.faults["google"] = slow;
  sim::test_harness sim{std::vector<std::string>{"meta", "google"}, ho};

  bench::workload_options wo;
  wo.seed = 11;
  wo.orgs = 20;
  wo.requests_per_org = 6;
  wo.duplicate_share = 0;
  wo.writes = false;
  auto w = bench::make_workload(wo);

  // Connections (tokens by env: reference, inherited by the node) and the
  // requests, written directly; the node only serves them.
  ps::backend_options bopts;
  bopts.validate_request_type = [](ps::ad_platform p, std::string_view type,
                                   std::string_view params) {
    return pl::validate_request(p, type, params);
  };
  auto backend = db.backend(bopts);
  int n = 0;
  for (const auto& c : w.connections) {
    ps::platform_connection pc;
    pc.connection_id = c.connection_id;
    pc.org_id = c.org_id;
    pc.platform = c.platform;
    pc.account_ids = c.account_ids;
    auto var = "KILLTEST_TOKEN_" + std::to_string(n++);
    ::setenv(var.c_str(), c.token.c_str(), 1);
    pc.token_ref = "env:" + var;
    REQUIRE(backend->add_connection(pc).ok());
  }
  auto results = backend->enqueue_batch(w.requests);
  std::set<ps::request_id> distinct;
  for (auto& r : results) {
    INFO((r ? std::string{} : r.error().message));
    REQUIRE(r.ok());
    distinct.insert(r.value().id);
  }
  auto rows = distinct.size();
  ::setenv("KILLTEST_DEVELOPER_TOKEN", developer_token, 1);

  auto dir = std::string{std::getenv("ADBATCH_TEST_TMP")
                             ? std::getenv("ADBATCH_TEST_TMP")
                             : "/tmp"} +
             "/killtest-" + db.name();
  std::filesystem::create_directories(dir);
  auto config = dir + "/node.yaml";
  {
    std::ofstream out{config};
    auto platform = [&](const char* name, bool google) {
      out << "  " << name << ":\n"
          << "    flush_interval: 1\n"
          << "    max_requests_per_flush: 15\n"
          << "    base_url: " << sim.base_url(name) << "\n"
          << "    rate_limit: {requests: 100000, per_seconds: 3600}\n";
      if (google)
        out << "    credentials: {developer_token: "
               "env:KILLTEST_DEVELOPER_TOKEN}\n";
    };
    out << "node: {name: killtest, http: {port: 0}, caf: {port: 0}, "
           "data_dir: '"
        << dir << "'}\n"
        << "database: {url: '" << db.conninfo() << "', pool_size: 2}\n"
        << "queue: {lease: 2}\n"
        << "platforms:\n";
    platform("meta", false);
    platform("google", true);
    for (auto off : {"tiktok", "linkedin", "twitter", "snapchat"})
      out << "  " << off << ": {enabled: false}\n";
    out << "logging: {level: info}\n";
  }
  auto count = [&](const char* status) {
    return db.scalar(
        std::string{"SELECT count(*) FROM adbatch.batch_request_queue "
                    "WHERE status = '"} +
        status + "'");
  };
  auto log = dir + "/node.log";
  std::map<std::int64_t, std::string> done_before;
  std::set<std::int64_t> processing_at_kill;
  {
    node_process node{config, log};
    // Kill it once some requests are done and others are in flight.
    bool mid = eventually(
        [&] { return count("completed") > 0 && count("processing") > 0; }, 60s);
    INFO(read_file(log));
    REQUIRE(mid);
    node.kill9();
    auto c = db.open();
    auto r = c->exec("SELECT id, status, coalesce(completed_at::text, '') FROM "
                     "adbatch.batch_request_queue");
    REQUIRE(r);
    for (int i = 0; i < r->size(); ++i) {
      auto status = r->text(i, 1);
      if (status == "completed") done_before[r->i64(i, 0)] = r->text(i, 2);
      if (status == "processing") processing_at_kill.insert(r->i64(i, 0));
    }
  }
  REQUIRE_FALSE(processing_at_kill.empty());
  {
    node_process node{config, log};
    bool drained = eventually(
        [&] { return count("completed") == static_cast<std::int64_t>(rows); },
        90s);
    INFO(read_file(log));
    CHECK(drained);
    CHECK(node.stop() == 0);
  }
  // Nothing completed twice: what was done before the kill is untouched,
  // what the dead node held was claimed again after its lease and done
  // once by the new one.
  auto c = db.open();
  auto r = c->exec("SELECT id, status, coalesce(completed_at::text, ''), "
                   "attempts FROM adbatch.batch_request_queue");
  REQUIRE(r);
  for (int i = 0; i < r->size(); ++i) {
    auto id = r->i64(i, 0);
    INFO("request " << id);
    CHECK(r->text(i, 1) == "completed");
    if (auto it = done_before.find(id); it != done_before.end()) {
      CHECK(r->text(i, 2) == it->second);
      CHECK(r->i64(i, 3) == 1);
    }
    if (processing_at_kill.count(id)) CHECK(r->i64(i, 3) == 2);
  }
}
