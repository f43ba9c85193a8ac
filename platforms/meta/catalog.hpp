#pragma once

// Meta's request catalog: every request type the original MetaBatcher
// supported (same type and parameter names), parsed and validated into a
// normalized meta_request that the planner, the minimum function and the
// splitter share. Pure: no I/O.
//
// A request is one of
//   - an asset read (get_pages ... get_all_assets): /me edges, expanded;
//   - a node read (get_page_details, get_account_details, get_lead);
//   - an edge read (get_campaigns, get_ad_sets, get_ads, get_insights);
//   - a generic call (type `generic`, or any type with params.endpoint):
//     method + endpoint + body, sent as given.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adbatch::platforms::meta {

/// Graph node types a typed request reads (the root of its call).
enum class node_type : std::uint8_t {
  ad_account,
  campaign,
  adset,
  ad,
  page,
  lead,
  /// A numeric id of an ads object whose type the request does not say
  /// (get_insights object_id): campaign, ad set or ad.
  ads_object,
  /// `me`: the token's user (asset reads).
  user,
};

/// Graph's name of a node type ("AdAccount", ...), for messages.
std::string_view graph_type_name(node_type t);

/// The asset lists of the original MetaAssetsService.
enum class asset : std::uint8_t {
  pages,
  instagram,
  ad_accounts,
  pixels,
  catalogs,
  businesses,
  whatsapp
};

/// Every asset, in the order get_all_assets lists them.
inline constexpr asset all_assets[] = {
    asset::pages,    asset::instagram,  asset::ad_accounts, asset::pixels,
    asset::catalogs, asset::businesses, asset::whatsapp};

/// How an asset list is read below `me`.
struct asset_info {
  asset a;
  std::string_view type;    ///< request type: get_pages, ...
  std::string_view key;     ///< result key of the single type: pages, ...
  std::string_view all_key; ///< key in get_all_assets: instagram_accounts
  std::string_view me_edge; ///< accounts, adaccounts, businesses
  /// Second level below each me_edge item ("" = the items themselves):
  /// instagram_business_account (object field), adspixels,
  /// owned_product_catalogs, owned_whatsapp_business_accounts (edges).
  std::string_view nested;
  bool nested_is_edge; ///< nested is a list edge (.limit, .data)
};

const asset_info& info(asset a);

/// Items per asset list (and per nested list): one page, no paging.
inline constexpr int asset_list_limit = 500;

/// Kind of request after parsing.
enum class request_kind : std::uint8_t { assets, node, edge, generic };

/// Query parameters / expansion modifiers of an edge read, in Graph text,
/// sorted by name (limit, effective_status, after, level, date_preset,
/// time_range, time_increment, breakdowns).
using edge_params = std::vector<std::pair<std::string, std::string>>;

/// A parsed, validated, normalized request.
struct meta_request {
  std::string type;
  request_kind kind = request_kind::node;

  // -- node / edge reads (assets: root "me", type user) --
  std::string root;
  node_type root_type = node_type::ad_account;
  /// Node reads: the fields asked for, in the request's order.
  std::vector<std::string> fields;
  /// Edge reads: campaigns, adsets, ads, insights.
  std::string edge;
  edge_params params;
  /// get_insights: breakdown names in order (rows carry them as keys).
  std::vector<std::string> breakdowns;

  // -- assets --
  /// The lists asked for with their fields (one for get_pages ..., all
  /// seven for get_all_assets).
  std::vector<std::pair<asset, std::vector<std::string>>> assets;
  bool all_assets = false;

  // -- generic --
  std::string method;   ///< GET, POST, DELETE
  std::string endpoint; ///< relative Graph path (+ "?query"), no leading /
  std::string body;     ///< form-encoded (POST only)

  /// Canonical text of type + normalized params: identical requests (same
  /// token, same key) share one operation.
  std::string key;

  bool is_write() const {
    return kind == request_kind::generic && method != "GET";
  }
  /// Graph's `limit` of an edge read (25 when not given).
  std::int64_t limit() const;
  /// The value of an edge parameter, "" when absent.
  std::string param(std::string_view name) const;
};

/// parse_request()'s answer: a request or why not.
struct parse_outcome {
  std::optional<meta_request> request;
  /// "invalid_request" or "missing_account_id".
  std::string error_code;
  /// A clear message naming the parameter ("get_insights:
  /// params.time_range.since must be a date YYYY-MM-DD").
  std::string error;
};

/// Parses and validates one request. `account_ids` are the connection's
/// (defaults for ad_account_id / object_id); nullptr at enqueue, where a
/// missing default is not an error yet.
parse_outcome parse_request(std::string_view type,
                            const boost::json::object& params,
                            const boost::json::object* account_ids);

/// Every request type of the catalog.
std::vector<std::string> request_type_names();

/// Quota units a generic GET costs: the number of ids of an `ids=` read,
/// else 1.
std::int64_t generic_units(const meta_request& r);

/// Parsed generic endpoint: path segments (version stripped) and query
/// parameters (decoded).
struct endpoint_parts {
  std::optional<std::string> version;
  std::vector<std::string> path;
  std::vector<std::pair<std::string, std::string>> query;
};
endpoint_parts split_endpoint(std::string_view endpoint);

} // namespace adbatch::platforms::meta
