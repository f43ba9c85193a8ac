#include "persistence/validation.hpp"

#include "platforms/common/platform_table.hpp"

#include "persistence/request_key.hpp"

#include <boost/json.hpp>

namespace adbatch::persistence {

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = text[i];
    // Plain comparisons, not <cctype>: those consult the locale per char.
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                     (c >= 'A' && c <= 'F');
    if (dash ? c != '-' : !hex) return false;
  }
  return true;
}

std::string normalize_uuid(std::string_view text) {
  std::string out{text};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

namespace {

db_error invalid(std::string msg) {
  return make_error(error_code::invalid_argument, std::move(msg));
}

} // namespace

result<validated_request> validate_request(const enqueue_request& req,
                                           const request_type_validator& hook) {
  validated_request out;
  if (req.org_id.empty()) return invalid("org_id is missing");
  if (!is_uuid(req.org_id))
    return invalid("org_id '" + req.org_id + "' is not a UUID");
  out.org_id = normalize_uuid(req.org_id);
  auto p = parse_platform(req.platform);
  if (!p)
  {
    // The list comes from the platform table, so it cannot go stale.
    std::string names;
    for (std::size_t i = 0; i < platforms::platform_table.size(); ++i) {
      if (i > 0)
        names += i + 1 == platforms::platform_table.size() ? " or " : ", ";
      names += platforms::platform_table[i].name;
    }
    return invalid("unknown platform '" + req.platform + "' (expected " +
                   names + ")");
  }
  out.platform = *p;
  if (req.connection_id.empty()) return invalid("connection_id is missing");
  if (!is_uuid(req.connection_id))
    return invalid("connection_id '" + req.connection_id + "' is not a UUID");
  out.connection_id = normalize_uuid(req.connection_id);
  if (req.request_type.empty()) return invalid("request_type is missing");
  if (req.request_type.size() > 100)
    return invalid("request_type is longer than 100 characters");
  out.request_type = req.request_type;
  if (req.priority < min_priority || req.priority > max_priority)
    return invalid(
        "priority " + std::to_string(req.priority) +
        " is outside 1..10 (or use critical, high, normal, low, bulk)");
  out.priority = req.priority;
  if (req.max_attempts < 1 || req.max_attempts > max_max_attempts)
    return invalid("max_attempts " + std::to_string(req.max_attempts) +
                   " is outside 1..100");
  out.max_attempts = req.max_attempts;
  boost::system::error_code ec;
  auto params = boost::json::parse(req.params, ec);
  if (ec) return invalid("params is not valid JSON: " + ec.message());
  if (!params.is_object()) return invalid("params must be a JSON object");
  if (hook) {
    auto why = hook(out.platform, out.request_type, req.params);
    if (!why.empty()) return invalid(std::move(why));
  }
  out.params = canonical_json(params);
  out.request_key =
      request_key_of_canonical(to_string(out.platform), out.org_id,
                               out.connection_id, out.request_type, out.params);
  return out;
}

} // namespace adbatch::persistence
