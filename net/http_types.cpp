#include "net/http_types.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace adbatch::net {

bool header_less::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(
    a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return std::tolower(static_cast<unsigned char>(x))
             < std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view request::path() const {
  std::string_view t{target};
  return t.substr(0, t.find('?'));
}

std::string_view request::query() const {
  std::string_view t{target};
  auto pos = t.find('?');
  // An empty query is still a view into target (never a null pointer):
  // some parsers take the data pointer as a C string.
  return pos == std::string_view::npos ? t.substr(t.size()) : t.substr(pos + 1);
}

std::optional<std::string> request::header(std::string_view name) const {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

response json_error(int status, std::string_view message) {
  boost::json::object err;
  err["code"] = status;
  err["message"] = message;
  boost::json::object root;
  root["error"] = std::move(err);
  response r;
  r.status = status;
  r.body = boost::json::serialize(root);
  return r;
}

} // namespace adbatch::net
