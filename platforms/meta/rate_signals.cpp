#include "platforms/meta/rate_signals.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace adbatch::platforms::meta {

namespace json = boost::json;

namespace {

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::optional<double> number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_double()) return v->as_double();
  return std::nullopt;
}

double max_percent(const json::object& o) {
  double p = 0;
  for (auto k : {"call_count", "total_cputime", "total_time"})
    p = std::max(p, number(o, k).value_or(0));
  return p;
}

const std::string* find(const std::map<std::string, std::string>& h,
                        const std::string& name) {
  auto it = h.find(name);
  return it == h.end() ? nullptr : &it->second;
}

} // namespace

std::vector<buc_usage> parse_buc_usage(std::string_view header) {
  std::vector<buc_usage> out;
  auto o = parse_object(header);
  if (!o) return out;
  for (const auto& kv : *o) {
    const auto* arr = kv.value().if_array();
    if (!arr) continue;
    for (const auto& e : *arr) {
      const auto* eo = e.if_object();
      if (!eo) continue;
      buc_usage u;
      u.object_id = std::string(kv.key());
      if (const auto* t = eo->if_contains("type"); t && t->is_string())
        u.type = std::string(t->as_string());
      u.used_percent = max_percent(*eo);
      u.regain_minutes = static_cast<std::int64_t>(
          number(*eo, "estimated_time_to_regain_access").value_or(0));
      out.push_back(std::move(u));
    }
  }
  return out;
}

std::vector<buc_usage>
buc_usage_of(const std::map<std::string, std::string>& h) {
  std::vector<buc_usage> out;
  for (auto name : {"x-business-use-case-usage", "x-business-use-case"})
    if (const auto* v = find(h, name)) {
      auto more = parse_buc_usage(*v);
      out.insert(out.end(), more.begin(), more.end());
    }
  return out;
}

std::vector<rate_signal>
parse_rate_headers(const std::map<std::string, std::string>& h) {
  std::vector<rate_signal> out;
  auto percent_signal = [](std::string scope, double pct) {
    rate_signal s;
    s.scope = std::move(scope);
    s.used_fraction = std::max(0.0, pct) / 100.0;
    s.throttled = pct >= 100.0;
    return s;
  };
  if (const auto* v = find(h, "x-app-usage"))
    if (auto o = parse_object(*v))
      out.push_back(percent_signal("app", max_percent(*o)));
  for (const auto& u : buc_usage_of(h)) {
    auto s =
        percent_signal("buc:" + u.object_id + ":" + u.type, u.used_percent);
    if (u.regain_minutes > 0) {
      s.throttled = true;
      s.pause_for = milliseconds{u.regain_minutes * 60'000};
    }
    out.push_back(std::move(s));
  }
  if (const auto* v = find(h, "x-ad-account-usage"))
    if (auto o = parse_object(*v)) {
      auto pct = number(*o, "acc_id_util_pct").value_or(0);
      auto s = percent_signal("ad_account", pct);
      auto reset = number(*o, "reset_time_duration").value_or(0);
      if (s.throttled && reset > 0)
        s.pause_for = milliseconds{static_cast<std::int64_t>(reset * 1000)};
      out.push_back(std::move(s));
    }
  if (const auto* v = find(h, "x-fb-ads-insights-throttle"))
    if (auto o = parse_object(*v)) {
      out.push_back(percent_signal("insights:app",
                                   number(*o, "app_id_util_pct").value_or(0)));
      out.push_back(percent_signal("insights:ad_account",
                                   number(*o, "acc_id_util_pct").value_or(0)));
    }
  return out;
}

bool is_throttle_code(std::int64_t code) {
  return code == 4 || code == 17 || code == 32 || code == 341 || code == 613 ||
         (code >= 80000 && code <= 80014);
}

std::string_view buc_type_of(std::int64_t code) {
  switch (code) {
  case 80000:
    return "ads_insights";
  case 80001:
    return "pages";
  case 80002:
    return "instagram";
  case 80003:
    return "custom_audience";
  case 80004:
    return "ads_management";
  case 80005:
    return "leadgen";
  case 80006:
    return "messenger";
  case 80008:
    return "whatsapp_business_management";
  case 80009:
    return "catalog_management";
  case 80014:
    return "catalog_batch";
  default:
    return code >= 80000 && code <= 80014 ? "business_use_case" : "";
  }
}

milliseconds throttle_retry_after(std::int64_t code,
                                  const std::optional<std::string>& account,
                                  const std::vector<buc_usage>& buc,
                                  milliseconds fallback) {
  auto type = buc_type_of(code);
  std::int64_t exact = 0, same_type = 0;
  for (const auto& u : buc) {
    bool type_ok = type.empty() || u.type == type;
    if (!type_ok) continue;
    same_type = std::max(same_type, u.regain_minutes);
    if (account && u.object_id == *account)
      exact = std::max(exact, u.regain_minutes);
  }
  auto minutes = exact > 0 ? exact : same_type;
  if (minutes > 0) return milliseconds{minutes * 60'000};
  return fallback;
}

rate_signal throttle_signal(std::int64_t code,
                            const std::optional<std::string>& account,
                            milliseconds pause) {
  rate_signal s;
  s.throttled = true;
  s.pause_for = pause;
  auto type = buc_type_of(code);
  if (!type.empty())
    s.scope = "buc:" + account.value_or("*") + ":" + std::string(type);
  else if (code == 17)
    s.scope = "user";
  else if (code == 32)
    s.scope = "pages";
  else
    s.scope = "app";
  return s;
}

} // namespace adbatch::platforms::meta
