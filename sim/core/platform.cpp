#include "sim/core/platform.hpp"

namespace adbatch::sim {

std::string_view http_request::path() const {
  std::string_view t{target};
  return t.substr(0, t.find('?'));
}

std::string_view http_request::query() const {
  std::string_view t{target};
  auto pos = t.find('?');
  // An empty query is still a view into target (never a null pointer):
  // some parsers take the data pointer as a C string.
  return pos == std::string_view::npos ? t.substr(t.size()) : t.substr(pos + 1);
}

std::optional<std::string> http_request::header(std::string_view name) const {
  auto it = headers.find(std::string{name});
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

} // namespace adbatch::sim
