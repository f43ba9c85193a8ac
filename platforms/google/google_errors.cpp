#include "platforms/google/google_errors.hpp"

#include "platforms/google/google_json.hpp"

#include <charconv>
#include <cmath>

namespace adbatch::platforms::google {

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::string str(const json::object& o, std::string_view key) {
  auto v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

bool is_quota(const ads_error& e) {
  return e.category == "quotaError";
}

/// "Retry in 37 seconds." (adbatch-sim's daily message) -> 37 s.
std::optional<milliseconds> retry_in_message(std::string_view msg) {
  auto at = msg.find("Retry in ");
  if (at == std::string_view::npos) return std::nullopt;
  auto rest = msg.substr(at + 9);
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
  if (ec != std::errc{} || n < 0) return std::nullopt;
  if (std::string_view(p, rest.data() + rest.size()).substr(0, 8) != " seconds")
    return std::nullopt;
  return std::chrono::duration_cast<milliseconds>(std::chrono::seconds{n});
}

/// Until the next midnight Pacific Standard Time (UTC-8): when Google's
/// daily quota starts over.
milliseconds until_pacific_midnight(time_point now) {
  auto ms = std::chrono::duration_cast<milliseconds>(now.time_since_epoch());
  auto shifted = ms - 8h;
  auto day = std::chrono::duration_cast<milliseconds>(24h).count();
  auto into = ((shifted.count() % day) + day) % day;
  return milliseconds{day - into};
}

} // namespace

std::optional<milliseconds> parse_google_duration(std::string_view s) {
  if (s.size() < 2 || s.back() != 's') return std::nullopt;
  s.remove_suffix(1);
  double secs = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), secs);
  if (ec != std::errc{} || p != s.data() + s.size() || secs < 0 ||
      !std::isfinite(secs))
    return std::nullopt;
  return milliseconds{static_cast<std::int64_t>(std::ceil(secs * 1000.0))};
}

std::vector<ads_error> parse_ads_errors(const json::value& details) {
  std::vector<ads_error> out;
  const auto* arr = details.if_array();
  if (!arr) return out;
  for (const auto& d : *arr) {
    const auto* dobj = d.if_object();
    if (!dobj) continue;
    const auto* errs = dobj->if_contains("errors");
    if (!errs || !errs->is_array()) continue;
    for (const auto& e : errs->as_array()) {
      const auto* eo = e.if_object();
      if (!eo) continue;
      ads_error x;
      x.message = str(*eo, "message");
      if (auto c = eo->if_contains("errorCode"); c && c->is_object())
        for (const auto& [k, v] : c->as_object()) {
          x.category = std::string(k);
          if (v.is_string()) x.code = std::string(v.as_string());
          break;
        }
      if (auto loc = eo->if_contains("location"); loc && loc->is_object())
        if (auto fp = loc->as_object().if_contains("fieldPathElements");
            fp && fp->is_array() && !fp->as_array().empty())
          if (const auto* first = fp->as_array()[0].if_object();
              first && str(*first, "fieldName") == "operations")
            if (auto idx = first->if_contains("index")) {
              if (idx->is_int64() && idx->as_int64() >= 0)
                x.operation = static_cast<std::size_t>(idx->as_int64());
              else if (idx->is_uint64())
                x.operation = static_cast<std::size_t>(idx->as_uint64());
            }
      if (auto det = eo->if_contains("details"); det && det->is_object())
        if (auto q = det->as_object().if_contains("quotaErrorDetails");
            q && q->is_object()) {
          const auto& qo = q->as_object();
          x.rate_scope = str(qo, "rateScope");
          x.rate_name = str(qo, "rateName");
          x.retry_delay = parse_google_duration(str(qo, "retryDelay"));
        }
      out.push_back(std::move(x));
    }
  }
  return out;
}

std::optional<google_error> find_google_error(const json::value& body) {
  const json::object* env = nullptr;
  if (const auto* o = body.if_object()) {
    if (auto e = o->if_contains("error"); e && e->is_object())
      env = &e->as_object();
  } else if (const auto* a = body.if_array()) {
    for (const auto& item : *a)
      if (const auto* o = item.if_object())
        if (auto e = o->if_contains("error"); e && e->is_object()) {
          env = &e->as_object();
          break;
        }
  }
  if (!env) return std::nullopt;
  google_error g;
  if (auto c = env->if_contains("code"); c && c->is_int64())
    g.code = static_cast<int>(c->as_int64());
  g.status = str(*env, "status");
  g.message = str(*env, "message");
  if (auto d = env->if_contains("details")) g.errors = parse_ads_errors(*d);
  return g;
}

error_verdict classify_google_error(int http, const google_error* e,
                                    std::string_view customer_id,
                                    time_point now, bool is_write) {
  error_verdict v;
  if (e && e->code != 0 && (http == 0 || http == 200)) http = e->code;
  const ads_error* first =
      e && !e->errors.empty() ? &e->errors.front() : nullptr;
  const ads_error* quota = nullptr;
  if (e)
    for (const auto& x : e->errors)
      if (is_quota(x)) {
        quota = &x;
        break;
      }
  std::string status = e ? e->status : std::string{};
  if (first && !first->code.empty())
    v.error_code = "google_" + first->code;
  else if (!status.empty())
    v.error_code = "google_" + status;
  else
    v.error_code = "http_" + std::to_string(http);
  v.message = first && !first->message.empty() ? first->message
              : e && !e->message.empty()       ? e->message
                                               : "HTTP " + std::to_string(http);
  if (http == 429 || quota || status == "RESOURCE_EXHAUSTED") {
    v.kind = outcome_kind::throttled;
    rate_signal s;
    s.throttled = true;
    bool daily = quota && quota->code == "RESOURCE_EXHAUSTED";
    std::string scope = quota ? quota->rate_scope : std::string{};
    if (scope == "DEVELOPER" || (scope.empty() && daily))
      s.scope = "developer_token";
    else
      s.scope = "customer:" + std::string(customer_id);
    if (quota && quota->retry_delay)
      v.retry_after = quota->retry_delay;
    else if (daily)
      v.retry_after = retry_in_message(quota->message)
                          .value_or(until_pacific_midnight(now));
    s.pause_for = v.retry_after;
    v.signals.push_back(std::move(s));
    return v;
  }
  if (http >= 500 || http == 408) {
    bool deadline = http == 504 || status == "DEADLINE_EXCEEDED";
    v.kind = is_write && deadline ? outcome_kind::ambiguous
                                  : outcome_kind::transient;
    return v;
  }
  v.kind = outcome_kind::permanent;
  return v;
}

std::vector<rate_signal> google_rate_signals(const upstream_reply& reply,
                                             std::string_view customer_id,
                                             time_point now) {
  if (reply.transport_error || reply.status < 400) return {};
  auto body = parse_json_exact(reply.body);
  std::optional<google_error> e;
  if (body) e = find_google_error(*body);
  auto v = classify_google_error(reply.status, e ? &*e : nullptr, customer_id,
                                 now, false);
  return v.signals;
}

} // namespace adbatch::platforms::google
