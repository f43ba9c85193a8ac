#include "platforms/common/crypto.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace pl = adbatch::platforms;

TEST_CASE("hmac_sha256: RFC 4231 test cases 1 and 2", "[crypto]") {
  // Test case 1: key = 0x0b * 20, data = "Hi There".
  CHECK(pl::to_hex(pl::hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: key = "Jefe".
  auto mac = pl::hmac_sha256("Jefe", "what do ya want for nothing?");
  CHECK(mac.size() == 32);
  CHECK(pl::to_hex(mac) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(pl::to_base64(mac) == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
  // An empty key is legal.
  CHECK(pl::hmac_sha256("", "x").size() == 32);
}

TEST_CASE("hex: round trip and rejects", "[crypto]") {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  auto hex = pl::to_hex(all);
  CHECK(hex.size() == 512);
  CHECK(hex.substr(0, 8) == "00010203");
  CHECK(pl::from_hex(hex) == all);
  CHECK(pl::from_hex("ABCDEF") == std::string("\xab\xcd\xef"));
  CHECK(pl::from_hex("") == std::string());
  CHECK_FALSE(pl::from_hex("abc")); // odd length
  CHECK_FALSE(pl::from_hex("zz"));  // not hex
}

TEST_CASE("base64: RFC 4648 vectors, round trip and rejects", "[crypto]") {
  CHECK(pl::to_base64("") == "");
  CHECK(pl::to_base64("f") == "Zg==");
  CHECK(pl::to_base64("fo") == "Zm8=");
  CHECK(pl::to_base64("foo") == "Zm9v");
  CHECK(pl::to_base64("foobar") == "Zm9vYmFy");
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
    CHECK(pl::from_base64(pl::to_base64(s)) == s);
  std::string bytes{"\0\xff\x10 x", 5};
  CHECK(pl::from_base64(pl::to_base64(bytes)) == bytes);
  CHECK_FALSE(pl::from_base64("Zg="));      // bad length
  CHECK_FALSE(pl::from_base64("Z==="));     // too much padding
  CHECK_FALSE(pl::from_base64("Zm9v!A==")); // bad character
  CHECK_FALSE(pl::from_base64(" Zg="));     // whitespace
}

TEST_CASE("equal_constant_time", "[crypto]") {
  CHECK(pl::equal_constant_time("", ""));
  CHECK(pl::equal_constant_time("sha256=ab", "sha256=ab"));
  CHECK_FALSE(pl::equal_constant_time("sha256=ab", "sha256=ac"));
  CHECK_FALSE(pl::equal_constant_time("abc", "ab"));
}
