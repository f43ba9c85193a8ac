#include "actors/error.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace adbatch {

const char* to_string(ec code) {
  switch (code) {
    case ec::none: return "none";
    case ec::unspecified: return "unspecified";
    case ec::invalid_argument: return "invalid_argument";
    case ec::not_found: return "not_found";
    case ec::invalid_config: return "invalid_config";
    case ec::storage_unavailable: return "storage_unavailable";
    case ec::storage_error: return "storage_error";
    case ec::schema_too_new: return "schema_too_new";
    case ec::child_start_failed: return "child_start_failed";
    case ec::restart_intensity_exceeded: return "restart_intensity_exceeded";
    case ec::shutting_down: return "shutting_down";
    case ec::upstream_error: return "upstream_error";
    case ec::rate_limited: return "rate_limited";
    case ec::timeout: return "timeout";
    case ec::conflict: return "conflict";
  }
  return "unknown";
}

caf::error make_error(ec code, std::string context) {
  return caf::error{static_cast<std::uint8_t>(code), caf::atom("adbatch"),
                    caf::make_message(std::move(context))};
}

std::string render(const caf::error& err) {
  if (!err) return "none";
  if (err.category() == caf::atom("adbatch")) {
    std::string out = to_string(static_cast<ec>(err.code()));
    const auto& ctx = err.context();
    if (ctx.size() == 1 && ctx.match_element<std::string>(0)) {
      const auto& s = ctx.get_as<std::string>(0);
      if (!s.empty()) {
        out += ": ";
        out += s;
      }
    }
    return out;
  }
  return caf::to_string(err);
}

} // namespace adbatch
