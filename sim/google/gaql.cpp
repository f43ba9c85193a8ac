#include "sim/google/gaql.hpp"

#include <cctype>
#include <charconv>

namespace adbatch::sim::google {

namespace {

struct token {
  enum class kind { word, number, string, symbol, end };
  kind k = kind::end;
  std::string text;
  std::size_t pos = 0;
};

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

/// Tokenizer + recursive-descent parser in one small class.
class parser {
public:
  explicit parser(std::string_view s) : s_(s) {}

  std::variant<gaql_query, gaql_error> run() {
    gaql_query q;
    if (!lex()) return err_;
    if (!keyword("SELECT"))
      return fail("EXPECTED_SELECT",
                  "Expected SELECT at the start of the query.");
    do {
      auto f = field();
      if (!f) return err_;
      q.select.push_back(*f);
    } while (symbol(","));
    if (!keyword("FROM")) {
      if (at_end())
        return fail("UNEXPECTED_END_OF_QUERY",
                    "Query ended unexpectedly, expected FROM.");
      return fail("EXPECTED_FROM",
                  "Expected FROM clause, found '" + cur().text + "'.");
    }
    if (cur().k != token::kind::word)
      return fail(at_end() ? "UNEXPECTED_END_OF_QUERY"
                           : "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE",
                  "Expected a resource name after FROM.");
    q.from = next().text;
    if (keyword("WHERE")) {
      do {
        auto c = condition();
        if (!c) return err_;
        q.where.push_back(std::move(*c));
      } while (keyword("AND"));
    }
    if (keyword("ORDER")) {
      if (!keyword("BY"))
        return fail("EXPECTED_BY", "Expected BY after ORDER.");
      do {
        auto f = field();
        if (!f) return err_;
        gaql_ordering o{*f, false};
        if (keyword("DESC"))
          o.descending = true;
        else
          keyword("ASC");
        q.order_by.push_back(o);
      } while (symbol(","));
    }
    if (keyword("LIMIT")) {
      if (cur().k != token::kind::number)
        return fail("BAD_LIMIT_VALUE",
                    "LIMIT must be followed by a positive integer.");
      const auto& text = next().text;
      long long n = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc{} || p != text.data() + text.size())
        return fail("BAD_LIMIT_VALUE",
                    "LIMIT must be a positive 64-bit integer.");
      if (n <= 0)
        return fail("LIMIT_VALUE_TOO_LOW", "LIMIT must be greater than 0.");
      q.limit = n;
    }
    if (keyword("PARAMETERS")) {
      // e.g. PARAMETERS include_drafts=true,
      // omit_unselected_resource_names=true
      do {
        if (cur().k != token::kind::word)
          return fail("BAD_PARAMETER_NAME", "Expected a parameter name.");
        next();
        if (!symbol("="))
          return fail("BAD_PARAMETER_VALUE",
                      "Expected '=' after the parameter name.");
        if (at_end())
          return fail("UNEXPECTED_END_OF_QUERY", "Query ended unexpectedly.");
        next();
      } while (symbol(","));
    }
    if (!at_end())
      return fail("UNEXPECTED_INPUT", "Unexpected input '" + cur().text + "'.");
    return q;
  }

private:
  gaql_error fail(std::string code, std::string msg) {
    err_ = {std::move(code), std::move(msg)};
    return err_;
  }

  bool lex() {
    std::size_t i = 0;
    while (i < s_.size()) {
      char c = s_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      token t;
      t.pos = i;
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        while (i < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[i])) ||
                s_[i] == '_' || s_[i] == '.'))
          t.text += s_[i++];
        t.k = token::kind::word;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '-' && i + 1 < s_.size() &&
                  std::isdigit(static_cast<unsigned char>(s_[i + 1])))) {
        t.text += s_[i++];
        while (
            i < s_.size() &&
            (std::isdigit(static_cast<unsigned char>(s_[i])) || s_[i] == '.'))
          t.text += s_[i++];
        t.k = token::kind::number;
      } else if (c == '\'' || c == '"') {
        ++i;
        bool closed = false;
        while (i < s_.size()) {
          if (s_[i] == '\\' && i + 1 < s_.size()) {
            t.text += s_[i + 1];
            i += 2;
            continue;
          }
          if (s_[i] == c) {
            closed = true;
            ++i;
            break;
          }
          if (s_[i] == '\n') {
            fail("PROHIBITED_NEWLINE_IN_STRING",
                 "Newlines are not allowed in string literals.");
            return false;
          }
          t.text += s_[i++];
        }
        if (!closed) {
          fail("STRING_NOT_TERMINATED", "String literal is not terminated.");
          return false;
        }
        t.k = token::kind::string;
      } else if (c == '!' || c == '>' || c == '<' || c == '=') {
        t.text += s_[i++];
        if (i < s_.size() && s_[i] == '=') t.text += s_[i++];
        if (t.text == "!") {
          fail("BAD_SYMBOL", "Unexpected symbol '!'.");
          return false;
        }
        t.k = token::kind::symbol;
      } else if (c == ',' || c == '(' || c == ')') {
        t.text = std::string(1, c);
        ++i;
        t.k = token::kind::symbol;
      } else {
        fail("BAD_SYMBOL", std::string("Unexpected symbol '") + c + "'.");
        return false;
      }
      toks_.push_back(std::move(t));
    }
    toks_.push_back(token{token::kind::end, "", s_.size()});
    return true;
  }

  const token& cur() const { return toks_[pos_]; }
  const token& next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  bool at_end() const { return cur().k == token::kind::end; }

  bool keyword(std::string_view kw) {
    if (cur().k == token::kind::word && upper(cur().text) == kw) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool symbol(std::string_view sym) {
    if (cur().k == token::kind::symbol && cur().text == sym) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<std::string> field() {
    if (at_end()) {
      fail("UNEXPECTED_END_OF_QUERY",
           "Query ended unexpectedly, expected a field.");
      return std::nullopt;
    }
    if (cur().k != token::kind::word ||
        cur().text.find('.') == std::string::npos || cur().text.back() == '.') {
      fail("BAD_FIELD_NAME", "Invalid field name '" + cur().text + "'.");
      return std::nullopt;
    }
    return next().text;
  }

  std::optional<gaql_value> single_value() {
    gaql_value v;
    switch (cur().k) {
    case token::kind::number:
      v.t = gaql_value::type::number;
      break;
    case token::kind::string:
      v.t = gaql_value::type::string;
      break;
    case token::kind::word:
      v.t = gaql_value::type::identifier;
      break;
    case token::kind::end:
      fail("UNEXPECTED_END_OF_QUERY",
           "Query ended unexpectedly, expected a value.");
      return std::nullopt;
    default:
      fail("BAD_VALUE", "Invalid value '" + cur().text + "'.");
      return std::nullopt;
    }
    v.text = next().text;
    return v;
  }

  std::optional<gaql_value> list_value() {
    if (!symbol("(")) {
      fail("EXPECTED_LIST", "Expected a parenthesised list of values.");
      return std::nullopt;
    }
    gaql_value v;
    v.t = gaql_value::type::list;
    if (symbol(")")) {
      fail("PROHIBITED_EMPTY_LIST_IN_CONDITION",
           "Empty lists are not allowed.");
      return std::nullopt;
    }
    do {
      auto e = single_value();
      if (!e) return std::nullopt;
      v.items.push_back(std::move(*e));
    } while (symbol(","));
    if (!symbol(")")) {
      fail(at_end() ? "UNEXPECTED_END_OF_QUERY" : "BAD_SYMBOL",
           "Expected ')' to close the list.");
      return std::nullopt;
    }
    return v;
  }

  std::optional<gaql_condition> condition() {
    auto f = field();
    if (!f) return std::nullopt;
    gaql_condition c;
    c.field = *f;
    if (cur().k == token::kind::symbol && cur().text != "," &&
        cur().text != "(" && cur().text != ")") {
      c.op = next().text;
      if (c.op == "=" || c.op == "!=" || c.op == ">" || c.op == ">=" ||
          c.op == "<" || c.op == "<=") {
        auto v = single_value();
        if (!v) return std::nullopt;
        c.value = std::move(*v);
        return c;
      }
      fail("BAD_OPERATOR", "Invalid operator '" + c.op + "'.");
      return std::nullopt;
    }
    bool negated = keyword("NOT");
    if (keyword("IN")) {
      c.op = negated ? "NOT IN" : "IN";
      auto v = list_value();
      if (!v) return std::nullopt;
      c.value = std::move(*v);
      return c;
    }
    if (keyword("LIKE") || keyword("REGEXP_MATCH")) {
      c.op = upper(toks_[pos_ - 1].text);
      if (negated) c.op = "NOT " + c.op;
      if (cur().k != token::kind::string) {
        fail("INVALID_VALUE_WITH_LIKE_OPERATOR",
             "Expected a string after " + c.op + ".");
        return std::nullopt;
      }
      c.value = *single_value();
      return c;
    }
    if (negated) {
      fail("BAD_OPERATOR", "Expected IN, LIKE or REGEXP_MATCH after NOT.");
      return std::nullopt;
    }
    if (keyword("CONTAINS")) {
      if (keyword("ANY"))
        c.op = "CONTAINS ANY";
      else if (keyword("ALL"))
        c.op = "CONTAINS ALL";
      else if (keyword("NONE"))
        c.op = "CONTAINS NONE";
      else {
        fail("BAD_OPERATOR", "Expected ANY, ALL or NONE after CONTAINS.");
        return std::nullopt;
      }
      auto v = list_value();
      if (!v) return std::nullopt;
      c.value = std::move(*v);
      return c;
    }
    if (keyword("IS")) {
      bool neg = keyword("NOT");
      if (!keyword("NULL")) {
        fail("BAD_OPERATOR", "Expected NULL after IS.");
        return std::nullopt;
      }
      c.op = neg ? "IS NOT NULL" : "IS NULL";
      return c;
    }
    if (keyword("DURING")) {
      c.op = "DURING";
      if (cur().k != token::kind::word) {
        fail("INVALID_VALUE_WITH_DURING_OPERATOR",
             "Expected a date range constant after DURING.");
        return std::nullopt;
      }
      c.value = *single_value();
      return c;
    }
    if (keyword("BETWEEN")) {
      c.op = "BETWEEN";
      auto a = single_value();
      if (!a) return std::nullopt;
      if (!keyword("AND")) {
        fail("EXPECTED_AND", "Expected AND in BETWEEN condition.");
        return std::nullopt;
      }
      auto b = single_value();
      if (!b) return std::nullopt;
      c.value.t = gaql_value::type::list;
      c.value.items = {std::move(*a), std::move(*b)};
      return c;
    }
    if (at_end())
      fail("UNEXPECTED_END_OF_QUERY",
           "Query ended unexpectedly, expected an operator.");
    else
      fail("BAD_OPERATOR", "Invalid operator '" + cur().text + "'.");
    return std::nullopt;
  }

  std::string_view s_;
  std::vector<token> toks_;
  std::size_t pos_ = 0;
  gaql_error err_;
};

} // namespace

std::variant<gaql_query, gaql_error> parse_gaql(std::string_view text) {
  parser p{text};
  return p.run();
}

} // namespace adbatch::sim::google
