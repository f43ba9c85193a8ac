#include "actors/system_config.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

#include "actors/types.hpp"

namespace adbatch {

void configure_actor_system(caf::actor_system_config& cfg) {
  register_types(cfg);
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  cfg.set("work-stealing.aggressive-poll-attempts", 10);
  cfg.set("work-stealing.moderate-poll-attempts", 10);
}

} // namespace adbatch
