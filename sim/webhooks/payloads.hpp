#pragma once

// Realistic webhook payloads per platform, derived from a seed and an event
// index. Each event has a stable external id (what a receiver de-duplicates
// on); the body is rendered per delivery attempt because some platforms put
// the send time into it (Meta's entry[].time changes on every retry).
// Pure: no I/O, no clock.

#include <cstdint>
#include <string>

#include "sim/webhooks/signing.hpp"

namespace adbatch::sim::webhooks {

/// One logical event a platform notifies about.
struct webhook_event {
  source platform = source::meta;
  std::uint64_t seed = 0;
  std::uint64_t index = 0;
  /// The platform's own id of the notified object: Meta leadgen_id or
  /// comment_id, WhatsApp wamid, TikTok publish_id, X tweet / DM id,
  /// LinkedIn leadGenFormResponse URN.
  std::string external_id;
  std::string kind;  ///< "leadgen", "feed", "messages", "tweet_create_events", ...
  std::int64_t created_unix = 0;  ///< when the event happened (stable)
};

/// The index-th event of a platform for that seed.
webhook_event make_event(source platform, std::uint64_t seed, std::uint64_t index);

/// The JSON body of one delivery of `e` sent at `send_unix` (seconds).
std::string render_body(const webhook_event& e, std::int64_t send_unix);

} // namespace adbatch::sim::webhooks
