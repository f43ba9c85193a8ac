// The Snapchat planner: per token, one /v1/me/organizations call serves
// every get_organizations and get_ad_accounts; one list call per ad account
// and collection serves every list request of that account (whole lists,
// by-id and per-parent requests alike); one stats call per ad account,
// breakdown and offset serves every stats request (their ranges unified
// into windows of at most 366 days, daily values cut and summed per
// request afterwards); one call per pixel for pixel events; one call per
// targeting dimension/type. Snapchat charges one unit per call.

#include "platforms/common/crypto.hpp"
#include "platforms/snapchat/snapchat_plan.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <set>

namespace adbatch::platforms::snapchat {

namespace json = boost::json;

std::string token_scope(const std::string& token) {
  return "token:" +
         to_hex(hmac_sha256("adbatch-snapchat-scope", token)).substr(0, 12);
}

std::string encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

namespace {

request_outcome reject(const queued_request& r, std::string code,
                       std::string msg) {
  request_outcome o;
  o.request_id = r.id;
  o.kind = outcome_kind::permanent;
  o.error_code = std::move(code);
  o.error_message = std::move(msg);
  return o;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : ",") + s;
  return out;
}

upstream_call base_call(const std::string& token, std::string target,
                        std::string label) {
  upstream_call c;
  c.method = "GET";
  c.target = std::move(target);
  c.headers = {{"Authorization", "Bearer " + token},
               {"Accept", "application/json"}};
  c.quota_units = 1;
  c.scope = token_scope(token);
  c.label = std::move(label);
  return c;
}

/// The stats target of a request: the account's stats with a breakdown, or
/// the pixel's.
std::string stats_target(const resolved_request& r, std::int64_t first,
                         std::int64_t last, bool daily,
                         const std::vector<std::string>& fields) {
  const auto& s = r.spec;
  std::string t = s.breakdown.empty()
                      ? "/v1/pixels/" + s.pixel_id + "/stats"
                      : "/v1/adaccounts/" + r.account + "/stats";
  t += "?granularity=" + std::string{daily ? "DAY" : "TOTAL"};
  t += "&fields=" + encode(join(fields));
  t += "&start_time=" + encode(format_day(first, s.offset));
  t += "&end_time=" + encode(format_day(last, s.offset));
  if (!s.breakdown.empty()) t += "&breakdown=" + s.breakdown;
  return t;
}

std::shared_ptr<sc_call_context> context_for(call_shape shape,
                                             const std::string& token) {
  auto ctx = std::make_shared<sc_call_context>();
  ctx->shape = shape;
  ctx->scope = token_scope(token);
  return ctx;
}

} // namespace

resolution resolve_request(const queued_request& r, const plan_context& ctx) {
  resolution out;
  auto parsed = parse_snapchat_request(r.request_type, r.params);
  if (!parsed.spec) {
    out.rejected = reject(r, "invalid_params", parsed.error);
    return out;
  }
  resolved_request rr;
  rr.request = &r;
  rr.spec = std::move(*parsed.spec);
  auto it = ctx.credentials.find(r.connection_id);
  if (it == ctx.credentials.end() || it->second.token.empty()) {
    out.rejected = reject(r, "missing_token",
                          "the connection has no Snapchat access token");
    return out;
  }
  rr.token = it->second.token;
  bool needs_account =
      rr.spec.op == op_kind::list ||
      (rr.spec.op == op_kind::stats && !rr.spec.breakdown.empty());
  if (needs_account) {
    rr.account = rr.spec.account;
    if (rr.account.empty())
      if (const auto* v = it->second.account_ids.if_contains("ad_account_id");
          v && v->is_string())
        rr.account = std::string{v->as_string()};
    for (auto& ch : rr.account)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (rr.account.empty()) {
      out.rejected =
          reject(r, "missing_ad_account_id",
                 r.request_type +
                     ": no params.ad_account_id and the connection has no "
                     "ad_account_id");
      return out;
    }
  }
  if (rr.spec.op == op_kind::stats && !rr.spec.has_range) {
    auto today = std::chrono::duration_cast<std::chrono::days>(
                     ctx.now.time_since_epoch())
                     .count();
    auto [a, b] = default_range(today);
    rr.spec.first_day = a;
    rr.spec.last_day = b;
    rr.spec.has_range = true;
  }
  out.ok = std::move(rr);
  return out;
}

plan plan_snapchat(std::span<const queued_request> requests,
                   const plan_context& ctx) {
  plan out;
  // Group key -> resolved requests, in arrival order.
  std::map<std::string, std::vector<resolved_request>> groups;
  for (const auto& q : requests) {
    auto res = resolve_request(q, ctx);
    if (res.rejected) {
      out.rejected.push_back(std::move(*res.rejected));
      continue;
    }
    auto& r = *res.ok;
    const auto& s = r.spec;
    std::string key = r.token + '\x1f';
    switch (s.op) {
    case op_kind::orgs:
      key += "orgs";
      break;
    case op_kind::list:
      key += "list\x1f" + r.account + '\x1f' + s.collection;
      break;
    case op_kind::targeting:
      key += "tgt\x1f" + s.dimension + '\x1f' + s.target_type;
      break;
    case op_kind::stats:
      key += s.breakdown.empty() ? "pixel\x1f" + s.pixel_id + '\x1f' + s.offset
                                 : "stats\x1f" + r.account + '\x1f' +
                                       s.breakdown + '\x1f' + s.offset;
      break;
    }
    groups[key].push_back(std::move(r));
  }

  auto add_parts = [](sc_call_context& c,
                      const std::vector<const resolved_request*>& rs) {
    for (const auto* r : rs)
      c.parts.push_back(part{r->request->id, r->spec, r->account});
  };
  auto serves = [](upstream_call& call,
                   const std::vector<const resolved_request*>& rs) {
    for (const auto* r : rs)
      call.serves.push_back(r->request->id);
  };

  for (auto& [key, rs] : groups) {
    const auto& first = rs.front();
    std::vector<const resolved_request*> all;
    for (const auto& r : rs)
      all.push_back(&r);
    switch (first.spec.op) {
    case op_kind::orgs: {
      auto call =
          base_call(first.token, "/v1/me/organizations?with_ad_accounts=true",
                    "organizations with ad accounts");
      auto c = context_for(call_shape::orgs, first.token);
      add_parts(*c, all);
      serves(call, all);
      call.context = c;
      out.calls.push_back(std::move(call));
      break;
    }
    case op_kind::list: {
      auto call = base_call(first.token,
                            "/v1/adaccounts/" + first.account + "/" +
                                first.spec.collection,
                            "list " + first.spec.collection);
      auto c = context_for(call_shape::list, first.token);
      c->account = first.account;
      c->entity = first.spec.entity;
      add_parts(*c, all);
      serves(call, all);
      call.context = c;
      out.calls.push_back(std::move(call));
      break;
    }
    case op_kind::targeting: {
      auto call = base_call(first.token,
                            "/v1/targeting/" + first.spec.dimension + "/" +
                                first.spec.target_type,
                            "targeting " + first.spec.dimension + "/" +
                                first.spec.target_type);
      auto c = context_for(call_shape::targeting, first.token);
      c->entity = first.spec.target_type;
      add_parts(*c, all);
      serves(call, all);
      call.context = c;
      out.calls.push_back(std::move(call));
      break;
    }
    case op_kind::stats: {
      // Windows of at most max_range_days: the earliest start opens a
      // window holding every request that ends within it; repeat.
      std::vector<const resolved_request*> sorted = all;
      std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
        return a->spec.first_day < b->spec.first_day;
      });
      std::vector<char> taken(sorted.size(), 0);
      for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (taken[i]) continue;
        auto start = sorted[i]->spec.first_day;
        std::vector<const resolved_request*> in;
        for (std::size_t j = i; j < sorted.size(); ++j)
          if (!taken[j] && sorted[j]->spec.last_day <= start + max_range_days) {
            taken[j] = 1;
            in.push_back(sorted[j]);
          }
        std::int64_t lo = start, hi = start;
        bool same_total = true;
        std::set<std::string> fields;
        for (auto* r : in) {
          hi = std::max(hi, r->spec.last_day);
          fields.insert(r->spec.fields.begin(), r->spec.fields.end());
          same_total = same_total && !r->spec.daily &&
                       r->spec.first_day == in.front()->spec.first_day &&
                       r->spec.last_day == in.front()->spec.last_day;
        }
        // Daily values unless every request wants the same TOTAL.
        bool daily = !same_total;
        std::vector<std::string> fv(fields.begin(), fields.end());
        auto call = base_call(
            first.token, stats_target(*in.front(), lo, hi, daily, fv),
            first.spec.breakdown.empty() ? "pixel stats"
                                         : "stats by " + first.spec.breakdown);
        auto c = context_for(call_shape::stats, first.token);
        c->account = first.account;
        c->first_day = lo;
        c->last_day = hi;
        c->daily = daily;
        c->breakdown = first.spec.breakdown;
        add_parts(*c, in);
        serves(call, in);
        call.context = c;
        out.calls.push_back(std::move(call));
      }
      break;
    }
    }
  }
  return out;
}

upstream_call naive_snapchat_call(const queued_request& q,
                                  const plan_context& ctx) {
  auto res = resolve_request(q, ctx);
  if (!res.ok) {
    // Nothing to call: a call the splitter answers with the rejection.
    upstream_call c = base_call("", "/v1/me", "rejected");
    auto rc = std::make_shared<sc_call_context>();
    rc->rejected = std::move(res.rejected);
    c.serves = {q.id};
    c.context = rc;
    return c;
  }
  auto& r = *res.ok;
  const auto& s = r.spec;
  upstream_call call;
  std::shared_ptr<sc_call_context> c;
  switch (s.op) {
  case op_kind::orgs:
    if (!s.parent_id.empty()) {
      call =
          base_call(r.token, "/v1/organizations/" + s.parent_id + "/adaccounts",
                    "organization's ad accounts");
      c = context_for(call_shape::list, r.token);
      c->entity = "adaccount";
    } else {
      call = base_call(r.token, "/v1/me/organizations?with_ad_accounts=true",
                       "organizations with ad accounts");
      c = context_for(call_shape::orgs, r.token);
    }
    break;
  case op_kind::list:
    call = base_call(r.token,
                     s.parent_id.empty()
                         ? "/v1/adaccounts/" + r.account + "/" + s.collection
                         : "/v1/" + s.parent_plural + "/" + s.parent_id + "/" +
                               s.collection,
                     "list " + s.collection);
    c = context_for(call_shape::list, r.token);
    c->entity = s.entity;
    break;
  case op_kind::targeting:
    call =
        base_call(r.token, "/v1/targeting/" + s.dimension + "/" + s.target_type,
                  "targeting");
    c = context_for(call_shape::targeting, r.token);
    c->entity = s.target_type;
    break;
  case op_kind::stats:
    call = base_call(
        r.token, stats_target(r, s.first_day, s.last_day, s.daily, s.fields),
        "stats");
    c = context_for(call_shape::stats, r.token);
    c->first_day = s.first_day;
    c->last_day = s.last_day;
    c->daily = s.daily;
    c->breakdown = s.breakdown;
    break;
  }
  c->own = true;
  c->account = r.account;
  c->parts.push_back(part{q.id, s, r.account});
  call.serves = {q.id};
  call.context = c;
  return call;
}

} // namespace adbatch::platforms::snapchat
