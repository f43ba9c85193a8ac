#include "sim/meta/batch_refs.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>

namespace adbatch::sim::meta {

namespace json = boost::json;

namespace {

constexpr std::string_view marker = "{result=";

void walk(const json::value& v, const std::vector<std::string>& toks,
          std::size_t i, std::vector<std::string>& out) {
  if (i == toks.size()) {
    if (v.is_string()) out.emplace_back(v.as_string());
    else if (v.is_array())
      for (const auto& e : v.as_array()) walk(e, toks, i, out);
    else if (!v.is_null() && !v.is_object()) out.push_back(json::serialize(v));
    return;
  }
  const auto& t = toks[i];
  if (t == "*") {
    if (v.is_array())
      for (const auto& e : v.as_array()) walk(e, toks, i + 1, out);
    else if (v.is_object())
      for (const auto& [k, e] : v.as_object()) walk(e, toks, i + 1, out);
    return;
  }
  if (v.is_array()) {
    std::size_t idx = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), idx);
    if (ec == std::errc{} && p == t.data() + t.size() && idx < v.as_array().size())
      walk(v.as_array()[idx], toks, i + 1, out);
    return;
  }
  if (v.is_object())
    if (auto p = v.as_object().if_contains(t)) walk(*p, toks, i + 1, out);
}

} // namespace

std::vector<std::string> eval_jsonpath(const json::value& v, std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path[0] != '$') return out;
  std::vector<std::string> toks;
  std::string cur;
  for (std::size_t i = 1; i < path.size(); ++i) {
    char c = path[i];
    if (c == '.' || c == '[' || c == ']') {
      if (!cur.empty()) toks.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) toks.push_back(cur);
  walk(v, toks, 0, out);
  return out;
}

std::set<std::string> referenced_names(std::string_view s) {
  std::set<std::string> names;
  for (auto pos = s.find(marker); pos != std::string_view::npos;
       pos = s.find(marker, pos + 1)) {
    auto colon = s.find(':', pos);
    if (colon != std::string_view::npos)
      names.emplace(s.substr(pos + marker.size(), colon - pos - marker.size()));
  }
  return names;
}

std::optional<std::string> substitute_results(std::string_view s,
                                              const result_lookup& lookup,
                                              std::string& error) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    auto b = s.find(marker, pos);
    if (b == std::string_view::npos) break;
    auto e = s.find('}', b);
    auto colon = s.find(':', b);
    if (e == std::string_view::npos || colon == std::string_view::npos || colon > e) {
      error = "malformed {result=} reference";
      return std::nullopt;
    }
    std::string name(s.substr(b + marker.size(), colon - b - marker.size()));
    auto path = s.substr(colon + 1, e - colon - 1);
    const auto* answer = lookup(name);
    if (!answer) {
      error = "the referenced operation (" + name + ") did not succeed";
      return std::nullopt;
    }
    auto values = eval_jsonpath(*answer, path);
    if (values.empty()) {
      error = "the JSONPath " + std::string(path) + " matched nothing in " + name;
      return std::nullopt;
    }
    out.append(s.substr(pos, b - pos));
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) out += ',';
      out += values[i];
    }
    pos = e + 1;
  }
  out.append(s.substr(pos));
  return out;
}

} // namespace adbatch::sim::meta
