#pragma once

// The de-duplication key of a queued request: pure, no I/O.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace adbatch::persistence {

/// JSON text with object keys sorted (recursively, by bytes), no whitespace.
/// Arrays keep their order. Two documents that differ only in key order or
/// formatting give the same text.
std::string canonical_json(const boost::json::value& v);

/// Lower-case hex SHA-256 over platform, org, connection, request type and
/// the canonical JSON of params, each field length-prefixed so that no
/// two different tuples can produce the same byte string.
std::string request_key(std::string_view platform, std::string_view org_id,
                        std::string_view connection_id,
                        std::string_view request_type,
                        const boost::json::value& params);

/// The same key from params already in canonical form (canonical_json's
/// output): callers that store the canonical text anyway render it once.
std::string request_key_of_canonical(std::string_view platform,
                                     std::string_view org_id,
                                     std::string_view connection_id,
                                     std::string_view request_type,
                                     std::string_view canonical_params);

/// Lower-case hex SHA-256 of arbitrary bytes (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

} // namespace adbatch::persistence
