#include "persistence/types.hpp"

#include "persistence/result.hpp"

#include <charconv>

namespace adbatch::persistence {

const char* to_string(error_code code) {
  switch (code) {
  case error_code::invalid_argument:
    return "invalid_argument";
  case error_code::not_found:
    return "not_found";
  case error_code::storage_unavailable:
    return "storage_unavailable";
  case error_code::storage_error:
    return "storage_error";
  case error_code::conflict:
    return "conflict";
  case error_code::schema_too_new:
    return "schema_too_new";
  case error_code::credential_error:
    return "credential_error";
  }
  return "unknown";
}

const char* to_string(ad_platform p) {
  // The table's names are string literals, so data() is NUL-terminated.
  return platforms::name_of(p).data();
}

std::optional<ad_platform> parse_platform(std::string_view text) {
  return platforms::parse_platform_name(text);
}

const char* to_string(request_status s) {
  switch (s) {
  case request_status::pending:
    return "pending";
  case request_status::processing:
    return "processing";
  case request_status::completed:
    return "completed";
  case request_status::failed:
    return "failed";
  case request_status::cancelled:
    return "cancelled";
  case request_status::skipped:
    return "skipped";
  case request_status::ambiguous:
    return "ambiguous";
  }
  return "unknown";
}

std::optional<request_status> parse_request_status(std::string_view text) {
  for (auto s : {request_status::pending, request_status::processing,
                 request_status::completed, request_status::failed,
                 request_status::cancelled, request_status::skipped,
                 request_status::ambiguous})
    if (text == to_string(s)) return s;
  return std::nullopt;
}

bool is_terminal(request_status s) {
  return s != request_status::pending && s != request_status::processing;
}

const char* to_string(webhook_status s) {
  switch (s) {
  case webhook_status::received:
    return "received";
  case webhook_status::processing:
    return "processing";
  case webhook_status::processed:
    return "processed";
  case webhook_status::failed:
    return "failed";
  case webhook_status::ignored:
    return "ignored";
  case webhook_status::duplicate:
    return "duplicate";
  }
  return "unknown";
}

std::optional<webhook_status> parse_webhook_status(std::string_view text) {
  for (auto s : {webhook_status::received, webhook_status::processing,
                 webhook_status::processed, webhook_status::failed,
                 webhook_status::ignored, webhook_status::duplicate})
    if (text == to_string(s)) return s;
  return std::nullopt;
}

std::optional<int> parse_priority(std::string_view text) {
  if (text == "critical") return 1;
  if (text == "high") return 3;
  if (text == "normal") return 5;
  if (text == "low") return 7;
  if (text == "bulk") return 9;
  int value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    return std::nullopt;
  if (value < min_priority || value > max_priority) return std::nullopt;
  return value;
}

} // namespace adbatch::persistence
