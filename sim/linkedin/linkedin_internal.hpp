#pragma once

// Shared between the LinkedIn simulator's translation units; not a public
// header. A request arrives here already authenticated, versioned and
// budgeted; these functions only compute the answer.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "sim/core/platform.hpp"
#include "sim/linkedin/linkedin_data.hpp"
#include "sim/linkedin/linkedin_platform.hpp"
#include "sim/linkedin/restli.hpp"

namespace adbatch::sim::linkedin {

/// The query of a request after tunnelling is undone: decoded parameter
/// name -> still-encoded value (the last one wins for repeated names).
using query_map = std::map<std::string, std::string>;

/// What the handlers need besides the request.
struct request_context {
  const catalog& data;
  const linkedin_options& opts;
  const platform_options& base;
  double partial_batch_rate = 0.0;
  std::mt19937_64* rng = nullptr;
  std::string path_prefix;  ///< "/rest/adAccounts/1/adCampaigns", for paging links
  std::string token;        ///< the caller's access token (ownership)

  /// Whether the caller may access this ad account.
  bool owns(std::int64_t account) const { return owns_account(opts, token, account); }
};

/// LinkedIn's answer for an object the member may not access: 403
/// ACCESS_DENIED (serviceErrorCode 100) "Not enough permissions to access:
/// <what>".
http_response access_denied(std::string_view what);

/// A Rest.li error answer: `{"status":s,"code":c,"message":m}` (+
/// serviceErrorCode when given).
http_response restli_error(int status, std::string_view code,
                           std::string_view message,
                           std::optional<int> service_error_code = {});

/// A JSON answer with status 200.
http_response json_ok(const boost::json::object& body);

/// One keyed collection (ad accounts, campaigns of an account, ...).
struct collection {
  std::string label;  ///< accounting label, e.g. "adAccounts"
  /// The entity with that decoded key.
  std::function<std::optional<boost::json::object>(const std::string&)> find;
  /// Every entity, for finders, in id order.
  std::function<std::vector<boost::json::object>()> all;
  /// Accepted finder names (q=...).
  std::vector<std::string> finders;
  /// Set when some keys belong to accounts the caller may not access: true
  /// for those (GET answers 403, BATCH_GET a 403 entry in errors).
  std::function<bool(const std::string&)> forbidden;
};

/// GET /collection/{key}
http_response handle_get(const collection& c, const std::string& key,
                         const query_map& q);
/// GET /collection?ids=List(...)
http_response handle_batch_get(const collection& c, const query_map& q,
                               request_context& ctx);
/// GET /collection?q=<finder>&...
http_response handle_finder(const collection& c, const query_map& q,
                            request_context& ctx);
/// GET /leadFormResponses?q=owner&...
http_response handle_lead_finder(const query_map& q, request_context& ctx);
/// GET /{dmpSegments|conversions}?q=account&account=<urn> and
/// GET /leadForms?q=owner&owner=(sponsoredAccount:<urn>): one account's
/// objects, paged. `entities` lists the account's objects.
http_response handle_account_finder(
    const std::string& resource, const query_map& q, request_context& ctx,
    const std::function<std::vector<boost::json::object>(std::int64_t)>& entities);
/// GET /adAnalytics?q=analytics|statistics&...
http_response handle_analytics(const query_map& q, request_context& ctx);

/// Parses `start`/`count`; nullopt (and an error answer in `err`) if bad.
struct page {
  std::int64_t start = 0;
  std::int64_t count = 10;
};
std::optional<page> parse_page(const query_map& q, int max_count,
                               http_response& err);

/// `{"start":..,"count":..,"total":..,"links":[next?]}`.
boost::json::object paging_object(const page& p, std::int64_t total,
                                  const std::string& next_href);

/// Keeps only the top-level fields named in a `fields=` projection.
boost::json::object project(const boost::json::object& o,
                            const std::vector<std::string>& fields);
/// The top-level names of a `fields=` projection (decoded).
std::vector<std::string> projection_fields(const query_map& q);

} // namespace adbatch::sim::linkedin
