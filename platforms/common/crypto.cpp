#include "platforms/common/crypto.hpp"

#include <array>
#include <boost/algorithm/hex.hpp>
#include <iterator>
#include <memory>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdexcept>

namespace adbatch::platforms {

std::string hmac_sha256(std::string_view key, std::string_view msg) {
  struct mac_deleter {
    void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
  };
  std::unique_ptr<EVP_MAC, mac_deleter> mac{
      EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
  if (!mac) throw std::runtime_error("EVP_MAC_fetch(HMAC) failed");
  std::unique_ptr<EVP_MAC_CTX, mac_deleter> ctx{EVP_MAC_CTX_new(mac.get())};
  if (!ctx) throw std::runtime_error("EVP_MAC_CTX_new failed");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  // An empty key is legal for HMAC; OpenSSL wants a non-null pointer.
  static const unsigned char empty = 0;
  auto* k =
      key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  std::size_t len = 0;
  if (EVP_MAC_init(ctx.get(), k, key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(),
                     reinterpret_cast<const unsigned char*>(msg.data()),
                     msg.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1)
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string to_hex(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() * 2);
  boost::algorithm::hex_lower(raw.begin(), raw.end(), std::back_inserter(out));
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  try {
    boost::algorithm::unhex(hex.begin(), hex.end(), std::back_inserter(out));
  } catch (const boost::algorithm::hex_decode_error&) {
    return std::nullopt;
  }
  return out;
}

std::string to_base64(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> from_base64(std::string_view b64) {
  if (b64.size() % 4 != 0) return std::nullopt;
  // EVP_DecodeBlock skips leading/trailing whitespace and does not report
  // padding; accept only the strict alphabet and up to two trailing '='.
  std::size_t pad = 0;
  while (pad < 2 && pad < b64.size() && b64[b64.size() - 1 - pad] == '=')
    ++pad;
  for (std::size_t i = 0; i + pad < b64.size(); ++i) {
    char c = b64[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!ok) return std::nullopt;
  }
  std::string out(b64.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace adbatch::platforms
