#pragma once

// Plain HTTP message types shared by net's client and server. They carry no
// Beast types, so code above net/ (the simulators, the gateway) can use them
// without compiling Beast.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adbatch::net {

/// Case-insensitive ordering of header names (clients send any case).
struct header_less {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

/// Header name -> value; duplicate headers are joined with ", ".
using header_map = std::map<std::string, std::string, header_less>;

/// An ordered header list as it goes out on the wire (names keep their case).
using header_list = std::vector<std::pair<std::string, std::string>>;

/// One request as the server received it.
struct request {
  std::string method;  ///< "GET", "POST", ... (upper case)
  std::string target;  ///< raw target: path + "?" + query, undecoded
  header_map headers;
  std::string body;
  std::string peer;    ///< "127.0.0.1:54321", for logs only
  bool tls = false;    ///< arrived over TLS

  /// The path part of target (undecoded).
  std::string_view path() const;
  /// The query part of target without "?" (undecoded), possibly empty.
  std::string_view query() const;
  /// The first header value with that name, if any.
  std::optional<std::string> header(std::string_view name) const;
};

/// One response the server sends.
struct response {
  int status = 200;
  header_list headers;
  std::string body;
  std::string content_type = "application/json; charset=UTF-8";
  /// Closes the connection after this response (no keep-alive).
  bool close = false;
};

/// Builds a JSON error answer `{"error": {"code": status, "message": ...}}`.
response json_error(int status, std::string_view message);

} // namespace adbatch::net
