#pragma once

// How each platform signs webhook deliveries and proves endpoint ownership
// (platform-contracts.md §1.3, §2, §4.4, §5, §6, §8). Pure: no I/O, no clock.

#include "platforms/common/crypto.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adbatch::sim::webhooks {

/// The platforms whose webhook deliveries the simulator sends.
enum class source { meta, whatsapp, tiktok, twitter, linkedin };

/// "meta", "whatsapp", "tiktok", "twitter" (also "x"), "linkedin".
std::optional<source> source_from_name(std::string_view name);
std::string_view name_of(source s);

// HMAC-SHA256, hex and base64 are shared with the node
// (platforms/common/crypto.hpp).
using platforms::hmac_sha256;
using platforms::to_base64;
using platforms::to_hex;

using header_list = std::vector<std::pair<std::string, std::string>>;

/// The signature header(s) a platform attaches to a delivery of `body`:
/// - meta, whatsapp: `X-Hub-Signature-256: sha256=<hex HMAC(secret, body)>`
/// - tiktok: `TikTok-Signature: t=<unix_time>,s=<hex HMAC(secret, "<t>." + body)>`
/// - twitter: `x-twitter-webhooks-signature: sha256=<base64 HMAC(secret, body)>`
/// - linkedin: `X-LI-Signature: <hex HMAC(secret, "hmacsha256=" + body)>`
header_list signature_headers(source s, std::string_view secret,
                              std::string_view body, std::int64_t unix_time);

/// An ownership check sent before deliveries (none for TikTok).
struct handshake {
  std::string query;     ///< appended to the target URL's query
  std::string expected;  ///< the value the receiver must give back
};

/// The handshake a platform sends. `nonce` makes the challenge unique.
/// - meta, whatsapp: `hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<t>`,
///   expects the challenge echoed as the body;
/// - twitter: `crc_token=<t>`, expects JSON `{"response_token":"sha256=<base64 HMAC(secret, t)>"}`;
/// - linkedin: `challengeCode=<c>&applicationId=<id>`, expects JSON
///   `{"challengeCode":c,"challengeResponse":"<hex HMAC(secret, c)>"}`.
std::optional<handshake> make_handshake(source s, std::string_view secret,
                                        std::string_view verify_token,
                                        std::uint64_t nonce);

/// Whether the receiver's answer to a handshake is the one the platform
/// accepts (status 200 and the expected value in the expected place).
bool handshake_accepted(source s, const handshake& h, int status,
                        std::string_view body);

} // namespace adbatch::sim::webhooks
