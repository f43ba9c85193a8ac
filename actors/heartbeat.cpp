#include "actors/heartbeat.hpp"

#include <caf/stateful_actor.hpp>

#include "common/logger.hpp"

namespace adbatch {

heartbeat_actor::behavior_type
make_heartbeat(heartbeat_actor::stateful_pointer<heartbeat_state> self,
               std::string node_name, std::chrono::milliseconds interval) {
  self->state.node_name = std::move(node_name);
  self->state.started = self->clock().now();
  self->delayed_send(self, interval, atom::tick::value);
  return {
    [](atom::ping) { return caf::ok_atom::value; },
    [self, interval](atom::tick) {
      // Re-armed first, so a slow log sink cannot stretch the period.
      self->delayed_send(self, interval, atom::tick::value);
      auto& st = self->state;
      ++st.beats;
      auto up = std::chrono::duration_cast<std::chrono::seconds>(
        self->clock().now() - st.started);
      log().debug("heartbeat sees node {} up for {} s", st.node_name,
                  up.count());
    },
  };
}

} // namespace adbatch
