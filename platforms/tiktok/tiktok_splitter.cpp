// The TikTok splitter: every answer is HTTP 200 with {code, message,
// request_id, data} (platform-contracts.md §4.1); the code decides. Each
// request's own result is cut out of a merged call's answer exactly as its
// own call would have returned it.

#include "platforms/tiktok/tiktok_plan.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>
#include <map>
#include <set>

namespace adbatch::platforms::tiktok {

namespace json = boost::json;

namespace {

using ctx_t = tiktok_call_context;

constexpr int code_partial = 20001;

bool is_throttle(std::int64_t code) {
  return code == 40100 || code == 40016 || code == 40133;
}
/// Refused before the budget is spent (missing / invalid token).
bool is_auth(std::int64_t code) {
  return code == 40104 || code == 40105;
}

request_outcome outcome(std::int64_t id, outcome_kind k, std::string code = {},
                        std::string msg = {}) {
  request_outcome o;
  o.request_id = id;
  o.kind = k;
  o.error_code = std::move(code);
  o.error_message = std::move(msg);
  return o;
}

void fail_part(const ctx_t::part& p, split_result& out, outcome_kind k,
               const std::string& code, const std::string& msg,
               std::optional<milliseconds> retry = std::nullopt) {
  for (auto id : p.request_ids) {
    auto o = outcome(id, k, code, msg);
    o.retry_after = retry;
    out.outcomes.push_back(std::move(o));
  }
}

void fail_all(const upstream_call& call, split_result& out, outcome_kind k,
              const std::string& code, const std::string& msg,
              std::optional<milliseconds> retry = std::nullopt) {
  for (auto id : call.serves) {
    auto o = outcome(id, k, code, msg);
    o.retry_after = retry;
    out.outcomes.push_back(std::move(o));
  }
}

void complete(const ctx_t::part& p, split_result& out, const json::value& v) {
  auto text = json::serialize(v);
  for (auto id : p.request_ids) {
    auto o = outcome(id, outcome_kind::completed);
    o.result_json = text;
    out.outcomes.push_back(std::move(o));
  }
}

json::object project(const json::object& o,
                     const std::vector<std::string>& fields) {
  json::object out;
  for (const auto& f : fields)
    if (const auto* v = o.if_contains(f)) out[f] = *v;
  return out;
}

std::string str_of(const json::value* v) {
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

const json::array* list_of(const json::object& body) {
  const auto* d = body.if_contains("data");
  if (!d || !d->is_object()) return nullptr;
  const auto* l = d->as_object().if_contains("list");
  return l && l->is_array() ? &l->as_array() : nullptr;
}

/// page_info.total_number, when given.
std::optional<std::int64_t> total_number(const json::object& body) {
  const auto* d = body.if_contains("data");
  if (!d || !d->is_object()) return std::nullopt;
  const auto* pi = d->as_object().if_contains("page_info");
  if (!pi || !pi->is_object()) return std::nullopt;
  const auto* t = pi->as_object().if_contains("total_number");
  if (t && t->is_int64()) return t->as_int64();
  return std::nullopt;
}

// -- metrics arithmetic (as TikTok, and adbatch-sim, total a range) ---------

struct base {
  std::int64_t impressions = 0, clicks = 0, spend_cents = 0, conversions = 0;
};

std::int64_t int_of(const json::value* v) {
  auto s = str_of(v);
  std::int64_t n = 0;
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

/// "123.45" -> 12345 (exact: TikTok sends spend with two decimals).
std::int64_t cents_of(const json::value* v) {
  auto s = str_of(v);
  auto dot = s.find('.');
  std::int64_t whole = 0, frac = 0;
  std::from_chars(
      s.data(), s.data() + (dot == std::string::npos ? s.size() : dot), whole);
  if (dot != std::string::npos) {
    auto f = s.substr(dot + 1, 2);
    while (f.size() < 2)
      f += '0';
    std::from_chars(f.data(), f.data() + f.size(), frac);
  }
  return whole * 100 + frac;
}

std::string fixed2(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string render(std::string_view m, const base& b) {
  double spend = static_cast<double>(b.spend_cents) / 100.0;
  auto imp = static_cast<double>(b.impressions);
  auto clk = static_cast<double>(b.clicks);
  auto conv = static_cast<double>(b.conversions);
  if (m == "impressions") return std::to_string(b.impressions);
  if (m == "clicks") return std::to_string(b.clicks);
  if (m == "spend") return fixed2(spend);
  if (m == "conversion") return std::to_string(b.conversions);
  if (m == "ctr") return fixed2(imp > 0 ? 100.0 * clk / imp : 0.0);
  if (m == "cpc") return fixed2(b.clicks ? spend / clk : 0.0);
  if (m == "cpm") return fixed2(imp > 0 ? 1000.0 * spend / imp : 0.0);
  if (m == "cost_per_conversion")
    return fixed2(b.conversions ? spend / conv : 0.0);
  if (m == "conversion_rate")
    return fixed2(b.clicks ? 100.0 * conv / clk : 0.0);
  return {};
}

/// An answer of more than one page: permanent for the parts whose own call
/// asks the same; the others would be asked less alone, so they go again
/// (the planner sends a request alone from its second attempt on).
void too_big(const ctx_t& cx, split_result& out, const std::string& code,
             const std::string& msg) {
  for (const auto& p : cx.parts)
    if (p.as_alone)
      fail_part(p, out, outcome_kind::permanent, code, msg);
    else
      fail_part(p, out, outcome_kind::transient, "tiktok_merged_too_large",
                "the merged answer took more than one page (" + msg +
                    "); the request goes again alone");
}

// -- per kind
// -------------------------------------------------------------------

void split_info(const ctx_t& cx, const json::object& body, split_result& out) {
  std::map<std::string, const json::object*> by_id;
  if (const auto* l = list_of(body))
    for (const auto& v : *l)
      if (v.is_object())
        by_id.emplace(str_of(v.as_object().if_contains("advertiser_id")),
                      &v.as_object());
  for (const auto& p : cx.parts) {
    const auto& s = std::get<info_spec>(p.spec);
    json::array list;
    for (const auto& id : s.advertiser_ids)
      if (auto it = by_id.find(id); it != by_id.end())
        list.push_back(project(*it->second, s.fields));
    json::object r;
    r["list"] = std::move(list);
    complete(p, out, r);
  }
}

void split_list(const upstream_call& call, const ctx_t& cx,
                const json::object& body, split_result& out) {
  const auto* l = list_of(body);
  if (!l) {
    fail_all(call, out, outcome_kind::transient, "tiktok_bad_response",
             "the answer has no data.list");
    return;
  }
  if (auto t = total_number(body);
      t && *t > static_cast<std::int64_t>(l->size())) {
    too_big(cx, out, "tiktok_too_many_objects",
            "the list has " + std::to_string(*t) +
                " objects, more than one page: filter by ids");
    return;
  }
  for (const auto& p : cx.parts) {
    const auto& s = std::get<list_spec>(p.spec);
    std::set<std::string> ids(s.ids.begin(), s.ids.end());
    std::string field(filter_field(s.filter_key));
    json::array list;
    for (const auto& v : *l) {
      if (!v.is_object()) continue;
      const auto& o = v.as_object();
      if (!s.filter_key.empty() && !ids.count(str_of(o.if_contains(field))))
        continue;
      list.push_back(project(o, s.fields));
    }
    json::object r;
    r["list"] = std::move(list);
    complete(p, out, r);
  }
}

void split_report(const upstream_call& call, const ctx_t& cx,
                  const json::object& body, split_result& out) {
  const auto* l = list_of(body);
  if (!l) {
    fail_all(call, out, outcome_kind::transient, "tiktok_bad_response",
             "the answer has no data.list");
    return;
  }
  if (auto t = total_number(body);
      t && *t > static_cast<std::int64_t>(l->size())) {
    too_big(cx, out, "tiktok_report_too_large",
            "the report has " + std::to_string(*t) +
                " rows, more than one page of " +
                std::to_string(max_report_rows) +
                ": narrow the date range or filter by ids");
    return;
  }
  std::string id_dim(id_dimension(cx.level));
  for (const auto& p : cx.parts) {
    const auto& s = std::get<report_spec>(p.spec);
    std::set<std::string> ids(s.ids.begin(), s.ids.end());
    json::array rows;
    std::vector<std::string> order;
    std::map<std::string, base> totals;
    for (const auto& v : *l) {
      if (!v.is_object()) continue;
      const auto* dims = v.as_object().if_contains("dimensions");
      const auto* mets = v.as_object().if_contains("metrics");
      if (!dims || !dims->is_object() || !mets || !mets->is_object()) continue;
      const auto& d = dims->as_object();
      const auto& m = mets->as_object();
      auto id = str_of(d.if_contains(id_dim));
      if (!ids.empty() && !ids.count(id)) continue;
      if (cx.report_daily) {
        auto day_text = str_of(d.if_contains("stat_time_day"));
        auto day = parse_date(std::string_view(day_text).substr(0, 10));
        if (!day || *day < s.first || *day > s.last) continue;
      }
      if (!cx.report_daily || s.daily) {
        json::object row;
        row["dimensions"] = d;
        row["metrics"] = project(m, s.metrics);
        rows.push_back(std::move(row));
        continue;
      }
      auto [it, fresh] = totals.try_emplace(id);
      if (fresh) order.push_back(id);
      it->second.impressions += int_of(m.if_contains("impressions"));
      it->second.clicks += int_of(m.if_contains("clicks"));
      it->second.spend_cents += cents_of(m.if_contains("spend"));
      it->second.conversions += int_of(m.if_contains("conversion"));
    }
    for (const auto& id : order) {
      json::object dims, mets;
      dims[id_dim] = id;
      for (const auto& name : s.metrics)
        mets[name] = render(name, totals[id]);
      json::object row;
      row["dimensions"] = std::move(dims);
      row["metrics"] = std::move(mets);
      rows.push_back(std::move(row));
    }
    json::object r;
    r["list"] = std::move(rows);
    complete(p, out, r);
  }
}

/// One failed event of a 20001 answer: TikTok's code for it decides.
struct event_failure {
  std::int64_t code = 0; ///< 0: not given
  std::string message;
};

/// How a request with failed events goes on: bad data (a 4xxxx code other
/// than a throttle) never gets better, so it is permanent; throttles wait
/// a second; server errors (5xxxx) and failures without a code retry
/// (TikTok keeps the first of the same source, event and event_id, so
/// sending the request's events again cannot count one twice).
outcome_kind event_kind(std::int64_t code) {
  if (is_throttle(code)) return outcome_kind::throttled;
  if (code >= 40000 && code < 50000) return outcome_kind::permanent;
  return outcome_kind::transient;
}

int severity(outcome_kind k) {
  return k == outcome_kind::permanent   ? 2
         : k == outcome_kind::transient ? 1
                                        : 0;
}

void split_events(const ctx_t& cx, const json::object& body, std::int64_t code,
                  split_result& out) {
  std::map<std::size_t, event_failure> failed;
  if (code == code_partial)
    if (const auto* d = body.if_contains("data"); d && d->is_object())
      if (const auto* f = d->as_object().if_contains("failed_events");
          f && f->is_array())
        for (const auto& e : f->as_array())
          if (e.is_object())
            if (const auto* i = e.as_object().if_contains("index");
                i && i->is_int64()) {
              event_failure ef;
              if (const auto* c = e.as_object().if_contains("code");
                  c && c->is_int64())
                ef.code = c->as_int64();
              ef.message = str_of(e.as_object().if_contains("message"));
              failed[static_cast<std::size_t>(i->as_int64())] = std::move(ef);
            }
  for (const auto& p : cx.parts) {
    const auto& s = std::get<events_spec>(p.spec);
    const event_failure* worst = nullptr;
    for (auto i : p.event_indices)
      if (auto it = failed.find(i); it != failed.end())
        if (!worst || severity(event_kind(it->second.code)) >
                          severity(event_kind(worst->code)))
          worst = &it->second;
    if (worst) {
      auto k = event_kind(worst->code);
      fail_part(p, out, k, "tiktok_20001",
                "some events were not accepted (code " +
                    std::to_string(worst->code) + "): " + worst->message,
                k == outcome_kind::throttled
                    ? std::optional<milliseconds>{milliseconds{1000}}
                    : std::nullopt);
      continue;
    }
    json::object r;
    r["event_source"] = s.event_source;
    r["event_source_id"] = s.event_source_id;
    r["events_received"] = static_cast<std::int64_t>(p.event_indices.size());
    complete(p, out, r);
  }
}

/// The event index a 40002 message names ("data[3].event_time: ..."), or
/// none.
std::optional<std::size_t> named_event(const std::string& msg) {
  if (msg.rfind("data[", 0) != 0) return std::nullopt;
  std::size_t n = 0, i = 5;
  for (; i < msg.size() && msg[i] >= '0' && msg[i] <= '9'; ++i)
    n = n * 10 + static_cast<std::size_t>(msg[i] - '0');
  if (i == 5 || i >= msg.size() || msg[i] != ']') return std::nullopt;
  return n;
}

/// The advertiser a 40001 message names ("No permission to operate
/// advertiser 7000000000000000003.").
std::string named_advertiser(const std::string& msg) {
  auto at = msg.find("advertiser ");
  if (at == std::string::npos) return {};
  std::string id;
  for (auto i = at + 11; i < msg.size() && msg[i] >= '0' && msg[i] <= '9'; ++i)
    id += msg[i];
  return id;
}

} // namespace

std::vector<rate_signal> rate_signals_of(const upstream_reply& reply,
                                         std::string_view advertiser_id) {
  std::vector<rate_signal> out;
  if (reply.transport_error) return out;
  if (reply.status == 429) {
    rate_signal s;
    s.scope = "app";
    s.throttled = true;
    s.pause_for = milliseconds{1000};
    out.push_back(s);
    return out;
  }
  boost::system::error_code ec;
  auto v = json::parse(reply.body, ec);
  if (ec || !v.is_object()) return out;
  const auto* c = v.as_object().if_contains("code");
  if (!c || !c->is_int64() || !is_throttle(c->as_int64())) return out;
  rate_signal s;
  s.scope = c->as_int64() == 40133 && !advertiser_id.empty()
                ? "advertiser:" + std::string(advertiser_id)
                : "app";
  s.throttled = true;
  // QPS windows: the next second (platform-contracts.md §4.3).
  s.pause_for = milliseconds{1000};
  out.push_back(s);
  return out;
}

split_result split_tiktok(const upstream_call& call,
                          const upstream_reply& reply, const plan_context&) {
  split_result out;
  const auto* cx = dynamic_cast<const ctx_t*>(call.context.get());
  if (!cx) {
    fail_all(call, out, outcome_kind::permanent, "tiktok_no_context",
             "the call carries no TikTok context");
    return out;
  }
  out.signals = rate_signals_of(reply, cx->advertiser_id);
  if (reply.transport_error) {
    auto code = "transport_" + *reply.transport_error;
    if (call.is_write && reply.maybe_delivered)
      fail_all(call, out, outcome_kind::ambiguous, code,
               "no answer to event/track/ (" + *reply.transport_error +
                   "): the events may have been received");
    else
      fail_all(call, out, outcome_kind::transient, code,
               "no answer from TikTok (" + *reply.transport_error + ")");
    return out;
  }
  if (reply.status == 429) {
    fail_all(call, out, outcome_kind::throttled, "http_429",
             "too many requests", milliseconds{1000});
    return out;
  }
  if (reply.status >= 500) {
    fail_all(call, out,
             call.is_write ? outcome_kind::ambiguous : outcome_kind::transient,
             "http_" + std::to_string(reply.status),
             "TikTok answered HTTP " + std::to_string(reply.status));
    return out;
  }
  boost::system::error_code ec;
  auto v = json::parse(reply.body, ec);
  const json::value* code_v =
      !ec && v.is_object() ? v.as_object().if_contains("code") : nullptr;
  if (!code_v || !code_v->is_int64()) {
    if (reply.status != 200)
      fail_all(call, out, outcome_kind::permanent,
               "http_" + std::to_string(reply.status),
               "TikTok answered HTTP " + std::to_string(reply.status));
    else
      fail_all(call, out,
               call.is_write ? outcome_kind::ambiguous
                             : outcome_kind::transient,
               "tiktok_bad_response", "the answer is not a TikTok envelope");
    return out;
  }
  const auto& body = v.as_object();
  auto code = code_v->as_int64();
  auto msg = str_of(body.if_contains("message"));
  auto ecode = "tiktok_" + std::to_string(code);
  if (is_throttle(code)) {
    fail_all(call, out, outcome_kind::throttled, ecode, msg,
             milliseconds{1000});
    return out;
  }
  if (is_auth(code) || reply.status != 200) {
    fail_all(call, out, outcome_kind::permanent,
             reply.status != 200 ? "http_" + std::to_string(reply.status)
                                 : ecode,
             msg);
    return out;
  }
  // Past the throttle: the call spent one unit of the app's budget.
  out.units_spent = call.quota_units;
  if (code >= 50000 && code < 60000) {
    // A server error: the events were not taken (TikTok answers them
    // whole), so even a write may be retried.
    fail_all(call, out, outcome_kind::transient, ecode, msg);
    return out;
  }
  if (code == 0 || (code == code_partial && cx->k == ctx_t::kind::events)) {
    switch (cx->k) {
    case ctx_t::kind::info:
      split_info(*cx, body, out);
      break;
    case ctx_t::kind::list:
      split_list(call, *cx, body, out);
      break;
    case ctx_t::kind::report:
      split_report(call, *cx, body, out);
      break;
    case ctx_t::kind::events:
      split_events(*cx, body, code, out);
      break;
    }
    return out;
  }
  if (code == 40001 && cx->k == ctx_t::kind::info) {
    // One advertiser the token may not see refuses the whole call: its
    // requests fail, the others go again (no attempt spent).
    auto bad = named_advertiser(msg);
    bool any = false;
    for (const auto& p : cx->parts) {
      const auto& ids = std::get<info_spec>(p.spec).advertiser_ids;
      if (std::find(ids.begin(), ids.end(), bad) != ids.end()) any = true;
    }
    for (const auto& p : cx->parts) {
      const auto& ids = std::get<info_spec>(p.spec).advertiser_ids;
      bool mine = std::find(ids.begin(), ids.end(), bad) != ids.end();
      if (mine || !any)
        fail_part(p, out, outcome_kind::permanent, ecode, msg);
      else
        fail_part(p, out, outcome_kind::not_attempted, ecode,
                  "another request's advertiser refused the call: " + msg,
                  milliseconds{0});
    }
    return out;
  }
  if (code == 40002 && cx->k == ctx_t::kind::events)
    if (auto bad = named_event(msg);
        bad && std::any_of(cx->parts.begin(), cx->parts.end(),
                           [&](const ctx_t::part& p) {
                             return std::find(p.event_indices.begin(),
                                              p.event_indices.end(),
                                              *bad) != p.event_indices.end();
                           })) {
      // One request's bad event refuses the whole upload: its requests
      // fail, the others go again without it (no attempt spent).
      for (const auto& p : cx->parts) {
        bool mine = std::find(p.event_indices.begin(), p.event_indices.end(),
                              *bad) != p.event_indices.end();
        if (mine)
          fail_part(p, out, outcome_kind::permanent, ecode, msg);
        else
          fail_part(p, out, outcome_kind::not_attempted, ecode,
                    "another request's event was refused: " + msg,
                    milliseconds{0});
      }
      return out;
    }
  fail_all(call, out, outcome_kind::permanent, ecode, msg);
  return out;
}

} // namespace adbatch::platforms::tiktok
