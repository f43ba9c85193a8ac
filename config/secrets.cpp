// Resolving secret references. Values are read once, at load time, and
// never appear in a message: errors name the reference only.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/detail.hpp"

namespace adbatch::config::detail {

namespace {

/// Files written by editors or `echo` end in a newline that is not part of
/// the secret.
void strip_trailing_newlines(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
}

} // namespace

std::variant<secret, std::string> resolve_secret(std::string_view reference,
                                                 const environment& env) {
  std::string ref{trim(reference)};
  if (ref.starts_with("env:")) {
    auto name = ref.substr(4);
    if (name.empty())
      return std::string{"secret reference \"env:\" names no variable"};
    auto it = env.find(name);
    if (it == env.end())
      return "environment variable " + name
             + " is not set (secret reference " + quote(ref) + ")";
    if (it->second.empty())
      return "environment variable " + name
             + " is empty (secret reference " + quote(ref) + ")";
    return secret{ref, it->second};
  }
  if (ref.starts_with("file:")) {
    auto path = ref.substr(5);
    if (path.empty())
      return std::string{"secret reference \"file:\" names no file"};
    std::ifstream in{path, std::ios::binary};
    if (!in) {
      auto why = std::strerror(errno);
      return "cannot read secret file " + quote(path) + ": " + why;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad())
      return "cannot read secret file " + quote(path);
    auto value = std::move(buf).str();
    strip_trailing_newlines(value);
    if (value.empty())
      return "secret file " + quote(path) + " is empty";
    return secret{ref, std::move(value)};
  }
  // Deliberately no quote of the text: it may be the secret itself.
  return std::string{"must be a secret reference (\"env:NAME\" or "
                     "\"file:/path\"); literal secrets are not allowed in "
                     "the config file"};
}

} // namespace adbatch::config::detail

namespace adbatch::config {

result<secret> resolve(const secret_ref& ref, const environment& env) {
  auto r = detail::resolve_secret(ref.reference, env);
  if (auto* msg = std::get_if<std::string>(&r))
    return config_error{"", 0, "", std::move(*msg)};
  return std::get<secret>(std::move(r));
}

} // namespace adbatch::config
