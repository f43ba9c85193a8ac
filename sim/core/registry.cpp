#include "sim/core/registry.hpp"

namespace adbatch::sim {

const std::vector<platform_entry>& builtin_platforms() {
  // Lambdas pick the one-argument overloads of the factories.
  static const std::vector<platform_entry> all{
    {"meta", 18101, [](const platform_options& o) { return make_meta(o); }},
    {"google", 18102, [](const platform_options& o) { return make_google(o); }},
    {"tiktok", 18103, [](const platform_options& o) { return make_tiktok(o); }},
    {"linkedin", 18104, [](const platform_options& o) { return make_linkedin(o); }},
    {"twitter", 18105, [](const platform_options& o) { return make_twitter(o); }},
    {"snapchat", 18106, [](const platform_options& o) { return make_snapchat(o); }},
  };
  return all;
}

const platform_entry* find_platform(std::string_view name) {
  for (const auto& e : builtin_platforms())
    if (e.name == name) return &e;
  return nullptr;
}

} // namespace adbatch::sim
