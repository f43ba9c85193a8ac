#pragma once

// Encryption at rest of the platform tokens stored per connection:
// AES-256-GCM through OpenSSL EVP. Pure (no I/O, no CAF, no libpq); the
// storage actor seals a token before it reaches the backend and opens it
// after it comes back, so PostgreSQL only ever holds ciphertext.
//
// - Every seal draws a fresh 12-byte nonce (RAND_bytes) and uses the active
//   key; the 16-byte tag is appended to the ciphertext.
// - The additional authenticated data (AAD) is the connection id, so a
//   ciphertext copied onto another connection's row fails to open.
// - Several keys may be known at once (rotation): old ones open what they
//   sealed; rotate re-seals with the active one.
// - Errors never contain a token or a key, only the key id.

#include "persistence/result.hpp"
#include "persistence/types.hpp"

#include <map>
#include <string>
#include <string_view>

namespace adbatch::persistence {

/// Seals and opens tokens with a set of named 256-bit keys. Immutable after
/// construction, so one instance may be shared between threads.
class token_cipher {
public:
  /// Length of a key in bytes.
  static constexpr std::size_t key_size = 32;
  /// Length of a nonce in bytes.
  static constexpr std::size_t nonce_size = 12;
  /// Length of the authentication tag in bytes.
  static constexpr std::size_t tag_size = 16;

  /// No keys: seal answers invalid_argument, open credential_error.
  token_cipher() = default;

  /// `keys`: key id -> 32 raw bytes; `active_key_id` names the key new
  /// tokens are sealed with. invalid_argument when a key has the wrong
  /// size, an id is empty or the active id is not among the keys (an empty
  /// active id with no keys is allowed: nothing configured).
  static result<token_cipher> create(std::map<std::string, std::string> keys,
                                     std::string active_key_id);

  token_cipher(const token_cipher&) = default;
  token_cipher(token_cipher&&) noexcept = default;
  token_cipher& operator=(const token_cipher&) = default;
  token_cipher& operator=(token_cipher&&) noexcept = default;
  /// Wipes the key bytes.
  ~token_cipher();

  /// True when at least one key is configured.
  bool configured() const noexcept { return !keys_.empty(); }

  /// The id new tokens are sealed with ("" when none is configured).
  const std::string& active_key_id() const noexcept { return active_; }

  /// True when `key_id` is one of the configured keys.
  bool has_key(std::string_view key_id) const;

  /// Encrypts `plaintext` with the active key and a fresh nonce,
  /// authenticating `aad` (the connection id). invalid_argument when no
  /// key is configured or the plaintext is empty.
  result<sealed_token> seal(std::string_view plaintext,
                            std::string_view aad) const;

  /// Decrypts and authenticates. credential_error naming the key id when
  /// the key is unknown, the nonce or ciphertext is malformed, or the
  /// authentication fails (wrong key, wrong AAD, altered bytes).
  result<std::string> open(const sealed_token& sealed,
                           std::string_view aad) const;

private:
  std::map<std::string, std::string, std::less<>> keys_;
  std::string active_;
};

} // namespace adbatch::persistence
