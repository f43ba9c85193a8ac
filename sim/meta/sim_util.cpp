#include "sim/meta/sim_util.hpp"

#include "platforms/common/crypto.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <charconv>
#include <cstdio>

namespace adbatch::sim::detail {

namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
         || (c >= 'A' && c <= 'F');
}

// Characters RFC 3986 allows unescaped in a query, plus the delimiters.
bool query_safe(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
      || (c >= '0' && c <= '9'))
    return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case '!': case '$': case '&':
    case '\'': case '(': case ')': case '*': case '+': case ',': case ';':
    case '=': case ':': case '@': case '/': case '?':
      return true;
    default:
      return false;
  }
}

} // namespace

std::uint64_t stable_hash(std::uint64_t seed, std::string_view a,
                          std::string_view b, std::string_view c) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ splitmix(seed);
  auto mix = [&h](std::string_view s) {
    for (unsigned char ch : s) {
      h ^= ch;
      h *= 0x100000001b3ULL;
    }
    h ^= 0xff;  // separator so ("ab","c") != ("a","bc")
    h *= 0x100000001b3ULL;
  };
  mix(a);
  mix(b);
  mix(c);
  return splitmix(h);
}

param_list parse_params(std::string_view s) {
  // Escape what boost::url would reject, so sloppy clients still parse.
  std::string clean;
  clean.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()
        && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      clean += c;
    } else if (c != '%' && query_safe(c)) {
      clean += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      clean += buf;
    }
  }
  param_list out;
  if (clean.empty()) return out;
  auto parsed = boost::urls::parse_query(clean);
  if (!parsed) return out;
  boost::urls::encoding_opts opt;
  opt.space_as_plus = true;
  for (auto p : *parsed) {
    if (p.key.empty() && !p.has_value) continue;
    out.emplace_back(valid_utf8(p.key.decode(opt)), valid_utf8(p.value.decode(opt)));
  }
  return out;
}

std::optional<std::string> find_param(const param_list& params,
                                      std::string_view key) {
  std::optional<std::string> found;
  for (const auto& [k, v] : params)
    if (k == key) found = v;
  return found;
}

std::string encode_params(const param_list& params) {
  std::string out;
  boost::urls::encoding_opts opt;
  opt.space_as_plus = false;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += boost::urls::encode(k, boost::urls::unreserved_chars, opt);
    out += '=';
    out += boost::urls::encode(v, boost::urls::unreserved_chars, opt);
  }
  return out;
}

std::string encode_cursor(std::int64_t offset) {
  return platforms::to_base64("simcursor:" + std::to_string(offset));
}

std::optional<std::int64_t> decode_cursor(std::string_view cursor) {
  if (cursor.size() > 64)
    return std::nullopt;
  auto raw = platforms::from_base64(cursor);
  if (!raw)
    return std::nullopt;
  const std::string& out = *raw;
  std::string_view v{out};
  constexpr std::string_view prefix = "simcursor:";
  if (v.substr(0, prefix.size()) != prefix) return std::nullopt;
  v.remove_prefix(prefix.size());
  std::int64_t off = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), off);
  if (ec != std::errc{} || p != v.data() + v.size() || off < 0)
    return std::nullopt;
  return off;
}

// Howard Hinnant's civil-date algorithms.
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u",
                static_cast<int>(y + (m <= 2)), m, d);
  return buf;
}

std::optional<std::int64_t> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [](std::string_view part, auto& out) {
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc{} && p == part.data() + part.size();
  };
  if (!num(s.substr(0, 4), y) || !num(s.substr(5, 2), m)
      || !num(s.substr(8, 2), d))
    return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  auto days = days_from_civil(y, m, d);
  if (civil_from_days(days) != s) return std::nullopt;  // e.g. Feb 30
  return days;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3
                      : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    if (ok && len == 2) ok = c >= 0xc2;  // no overlong forms
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string hex_id(std::uint64_t h, std::size_t len) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  while (out.size() < len) {
    for (int i = 0; i < 16 && out.size() < len; ++i) {
      out += digits[h & 0xf];
      h >>= 4;
    }
    h = splitmix(h + out.size());
  }
  return out;
}

} // namespace adbatch::sim::detail
