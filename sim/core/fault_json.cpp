#include "sim/core/fault_json.hpp"

#include <boost/json.hpp>

namespace adbatch::sim {

namespace json = boost::json;

std::string fault_profile_to_json(const fault_profile& f) {
  json::object o;
  o["error_rate"] = f.error_rate;
  o["partial_batch_rate"] = f.partial_batch_rate;
  o["throttle_rate"] = f.throttle_rate;
  o["throttle_storm"] = f.throttle_storm;
  o["timeout_rate"] = f.timeout_rate;
  o["drop_rate"] = f.drop_rate;
  o["latency_min_ms"] = f.latency_min.count();
  o["latency_max_ms"] = f.latency_max.count();
  return json::serialize(o);
}

std::string validate(const fault_profile& f) {
  auto rate_ok = [](double r) { return r >= 0.0 && r <= 1.0; };
  if (!rate_ok(f.error_rate)) return "error_rate must be within [0, 1]";
  if (!rate_ok(f.partial_batch_rate)) return "partial_batch_rate must be within [0, 1]";
  if (!rate_ok(f.throttle_rate)) return "throttle_rate must be within [0, 1]";
  if (!rate_ok(f.timeout_rate)) return "timeout_rate must be within [0, 1]";
  if (!rate_ok(f.drop_rate)) return "drop_rate must be within [0, 1]";
  if (f.latency_min.count() < 0 || f.latency_max.count() < 0)
    return "latencies must not be negative";
  if (f.latency_max < f.latency_min)
    return "latency_max_ms must not be below latency_min_ms";
  return {};
}

std::optional<fault_profile> apply_fault_json(std::string_view text,
                                              const fault_profile& base,
                                              std::string& error) {
  json::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    error = "body must be a JSON object";
    return std::nullopt;
  }
  fault_profile f = base;
  bool max_given = false;
  for (const auto& [key, val] : v.as_object()) {
    auto number = [&](double& out) {
      if (!val.is_number()) return false;
      out = val.to_number<double>();
      return true;
    };
    bool ok = true;
    double d = 0;
    if (key == "error_rate") ok = number(f.error_rate);
    else if (key == "partial_batch_rate") ok = number(f.partial_batch_rate);
    else if (key == "throttle_rate") ok = number(f.throttle_rate);
    else if (key == "timeout_rate") ok = number(f.timeout_rate);
    else if (key == "drop_rate") ok = number(f.drop_rate);
    else if (key == "throttle_storm") {
      ok = val.is_bool();
      if (ok) f.throttle_storm = val.as_bool();
    } else if (key == "latency_min_ms") {
      ok = number(d);
      f.latency_min = std::chrono::milliseconds(static_cast<long long>(d));
    } else if (key == "latency_max_ms") {
      ok = number(d);
      f.latency_max = std::chrono::milliseconds(static_cast<long long>(d));
      max_given = true;
    } else {
      error = "unknown field '" + std::string(key) + "'";
      return std::nullopt;
    }
    if (!ok) {
      error = "bad value for '" + std::string(key) + "'";
      return std::nullopt;
    }
  }
  // Setting only a minimum means a fixed latency.
  if (!max_given && f.latency_max < f.latency_min) f.latency_max = f.latency_min;
  error = validate(f);
  if (!error.empty()) return std::nullopt;
  return f;
}

} // namespace adbatch::sim
