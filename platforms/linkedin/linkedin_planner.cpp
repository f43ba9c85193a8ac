// LinkedIn's planner: claimed requests -> Rest.li operations -> upstream
// calls (see linkedin_plan.hpp for the merge rules).

#include "platforms/linkedin/linkedin_plan.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

namespace adbatch::platforms::linkedin {

namespace chr = std::chrono;

std::vector<std::int64_t> li_call_context::request_ids() const {
  std::vector<std::int64_t> out;
  for (const auto& g : groups)
    out.insert(out.end(), g.ids.begin(), g.ids.end());
  return out;
}

std::string restli_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                 (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                 c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

std::string effective_version(const plan_settings& s, const li_limits& l,
                              time_point now) {
  std::string v = !s.api_version.empty() ? s.api_version : l.api_version;
  if (!v.empty()) return v;
  // The month before now: released, and active for about a year.
  chr::year_month_day ymd{chr::floor<chr::days>(now)};
  auto ym = ymd.year() / ymd.month() - chr::months{1};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u", static_cast<int>(ym.year()),
                static_cast<unsigned>(ym.month()));
  return buf;
}

namespace {

std::string account_urn(const std::string& id) {
  return "urn:li:sponsoredAccount:" + id;
}

std::string restli_list(const std::vector<std::string>& leaves) {
  std::string out = "List(";
  for (std::size_t i = 0; i < leaves.size(); ++i)
    out += (i ? "," : "") + restli_encode(leaves[i]);
  return out + ")";
}

std::string date_record(day_number d) {
  chr::year_month_day ymd{chr::sys_days{chr::days{d}}};
  return "(year:" + std::to_string(static_cast<int>(ymd.year())) +
         ",month:" + std::to_string(static_cast<unsigned>(ymd.month())) +
         ",day:" + std::to_string(static_cast<unsigned>(ymd.day())) + ")";
}

std::vector<std::string> as_urns(const std::vector<std::string>& ids,
                                 std::string_view type) {
  std::vector<std::string> out;
  for (const auto& id : ids)
    out.push_back("urn:li:" + std::string{type} + ":" + id);
  return out;
}

/// Path + query of one operation (before tunnelling) and the Rest.li method.
struct wire {
  std::string path;
  std::string query;
  std::string method; ///< BATCH_GET, FINDER, GET_ALL
  std::string resource;
};

std::string sub_path(li_type t) {
  switch (t) {
  case li_type::campaigns:
    return "adCampaigns";
  case li_type::campaign_groups:
    return "adCampaignGroups";
  default:
    return "creatives";
  }
}

/// The keys a BATCH_GET sends for ids of type t.
std::string batch_key(li_type t, const std::string& id) {
  if (t == li_type::creatives) return "urn:li:sponsoredCreative:" + id;
  return id;
}

wire batch_wire(li_type t, const std::string& account,
                const std::vector<std::string>& keys) {
  wire w;
  w.method = "BATCH_GET";
  if (t == li_type::ad_accounts) {
    w.path = "/rest/adAccounts";
    w.resource = "adAccounts";
  } else {
    w.resource = sub_path(t);
    w.path = "/rest/adAccounts/" + account + "/" + w.resource;
  }
  w.query = "ids=" + restli_list(keys);
  return w;
}

std::string count_param(const li_limits& l) {
  return "count=" + std::to_string(l.page_count);
}

/// The unfiltered finder (or GET_ALL) of a per-account resource.
wire finder_wire(li_type t, const std::string& account, const li_limits& l) {
  wire w;
  w.method = "FINDER";
  auto acct = restli_encode(account_urn(account));
  switch (t) {
  case li_type::campaigns:
  case li_type::campaign_groups:
    w.resource = sub_path(t);
    w.path = "/rest/adAccounts/" + account + "/" + w.resource;
    w.query = "q=search&" + count_param(l);
    break;
  case li_type::creatives:
    w.resource = "creatives";
    w.path = "/rest/adAccounts/" + account + "/creatives";
    w.query = "q=criteria&" + count_param(l);
    break;
  case li_type::audiences:
    w.resource = "dmpSegments";
    w.path = "/rest/dmpSegments";
    w.query = "q=account&account=" + acct + "&" + count_param(l);
    break;
  case li_type::conversions:
    w.resource = "conversions";
    w.path = "/rest/conversions";
    w.query = "q=account&account=" + acct + "&" + count_param(l);
    break;
  case li_type::lead_gen_forms:
    w.resource = "leadForms";
    w.path = "/rest/leadForms";
    w.query = "q=owner&owner=(sponsoredAccount:" + acct + ")&" + count_param(l);
    break;
  case li_type::leads:
    w.resource = "leadFormResponses";
    w.path = "/rest/leadFormResponses";
    w.query = "q=owner&owner=(sponsoredAccount:" + acct +
              ")&leadType=(leadType:SPONSORED)&" + count_param(l);
    break;
  case li_type::targeting_facets:
    w.method = "GET_ALL";
    w.resource = "adTargetingFacets";
    w.path = "/rest/adTargetingFacets";
    break;
  default:
    break;
  }
  return w;
}

/// A list request's own filters as LinkedIn's finder takes them
/// (campaigns, groups: search=(status:...); creatives: campaigns=,
/// intendedStatuses=); "" where the API has none.
std::string server_filters(const li_request& r) {
  std::string filters;
  if (r.type == li_type::creatives) {
    if (!r.campaign_ids.empty())
      filters += "&campaigns=" +
                 restli_list(as_urns(r.campaign_ids, "sponsoredCampaign"));
    if (!r.statuses.empty())
      filters += "&intendedStatuses=" + restli_list(r.statuses);
  } else if ((r.type == li_type::campaigns ||
              r.type == li_type::campaign_groups) &&
             !r.statuses.empty()) {
    filters += "&search=(status:(values:" + restli_list(r.statuses) + "))";
  }
  return filters;
}

void add_filters(wire& w, const std::string& filters) {
  if (filters.empty()) return;
  auto amp = w.query.find('&');
  if (amp == std::string::npos)
    w.query += filters;
  else
    w.query.insert(amp, filters);
}

std::vector<std::string> union_metrics(const std::vector<served_group>& gs) {
  std::set<std::string> want;
  for (const auto& g : gs)
    want.insert(g.request->metrics.begin(), g.request->metrics.end());
  std::vector<std::string> out;
  for (const auto& m : known_metrics())
    if (want.count(m)) out.push_back(m);
  return out;
}

std::string fields_param(const std::vector<std::string>& metrics) {
  std::string f = "fields=dateRange,pivotValues";
  for (const auto& m : metrics)
    f += "," + m;
  return f;
}

std::string range_param(day_number start, day_number end) {
  return "dateRange=(start:" + date_record(start) + ",end:" + date_record(end) +
         ")";
}

wire analytics_wire(analytics_family f, const std::vector<std::string>& facet,
                    day_number start, day_number end,
                    const std::vector<std::string>& metrics) {
  wire w;
  w.method = "FINDER";
  w.resource = "adAnalytics";
  w.path = "/rest/adAnalytics";
  switch (f) {
  case analytics_family::accounts:
    w.query = "q=statistics&pivots=List(ACCOUNT,CAMPAIGN_GROUP,CAMPAIGN)";
    break;
  case analytics_family::campaigns:
    w.query = "q=analytics&pivot=CAMPAIGN";
    break;
  case analytics_family::creatives:
    w.query = "q=statistics&pivots=List(ACCOUNT,CREATIVE)";
    break;
  }
  w.query += "&timeGranularity=DAILY&" + range_param(start, end);
  if (f == analytics_family::campaigns)
    w.query += "&campaigns=" + restli_list(as_urns(facet, "sponsoredCampaign"));
  else
    w.query += "&accounts=" + restli_list(as_urns(facet, "sponsoredAccount"));
  w.query += "&" + fields_param(metrics);
  return w;
}

/// A request's own adAnalytics call: its pivot, granularity, range, facets
/// and metrics.
wire own_analytics_wire(const li_request& r) {
  wire w;
  w.method = "FINDER";
  w.resource = "adAnalytics";
  w.path = "/rest/adAnalytics";
  w.query = "q=analytics&pivot=" + r.pivot +
            "&timeGranularity=" + r.granularity + "&" +
            range_param(*r.start, *r.end);
  if (r.family() == analytics_family::campaigns)
    w.query += "&campaigns=" +
               restli_list(as_urns(r.campaign_ids, "sponsoredCampaign"));
  else
    w.query +=
        "&accounts=" + restli_list(as_urns(r.accounts, "sponsoredAccount"));
  w.query += "&" + fields_param(r.metrics);
  return w;
}

/// The facet values of an analytics request in its family.
const std::vector<std::string>& facet_of(const li_request& r) {
  return r.family() == analytics_family::campaigns ? r.campaign_ids
                                                   : r.accounts;
}

upstream_call to_call(const wire& w, const std::string& token,
                      const std::string& version, const li_limits& l,
                      std::shared_ptr<li_call_context> cx) {
  upstream_call c;
  std::string target = w.path + (w.query.empty() ? "" : "?" + w.query);
  c.headers.emplace_back("Authorization", "Bearer " + token);
  c.headers.emplace_back("LinkedIn-Version", version);
  c.headers.emplace_back("X-Restli-Protocol-Version", "2.0.0");
  if (target.size() > l.max_url_length && !w.query.empty()) {
    // Query tunnelling: the query goes in a form-encoded POST body.
    c.method = "POST";
    c.target = w.path;
    c.body = w.query;
    c.headers.emplace_back("X-HTTP-Method-Override", "GET");
    c.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  } else {
    c.method = "GET";
    c.target = target;
  }
  c.headers.emplace_back("X-RestLi-Method", w.method);
  c.serves = cx->request_ids();
  c.quota_units = 1;
  c.scope = "app";
  c.is_write = false;
  std::size_t n = cx->groups.size();
  c.label = w.resource + " " +
            (w.method == "BATCH_GET" ? "batch_get"
             : w.method == "GET_ALL" ? "get_all"
                                     : "finder") +
            " (" + std::to_string(n) + (n == 1 ? " request)" : " requests)");
  c.context = std::move(cx);
  return c;
}

struct pending {
  std::string token;
  std::vector<served_group> groups;
  bool solo = false;
};

/// Builds the call of one chunk of groups of one operation key.
upstream_call build_call(const std::string& token,
                         std::vector<served_group> chunk,
                         const std::string& version, const li_limits& l,
                         bool solo) {
  auto cx = std::make_shared<li_call_context>();
  const auto& first = *chunk.front().request;
  cx->type = first.type;
  wire w;
  if (first.is_analytics()) {
    cx->kind = op_kind::analytics;
    cx->family = first.family();
    std::set<std::string> facet;
    std::set<std::vector<std::string>> facet_sets;
    day_number start = *first.start, end = *first.end;
    for (const auto& g : chunk) {
      const auto& f = facet_of(*g.request);
      facet.insert(f.begin(), f.end());
      facet_sets.insert(f);
      start = std::min(start, *g.request->start);
      end = std::max(end, *g.request->end);
    }
    cx->start = start;
    cx->end = end;
    cx->own_error = facet_sets.size() == 1;
    auto daily = static_cast<std::int64_t>(facet.size()) * (end - start + 1);
    if (chunk.size() == 1 && daily > l.max_analytics_elements) {
      // Alone and too many elements DAILY: its own call at its own
      // granularity and pivot (ALL for totals), elements as LinkedIn sends.
      cx->kind = op_kind::naive_analytics;
      w = own_analytics_wire(first);
    } else {
      w = analytics_wire(cx->family, {facet.begin(), facet.end()}, start, end,
                         union_metrics(chunk));
    }
  } else if (first.type == li_type::ad_accounts) {
    cx->kind = op_kind::batch_get;
    std::set<std::string> ids;
    for (const auto& g : chunk)
      ids.insert(g.request->accounts.begin(), g.request->accounts.end());
    cx->keys.assign(ids.begin(), ids.end());
    // A whole-call error is the request's own when it is the only one.
    cx->own_error = chunk.size() == 1;
    w = batch_wire(first.type, "", cx->keys);
  } else if (first.type == li_type::campaigns ||
             first.type == li_type::campaign_groups ||
             first.type == li_type::creatives) {
    bool any_list = std::any_of(chunk.begin(), chunk.end(), [](const auto& g) {
      return !g.request->by_ids();
    });
    if (any_list) {
      cx->kind = op_kind::finder;
      cx->page_count = l.page_count;
      w = finder_wire(first.type, first.account, l);
      if (solo && chunk.size() == 1) {
        cx->solo_list = true;
        add_filters(w, server_filters(first));
      }
    } else {
      cx->kind = op_kind::batch_get;
      std::set<std::string> keys;
      for (const auto& g : chunk)
        for (const auto& id : g.request->ids)
          keys.insert(batch_key(first.type, id));
      cx->keys.assign(keys.begin(), keys.end());
      w = batch_wire(first.type, first.account, cx->keys);
    }
  } else {
    cx->kind = op_kind::finder;
    cx->page_count = first.type == li_type::targeting_facets ? 0 : l.page_count;
    cx->solo_list = solo && chunk.size() == 1;
    w = finder_wire(first.type, first.account, l);
  }
  cx->groups = std::move(chunk);
  return to_call(w, token, version, l, std::move(cx));
}

/// The keys a request adds to its call's key list (BATCH_GET ids,
/// analytics facets); none for a finder.
const std::vector<std::string>& batch_keys_of(const li_request& r) {
  static const std::vector<std::string> none;
  if (r.is_analytics()) return facet_of(r);
  if (r.type == li_type::ad_accounts) return r.accounts;
  if (r.type == li_type::campaigns || r.type == li_type::campaign_groups ||
      r.type == li_type::creatives)
    return r.ids;
  return none;
}

/// The operation key of a group (see linkedin_plan.hpp).
std::string op_key(const std::string& token, const li_request& r, bool solo) {
  std::string k = token + '\x1f' + std::to_string(static_cast<int>(r.type));
  switch (r.type) {
  case li_type::ad_accounts:
    // A retried read is planned alone: a merged BATCH_GET refused (400 /
    // 403 / 404) for one request's keys fails only that one on its retry.
    if (solo) k += "\x1fsolo\x1f" + r.key;
    return k;
  case li_type::targeting_facets:
    return k;
  case li_type::analytics:
  case li_type::campaign_analytics: {
    k = token + "\x1f" + "analytics" + '\x1f' +
        std::to_string(static_cast<int>(r.family()));
    if (solo)
      for (const auto& f : facet_of(r))
        k += '\x1f' + f;
    return k + (solo ? "\x1fsolo" : "");
  }
  case li_type::campaigns:
  case li_type::campaign_groups:
  case li_type::creatives:
    k += '\x1f' + r.account;
    if (solo && r.by_ids())
      k += "\x1f"
           "batch";
    else if (solo) // a retried list: alone (a page may have been cut)
      k += "\x1fsolo\x1f" + r.key;
    return k;
  default:
    return k + '\x1f' + r.account + (solo ? "\x1fsolo\x1f" + r.key : "");
  }
}

} // namespace

plan make_li_plan(std::span<const queued_request> requests,
                  const plan_context& ctx, const li_limits& limits) {
  plan out;
  const std::size_t cap =
      static_cast<std::size_t>(std::max(1, ctx.settings.max_batch_size));
  const auto version = effective_version(ctx.settings, limits, ctx.now);

  // 1. Parse, reject, group identical requests (same token and key).
  struct group_entry {
    std::string token;
    served_group g;
    bool solo = false;
  };
  std::vector<group_entry> groups;
  std::map<std::string, std::size_t> by_key;
  for (const auto& q : requests) {
    auto reject = [&](std::string code, std::string message) {
      request_outcome o;
      o.request_id = q.id;
      o.kind = outcome_kind::permanent;
      o.error_code = std::move(code);
      o.error_message = std::move(message);
      out.rejected.push_back(std::move(o));
    };
    auto cred = ctx.credentials.find(q.connection_id);
    if (cred == ctx.credentials.end() || cred->second.token.empty()) {
      reject("missing_token",
             "connection " + q.connection_id + " has no access token");
      continue;
    }
    auto parsed =
        parse_request(q.request_type, q.params, &cred->second.account_ids);
    if (!parsed.request) {
      reject(parsed.error_code, parsed.error);
      continue;
    }
    resolve_dates(*parsed.request, ctx.now);
    const auto& token = cred->second.token;
    auto key = token + '\x1f' + parsed.request->key;
    auto [it, fresh] = by_key.emplace(key, groups.size());
    if (fresh)
      groups.push_back(
          group_entry{token,
                      served_group{std::make_shared<const li_request>(
                                       std::move(*parsed.request)),
                                   {}},
                      false});
    auto& e = groups[it->second];
    e.g.ids.push_back(q.id);
    e.solo = e.solo || q.attempts > 1;
  }

  // 2. Operation keys, in first-seen order.
  std::vector<pending> ops;
  std::map<std::string, std::size_t> op_index;
  for (auto& e : groups) {
    auto k = op_key(e.token, *e.g.request, e.solo);
    auto [it, fresh] = op_index.emplace(k, ops.size());
    if (fresh) ops.push_back(pending{e.token, {}, e.solo});
    ops[it->second].groups.push_back(std::move(e.g));
  }

  // 3. Analytics: ranges clustered (merged span <= max_merge_days); then
  //    chunks of at most `cap` distinct requests per call.
  for (auto& op : ops) {
    std::vector<std::vector<served_group>> clusters;
    if (op.groups.front().request->is_analytics()) {
      auto gs = std::move(op.groups);
      std::stable_sort(gs.begin(), gs.end(), [](const auto& a, const auto& b) {
        return std::pair{*a.request->start, *a.request->end} <
               std::pair{*b.request->start, *b.request->end};
      });
      day_number first = 0, last = 0;
      for (auto& g : gs) {
        auto s = *g.request->start, e = *g.request->end;
        if (clusters.empty() ||
            std::max(last, e) - first + 1 > limits.max_merge_days) {
          clusters.emplace_back();
          first = s;
          last = e;
        }
        last = std::max(last, e);
        clusters.back().push_back(std::move(g));
      }
    } else {
      clusters.push_back(std::move(op.groups));
    }
    // Chunks, in order: at most `cap` requests and at most max_batch_ids
    // distinct keys (BATCH_GET ids, analytics facets) per call.
    const std::size_t key_cap =
        static_cast<std::size_t>(std::max(1, limits.max_batch_ids));
    // Analytics also: at most max_analytics_elements estimated elements
    // (distinct facets x days of the merged DAILY range).
    for (auto& cl : clusters) {
      std::vector<served_group> chunk;
      std::set<std::string> keys;
      day_number from = 0, to = 0;
      for (auto& g : cl) {
        const auto& r = *g.request;
        const auto& gk = batch_keys_of(r);
        std::size_t fresh = 0;
        for (const auto& k : gk)
          fresh += keys.count(k) ? 0 : 1;
        bool too_many = false;
        if (r.is_analytics() && !chunk.empty()) {
          auto days = std::max(to, *r.end) - std::min(from, *r.start) + 1;
          too_many = static_cast<std::int64_t>(keys.size() + fresh) * days >
                     limits.max_analytics_elements;
        }
        if (!chunk.empty() && (chunk.size() >= cap ||
                               keys.size() + fresh > key_cap || too_many)) {
          out.calls.push_back(
              build_call(op.token, std::move(chunk), version, limits, op.solo));
          chunk.clear();
          keys.clear();
        }
        if (r.is_analytics()) {
          from = chunk.empty() ? *r.start : std::min(from, *r.start);
          to = chunk.empty() ? *r.end : std::max(to, *r.end);
        }
        keys.insert(gk.begin(), gk.end());
        chunk.push_back(std::move(g));
      }
      if (!chunk.empty())
        out.calls.push_back(
            build_call(op.token, std::move(chunk), version, limits, op.solo));
    }
  }
  return out;
}

upstream_call make_li_naive_call(const queued_request& q,
                                 const plan_context& ctx,
                                 const li_limits& limits) {
  const auto version = effective_version(ctx.settings, limits, ctx.now);
  auto cred = ctx.credentials.find(q.connection_id);
  std::string token = cred == ctx.credentials.end() ? "" : cred->second.token;
  auto parsed = parse_request(
      q.request_type, q.params,
      cred == ctx.credentials.end() ? nullptr : &cred->second.account_ids);
  if (!parsed.request) {
    // Nothing to send: an empty call the splitter answers with the error.
    upstream_call c;
    c.target = "/rest/invalid";
    c.serves = {q.id};
    c.label = "invalid request";
    auto cx = std::make_shared<li_call_context>();
    c.context = cx;
    return c;
  }
  auto& r = *parsed.request;
  resolve_dates(r, ctx.now);
  auto cx = std::make_shared<li_call_context>();
  cx->type = r.type;
  cx->groups.push_back(
      served_group{std::make_shared<const li_request>(r), {q.id}});
  wire w;
  if (r.is_analytics()) {
    cx->kind = op_kind::naive_analytics;
    cx->family = r.family();
    cx->start = *r.start;
    cx->end = *r.end;
    w = own_analytics_wire(r);
  } else if (r.type == li_type::ad_accounts) {
    cx->kind = op_kind::batch_get;
    cx->keys = r.accounts;
    w = batch_wire(r.type, "", cx->keys);
  } else if ((r.type == li_type::campaigns ||
              r.type == li_type::campaign_groups ||
              r.type == li_type::creatives)) {
    if (r.by_ids()) {
      cx->kind = op_kind::batch_get;
      for (const auto& id : r.ids)
        cx->keys.push_back(batch_key(r.type, id));
      w = batch_wire(r.type, r.account, cx->keys);
    } else {
      // The request's own finder with its filters applied by LinkedIn.
      cx->kind = op_kind::naive_list;
      w = finder_wire(r.type, r.account, limits);
      add_filters(w, server_filters(r));
    }
  } else {
    cx->kind = op_kind::finder;
    w = finder_wire(r.type, r.account, limits);
  }
  return to_call(w, token, version, limits, std::move(cx));
}

} // namespace adbatch::platforms::linkedin
