// token_cipher: AES-256-GCM sealing of connection tokens. Pure, no database.

#include "persistence/token_cipher.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using namespace adbatch::persistence;

namespace {

const std::string conn = "22222222-2222-4222-8222-222222222222";
const std::string other_conn = "33333333-3333-4333-8333-333333333333";
const std::string token = "EAAB-distinctive-plaintext-token-7f3a";

std::string key(char fill) {
  return std::string(token_cipher::key_size, fill);
}

token_cipher make(std::map<std::string, std::string> keys, std::string active) {
  auto c = token_cipher::create(std::move(keys), std::move(active));
  INFO((c ? std::string{} : c.error().message));
  REQUIRE(c);
  return std::move(c).value();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("a sealed token opens with its key and connection id") {
  auto c = make({{"k1", key('a')}}, "k1");
  auto sealed = c.seal(token, conn);
  REQUIRE(sealed);
  CHECK(sealed->key_id == "k1");
  CHECK(sealed->nonce.size() == 12);
  CHECK(sealed->ciphertext.size() == token.size() + 16);
  CHECK_FALSE(contains(sealed->ciphertext, token));
  auto opened = c.open(*sealed, conn);
  REQUIRE(opened);
  CHECK(*opened == token);
}

TEST_CASE("every seal draws a fresh nonce") {
  auto c = make({{"k1", key('a')}}, "k1");
  std::set<std::string> nonces, ciphertexts;
  for (int i = 0; i < 50; ++i) {
    auto s = c.seal(token, conn);
    REQUIRE(s);
    nonces.insert(s->nonce);
    ciphertexts.insert(s->ciphertext);
  }
  CHECK(nonces.size() == 50);
  CHECK(ciphertexts.size() == 50);
}

TEST_CASE("a wrong key, a wrong connection id or altered bytes fail "
          "authentication") {
  auto c = make({{"k1", key('a')}}, "k1");
  auto sealed = *c.seal(token, conn);
  // Another row: the ciphertext cannot be moved to another connection.
  auto moved = c.open(sealed, other_conn);
  REQUIRE_FALSE(moved);
  CHECK(moved.error().code == error_code::credential_error);
  CHECK(contains(moved.error().message, "'k1'"));
  CHECK(contains(moved.error().message, "fails authentication"));
  CHECK_FALSE(contains(moved.error().message, token));
  // The same id holding another key value.
  auto wrong = make({{"k1", key('b')}}, "k1");
  CHECK(wrong.open(sealed, conn).error().code == error_code::credential_error);
  // One flipped bit anywhere: ciphertext, tag or nonce.
  for (std::size_t i = 0; i < sealed.ciphertext.size(); ++i) {
    auto bad = sealed;
    bad.ciphertext[i] = static_cast<char>(bad.ciphertext[i] ^ 0x01);
    INFO("byte " << i);
    CHECK_FALSE(c.open(bad, conn));
  }
  auto bad_nonce = sealed;
  bad_nonce.nonce[0] = static_cast<char>(bad_nonce.nonce[0] ^ 0x80);
  CHECK_FALSE(c.open(bad_nonce, conn));
  // Truncated: no room for the tag.
  auto short_ct = sealed;
  short_ct.ciphertext.resize(10);
  auto r = c.open(short_ct, conn);
  REQUIRE_FALSE(r);
  CHECK(contains(r.error().message, "malformed"));
}

TEST_CASE("an unknown key id is a clear error naming the id") {
  auto old = make({{"k0", key('z')}}, "k0");
  auto sealed = *old.seal(token, conn);
  auto c = make({{"k1", key('a')}}, "k1");
  auto r = c.open(sealed, conn);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == error_code::credential_error);
  CHECK(r.error().message ==
        "the token is sealed with key 'k0', which is not configured "
        "(credentials.keys)");
}

TEST_CASE("rotation: old keys open, the active key seals") {
  auto before = make({{"k1", key('a')}}, "k1");
  auto sealed = *before.seal(token, conn);
  auto after = make({{"k1", key('a')}, {"k2", key('b')}}, "k2");
  CHECK(*after.open(sealed, conn) == token);
  auto resealed = *after.seal(*after.open(sealed, conn), conn);
  CHECK(resealed.key_id == "k2");
  auto only_new = make({{"k2", key('b')}}, "k2");
  CHECK(*only_new.open(resealed, conn) == token);
  CHECK_FALSE(only_new.open(sealed, conn));
}

TEST_CASE("key sets are checked when the cipher is made") {
  auto short_key = token_cipher::create({{"k1", std::string(16, 'a')}}, "k1");
  REQUIRE_FALSE(short_key);
  CHECK(short_key.error().message == "key 'k1' must be 32 bytes, got 16");
  auto missing = token_cipher::create({{"k1", key('a')}}, "k2");
  REQUIRE_FALSE(missing);
  CHECK(contains(missing.error().message, "'k2'"));
  CHECK_FALSE(token_cipher::create({{"k1", key('a')}}, ""));
  CHECK_FALSE(token_cipher::create({{"", key('a')}}, ""));
  // Nothing configured: allowed, but it cannot seal and opens nothing.
  auto none = token_cipher::create({}, "");
  REQUIRE(none);
  CHECK_FALSE(none->configured());
  auto s = none->seal(token, conn);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == error_code::invalid_argument);
  CHECK(contains(s.error().message, "credentials.active_key"));
  auto c = make({{"k1", key('a')}}, "k1");
  CHECK(c.configured());
  CHECK(c.has_key("k1"));
  CHECK_FALSE(c.has_key("k2"));
  CHECK(c.active_key_id() == "k1");
  CHECK(c.seal("", conn).error().code == error_code::invalid_argument);
}
