// Small pieces of the config API: secrets' printing, lookups, error
// rendering and the scalar parsers shared by the file and environment paths.

#include "config/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include <boost/url/parse.hpp>

#include "config/detail.hpp"

extern char** environ;

namespace adbatch::config {

std::ostream& operator<<(std::ostream& os, const secret& s) {
  return os << s.reference();
}

namespace {

template <class Platforms>
auto find_platform(Platforms& p, std::string_view name) noexcept
  -> decltype(&p.meta) {
  // Exact table names only (the table's parser also takes "x").
  auto id = platforms::parse_platform_name(name);
  if (!id || platforms::name_of(*id) != name)
    return nullptr;
  switch (*id) {
  case platforms::platform_id::meta:
    return &p.meta;
  case platforms::platform_id::google:
    return &p.google;
  case platforms::platform_id::tiktok:
    return &p.tiktok;
  case platforms::platform_id::linkedin:
    return &p.linkedin;
  case platforms::platform_id::twitter:
    return &p.twitter;
  case platforms::platform_id::snapchat:
    return &p.snapchat;
  }
  return nullptr;
}

template <class Webhooks>
auto find_source(Webhooks& w, std::string_view name) noexcept
  -> decltype(&w.meta) {
  if (name == "meta")
    return &w.meta;
  if (name == "whatsapp")
    return &w.whatsapp;
  if (name == "tiktok")
    return &w.tiktok;
  if (name == "twitter")
    return &w.twitter;
  if (name == "linkedin")
    return &w.linkedin;
  return nullptr;
}

} // namespace

platform_config* platforms_config::find(std::string_view name) noexcept {
  return find_platform(*this, name);
}

const platform_config*
platforms_config::find(std::string_view name) const noexcept {
  return find_platform(*this, name);
}

webhook_platform_config*
webhooks_config::find(std::string_view name) noexcept {
  return find_source(*this, name);
}

const webhook_platform_config*
webhooks_config::find(std::string_view name) const noexcept {
  return find_source(*this, name);
}

std::string config_error::render() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0)
      out += ':' + std::to_string(line);
    out += ": ";
  }
  if (!key_path.empty())
    out += key_path + ": ";
  out += message;
  return out;
}

environment process_environment() {
  environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry{*e};
    auto eq = entry.find('=');
    if (eq == std::string_view::npos)
      continue;
    env.emplace(std::string{entry.substr(0, eq)},
                std::string{entry.substr(eq + 1)});
  }
  return env;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string t{detail::trim(text)};
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (t == "true" || t == "1" || t == "yes" || t == "on")
    return true;
  if (t == "false" || t == "0" || t == "no" || t == "off")
    return false;
  return std::nullopt;
}

namespace detail {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 80)) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  }
  if (s.size() > 80)
    out += "...";
  return out + '"';
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+')
    text.remove_prefix(1);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_duration(std::string_view text) {
  text = trim(text);
  if (auto plain = parse_int(text))
    return plain;
  if (text.empty())
    return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return std::nullopt;
  }
  auto n = parse_int(text.substr(0, text.size() - 1));
  if (!n || *n > std::numeric_limits<std::int64_t>::max() / unit
      || *n < std::numeric_limits<std::int64_t>::min() / unit)
    return std::nullopt;
  return *n * unit;
}

std::optional<std::string> check_range(std::int64_t v, std::int64_t min,
                                       std::int64_t max,
                                       std::string_view got) {
  if (v >= min && v <= max)
    return std::nullopt;
  std::string bound;
  if (max == std::numeric_limits<std::int64_t>::max())
    bound = min == 1 ? "must be > 0" : "must be >= " + std::to_string(min);
  else
    bound = "must be between " + std::to_string(min) + " and "
            + std::to_string(max);
  return bound + " (got " + std::string{got} + ")";
}

std::optional<std::string> check_base_url(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")
      || parsed->host().empty())
    return "must be an http:// or https:// URL with a host (got " + quote(url)
           + ")";
  return std::nullopt;
}

std::optional<std::string> closest_key(std::string_view key,
                                       std::span<const std::string> known) {
  // Levenshtein distance; suggest only when the typo is small relative to
  // the key, so "foo" does not become "flush_interval".
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
      row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                           diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  };
  std::optional<std::string> best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max();
  for (const auto& k : known) {
    auto d = distance(key, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  if (best && best_d <= std::max<std::size_t>(2, key.size() / 3))
    return best;
  return std::nullopt;
}

} // namespace detail

} // namespace adbatch::config
