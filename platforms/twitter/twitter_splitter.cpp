#include "platforms/twitter/twitter_plan.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <map>
#include <set>

namespace adbatch::platforms::twitter {

namespace {

namespace json = boost::json;

std::optional<std::int64_t> int_header(const upstream_reply& r,
                                       std::string_view name) {
  auto h = r.header(name);
  if (!h || h->empty() || h->size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : *h) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct splitter {
  const upstream_call& call;
  const upstream_reply& reply;
  const x_call_context& ctx;
  const plan_context& pctx;
  const x_limits& limits;
  split_result out;

  void all(outcome_kind kind, const std::string& code, const std::string& msg,
           std::optional<milliseconds> retry = std::nullopt) {
    for (auto id : call.serves)
      one(id, kind, code, msg, retry);
  }
  void one(std::int64_t id, outcome_kind kind, const std::string& code,
           const std::string& msg,
           std::optional<milliseconds> retry = std::nullopt) {
    request_outcome o;
    o.request_id = id;
    o.kind = kind;
    o.error_code = code;
    o.error_message = msg;
    o.retry_after = retry;
    out.outcomes.push_back(std::move(o));
  }
  void group(const served_group& g, outcome_kind kind, const std::string& code,
             const std::string& msg) {
    for (auto id : g.ids)
      one(id, kind, code, msg);
  }
  void done(const served_group& g, const json::value& result) {
    auto text = json::serialize(result);
    for (auto id : g.ids) {
      request_outcome o;
      o.request_id = id;
      o.kind = outcome_kind::completed;
      o.result_json = text;
      out.outcomes.push_back(std::move(o));
    }
  }

  void wait(const served_group& g, const async_progress& p,
            milliseconds after) {
    auto text = to_json(p);
    for (auto id : g.ids) {
      request_outcome o;
      o.request_id = id;
      o.kind = outcome_kind::waiting;
      o.result_json = text;
      o.retry_after = after;
      out.outcomes.push_back(std::move(o));
    }
  }

  // -- async stats jobs -------------------------------------------------------

  void job_created(const json::object& body) {
    const json::object* data = nullptr;
    if (auto* d = body.if_contains("data"); d && d->is_object())
      data = &d->as_object();
    const json::value* id = data ? data->if_contains("id_str") : nullptr;
    if (!id || !id->is_string()) {
      all(outcome_kind::transient, "x_bad_reply",
          "X Ads job answer without data.id_str");
      return;
    }
    async_progress p;
    p.stage = "job";
    p.job_id = std::string(id->as_string());
    p.account_id = ctx.account_id;
    p.start_day = ctx.start_day;
    p.end_day = ctx.end_day;
    p.granularity = ctx.granularity;
    for (const auto& g : ctx.groups)
      wait(g, p, limits.job_poll_after);
  }

  void job_polled(const json::object& body) {
    std::map<std::string, const json::object*> jobs;
    if (auto* d = body.if_contains("data"); d && d->is_array())
      for (const auto& j : d->as_array())
        if (j.is_object())
          if (auto* id = j.as_object().if_contains("id_str");
              id && id->is_string())
            jobs[std::string(id->as_string())] = &j.as_object();
    for (const auto& g : ctx.groups) {
      auto p = *g.progress;
      auto it = jobs.find(p.job_id);
      if (it == jobs.end()) {
        group(g, outcome_kind::transient, "x_async_job_missing",
              "X does not list stats job " + p.job_id);
        continue;
      }
      const auto& j = *it->second;
      auto* st = j.if_contains("status");
      std::string status =
          st && st->is_string() ? std::string(st->as_string()) : "";
      auto* url = j.if_contains("url");
      if (status == "SUCCESS" && url && url->is_string()) {
        p.stage = "file";
        p.url = std::string(url->as_string());
        wait(g, p, milliseconds{0});
      } else if (status == "QUEUED" || status == "PROCESSING" ||
                 status == "SUCCESS") {
        wait(g, p, limits.job_poll_after);
      } else {
        group(g, outcome_kind::transient, "x_async_job_" + status,
              "X stats job " + p.job_id + " ended " + status);
      }
    }
  }

  milliseconds retry_after() const {
    if (auto reset = int_header(reply, "x-account-rate-limit-reset")) {
      if (auto rem = int_header(reply, "x-account-rate-limit-remaining");
          rem && *rem == 0) {
        auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       pctx.now.time_since_epoch())
                       .count();
        return milliseconds{std::max<std::int64_t>(1, *reset - now) * 1000};
      }
    }
    if (auto reset = int_header(reply, "x-rate-limit-reset")) {
      auto now = std::chrono::duration_cast<std::chrono::seconds>(
                     pctx.now.time_since_epoch())
                     .count();
      return milliseconds{std::max<std::int64_t>(1, *reset - now) * 1000};
    }
    return limits.default_retry_after;
  }

  /// A non-200 answer: every served request gets the same outcome.
  void error_answer(const json::value* body) {
    bool ads = call.target.rfind("/12/", 0) == 0;
    std::string code = "x_http_" + std::to_string(reply.status), msg;
    if (body && body->is_object()) {
      const auto& o = body->as_object();
      if (auto* errs = o.if_contains("errors");
          errs && errs->is_array() && !errs->as_array().empty() &&
          errs->as_array()[0].is_object()) {
        const auto& e = errs->as_array()[0].as_object();
        if (auto* c = e.if_contains("code")) {
          if (c->is_string())
            code = "x_ads_" + std::string(c->as_string());
          else if (c->is_int64())
            code = "x_" + std::to_string(c->as_int64());
        }
        if (auto* m = e.if_contains("message"); m && m->is_string())
          msg = std::string(m->as_string());
      } else if (auto* t = o.if_contains("title"); t && t->is_string()) {
        msg = std::string(t->as_string());
        if (auto* d = o.if_contains("detail"); d && d->is_string())
          msg += ": " + std::string(d->as_string());
      }
    }
    if (msg.empty()) msg = "X answered HTTP " + std::to_string(reply.status);
    (void)ads;
    if (reply.status == 429) {
      out.units_spent = 0;
      auto after = retry_after();
      all(outcome_kind::throttled, code, msg, after);
      return;
    }
    if (reply.status >= 500) {
      out.units_spent = 1;
      all(outcome_kind::transient, code, msg);
      return;
    }
    out.units_spent = reply.status == 401 ? 0 : 1;
    // An entity id the account lacks fails only the requests naming it.
    if (reply.status == 400 &&
        (ctx.kind == call_kind::stats || ctx.kind == call_kind::job_create) &&
        ctx.groups.size() > 1) {
      std::vector<const served_group*> guilty;
      for (const auto& g : ctx.groups)
        for (const auto& k : g.request->keys)
          if (msg.find(" " + k + " ") != std::string::npos) {
            guilty.push_back(&g);
            break;
          }
      if (!guilty.empty()) {
        for (const auto& g : ctx.groups) {
          bool bad =
              std::find(guilty.begin(), guilty.end(), &g) != guilty.end();
          if (bad)
            group(g, outcome_kind::permanent, code, msg);
          else
            group(g, outcome_kind::not_attempted, "x_merged_with_invalid",
                  "merged with a request X rejected; sent again without it");
        }
        return;
      }
    }
    all(outcome_kind::permanent, code, msg);
  }

  // -- v2 lookups -----------------------------------------------------------

  void lookups(const json::object& body) {
    bool by_name = ctx.kind == call_kind::usernames;
    std::map<std::string, json::object> found;
    if (auto* d = body.if_contains("data"); d && d->is_array())
      for (const auto& item : d->as_array()) {
        if (!item.is_object()) continue;
        const auto& o = item.as_object();
        auto* k = o.if_contains(by_name ? "username" : "id");
        if (k && k->is_string())
          found[by_name ? lower(k->as_string()) : std::string(k->as_string())] =
              o;
      }
    std::map<std::string, json::object> problems;
    if (auto* e = body.if_contains("errors"); e && e->is_array())
      for (const auto& item : e->as_array()) {
        if (!item.is_object()) continue;
        const auto& o = item.as_object();
        auto* v = o.if_contains("value");
        if (v && v->is_string())
          problems[by_name ? lower(v->as_string())
                           : std::string(v->as_string())] = o;
      }
    const char* key = ctx.kind == call_kind::tweets ? "tweets" : "users";
    for (const auto& g : ctx.groups) {
      json::array items, errors;
      std::string denied;
      bool missing = false;
      for (const auto& k : g.request->keys) {
        auto kk = by_name ? lower(k) : k;
        if (auto it = found.find(kk); it != found.end()) {
          items.push_back(it->second);
        } else if (auto pit = problems.find(kk); pit != problems.end()) {
          auto* type = pit->second.if_contains("type");
          bool not_found = type && type->is_string() &&
                           type->as_string().ends_with("resource-not-found");
          if (not_found) {
            errors.push_back(pit->second);
          } else if (denied.empty()) {
            auto* d = pit->second.if_contains("detail");
            denied = d && d->is_string() ? std::string(d->as_string())
                                         : "X refused " + k;
          }
        } else {
          missing = true;
        }
      }
      if (!denied.empty()) {
        // X's per-item authorization problem: only these requests retry.
        group(g, outcome_kind::transient, "x_not_authorized", denied);
        continue;
      }
      if (missing) {
        group(g, outcome_kind::transient, "x_missing_item",
              "X's answer neither holds nor reports one of the request's ids");
        continue;
      }
      json::object r;
      r[key] = std::move(items);
      if (!errors.empty()) r["errors"] = std::move(errors);
      done(g, r);
    }
  }

  // -- Ads lists --------------------------------------------------------------

  void lists(const json::object& body) {
    const auto* d = body.if_contains("data");
    if (!d || !d->is_array()) {
      all(outcome_kind::transient, "x_bad_reply",
          "X Ads list answer without data");
      return;
    }
    const auto& data = d->as_array();
    bool complete = true;
    if (auto* nc = body.if_contains("next_cursor"); nc && !nc->is_null())
      complete = false;
    const char* key = ctx.kind == call_kind::accounts
                          ? "accounts"
                          : ctx.list->result_key.c_str();
    for (const auto& g : ctx.groups) {
      const auto& filters = g.request->filters;
      json::array items;
      for (const auto& item : data) {
        if (!item.is_object()) continue;
        const auto& o = item.as_object();
        bool ok = true;
        for (const auto& [name, ids] : filters) {
          std::string field = "id";
          if (ctx.list)
            for (const auto& f : ctx.list->filters)
              if (f.first == name) field = f.second;
          auto* v = o.if_contains(field);
          if (!v || !v->is_string() ||
              !std::binary_search(ids.begin(), ids.end(),
                                  std::string(v->as_string())))
            ok = false;
        }
        if (ok) items.push_back(o);
      }
      json::object r;
      r[key] = std::move(items);
      if (!complete) {
        if (filters.empty()) {
          r["next_cursor"] = body.at("next_cursor");
        } else {
          group(g, outcome_kind::transient, "x_incomplete_list",
                "more than 1000 items: this request's items may be on a later "
                "page");
          continue;
        }
      }
      done(g, r);
    }
  }

  // -- stats ------------------------------------------------------------------

  void stats(const json::object& body) {
    const auto* d = body.if_contains("data");
    if (!d || !d->is_array()) {
      all(outcome_kind::transient, "x_bad_reply",
          "X Ads stats answer without data");
      return;
    }
    std::map<std::string, const json::object*> metrics_of;
    for (const auto& item : d->as_array()) {
      if (!item.is_object()) continue;
      auto* id = item.as_object().if_contains("id");
      auto* idd = item.as_object().if_contains("id_data");
      if (!id || !id->is_string() || !idd || !idd->is_array() ||
          idd->as_array().empty())
        continue;
      const auto& first = idd->as_array()[0];
      if (!first.is_object()) continue;
      if (auto* m = first.as_object().if_contains("metrics");
          m && m->is_object())
        metrics_of[std::string(id->as_string())] = &m->as_object();
    }
    // The call fetched DAY values over [ctx.start_day, ctx.end_day) unless
    // it is a request's own call (then its own granularity).
    bool own_total =
        ctx.kind == call_kind::job_result
            ? ctx.granularity == "TOTAL"
            : call.target.find("granularity=TOTAL") != std::string::npos;
    for (const auto& g : ctx.groups) {
      const auto& x = *g.request;
      auto from = static_cast<std::size_t>(g.start_day - ctx.start_day);
      auto len = static_cast<std::size_t>(g.end_day - g.start_day);
      json::array entries;
      bool missing = false;
      for (const auto& id : x.keys) {
        auto it = metrics_of.find(id);
        if (it == metrics_of.end()) {
          missing = true;
          break;
        }
        json::object metrics;
        for (const auto& grp : x.metric_groups)
          for (const auto& m : metrics_in(grp, *it->second)) {
            const auto* series = it->second->if_contains(m);
            if (!series || series->is_null()) {
              metrics[m] = nullptr;
              continue;
            }
            if (!series->is_array()) continue;
            const auto& a = series->as_array();
            json::array cut;
            if (own_total) {
              cut = a;
            } else if (x.granularity == "TOTAL") {
              std::int64_t sum = 0;
              for (std::size_t i = from; i < from + len && i < a.size(); ++i)
                if (a[i].is_int64()) sum += a[i].as_int64();
              cut.push_back(sum);
            } else {
              for (std::size_t i = from; i < from + len && i < a.size(); ++i)
                cut.push_back(a[i]);
            }
            metrics[m] = std::move(cut);
          }
        json::object seg;
        seg["segment"] = nullptr;
        seg["metrics"] = std::move(metrics);
        json::object e;
        e["id"] = id;
        e["id_data"] = json::array{seg};
        entries.push_back(std::move(e));
      }
      if (missing) {
        group(g, outcome_kind::transient, "x_missing_item",
              "X's stats answer lacks one of the request's entity ids");
        continue;
      }
      json::object r;
      r["stats"] = std::move(entries);
      r["time_series_length"] = x.granularity == "TOTAL"
                                    ? std::int64_t{1}
                                    : static_cast<std::int64_t>(len);
      r["start_time"] = iso_midnight(g.start_day);
      r["end_time"] = iso_midnight(g.end_day);
      done(g, r);
    }
  }

  /// The metrics of a group present in an answer's metrics object, in the
  /// answer's order (X's metric names per group).
  static std::vector<std::string> metrics_in(const std::string& group,
                                             const json::object& metrics) {
    static const std::map<std::string, std::vector<std::string>> groups{
        {"ENGAGEMENT",
         {"impressions", "engagements", "clicks", "retweets", "replies",
          "likes", "follows", "url_clicks"}},
        {"BILLING", {"billed_engagements", "billed_charge_local_micro"}},
        {"VIDEO",
         {"video_total_views", "video_views_25", "video_views_50",
          "video_views_75", "video_views_100"}},
        {"MEDIA", {"media_views", "media_engagements"}}};
    std::vector<std::string> out;
    auto it = groups.find(group);
    if (it == groups.end()) return out;
    for (const auto& m : it->second)
      if (metrics.contains(m)) out.push_back(m);
    return out;
  }

  void run() {
    out.signals = x_rate_signals(reply, ctx.scope, pctx.now);
    if (reply.transport_error) {
      out.units_spent = reply.maybe_delivered ? 1 : 0;
      all(outcome_kind::transient, "transport_" + *reply.transport_error,
          "no answer from X: " + *reply.transport_error);
      return;
    }
    boost::system::error_code ec;
    auto body = json::parse(reply.body, ec);
    if (reply.status != 200) {
      error_answer(ec ? nullptr : &body);
      return;
    }
    if (ec || !body.is_object()) {
      out.units_spent = 1;
      all(outcome_kind::transient, "x_bad_reply",
          "X answered 200 without a JSON object");
      return;
    }
    out.units_spent = 1;
    const auto& o = body.as_object();
    switch (ctx.kind) {
    case call_kind::users:
    case call_kind::usernames:
    case call_kind::tweets:
      lookups(o);
      break;
    case call_kind::accounts:
    case call_kind::list:
      lists(o);
      break;
    case call_kind::stats:
    case call_kind::job_result:
      stats(o);
      break;
    case call_kind::job_create:
      job_created(o);
      break;
    case call_kind::job_poll:
      job_polled(o);
      break;
    default:
      all(outcome_kind::permanent, "x_internal", "unknown call kind");
      break;
    }
  }
};

} // namespace

std::optional<async_progress> parse_progress(const json::object& o) {
  if (o.empty()) return std::nullopt;
  auto str = [&](const char* k) -> std::string {
    auto* x = o.if_contains(k);
    return x && x->is_string() ? std::string(x->as_string()) : std::string{};
  };
  auto num = [&](const char* k) -> std::int64_t {
    auto* x = o.if_contains(k);
    return x && x->is_int64() ? x->as_int64() : 0;
  };
  async_progress p;
  p.stage = str("stage");
  p.job_id = str("job_id");
  p.account_id = str("account_id");
  p.url = str("url");
  p.granularity = str("granularity");
  p.start_day = num("start_day");
  p.end_day = num("end_day");
  if (p.stage == "job" && !p.job_id.empty() && !p.account_id.empty()) return p;
  if (p.stage == "file" && !p.url.empty()) return p;
  return std::nullopt;
}

std::string to_json(const async_progress& p) {
  json::object o;
  o["stage"] = p.stage;
  o["job_id"] = p.job_id;
  o["account_id"] = p.account_id;
  o["start_day"] = p.start_day;
  o["end_day"] = p.end_day;
  o["granularity"] = p.granularity;
  if (!p.url.empty()) o["url"] = p.url;
  return json::serialize(o);
}

std::string url_origin(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  auto start = url.find('/', scheme + 3);
  return start == std::string::npos ? url : url.substr(0, start);
}

std::string url_path(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos)
    return url.empty() || url[0] != '/' ? "/" + url : url;
  auto start = url.find('/', scheme + 3);
  return start == std::string::npos ? std::string("/") : url.substr(start);
}

std::vector<rate_signal> x_rate_signals(const upstream_reply& reply,
                                        const std::string& scope,
                                        time_point now) {
  std::vector<rate_signal> out;
  auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch())
          .count();
  auto read = [&](const std::string& prefix, const std::string& sc) {
    auto limit = int_header(reply, prefix + "limit");
    auto remaining = int_header(reply, prefix + "remaining");
    auto reset = int_header(reply, prefix + "reset");
    if (!limit && !remaining && !reset) return;
    rate_signal s;
    s.scope = sc;
    s.remaining = remaining;
    if (limit && remaining && *limit > 0)
      s.used_fraction =
          1.0 - static_cast<double>(*remaining) / static_cast<double>(*limit);
    bool out_of = reply.status == 429 || (remaining && *remaining == 0);
    if (out_of) {
      s.throttled = reply.status == 429;
      if (reset)
        s.pause_for =
            milliseconds{std::max<std::int64_t>(0, *reset - now_s) * 1000};
    }
    out.push_back(std::move(s));
  };
  read("x-rate-limit-", scope);
  read("x-account-rate-limit-", scope + ":account");
  if (reply.status == 429 && out.empty()) {
    rate_signal s;
    s.scope = scope;
    s.throttled = true;
    out.push_back(std::move(s));
  }
  return out;
}

split_result split_x_call(const upstream_call& call,
                          const upstream_reply& reply, const plan_context& ctx,
                          const x_limits& limits) {
  const auto* c = dynamic_cast<const x_call_context*>(call.context.get());
  if (!c) {
    split_result r;
    for (auto id : call.serves) {
      request_outcome o;
      o.request_id = id;
      o.kind = outcome_kind::permanent;
      o.error_code = "x_internal";
      o.error_message = "call without X context";
      r.outcomes.push_back(std::move(o));
    }
    return r;
  }
  splitter s{call, reply, *c, ctx, limits, {}};
  s.run();
  return std::move(s.out);
}

} // namespace adbatch::platforms::twitter
