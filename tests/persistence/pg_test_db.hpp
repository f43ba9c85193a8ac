#pragma once

// A fresh database per test on the PostgreSQL named by ADBATCH_TEST_PG
// (started by scripts/run-tests.sh). Without it the test FAILS.

#include "persistence/migrations.hpp"
#include "persistence/pg_backend.hpp"
#include "persistence/pg_connection.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

namespace adbatch::persistence::test {

/// The admin conninfo, or a test failure explaining how to get one.
inline std::string admin_conninfo() {
  const char* env = std::getenv("ADBATCH_TEST_PG");
  if (env == nullptr || *env == '\0')
    FAIL("ADBATCH_TEST_PG is not set: run scripts/run-tests.sh, or export the "
         "conninfo "
         "printed by `bash scripts/test-pg.sh start /tmp/pg-me`");
  return env;
}

/// Creates test_<random> on construction, drops it on destruction.
class test_db {
public:
  explicit test_db(bool run_migrations = true) {
    admin_ = admin_conninfo();
    std::random_device rd;
    name_ = "test_" + std::to_string(rd()) + std::to_string(rd() % 100000);
    auto admin = pg_connection::open(admin_);
    REQUIRE(admin);
    auto created = (*admin)->exec_script("CREATE DATABASE " + name_);
    INFO((created ? std::string{} : created.error().message));
    REQUIRE(created);
    // In a conninfo string the last dbname wins.
    conninfo_ = admin_ + " dbname=" + name_;
    if (run_migrations) {
      auto conn = open();
      auto m = migrate(*conn);
      INFO((m ? std::string{} : m.error().message));
      REQUIRE(m);
    }
  }

  ~test_db() {
    if (auto admin = pg_connection::open(admin_))
      (void)(*admin)->exec_script("DROP DATABASE IF EXISTS " + name_ +
                                  " WITH (FORCE)");
  }

  const std::string& conninfo() const { return conninfo_; }
  const std::string& name() const { return name_; }

  /// A raw connection (superuser: bypasses RLS) for setup and inspection.
  std::unique_ptr<pg_connection> open() const {
    auto c = pg_connection::open(conninfo_);
    REQUIRE(c);
    return std::move(*c);
  }

  std::unique_ptr<pg_backend> backend(backend_options opts = {}) const {
    auto b = pg_backend::connect(conninfo_, std::move(opts));
    REQUIRE(b);
    return std::move(*b);
  }

  /// SELECT returning one integer.
  std::int64_t scalar(const std::string& sql) const {
    auto c = open();
    auto r = c->exec(sql);
    INFO((r ? std::string{} : r.error().message));
    REQUIRE(r);
    REQUIRE(r->size() == 1);
    return r->i64(0, 0);
  }

  /// Runs SQL as superuser.
  void exec(const std::string& sql) const {
    auto c = open();
    auto r = c->exec_script(sql);
    INFO((r ? std::string{} : r.error().message));
    REQUIRE(r);
  }

private:
  std::string admin_;
  std::string name_;
  std::string conninfo_;
};

} // namespace adbatch::persistence::test

namespace adbatch::persistence::test {

inline const std::string org_a = "aaaaaaaa-0000-4000-8000-000000000001";
inline const std::string org_b = "bbbbbbbb-0000-4000-8000-000000000002";
inline const std::string conn_a =
    "aaaaaaaa-1111-4000-8000-000000000001"; // org A, meta
inline const std::string conn_b =
    "bbbbbbbb-1111-4000-8000-000000000002"; // org B, meta
inline const std::string conn_a_google = "aaaaaaaa-2222-4000-8000-000000000003";

/// Registers conn_a, conn_b (meta) and conn_a_google.
inline void add_standard_connections(backend& b) {
  platform_connection c;
  c.connection_id = conn_a;
  c.org_id = org_a;
  c.platform = ad_platform::meta;
  c.account_ids = R"({"ad_account_id":"act_1","business_id":"b_1"})";
  c.token_ref = "env:META_TOKEN_A";
  auto r = b.add_connection(c);
  INFO((r ? std::string{} : r.error().message));
  REQUIRE(r);
  c.connection_id = conn_b;
  c.org_id = org_b;
  c.token_ref = "env:META_TOKEN_B";
  c.account_ids = R"({"ad_account_id":"act_2"})";
  REQUIRE(b.add_connection(c));
  c.connection_id = conn_a_google;
  c.org_id = org_a;
  c.platform = ad_platform::google;
  c.account_ids = R"({"customer_id":"1234567890","login_customer_id":"999"})";
  c.token_ref = "env:GOOGLE_TOKEN_A";
  REQUIRE(b.add_connection(c));
}

inline enqueue_request meta_request(std::string params = R"({"fields":["id"]})",
                                    int priority = 5,
                                    const std::string& org = org_a,
                                    const std::string& conn = conn_a) {
  return enqueue_request{
      org, "meta", conn, "get_campaigns", std::move(params), priority, 3};
}

template <class T>
T must(result<T> r) {
  INFO((r ? std::string{} : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

inline void must(result<void> r) {
  INFO((r ? std::string{} : r.error().message));
  REQUIRE(r.ok());
}

} // namespace adbatch::persistence::test
