#include "platforms/common/pipeline.hpp"

namespace adbatch::platforms {

std::string_view to_string(outcome_kind k) {
  switch (k) {
  case outcome_kind::completed:
    return "completed";
  case outcome_kind::throttled:
    return "throttled";
  case outcome_kind::not_attempted:
    return "not_attempted";
  case outcome_kind::transient:
    return "transient";
  case outcome_kind::permanent:
    return "permanent";
  case outcome_kind::ambiguous:
    return "ambiguous";
  case outcome_kind::waiting:
    return "waiting";
  }
  return "unknown";
}

plan_cost cost_of(const plan& p) {
  plan_cost c;
  for (const auto& call : p.calls) {
    c.quota_units += call.quota_units;
    c.calls += 1;
  }
  return c;
}

std::optional<std::string>
upstream_reply::header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

} // namespace adbatch::platforms
