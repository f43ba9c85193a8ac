// The storage actor on the real PostgreSQL (suite pg, needs ADBATCH_TEST_PG):
// a crashed claimer's requests come back after the lease; PostgreSQL stopped
// and restarted under a stream of enqueues loses nothing acknowledged; the
// enqueue bench's smoke run detects the duplicates it planted.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/error.hpp"
#include "actors/storage.hpp"
#include "actors/types.hpp"
#include "persistence/embedded_cluster.hpp"
#include "tests/persistence/pg_test_db.hpp"

using namespace adbatch;
using namespace std::chrono_literals;
namespace ps = adbatch::persistence;
using ps::test::conn_a;
using ps::test::org_a;

namespace {

struct real_config : caf::actor_system_config {
  real_config() {
    register_types(*this);
    set("logger.console-verbosity", caf::atom("quiet"));
    set("logger.file-verbosity", caf::atom("quiet"));
  }
};

backend_factory pg_factory(std::string conninfo) {
  return [conninfo]() -> ps::result<std::unique_ptr<ps::backend>> {
    auto b = ps::pg_backend::connect(conninfo);
    if (!b)
      return b.error();
    return std::unique_ptr<ps::backend>{std::move(*b)};
  };
}

ps::enqueue_request numbered(int i) {
  return ps::test::meta_request(R"({"n":)" + std::to_string(i) + "}");
}

/// Kills the child on scope exit if the test bails out early.
struct child_guard {
  pid_t pid = -1;
  ~child_guard() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

} // namespace

TEST_CASE("a claimer killed with SIGKILL loses nothing: its requests come "
          "back after the lease and complete exactly once",
          "[storage][pg]") {
  ps::test::test_db db;
  {
    auto b = db.backend();
    ps::test::add_standard_connections(*b);
    std::vector<ps::enqueue_request> reqs;
    for (int i = 0; i < 20; ++i)
      reqs.push_back(numbered(i));
    for (auto& r : b->enqueue_batch(reqs))
      REQUIRE(r.ok());
  }
  // The child claims everything with a short lease, reports, and hangs
  // until it is killed. No threads exist yet, so fork without exec is safe;
  // the child only uses libpq and _exit.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  child_guard child;
  child.pid = ::fork();
  REQUIRE(child.pid >= 0);
  if (child.pid == 0) {
    ::close(fds[0]);
    auto b = ps::pg_backend::connect(db.conninfo());
    int claimed = -1;
    if (b) {
      auto c = (*b)->claim(ps::ad_platform::meta, 100, 1500ms, "doomed-child");
      claimed = c ? static_cast<int>(c->requests.size()) : -2;
    }
    if (::write(fds[1], &claimed, sizeof claimed) != sizeof claimed)
      ::_exit(3);
    for (;;)
      ::pause();
  }
  ::close(fds[1]);
  int claimed = 0;
  REQUIRE(::read(fds[0], &claimed, sizeof claimed) == sizeof claimed);
  ::close(fds[0]);
  REQUIRE(claimed == 20);
  ::kill(child.pid, SIGKILL);
  int wstatus = 0;
  REQUIRE(::waitpid(child.pid, &wstatus, 0) == child.pid);
  child.pid = -1;
  CHECK(WIFSIGNALED(wstatus));
  CHECK(WTERMSIG(wstatus) == SIGKILL);

  // Another claimer, through the storage actor on a real actor system.
  real_config cfg;
  caf::actor_system sys{cfg};
  auto storage = spawn_storage(sys, storage_config{}, pg_factory(db.conninfo()), 2);
  caf::scoped_actor self{sys};
  auto claim = [&] {
    ps::claim_result out;
    self
      ->request(storage, 30s, atom::claim::value, ps::ad_platform::meta,
                std::int32_t{100}, caf::timespan{30s}, std::string{"survivor"})
      .receive([&](ps::claim_result& r) { out = std::move(r); },
               [&](caf::error& e) { FAIL("claim failed: " << render(e)); });
    return out;
  };
  // While the dead child's lease runs, nothing is claimable.
  CHECK(claim().requests.empty());
  // After the lease expires the requests are claimable again (poll; the
  // lease is 1.5 s).
  ps::claim_result got;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (got.requests.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
    got = claim();
  }
  REQUIRE(got.requests.size() == 20);
  CHECK(got.leases_reclaimed == 20);
  for (auto& r : got.requests)
    CHECK(r.attempts == 2);
  // The dead child's lease is void: its completion would be refused.
  self
    ->request(storage, 30s, atom::complete::value, got.requests[0].id,
              std::string{"doomed-child"}, std::string{"null"})
    .receive([&](caf::ok_atom) { FAIL("stale lease owner completed a row"); },
             [&](caf::error& e) { CHECK(e == ec::conflict); });
  std::vector<ps::completion> done;
  for (auto& r : got.requests)
    done.push_back(ps::completion{r.id, R"({"ok":true})"});
  self
    ->request(storage, 30s, atom::complete::value, done,
              std::string{"survivor"})
    .receive(
      [&](ps::batch_outcome& o) {
        CHECK(o.applied.size() == 20);
        CHECK(o.rejected.empty());
      },
      [&](caf::error& e) { FAIL("complete failed: " << render(e)); });
  // Completing again is refused: exactly once.
  self
    ->request(storage, 30s, atom::complete::value, done,
              std::string{"survivor"})
    .receive(
      [&](ps::batch_outcome& o) {
        CHECK(o.applied.empty());
        CHECK(o.rejected.size() == 20);
      },
      [&](caf::error& e) { FAIL("complete failed: " << render(e)); });
  CHECK(db.scalar("SELECT count(*) FROM adbatch.batch_request_queue "
                  "WHERE status = 'completed'")
        == 20);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.batch_request_queue") == 20);
  self->send_exit(storage, caf::exit_reason::user_shutdown);
}

namespace {

/// Runs pg_ctl stop -m immediate on the data dir: a crash, not a clean stop.
void crash_cluster(const ps::embedded_cluster& cluster) {
  auto bin = ps::find_postgres_bin_dir();
  REQUIRE_FALSE(bin.empty());
  std::string cmd = bin + "/pg_ctl -D '" + cluster.data_dir()
                    + "' -m immediate -w stop >/dev/null 2>&1";
  if (::geteuid() == 0)
    cmd = "runuser -u postgres -- " + cmd;
  REQUIRE(std::system(cmd.c_str()) == 0);
}

std::string scratch_dir() {
  const char* base = std::getenv("ADBATCH_TEST_TMP");
  std::string dir = (base && *base) ? base : "/tmp";
  std::random_device rd;
  dir += "/storage-restart-" + std::to_string(rd() % 1000000);
  std::filesystem::create_directories(dir);
  ::chmod(dir.c_str(), 0755);
  return dir;
}

} // namespace

TEST_CASE("PostgreSQL crashes and restarts under a stream of enqueues: every "
          "call errs or is committed, and enqueues resume",
          "[storage][pg]") {
  // Needs the test server only to be sure the environment is set up; the
  // restarted server is our own durable throwaway cluster.
  (void) ps::test::admin_conninfo();
  auto dir = scratch_dir();
  ps::embedded_cluster_options opts;
  opts.base_dir = dir + "/pg";
  ps::embedded_cluster cluster{opts};
  auto ci = cluster.start();
  INFO((ci ? std::string{} : ci.error().message));
  REQUIRE(ci);
  {
    auto conn = ps::pg_connection::open(*ci);
    REQUIRE(conn);
    REQUIRE(ps::migrate(**conn));
    auto b = ps::pg_backend::connect(*ci);
    REQUIRE(b);
    ps::test::add_standard_connections(**b);
  }
  real_config cfg;
  caf::actor_system sys{cfg};
  storage_config scfg;
  scfg.reconnect_max = 500ms;
  scfg.queue_timeout = 5s;
  auto storage = spawn_storage(sys, scfg, pg_factory(*ci), 2);
  caf::scoped_actor self{sys};

  std::set<ps::request_id> acked;
  std::size_t errors = 0, unavailable = 0, acked_after_restart = 0;
  std::atomic<int> phase{0}; // 0 up, 1 down, 2 back up
  std::thread chaos{[&] {
    std::this_thread::sleep_for(400ms);
    crash_cluster(cluster);
    phase = 1;
    std::this_thread::sleep_for(1000ms);
    auto again = cluster.start();
    if (!again)
      std::fprintf(stderr, "restart failed: %s\n", again.error().message.c_str());
    phase = 2;
  }};
  // Windows of 16 concurrent enqueues until well after the restart.
  int next = 0;
  auto stop_at = std::chrono::steady_clock::time_point::max();
  while (std::chrono::steady_clock::now() < stop_at) {
    int p = phase;
    if (p == 2 && stop_at == std::chrono::steady_clock::time_point::max())
      stop_at = std::chrono::steady_clock::now() + 3s;
    for (int k = 0; k < 16; ++k)
      self->send(storage, atom::enqueue::value, numbered(next++));
    for (int k = 0; k < 16; ++k) {
      self->receive(
        [&](ps::enqueue_result& r) {
          acked.insert(r.id);
          if (p == 2)
            ++acked_after_restart;
        },
        [&](caf::error& e) {
          ++errors;
          if (e == ec::storage_unavailable)
            ++unavailable;
        },
        caf::after(30s) >> [&] { FAIL("an enqueue was never answered"); });
    }
    if (p == 1)
      std::this_thread::sleep_for(20ms); // pace the stream while down
  }
  chaos.join();
  INFO("sent " << next << ", acknowledged " << acked.size() << ", errors "
               << errors << " (unavailable " << unavailable << ")");
  CHECK(errors > 0);
  CHECK(acked_after_restart > 0);
  CHECK(acked.size() + errors == static_cast<std::size_t>(next));
  // Every acknowledged id survived the crash.
  auto conn = ps::pg_connection::open(*ci);
  REQUIRE(conn);
  auto rows = (*conn)->exec("SELECT id FROM adbatch.batch_request_queue");
  REQUIRE(rows);
  std::set<ps::request_id> stored;
  for (int r = 0; r < rows->size(); ++r)
    stored.insert(rows->i64(r, 0));
  std::size_t lost = 0;
  for (auto id : acked)
    lost += stored.count(id) == 0 ? 1 : 0;
  CHECK(lost == 0);
  self->send_exit(storage, caf::exit_reason::user_shutdown);
  conn->reset();
  (void) cluster.stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST_CASE("adbatch-bench enqueue smoke run detects the planted duplicates",
          "[storage][pg][bench]") {
  auto server = ps::test::admin_conninfo();
  const char* bench = std::getenv("ADBATCH_BENCH");
  REQUIRE(bench != nullptr);
  std::string cmd = std::string{bench}
                    + " enqueue --requests 2000 --duplicates 0.2 --clients 16 "
                      "--json --database-url '"
                    + server + "'";
  std::unique_ptr<FILE, decltype(&pclose)> pipe{popen(cmd.c_str(), "r"),
                                                &pclose};
  REQUIRE(pipe);
  std::string out;
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof buf, pipe.get()))
    out.append(buf, n);
  auto status = pclose(pipe.release());
  INFO(out);
  REQUIRE(status == 0);
  auto v = boost::json::parse(out);
  auto& o = v.as_object();
  CHECK(o.at("requests").to_number<std::int64_t>() == 2000);
  CHECK(o.at("duplicates_expected").to_number<std::int64_t>() == 400);
  CHECK(o.at("duplicates_detected").to_number<std::int64_t>() == 400);
  CHECK(o.at("errors").to_number<std::int64_t>() == 0);
  CHECK(o.at("rows_stored").to_number<std::int64_t>() == 1600);
  CHECK(o.contains("enqueue_per_s"));
  CHECK(o.contains("copy_per_s"));
  CHECK(o.contains("ratio"));
}

TEST_CASE("webhook events and request listing go through the storage actor",
          "[storage][pg]") {
  ps::test::test_db db;
  {
    auto b = db.backend();
    ps::test::add_standard_connections(*b);
  }
  real_config cfg;
  caf::actor_system sys{cfg};
  auto storage = spawn_storage(sys, storage_config{}, pg_factory(db.conninfo()), 2);
  caf::scoped_actor self{sys};
  ps::webhook_event e;
  e.platform = ps::ad_platform::meta;
  e.external_event_id = "evt-actor-1";
  e.event_type = "leadgen";
  e.signature_valid = true;
  e.payload_json = R"({"entry":[]})";
  std::int64_t first_id = 0;
  for (int round = 0; round < 2; ++round)
    self->request(storage, 30s, atom::store_event::value, e)
      .receive(
        [&](ps::store_event_result& r) {
          CHECK(r.duplicate == (round == 1));
          if (round == 0)
            first_id = r.id;
          else
            CHECK(r.id == first_id);
        },
        [&](caf::error& err) { FAIL("store_event: " << render(err)); });
  std::vector<ps::claimed_event> claimed;
  self
    ->request(storage, 30s, atom::claim_events::value, ps::ad_platform::meta,
              std::int32_t{10}, caf::timespan{30s}, std::string{"proc"})
    .receive([&](std::vector<ps::claimed_event>& xs) { claimed = xs; },
             [&](caf::error& err) { FAIL("claim_events: " << render(err)); });
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].external_event_id == std::optional<std::string>{"evt-actor-1"});
  self
    ->request(storage, 30s, atom::finish_event::value, claimed[0].id,
              std::string{"proc"}, ps::webhook_status::processed,
              std::string{}, std::string{})
    .receive([](caf::ok_atom) {},
             [&](caf::error& err) { FAIL("finish_event: " << render(err)); });
  // Requests: enqueue three, list them newest first.
  for (int i = 0; i < 3; ++i)
    self->request(storage, 30s, atom::enqueue::value, numbered(i))
      .receive([](ps::enqueue_result&) {},
               [&](caf::error& err) { FAIL("enqueue: " << render(err)); });
  ps::request_filter filter;
  filter.limit = 2;
  self->request(storage, 30s, atom::get::value, org_a, filter)
    .receive(
      [&](std::vector<ps::request_view>& xs) {
        REQUIRE(xs.size() == 2);
        CHECK(xs[0].id > xs[1].id);
      },
      [&](caf::error& err) { FAIL("list: " << render(err)); });
  self->send_exit(storage, caf::exit_reason::user_shutdown);
}

TEST_CASE("connection tokens go through the storage actor sealed, and "
          "listeners hear of committed enqueues",
          "[storage][pg]") {
  ps::test::test_db db;
  {
    auto b = db.backend();
    ps::test::add_standard_connections(*b);
  }
  real_config cfg;
  caf::actor_system sys{cfg};
  storage_config scfg;
  scfg.token_keys = {{"k1", std::string(32, '\x5a')}};
  scfg.active_token_key = "k1";
  auto storage = spawn_storage(sys, scfg, pg_factory(db.conninfo()), 2);
  caf::scoped_actor self{sys};
  caf::scoped_actor listener{sys};
  self->send(storage, atom::subscribe::value,
             caf::actor_cast<caf::actor>(listener));
  const std::string token = "EAAB-actor-on-postgres-token-91c2";
  self
    ->request(storage, 30s, atom::token_set::value, org_a, conn_a,
              platform_token{token})
    .receive([](caf::ok_atom) {},
             [&](caf::error& err) { FAIL("token_set: " << render(err)); });
  CHECK(db.scalar("SELECT count(*) FROM adbatch.platform_connections c "
                  "WHERE c::text LIKE '%" + token + "%' OR position("
                  "convert_to('" + token + "', 'UTF8') IN "
                  "coalesce(token_ciphertext, ''::bytea)) > 0") == 0);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.platform_connections WHERE "
                  "token_key_id = 'k1'") == 1);
  self->request(storage, 30s, atom::credential::value, conn_a)
    .receive(
      [&](connection_secret& s) {
        CHECK(s.token == token);
        CHECK(s.token_source == "stored");
        CHECK(caf::deep_to_string(s).find(token) == std::string::npos);
      },
      [&](caf::error& err) { FAIL("credential: " << render(err)); });
  // Org B cannot set org A's token.
  self
    ->request(storage, 30s, atom::token_set::value, ps::test::org_b, conn_a,
              platform_token{"EAAB-forged"})
    .receive([](caf::ok_atom) { FAIL("org B set org A's token"); },
             [&](caf::error& err) { CHECK(err == ec::not_found); });
  // An enqueue commit is announced once, with its platform and priority.
  self->request(storage, 30s, atom::enqueue::value, numbered(1))
    .receive([](ps::enqueue_result& r) { CHECK_FALSE(r.deduplicated); },
             [&](caf::error& err) { FAIL("enqueue: " << render(err)); });
  listener->receive(
    [&](atom::queued, ps::ad_platform p, std::int32_t prio,
        std::int64_t rows) {
      CHECK(p == ps::ad_platform::meta);
      CHECK(prio == 5);
      CHECK(rows == 1);
    },
    caf::after(30s) >> [] { FAIL("no queued notice"); });
  self->send_exit(storage, caf::exit_reason::user_shutdown);
}
