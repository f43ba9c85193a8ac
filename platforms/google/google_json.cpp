#include "platforms/google/google_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <cctype>
#include <charconv>

namespace adbatch::platforms::google {

namespace json = boost::json;

namespace {

/// boost::json's own handler, except that doubles are re-read from their
/// text (on_number_part delivers the text in pieces when it is split).
struct exact_handler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack st;
  std::string number;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    number.append(s.data(), s.size());
    double exact = 0;
    auto* first = number.data();
    auto* last = number.data() + number.size();
    auto [p, ec] = std::from_chars(first, last, exact);
    st.push_double(ec == std::errc{} && p == last ? exact : d);
    number.clear();
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

} // namespace

std::optional<json::value> parse_json_exact(std::string_view text) {
  json::basic_parser<exact_handler> p{json::parse_options{}};
  p.handler().st.reset();
  json::error_code ec;
  auto n = p.write_some(false, text.data(), text.size(), ec);
  if (ec || n != text.size() || !p.done()) return std::nullopt;
  return p.handler().st.release();
}

std::string camel_segment(std::string_view snake) {
  std::string out;
  bool up = false;
  for (char ch : snake) {
    if (ch == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch)))
              : ch;
    up = false;
  }
  return out;
}

std::string camel_path(std::string_view path) {
  std::string out;
  std::size_t i = 0;
  while (i <= path.size()) {
    auto j = path.find('.', i);
    if (j == std::string_view::npos) j = path.size();
    if (i > 0) out += '.';
    out += camel_segment(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string snake_path(std::string_view path) {
  std::string out;
  for (char ch : path) {
    if (std::isupper(static_cast<unsigned char>(ch))) {
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else {
      out += ch;
    }
  }
  return out;
}

const json::value* row_value(const json::object& row, std::string_view snake) {
  const json::object* cur = &row;
  std::size_t i = 0;
  while (true) {
    auto j = snake.find('.', i);
    auto seg = camel_segment(snake.substr(
        i, j == std::string_view::npos ? std::string_view::npos : j - i));
    auto* v = cur->if_contains(seg);
    if (!v) return nullptr;
    if (j == std::string_view::npos) return v;
    cur = v->if_object();
    if (!cur) return nullptr;
    i = j + 1;
  }
}

void put_row_value(json::object& row, std::string_view snake, json::value v) {
  json::object* cur = &row;
  std::size_t i = 0;
  while (true) {
    auto j = snake.find('.', i);
    auto seg = camel_segment(snake.substr(
        i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) {
      (*cur)[seg] = std::move(v);
      return;
    }
    auto& next = (*cur)[seg];
    if (!next.is_object()) next = json::object{};
    cur = &next.as_object();
    i = j + 1;
  }
}

bool is_proto_default(const json::value& v) {
  return (v.is_int64() && v.as_int64() == 0) ||
         (v.is_uint64() && v.as_uint64() == 0) ||
         (v.is_double() && v.as_double() == 0.0) ||
         (v.is_bool() && !v.as_bool()) ||
         (v.is_string() && v.as_string().empty()) ||
         (v.is_array() && v.as_array().empty());
}

} // namespace adbatch::platforms::google
