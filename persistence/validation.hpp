#pragma once

// Input checks every backend runs before storing a request: pure, no I/O.
// (Whether the connection exists and belongs to the org is the backend's
// part, since only it can look that up.)

#include "persistence/backend.hpp"
#include "persistence/result.hpp"
#include "persistence/types.hpp"

#include <string>
#include <string_view>

namespace adbatch::persistence {

/// True for a canonical 8-4-4-4-12 hex UUID (either case).
bool is_uuid(std::string_view text);

/// The lower-case form of a UUID (the form PostgreSQL prints).
std::string normalize_uuid(std::string_view text);

/// An enqueue_request after validation: normalised ids, parsed platform,
/// canonical params and the dedup key.
struct validated_request {
  std::string org_id;
  ad_platform platform = ad_platform::meta;
  std::string connection_id;
  std::string request_type;
  std::string params; ///< canonical JSON object text
  int priority = default_priority;
  int max_attempts = 3;
  std::string request_key; ///< hex SHA-256, see request_key.hpp
};

/// Largest accepted max_attempts.
inline constexpr int max_max_attempts = 100;

/// Checks org and connection (UUIDs), platform, request type (non-empty,
/// at most 100 chars, plus the optional hook), params (a JSON object),
/// priority (1..10) and max_attempts (1..100). invalid_argument with a
/// message naming the field otherwise.
result<validated_request> validate_request(const enqueue_request& req,
                                           const request_type_validator& hook);

} // namespace adbatch::persistence
