#include "sim/core/registry.hpp"

#include "platforms/common/platform_table.hpp"

namespace adbatch::sim {

namespace {

// Name and default port come from the platform table.
platform_entry entry(platforms::platform_id id, platform_factory factory,
                     specific_factory make) {
  const auto& row = platforms::info(id);
  return {std::string{row.name}, row.sim_port, std::move(factory),
          std::move(make)};
}

} // namespace

const std::vector<platform_entry>& builtin_platforms() {
  // Lambdas pick the one- and two-argument overloads of the factories.
  using platforms::platform_id;
  static const std::vector<platform_entry> all{
    entry(platform_id::meta,
          [](const platform_options& o) { return make_meta(o); },
          [](const platform_options& o, const specific_options& s) {
            return make_meta(o, s.meta);
          }),
    entry(platform_id::google,
          [](const platform_options& o) { return make_google(o); },
          [](const platform_options& o, const specific_options& s) {
            return make_google(o, s.google);
          }),
    entry(platform_id::tiktok,
          [](const platform_options& o) { return make_tiktok(o); },
          [](const platform_options& o, const specific_options& s) {
            return make_tiktok(o, s.tiktok);
          }),
    entry(platform_id::linkedin,
          [](const platform_options& o) { return make_linkedin(o); },
          [](const platform_options& o, const specific_options& s) {
            return make_linkedin(o, s.linkedin);
          }),
    entry(platform_id::twitter,
          [](const platform_options& o) { return make_twitter(o); },
          [](const platform_options& o, const specific_options& s) {
            return make_twitter(o, s.twitter);
          }),
    entry(platform_id::snapchat,
          [](const platform_options& o) { return make_snapchat(o); },
          [](const platform_options& o, const specific_options& s) {
            return make_snapchat(o, s.snapchat);
          }),
  };
  return all;
}

const platform_entry* find_platform(std::string_view name) {
  for (const auto& e : builtin_platforms())
    if (e.name == name) return &e;
  return nullptr;
}

} // namespace adbatch::sim
