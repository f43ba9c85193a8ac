#include "actors/rate_limiter.hpp"

#include "actors/error.hpp"
#include "common/logger.hpp"

#include <caf/stateful_actor.hpp>

namespace adbatch {

caf::error validate(const rate_limiter_config& cfg) {
  if (cfg.capacity <= 0)
    return make_error(ec::invalid_config, "rate_limiter: capacity must be > 0");
  if (cfg.period <= caf::timespan{0})
    return make_error(ec::invalid_config, "rate_limiter: period must be > 0");
  return {};
}

rate_limiter_actor::behavior_type
make_rate_limiter(rate_limiter_actor::stateful_pointer<rate_limiter_state> self,
                  rate_limiter_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.bucket.emplace(
      st.cfg.capacity,
      std::chrono::duration_cast<platforms::token_bucket::duration>(
          st.cfg.period),
      self->clock().now());
  st.counters.platform = st.cfg.platform;
  st.counters.capacity = st.cfg.capacity;
  st.counters.period = st.cfg.period;
  return {
      [self](atom::acquire, const std::string& scope, std::int64_t units,
             caf::timespan max_wait) -> rate_grant {
        auto& st = self->state;
        auto g = st.bucket->acquire(
            units, self->clock().now(),
            std::chrono::duration_cast<platforms::token_bucket::duration>(
                max_wait));
        rate_grant out{g.granted,
                       std::chrono::duration_cast<caf::timespan>(g.wait)};
        if (g.granted) {
          ++st.counters.granted;
          st.counters.units_granted += units;
        } else {
          ++st.counters.denied;
          log().debug(
              "rate_limiter {} defers {} units of {} for {} ms",
              st.cfg.platform, units, scope,
              std::chrono::duration_cast<std::chrono::milliseconds>(g.wait)
                  .count());
        }
        return out;
      },
      [self](atom::refund, const std::string&, std::int64_t units) {
        self->state.bucket->refund(units, self->clock().now());
      },
      [self](atom::status) -> rate_limiter_status {
        auto& st = self->state;
        auto out = st.counters;
        out.available = st.bucket->available(self->clock().now());
        return out;
      },
      [](atom::ping) { return caf::ok_atom::value; },
  };
}

} // namespace adbatch
