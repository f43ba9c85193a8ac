#include "sim/linkedin/restli.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace adbatch::sim::restli {

namespace {

namespace urls = boost::urls;

// Recursive-descent parser over the still-encoded text. Delimiters are the
// raw characters `(`, `)`, `,`, `:`; every leaf is percent-decoded on its
// own, so encoded delimiters inside keys stay part of the key.
class parser {
public:
  explicit parser(std::string_view s) : s_(s) {}

  std::optional<value> parse_top(std::string* error) {
    auto v = parse_value(/*nested=*/false);
    if (v && pos_ != s_.size()) fail("unexpected text after value");
    if (!v || !error_.empty()) {
      if (error) *error = error_.empty() ? "malformed value" : error_;
      return std::nullopt;
    }
    return v;
  }

private:
  std::optional<value> parse_value(bool nested) {
    if (rest().substr(0, 5) == "List(") {
      pos_ += 5;
      return parse_list();
    }
    if (!at_end() && peek() == '(') {
      ++pos_;
      return parse_record();
    }
    auto leaf = parse_leaf(nested ? ",)" : "");
    if (!leaf) return std::nullopt;
    return value{std::move(*leaf)};
  }

  std::optional<value> parse_list() {
    list items;
    if (!at_end() && peek() == ')') {
      ++pos_;
      return value{std::move(items)};
    }
    for (;;) {
      auto item = parse_value(true);
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
      if (at_end()) return fail("unterminated List(");
      char c = s_[pos_++];
      if (c == ')') return value{std::move(items)};
      if (c != ',') return fail("expected ',' or ')' in List(");
    }
  }

  std::optional<value> parse_record() {
    record fields;
    if (!at_end() && peek() == ')') {
      ++pos_;
      return value{std::move(fields)};
    }
    for (;;) {
      auto key = parse_leaf(":");
      if (!key) return std::nullopt;
      if (at_end() || s_[pos_] != ':') return fail("expected ':' in record");
      ++pos_;
      auto v = parse_value(true);
      if (!v) return std::nullopt;
      fields.emplace_back(std::move(*key), std::move(*v));
      if (at_end()) return fail("unterminated record");
      char c = s_[pos_++];
      if (c == ')') return value{std::move(fields)};
      if (c != ',') return fail("expected ',' or ')' in record");
    }
  }

  // A leaf runs to one of `stops` at paren depth 0 (or to the end). A raw
  // `(` inside a leaf opens a balanced group so unencoded compound URNs such
  // as `urn:li:x:(urn:li:y:1,2)` stay one leaf.
  std::optional<std::string> parse_leaf(std::string_view stops) {
    std::size_t start = pos_;
    int depth = 0;
    while (!at_end()) {
      char c = peek();
      if (depth == 0 && stops.find(c) != std::string_view::npos) break;
      if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (depth == 0) break;
        --depth;
      }
      ++pos_;
    }
    if (depth != 0) {
      fail("unbalanced '(' in value");
      return std::nullopt;
    }
    auto raw = s_.substr(start, pos_ - start);
    if (raw == "''") return std::string{};
    auto decoded = decode_component(raw);
    if (!decoded) {
      fail("malformed percent-encoding");
      return std::nullopt;
    }
    return decoded;
  }

  std::nullopt_t fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    return std::nullopt;
  }

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }
  std::string_view rest() const { return s_.substr(pos_); }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
};

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i];
    char b = prefix[i];
    if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
    if (b >= 'a' && b <= 'z') b = static_cast<char>(b - 'a' + 'A');
    if (a != b) return false;
  }
  return true;
}

void encode_into(const value& v, std::string& out) {
  if (v.is_string()) {
    out += encode_string(v.str());
  } else if (v.is_list()) {
    out += "List(";
    bool first = true;
    for (auto& item : v.items()) {
      if (!first) out += ',';
      first = false;
      encode_into(item, out);
    }
    out += ')';
  } else {
    out += '(';
    bool first = true;
    for (auto& [k, item] : v.fields()) {
      if (!first) out += ',';
      first = false;
      out += encode_string(k);
      out += ':';
      encode_into(item, out);
    }
    out += ')';
  }
}

} // namespace

const value* value::find(std::string_view key) const {
  if (!is_record()) return nullptr;
  for (auto& [k, v2] : fields())
    if (k == key) return &v2;
  return nullptr;
}

std::optional<value> parse(std::string_view encoded, std::string* error) {
  // Delimiters encoded as well: the whole text got one extra layer of
  // percent-encoding; peel it and parse the inner Rest.li text.
  if (starts_with_ci(encoded, "List%28") || starts_with_ci(encoded, "%28")) {
    auto once = urls::make_pct_string_view(encoded);
    if (!once) {
      if (error) *error = "malformed percent-encoding";
      return std::nullopt;
    }
    std::string inner = once->decode();
    return parser{inner}.parse_top(error);
  }
  return parser{encoded}.parse_top(error);
}

std::optional<std::string> decode_component(std::string_view encoded) {
  auto pv = urls::make_pct_string_view(encoded);
  if (!pv) return std::nullopt;
  urls::encoding_opts opt;
  opt.space_as_plus = true;
  return pv->decode(opt);
}

std::string encode_string(std::string_view s) {
  if (s.empty()) return "''";
  return urls::encode(s, urls::unreserved_chars);
}

std::string encode(const value& v) {
  std::string out;
  encode_into(v, out);
  return out;
}

std::optional<std::vector<query_param>> split_query(std::string_view query) {
  std::vector<query_param> out;
  if (query.empty()) return out;
  auto params = urls::parse_query(query);
  if (!params) return std::nullopt;
  for (auto p : *params) {
    urls::encoding_opts opt;
    opt.space_as_plus = true;
    query_param qp;
    qp.name = p.key.decode(opt);
    if (p.has_value) qp.raw_value = std::string{p.value};
    out.push_back(std::move(qp));
  }
  return out;
}

} // namespace adbatch::sim::restli
