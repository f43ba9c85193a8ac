#pragma once

// Shared fixtures of the Google pipeline tests: connections whose tokens
// own their customers in adbatch-sim (org-<k> owns clients i with
// (i-1) % 5 == k % 5; even clients need their manager as login id), a plan
// context at the simulator's "today" and request builders.

#include "platforms/common/pipeline.hpp"
#include "platforms/google/google_adapter.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace google_test {

namespace json = boost::json;
using namespace adbatch::platforms;

/// 2026-01-15 12:00:00 UTC: adbatch-sim's default "today" (day 20468).
inline time_point sim_noon() {
  return time_point{std::chrono::seconds{20468LL * 86400 + 12 * 3600}};
}

/// The manager a sim client n needs as login-customer-id ("" for odd n).
inline std::string manager_of(int n) {
  if (n % 2) return {};
  return std::to_string(9000000001LL + (n / 2) % 3);
}

inline std::string client(int n) {
  return std::to_string(1000000000LL + n);
}

/// A connection with token org-<k> for client n (login id when needed).
inline connection_credential connection(std::string id, std::string token,
                                        int n, std::string login = "") {
  connection_credential c;
  c.connection_id = std::move(id);
  c.org_id = "org";
  c.token = std::move(token);
  c.account_ids["customer_id"] = client(n);
  if (login.empty()) login = manager_of(n);
  if (!login.empty()) c.account_ids["login_customer_id"] = login;
  return c;
}

/// Connections used across the tests:
///  a  org-0 -> client 1          a6 org-0 -> client 6 (login 9000000001)
///  b  org-1 -> client 2 (login)  c  org-1-x -> client 7 (another token)
///  d  org-0 -> client 11 with login 1000000011 (another credential)
inline plan_context context(time_point now = sim_noon()) {
  plan_context ctx;
  ctx.now = now;
  ctx.settings.platform_credentials["developer_token"] = "dev-token-1";
  for (auto c : {connection("a", "org-0", 1), connection("a6", "org-0", 6),
                 connection("b", "org-1", 2), connection("c", "org-1-x", 7),
                 connection("d", "org-0", 11, client(11))})
    ctx.credentials[c.connection_id] = c;
  return ctx;
}

inline queued_request request(std::int64_t id, std::string conn,
                              std::string type, json::object params = {}) {
  queued_request r;
  r.id = id;
  r.org_id = "org";
  r.connection_id = std::move(conn);
  r.request_type = std::move(type);
  r.params = std::move(params);
  return r;
}

inline json::value body_of(const upstream_call& c) {
  return json::parse(c.body);
}

inline std::string query_of(const upstream_call& c) {
  return std::string(body_of(c).at("query").as_string());
}

inline std::string header(const upstream_call& c, std::string_view name) {
  for (const auto& [k, v] : c.headers)
    if (k == name) return v;
  return {};
}

} // namespace google_test
