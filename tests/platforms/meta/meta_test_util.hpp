#pragma once

// Shared helpers of the Meta adapter tests: requests, contexts, and reading
// a planned call back (batch operations, their tokens and URLs).

#include "platforms/common/pipeline.hpp"
#include "platforms/meta/graph_text.hpp"
#include "platforms/meta/meta_adapter.hpp"

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace meta_test {

namespace json = boost::json;
using namespace adbatch::platforms;

inline queued_request req(std::int64_t id, std::string connection,
                          std::string type, json::object params = {},
                          int attempts = 1) {
  queued_request q;
  q.id = id;
  q.org_id = "org";
  q.connection_id = std::move(connection);
  q.request_type = std::move(type);
  q.params = std::move(params);
  q.attempts = attempts;
  return q;
}

/// Connections c0..c<n-1> with tokens org-0..org-<n-1> and ad accounts
/// act_<10000000000001 + k> (owned by org-k in adbatch-sim).
inline plan_context context(int connections = 5, int max_batch_size = 50) {
  plan_context ctx;
  ctx.settings.max_batch_size = max_batch_size;
  for (int k = 0; k < connections; ++k) {
    connection_credential c;
    c.connection_id = "c" + std::to_string(k);
    c.org_id = "org";
    c.token = "org-" + std::to_string(k);
    c.account_ids["ad_account_id"] =
        "act_" + std::to_string(10000000000001LL + k);
    ctx.credentials[c.connection_id] = c;
  }
  return ctx;
}

inline std::string account(int i) {
  return "act_" + std::to_string(10000000000000LL + i);
}

/// One operation of a call as it goes on the wire.
struct wire_op {
  std::string method;
  std::string relative_url; ///< path?query, token removed
  std::string token;
  std::string body;
};

inline std::string strip_token(const std::string& url, std::string& token) {
  auto q = url.find('?');
  if (q == std::string::npos) return url;
  auto params = adbatch::platforms::meta::parse_form(url.substr(q + 1));
  adbatch::platforms::meta::param_pairs kept;
  for (auto& [k, v] : params) {
    if (k == "access_token")
      token = v;
    else
      kept.emplace_back(k, v);
  }
  return url.substr(0, q) + "?" + adbatch::platforms::meta::form_encode(kept);
}

/// The operations of a call: the batch items, or the call itself.
inline std::vector<wire_op> ops_of(const upstream_call& c) {
  std::vector<wire_op> out;
  auto form = adbatch::platforms::meta::parse_form(c.body);
  std::string batch;
  for (auto& [k, v] : form)
    if (k == "batch") batch = v;
  if (!batch.empty() && c.method == "POST") {
    auto items = json::parse(batch);
    for (const auto& item : items.as_array()) {
      const auto& o = item.as_object();
      wire_op w;
      w.method = std::string(o.at("method").as_string());
      w.relative_url =
          strip_token(std::string(o.at("relative_url").as_string()), w.token);
      if (const auto* b = o.if_contains("body"))
        w.body = std::string(b->as_string());
      out.push_back(std::move(w));
    }
    return out;
  }
  wire_op w;
  w.method = c.method;
  auto target = c.target;
  // "/v21.0/..." -> relative
  auto second = target.find('/', 1);
  w.relative_url = strip_token(target.substr(second + 1), w.token);
  for (auto& [k, v] : form)
    if (k == "access_token") w.token = v;
  w.body = c.body;
  out.push_back(std::move(w));
  return out;
}

inline bool is_batch(const upstream_call& c) {
  for (auto& [k, v] : adbatch::platforms::meta::parse_form(c.body))
    if (k == "batch") return true;
  return false;
}

/// The decoded query parameters of a relative URL.
inline std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  auto q = url.find('?');
  if (q == std::string::npos) return out;
  for (auto& [k, v] : adbatch::platforms::meta::parse_form(url.substr(q + 1)))
    out[k] = v;
  return out;
}

inline std::string path_of(const std::string& url) {
  return url.substr(0, url.find('?'));
}

} // namespace meta_test
