#pragma once

// Every platform's own settings in one value (rate limits, UNCONFIRMED
// behaviours, world sizes), so the config loader, the registry and the front
// end can carry them without knowing each platform. The defaults are each
// struct's defaults: the published figures (see docs/platforms.md).

#include "sim/google/google_platform.hpp"
#include "sim/linkedin/linkedin_platform.hpp"
#include "sim/meta/meta_platform.hpp"
#include "sim/snapchat/snapchat_platform.hpp"
#include "sim/tiktok/tiktok_platform.hpp"
#include "sim/twitter/twitter_platform.hpp"

namespace adbatch::sim {

/// The platform-specific options of all six platforms; each factory reads
/// its own member.
struct specific_options {
  meta_options meta;
  google_options google;
  tiktok_options tiktok;
  linkedin_options linkedin;
  twitter_options twitter;
  snapchat_options snapchat;
};

} // namespace adbatch::sim
