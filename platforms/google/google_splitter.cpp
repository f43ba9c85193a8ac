#include "platforms/google/google_errors.hpp"
#include "platforms/google/google_json.hpp"
#include "platforms/google/google_plan.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <map>
#include <set>

namespace adbatch::platforms::google {

namespace json = boost::json;

namespace {

// -- typed values, as the platform compares them
// ---------------------------------

/// A row value as the platform compares it: absent fields of a message
/// the entity lacks are null (no condition matches them, they sort first),
/// other absent fields hold their proto3 default; numbers compare as
/// doubles, booleans as TRUE/FALSE, everything else as text.
struct typed {
  enum class kind : std::uint8_t { null, number, boolean, text };
  kind k = kind::null;
  double n = 0;
  std::string text;
};

std::optional<double> number_of(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  if (v.is_string()) {
    std::string_view s = v.as_string();
    double d = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc{} && p == s.data() + s.size()) return d;
  }
  return std::nullopt;
}

typed typed_value(const json::object& row, const std::string& field) {
  auto type = google_field_type(field);
  const auto* v = row_value(row, field);
  typed t;
  if ((!v && google_field_nullable(field)) || (v && v->is_null())) return t;
  if (type == field_type::int64 || type == field_type::dbl) {
    t.k = typed::kind::number;
    if (v)
      if (auto n = number_of(*v)) t.n = *n;
    return t;
  }
  if (type == field_type::boolean) {
    t.k = typed::kind::boolean;
    t.text = v && v->is_bool() && v->as_bool() ? "TRUE" : "FALSE";
    return t;
  }
  t.k = typed::kind::text;
  if (v && v->is_string()) t.text = std::string(v->as_string());
  return t;
}

bool equals(const typed& t, const gaql_literal& lit) {
  if (t.k == typed::kind::number) {
    double l = 0;
    auto [p, ec] =
        std::from_chars(lit.text.data(), lit.text.data() + lit.text.size(), l);
    return ec == std::errc{} && p == lit.text.data() + lit.text.size() &&
           t.n == l;
  }
  return t.text == lit.text;
}

bool matches(const json::object& row, const gaql_condition& c) {
  auto t = typed_value(row, c.field);
  if (t.k == typed::kind::null) return false;
  bool any = std::any_of(c.values.begin(), c.values.end(),
                         [&](const auto& l) { return equals(t, l); });
  return c.op == "!=" ? !any : any;
}

bool matches_all(const json::object& row,
                 const std::vector<gaql_condition>& cs) {
  return std::all_of(cs.begin(), cs.end(),
                     [&](const auto& c) { return matches(row, c); });
}

int compare(const typed& a, const typed& b) {
  bool an = a.k == typed::kind::null, bn = b.k == typed::kind::null;
  if (an || bn) return an == bn ? 0 : an ? -1 : 1;
  if (a.k == typed::kind::number && b.k == typed::kind::number)
    return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
}

void sort_rows(std::vector<json::object>& rows,
               const std::vector<gaql_ordering>& order) {
  if (order.empty()) return;
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    for (const auto& o : order) {
      int cmp = compare(typed_value(a, o.field), typed_value(b, o.field));
      if (cmp != 0) return o.descending ? cmp > 0 : cmp < 0;
    }
    return false;
  });
}

// -- reads
// -------------------------------------------------------------------------

/// The row its own query would have returned: the resource names of the
/// resources it selects (and of FROM), then its fields, in its order.
json::object project(const json::object& row, const read_part& p) {
  std::set<std::string> resources{p.from};
  for (const auto& f : p.select) {
    auto prefix = f.substr(0, f.find('.'));
    if (prefix != "metrics" && prefix != "segments") resources.insert(prefix);
  }
  json::object out;
  for (const auto& r : resources)
    if (const auto* v = row_value(row, r + ".resource_name"))
      put_row_value(out, r + ".resource_name", *v);
  for (const auto& f : p.select)
    if (const auto* v = row_value(row, f)) put_row_value(out, f, *v);
  return out;
}

std::int64_t int_of(const json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_string()) {
    std::string_view s = v->as_string();
    std::int64_t n = 0;
    std::from_chars(s.data(), s.data() + s.size(), n);
    return n;
  }
  if (auto n = number_of(*v)) return static_cast<std::int64_t>(*n);
  return 0;
}

/// One object's total over its days, as the platform totals a range:
/// sums in day order, ratios from the sums.
json::object total_row(const std::vector<const json::object*>& days,
                       const read_part& p) {
  json::object row = *days.front();
  json::object metrics;
  auto int_sum = [&](std::string_view f, bool& present) {
    std::int64_t s = 0;
    for (const auto* d : days) {
      const auto* v = row_value(*d, f);
      present = present || v;
      s += int_of(v);
    }
    return s;
  };
  for (const auto& f : p.select) {
    const auto* rule = google_metric_rule(f);
    if (!rule) continue;
    bool present = false;
    json::value v;
    switch (rule->k) {
    case metric_rule::kind::sum_int:
      v = std::to_string(int_sum(f, present));
      if (v.as_string() == "0" && !present) continue;
      break;
    case metric_rule::kind::sum_double: {
      double s = 0.0;
      for (const auto* d : days) {
        const auto* x = row_value(*d, f);
        present = present || x;
        if (x)
          if (auto n = number_of(*x)) s += *n;
      }
      if (s == 0.0 && !present) continue;
      v = s;
      break;
    }
    case metric_rule::kind::ratio: {
      bool ignored = false;
      for (const auto* d : days)
        present = present || row_value(*d, f);
      auto num = int_sum(rule->numerator, ignored);
      auto den = int_sum(rule->denominator, ignored);
      double r = den ? rule->factor * static_cast<double>(num) /
                           static_cast<double>(den)
                     : 0.0;
      if (r == 0.0 && !present) continue;
      v = r;
      break;
    }
    }
    metrics[camel_segment(f.substr(8))] = std::move(v);
  }
  row["metrics"] = std::move(metrics);
  return row;
}

json::array rows_of(const std::vector<json::object>& merged,
                    const read_part& p) {
  json::array out;
  if (p.raw || p.exact) {
    if (p.raw) {
      for (const auto& r : merged)
        out.push_back(r);
    } else {
      for (const auto& r : merged)
        out.push_back(project(r, p));
    }
    return out;
  }
  std::vector<const json::object*> kept;
  for (const auto& r : merged) {
    if (p.cut) {
      const auto* d = row_value(r, "segments.date");
      auto day =
          d && d->is_string() ? parse_iso_date(d->as_string()) : std::nullopt;
      if (!day || *day < p.cut->first || *day > p.cut->last) continue;
    }
    if (!matches_all(r, p.local)) continue;
    kept.push_back(&r);
  }
  std::vector<json::object> rows;
  if (p.aggregate) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<const json::object*>> days;
    for (const auto* r : kept) {
      const auto* k = row_value(*r, p.from + ".resource_name");
      auto key = k && k->is_string() ? std::string(k->as_string())
                                     : json::serialize(*r);
      auto [it, fresh] = days.try_emplace(key);
      if (fresh) order.push_back(key);
      it->second.push_back(r);
    }
    for (const auto& key : order) {
      auto& d = days[key];
      std::stable_sort(d.begin(), d.end(), [](auto* a, auto* b) {
        return compare(typed_value(*a, "segments.date"),
                       typed_value(*b, "segments.date")) < 0;
      });
      rows.push_back(total_row(d, p));
    }
  } else {
    for (const auto* r : kept)
      rows.push_back(*r);
  }
  sort_rows(rows, p.order_by);
  if (p.limit && static_cast<std::int64_t>(rows.size()) > *p.limit)
    rows.resize(static_cast<std::size_t>(*p.limit));
  for (const auto& r : rows)
    out.push_back(project(r, p));
  return out;
}

request_outcome completed(std::int64_t id, std::string json_text) {
  request_outcome o;
  o.request_id = id;
  o.kind = outcome_kind::completed;
  o.result_json = std::move(json_text);
  return o;
}

request_outcome failed(std::int64_t id, outcome_kind k, std::string code,
                       std::string msg,
                       std::optional<milliseconds> retry = std::nullopt) {
  request_outcome o;
  o.request_id = id;
  o.kind = k;
  o.error_code = std::move(code);
  o.error_message = std::move(msg);
  o.retry_after = retry;
  return o;
}

void all_fail(const upstream_call& call, split_result& out, outcome_kind k,
              const std::string& code, const std::string& msg,
              std::optional<milliseconds> retry = std::nullopt) {
  for (auto id : call.serves)
    out.outcomes.push_back(failed(id, k, code, msg, retry));
}

void split_read(const upstream_call& call, const read_call_context& ctx,
                const std::optional<json::value>& body, split_result& out) {
  if (!body) {
    all_fail(call, out, outcome_kind::transient, "google_bad_response",
             "searchStream answered with invalid JSON");
    return;
  }
  std::vector<json::object> rows;
  auto take = [&](const json::object& batch) {
    if (auto r = batch.if_contains("results"); r && r->is_array())
      for (const auto& row : r->as_array())
        if (row.is_object()) rows.push_back(row.as_object());
  };
  if (body->is_array()) {
    for (const auto& b : body->as_array())
      if (b.is_object()) take(b.as_object());
  } else if (body->is_object()) {
    take(body->as_object());
  }
  out.units_spent = call.quota_units;
  for (const auto& p : ctx.parts) {
    auto text =
        json::serialize(json::object{{p.request_type, rows_of(rows, p)}});
    for (auto id : p.request_ids)
      out.outcomes.push_back(completed(id, text));
  }
}

// -- mutates
// -------------------------------------------------------------------------

/// Operation errors a retry can fix when nothing of the request applied.
bool retryable(const ads_error& e) {
  return (e.category == "databaseError" &&
          e.code == "CONCURRENT_MODIFICATION") ||
         e.category == "internalError" ||
         (e.category == "quotaError" &&
          e.code == "RESOURCE_TEMPORARILY_EXHAUSTED");
}

std::string op_label(const mutate_part& p, std::size_t k) {
  return p.single ? std::string("operation")
                  : "operations[" + std::to_string(k) + "]";
}

void split_mutate(const upstream_call& call, const mutate_call_context& ctx,
                  const std::optional<json::value>& body, split_result& out) {
  if (!body || !body->is_object()) {
    all_fail(call, out, outcome_kind::ambiguous, "google_bad_response",
             "mutate answered with invalid JSON: the operations may have "
             "been applied");
    return;
  }
  out.units_spent = call.quota_units;
  const auto& o = body->as_object();
  const json::array* results = nullptr;
  if (auto r = o.if_contains("results"); r && r->is_array())
    results = &r->as_array();
  std::map<std::size_t, std::vector<ads_error>> by_op;
  std::vector<ads_error> general;
  if (auto pf = o.if_contains("partialFailureError"); pf && pf->is_object()) {
    if (auto d = pf->as_object().if_contains("details"))
      for (auto& e : parse_ads_errors(*d)) {
        if (e.operation)
          by_op[*e.operation].push_back(std::move(e));
        else
          general.push_back(std::move(e));
      }
    if (by_op.empty() && general.empty()) {
      ads_error e;
      e.code = "PARTIAL_FAILURE";
      if (auto m = pf->as_object().if_contains("message"); m && m->is_string())
        e.message = std::string(m->as_string());
      general.push_back(std::move(e));
    }
  }
  for (const auto& p : ctx.parts) {
    std::vector<std::string> names;
    std::vector<std::pair<std::size_t, const ads_error*>> errs;
    std::vector<std::size_t> unknown;
    for (std::size_t k = 0; k < p.op_indices.size(); ++k) {
      auto i = p.op_indices[k];
      if (auto it = by_op.find(i); it != by_op.end()) {
        errs.emplace_back(k, &it->second.front());
        continue;
      }
      const json::value* rn = nullptr;
      if (results && i < results->size())
        if (const auto* ro = (*results)[i].if_object())
          rn = ro->if_contains("resourceName");
      if (rn && rn->is_string()) {
        names.emplace_back(rn->as_string());
        continue;
      }
      if (!general.empty())
        errs.emplace_back(k, &general.front());
      else
        unknown.push_back(k);
    }
    for (auto id : p.request_ids) {
      if (errs.empty() && unknown.empty()) {
        json::object r{{"success", true}};
        if (p.single)
          r["resource_name"] = names.front();
        else
          r["resource_names"] = json::array(names.begin(), names.end());
        out.outcomes.push_back(completed(id, json::serialize(r)));
        continue;
      }
      if (errs.empty()) {
        out.outcomes.push_back(failed(
            id, outcome_kind::ambiguous, "google_no_result",
            "mutate answered no result and no error for " +
                op_label(p, unknown.front()) + ": it may have been applied"));
        continue;
      }
      bool retry = names.empty() && unknown.empty() &&
                   std::all_of(errs.begin(), errs.end(),
                               [](auto& e) { return retryable(*e.second); });
      std::string msg;
      if (!p.single)
        msg = std::to_string(errs.size()) + " of " +
              std::to_string(p.op_indices.size()) + " operations failed: ";
      for (std::size_t j = 0; j < errs.size(); ++j) {
        if (j) msg += "; ";
        const auto& e = *errs[j].second;
        msg += op_label(p, errs[j].first) + ": " + e.message + " (" +
               (e.code.empty() ? std::string("UNKNOWN") : e.code) + ")";
      }
      if (!names.empty()) {
        msg += "; applied:";
        std::size_t n = 0;
        for (std::size_t k = 0; k < p.op_indices.size(); ++k) {
          bool bad = std::any_of(errs.begin(), errs.end(),
                                 [&](auto& e) { return e.first == k; });
          bool unk =
              std::find(unknown.begin(), unknown.end(), k) != unknown.end();
          if (bad || unk) continue;
          msg += " " + op_label(p, k) + " -> " + names[n++];
        }
      }
      const auto& first = *errs.front().second;
      out.outcomes.push_back(failed(
          id, retry ? outcome_kind::transient : outcome_kind::permanent,
          "google_" + (first.code.empty() ? std::string("PARTIAL_FAILURE")
                                          : first.code),
          msg));
    }
  }
}

/// A failed mutate whose errors name operations: their requests fail with
/// them, the others were not attempted (nothing of the call applied).
bool split_mutate_error(const mutate_call_context& ctx, const google_error& e,
                        split_result& out) {
  std::map<std::size_t, const ads_error*> by_op;
  for (const auto& x : e.errors)
    if (x.operation && !by_op.count(*x.operation)) by_op[*x.operation] = &x;
  if (by_op.empty()) return false;
  for (const auto& p : ctx.parts) {
    const ads_error* mine = nullptr;
    std::size_t k_mine = 0;
    for (std::size_t k = 0; k < p.op_indices.size() && !mine; ++k)
      if (auto it = by_op.find(p.op_indices[k]); it != by_op.end()) {
        mine = it->second;
        k_mine = k;
      }
    for (auto id : p.request_ids) {
      if (mine)
        out.outcomes.push_back(
            failed(id, outcome_kind::permanent, "google_" + mine->code,
                   op_label(p, k_mine) + ": " + mine->message));
      else
        out.outcomes.push_back(
            failed(id, outcome_kind::not_attempted, "google_call_failed",
                   "the mutate call failed on another request's operation; "
                   "nothing was applied"));
    }
  }
  return true;
}

/// What an error answer still cost: the platform charges a query it
/// executed and rejected for its GAQL (queryError, metrics for a manager,
/// ...) one operation, and a mutate whose operations it executed (errors
/// located at operations) all of them; calls refused before execution
/// (credentials, permission, request shape, throttles, 5xx) cost nothing.
std::int64_t charged_on_error(const upstream_call& call, const google_error* e,
                              bool write) {
  if (!e || e->errors.empty()) return 0;
  if (write)
    return std::any_of(e->errors.begin(), e->errors.end(),
                       [](auto& x) { return x.operation.has_value(); })
               ? call.quota_units
               : 0;
  const auto& first = e->errors.front();
  bool executed =
      first.category == "queryError" ||
      first.code == "REQUESTED_METRICS_FOR_MANAGER" ||
      first.code == "CANNOT_RETURN_SUMMARY_ROW_FOR_REQUEST_WITHOUT_METRICS";
  return executed ? call.quota_units : 0;
}

} // namespace

split_result split_google(const upstream_call& call,
                          const upstream_reply& reply,
                          const plan_context& ctx) {
  split_result out;
  const auto* read = dynamic_cast<const read_call_context*>(call.context.get());
  const auto* write =
      dynamic_cast<const mutate_call_context*>(call.context.get());
  if (!read && !write) {
    all_fail(call, out, outcome_kind::transient, "google_no_context",
             "the call carries no Google plan context");
    return out;
  }
  const std::string& customer = read ? read->customer_id : write->customer_id;
  if (reply.transport_error) {
    auto code = "transport_" + *reply.transport_error;
    if (write && reply.maybe_delivered)
      all_fail(call, out, outcome_kind::ambiguous, code,
               "no answer to the mutate (" + *reply.transport_error +
                   "): its operations may have been applied");
    else
      all_fail(call, out, outcome_kind::transient, code,
               "no answer from Google Ads (" + *reply.transport_error + ")");
    return out;
  }
  auto body = parse_json_exact(reply.body);
  std::optional<google_error> err;
  if (body) err = find_google_error(*body);
  if (reply.status < 200 || reply.status >= 300 || err) {
    auto v = classify_google_error(reply.status, err ? &*err : nullptr,
                                   customer, ctx.now, write != nullptr);
    out.signals = v.signals;
    out.units_spent = charged_on_error(call, err ? &*err : nullptr, write);
    if (write && err && v.kind == outcome_kind::permanent &&
        split_mutate_error(*write, *err, out))
      return out;
    all_fail(call, out, v.kind, v.error_code, v.message, v.retry_after);
    return out;
  }
  if (read)
    split_read(call, *read, body, out);
  else
    split_mutate(call, *write, body, out);
  return out;
}

} // namespace adbatch::platforms::google
