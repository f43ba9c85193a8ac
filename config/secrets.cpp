// Resolving secret references. Values are read once, at load time, and
// never appear in a message: errors name the reference only.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/detail.hpp"

namespace adbatch::config::detail {

namespace {

/// Files written by editors or `echo` end in a newline that is not part of
/// the secret.
void strip_trailing_newlines(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
}

} // namespace

std::variant<secret, std::string> resolve_secret(std::string_view reference,
                                                 const environment& env) {
  std::string ref{trim(reference)};
  if (ref.starts_with("env:")) {
    auto name = ref.substr(4);
    if (name.empty())
      return std::string{"secret reference \"env:\" names no variable"};
    auto it = env.find(name);
    if (it == env.end())
      return "environment variable " + name
             + " is not set (secret reference " + quote(ref) + ")";
    if (it->second.empty())
      return "environment variable " + name
             + " is empty (secret reference " + quote(ref) + ")";
    return secret{ref, it->second};
  }
  if (ref.starts_with("file:")) {
    auto path = ref.substr(5);
    if (path.empty())
      return std::string{"secret reference \"file:\" names no file"};
    std::ifstream in{path, std::ios::binary};
    if (!in) {
      auto why = std::strerror(errno);
      return "cannot read secret file " + quote(path) + ": " + why;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad())
      return "cannot read secret file " + quote(path);
    auto value = std::move(buf).str();
    strip_trailing_newlines(value);
    if (value.empty())
      return "secret file " + quote(path) + " is empty";
    return secret{ref, std::move(value)};
  }
  // Deliberately no quote of the text: it may be the secret itself.
  return std::string{"must be a secret reference (\"env:NAME\" or "
                     "\"file:/path\"); literal secrets are not allowed in "
                     "the config file"};
}

} // namespace adbatch::config::detail

namespace adbatch::config {

result<secret> resolve(const secret_ref& ref, const environment& env) {
  auto r = detail::resolve_secret(ref.reference, env);
  if (auto* msg = std::get_if<std::string>(&r))
    return config_error{"", 0, "", std::move(*msg)};
  return std::get<secret>(std::move(r));
}

} // namespace adbatch::config

namespace adbatch::config {

std::optional<std::string> decode_credentials_key(std::string_view text) {
  constexpr std::size_t key_bytes = 32;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  std::string out;
  if (text.size() == 2 * key_bytes) {
    for (std::size_t i = 0; i < text.size(); i += 2) {
      int hi = hex(text[i]), lo = hex(text[i + 1]);
      if (hi < 0 || lo < 0) {
        out.clear();
        break;
      }
      out += static_cast<char>(hi * 16 + lo);
    }
    if (out.size() == key_bytes)
      return out;
  }
  // Base64: 43 significant characters carry 32 bytes (plus one '=' when
  // padded). Standard (+/) and URL-safe (-_) alphabets are both accepted.
  auto b64 = [](char c) -> int {
    if (c >= 'A' && c <= 'Z')
      return c - 'A';
    if (c >= 'a' && c <= 'z')
      return c - 'a' + 26;
    if (c >= '0' && c <= '9')
      return c - '0' + 52;
    if (c == '+' || c == '-')
      return 62;
    if (c == '/' || c == '_')
      return 63;
    return -1;
  };
  if (text.size() == 44 && text.back() == '=')
    text.remove_suffix(1);
  if (text.size() != 43)
    return std::nullopt;
  out.clear();
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = b64(c);
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // The 2 bits left over must be zero (canonical encoding).
  if (out.size() != key_bytes || (acc & ((1u << bits) - 1)) != 0)
    return std::nullopt;
  return out;
}

} // namespace adbatch::config
