#pragma once

// Byte helpers the node and the simulators share: HMAC-SHA256, hex, base64
// and constant-time comparison. Thin wrappers over OpenSSL and Boost; no
// hand-written crypto or codecs.

#include <optional>
#include <string>
#include <string_view>

namespace adbatch::platforms {

/// Raw HMAC-SHA256 (32 bytes) over `msg` with `key` (OpenSSL EVP_MAC). An
/// empty key is allowed. Throws std::runtime_error if OpenSSL fails.
std::string hmac_sha256(std::string_view key, std::string_view msg);

/// Lower-case hex of raw bytes.
std::string to_hex(std::string_view raw);
/// Raw bytes of a hex string (either case); nullopt if `hex` has an odd
/// length or a non-hex character.
std::optional<std::string> from_hex(std::string_view hex);

/// Standard base64 (RFC 4648 §4, with padding) of raw bytes.
std::string to_base64(std::string_view raw);
/// Raw bytes of standard, padded base64; nullopt if `b64` is not that (bad
/// length, bad character, misplaced padding).
std::optional<std::string> from_base64(std::string_view b64);

/// Whether `a` and `b` are equal, in time that depends only on their lengths
/// (CRYPTO_memcmp): for comparing signatures and tokens.
bool equal_constant_time(std::string_view a, std::string_view b);

} // namespace adbatch::platforms
