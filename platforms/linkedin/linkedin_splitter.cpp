// LinkedIn's splitter: one call's answer (a BATCH_GET map, a finder page,
// adAnalytics elements, a Rest.li error) -> each served request's own
// outcome, the units LinkedIn charged and the rate signals.

#include "platforms/linkedin/linkedin_plan.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

namespace adbatch::platforms::linkedin {

namespace json = boost::json;
namespace chr = std::chrono;

namespace {

/// A request's verdict before it becomes an outcome.
struct verdict {
  outcome_kind kind = outcome_kind::completed;
  std::string result_json;
  std::string code;
  std::string message;
  std::optional<milliseconds> retry_after;
};

request_outcome outcome_of(std::int64_t id, const verdict& v) {
  request_outcome o;
  o.request_id = id;
  o.kind = v.kind;
  o.result_json = v.result_json;
  o.error_code = v.code;
  o.error_message = v.message;
  o.retry_after = v.retry_after;
  return o;
}

/// An integral JSON number that fits int64, else nothing (never throws:
/// the answer is untrusted).
std::optional<std::int64_t> int_of(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) {
    auto u = v->as_uint64();
    if (u >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v->is_double()) {
    double d = v->as_double();
    // 2^63 is exactly representable; anything at or past it does not fit.
    if (!std::isfinite(d) || d != std::trunc(d) || d >= 9223372036854775808.0 ||
        d < -9223372036854775808.0)
      return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::string str_of(const json::value* v) {
  if (!v) return {};
  if (v->is_string()) return std::string{v->as_string()};
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

/// linkedin_<code> from a Rest.li error body, else http_<status>.
std::string error_code_of(int status, const json::object* body) {
  if (body)
    if (auto c = str_of(body->if_contains("code")); !c.empty())
      return "linkedin_" + c;
  return "http_" + std::to_string(status);
}

std::string message_of(int status, const json::object* body) {
  if (body)
    if (auto m = str_of(body->if_contains("message")); !m.empty()) return m;
  return "HTTP " + std::to_string(status);
}

/// Until the next midnight UTC (LinkedIn's daily quotas reset then), at
/// least a second.
milliseconds until_midnight(time_point now) {
  auto next = chr::floor<chr::days>(now) + chr::days{1};
  auto ms = chr::duration_cast<milliseconds>(next - now);
  return std::max(ms, milliseconds{1000});
}

std::optional<milliseconds> retry_after_header(const upstream_reply& reply) {
  auto h = reply.header("retry-after");
  if (!h) return std::nullopt;
  std::int64_t s = 0;
  auto [p, ec] = std::from_chars(h->data(), h->data() + h->size(), s);
  if (ec != std::errc{} || s < 0) return std::nullopt;
  return milliseconds{s * 1000};
}

/// The verdict of a whole-call error answer.
verdict classify(const upstream_reply& reply, const json::object* body,
                 bool own_error, time_point now) {
  verdict v;
  int status = reply.status;
  v.code = error_code_of(status, body);
  v.message = message_of(status, body);
  if (status == 429) {
    v.kind = outcome_kind::throttled;
    v.retry_after = retry_after_header(reply).value_or(until_midnight(now));
  } else if (status >= 500 || status == 408) {
    v.kind = outcome_kind::transient;
  } else if (!own_error && (status == 400 || status == 403 || status == 404 ||
                            status == 413 || status == 414)) {
    // A merged call failed, maybe for another request's facets or size:
    // each request is retried on its own (the planner isolates retries).
    v.kind = outcome_kind::transient;
    v.message =
        "merged call failed (" + v.message + "); each request is retried alone";
  } else {
    v.kind = outcome_kind::permanent;
  }
  return v;
}

/// "123" of 123 or "urn:li:<type>:123".
std::string id_text(const json::value* v) {
  auto s = str_of(v);
  auto colon = s.rfind(':');
  return colon == std::string::npos ? s : s.substr(colon + 1);
}

std::string result_of(const li_request& r, json::array items) {
  json::object o;
  o[r.result_key()] = std::move(items);
  return json::serialize(o);
}

verdict completed(const li_request& r, json::array items) {
  verdict v;
  v.result_json = result_of(r, std::move(items));
  return v;
}

verdict not_found(const std::string& id) {
  verdict v;
  v.kind = outcome_kind::permanent;
  v.code = "linkedin_NOT_FOUND";
  v.message = "Not found: " + id;
  return v;
}

// -- BATCH_GET ----------------------------------------------------------------

std::vector<std::string> keys_of(const li_request& r) {
  if (r.type == li_type::ad_accounts) return r.accounts;
  std::vector<std::string> out;
  for (const auto& id : r.ids)
    out.push_back(
        r.type == li_type::creatives ? "urn:li:sponsoredCreative:" + id : id);
  return out;
}

verdict batch_verdict(const li_request& r, const json::object& body) {
  const auto* results = body.if_contains("results");
  const auto* errors = body.if_contains("errors");
  const auto* statuses = body.if_contains("statuses");
  json::array items;
  std::optional<verdict> failure;
  bool retry = false;
  verdict retry_v;
  for (const auto& key : keys_of(r)) {
    auto enc = restli_encode(key);
    auto find = [&](const json::value* m) -> const json::value* {
      if (!m || !m->is_object()) return nullptr;
      if (auto* x = m->as_object().if_contains(enc)) return x;
      return m->as_object().if_contains(key);
    };
    if (auto* e = find(results); e && e->is_object()) {
      items.push_back(*e);
      continue;
    }
    const auto* err = find(errors);
    int status = 404;
    if (auto* s = find(statuses); s && s->is_int64())
      status = static_cast<int>(s->as_int64());
    const json::object* eo =
        err && err->is_object() ? &err->as_object() : nullptr;
    if (eo)
      if (auto* s = eo->if_contains("status"); s && s->is_int64())
        status = static_cast<int>(s->as_int64());
    verdict v;
    v.code = error_code_of(status, eo);
    v.message = message_of(status, eo);
    if (status >= 500 || status == 429 || status == 408) {
      v.kind = outcome_kind::transient;
      if (!retry) retry_v = v;
      retry = true;
    } else {
      v.kind = outcome_kind::permanent;
      if (!failure) failure = v;
    }
  }
  if (retry) return retry_v;
  if (failure) return *failure;
  return completed(r, std::move(items));
}

// -- finders ------------------------------------------------------------------

bool in(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

/// The lead form id of a lead's versionedLeadGenFormUrn
/// "urn:li:versionedLeadGenForm:(urn:li:leadGenForm:123,1)".
std::string form_of_lead(const json::object& lead) {
  auto s = str_of(lead.if_contains("versionedLeadGenFormUrn"));
  static const std::string marker = "urn:li:leadGenForm:";
  auto at = s.find(marker);
  if (at == std::string::npos) return {};
  auto start = at + marker.size();
  auto end = start;
  while (end < s.size() && s[end] >= '0' && s[end] <= '9')
    ++end;
  return s.substr(start, end - start);
}

verdict finder_verdict(const li_request& r, const json::array& elements,
                       bool truncated, bool solo) {
  json::array items;
  bool entity_by_ids = r.by_ids() && (r.type == li_type::campaigns ||
                                      r.type == li_type::campaign_groups ||
                                      r.type == li_type::creatives);
  if (truncated && !entity_by_ids && r.type != li_type::targeting_facets) {
    // A list (or a filter of one) from a cut page could be incomplete:
    // never completed. Merged: retried alone with its own filters sent;
    // alone: the list is longer than one page (adbatch does not page).
    verdict v;
    v.kind = solo ? outcome_kind::permanent : outcome_kind::transient;
    v.code = "linkedin_page_truncated";
    v.message = solo ? "the list has more objects than one finder page; "
                       "adbatch does not page"
                     : "the merged finder page was cut; retried alone with "
                       "the request's own filters";
    return v;
  }
  auto field = [](const json::value& e, const char* name) -> std::string {
    return e.is_object() ? str_of(e.as_object().if_contains(name)) : "";
  };
  switch (r.type) {
  case li_type::campaigns:
  case li_type::campaign_groups:
  case li_type::creatives: {
    if (r.by_ids()) {
      // By-id requests: the objects in the request's order, a missing one
      // is the BATCH_GET's NOT_FOUND.
      for (const auto& id : r.ids) {
        const json::value* hit = nullptr;
        for (const auto& e : elements)
          if (e.is_object() && id_text(e.as_object().if_contains("id")) == id)
            hit = &e;
        if (!hit) {
          if (truncated) {
            verdict v;
            v.kind = outcome_kind::transient;
            v.code = "linkedin_page_truncated";
            v.message = "the finder page did not cover every object; "
                        "retried with BATCH_GET";
            return v;
          }
          return not_found(r.type == li_type::creatives
                               ? "urn:li:sponsoredCreative:" + id
                               : id);
        }
        items.push_back(*hit);
      }
      return completed(r, std::move(items));
    }
    for (const auto& e : elements) {
      if (r.type == li_type::creatives) {
        if (!r.campaign_ids.empty() &&
            !in(r.campaign_ids,
                id_text(e.is_object() ? e.as_object().if_contains("campaign")
                                      : nullptr)))
          continue;
        if (!r.statuses.empty() && !in(r.statuses, field(e, "intendedStatus")))
          continue;
      } else if (!r.statuses.empty() && !in(r.statuses, field(e, "status"))) {
        continue;
      }
      items.push_back(e);
    }
    return completed(r, std::move(items));
  }
  case li_type::audiences:
  case li_type::conversions:
  case li_type::lead_gen_forms:
    for (const auto& e : elements)
      if (r.ids.empty() ||
          in(r.ids, id_text(e.is_object() ? e.as_object().if_contains("id")
                                          : nullptr)))
        items.push_back(e);
    return completed(r, std::move(items));
  case li_type::leads:
    for (const auto& e : elements)
      if (r.form_id.empty() ||
          (e.is_object() && form_of_lead(e.as_object()) == r.form_id))
        items.push_back(e);
    return completed(r, std::move(items));
  case li_type::targeting_facets:
    for (const auto& e : elements)
      if (r.facet_names.empty() || in(r.facet_names, field(e, "facetName")))
        items.push_back(e);
    return completed(r, std::move(items));
  default:
    break;
  }
  verdict v;
  v.kind = outcome_kind::permanent;
  v.code = "internal";
  v.message = "unexpected request type in a finder call";
  return v;
}

// -- adAnalytics --------------------------------------------------------------

bool is_cost(const std::string& m) {
  return m == "costInLocalCurrency" || m == "costInUsd";
}

std::optional<std::int64_t> micros_of(std::string_view s) {
  auto dot = s.find('.');
  auto whole = s.substr(0, dot);
  std::int64_t w = 0;
  auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), w);
  if (ec != std::errc{} || p != whole.data() + whole.size())
    return std::nullopt;
  std::int64_t frac = 0;
  if (dot != std::string_view::npos) {
    auto f = std::string{s.substr(dot + 1)};
    if (f.size() > 6 || f.empty()) return std::nullopt;
    f.resize(6, '0');
    auto [q, ec2] = std::from_chars(f.data(), f.data() + f.size(), frac);
    if (ec2 != std::errc{} || q != f.data() + f.size()) return std::nullopt;
  }
  std::int64_t r = 0;
  if (__builtin_mul_overflow(w, std::int64_t{1000000}, &r) ||
      __builtin_add_overflow(r, w < 0 || whole.starts_with('-') ? -frac : frac,
                             &r))
    return std::nullopt;
  return r;
}

std::string decimal_of(std::int64_t micros) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%06lld",
                static_cast<long long>(micros / 1000000),
                static_cast<long long>(micros % 1000000));
  return buf;
}

std::optional<day_number> day_of(const json::value* d) {
  if (!d || !d->is_object()) return std::nullopt;
  const auto& o = d->as_object();
  auto num = [&](const char* k) -> std::optional<std::int64_t> {
    return int_of(o.if_contains(k));
  };
  auto y = num("year"), m = num("month"), dd = num("day");
  if (!y || !m || !dd) return std::nullopt;
  if (*y < 1 || *y > 9999 || *m < 1 || *m > 12 || *dd < 1 || *dd > 31)
    return std::nullopt;
  chr::year_month_day ymd{chr::year{static_cast<int>(*y)},
                          chr::month{static_cast<unsigned>(*m)},
                          chr::day{static_cast<unsigned>(*dd)}};
  if (!ymd.ok()) return std::nullopt;
  return chr::sys_days{ymd}.time_since_epoch().count();
}

json::object date_json(day_number d) {
  chr::year_month_day ymd{chr::sys_days{chr::days{d}}};
  return json::object{{"year", static_cast<int>(ymd.year())},
                      {"month", static_cast<unsigned>(ymd.month())},
                      {"day", static_cast<unsigned>(ymd.day())}};
}

/// [first, last] buckets of a granularity (calendar months / years,
/// clipped), as adAnalytics cuts them.
std::vector<std::pair<day_number, day_number>>
buckets(day_number first, day_number last, const std::string& granularity) {
  std::vector<std::pair<day_number, day_number>> out;
  if (granularity == "ALL") {
    out.emplace_back(first, last);
    return out;
  }
  auto d = first;
  while (d <= last) {
    auto end = d;
    chr::year_month_day ymd{chr::sys_days{chr::days{d}}};
    if (granularity == "MONTHLY")
      end = chr::sys_days{ymd.year() / ymd.month() / chr::last}
                .time_since_epoch()
                .count();
    else if (granularity == "YEARLY")
      end = chr::sys_days{ymd.year() / chr::December / 31}
                .time_since_epoch()
                .count();
    end = std::min(end, last);
    out.emplace_back(d, end);
    d = end + 1;
  }
  return out;
}

/// One pivot tuple's daily metric values.
using day_values = std::map<day_number, std::map<std::string, std::int64_t>>;

struct analytics_rows {
  std::map<std::vector<std::string>, day_values> units;
  std::string error;
};

analytics_rows parse_rows(const json::array& elements) {
  analytics_rows out;
  for (const auto& e : elements) {
    if (!e.is_object()) continue;
    const auto& o = e.as_object();
    std::vector<std::string> pv;
    if (auto* p = o.if_contains("pivotValues"); p && p->is_array())
      for (const auto& x : p->as_array())
        pv.push_back(str_of(&x));
    const json::value* range = o.if_contains("dateRange");
    auto day = day_of(range && range->is_object()
                          ? range->as_object().if_contains("start")
                          : nullptr);
    if (!day) {
      out.error = "an adAnalytics element has no dateRange.start";
      return out;
    }
    auto& vals = out.units[pv][*day];
    for (const auto& [k, v] : o) {
      std::string name{k};
      if (name == "pivotValues" || name == "dateRange") continue;
      std::optional<std::int64_t> x;
      if (v.is_string()) {
        x = micros_of(v.as_string());
        if (!x) continue; // a string that is not a decimal: not a metric
      } else if (v.is_number()) {
        x = int_of(&v);
        if (!x) {
          out.error = "an adAnalytics metric (" + name +
                      ") is not an integer that fits 64 bits";
          return out;
        }
      } else {
        continue;
      }
      auto& slot = vals[name];
      if (__builtin_add_overflow(slot, *x, &slot)) {
        out.error = "an adAnalytics metric (" + name + ") overflows";
        return out;
      }
    }
  }
  return out;
}

verdict analytics_verdict(const li_request& r, const analytics_rows& rows) {
  // The request's units and the pivot value each sums into.
  std::vector<std::string> want;
  for (const auto& a :
       r.family() == analytics_family::campaigns ? r.campaign_ids : r.accounts)
    want.push_back((r.family() == analytics_family::campaigns
                        ? "urn:li:sponsoredCampaign:"
                        : "urn:li:sponsoredAccount:") +
                   a);
  std::map<std::string, std::vector<const day_values*>> groups;
  for (const auto& [pv, days] : rows.units) {
    std::string value;
    switch (r.family()) {
    case analytics_family::accounts: {
      if (pv.size() != 3 || !in(want, pv[0])) continue;
      value = r.pivot == "ACCOUNT"          ? pv[0]
              : r.pivot == "CAMPAIGN_GROUP" ? pv[1]
                                            : pv[2];
      break;
    }
    case analytics_family::campaigns:
      if (pv.size() != 1 || !in(want, pv[0])) continue;
      value = pv[0];
      break;
    case analytics_family::creatives:
      if (pv.size() != 2 || !in(want, pv[0])) continue;
      value = pv[1];
      break;
    }
    groups[value].push_back(&days);
  }
  json::array elements;
  for (auto [first, last] : buckets(*r.start, *r.end, r.granularity)) {
    for (const auto& [value, members] : groups) {
      std::map<std::string, std::int64_t> sum;
      for (const auto* days : members)
        for (auto it = days->lower_bound(first);
             it != days->end() && it->first <= last; ++it)
          for (const auto& [k, v] : it->second)
            sum[k] += v;
      json::object e{{"pivotValues", json::array{json::value(value)}},
                     {"dateRange", json::object{{"start", date_json(first)},
                                                {"end", date_json(last)}}}};
      for (const auto& m : r.metrics) {
        auto v = sum.count(m) ? sum.at(m) : 0;
        if (is_cost(m))
          e[m] = decimal_of(v);
        else
          e[m] = v;
      }
      elements.push_back(std::move(e));
    }
  }
  return completed(r, std::move(elements));
}

/// The URNs ("urn:li:<type>:<id>") a message names.
std::set<std::string> urns_in(const std::string& text) {
  std::set<std::string> out;
  std::size_t at = 0;
  while ((at = text.find("urn:li:", at)) != std::string::npos) {
    auto end = at;
    while (end < text.size() && text[end] != ' ' && text[end] != ',' &&
           text[end] != ')' && text[end] != '(' && text[end] != '"')
      ++end;
    out.insert(text.substr(at, end - at));
    at = end;
  }
  return out;
}

/// The facet URNs an analytics request names.
std::vector<std::string> facet_urns(const li_request& r) {
  std::vector<std::string> out;
  if (r.family() == analytics_family::campaigns)
    for (const auto& c : r.campaign_ids)
      out.push_back("urn:li:sponsoredCampaign:" + c);
  else
    for (const auto& a : r.accounts)
      out.push_back("urn:li:sponsoredAccount:" + a);
  return out;
}

std::string resource_of(const upstream_call& call) {
  auto t = call.target;
  auto q = t.find('?');
  if (q != std::string::npos) t = t.substr(0, q);
  // /rest/adAccounts/1/adCampaigns -> adCampaigns; /rest/adAnalytics -> ...
  std::vector<std::string> segs;
  std::size_t pos = 0;
  while (pos < t.size()) {
    auto next = t.find('/', pos);
    if (next == std::string::npos) next = t.size();
    if (next > pos) segs.push_back(t.substr(pos, next - pos));
    pos = next + 1;
  }
  if (segs.size() >= 4) return segs[3];
  if (segs.size() >= 2) return segs[1];
  return "unknown";
}

} // namespace

std::vector<rate_signal> li_rate_signals(const upstream_reply& reply,
                                         std::string_view resource,
                                         time_point now) {
  std::vector<rate_signal> out;
  if (reply.status != 429) return out;
  rate_signal s;
  bool member = reply.body.find("MEMBER") != std::string::npos;
  s.scope = std::string{member ? "member:" : "app:"} + std::string{resource};
  s.throttled = true;
  s.remaining = 0;
  s.used_fraction = 1.0;
  s.pause_for = retry_after_header(reply).value_or(until_midnight(now));
  out.push_back(std::move(s));
  return out;
}

split_result split_li_call(const upstream_call& call,
                           const upstream_reply& reply,
                           const plan_context& ctx) {
  split_result out;
  auto cx = std::dynamic_pointer_cast<const li_call_context>(call.context);
  auto all = [&](const verdict& v) {
    for (auto id : call.serves)
      out.outcomes.push_back(outcome_of(id, v));
  };
  if (!cx || cx->groups.empty()) {
    verdict v;
    v.kind = outcome_kind::permanent;
    v.code = "invalid_request";
    v.message = "the request is not valid for LinkedIn";
    all(v);
    return out;
  }
  if (reply.transport_error) {
    verdict v;
    v.kind = outcome_kind::transient; // reads only: safe to retry
    v.code = "transport_" + *reply.transport_error;
    v.message = "no answer from LinkedIn (" + *reply.transport_error + ")";
    all(v);
    return out;
  }
  out.signals = li_rate_signals(reply, resource_of(call), ctx.now);
  boost::system::error_code ec;
  auto body = json::parse(reply.body, ec);
  const json::object* obj =
      !ec && body.is_object() ? &body.as_object() : nullptr;
  if (reply.status != 200) {
    // LinkedIn charges the calls it served; errors and throttles are free
    // (adbatch-sim's rule too).
    auto v = classify(reply, obj, cx->own_error, ctx.now);
    if (reply.status == 403 && !cx->own_error &&
        (cx->kind == op_kind::analytics)) {
      // A merged adAnalytics call refused for an object the member may not
      // access: when the message names it, the requests naming it fail
      // now and the others go back unspent (planned again without them);
      // otherwise every request is retried alone (transient, above).
      auto named = urns_in(message_of(reply.status, obj));
      std::vector<bool> guilty;
      bool any = false;
      for (const auto& g : cx->groups) {
        bool hit = false;
        for (const auto& u : facet_urns(*g.request))
          hit = hit || named.count(u) > 0;
        guilty.push_back(hit);
        any = any || hit;
      }
      if (any) {
        for (std::size_t i = 0; i < cx->groups.size(); ++i) {
          verdict w = v;
          if (guilty[i]) {
            w.kind = outcome_kind::permanent;
            w.message = message_of(reply.status, obj);
          } else {
            w.kind = outcome_kind::not_attempted;
            w.retry_after = milliseconds{0};
            w.message = "merged call refused for another request's object (" +
                        message_of(reply.status, obj) + "); planned again";
          }
          for (auto id : cx->groups[i].ids)
            out.outcomes.push_back(outcome_of(id, w));
        }
        return out;
      }
    }
    all(v);
    return out;
  }
  if (!obj) {
    verdict v;
    v.kind = outcome_kind::transient;
    v.code = "linkedin_bad_response";
    v.message = "LinkedIn answered 200 with a body that is not a JSON object";
    all(v);
    return out;
  }
  out.units_spent = call.quota_units;
  const json::array empty;
  const auto* el = obj->if_contains("elements");
  const json::array& elements = el && el->is_array() ? el->as_array() : empty;
  if (cx->kind != op_kind::batch_get && !(el && el->is_array())) {
    verdict v;
    v.kind = outcome_kind::transient;
    v.code = "linkedin_bad_response";
    v.message = "LinkedIn answered 200 without an elements array";
    all(v);
    return out;
  }
  bool truncated = false;
  if (auto* p = obj->if_contains("paging"); p && p->is_object())
    if (auto* t = p->as_object().if_contains("total"); t) {
      auto total = int_of(t);
      if (!total) {
        verdict v;
        v.kind = outcome_kind::transient;
        v.code = "linkedin_bad_response";
        v.message = "paging.total is not an integer";
        all(v);
        return out;
      }
      truncated = *total > static_cast<std::int64_t>(elements.size());
    }
  // Without a total, a full page may have been cut.
  if (!truncated && cx->page_count > 0 &&
      elements.size() >= static_cast<std::size_t>(cx->page_count)) {
    const json::value* total = nullptr;
    if (auto* p = obj->if_contains("paging"); p && p->is_object())
      total = p->as_object().if_contains("total");
    truncated = total == nullptr;
  }
  std::optional<analytics_rows> rows;
  if (cx->kind == op_kind::analytics) {
    rows = parse_rows(elements);
    if (!rows->error.empty()) {
      verdict v;
      v.kind = outcome_kind::transient;
      v.code = "linkedin_bad_response";
      v.message = rows->error;
      all(v);
      return out;
    }
  }
  for (const auto& g : cx->groups) {
    const auto& r = *g.request;
    verdict v;
    switch (cx->kind) {
    case op_kind::batch_get:
      v = batch_verdict(r, *obj);
      break;
    case op_kind::finder:
      v = finder_verdict(r, elements, truncated, cx->solo_list);
      break;
    case op_kind::naive_list:
    case op_kind::naive_analytics:
      v = completed(r, elements);
      break;
    case op_kind::analytics:
      v = analytics_verdict(r, *rows);
      break;
    }
    for (auto id : g.ids)
      out.outcomes.push_back(outcome_of(id, v));
  }
  return out;
}

} // namespace adbatch::platforms::linkedin
