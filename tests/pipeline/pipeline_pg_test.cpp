// The flush pipeline end to end: the storage actor on a real PostgreSQL,
// the Meta and Google Ads batchers, the upstream client over loopback HTTP,
// and adbatch-sim's simulators (in process, ephemeral ports).
//
// Expected results come from the simulators' PURE model, not from the
// planner: each request's own naive call is answered by a fresh simulator
// instance and cut by the splitter; the merged plan must give every
// request exactly that. The simulators' counted calls and quota units must
// equal the minimum function's.

#include "actors/system_config.hpp"
#include "actors/types.hpp"
#include "persistence/pg_backend.hpp"
#include "platforms/google/google_adapter.hpp"
#include "platforms/meta/meta_adapter.hpp"
#include "platforms/registry.hpp"
#include "sim/core/platform.hpp"
#include "sim/core/test_harness.hpp"
#include "sim/google/google_platform.hpp"
#include "sim/meta/meta_platform.hpp"
#include "tests/persistence/pg_test_db.hpp"
#include "tools/bench/pipeline_run.hpp"
#include "tools/bench/workload.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <catch2/catch.hpp>
#include <cmath>
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

namespace {

constexpr const char* developer_token = "test-developer-token";

struct system_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  system_fixture() {
    register_types(cfg);
    configure_actor_system(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

/// What a client calling the simulator with just this request would get,
/// cut by the splitter: the request's own result or error.
pl::request_outcome expected_outcome(const pl::platform_adapter& adapter,
                                     sim::platform& pure,
                                     const pl::queued_request& q,
                                     const pl::plan_context& ctx) {
  auto call = adapter.naive_call(q, ctx);
  sim::http_request req;
  req.method = call.method;
  req.target = call.target;
  for (auto& [k, v] : call.headers)
    req.headers[k] = v;
  req.body = call.body;
  auto resp = pure.handle(req, sim::time_point{} + 1h);
  pl::upstream_reply reply;
  reply.status = resp.status;
  for (auto& [k, v] : resp.headers) {
    std::string lower;
    for (char c : k)
      lower += static_cast<char>(std::tolower(c));
    reply.headers[lower] = v;
  }
  reply.body = resp.body;
  auto split = adapter.split(call, reply, ctx);
  REQUIRE(split.outcomes.size() == 1);
  return split.outcomes.front();
}

/// Today as days since 1970-01-01: the Google simulator's "today" in
/// these tests, because the batcher resolves presets like LAST_7_DAYS
/// with the real clock when it merges date ranges.
std::int64_t real_today() {
  return std::chrono::duration_cast<std::chrono::days>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The Google simulator as these tests run it: today is today, and no
/// per-customer QPS throttle (respecting that budget is issue #10's).
sim::google_options google_sim_options() {
  sim::google_options g;
  g.world.today = real_today();
  g.customer_qps = 1000000;
  return g;
}

std::unique_ptr<sim::platform> pure_sim(pl::platform_id p,
                                        const std::string& base_url) {
  sim::platform_options o;
  o.seed = 42;
  o.public_base_url = base_url;
  if (p == pl::platform_id::meta) return sim::make_meta(o);
  return sim::make_google(o, google_sim_options());
}

/// Compares two JSON values; numbers by value (1e-9 relative: the stored
/// result went through PostgreSQL's jsonb, and derived metrics may differ
/// in the last digit after a parse). Answers "" or the first difference.
std::string json_diff(const json::value& a, const json::value& b,
                      const std::string& path = "$") {
  auto number = [](const json::value& v, double& out) {
    if (v.is_int64())
      out = static_cast<double>(v.as_int64());
    else if (v.is_uint64())
      out = static_cast<double>(v.as_uint64());
    else if (v.is_double())
      out = v.as_double();
    else
      return false;
    return true;
  };
  double x = 0, y = 0;
  if (number(a, x) && number(b, y)) {
    auto scale = std::max({1.0, std::abs(x), std::abs(y)});
    return std::abs(x - y) <= 1e-9 * scale
               ? ""
               : path + ": " + json::serialize(a) + " != " + json::serialize(b);
  }
  if (a.kind() != b.kind())
    return path + ": " + json::serialize(a) + " != " + json::serialize(b);
  if (a.is_object()) {
    const auto& oa = a.as_object();
    const auto& ob = b.as_object();
    for (const auto& [k, v] : oa) {
      auto* w = ob.if_contains(k);
      if (!w) return path + "." + std::string{k} + ": missing on the right";
      if (auto d = json_diff(v, *w, path + "." + std::string{k}); !d.empty())
        return d;
    }
    for (const auto& [k, v] : ob)
      if (!oa.contains(k))
        return path + "." + std::string{k} + ": missing on the left";
    return "";
  }
  if (a.is_array()) {
    const auto& xa = a.as_array();
    const auto& xb = b.as_array();
    if (xa.size() != xb.size())
      return path + ": " + std::to_string(xa.size()) +
             " items != " + std::to_string(xb.size());
    for (std::size_t i = 0; i < xa.size(); ++i)
      if (auto d =
              json_diff(xa[i], xb[i], path + "[" + std::to_string(i) + "]");
          !d.empty())
        return d;
    return "";
  }
  return a == b
             ? ""
             : path + ": " + json::serialize(a) + " != " + json::serialize(b);
}

ps::request_view row(ps::pg_backend& db, const std::string& org,
                     ps::request_id id) {
  auto v = db.get_request(org, id);
  INFO((v ? std::string{} : v.error().message));
  REQUIRE(v.ok());
  return v.value();
}

} // namespace

/// Runs `w` through the pipeline against in-process simulators and checks
/// every request against the simulators' pure model; with `exact_costs`,
/// also the simulators' counted calls and units against the minimum.
void run_and_check(const bench::workload& w, bool exact_costs) {
  ps::test::test_db db;
  sim::harness_options ho;
  ho.seed = 42;
  ho.tls = false;
  // Per-customer QPS is the rate-budget issue's (#10) to respect; here the
  // simulator must not throttle, so calls can be compared to the minimum.
  ho.specific.google = google_sim_options();
  sim::test_harness sim{std::vector<std::string>{"meta", "google"}, ho};

  bench::pipeline_setup setup;
  setup.conninfo = db.conninfo();
  setup.base_urls[pl::platform_id::meta] = sim.base_url("meta");
  setup.base_urls[pl::platform_id::google] = sim.base_url("google");
  setup.platform_credentials[pl::platform_id::google]["developer_token"] =
      developer_token;
  setup.drain_limit = 10s;

  bench::pipeline_result res;
  {
    system_fixture f;
    res = bench::run_pipeline(*f.sys, setup, w);
  }
  INFO(res.error);
  REQUIRE(res.error.empty());
  for (std::size_t i = 0; i < res.enqueue_errors.size(); ++i) {
    INFO(w.requests[i].request_type << " " << w.requests[i].params);
    CHECK(res.enqueue_errors[i].empty());
  }

  auto ctx = bench::plan_context_of(w, developer_token);
  auto backend = db.backend();
  std::set<std::string> types_seen;
  for (auto p : {pl::platform_id::meta, pl::platform_id::google}) {
    auto adapter = pl::adapter_for(p);
    auto pure = pure_sim(p, sim.base_url(pl::name_of(p)));
    auto rows = bench::served_rows(w, res, p);
    REQUIRE(rows.size() > 100);
    std::size_t completed = 0, failed = 0;
    for (const auto& q : rows) {
      types_seen.insert(std::string{pl::name_of(p)} + "." + q.request_type);
      auto want = expected_outcome(*adapter, *pure, q, ctx);
      auto got = row(*backend, q.org_id, q.id);
      INFO(pl::name_of(p) << " request " << q.id << " " << q.request_type << " "
                          << json::serialize(q.params));
      if (want.kind == pl::outcome_kind::completed) {
        INFO("status " << ps::to_string(got.status) << " "
                       << got.error_code.value_or("") << " "
                       << got.error.value_or(""));
        REQUIRE(got.status == ps::request_status::completed);
        REQUIRE(got.result);
        CHECK(json_diff(json::parse(*got.result),
                        json::parse(want.result_json)) == "");
        ++completed;
      } else {
        INFO("expected " << to_string(want.kind) << " " << want.error_code
                         << ": " << want.error_message);
        INFO("got status " << ps::to_string(got.status) << " "
                           << got.error_code.value_or("") << " "
                           << got.error.value_or(""));
        CHECK(got.status == ps::request_status::failed);
        // Inside a merged ?ids= read, Graph names an object the token may
        // not see with (#803) instead of the single read's (#100): the
        // same object, the same permanent failure.
        auto code = got.error_code.value_or("");
        CHECK((code == want.error_code ||
               (want.error_code == "meta_100" && code == "meta_803")));
        ++failed;
      }
    }
    CHECK(completed > failed);
    if (!exact_costs) continue;
    // The simulator's own counters against the minimum function.
    auto min = pl::minimum_cost(p, rows, ctx);
    auto counters = sim.server().counters(pl::name_of(p));
    INFO(pl::name_of(p) << ": calls " << counters.total.calls << " vs minimum "
                        << min.calls << ", units " << counters.total.quota_units
                        << " vs minimum " << min.quota_units);
    CHECK(counters.total.calls == min.calls);
    CHECK(counters.total.quota_units == min.quota_units);
    // And far fewer than one call per request (how far depends on how
    // many requests an org sends per flush: see adbatch-bench reduce).
    CHECK(counters.total.calls * (p == pl::platform_id::meta ? 10 : 2) <
          res.platforms[p].requests);
  }
  if (!exact_costs) return;
  // Every catalog type came up.
  for (auto p : {pl::platform_id::meta, pl::platform_id::google})
    for (const auto& t : pl::adapter_for(p)->request_types()) {
      INFO(t);
      CHECK(types_seen.count(std::string{pl::name_of(p)} + "." + t) == 1);
    }
}

TEST_CASE("pipeline: every Meta and Google catalog type from 24 orgs gets "
          "its own result, in the minimum calls and units",
          "[pipeline][pg]") {
  bench::workload_options wo;
  wo.seed = 7;
  wo.orgs = 24;
  wo.requests_per_org = 14;
  wo.duplicate_share = 0.25;
  wo.google_today = real_today();
  run_and_check(bench::make_workload(wo), true);
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
  run_and_check(bench::make_workload(wo), false);
}

// -- faults ------------------------------------------------------------------

namespace {

/// One platform's pipeline over a fresh database and its simulator, driven
/// flush by flush while the test changes the simulator's faults.
struct fault_fixture {
  pl::platform_id platform;
  ps::test::test_db db;
  std::unique_ptr<sim::test_harness> sim;
  bench::workload w;
  bench::pipeline_result res;
  system_fixture f;
  std::unique_ptr<bench::pipeline_runner> runner;

  fault_fixture(pl::platform_id p, bool writes,
                std::chrono::milliseconds call_timeout = 10s)
      : platform(p) {
    sim::harness_options ho;
    ho.seed = 42;
    ho.tls = false;
    ho.timeout_hold = 3s;
    ho.specific.google = google_sim_options();
    sim = std::make_unique<sim::test_harness>(
        std::vector<std::string>{std::string{pl::name_of(p)}}, ho);
    bench::workload_options wo;
    wo.seed = 21;
    wo.orgs = 8;
    wo.requests_per_org = 10;
    wo.duplicate_share = 0;
    wo.writes = writes;
    wo.platforms = {p};
    wo.google_today = real_today();
    w = bench::make_workload(wo);
    bench::pipeline_setup setup;
    setup.conninfo = db.conninfo();
    setup.base_urls[p] = sim->base_url(pl::name_of(p));
    setup.platform_credentials[pl::platform_id::google]["developer_token"] =
        developer_token;
    setup.retry_base = 50ms;
    setup.retry_cap = 50ms;
    setup.call_timeout = call_timeout;
    setup.drain_limit = 10s;
    runner = std::make_unique<bench::pipeline_runner>(*f.sys, setup);
    REQUIRE(runner->start().empty());
    REQUIRE(runner->add_connections(w).empty());
    runner->enqueue(w, res);
    runner->spawn_batchers();
  }

  ~fault_fixture() { runner->stop(); }

  void faults(const sim::fault_profile& fp) {
    sim->server().set_faults(pl::name_of(platform), fp);
  }

  flush_summary flush() {
    auto r = runner->flush(platform);
    INFO((std::holds_alternative<std::string>(r) ? std::get<std::string>(r)
                                                 : std::string{}));
    REQUIRE(std::holds_alternative<flush_summary>(r));
    return std::get<flush_summary>(r);
  }

  void drain() {
    bench::platform_run run;
    REQUIRE(runner->drain(platform, run).empty());
  }

  struct state {
    std::string status;
    std::int64_t attempts = 0;
    std::string completed_at;
    std::string type;
  };

  std::map<std::int64_t, state> rows() {
    auto c = db.open();
    auto r = c->exec("SELECT id, status, attempts, "
                     "coalesce(completed_at::text, ''), request_type "
                     "FROM adbatch.batch_request_queue");
    REQUIRE(r);
    std::map<std::int64_t, state> out;
    for (int i = 0; i < r->size(); ++i)
      out[r->i64(i, 0)] =
          state{r->str(i, 1), r->i64(i, 2), r->str(i, 3), r->str(i, 4)};
    return out;
  }
};

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
  fault_fixture fx{pl::platform_id::google, false};
  sim::fault_profile down;
  down.error_rate = 1.0;
  fx.faults(down);
  auto first = fx.flush();
  CHECK(first.success == 0);
  CHECK(first.retrying == first.processed);
  for (auto& [id, st] : fx.rows()) {
    CHECK(st.status == "pending");
    CHECK(st.attempts == 1);
  }
  fx.faults({});
  fx.drain();
  for (auto& [id, st] : fx.rows()) {
    INFO("request " << id << " " << st.type);
    CHECK(st.status == "completed");
    CHECK(st.attempts == 2);
  }
}

TEST_CASE("pipeline faults: throttled requests come back without spending "
          "an attempt",
          "[pipeline][pg][faults]") {
  fault_fixture fx{pl::platform_id::meta, false};
  sim::fault_profile storm;
  storm.throttle_storm = true;
  fx.faults(storm);
  auto first = fx.flush();
  CHECK(first.success == 0);
  CHECK(first.deferred == first.processed);
  for (auto& [id, st] : fx.rows()) {
    CHECK(st.status == "pending");
    CHECK(st.attempts == 0);
  }
  // The throttle said "come back later" (Graph's estimate, minutes): make
  // them due now instead of waiting, then the storm is over.
  fx.db.exec("UPDATE adbatch.batch_request_queue SET next_attempt_at = now()");
  fx.faults({});
  fx.drain();
  for (auto& [id, st] : fx.rows()) {
    CHECK(st.status == "completed");
    CHECK(st.attempts == 1);
  }
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
