// The embedded cluster: start (initdb), migrate, stop, start again on the
// same data -> the data is still there. Uses a directory under
// ADBATCH_TEST_TMP (which the postgres user can traverse).

#include "persistence/embedded_cluster.hpp"
#include "persistence/migrations.hpp"
#include "persistence/pg_backend.hpp"
#include "persistence/pg_connection.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace adbatch::persistence;

TEST_CASE("the embedded cluster keeps its data across restarts", "[pg]") {
  const char* tmp = std::getenv("ADBATCH_TEST_TMP");
  if (tmp == nullptr || *tmp == '\0')
    FAIL("ADBATCH_TEST_TMP is not set: run scripts/run-tests.sh (it exports a "
         "temp dir the "
         "postgres user can traverse)");
  std::random_device rd;
  const std::string base =
      std::string{tmp} + "/ec" + std::to_string(rd() % 1000000);
  const std::string org = "aaaaaaaa-0000-4000-8000-000000000001";
  const std::string conn = "aaaaaaaa-1111-4000-8000-000000000001";
  request_id id = 0;
  embedded_cluster_options opts;
  opts.base_dir = base;
  {
    embedded_cluster cluster{opts};
    auto info = cluster.start();
    INFO((info ? *info : info.error().message));
    REQUIRE(info);
    CHECK(info->find("dbname=adbatch") != std::string::npos);
    CHECK(cluster.running());
    auto c = pg_connection::open(*info);
    REQUIRE(c);
    auto m = migrate(**c);
    INFO((m ? std::string{} : m.error().message));
    REQUIRE(m);
    // Durable settings and no TCP listener.
    for (auto [name, want] : {std::pair{"fsync", "on"},
                              {"synchronous_commit", "on"},
                              {"full_page_writes", "on"},
                              {"listen_addresses", ""},
                              {"max_wal_size", "4GB"}}) {
      auto r = (*c)->exec(std::string{"SHOW "} + name);
      REQUIRE(r);
      CHECK(r->str(0, 0) == want);
    }
    auto b = pg_backend::connect(*info);
    REQUIRE(b);
    platform_connection pc;
    pc.connection_id = conn;
    pc.org_id = org;
    REQUIRE((*b)->add_connection(pc));
    auto e = (*b)->enqueue({org, "meta", conn, "get_campaigns", "{}", 5, 3});
    REQUIRE(e);
    id = e->id;
    b->reset();
    c->reset();
    REQUIRE(cluster.stop());
    CHECK_FALSE(cluster.running());
  }
  {
    embedded_cluster cluster{opts};
    auto info = cluster.start(); // no initdb this time
    INFO((info ? *info : info.error().message));
    REQUIRE(info);
    auto c = pg_connection::open(*info);
    REQUIRE(c);
    auto m = migrate(**c);
    REQUIRE(m);
    CHECK(m->applied == 0);
    auto b = pg_backend::connect(*info);
    REQUIRE(b);
    auto v = (*b)->get_request(org, id);
    REQUIRE(v);
    CHECK(v->status == request_status::pending);
    b->reset();
    c->reset();
    // The destructor stops what this object started.
  }
  {
    // A crash: kill -9 the postmaster. The next start clears the stale
    // lock files (even if the dead postmaster lingers as an unreaped
    // zombie), PostgreSQL recovers, and the committed row is there.
    embedded_cluster cluster{opts};
    auto info = cluster.start();
    REQUIRE(info);
    std::ifstream pidfile{cluster.data_dir() + "/postmaster.pid"};
    long pid = 0;
    REQUIRE(pidfile >> pid);
    REQUIRE(::kill(static_cast<pid_t>(pid), SIGKILL) == 0);
    for (int i = 0; i < 100 && cluster.running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK_FALSE(cluster.running());
    embedded_cluster again{opts};
    auto info2 = again.start();
    INFO((info2 ? *info2 : info2.error().message));
    REQUIRE(info2);
    auto b = pg_backend::connect(*info2);
    REQUIRE(b);
    auto v = (*b)->get_request(org, id);
    REQUIRE(v);
    CHECK(v->id == id);
    b->reset();
    REQUIRE(again.stop());
  }
  embedded_cluster probe{opts};
  CHECK_FALSE(probe.running());
  std::error_code ec;
  std::filesystem::remove_all(base, ec);
}
