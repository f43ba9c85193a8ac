#include "sim/webhooks/signing.hpp"

#include <cstdio>

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace adbatch::sim::webhooks {

namespace json = boost::json;

std::optional<source> source_from_name(std::string_view name) {
  if (name == "meta" || name == "facebook") return source::meta;
  if (name == "whatsapp") return source::whatsapp;
  if (name == "tiktok") return source::tiktok;
  if (name == "twitter" || name == "x") return source::twitter;
  if (name == "linkedin") return source::linkedin;
  return std::nullopt;
}

std::string_view name_of(source s) {
  switch (s) {
    case source::meta: return "meta";
    case source::whatsapp: return "whatsapp";
    case source::tiktok: return "tiktok";
    case source::twitter: return "twitter";
    case source::linkedin: return "linkedin";
  }
  return "unknown";
}

header_list signature_headers(source s, std::string_view secret,
                              std::string_view body, std::int64_t unix_time) {
  switch (s) {
    case source::meta:
    case source::whatsapp:
      return {{"X-Hub-Signature-256", "sha256=" + to_hex(hmac_sha256(secret, body))}};
    case source::tiktok: {
      auto t = std::to_string(unix_time);
      std::string msg = t + "." + std::string{body};
      return {{"TikTok-Signature", "t=" + t + ",s=" + to_hex(hmac_sha256(secret, msg))}};
    }
    case source::twitter:
      return {{"x-twitter-webhooks-signature",
               "sha256=" + to_base64(hmac_sha256(secret, body))}};
    case source::linkedin:
      return {{"X-LI-Signature",
               to_hex(hmac_sha256(secret, "hmacsha256=" + std::string{body}))}};
  }
  return {};
}

std::optional<handshake> make_handshake(source s, std::string_view secret,
                                        std::string_view verify_token,
                                        std::uint64_t nonce) {
  namespace urls = boost::urls;
  handshake h;
  switch (s) {
    case source::meta:
    case source::whatsapp: {
      // Meta's challenge is a large integer.
      auto challenge = std::to_string(1000000000ULL + nonce % 8999999999ULL);
      h.query = "hub.mode=subscribe&hub.challenge=" + challenge
                + "&hub.verify_token=" + urls::encode(verify_token, urls::unreserved_chars);
      h.expected = challenge;
      return h;
    }
    case source::twitter: {
      auto token = to_base64(hmac_sha256("crc", std::to_string(nonce))).substr(0, 32);
      h.query = "crc_token=" + urls::encode(token, urls::unreserved_chars);
      h.expected = "sha256=" + to_base64(hmac_sha256(secret, token));
      // Keep the token for the check: it is the part after "crc_token=".
      return h;
    }
    case source::linkedin: {
      // A UUID-shaped challenge code, as LinkedIn sends.
      auto raw = to_hex(hmac_sha256("challenge", std::to_string(nonce)));
      std::string code = raw.substr(0, 8) + "-" + raw.substr(8, 4) + "-4" + raw.substr(13, 3)
                         + "-a" + raw.substr(17, 3) + "-" + raw.substr(20, 12);
      h.query = "challengeCode=" + code + "&applicationId=sim" + std::to_string(nonce % 100000);
      h.expected = to_hex(hmac_sha256(secret, code));
      return h;
    }
    case source::tiktok:
      return std::nullopt;
  }
  return std::nullopt;
}

bool handshake_accepted(source s, const handshake& h, int status,
                        std::string_view body) {
  if (status != 200) return false;
  try {
    switch (s) {
      case source::meta:
      case source::whatsapp: {
        // The raw challenge; tolerate surrounding whitespace.
        auto b = body;
        while (!b.empty() && (b.back() == '\n' || b.back() == '\r' || b.back() == ' ')) b.remove_suffix(1);
        while (!b.empty() && (b.front() == ' ')) b.remove_prefix(1);
        return b == h.expected;
      }
      case source::twitter: {
        auto v = json::parse(body);
        auto* tok = v.as_object().if_contains("response_token");
        return tok && tok->is_string() && tok->as_string() == h.expected;
      }
      case source::linkedin: {
        auto v = json::parse(body);
        auto& o = v.as_object();
        auto code_start = h.query.find("challengeCode=") + 14;
        auto code = h.query.substr(code_start, h.query.find('&', code_start) - code_start);
        auto* c = o.if_contains("challengeCode");
        auto* r = o.if_contains("challengeResponse");
        return c && r && c->is_string() && r->is_string() && c->as_string() == code
               && r->as_string() == h.expected;
      }
      case source::tiktok:
        return true;
    }
  } catch (const std::exception&) {
    return false;  // not JSON / not an object
  }
  return false;
}

} // namespace adbatch::sim::webhooks
