#include "platforms/registry.hpp"

#include "platforms/google/google_adapter.hpp"
#include "platforms/linkedin/linkedin_adapter.hpp"
#include "platforms/meta/meta_adapter.hpp"
#include "platforms/twitter/twitter_adapter.hpp"
#include "platforms/snapchat/snapchat_adapter.hpp"
#include "platforms/tiktok/tiktok_adapter.hpp"

#include <boost/json/parse.hpp>

namespace adbatch::platforms {

std::shared_ptr<const platform_adapter> adapter_for(platform_id p) {
  // Built once, shared by every batcher and the enqueue check.
  static const std::shared_ptr<const platform_adapter> meta =
      make_meta_adapter();
  static const std::shared_ptr<const platform_adapter> google =
      make_google_adapter();
  static const std::shared_ptr<const platform_adapter> twitter =
      make_twitter_adapter();
  static const std::shared_ptr<const platform_adapter> linkedin =
      make_linkedin_adapter();
  static const std::shared_ptr<const platform_adapter> snapchat =
      make_snapchat_adapter();
  static const std::shared_ptr<const platform_adapter> tiktok =
      make_tiktok_adapter();
  switch (p) {
  case platform_id::meta:
    return meta;
  case platform_id::google:
    return google;
  case platform_id::twitter:
    return twitter;
  case platform_id::linkedin:
    return linkedin;
  case platform_id::snapchat:
    return snapchat;
  case platform_id::tiktok:
    return tiktok;
  default:
    return nullptr;
  }
}

plan_cost minimum_cost(platform_id p, std::span<const queued_request> requests,
                       const plan_context& ctx) {
  switch (p) {
  case platform_id::meta:
    return meta_minimum_cost(requests, ctx);
  case platform_id::google:
    return google_minimum_cost(requests, ctx);
  case platform_id::twitter:
    return twitter_minimum_cost(requests, ctx);
  case platform_id::linkedin:
    return linkedin_minimum_cost(requests, ctx);
  case platform_id::snapchat:
    return snapchat_minimum_cost(requests, ctx);
  case platform_id::tiktok:
    return tiktok_minimum_cost(requests, ctx);
  default:
    return {};
  }
}

std::string validate_request(platform_id p, std::string_view request_type,
                             std::string_view params_json) {
  auto adapter = adapter_for(p);
  if (!adapter) return {};
  boost::system::error_code ec;
  auto v = boost::json::parse(params_json, ec);
  if (ec || !v.is_object()) return "params must be a JSON object";
  return adapter->validate(request_type, v.as_object());
}

} // namespace adbatch::platforms
