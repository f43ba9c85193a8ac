#pragma once

// Google Ads error answers: the GoogleAdsFailure inside an error envelope
// (an object, or searchStream's one-element array), its classification
// (throttled / transient / permanent) and the rate signals it carries.

#include "platforms/common/pipeline.hpp"

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adbatch::platforms::google {

/// One GoogleAdsError.
struct ads_error {
  std::string category; ///< errorCode key: quotaError, queryError, ...
  std::string code;     ///< its enum value: RESOURCE_EXHAUSTED, ...
  std::string message;
  /// location.fieldPathElements[0] = {fieldName: operations, index: i}.
  std::optional<std::size_t> operation;
  std::optional<milliseconds> retry_delay; ///< quotaErrorDetails.retryDelay
  std::string rate_scope;                  ///< quotaErrorDetails.rateScope
  std::string rate_name;                   ///< quotaErrorDetails.rateName
};

/// An error envelope {"error": {code, message, status, details}}.
struct google_error {
  int code = 0;       ///< error.code (the HTTP status)
  std::string status; ///< RESOURCE_EXHAUSTED, INVALID_ARGUMENT, ...
  std::string message;
  std::vector<ads_error> errors; ///< of every GoogleAdsFailure detail
};

/// The GoogleAdsFailure errors of a `details` array (error.details or
/// partialFailureError.details).
std::vector<ads_error> parse_ads_errors(const boost::json::value& details);

/// The error of an answer body: {"error": ...} or [{"error": ...}, ...]
/// (the first element carrying one); nullopt if none.
std::optional<google_error> find_google_error(const boost::json::value& body);

/// "1s", "0.5s", "1.500s" -> milliseconds.
std::optional<milliseconds> parse_google_duration(std::string_view s);

/// What an error means for every request of the call.
struct error_verdict {
  outcome_kind kind = outcome_kind::permanent;
  std::string error_code; ///< google_<enum>, http_<status>
  std::string message;
  std::optional<milliseconds> retry_after;
  std::vector<rate_signal> signals;
};

/// Classifies an error answer (`http` status; `e` its parsed envelope, if
/// any) of a call to `customer_id` at `now`. `is_write`: a mutate, whose
/// DEADLINE_EXCEEDED is ambiguous (it may have been applied).
error_verdict classify_google_error(int http, const google_error* e,
                                    std::string_view customer_id,
                                    time_point now, bool is_write);

/// The rate signals of a reply (Google sends no rate headers: only
/// RESOURCE_EXHAUSTED / RESOURCE_TEMPORARILY_EXHAUSTED errors).
std::vector<rate_signal> google_rate_signals(const upstream_reply& reply,
                                             std::string_view customer_id,
                                             time_point now);

} // namespace adbatch::platforms::google
