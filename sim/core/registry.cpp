#include "sim/core/registry.hpp"

namespace adbatch::sim {

const std::vector<platform_entry>& builtin_platforms() {
  // Lambdas pick the one- and two-argument overloads of the factories.
  static const std::vector<platform_entry> all{
    {"meta", 18101, [](const platform_options& o) { return make_meta(o); },
     [](const platform_options& o, const specific_options& s) { return make_meta(o, s.meta); }},
    {"google", 18102, [](const platform_options& o) { return make_google(o); },
     [](const platform_options& o, const specific_options& s) {
       return make_google(o, s.google);
     }},
    {"tiktok", 18103, [](const platform_options& o) { return make_tiktok(o); },
     [](const platform_options& o, const specific_options& s) {
       return make_tiktok(o, s.tiktok);
     }},
    {"linkedin", 18104, [](const platform_options& o) { return make_linkedin(o); },
     [](const platform_options& o, const specific_options& s) {
       return make_linkedin(o, s.linkedin);
     }},
    {"twitter", 18105, [](const platform_options& o) { return make_twitter(o); },
     [](const platform_options& o, const specific_options& s) {
       return make_twitter(o, s.twitter);
     }},
    {"snapchat", 18106, [](const platform_options& o) { return make_snapchat(o); },
     [](const platform_options& o, const specific_options& s) {
       return make_snapchat(o, s.snapchat);
     }},
  };
  return all;
}

const platform_entry* find_platform(std::string_view name) {
  for (const auto& e : builtin_platforms())
    if (e.name == name) return &e;
  return nullptr;
}

} // namespace adbatch::sim
