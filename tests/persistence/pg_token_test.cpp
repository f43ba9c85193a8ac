// Connection tokens on a real PostgreSQL: stored sealed (the rows never hold
// the plaintext), org-scoped by row-level security, bound to their row by
// the AAD, re-sealed by a key rotation.

#include "persistence/token_cipher.hpp"
#include "tests/persistence/pg_test_db.hpp"

#include <catch2/catch.hpp>

using namespace adbatch::persistence;
using namespace adbatch::persistence::test;

namespace {

const std::string token_a = "EAAB-plaintext-of-org-a-7f3a9c";
const std::string token_b = "EAAB-plaintext-of-org-b-1d2e3f";

token_cipher make_cipher(std::map<std::string, std::string> keys,
                         std::string active) {
  auto c = token_cipher::create(std::move(keys), std::move(active));
  INFO((c ? std::string{} : c.error().message));
  REQUIRE(c);
  return std::move(c).value();
}

const std::string key1(32, '\x11');
const std::string key2(32, '\x22');

/// Rows (any column, as text, and the raw bytea) that contain `plain`.
std::int64_t rows_containing(const test_db& db, const std::string& plain) {
  // The token is test data without quotes, so it can be inlined.
  return db.scalar("SELECT count(*) FROM adbatch.platform_connections c WHERE "
                   "c::text LIKE '%" +
                   plain +
                   "%' "
                   "OR position(convert_to('" +
                   plain +
                   "', 'UTF8') IN "
                   "coalesce(c.token_ciphertext, ''::bytea)) > 0 "
                   "OR position(convert_to('" +
                   plain +
                   "', 'UTF8') IN "
                   "coalesce(c.token_nonce, ''::bytea)) > 0");
}

/// The resealer the storage actor passes to rotate_tokens.
token_resealer resealer(const token_cipher& c) {
  return [&c](const std::string& conn,
              const sealed_token& old) -> result<sealed_token> {
    auto plain = c.open(old, conn);
    if (!plain) return plain.error();
    return c.seal(*plain, conn);
  };
}

} // namespace

TEST_CASE("a stored token is ciphertext in PostgreSQL and opens again",
          "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto c = make_cipher({{"k1", key1}}, "k1");
  must(b->set_connection_token(org_a, conn_a, must(c.seal(token_a, conn_a))));
  must(b->set_connection_token(org_b, conn_b, must(c.seal(token_b, conn_b))));
  CHECK(rows_containing(db, token_a) == 0);
  CHECK(rows_containing(db, token_b) == 0);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.platform_connections WHERE "
                  "token_key_id = 'k1' AND octet_length(token_nonce) = 12 "
                  "AND octet_length(token_ciphertext) = " +
                  std::to_string(token_a.size() + 16) +
                  " AND token_updated_at IS NOT NULL") == 2);
  auto got = must(b->get_connection_secret(conn_a));
  CHECK(got.connection.connection_id == conn_a);
  CHECK(got.connection.token_ref == "env:META_TOKEN_A");
  REQUIRE(got.token);
  CHECK(got.token->key_id == "k1");
  CHECK(must(c.open(*got.token, conn_a)) == token_a);
  // Upper-case ids are the same connection (the AAD is the stored form).
  std::string upper = conn_a;
  for (auto& ch : upper)
    ch = static_cast<char>(std::toupper(ch));
  CHECK(must(b->get_connection_secret(upper)).token->ciphertext ==
        got.token->ciphertext);
  // No token: none; an unknown connection: not_found.
  CHECK_FALSE(must(b->get_connection_secret(conn_a_google)).token);
  CHECK(b->get_connection_secret("aaaaaaaa-9999-4000-8000-000000000009")
            .error()
            .code == error_code::not_found);
  // Replace, then clear.
  auto again = must(c.seal("EAAB-second-token", conn_a));
  must(b->set_connection_token(org_a, conn_a, again));
  CHECK(must(b->get_connection_secret(conn_a)).token->nonce == again.nonce);
  must(b->clear_connection_token(org_a, conn_a));
  CHECK_FALSE(must(b->get_connection_secret(conn_a)).token);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.platform_connections WHERE "
                  "connection_id = '" +
                  conn_a + "' AND token_updated_at IS NULL") == 1);
  // Malformed sealed tokens never reach the table.
  auto bad = again;
  bad.nonce = "short";
  CHECK(b->set_connection_token(org_a, conn_a, bad).error().code ==
        error_code::invalid_argument);
}

TEST_CASE("a ciphertext moved to another row does not open", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto c = make_cipher({{"k1", key1}}, "k1");
  must(b->set_connection_token(org_a, conn_a, must(c.seal(token_a, conn_a))));
  // Someone with database access copies A's token columns onto B's row.
  db.exec("UPDATE adbatch.platform_connections d SET "
          "token_ciphertext = s.token_ciphertext, token_nonce = s.token_nonce,"
          " token_key_id = s.token_key_id, token_updated_at = now() "
          "FROM adbatch.platform_connections s WHERE s.connection_id = '" +
          conn_a + "' AND d.connection_id = '" + conn_b + "'");
  auto moved = must(b->get_connection_secret(conn_b));
  REQUIRE(moved.token);
  auto opened = c.open(*moved.token, conn_b);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == error_code::credential_error);
  // A tampered byte fails as well.
  db.exec("UPDATE adbatch.platform_connections SET token_ciphertext = "
          "set_byte(token_ciphertext, 0, get_byte(token_ciphertext, 0) # 1) "
          "WHERE connection_id = '" +
          conn_a + "'");
  auto tampered = must(b->get_connection_secret(conn_a));
  CHECK_FALSE(c.open(*tampered.token, conn_a));
  // A wrong key under the same id fails too.
  auto wrong = make_cipher({{"k1", key2}}, "k1");
  must(b->set_connection_token(org_a, conn_a, must(c.seal(token_a, conn_a))));
  CHECK_FALSE(
      wrong.open(*must(b->get_connection_secret(conn_a)).token, conn_a));
}

TEST_CASE("the table refuses half a token", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto c = db.open();
  CHECK_FALSE(c->exec("UPDATE adbatch.platform_connections SET "
                      "token_nonce = '\\x000102030405060708090a0b'::bytea "
                      "WHERE connection_id = '" +
                      conn_a + "'"));
  CHECK(c->last_sqlstate() == "23514");
  CHECK_FALSE(c->exec(
      "UPDATE adbatch.platform_connections SET token_nonce = '\\x00'::bytea, "
      "token_ciphertext = decode(repeat('00', 20), 'hex'), token_key_id = "
      "'k1', token_updated_at = now() WHERE connection_id = '" +
      conn_a + "'"));
  CHECK(c->last_sqlstate() == "23514");
}

TEST_CASE("an org cannot set, clear or read another org's token", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto c = make_cipher({{"k1", key1}}, "k1");
  auto sealed_a = must(c.seal(token_a, conn_a));
  must(b->set_connection_token(org_a, conn_a, sealed_a));
  // Through the backend: B's org scope does not see A's connection.
  auto forged = must(c.seal("EAAB-forged-by-b", conn_a));
  CHECK(b->set_connection_token(org_b, conn_a, forged).error().code ==
        error_code::not_found);
  CHECK(b->clear_connection_token(org_b, conn_a).error().code ==
        error_code::not_found);
  CHECK(must(c.open(*must(b->get_connection_secret(conn_a)).token, conn_a)) ==
        token_a);
  // Raw SQL as adbatch_app for org B: 0 rows, nothing read.
  auto raw = db.open();
  auto as_app_b = [&](const std::string& sql) {
    REQUIRE(
        raw->exec_script("BEGIN; SET LOCAL ROLE adbatch_app; SELECT set_config("
                         "'adbatch.org_id', '" +
                         org_b + "', true)"));
    auto r = raw->exec(sql);
    raw->rollback_quietly();
    return r;
  };
  auto upd = as_app_b("UPDATE adbatch.platform_connections SET "
                      "token_ciphertext = NULL, token_nonce = NULL, "
                      "token_key_id = NULL, token_updated_at = NULL "
                      "WHERE connection_id = '" +
                      conn_a + "'");
  REQUIRE(upd);
  CHECK(upd->affected() == 0);
  auto sel = as_app_b("SELECT count(*) FROM adbatch.platform_connections "
                      "WHERE token_ciphertext IS NOT NULL");
  REQUIRE(sel);
  CHECK(sel->i64(0, 0) == 0);
  // ...nor move its own connection (and a token) into org A.
  auto mv = as_app_b("UPDATE adbatch.platform_connections SET org_id = '" +
                     org_a + "' WHERE connection_id = '" + conn_b + "'");
  REQUIRE_FALSE(mv);
  CHECK(raw->last_sqlstate() == "42501");
  // The worker role reads tokens across orgs but cannot write them.
  REQUIRE(raw->exec_script("BEGIN; SET LOCAL ROLE adbatch_worker"));
  auto w = raw->exec("UPDATE adbatch.platform_connections SET token_key_id "
                     "= 'x' WHERE connection_id = '" +
                     conn_a + "'");
  REQUIRE_FALSE(w);
  CHECK(raw->last_sqlstate() == "42501");
  raw->rollback_quietly();
  // A's token is intact.
  auto after = must(b->get_connection_secret(conn_a));
  CHECK(after.token->ciphertext == sealed_a.ciphertext);
}

TEST_CASE("rotation re-seals tokens of every org with the active key", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto old_keys = make_cipher({{"k1", key1}}, "k1");
  must(b->set_connection_token(org_a, conn_a,
                               must(old_keys.seal(token_a, conn_a))));
  must(b->set_connection_token(org_b, conn_b,
                               must(old_keys.seal(token_b, conn_b))));
  // A token sealed with a key nobody has any more: it cannot be re-sealed.
  auto lost = make_cipher({{"k0", key2}}, "k0");
  must(b->set_connection_token(org_a, conn_a_google,
                               must(lost.seal("EAAB-lost", conn_a_google))));
  auto both = make_cipher({{"k1", key1}, {"k2", key2}}, "k2");
  // One row per transaction: the paging crosses orgs and the failed row.
  auto r = must(b->rotate_tokens("k2", 1, resealer(both)));
  CHECK(r.resealed == 2);
  CHECK(r.failed == 1);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].find(conn_a_google) != std::string::npos);
  CHECK(r.failures[0].find("'k0'") != std::string::npos);
  CHECK(r.failures[0].find("EAAB") == std::string::npos);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.platform_connections WHERE "
                  "token_key_id = 'k2'") == 2);
  CHECK(db.scalar("SELECT count(*) FROM adbatch.platform_connections WHERE "
                  "token_key_id = 'k0'") == 1);
  // The old key can go now: the new one alone opens them.
  auto only_new = make_cipher({{"k2", key2}}, "k2");
  CHECK(must(only_new.open(*must(b->get_connection_secret(conn_a)).token,
                           conn_a)) == token_a);
  CHECK(must(only_new.open(*must(b->get_connection_secret(conn_b)).token,
                           conn_b)) == token_b);
  CHECK(rows_containing(db, token_a) == 0);
  // Running it again finds nothing to do but the lost one.
  auto again = must(b->rotate_tokens("k2", 100, resealer(both)));
  CHECK(again.resealed == 0);
  CHECK(again.failed == 1);
}

TEST_CASE("rotation leaves a token alone that changed while it ran", "[pg]") {
  test_db db;
  auto b = db.backend();
  add_standard_connections(*b);
  auto old_keys = make_cipher({{"k1", key1}}, "k1");
  must(b->set_connection_token(org_a, conn_a,
                               must(old_keys.seal(token_a, conn_a))));
  auto both = make_cipher({{"k1", key1}, {"k2", key2}}, "k2");
  auto other = db.backend();
  const std::string newer = "EAAB-set-during-rotation";
  // The resealer runs between the rotation's read and its write: another
  // connection stores a new token (with the old key) in between.
  auto r = must(
      b->rotate_tokens("k2", 10,
                       [&](const std::string& conn,
                           const sealed_token& old) -> result<sealed_token> {
                         must(other->set_connection_token(
                             org_a, conn, must(old_keys.seal(newer, conn))));
                         return resealer(both)(conn, old);
                       }));
  CHECK(r.resealed == 0);
  auto now = must(b->get_connection_secret(conn_a));
  CHECK(now.token->key_id == "k1");
  CHECK(must(both.open(*now.token, conn_a)) == newer);
}
