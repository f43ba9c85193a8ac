#include "actors/types.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include "actors/error.hpp"
#include "actors/messages.hpp"
#include "actors/storage_types.hpp"

namespace adbatch {

void register_types(caf::actor_system_config& cfg) {
  cfg.add_error_category(
    caf::atom("adbatch"),
    [](std::uint8_t code, caf::atom_value, const caf::message& ctx) {
      return render(make_error(static_cast<ec>(code),
                               ctx.size() == 1
                                   && ctx.match_element<std::string>(0)
                                 ? ctx.get_as<std::string>(0)
                                 : std::string{}));
    });
  // Message types: cfg.add_message_type<T>("name"); one line per type.
  register_storage_types(cfg);
  cfg.add_message_type<child_status>("adbatch.child_status");
  cfg.add_message_type<rate_grant>("adbatch.rate_grant");
  cfg.add_message_type<rate_limiter_status>("adbatch.rate_limiter_status");
  cfg.add_message_type<flush_summary>("adbatch.flush_summary");
  cfg.add_message_type<batcher_status>("adbatch.batcher_status");
  cfg.add_message_type<upstream_answer>("adbatch.upstream_answer");
  cfg.add_message_type<std::vector<child_status>>(
    "std::vector<adbatch.child_status>");
}

} // namespace adbatch
