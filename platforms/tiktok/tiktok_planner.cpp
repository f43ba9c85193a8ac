// The TikTok planner: one advertiser/info/ call per token for up to 100
// distinct advertiser ids; one list call per (token, advertiser, endpoint)
// for unfiltered requests and per filter list of up to 100 ids for filtered
// ones; report calls per
// (token, advertiser, data level) over the union of the requests' dates
// whenever the merged report provably fits one page; one event/track/ call
// per (token, event source) for up to 1,000 distinct events. Identical
// requests share one part. See docs/requests.md#tiktok.

#include "platforms/tiktok/tiktok_plan.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

namespace adbatch::platforms::tiktok {

namespace json = boost::json;

namespace {

using part = tiktok_call_context::part;

std::string json_list(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v)
    a.emplace_back(s);
  return json::serialize(a);
}

std::optional<std::string> account_string(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_string() && !v->as_string().empty())
    return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return std::nullopt;
}

upstream_call base_call(const std::string& token, std::string target) {
  upstream_call c;
  c.method = "GET";
  c.target = std::move(target);
  c.headers = {{"Access-Token", token}};
  c.quota_units = 1;
  c.scope = "app";
  return c;
}

/// Adds r to the group's part with the same spec, or a new part.
void add_part(std::vector<part>& parts, std::map<std::string, std::size_t>& idx,
              const resolved_request& r) {
  auto key = spec_key(r.spec);
  auto it = idx.find(key);
  if (it != idx.end()) {
    parts[it->second].request_ids.push_back(r.request->id);
    return;
  }
  idx.emplace(key, parts.size());
  parts.push_back(part{{r.request->id}, r.spec, {}});
}

struct group {
  std::vector<part> parts;
  std::map<std::string, std::size_t> idx;
};

// -- advertiser/info/ ---------------------------------------------------------

void plan_info(const std::string& token, const std::vector<part>& parts,
               plan& out) {
  struct bin {
    std::set<std::string> ids;
    std::vector<std::string> order;
    std::vector<const part*> parts;
  };
  std::vector<bin> bins;
  for (const auto& p : parts) {
    const auto& ids = std::get<info_spec>(p.spec).advertiser_ids;
    bin* into = nullptr;
    for (auto& b : bins) {
      std::size_t extra = 0;
      for (const auto& id : ids)
        extra += b.ids.count(id) ? 0 : 1;
      if (b.ids.size() + extra <= max_advertiser_ids) {
        into = &b;
        break;
      }
    }
    if (!into) into = &bins.emplace_back();
    for (const auto& id : ids)
      if (into->ids.insert(id).second) into->order.push_back(id);
    into->parts.push_back(&p);
  }
  for (const auto& b : bins) {
    std::set<std::string> fields{"advertiser_id"};
    auto ctx = std::make_shared<tiktok_call_context>();
    ctx->k = tiktok_call_context::kind::info;
    std::vector<std::int64_t> serves;
    for (const auto* p : b.parts) {
      for (const auto& f : std::get<info_spec>(p->spec).fields)
        fields.insert(f);
      ctx->parts.push_back(*p);
      serves.insert(serves.end(), p->request_ids.begin(), p->request_ids.end());
    }
    auto c = base_call(
        token, std::string(api_prefix) + "advertiser/info/?advertiser_ids=" +
                   url_encode(json_list(b.order)) + "&fields=" +
                   url_encode(json_list({fields.begin(), fields.end()})));
    c.serves = std::move(serves);
    c.label = "advertiser/info/ " + std::to_string(b.order.size()) + " ids";
    c.context = std::move(ctx);
    out.calls.push_back(std::move(c));
  }
}

// -- list endpoints -----------------------------------------------------------

/// One list call: the parts' filter (`key` over `ids`, or none when `key`
/// is empty) and the union of their fields.
void list_call(const std::string& token, const std::string& advertiser,
               const std::string& key, const std::vector<std::string>& id_order,
               std::vector<part> parts, plan& out) {
  const auto& first = std::get<list_spec>(parts.front().spec);
  std::set<std::string> fields;
  std::set<std::string> call_ids(id_order.begin(), id_order.end());
  for (auto& p : parts) {
    const auto& s = std::get<list_spec>(p.spec);
    for (const auto& f : s.fields)
      fields.insert(f);
    if (!s.filter_key.empty())
      fields.insert(std::string(filter_field(s.filter_key)));
    p.as_alone = s.filter_key == key &&
                 std::set<std::string>(s.ids.begin(), s.ids.end()) == call_ids;
  }
  std::string target = std::string(api_prefix) + first.endpoint +
                       "?advertiser_id=" + url_encode(advertiser);
  if (!key.empty()) {
    json::array a;
    for (const auto& id : id_order)
      a.emplace_back(id);
    // The dmp lists take the ids as a parameter of their own.
    if (key == "custom_audience_ids" || key == "saved_audience_ids") {
      target += "&" + key + "=" + url_encode(json::serialize(a));
    } else {
      json::object f;
      f[key] = std::move(a);
      target += "&filtering=" + url_encode(json::serialize(f));
    }
  }
  target += "&fields=" + url_encode(json_list({fields.begin(), fields.end()})) +
            "&page=1&page_size=" + std::to_string(first.max_page_size);
  auto c = base_call(token, std::move(target));
  auto ctx = std::make_shared<tiktok_call_context>();
  ctx->k = tiktok_call_context::kind::list;
  ctx->advertiser_id = advertiser;
  c.label = first.endpoint + (key.empty() ? "" : " filtered") + " for " +
            std::to_string(parts.size()) + " requests";
  for (auto& p : parts) {
    c.serves.insert(c.serves.end(), p.request_ids.begin(), p.request_ids.end());
    ctx->parts.push_back(std::move(p));
  }
  c.context = std::move(ctx);
  out.calls.push_back(std::move(c));
}

void plan_list(const std::string& token, const std::string& advertiser,
               const std::vector<part>& parts, plan& out) {
  // Unfiltered requests share one call for everything; filtered ones never
  // join it (the whole list may take more than one page where each filtered
  // request alone fits). Filtered requests on the same key share calls
  // whose union fits one filter list (first fit). Each request is cut out
  // locally.
  std::vector<part> unfiltered;
  struct bin {
    std::string key;
    std::set<std::string> ids;
    std::vector<std::string> order;
    std::vector<part> parts;
  };
  std::vector<bin> bins;
  for (const auto& p : parts) {
    const auto& s = std::get<list_spec>(p.spec);
    if (s.filter_key.empty()) {
      unfiltered.push_back(p);
      continue;
    }
    bin* into = nullptr;
    for (auto& b : bins) {
      if (b.key != s.filter_key) continue;
      std::size_t extra = 0;
      for (const auto& id : s.ids)
        extra += b.ids.count(id) ? 0 : 1;
      if (b.ids.size() + extra <= max_filter_ids) {
        into = &b;
        break;
      }
    }
    if (!into) {
      into = &bins.emplace_back();
      into->key = s.filter_key;
    }
    for (const auto& id : s.ids)
      if (into->ids.insert(id).second) into->order.push_back(id);
    into->parts.push_back(p);
  }
  if (!unfiltered.empty())
    list_call(token, advertiser, {}, {}, std::move(unfiltered), out);
  for (auto& b : bins)
    list_call(token, advertiser, b.key, b.order, std::move(b.parts), out);
}

// -- reports ------------------------------------------------------------------

struct report_call {
  std::vector<const part*> parts;
  day_number first = 0, last = 0;
  bool daily = true;
  std::vector<std::string> ids; ///< the filter (empty = all)
};

/// Requests whose merged rows are unknown (no id filter, or a union too
/// big) only share a call whose rows are bounded by one member's own
/// report: a daily request whose range covers the others' (daily or
/// total), or totals over the same range.
std::vector<report_call> anchor_clusters(const std::vector<const part*>& ps,
                                         const std::vector<std::string>& ids) {
  std::set<std::pair<day_number, day_number>> daily_ranges;
  for (const auto* p : ps) {
    const auto& s = std::get<report_spec>(p->spec);
    if (s.daily) daily_ranges.insert({s.first, s.last});
  }
  std::vector<std::pair<day_number, day_number>> maximal;
  for (const auto& r : daily_ranges) {
    bool inside = false;
    for (const auto& o : daily_ranges)
      if (o != r && o.first <= r.first && r.second <= o.second) inside = true;
    if (!inside) maximal.push_back(r);
  }
  std::map<std::pair<day_number, day_number>, report_call> dailies, totals;
  for (const auto* p : ps) {
    const auto& s = std::get<report_spec>(p->spec);
    const std::pair<day_number, day_number>* anchor = nullptr;
    for (const auto& m : maximal)
      if (m.first <= s.first && s.last <= m.second) {
        anchor = &m;
        break;
      }
    auto& rc = anchor ? dailies[*anchor] : totals[{s.first, s.last}];
    rc.daily = anchor != nullptr;
    rc.first = anchor ? anchor->first : s.first;
    rc.last = anchor ? anchor->second : s.last;
    rc.ids = ids;
    rc.parts.push_back(p);
  }
  std::vector<report_call> out;
  for (auto& [_, rc] : dailies)
    out.push_back(std::move(rc));
  for (auto& [_, rc] : totals)
    out.push_back(std::move(rc));
  return out;
}

std::vector<report_call> report_calls(const std::vector<part>& parts) {
  std::vector<const part*> filtered, unfiltered;
  for (const auto& p : parts)
    (std::get<report_spec>(p.spec).ids.empty() ? unfiltered : filtered)
        .push_back(&p);
  std::vector<report_call> out;
  if (!filtered.empty()) {
    std::set<std::string> ids;
    std::vector<std::string> order;
    day_number first = 0, last = 0;
    bool all_total_same = true;
    for (std::size_t i = 0; i < filtered.size(); ++i) {
      const auto& s = std::get<report_spec>(filtered[i]->spec);
      for (const auto& id : s.ids)
        if (ids.insert(id).second) order.push_back(id);
      first = i ? std::min(first, s.first) : s.first;
      last = i ? std::max(last, s.last) : s.last;
      const auto& s0 = std::get<report_spec>(filtered[0]->spec);
      if (s.daily || s.first != s0.first || s.last != s0.last)
        all_total_same = false;
    }
    auto rows = ids.size() *
                static_cast<std::size_t>(all_total_same ? 1 : last - first + 1);
    if (ids.size() <= max_filter_ids && rows <= max_report_rows) {
      report_call rc;
      rc.parts = filtered;
      rc.first = first;
      rc.last = last;
      rc.daily = !all_total_same;
      rc.ids = order;
      out.push_back(std::move(rc));
    } else {
      std::map<std::vector<std::string>, std::vector<const part*>> by_ids;
      for (const auto* p : filtered) {
        auto k = std::get<report_spec>(p->spec).ids;
        std::sort(k.begin(), k.end());
        by_ids[k].push_back(p);
      }
      for (const auto& [k, ps] : by_ids)
        for (auto& rc : anchor_clusters(ps, k))
          out.push_back(std::move(rc));
    }
  }
  if (!unfiltered.empty())
    for (auto& rc : anchor_clusters(unfiltered, {}))
      out.push_back(std::move(rc));
  return out;
}

void plan_reports(const std::string& token, const std::string& advertiser,
                  int level, const std::vector<part>& parts, plan& out) {
  for (auto& rc : report_calls(parts)) {
    std::set<std::string> wanted;
    bool local_totals = false;
    for (const auto* p : rc.parts) {
      const auto& s = std::get<report_spec>(p->spec);
      wanted.insert(s.metrics.begin(), s.metrics.end());
      if (rc.daily && !s.daily) local_totals = true;
    }
    // Totals cut out of daily rows are recomputed from the additive bases.
    if (local_totals)
      for (auto m : base_metrics)
        wanted.insert(std::string(m));
    std::vector<std::string> metrics;
    for (const auto& m : known_metrics())
      if (wanted.count(m)) metrics.push_back(m);
    std::vector<std::string> dims{std::string(id_dimension(level))};
    if (rc.daily) dims.emplace_back("stat_time_day");
    std::string target =
        std::string(api_prefix) +
        "report/integrated/get/?advertiser_id=" + url_encode(advertiser) +
        "&report_type=BASIC&data_level=" + std::string(data_level_name(level)) +
        "&dimensions=" + url_encode(json_list(dims)) +
        "&metrics=" + url_encode(json_list(metrics)) +
        "&start_date=" + iso_date(rc.first) + "&end_date=" + iso_date(rc.last);
    if (!rc.ids.empty()) {
      json::object f;
      f["field_name"] = std::string(id_filter_key(level));
      f["filter_type"] = "IN";
      f["filter_value"] = json_list(rc.ids);
      target += "&filtering=" + url_encode(json::serialize(json::array{f}));
    }
    target += "&page=1&page_size=" + std::to_string(max_report_rows);
    auto c = base_call(token, std::move(target));
    auto ctx = std::make_shared<tiktok_call_context>();
    ctx->k = tiktok_call_context::kind::report;
    ctx->advertiser_id = advertiser;
    ctx->level = level;
    ctx->report_daily = rc.daily;
    std::set<std::string> call_ids(rc.ids.begin(), rc.ids.end());
    for (const auto* p : rc.parts) {
      ctx->parts.push_back(*p);
      const auto& s = std::get<report_spec>(p->spec);
      ctx->parts.back().as_alone =
          s.daily == rc.daily && s.first == rc.first && s.last == rc.last &&
          std::set<std::string>(s.ids.begin(), s.ids.end()) == call_ids;
      c.serves.insert(c.serves.end(), p->request_ids.begin(),
                      p->request_ids.end());
    }
    c.label = "report/integrated/get/ " + std::string(data_level_name(level)) +
              (rc.daily ? " daily " : " total ") + iso_date(rc.first) + ".." +
              iso_date(rc.last) + " for " + std::to_string(rc.parts.size()) +
              " requests";
    c.context = std::move(ctx);
    out.calls.push_back(std::move(c));
  }
}

// -- event/track/
// ---------------------------------------------------------------

std::string event_key(const json::value& e) {
  const auto& o = e.as_object();
  return std::string(o.at("event").as_string()) + '\n' +
         std::string(o.at("event_id").as_string());
}

void plan_events(const std::string& token, const std::vector<part>& parts,
                 plan& out) {
  struct bin {
    std::map<std::string, std::size_t> index; ///< event key -> data index
    json::array data;
    std::vector<part> parts;
  };
  std::vector<bin> bins;
  for (const auto& p : parts) {
    const auto& s = std::get<events_spec>(p.spec);
    std::set<std::string> mine;
    for (const auto& e : s.events)
      mine.insert(event_key(e));
    bin* into = nullptr;
    for (auto& b : bins) {
      std::size_t extra = 0;
      for (const auto& k : mine)
        extra += b.index.count(k) ? 0 : 1;
      if (b.index.size() + extra <= max_events) {
        into = &b;
        break;
      }
    }
    if (!into) into = &bins.emplace_back();
    part q = p;
    std::set<std::size_t> idx;
    for (const auto& e : s.events) {
      auto k = event_key(e);
      auto it = into->index.find(k);
      if (it == into->index.end()) {
        it = into->index.emplace(k, into->data.size()).first;
        into->data.push_back(e);
      }
      idx.insert(it->second);
    }
    q.event_indices.assign(idx.begin(), idx.end());
    into->parts.push_back(std::move(q));
  }
  for (auto& b : bins) {
    const auto& s0 = std::get<events_spec>(b.parts.front().spec);
    json::object body;
    body["event_source"] = s0.event_source;
    body["event_source_id"] = s0.event_source_id;
    body["data"] = b.data;
    upstream_call c =
        base_call(token, std::string(api_prefix) + "event/track/");
    c.method = "POST";
    c.headers.emplace_back("Content-Type", "application/json");
    c.body = json::serialize(body);
    c.is_write = true;
    auto ctx = std::make_shared<tiktok_call_context>();
    ctx->k = tiktok_call_context::kind::events;
    for (auto& p : b.parts) {
      c.serves.insert(c.serves.end(), p.request_ids.begin(),
                      p.request_ids.end());
      ctx->parts.push_back(std::move(p));
    }
    c.label = "event/track/ " + s0.event_source + " " +
              std::to_string(b.data.size()) + " events for " +
              std::to_string(ctx->parts.size()) + " requests";
    c.context = std::move(ctx);
    out.calls.push_back(std::move(c));
  }
}

void emit(const std::vector<resolved_request>& rs, plan& out) {
  std::map<std::string, group> info, events;
  // A list or report request on a later attempt goes alone: a merged
  // answer too big for one page fails its members transiently, and alone
  // the request asks only its own filter and range.
  std::map<std::tuple<std::string, std::string, std::string, std::int64_t>,
           group>
      lists;
  std::map<std::tuple<std::string, std::string, int, std::int64_t>, group>
      reports;
  for (const auto& r : rs) {
    std::int64_t solo = r.request->attempts > 1 ? r.request->id : 0;
    if (std::holds_alternative<info_spec>(r.spec)) {
      auto& g = info[r.token];
      add_part(g.parts, g.idx, r);
    } else if (const auto* l = std::get_if<list_spec>(&r.spec)) {
      auto& g = lists[{r.token, r.advertiser_id, l->endpoint, solo}];
      add_part(g.parts, g.idx, r);
    } else if (const auto* rp = std::get_if<report_spec>(&r.spec)) {
      auto& g = reports[{r.token, r.advertiser_id, rp->level, solo}];
      add_part(g.parts, g.idx, r);
    } else {
      const auto& e = std::get<events_spec>(r.spec);
      auto& g =
          events[r.token + '\n' + e.event_source + '\n' + e.event_source_id];
      add_part(g.parts, g.idx, r);
    }
  }
  for (const auto& [token, g] : info)
    plan_info(token, g.parts, out);
  for (const auto& [k, g] : lists)
    plan_list(std::get<0>(k), std::get<1>(k), g.parts, out);
  for (const auto& [k, g] : reports)
    plan_reports(std::get<0>(k), std::get<1>(k), std::get<2>(k), g.parts, out);
  for (const auto& [k, g] : events)
    plan_events(k.substr(0, k.find('\n')), g.parts, out);
}

} // namespace

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string spec_key(const request_spec& spec) {
  return std::visit(
      [](const auto& s) {
        using T = std::decay_t<decltype(s)>;
        json::object o;
        if constexpr (std::is_same_v<T, info_spec>) {
          o["t"] = s.request_type;
          o["ids"] = json::value_from(s.advertiser_ids);
          o["f"] = json::value_from(s.fields);
        } else if constexpr (std::is_same_v<T, list_spec>) {
          o["t"] = s.request_type;
          o["a"] = s.advertiser_id;
          o["k"] = s.filter_key;
          o["ids"] = json::value_from(s.ids);
          o["f"] = json::value_from(s.fields);
        } else if constexpr (std::is_same_v<T, report_spec>) {
          o["l"] = s.level;
          o["a"] = s.advertiser_id;
          o["d"] = json::array{s.first, s.last, s.daily};
          o["m"] = json::value_from(s.metrics);
          o["ids"] = json::value_from(s.ids);
        } else {
          o["s"] = s.event_source;
          o["id"] = s.event_source_id;
          o["e"] = s.events;
        }
        return json::serialize(o);
      },
      spec);
}

resolution resolve_request(const queued_request& r, const plan_context& ctx) {
  auto reject = [&](std::string code, std::string msg) {
    resolution x;
    request_outcome o;
    o.request_id = r.id;
    o.kind = outcome_kind::permanent;
    o.error_code = std::move(code);
    o.error_message = std::move(msg);
    x.rejected = std::move(o);
    return x;
  };
  auto parsed = parse_tiktok_request(r.request_type, r.params);
  if (!parsed.spec) return reject("invalid_params", parsed.error);
  auto it = ctx.credentials.find(r.connection_id);
  if (it == ctx.credentials.end() || it->second.token.empty())
    return reject("missing_token",
                  "connection " + r.connection_id + " has no access token");
  const auto& acc = it->second.account_ids;
  resolved_request out;
  out.request = &r;
  out.token = it->second.token;
  out.spec = std::move(*parsed.spec);
  auto connection_advertiser = account_string(acc.if_contains("advertiser_id"));
  if (auto* info = std::get_if<info_spec>(&out.spec)) {
    if (info->advertiser_ids.empty()) {
      if (auto* list = acc.if_contains("advertiser_ids");
          list && list->is_array())
        for (const auto& v : list->as_array())
          if (auto s = account_string(&v);
              s && std::find(info->advertiser_ids.begin(),
                             info->advertiser_ids.end(),
                             *s) == info->advertiser_ids.end())
            info->advertiser_ids.push_back(*s);
      if (info->advertiser_ids.empty() && connection_advertiser)
        info->advertiser_ids.push_back(*connection_advertiser);
      if (info->advertiser_ids.empty())
        return reject("missing_advertiser_id",
                      "connection " + r.connection_id +
                          " has no TikTok advertiser_id in its account ids "
                          "and the request names none");
      // One request is one advertiser/info/ call's part, and a call takes
      // at most 100 ids: refuse rather than answer for only some of them.
      if (info->advertiser_ids.size() > max_advertiser_ids)
        return reject(
            "too_many_advertisers",
            "connection " + r.connection_id + " lists " +
                std::to_string(info->advertiser_ids.size()) +
                " advertiser_ids, more than one advertiser/info/ call takes (" +
                std::to_string(max_advertiser_ids) +
                "): name at most that many in params.advertiser_ids, over "
                "several requests");
    }
    return resolution{std::move(out), std::nullopt};
  }
  if (std::holds_alternative<events_spec>(out.spec))
    return resolution{std::move(out), std::nullopt};
  auto& adv = std::visit(
      [](auto& s) -> std::string& {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, list_spec> ||
                      std::is_same_v<T, report_spec>)
          return s.advertiser_id;
        else
          throw std::logic_error("no advertiser");
      },
      out.spec);
  if (adv.empty()) {
    if (!connection_advertiser)
      return reject("missing_advertiser_id",
                    "connection " + r.connection_id +
                        " has no TikTok advertiser_id in its account ids and "
                        "params.advertiser_id is not given");
    adv = *connection_advertiser;
  }
  out.advertiser_id = adv;
  return resolution{std::move(out), std::nullopt};
}

plan plan_tiktok(std::span<const queued_request> requests,
                 const plan_context& ctx) {
  plan p;
  std::vector<resolved_request> ok;
  ok.reserve(requests.size());
  for (const auto& r : requests) {
    auto res = resolve_request(r, ctx);
    if (res.rejected)
      p.rejected.push_back(std::move(*res.rejected));
    else
      ok.push_back(std::move(*res.ok));
  }
  emit(ok, p);
  return p;
}

upstream_call naive_tiktok_call(const queued_request& r,
                                const plan_context& ctx) {
  auto res = resolve_request(r, ctx);
  if (!res.ok) {
    upstream_call c;
    c.serves = {r.id};
    c.quota_units = 0;
    c.label = "rejected: " + res.rejected->error_code;
    return c;
  }
  std::vector<resolved_request> one;
  one.push_back(std::move(*res.ok));
  plan p;
  emit(one, p);
  return std::move(p.calls.front());
}

} // namespace adbatch::platforms::tiktok
