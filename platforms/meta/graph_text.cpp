#include "platforms/meta/graph_text.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace adbatch::platforms::meta {

namespace json = boost::json;

std::string pct_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                      c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string pct_decode(std::string_view s) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && nibble(s[i + 1]) >= 0 &&
               nibble(s[i + 2]) >= 0) {
      out += static_cast<char>(nibble(s[i + 1]) * 16 + nibble(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string form_encode(const param_pairs& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += pct_encode(k);
    out += '=';
    out += pct_encode(v);
  }
  return out;
}

param_pairs parse_form(std::string_view s) {
  param_pairs out;
  std::size_t i = 0;
  while (i <= s.size()) {
    auto j = s.find('&', i);
    if (j == std::string_view::npos) j = s.size();
    auto piece = s.substr(i, j - i);
    if (!piece.empty()) {
      auto eq = piece.find('=');
      if (eq == std::string_view::npos)
        out.emplace_back(pct_decode(piece), "");
      else
        out.emplace_back(pct_decode(piece.substr(0, eq)),
                         pct_decode(piece.substr(eq + 1)));
    }
    i = j + 1;
  }
  return out;
}

void sanitize_result(json::value& v) {
  if (auto* o = v.if_object()) {
    o->erase("access_token");
    if (auto* paging = o->if_contains("paging"))
      if (auto* p = paging->if_object()) {
        bool next = p->erase("next") > 0;
        bool previous = p->erase("previous") > 0;
        (*p)["has_next"] = next;
        (*p)["has_previous"] = previous;
      }
    for (auto& kv : *o)
      sanitize_result(kv.value());
  } else if (auto* a = v.if_array()) {
    for (auto& e : *a)
      sanitize_result(e);
  }
}

} // namespace adbatch::platforms::meta
