// The Snapchat splitter: cuts one call's answer into each served request's
// own result. Errors: HTTP 429 -> throttled (no attempt spent); 5xx and
// transport errors -> transient (every call is a read); other HTTP errors
// -> permanent with Snapchat's error_code ("snapchat_E3003"). Items of a
// list answered with sub_request_status ERROR fail (transient) only the
// requests whose result would hold them.

#include "platforms/snapchat/snapchat_plan.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <set>

namespace adbatch::platforms::snapchat {

namespace json = boost::json;

std::vector<rate_signal> snapchat_rate_signals(const upstream_reply& reply,
                                               const std::string& scope) {
  std::vector<rate_signal> out;
  if (reply.status != 429) return out;
  rate_signal s;
  s.scope = scope;
  s.throttled = true;
  s.remaining = 0;
  s.pause_for = milliseconds{1000};
  if (auto ra = reply.header("retry-after")) {
    long long secs = 0;
    auto [p, ec] = std::from_chars(ra->data(), ra->data() + ra->size(), secs);
    if (ec == std::errc{} && p == ra->data() + ra->size() && secs >= 0 &&
        secs < 86400)
      s.pause_for = milliseconds{secs * 1000};
  }
  out.push_back(s);
  return out;
}

namespace {

struct splitter {
  const upstream_call& call;
  const sc_call_context& c;
  split_result out;

  void fail(std::int64_t id, outcome_kind k, const std::string& code,
            const std::string& msg,
            std::optional<milliseconds> retry = std::nullopt) {
    request_outcome o;
    o.request_id = id;
    o.kind = k;
    o.error_code = code;
    o.error_message = msg;
    o.retry_after = retry;
    out.outcomes.push_back(std::move(o));
  }
  void fail_all(outcome_kind k, const std::string& code, const std::string& msg,
                std::optional<milliseconds> retry = std::nullopt) {
    for (auto id : call.serves)
      fail(id, k, code, msg, retry);
  }
  void complete(std::int64_t id, const json::value& v) {
    request_outcome o;
    o.request_id = id;
    o.kind = outcome_kind::completed;
    o.result_json = json::serialize(v);
    out.outcomes.push_back(std::move(o));
  }
  void not_found(const part& p, const std::string& what) {
    fail(p.request_id, outcome_kind::permanent, "snapchat_E3003",
         p.spec.type + ": " + what);
  }
  void item_failed(const part& p, const std::string& reason) {
    fail(p.request_id, outcome_kind::transient, "snapchat_sub_request_error",
         p.spec.type + ": part of Snapchat's answer failed (" + reason + ")");
  }

  /// Items of a {"<plural>": [{sub_request_status, <entity>}]} answer.
  struct items {
    std::vector<json::object> ok;
    std::set<std::string> failed; ///< ids of failed items
    bool any_failed = false;
    std::string reason;
  };
  static items read_items(const json::object& body, const std::string& plural,
                          const std::string& entity) {
    items r;
    const auto* arr = body.if_contains(plural);
    if (!arr || !arr->is_array()) return r;
    for (const auto& it : arr->as_array()) {
      if (!it.is_object()) continue;
      const auto& o = it.as_object();
      const auto* st = o.if_contains("sub_request_status");
      const auto* e = o.if_contains(entity);
      bool good =
          st && st->is_string() &&
          (st->as_string() == "SUCCESS" || st->as_string() == "success");
      if (good && e && e->is_object()) {
        r.ok.push_back(e->as_object());
        continue;
      }
      r.any_failed = true;
      if (const auto* why = o.if_contains("sub_request_error_reason");
          why && why->is_string())
        r.reason = std::string{why->as_string()};
      if (e && e->is_object())
        if (const auto* id = e->as_object().if_contains("id");
            id && id->is_string())
          r.failed.insert(std::string{id->as_string()});
    }
    if (r.reason.empty()) r.reason = "an item failed";
    return r;
  }

  static std::string id_of(const json::object& o) {
    const auto* v = o.if_contains("id");
    return v && v->is_string() ? std::string{v->as_string()} : std::string{};
  }
  static std::string field(const json::object& o, const std::string& k) {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string{v->as_string()} : std::string{};
  }

  /// A list request's result from the items that hold its objects.
  void list_part(const part& p, const std::vector<json::object>& pool,
                 const items& its, const std::string& where) {
    const auto& s = p.spec;
    json::array chosen;
    std::set<std::string> seen;
    for (const auto& o : pool) {
      if (!s.parent_field.empty() && field(o, s.parent_field) != s.parent_id)
        continue;
      auto id = id_of(o);
      if (!s.ids.empty() && !std::binary_search(s.ids.begin(), s.ids.end(), id))
        continue;
      seen.insert(id);
      chosen.push_back(o);
    }
    // Which failed items it needed: by-id requests only theirs; whole
    // lists and per-parent ones (a failed item's parent is unknown) any.
    bool affected = false;
    if (!s.ids.empty() && s.parent_field.empty()) {
      for (const auto& id : s.ids)
        affected = affected || its.failed.count(id) > 0 ||
                   (its.any_failed && its.failed.empty());
    } else {
      affected = its.any_failed;
    }
    if (affected) return item_failed(p, its.reason);
    // A parent with no match gives an empty list: the ad account's list
    // cannot tell a campaign without ad squads (common, valid) from one
    // outside the account, and failing the first would fail good requests.
    for (const auto& id : s.ids)
      if (!seen.count(id))
        return not_found(p, s.entity + " " + id + " not found " + where);
    json::object r;
    r[s.result_key] = std::move(chosen);
    complete(p.request_id, r);
  }

  void orgs(const json::object& body) {
    auto its = read_items(body, "organizations", "organization");
    std::vector<json::object> accounts;
    std::map<std::string, std::vector<json::object>> by_org;
    for (const auto& o : its.ok) {
      // The nested key is UNCONFIRMED (platform-contracts.md §7): either.
      const auto* a = o.if_contains("ad_accounts");
      if (!a) a = o.if_contains("adaccounts");
      if (a && a->is_array())
        for (const auto& x : a->as_array())
          if (x.is_object()) {
            accounts.push_back(x.as_object());
            by_org[id_of(o)].push_back(x.as_object());
          }
    }
    for (const auto& p : c.parts) {
      if (p.spec.collection == "organizations") {
        if (its.any_failed) {
          item_failed(p, its.reason);
          continue;
        }
        json::object r;
        json::array a;
        for (const auto& o : its.ok)
          a.push_back(o);
        r["organizations"] = std::move(a);
        complete(p.request_id, r);
        continue;
      }
      // get_ad_accounts: an organization's or all of them.
      if (!p.spec.parent_id.empty()) {
        if (its.failed.count(p.spec.parent_id) ||
            (its.any_failed && its.failed.empty())) {
          item_failed(p, its.reason);
          continue;
        }
        auto it = by_org.find(p.spec.parent_id);
        bool listed = it != by_org.end() ||
                      std::any_of(its.ok.begin(), its.ok.end(), [&](auto& o) {
                        return id_of(o) == p.spec.parent_id;
                      });
        if (!listed) {
          not_found(p, "organization " + p.spec.parent_id +
                           " is not among the token's organizations");
          continue;
        }
        static const std::vector<json::object> none;
        items clean;
        list_part(strip_parent(p), it == by_org.end() ? none : it->second,
                  clean, "in organization " + p.spec.parent_id);
        continue;
      }
      list_part(p, accounts, its, "among the token's organizations");
    }
  }

  /// The part without its parent filter (already applied).
  static part strip_parent(const part& p) {
    part q = p;
    q.spec.parent_field.clear();
    q.spec.parent_id.clear();
    return q;
  }

  void list(const json::object& body) {
    auto plural = c.entity == "media" ? std::string{"media"} : c.entity + "s";
    auto its = read_items(body, plural, c.entity);
    auto where = c.own ? std::string{"in Snapchat's answer"}
                       : "in ad account " + c.account;
    for (const auto& p : c.parts)
      list_part(p, its.ok, its, where);
  }

  void targeting(const json::object& body) {
    auto its = read_items(body, "targeting_dimensions", c.entity);
    for (const auto& p : c.parts) {
      if (its.any_failed) {
        item_failed(p, its.reason);
        continue;
      }
      json::array a;
      for (const auto& o : its.ok)
        a.push_back(o);
      json::object r;
      r["targeting_options"] = std::move(a);
      complete(p.request_id, r);
    }
  }

  /// Sums or copies `fields` of stats objects.
  static json::object pick(const std::vector<const json::object*>& days,
                           const std::vector<std::string>& fields) {
    json::object r;
    for (const auto& f : fields) {
      std::int64_t isum = 0;
      double dsum = 0;
      bool is_double = false, present = false;
      for (const auto* d : days) {
        const auto* v = d->if_contains(f);
        if (!v) continue;
        present = true;
        if (v->is_int64())
          isum += v->as_int64();
        else if (v->is_uint64())
          isum += static_cast<std::int64_t>(v->as_uint64());
        else if (v->is_double()) {
          is_double = true;
          dsum += v->as_double();
        }
      }
      if (!present) continue;
      if (is_double)
        r[f] = dsum + static_cast<double>(isum);
      else
        r[f] = isum;
    }
    return r;
  }

  void stats(const json::object& body) {
    const json::object* stat = nullptr;
    std::string status;
    for (auto [list, key] : {std::pair{"timeseries_stats", "timeseries_stat"},
                             std::pair{"total_stats", "total_stat"}}) {
      const auto* a = body.if_contains(list);
      if (!a || !a->is_array() || a->as_array().empty()) continue;
      const auto& item = a->as_array().front();
      if (!item.is_object()) continue;
      status = field(item.as_object(), "sub_request_status");
      if (const auto* s = item.as_object().if_contains(key);
          s && s->is_object())
        stat = &s->as_object();
    }
    if (status != "SUCCESS" && status != "success") {
      fail_all(outcome_kind::transient, "snapchat_sub_request_error",
               "Snapchat's stats answer failed");
      return;
    }
    if (!stat) {
      fail_all(outcome_kind::transient, "bad_response",
               "Snapchat's stats answer has no stat");
      return;
    }
    // The entities: the breakdown's, or the stat itself (a pixel).
    std::vector<const json::object*> entities;
    if (!c.breakdown.empty()) {
      const auto* bs = stat->if_contains("breakdown_stats");
      const auto* arr = bs && bs->is_object()
                            ? bs->as_object().if_contains(c.breakdown)
                            : nullptr;
      if (arr && arr->is_array())
        for (const auto& e : arr->as_array())
          if (e.is_object()) entities.push_back(&e.as_object());
    } else {
      entities.push_back(stat);
    }
    auto span = c.last_day - c.first_day;
    for (const auto* e : entities) {
      bool ok = c.daily
                    ? (e->if_contains("timeseries") &&
                       e->at("timeseries").is_array() &&
                       static_cast<std::int64_t>(
                           e->at("timeseries").as_array().size()) == span)
                    : (e->if_contains("stats") && e->at("stats").is_object());
      if (!ok) {
        fail_all(outcome_kind::transient, "bad_response",
                 "Snapchat's stats answer does not cover the range asked");
        return;
      }
    }
    for (const auto& p : c.parts) {
      const auto& s = p.spec;
      json::array rows;
      std::set<std::string> seen;
      for (const auto* e : entities) {
        auto id = id_of(*e);
        if (!s.ids.empty() &&
            !std::binary_search(s.ids.begin(), s.ids.end(), id))
          continue;
        seen.insert(id);
        json::object row;
        row["id"] = id;
        row["type"] = field(*e, "type");
        row["granularity"] = s.daily ? "DAY" : "TOTAL";
        row["start_time"] = format_day(s.first_day, s.offset);
        row["end_time"] = format_day(s.last_day, s.offset);
        if (!c.daily) {
          row["stats"] = pick({&e->at("stats").as_object()}, s.fields);
        } else {
          const auto& ts = e->at("timeseries").as_array();
          std::vector<const json::object*> days;
          json::array series;
          for (auto d = s.first_day; d < s.last_day; ++d) {
            const auto& pt = ts[static_cast<std::size_t>(d - c.first_day)];
            static const json::object empty;
            const auto* st =
                pt.is_object() ? pt.as_object().if_contains("stats") : nullptr;
            const auto* so = st && st->is_object() ? &st->as_object() : &empty;
            days.push_back(so);
            if (s.daily) {
              json::object point;
              point["start_time"] = format_day(d, s.offset);
              point["end_time"] = format_day(d + 1, s.offset);
              point["stats"] = pick({so}, s.fields);
              series.push_back(std::move(point));
            }
          }
          if (s.daily)
            row["timeseries"] = std::move(series);
          else
            row["stats"] = pick(days, s.fields);
        }
        rows.push_back(std::move(row));
      }
      bool missing = false;
      for (const auto& id : s.ids)
        if (!seen.count(id)) {
          not_found(p, s.breakdown + " " + id + " not found in ad account " +
                           p.account);
          missing = true;
          break;
        }
      if (missing) continue;
      json::object r;
      r["stats"] = std::move(rows);
      complete(p.request_id, r);
    }
  }
};

} // namespace

split_result split_snapchat(const upstream_call& call,
                            const upstream_reply& reply, const plan_context&) {
  auto c = std::dynamic_pointer_cast<const sc_call_context>(call.context);
  static const sc_call_context none{};
  splitter sp{call, c ? *c : none, {}};
  if (!c) {
    sp.fail_all(outcome_kind::permanent, "internal",
                "a Snapchat call without its plan context");
    return std::move(sp.out);
  }
  if (c->rejected) {
    sp.out.outcomes.push_back(*c->rejected);
    return std::move(sp.out);
  }
  if (reply.transport_error) {
    sp.fail_all(outcome_kind::transient, "transport_" + *reply.transport_error,
                "no answer from Snapchat (" + *reply.transport_error + ")");
    return std::move(sp.out);
  }
  sp.out.signals = snapchat_rate_signals(reply, c->scope);
  if (reply.status == 429) {
    auto pause = sp.out.signals.front().pause_for;
    sp.fail_all(outcome_kind::throttled, "snapchat_E3006",
                "Snapchat rate limit (HTTP 429)", pause);
    return std::move(sp.out);
  }
  boost::system::error_code ec;
  auto v = json::parse(reply.body, ec);
  const json::object* body = !ec && v.is_object() ? &v.as_object() : nullptr;
  std::string code = "http_" + std::to_string(reply.status);
  std::string msg = "Snapchat answered HTTP " + std::to_string(reply.status);
  std::string request_status;
  if (body) {
    request_status = splitter::field(*body, "request_status");
    if (auto e = splitter::field(*body, "error_code"); !e.empty())
      code = "snapchat_" + e;
    if (auto m = splitter::field(*body, "debug_message"); !m.empty()) msg = m;
  }
  if (reply.status >= 500 || reply.status == 0) {
    sp.out.units_spent = 1;
    sp.fail_all(outcome_kind::transient, code, msg);
    return std::move(sp.out);
  }
  if (reply.status != 200 || !body ||
      (request_status != "SUCCESS" && request_status != "success")) {
    // 401: rejected before any budget was spent.
    sp.out.units_spent = reply.status == 401 ? 0 : 1;
    if (reply.status == 200)
      sp.fail_all(outcome_kind::transient, "bad_response",
                  "Snapchat's answer is not a SUCCESS envelope");
    else
      sp.fail_all(outcome_kind::permanent, code, msg);
    return std::move(sp.out);
  }
  sp.out.units_spent = call.quota_units;
  // Lists are asked for without `limit`, so Snapchat sends them whole; a
  // paged answer would be cut short: fail it rather than return part.
  if (const auto* paging = body->if_contains("paging");
      paging && paging->is_object() &&
      paging->as_object().if_contains("next_link")) {
    sp.fail_all(outcome_kind::transient, "snapchat_paged",
                "Snapchat paged an answer asked for whole (paging.next_link)");
    return std::move(sp.out);
  }
  switch (c->shape) {
  case call_shape::orgs:
    sp.orgs(*body);
    break;
  case call_shape::list:
    sp.list(*body);
    break;
  case call_shape::targeting:
    sp.targeting(*body);
    break;
  case call_shape::stats:
    sp.stats(*body);
    break;
  }
  return std::move(sp.out);
}

} // namespace adbatch::platforms::snapchat
