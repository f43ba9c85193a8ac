#include "platforms/common/crypto.hpp"
#include "platforms/twitter/twitter_pack.hpp"
#include "platforms/twitter/twitter_plan.hpp"

#include <algorithm>
#include <map>
#include <openssl/evp.h>
#include <set>

namespace adbatch::platforms::twitter {

namespace {

/// A request resolved against its connection.
struct resolved {
  std::int64_t id = 0;
  std::string token;
  std::shared_ptr<const x_request> req;
  std::string account_id;
  std::int64_t start_day = 0, end_day = 0;
};

std::optional<request_outcome> resolve(const queued_request& q,
                                       const plan_context& ctx,
                                       const x_limits& limits, resolved& out) {
  auto fail = [&](std::string code, std::string msg) {
    request_outcome o;
    o.request_id = q.id;
    o.kind = outcome_kind::permanent;
    o.error_code = std::move(code);
    o.error_message = std::move(msg);
    return o;
  };
  auto parsed = parse_request(q.request_type, q.params);
  if (!parsed.request) return fail("invalid_params", parsed.error);
  auto it = ctx.credentials.find(q.connection_id);
  if (it == ctx.credentials.end() || it->second.token.empty())
    return fail("missing_token", "the connection has no access token");
  out.id = q.id;
  out.token = it->second.token;
  auto& r = *parsed.request;
  if (r.fam == family::list || r.fam == family::stats ||
      r.fam == family::async_stats) {
    out.account_id = r.account_id;
    if (out.account_id.empty())
      if (auto* v = it->second.account_ids.if_contains("account_id");
          v && v->is_string())
        out.account_id = std::string(v->as_string());
    if (out.account_id.empty())
      return fail(
          "missing_account_id",
          q.request_type +
              ": no params.account_id and the connection has no account_id");
  }
  if (r.fam == family::stats || r.fam == family::async_stats) {
    if (r.start_day) {
      out.start_day = *r.start_day;
      out.end_day = *r.end_day;
    } else {
      // The original's default: the last days up to today (whole days).
      out.end_day = day_of(ctx.now);
      out.start_day =
          out.end_day - (r.fam == family::stats ? limits.default_days
                                                : limits.default_async_days);
    }
  }
  out.req = std::make_shared<const x_request>(std::move(r));
  return std::nullopt;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

std::string pct(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~')
      out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

using query_list = std::vector<std::pair<std::string, std::string>>;

std::string query_text(const query_list& q) {
  std::string out;
  for (const auto& [k, v] : q) {
    out += out.empty() ? '?' : '&';
    out += pct(k) + "=" + pct(v);
  }
  return out;
}

/// OAuth 1.0a (HMAC-SHA1) user-context header for an Ads API call. The
/// connection's token is "oauth_token" or "oauth_token:token_secret"; the
/// consumer key and secret come from the platform credentials
/// ("consumer_key", "consumer_secret"); the signature covers the URL the
/// call goes to (ads_base_of) + path and the query.
/// Where X Ads calls go: config endpoints.ads (production:
/// https://ads-api.x.com, next to base_url https://api.x.com for v2), else
/// the platform's base_url (adbatch-sim serves both on one port).
std::string ads_base_of(const plan_context& ctx) {
  if (auto it = ctx.settings.endpoints.find("ads");
      it != ctx.settings.endpoints.end())
    return it->second;
  return ctx.settings.base_url;
}

std::string oauth_header(const std::string& token, const std::string& method,
                         const std::string& path, const query_list& q,
                         const plan_context& ctx) {
  auto cred = [&](const char* k, const char* def) {
    auto it = ctx.settings.platform_credentials.find(k);
    return it == ctx.settings.platform_credentials.end() ? std::string(def)
                                                         : it->second;
  };
  auto consumer_key = cred("consumer_key", "adbatch");
  auto consumer_secret = cred("consumer_secret", "");
  auto base = ads_base_of(ctx);
  std::string oauth_token = token, token_secret;
  if (auto colon = token.find(':'); colon != std::string::npos) {
    oauth_token = token.substr(0, colon);
    token_secret = token.substr(colon + 1);
  }
  auto ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                               ctx.now.time_since_epoch())
                               .count());
  auto nonce = to_hex(hmac_sha256(token, method + path + query_text(q) + ts))
                   .substr(0, 32);
  std::vector<std::pair<std::string, std::string>> oauth{
      {"oauth_consumer_key", consumer_key},
      {"oauth_nonce", nonce},
      {"oauth_signature_method", "HMAC-SHA1"},
      {"oauth_timestamp", ts},
      {"oauth_token", oauth_token},
      {"oauth_version", "1.0"}};
  auto params = q;
  params.insert(params.end(), oauth.begin(), oauth.end());
  auto sig = oauth_signature(method, base + path, params, consumer_secret,
                             token_secret);
  std::string h = "OAuth ";
  bool first = true;
  for (auto& [k, v] : oauth) {
    if (k == "oauth_token") {
      h += ", oauth_signature=\"" + pct(sig) + "\"";
    }
    h += (first ? "" : ", ") + k + "=\"" + pct(v) + "\"";
    first = false;
  }
  return h;
}

upstream_call v2_call(const std::string& token, const std::string& path,
                      const query_list& q, const std::string& label) {
  upstream_call c;
  c.method = "GET";
  c.target = path + query_text(q);
  c.headers.emplace_back("Authorization", "Bearer " + token);
  c.scope = scope_of_token(token) + ":" + path.substr(3);
  c.label = label;
  return c;
}

upstream_call ads_call(const std::string& token, const std::string& method,
                       const std::string& path, const query_list& q,
                       const std::string& label, const plan_context& ctx) {
  upstream_call c;
  c.method = method;
  c.target = path + query_text(q);
  c.base_url = ads_base_of(ctx);
  c.headers.emplace_back("Authorization",
                         oauth_header(token, method, path, q, ctx));
  c.scope = scope_of_token(token) + ":ads";
  c.label = label;
  return c;
}

std::vector<std::string>
union_keys(const std::vector<served_group>& groups,
           const std::vector<std::string> x_request::*field) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& g : groups)
    for (const auto& k : (*g.request).*field)
      if (seen.insert(k).second) out.push_back(k);
  return out;
}

// -- the calls of one family -------------------------------------------------

void lookup_calls(const std::string& token, call_kind kind,
                  std::vector<served_group> groups,
                  std::vector<upstream_call>& out) {
  std::vector<std::vector<std::string>> sets;
  for (const auto& g : groups)
    sets.push_back(g.request->keys);
  for (const auto& bin : pack_id_sets(sets, max_lookup_ids)) {
    auto ctx = std::make_shared<x_call_context>();
    ctx->kind = kind;
    for (auto i : bin)
      ctx->groups.push_back(groups[i]);
    auto keys = union_keys(ctx->groups, &x_request::keys);
    upstream_call c;
    if (kind == call_kind::users)
      c = v2_call(token, "/2/users",
                  {{"ids", join(keys)}, {"user.fields", user_fields}},
                  "users lookup of " + std::to_string(keys.size()) + " ids");
    else if (kind == call_kind::usernames)
      c = v2_call(token, "/2/users/by",
                  {{"usernames", join(keys)}, {"user.fields", user_fields}},
                  "users by username, " + std::to_string(keys.size()));
    else
      c = v2_call(token, "/2/tweets",
                  {{"ids", join(keys)}, {"tweet.fields", tweet_fields}},
                  "posts lookup of " + std::to_string(keys.size()) + " ids");
    ctx->scope = scope_of_token(token);
    for (const auto& g : ctx->groups)
      c.serves.insert(c.serves.end(), g.ids.begin(), g.ids.end());
    c.context = ctx;
    out.push_back(std::move(c));
  }
}

/// The one filter every group uses alone, with the union of its ids (or
/// "" when the groups differ, one has none or the union is over 200).
std::pair<std::string, std::vector<std::string>>
common_filter(const std::vector<served_group>& groups) {
  std::string key;
  std::set<std::string> ids;
  for (const auto& g : groups) {
    const auto& f = g.request->filters;
    if (f.size() != 1) return {};
    if (key.empty()) key = f.begin()->first;
    if (f.begin()->first != key) return {};
    ids.insert(f.begin()->second.begin(), f.begin()->second.end());
  }
  if (ids.size() > max_filter_ids) return {};
  return {key, {ids.begin(), ids.end()}};
}

void accounts_call(const std::string& token, std::vector<served_group> groups,
                   const plan_context& pctx, std::vector<upstream_call>& out) {
  auto ctx = std::make_shared<x_call_context>();
  ctx->kind = call_kind::accounts;
  ctx->groups = std::move(groups);
  query_list q{{"count", std::to_string(max_page)}};
  auto [key, ids] = common_filter(ctx->groups);
  if (!key.empty()) {
    q.emplace_back(key, join(ids));
    ctx->sent_filter = key;
  }
  auto c = ads_call(token, "GET", "/12/accounts", q, "ads accounts", pctx);
  ctx->scope = scope_of_token(token);
  for (const auto& g : ctx->groups)
    c.serves.insert(c.serves.end(), g.ids.begin(), g.ids.end());
  c.context = ctx;
  out.push_back(std::move(c));
}

void list_calls(const std::string& token, const std::string& account,
                const list_spec* spec, std::vector<served_group> groups,
                const plan_context& pctx, std::vector<upstream_call>& out) {
  auto path = "/12/accounts/" + account + "/" + spec->path;
  auto emit = [&](std::vector<served_group> gs, const std::string& key,
                  const std::vector<std::string>& ids) {
    auto ctx = std::make_shared<x_call_context>();
    ctx->kind = call_kind::list;
    ctx->list = spec;
    ctx->account_id = account;
    ctx->groups = std::move(gs);
    query_list q{{"count", std::to_string(max_page)}};
    if (!key.empty()) {
      q.emplace_back(key, join(ids));
      ctx->sent_filter = key;
    }
    auto c = ads_call(token, "GET", path, q,
                      "ads " + spec->path + " of one account", pctx);
    ctx->scope = scope_of_token(token);
    for (const auto& g : ctx->groups)
      c.serves.insert(c.serves.end(), g.ids.begin(), g.ids.end());
    c.context = ctx;
    out.push_back(std::move(c));
  };
  if (!spec->required.empty()) {
    std::vector<std::vector<std::string>> sets;
    for (const auto& g : groups)
      sets.push_back(g.request->filters.at(spec->required));
    for (const auto& bin : pack_id_sets(sets, max_filter_ids)) {
      std::vector<served_group> gs;
      std::set<std::string> ids;
      for (auto i : bin) {
        gs.push_back(groups[i]);
        ids.insert(sets[i].begin(), sets[i].end());
      }
      emit(std::move(gs), spec->required, {ids.begin(), ids.end()});
    }
    return;
  }
  auto [key, ids] = common_filter(groups);
  emit(std::move(groups), key, ids);
}

query_list stats_query(const std::string& entity,
                       const std::vector<std::string>& ids, std::int64_t start,
                       std::int64_t end, const std::string& granularity,
                       const std::vector<std::string>& groups,
                       const std::string& placement) {
  return {{"entity", entity},
          {"entity_ids", join(ids)},
          {"start_time", iso_midnight(start)},
          {"end_time", iso_midnight(end)},
          {"granularity", granularity},
          {"metric_groups", join(groups)},
          {"placement", placement}};
}

void stats_calls(const std::string& token, const std::string& account,
                 std::vector<served_group> groups, const plan_context& pctx,
                 std::vector<upstream_call>& out, bool job = false) {
  auto max_days = job ? max_async_days : max_sync_days;
  // Windows: the fewest spans of <= 7 days each group's range fits in
  // (greedy by start: optimal for stabbing intervals).
  std::stable_sort(groups.begin(), groups.end(),
                   [](const served_group& a, const served_group& b) {
                     return a.start_day < b.start_day;
                   });
  std::vector<bool> done(groups.size(), false);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (done[i]) continue;
    auto w = groups[i].start_day;
    std::vector<served_group> win;
    for (std::size_t j = i; j < groups.size(); ++j)
      if (!done[j] && groups[j].end_day <= w + max_days) {
        done[j] = true;
        win.push_back(groups[j]);
      }
    std::vector<std::vector<std::string>> sets;
    for (const auto& g : win)
      sets.push_back(g.request->keys);
    for (const auto& bin : pack_id_sets(sets, max_stats_ids)) {
      auto ctx = std::make_shared<x_call_context>();
      ctx->kind = job ? call_kind::job_create : call_kind::stats;
      ctx->account_id = account;
      std::set<std::string> mg;
      ctx->start_day = INT64_MAX;
      ctx->end_day = INT64_MIN;
      for (auto k : bin) {
        const auto& g = win[k];
        ctx->groups.push_back(g);
        mg.insert(g.request->metric_groups.begin(),
                  g.request->metric_groups.end());
        ctx->start_day = std::min(ctx->start_day, g.start_day);
        ctx->end_day = std::max(ctx->end_day, g.end_day);
      }
      std::vector<std::string> metric_groups;
      for (const auto& g : metric_group_order())
        if (mg.count(g)) metric_groups.push_back(g);
      auto ids = union_keys(ctx->groups, &x_request::keys);
      const auto& first = *ctx->groups.front().request;
      auto c = ads_call(
          token, job ? "POST" : "GET",
          (job ? "/12/stats/jobs/accounts/" : "/12/stats/accounts/") + account,
          stats_query(first.entity, ids, ctx->start_day, ctx->end_day, "DAY",
                      metric_groups, first.placement),
          std::string(job ? "ads stats job of " : "ads stats of ") +
              std::to_string(ids.size()) + " " + first.entity,
          pctx);
      ctx->scope = scope_of_token(token);
      for (const auto& g : ctx->groups)
        c.serves.insert(c.serves.end(), g.ids.begin(), g.ids.end());
      c.context = ctx;
      out.push_back(std::move(c));
    }
  }
}

/// One poll per token, account and up to 200 distinct jobs.
void poll_calls(const std::string& token, const std::string& account,
                std::vector<served_group> groups, const plan_context& pctx,
                std::vector<upstream_call>& out) {
  std::vector<std::vector<std::string>> sets;
  for (const auto& g : groups)
    sets.push_back({g.progress->job_id});
  for (const auto& bin : pack_id_sets(sets, max_filter_ids)) {
    auto ctx = std::make_shared<x_call_context>();
    ctx->kind = call_kind::job_poll;
    ctx->account_id = account;
    std::vector<std::string> jobs;
    std::set<std::string> seen;
    for (auto i : bin) {
      ctx->groups.push_back(groups[i]);
      if (seen.insert(sets[i][0]).second) jobs.push_back(sets[i][0]);
    }
    auto c =
        ads_call(token, "GET", "/12/stats/jobs/accounts/" + account,
                 {{"job_ids", join(jobs)}},
                 "ads stats job poll of " + std::to_string(jobs.size()), pctx);
    ctx->scope = scope_of_token(token);
    for (const auto& g : ctx->groups)
      c.serves.insert(c.serves.end(), g.ids.begin(), g.ids.end());
    c.context = ctx;
    out.push_back(std::move(c));
  }
}

/// One download per finished job's file (the url X gave; no credential).
void file_call(std::vector<served_group> groups,
               std::vector<upstream_call>& out) {
  auto ctx = std::make_shared<x_call_context>();
  ctx->kind = call_kind::job_result;
  const auto p = *groups.front().progress;
  ctx->account_id = p.account_id;
  ctx->start_day = p.start_day;
  ctx->end_day = p.end_day;
  ctx->granularity = p.granularity;
  ctx->groups = std::move(groups);
  ctx->scope = "app";
  upstream_call c;
  c.method = "GET";
  c.base_url = url_origin(p.url);
  c.target = url_path(p.url);
  c.scope = "app";
  c.label = "ads stats job result";
  for (const auto& g : ctx->groups)
    c.serves.insert(c.serves.end(), g.ids.begin(), g.ids.end());
  c.context = ctx;
  out.push_back(std::move(c));
}

} // namespace

std::string
oauth_signature(const std::string& method, const std::string& url,
                const std::vector<std::pair<std::string, std::string>>& params,
                const std::string& consumer_secret,
                const std::string& token_secret) {
  std::vector<std::pair<std::string, std::string>> enc;
  for (const auto& [k, v] : params)
    enc.emplace_back(pct(k), pct(v));
  std::sort(enc.begin(), enc.end());
  std::string param_text;
  for (const auto& [k, v] : enc) {
    if (!param_text.empty()) param_text += '&';
    param_text += k + "=" + v;
  }
  auto base_string = method + "&" + pct(url) + "&" + pct(param_text);
  auto key = pct(consumer_secret) + "&" + pct(token_secret);
  unsigned char md[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, key.data(),
                 key.size(),
                 reinterpret_cast<const unsigned char*>(base_string.data()),
                 base_string.size(), md, sizeof md, &len))
    len = 0;
  return to_base64(std::string(reinterpret_cast<const char*>(md), len));
}

std::string scope_of_token(const std::string& token) {
  return "user:" + to_hex(hmac_sha256("adbatch-x-scope", token)).substr(0, 12);
}

plan make_x_plan(std::span<const queued_request> requests,
                 const plan_context& ctx, const x_limits& limits) {
  plan p;
  // op key -> (normalized request -> group), in first-seen order.
  struct op {
    std::string token;
    family fam;
    std::string account;
    const list_spec* list = nullptr;
    int stage = 0;
    std::vector<served_group> groups;
    std::map<std::string, std::size_t> index;
  };
  std::vector<op> ops;
  std::map<std::string, std::size_t> op_index;
  for (const auto& q : requests) {
    resolved r;
    if (auto rejected = resolve(q, ctx, limits, r)) {
      p.rejected.push_back(std::move(*rejected));
      continue;
    }
    auto fam = r.req->fam;
    std::optional<async_progress> prog;
    int stage = 0; // async: 0 create, 1 poll, 2 fetch
    if (fam == family::async_stats)
      if ((prog = parse_progress(q.progress)))
        stage = prog->stage == "job" ? 1 : 2;
    std::string key = r.token + '\n' + std::to_string(static_cast<int>(fam)) +
                      '\n' + std::to_string(stage);
    if (fam == family::list)
      key += '\n' + r.account_id + '\n' + r.req->list->type;
    if (fam == family::stats || (fam == family::async_stats && stage == 0))
      key +=
          '\n' + r.account_id + '\n' + r.req->entity + '\n' + r.req->placement;
    if (stage == 1) key += '\n' + prog->account_id;
    if (stage == 2) key += '\n' + prog->url;
    auto [it, fresh] = op_index.emplace(key, ops.size());
    if (fresh)
      ops.push_back(op{r.token,
                       fam,
                       stage ? prog->account_id : r.account_id,
                       r.req->list,
                       stage,
                       {},
                       {}});
    auto& o = ops[it->second];
    auto norm = normalized(*r.req) + '\n' + r.account_id + '\n' +
                std::to_string(r.start_day) + '\n' + std::to_string(r.end_day) +
                '\n' + (prog ? to_json(*prog) : std::string{});
    auto [git, gfresh] = o.index.emplace(norm, o.groups.size());
    if (gfresh)
      o.groups.push_back(
          served_group{r.req, {}, r.account_id, r.start_day, r.end_day, prog});
    o.groups[git->second].ids.push_back(q.id);
  }
  for (auto& o : ops) {
    switch (o.fam) {
    case family::users:
      lookup_calls(o.token, call_kind::users, std::move(o.groups), p.calls);
      break;
    case family::usernames:
      lookup_calls(o.token, call_kind::usernames, std::move(o.groups), p.calls);
      break;
    case family::tweets:
      lookup_calls(o.token, call_kind::tweets, std::move(o.groups), p.calls);
      break;
    case family::accounts:
      accounts_call(o.token, std::move(o.groups), ctx, p.calls);
      break;
    case family::list:
      list_calls(o.token, o.account, o.list, std::move(o.groups), ctx, p.calls);
      break;
    case family::stats:
      stats_calls(o.token, o.account, std::move(o.groups), ctx, p.calls);
      break;
    case family::async_stats:
      if (o.stage == 0)
        stats_calls(o.token, o.account, std::move(o.groups), ctx, p.calls,
                    true);
      else if (o.stage == 1)
        poll_calls(o.token, o.account, std::move(o.groups), ctx, p.calls);
      else
        file_call(std::move(o.groups), p.calls);
      break;
    }
  }
  return p;
}

upstream_call make_x_naive_call(const queued_request& q,
                                const plan_context& ctx,
                                const x_limits& limits) {
  resolved r;
  if (auto rejected = resolve(q, ctx, limits, r)) {
    upstream_call c;
    c.serves = {q.id};
    c.label = "rejected: " + rejected->error_code;
    return c;
  }
  const auto& x = *r.req;
  served_group g{r.req,       {q.id},    r.account_id,
                 r.start_day, r.end_day, std::nullopt};
  auto ctxp = std::make_shared<x_call_context>();
  ctxp->groups = {g};
  ctxp->account_id = r.account_id;
  ctxp->scope = scope_of_token(r.token);
  upstream_call c;
  switch (x.fam) {
  case family::users:
    ctxp->kind = call_kind::users;
    c = v2_call(r.token, "/2/users",
                {{"ids", join(x.keys)}, {"user.fields", user_fields}},
                "users lookup");
    break;
  case family::usernames:
    ctxp->kind = call_kind::usernames;
    c = v2_call(r.token, "/2/users/by",
                {{"usernames", join(x.keys)}, {"user.fields", user_fields}},
                "users by username");
    break;
  case family::tweets:
    ctxp->kind = call_kind::tweets;
    c = v2_call(r.token, "/2/tweets",
                {{"ids", join(x.keys)}, {"tweet.fields", tweet_fields}},
                "posts lookup");
    break;
  case family::accounts:
  case family::list: {
    ctxp->kind =
        x.fam == family::accounts ? call_kind::accounts : call_kind::list;
    ctxp->list = x.list;
    query_list qs{{"count", std::to_string(max_page)}};
    for (const auto& [k, v] : x.filters)
      qs.emplace_back(k, join(v));
    if (x.filters.size() == 1) ctxp->sent_filter = x.filters.begin()->first;
    auto path = x.fam == family::accounts
                    ? std::string("/12/accounts")
                    : "/12/accounts/" + r.account_id + "/" + x.list->path;
    c = ads_call(r.token, "GET", path, qs, "ads list", ctx);
    break;
  }
  case family::stats:
    ctxp->kind = call_kind::stats;
    ctxp->start_day = r.start_day;
    ctxp->end_day = r.end_day;
    c = ads_call(r.token, "GET", "/12/stats/accounts/" + r.account_id,
                 stats_query(x.entity, x.keys, r.start_day, r.end_day,
                             x.granularity, x.metric_groups, x.placement),
                 "ads stats", ctx);
    break;
  case family::async_stats: {
    auto prog = parse_progress(q.progress);
    ctxp->groups[0].progress = prog;
    if (prog && prog->stage == "job") {
      ctxp->kind = call_kind::job_poll;
      ctxp->account_id = prog->account_id;
      c = ads_call(r.token, "GET",
                   "/12/stats/jobs/accounts/" + prog->account_id,
                   {{"job_ids", prog->job_id}}, "ads stats job poll", ctx);
    } else if (prog) {
      ctxp->kind = call_kind::job_result;
      ctxp->account_id = prog->account_id;
      ctxp->start_day = prog->start_day;
      ctxp->end_day = prog->end_day;
      ctxp->granularity = prog->granularity;
      ctxp->scope = "app";
      c.method = "GET";
      c.base_url = url_origin(prog->url);
      c.target = url_path(prog->url);
      c.scope = "app";
      c.label = "ads stats job result";
    } else {
      ctxp->kind = call_kind::job_create;
      ctxp->start_day = r.start_day;
      ctxp->end_day = r.end_day;
      ctxp->granularity = x.granularity;
      c = ads_call(r.token, "POST", "/12/stats/jobs/accounts/" + r.account_id,
                   stats_query(x.entity, x.keys, r.start_day, r.end_day,
                               x.granularity, x.metric_groups, x.placement),
                   "ads stats job", ctx);
    }
    break;
  }
  }
  c.serves = {q.id};
  c.context = ctxp;
  return c;
}

} // namespace adbatch::platforms::twitter
