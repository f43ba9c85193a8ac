#include "sim/config/sim_platform_options.hpp"

#include <cctype>
#include <map>

namespace adbatch::config::detail {

namespace {

/// Budgets stay far below int64 so that limit_scale cannot overflow them.
constexpr std::int64_t big = 1'000'000'000'000;

/// Fails at `key` of the options mapping `node` (or at the mapping).
[[noreturn]] void fail_at(const section& s, const YAML::Node& node,
                          const std::string& key, std::string message,
                          const context& ctx) {
  auto n = sub(node, key);
  auto mark = n.IsDefined() && n.Mark().line >= 0 ? n.Mark() : node.Mark();
  ctx.fail(mark, join(s.path(), key), std::move(message));
}

/// "202411": six digits, month 01..12.
bool is_version(const std::string& v) {
  if (v.size() != 6) return false;
  for (char c : v)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  int month = std::stoi(v.substr(4));
  return month >= 1 && month <= 12;
}

/// `key: [1, 2, ...]` of a token_owners grant: 1-based indexes.
void read_indexes(const context& ctx, section& g, const YAML::Node& grant,
                  const std::string& key, std::vector<int>& out) {
  g.known(key);
  auto list = sub(grant, key);
  if (!list.IsDefined() || list.IsNull()) return;
  auto path = join(g.path(), key);
  if (!list.IsSequence())
    ctx.fail(list.Mark(), path,
             "expected a list of indexes (1-based), got " + describe(list));
  out.clear();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    auto item_path = path + '[' + std::to_string(i) + ']';
    auto v = item.IsScalar() ? parse_int(item.Scalar()) : std::nullopt;
    if (!v)
      ctx.fail(item.Mark(), item_path,
               "expected an index (integer), got " + describe(item));
    if (auto bad = check_range(*v, 1, 1'000'000, item.Scalar()))
      ctx.fail(item.Mark(), item_path, *bad);
    out.push_back(static_cast<int>(*v));
  }
}

/// token_owners: {<token>: {accounts: [i...], pages: [...], businesses: [...]}}
void read_token_owners(section& s, const YAML::Node& node, const context& ctx,
                       sim::meta::ownership_options& o) {
  auto owners_node = sub(node, "token_owners");
  auto owners = s.child("token_owners");
  if (!owners_node.IsDefined() || owners_node.IsNull()) return;
  std::vector<sim::meta::token_owner> out;
  for (auto it = owners_node.begin(); it != owners_node.end(); ++it) {
    const YAML::Node k = it->first;
    const YAML::Node v = it->second;
    auto token = k.Scalar();
    auto g = owners.child(token);
    if (!v.IsMap() && !v.IsNull())
      ctx.fail(v.Mark(), g.path(),
               "expected a mapping {accounts, pages, businesses}, got "
                 + describe(v));
    sim::meta::token_grant grant;
    read_indexes(ctx, g, v, "accounts", grant.accounts);
    read_indexes(ctx, g, v, "pages", grant.pages);
    read_indexes(ctx, g, v, "businesses", grant.businesses);
    out.push_back({token, std::move(grant)});
  }
  o.token_owners = std::move(out);
}

void read_meta(section& s, const YAML::Node& node, const context& ctx,
               sim::meta_options& m) {
  {
    auto w = s.child("world");
    w.integer("accounts", m.world.accounts, 1, 10000);
    w.integer("max_campaigns", m.world.max_campaigns, 1, 99);
    w.integer("max_adsets", m.world.max_adsets, 1, 99);
    w.integer("max_ads", m.world.max_ads, 1, 99);
    w.integer("pages", m.world.pages, 1, 10000);
    w.integer("max_forms", m.world.max_forms, 1, 99);
    w.integer("max_leads", m.world.max_leads, 5, 9999);
    w.integer("businesses", m.world.businesses, 1, 10000);
    w.integer("max_catalogs", m.world.max_catalogs, 1, 99);
    w.integer("max_whatsapp_accounts", m.world.max_whatsapp_accounts, 1, 99);
    w.integer("max_pixels", m.world.max_pixels, 1, 99);
    w.integer("today", m.world.today, 0, 1'000'000);
  }
  s.integer("ownership_modulus", m.ownership.modulus, 1, 10000);
  read_token_owners(s, node, ctx, m.ownership);
  s.integer("app_active_users", m.app_active_users, 1, 1'000'000'000);
  s.integer("user_calls_per_hour", m.user_calls_per_hour, 1, big);
  s.integer("buc_management_base", m.buc_management_base, 0, big);
  s.integer("buc_management_per_ad", m.buc_management_per_ad, 0, big);
  s.integer("buc_insights_base", m.buc_insights_base, 0, big);
  s.integer("buc_insights_per_ad", m.buc_insights_per_ad, 0, big);
  s.integer("max_batch_ops", m.max_batch_ops, 1, 10000);
  s.integer("max_ids", m.max_ids, 1, 10000);
  s.integer("throttle_http_status", m.throttle_http_status, 400, 599);
  s.string("default_version", m.default_version);
  s.integer("batch_time_budget", m.batch_time_budget, 0, big);
}

void read_google(section& s, const YAML::Node& node, const context& ctx,
                 sim::google_options& g) {
  {
    auto w = s.child("world");
    w.integer("customers", g.world.customers, 1, 10000);
    w.integer("managers", g.world.managers, 1, 1000);
    w.integer("max_campaigns", g.world.max_campaigns, 1, 99);
    w.integer("max_ad_groups", g.world.max_ad_groups, 1, 99);
    w.integer("max_ads", g.world.max_ads, 1, 99);
    w.integer("max_keywords", g.world.max_keywords, 1, 99);
    w.integer("max_conversion_actions", g.world.max_conversion_actions, 1, 99);
    w.integer("max_user_lists", g.world.max_user_lists, 1, 99);
    w.integer("max_assets", g.world.max_assets, 2, 99);
    w.integer("max_campaign_assets", g.world.max_campaign_assets, 1, 99);
    w.integer("today", g.world.today, 0, 1'000'000);
  }
  s.integer("min_version", g.min_version, 1, 999);
  s.integer("max_version", g.max_version, 1, 999);
  if (g.max_version < g.min_version)
    fail_at(s, node, "max_version", "must not be below min_version", ctx);
  s.integer("daily_operations", g.daily_operations, 1, big);
  s.integer("customer_qps", g.customer_qps, 1, big);
  s.integer("max_mutate_operations", g.max_mutate_operations, 1, 1'000'000);
  s.integer("page_size", g.page_size, 1, 1'000'000);
  s.boolean("daily_retry_delay_hint", g.daily_retry_delay_hint);
  s.boolean("omit_default_values", g.omit_default_values);
  s.integer("ownership_modulus", g.ownership_modulus, 1, 1'000'000);
  // token_owners: {access token: [client index, ...]} (1-based indices).
  s.known("token_owners");
  auto owners = sub(node, "token_owners");
  if (owners.IsDefined() && !owners.IsNull()) {
    auto path = join(s.path(), "token_owners");
    if (!owners.IsMap())
      ctx.fail(owners.Mark(), path,
               "expected a mapping of access token -> list of client "
               "indices, got "
                 + describe(owners));
    std::map<std::string, std::vector<int>> out;
    for (auto it = owners.begin(); it != owners.end(); ++it) {
      const YAML::Node k = it->first;
      const YAML::Node v = it->second;
      auto item_path = join(path, k.Scalar());
      if (!v.IsSequence())
        ctx.fail(v.Mark(), item_path,
                 "expected a list of client indices, got " + describe(v));
      std::vector<int> indices;
      for (std::size_t i = 0; i < v.size(); ++i) {
        const YAML::Node x = v[i];
        auto at = item_path + '[' + std::to_string(i) + ']';
        auto n = x.IsScalar() ? parse_int(x.Scalar()) : std::nullopt;
        if (!n)
          ctx.fail(x.Mark(), at, "expected a client index, got " + describe(x));
        if (auto bad = check_range(*n, 1, g.world.customers, x.Scalar()))
          ctx.fail(x.Mark(), at, *bad);
        indices.push_back(static_cast<int>(*n));
      }
      out[k.Scalar()] = std::move(indices);
    }
    g.token_owners = std::move(out);
  }
}

void read_tiktok(section& s, sim::tiktok_options& t) {
  s.integer("app_qps", t.app_qps, 1, big);
  s.integer("app_qpm", t.app_qpm, 1, big);
  s.integer("app_qpd", t.app_qpd, 1, big);
  s.integer("advertiser_qps", t.advertiser_qps, 0, big);
  s.integer("max_advertiser_ids", t.max_advertiser_ids, 1, 1'000'000);
  s.integer("max_page_size", t.max_page_size, 1, 1'000'000);
  s.integer("max_report_page_size", t.max_report_page_size, 1, 1'000'000);
  s.integer("max_library_page_size", t.max_library_page_size, 1, 1'000'000);
  s.integer("max_events", t.max_events, 1, 1'000'000);
  s.integer("ownership_modulus", t.ownership_modulus, 0, 1'000'000);
}

void read_linkedin(section& s, const YAML::Node& node, const context& ctx,
                   sim::linkedin_options& l) {
  {
    auto c = s.child("catalog");
    c.integer("accounts", l.catalog.accounts, 1, 10000);
    c.integer("campaigns_per_account", l.catalog.campaigns_per_account, 1, 1000);
    c.integer("creatives_per_campaign", l.catalog.creatives_per_campaign, 1, 100);
    c.integer("leads_per_account", l.catalog.leads_per_account, 0, 10000);
  }
  std::optional<std::string> current;
  if (!l.current_version.empty()) current = l.current_version;
  s.optional_string("current_version", current);
  l.current_version = current.value_or("");
  if (!l.current_version.empty() && !is_version(l.current_version))
    fail_at(s, node, "current_version",
            "expected a version YYYYMM (e.g. \"202411\"), got " + quote(l.current_version), ctx);
  s.integer("active_months", l.active_months, 1, 240);
  s.strings("active_versions", l.active_versions);
  for (std::size_t i = 0; i < l.active_versions.size(); ++i)
    if (!is_version(l.active_versions[i])) {
      auto item = sub(node, "active_versions")[i];
      ctx.fail(item.Mark(), join(s.path(), "active_versions") + '[' + std::to_string(i) + ']',
               "expected a version YYYYMM (e.g. \"202411\"), got "
                 + quote(l.active_versions[i]));
    }
  s.integer("app_daily_limit", l.app_daily_limit, 1, big);
  s.integer("member_daily_limit", l.member_daily_limit, 1, big);
  s.integer("max_batch_ids", l.max_batch_ids, 0, 1'000'000);
  s.integer("max_page_count", l.max_page_count, 1, 1'000'000);
  s.integer("max_analytics_fields", l.max_analytics_fields, 1, 1000);
  s.integer("max_analytics_elements", l.max_analytics_elements, 1, 100'000'000);
  s.integer("max_analytics_days", l.max_analytics_days, 1, 36500);
  s.integer("ownership_modulus", l.ownership_modulus, 1, 10000);
}

void read_twitter(section& s, const YAML::Node& node, const context& ctx,
                  sim::twitter_options& t) {
  s.integer("app_limit", t.app_limit, 1, big);
  s.integer("user_limit", t.user_limit, 1, big);
  s.duration("window", t.window, 1);
  s.integer("ads_limit", t.ads_limit, 1, big);
  s.integer("stats_account_limit", t.stats_account_limit, 1, big);
  s.integer("job_seconds", t.job_seconds, 0, big);
  std::string body =
    t.throttle == sim::twitter_options::throttle_body::code88 ? "code88" : "problem";
  s.string("throttle_body", body);
  if (body == "code88")
    t.throttle = sim::twitter_options::throttle_body::code88;
  else if (body == "problem")
    t.throttle = sim::twitter_options::throttle_body::problem;
  else
    fail_at(s, node, "throttle_body", "expected code88 or problem, got " + quote(body), ctx);
  // `epoch_origin: ~` (the default) = the wall clock at start.
  auto origin = sub(node, "epoch_origin");
  if (origin.IsDefined() && origin.IsNull()) {
    s.known("epoch_origin");
    t.epoch_origin.reset();
  } else {
    std::int64_t v = t.epoch_origin.value_or(-1);
    s.integer("epoch_origin", v, 0, int64_max);
    if (v >= 0) t.epoch_origin = v;
  }
}

void read_snapchat(section& s, const YAML::Node& node, const context& ctx,
                   sim::snapchat_options& c) {
  s.integer("app_rps", c.app_rps, 1, big);
  s.integer("token_rps", c.token_rps, 1, big);
  s.integer("min_limit", c.min_limit, 1, 1'000'000);
  s.integer("max_limit", c.max_limit, 1, 1'000'000);
  if (c.max_limit < c.min_limit)
    fail_at(s, node, "max_limit", "must not be below min_limit", ctx);
  s.string("nested_accounts_key", c.nested_accounts_key);
  s.integer("max_hour_range", c.max_hour_range, 1, 1'000'000);
}

} // namespace

void read_platform_options(const context& ctx, section& s,
                           const YAML::Node& node, const std::string& platform,
                           sim::specific_options& out) {
  if (platform == "meta") read_meta(s, node, ctx, out.meta);
  else if (platform == "google") read_google(s, node, ctx, out.google);
  else if (platform == "tiktok") read_tiktok(s, out.tiktok);
  else if (platform == "linkedin") read_linkedin(s, node, ctx, out.linkedin);
  else if (platform == "twitter") read_twitter(s, node, ctx, out.twitter);
  else if (platform == "snapchat") read_snapchat(s, node, ctx, out.snapchat);
}

namespace {

template <class V>
void kv(YAML::Emitter& out, const char* key, const V& v) {
  out << YAML::Key << key << YAML::Value << v;
}

} // namespace

void print_platform_options(YAML::Emitter& out, const std::string& platform,
                            const sim::specific_options& o) {
  out << YAML::BeginMap;
  if (platform == "meta") {
    const auto& m = o.meta;
    out << YAML::Key << "world" << YAML::Value << YAML::BeginMap;
    kv(out, "accounts", m.world.accounts);
    kv(out, "max_campaigns", m.world.max_campaigns);
    kv(out, "max_adsets", m.world.max_adsets);
    kv(out, "max_ads", m.world.max_ads);
    kv(out, "pages", m.world.pages);
    kv(out, "max_forms", m.world.max_forms);
    kv(out, "max_leads", m.world.max_leads);
    kv(out, "businesses", m.world.businesses);
    kv(out, "max_catalogs", m.world.max_catalogs);
    kv(out, "max_whatsapp_accounts", m.world.max_whatsapp_accounts);
    kv(out, "max_pixels", m.world.max_pixels);
    kv(out, "today", m.world.today);
    out << YAML::EndMap;
    kv(out, "ownership_modulus", m.ownership.modulus);
    out << YAML::Key << "token_owners" << YAML::Value;
    if (m.ownership.token_owners.empty()) out << YAML::Flow;  // {}
    out << YAML::BeginMap;
    for (const auto& [token, grant] : m.ownership.token_owners) {
      out << YAML::Key << token << YAML::Value << YAML::BeginMap;
      for (auto [key, list] :
           {std::pair{"accounts", &grant.accounts},
            std::pair{"pages", &grant.pages},
            std::pair{"businesses", &grant.businesses}}) {
        out << YAML::Key << key << YAML::Value << YAML::Flow
            << YAML::BeginSeq;
        for (int i : *list) out << i;
        out << YAML::EndSeq;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
    kv(out, "app_active_users", m.app_active_users);
    kv(out, "user_calls_per_hour", m.user_calls_per_hour);
    kv(out, "buc_management_base", m.buc_management_base);
    kv(out, "buc_management_per_ad", m.buc_management_per_ad);
    kv(out, "buc_insights_base", m.buc_insights_base);
    kv(out, "buc_insights_per_ad", m.buc_insights_per_ad);
    kv(out, "max_batch_ops", m.max_batch_ops);
    kv(out, "max_ids", m.max_ids);
    kv(out, "throttle_http_status", m.throttle_http_status);
    kv(out, "default_version", m.default_version);
    kv(out, "batch_time_budget", m.batch_time_budget);
  } else if (platform == "google") {
    const auto& g = o.google;
    out << YAML::Key << "world" << YAML::Value << YAML::BeginMap;
    kv(out, "customers", g.world.customers);
    kv(out, "managers", g.world.managers);
    kv(out, "max_campaigns", g.world.max_campaigns);
    kv(out, "max_ad_groups", g.world.max_ad_groups);
    kv(out, "max_ads", g.world.max_ads);
    kv(out, "max_keywords", g.world.max_keywords);
    kv(out, "max_conversion_actions", g.world.max_conversion_actions);
    kv(out, "max_user_lists", g.world.max_user_lists);
    kv(out, "max_assets", g.world.max_assets);
    kv(out, "max_campaign_assets", g.world.max_campaign_assets);
    kv(out, "today", g.world.today);
    out << YAML::EndMap;
    kv(out, "min_version", g.min_version);
    kv(out, "max_version", g.max_version);
    kv(out, "daily_operations", g.daily_operations);
    kv(out, "customer_qps", g.customer_qps);
    kv(out, "max_mutate_operations", g.max_mutate_operations);
    kv(out, "page_size", g.page_size);
    kv(out, "daily_retry_delay_hint", g.daily_retry_delay_hint);
    kv(out, "omit_default_values", g.omit_default_values);
    kv(out, "ownership_modulus", g.ownership_modulus);
    out << YAML::Key << "token_owners" << YAML::Value << YAML::BeginMap;
    for (const auto& [token, indices] : g.token_owners) {
      out << YAML::Key << YAML::DoubleQuoted << token << YAML::Value
          << YAML::Flow << YAML::BeginSeq;
      for (int i : indices) out << i;
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  } else if (platform == "tiktok") {
    const auto& t = o.tiktok;
    kv(out, "app_qps", t.app_qps);
    kv(out, "app_qpm", t.app_qpm);
    kv(out, "app_qpd", t.app_qpd);
    kv(out, "advertiser_qps", t.advertiser_qps);
    kv(out, "max_advertiser_ids", t.max_advertiser_ids);
    kv(out, "max_page_size", t.max_page_size);
    kv(out, "max_report_page_size", t.max_report_page_size);
    kv(out, "max_library_page_size", t.max_library_page_size);
    kv(out, "max_events", t.max_events);
    kv(out, "ownership_modulus", t.ownership_modulus);
  } else if (platform == "linkedin") {
    const auto& l = o.linkedin;
    out << YAML::Key << "catalog" << YAML::Value << YAML::BeginMap;
    kv(out, "accounts", l.catalog.accounts);
    kv(out, "campaigns_per_account", l.catalog.campaigns_per_account);
    kv(out, "creatives_per_campaign", l.catalog.creatives_per_campaign);
    kv(out, "leads_per_account", l.catalog.leads_per_account);
    out << YAML::EndMap;
    out << YAML::Key << "current_version" << YAML::Value;
    // Quoted: 202411 must stay a string.
    if (l.current_version.empty()) out << YAML::Null;
    else out << YAML::DoubleQuoted << l.current_version;
    kv(out, "active_months", l.active_months);
    out << YAML::Key << "active_versions" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& v : l.active_versions) out << YAML::DoubleQuoted << v;
    out << YAML::EndSeq;
    kv(out, "app_daily_limit", l.app_daily_limit);
    kv(out, "member_daily_limit", l.member_daily_limit);
    kv(out, "max_batch_ids", l.max_batch_ids);
    kv(out, "max_page_count", l.max_page_count);
    kv(out, "max_analytics_fields", l.max_analytics_fields);
    kv(out, "max_analytics_elements", l.max_analytics_elements);
    kv(out, "max_analytics_days", l.max_analytics_days);
    kv(out, "ownership_modulus", l.ownership_modulus);
  } else if (platform == "twitter") {
    const auto& t = o.twitter;
    kv(out, "app_limit", t.app_limit);
    kv(out, "user_limit", t.user_limit);
    kv(out, "window", t.window.count());
    kv(out, "ads_limit", t.ads_limit);
    kv(out, "stats_account_limit", t.stats_account_limit);
    kv(out, "job_seconds", t.job_seconds);
    kv(out, "throttle_body",
       t.throttle == sim::twitter_options::throttle_body::code88 ? "code88" : "problem");
    out << YAML::Key << "epoch_origin" << YAML::Value;
    if (t.epoch_origin) out << *t.epoch_origin;
    else out << YAML::Null;
  } else if (platform == "snapchat") {
    const auto& c = o.snapchat;
    kv(out, "app_rps", c.app_rps);
    kv(out, "token_rps", c.token_rps);
    kv(out, "min_limit", c.min_limit);
    kv(out, "max_limit", c.max_limit);
    kv(out, "nested_accounts_key", c.nested_accounts_key);
    kv(out, "max_hour_range", c.max_hour_range);
  }
  out << YAML::EndMap;
}

} // namespace adbatch::config::detail
