#include "sim/meta/field_spec.hpp"

#include <cctype>

namespace adbatch::sim::meta {

namespace {

class parser {
public:
  explicit parser(std::string_view s) : s_(s) {}

  std::optional<field_list> list(std::string& error, bool nested) {
    field_list out;
    skip_ws();
    if (at_end() || (nested && peek() == '}')) return out;
    for (;;) {
      auto f = field(error);
      if (!f) return std::nullopt;
      out.push_back(std::move(*f));
      skip_ws();
      if (at_end()) {
        if (nested) {
          error = "unbalanced '{'";
          return std::nullopt;
        }
        return out;
      }
      if (peek() == ',') {
        ++pos_;
        skip_ws();
        if (!at_end() && peek() == ',') continue;  // tolerate ",,"
        continue;
      }
      if (peek() == '}') {
        if (!nested) {
          error = "unexpected '}'";
          return std::nullopt;
        }
        return out;
      }
      error = std::string("unexpected '") + peek() + "'";
      return std::nullopt;
    }
  }

  bool at_end() const { return pos_ >= s_.size(); }

private:
  char peek() const { return s_[pos_]; }

  void skip_ws() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(peek())))
      ++pos_;
  }

  std::string ident() {
    std::string out;
    while (!at_end()) {
      char c = peek();
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
        out += c;
        ++pos_;
      } else {
        break;
      }
    }
    return out;
  }

  std::optional<field_spec> field(std::string& error) {
    skip_ws();
    field_spec f;
    f.name = ident();
    if (f.name.empty()) {
      error = at_end() ? "empty field name"
                       : std::string("unexpected '") + peek() + "'";
      return std::nullopt;
    }
    skip_ws();
    while (!at_end() && peek() == '.') {
      ++pos_;
      auto mod = ident();
      if (mod.empty() || at_end() || peek() != '(') {
        error = "malformed modifier on " + f.name;
        return std::nullopt;
      }
      ++pos_;
      // Argument up to the matching ')', allowing nested parens/braces
      // (time_range({'since':...}) ).
      int depth = 1;
      std::string arg;
      while (!at_end()) {
        char c = peek();
        if (c == '(') ++depth;
        if (c == ')' && --depth == 0) break;
        arg += c;
        ++pos_;
      }
      if (at_end()) {
        error = "unbalanced '(' on " + f.name;
        return std::nullopt;
      }
      ++pos_;  // ')'
      f.modifiers[mod] = arg;
      skip_ws();
    }
    if (!at_end() && peek() == '{') {
      ++pos_;
      auto kids = list(error, true);
      if (!kids) return std::nullopt;
      if (at_end() || peek() != '}') {
        error = "unbalanced '{' on " + f.name;
        return std::nullopt;
      }
      ++pos_;
      f.children = std::move(*kids);
    }
    return f;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

} // namespace

std::optional<field_list> parse_fields(std::string_view text,
                                       std::string& error) {
  parser p{text};
  return p.list(error, false);
}

std::string render_fields(const field_list& fields) {
  std::string out;
  for (const auto& f : fields) {
    if (!out.empty()) out += ',';
    out += f.name;
    for (const auto& [k, v] : f.modifiers) out += "." + k + "(" + v + ")";
    if (f.children) out += "{" + render_fields(*f.children) + "}";
  }
  return out;
}

} // namespace adbatch::sim::meta
