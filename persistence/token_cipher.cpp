#include "persistence/token_cipher.hpp"

#include <limits>
#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace adbatch::persistence {

namespace {

struct ctx_deleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ctx_deleter>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

bool fits_int(std::size_t n) {
  return n <= static_cast<std::size_t>(std::numeric_limits<int>::max());
}

db_error credential(std::string message) {
  return make_error(error_code::credential_error, std::move(message));
}

/// Overwrites a string's bytes before it is freed.
void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

} // namespace

result<token_cipher>
token_cipher::create(std::map<std::string, std::string> keys,
                     std::string active_key_id) {
  token_cipher out;
  for (auto& [id, key] : keys) {
    if (id.empty()) {
      for (auto& kv : keys)
        wipe(kv.second);
      return make_error(error_code::invalid_argument, "a key id is empty");
    }
    if (key.size() != key_size) {
      const auto got = key.size();
      for (auto& kv : keys)
        wipe(kv.second);
      return make_error(error_code::invalid_argument,
                        "key '" + id + "' must be 32 bytes, got " +
                            std::to_string(got));
    }
  }
  if (!active_key_id.empty() && !keys.count(active_key_id)) {
    for (auto& kv : keys)
      wipe(kv.second);
    return make_error(error_code::invalid_argument,
                      "the active key '" + active_key_id +
                          "' is not among the configured keys");
  }
  if (active_key_id.empty() && !keys.empty()) {
    for (auto& kv : keys)
      wipe(kv.second);
    return make_error(error_code::invalid_argument,
                      "keys are configured but no active key is named");
  }
  for (auto& [id, key] : keys) {
    out.keys_.emplace(id, key);
    wipe(key);
  }
  out.active_ = std::move(active_key_id);
  return out;
}

token_cipher::~token_cipher() {
  for (auto& kv : keys_)
    wipe(kv.second);
}

bool token_cipher::has_key(std::string_view key_id) const {
  return keys_.find(key_id) != keys_.end();
}

result<sealed_token> token_cipher::seal(std::string_view plaintext,
                                        std::string_view aad) const {
  if (active_.empty())
    return make_error(error_code::invalid_argument,
                      "no token encryption key is configured "
                      "(credentials.active_key); cannot store a token");
  if (plaintext.empty())
    return make_error(error_code::invalid_argument, "the token is empty");
  if (!fits_int(plaintext.size()) || !fits_int(aad.size()))
    return make_error(error_code::invalid_argument, "the token is too long");
  const auto& key = keys_.find(active_)->second;
  sealed_token out;
  out.key_id = active_;
  out.nonce.resize(nonce_size);
  if (RAND_bytes(bytes(out.nonce), static_cast<int>(nonce_size)) != 1)
    return make_error(error_code::storage_error,
                      "the random generator cannot produce a nonce");
  ctx_ptr ctx{EVP_CIPHER_CTX_new()};
  if (!ctx) return make_error(error_code::storage_error, "out of memory");
  int len = 0;
  out.ciphertext.resize(plaintext.size() + tag_size);
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr,
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN,
                          static_cast<int>(nonce_size), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key),
                         bytes(out.nonce)) != 1 ||
      (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad),
                                         static_cast<int>(aad.size())) != 1) ||
      EVP_EncryptUpdate(ctx.get(), bytes(out.ciphertext), &len,
                        bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1)
    return make_error(error_code::storage_error,
                      "AES-256-GCM encryption failed (key '" + active_ + "')");
  int total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), bytes(out.ciphertext) + total, &len) != 1)
    return make_error(error_code::storage_error,
                      "AES-256-GCM encryption failed (key '" + active_ + "')");
  total += len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG,
                          static_cast<int>(tag_size),
                          bytes(out.ciphertext) + total) != 1)
    return make_error(error_code::storage_error,
                      "AES-256-GCM cannot produce the tag (key '" + active_ +
                          "')");
  out.ciphertext.resize(static_cast<std::size_t>(total) + tag_size);
  return out;
}

result<std::string> token_cipher::open(const sealed_token& sealed,
                                       std::string_view aad) const {
  auto it = keys_.find(sealed.key_id);
  if (it == keys_.end())
    return credential("the token is sealed with key '" + sealed.key_id +
                      "', which is not configured (credentials.keys)");
  if (sealed.nonce.size() != nonce_size ||
      sealed.ciphertext.size() < tag_size ||
      !fits_int(sealed.ciphertext.size()) || !fits_int(aad.size()))
    return credential("the token sealed with key '" + sealed.key_id +
                      "' is malformed (nonce or ciphertext length)");
  const auto body = sealed.ciphertext.size() - tag_size;
  std::string plain(body, '\0');
  std::string tag = sealed.ciphertext.substr(body);
  ctx_ptr ctx{EVP_CIPHER_CTX_new()};
  if (!ctx) return make_error(error_code::storage_error, "out of memory");
  int len = 0;
  auto fail = [&] {
    wipe(plain);
    return credential("the token sealed with key '" + sealed.key_id +
                      "' fails authentication (a different key under that "
                      "id, or the stored bytes were altered or moved)");
  };
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr,
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN,
                          static_cast<int>(nonce_size), nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(it->second),
                         bytes(sealed.nonce)) != 1 ||
      (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad),
                                         static_cast<int>(aad.size())) != 1) ||
      EVP_DecryptUpdate(ctx.get(), bytes(plain), &len, bytes(sealed.ciphertext),
                        static_cast<int>(body)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG,
                          static_cast<int>(tag_size), bytes(tag)) != 1)
    return fail();
  int total = len;
  // The tag is checked here; nothing decrypted is used before it passes.
  if (EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + total, &len) != 1)
    return fail();
  total += len;
  plain.resize(static_cast<std::size_t>(total));
  return plain;
}

} // namespace adbatch::persistence
