#include "sim/core/counters.hpp"

namespace adbatch::sim {

namespace {
void add(endpoint_counters& c, const accounting& a) {
  ++c.calls;
  c.quota_units += a.quota_units;
  c.items += a.items;
  if (a.error) ++c.errors;
  if (a.throttled) ++c.throttles;
}
} // namespace

void platform_counters::record(const accounting& a) {
  add(total, a);
  add(endpoints[a.endpoint.empty() ? std::string("other") : a.endpoint], a);
}

} // namespace adbatch::sim
