// CAF 0.17's deserializer instantiates fill_range for vectors of every
// registered type; for an enum g++ 12 warns about a value that is always
// written before use. The warning is in CAF's headers, hence before them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "actors/storage_types.hpp"

#include "actors/messages.hpp"

#include <caf/actor_system_config.hpp>
#include <cstdint>
#include <vector>

namespace adbatch {

void register_storage_types(caf::actor_system_config& cfg) {
  using namespace persistence;
  cfg.add_message_type<ad_platform>("adbatch.platform");
  cfg.add_message_type<enqueue_request>("adbatch.enqueue_request");
  cfg.add_message_type<enqueue_result>("adbatch.enqueue_result");
  cfg.add_message_type<claimed_request>("adbatch.claimed_request");
  cfg.add_message_type<std::vector<claimed_request>>(
      "std::vector<adbatch.claimed_request>");
  cfg.add_message_type<claim_result>("adbatch.claim_result");
  cfg.add_message_type<completion>("adbatch.completion");
  cfg.add_message_type<std::vector<completion>>(
      "std::vector<adbatch.completion>");
  cfg.add_message_type<progress_update>("adbatch.progress_update");
  cfg.add_message_type<std::vector<progress_update>>(
      "std::vector<adbatch.progress_update>");
  cfg.add_message_type<failure>("adbatch.failure");
  cfg.add_message_type<std::vector<failure>>("std::vector<adbatch.failure>");
  cfg.add_message_type<batch_outcome>("adbatch.batch_outcome");
  cfg.add_message_type<fail_outcome>("adbatch.fail_outcome");
  cfg.add_message_type<request_view>("adbatch.request_view");
  cfg.add_message_type<queue_stats>("adbatch.queue_stats");
  cfg.add_message_type<std::vector<queue_stats>>(
      "std::vector<adbatch.queue_stats>");
  cfg.add_message_type<platform_connection>("adbatch.platform_connection");
  cfg.add_message_type<std::vector<platform_connection>>(
      "std::vector<adbatch.platform_connection>");
  cfg.add_message_type<execution_log_row>("adbatch.execution_log_row");
  cfg.add_message_type<execution_summary>("adbatch.execution_summary");
  cfg.add_message_type<std::vector<std::int64_t>>("std::vector<int64_t>");
  cfg.add_message_type<std::vector<request_view>>(
      "std::vector<adbatch.request_view>");
  cfg.add_message_type<request_filter>("adbatch.request_filter");
  cfg.add_message_type<claim_options>("adbatch.claim_options");
  cfg.add_message_type<lease_sweep>("adbatch.lease_sweep");
  cfg.add_message_type<webhook_status>("adbatch.webhook_status");
  cfg.add_message_type<webhook_event>("adbatch.webhook_event");
  cfg.add_message_type<store_event_result>("adbatch.store_event_result");
  cfg.add_message_type<claimed_event>("adbatch.claimed_event");
  cfg.add_message_type<std::vector<claimed_event>>(
      "std::vector<adbatch.claimed_event>");
  cfg.add_message_type<event_fail_outcome>("adbatch.event_fail_outcome");
  cfg.add_message_type<storage_status>("adbatch.storage_status");
  cfg.add_message_type<token_rotation>("adbatch.token_rotation");
  cfg.add_message_type<platform_token>("adbatch.platform_token");
  cfg.add_message_type<connection_secret>("adbatch.connection_secret");
}

} // namespace adbatch
